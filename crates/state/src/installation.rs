//! `$CODEX_HOME/installation_id`: a random UUID (v4) written once, without a newline,
//! and sent with every model request.

use std::io;
use std::path::Path;

/// File name inside CODEX_HOME.
pub const INSTALLATION_ID_FILE: &str = "installation_id";

/// Returns the installation id, creating the file on first use. A file that does not
/// hold a UUID is left alone and a fresh id is used for this run only.
pub fn installation_id(codex_home: &Path) -> io::Result<String> {
    let path = codex_home.join(INSTALLATION_ID_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let id = text.trim();
            if uuid::Uuid::parse_str(id).is_ok() {
                return Ok(id.to_owned());
            }
            Ok(uuid::Uuid::new_v4().to_string())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let id = uuid::Uuid::new_v4().to_string();
            std::fs::create_dir_all(codex_home)?;
            // create_new: two processes starting at once must not overwrite each other.
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    io::Write::write_all(&mut file, id.as_bytes())?;
                    Ok(id)
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => installation_id(codex_home),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_without_newline_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = installation_id(dir.path()).unwrap();
        let text = std::fs::read_to_string(dir.path().join(INSTALLATION_ID_FILE)).unwrap();
        assert_eq!(text, first);
        assert_eq!(text.len(), 36);
        assert_eq!(installation_id(dir.path()).unwrap(), first);
    }

    #[test]
    fn a_damaged_file_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(INSTALLATION_ID_FILE), "garbage").unwrap();
        let id = installation_id(dir.path()).unwrap();
        assert!(uuid::Uuid::parse_str(&id).is_ok());
        let text = std::fs::read_to_string(dir.path().join(INSTALLATION_ID_FILE)).unwrap();
        assert_eq!(text, "garbage");
    }
}
