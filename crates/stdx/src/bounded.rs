//! Reading a file whose path someone else chose (a model, a client) without trusting it:
//! only regular files, never more than a limit, never blocking on a FIFO or a device.

use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Why [`read_regular_file`] returned no contents.
#[derive(Debug, thiserror::Error)]
pub enum BoundedReadError {
    /// The path could not be looked up (missing, permission denied, ...).
    #[error("{0}")]
    Locate(std::io::Error),
    /// The path is a directory, a device, a FIFO or a socket.
    #[error("not a regular file")]
    NotAFile,
    /// The file is larger than the limit.
    #[error("file is too large to read: limit is {limit} bytes")]
    TooLarge {
        /// The limit that was passed, in bytes.
        limit: u64,
    },
    /// Opening or reading failed.
    #[error("{0}")]
    Read(std::io::Error),
}

impl From<BoundedReadError> for std::io::Error {
    fn from(err: BoundedReadError) -> Self {
        match err {
            BoundedReadError::Locate(err) | BoundedReadError::Read(err) => err,
            BoundedReadError::NotAFile => {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, err.to_string())
            }
            BoundedReadError::TooLarge { .. } => {
                std::io::Error::new(std::io::ErrorKind::FileTooLarge, err.to_string())
            }
        }
    }
}

/// Reads `path` (symlinks followed) when it is a regular file of at most `limit` bytes.
///
/// The type and size are checked before the file is opened, and again on the opened file
/// (it may have been swapped meanwhile); it is opened non-blocking, so a FIFO put in its
/// place cannot hang the caller, and at most `limit` bytes are read even if it grows.
pub fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, BoundedReadError> {
    let meta = std::fs::metadata(path).map_err(BoundedReadError::Locate)?;
    check(&meta, limit)?;
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(BoundedReadError::Read)?;
    let meta = file.metadata().map_err(BoundedReadError::Read)?;
    check(&meta, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    (&mut file)
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(BoundedReadError::Read)?;
    if bytes.len() as u64 > limit {
        return Err(BoundedReadError::TooLarge { limit });
    }
    Ok(bytes)
}

fn check(meta: &std::fs::Metadata, limit: u64) -> Result<(), BoundedReadError> {
    if !meta.is_file() {
        return Err(BoundedReadError::NotAFile);
    }
    if meta.len() > limit {
        return Err(BoundedReadError::TooLarge { limit });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_directories_and_fifos_are_refused_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        for path in [
            Path::new("/dev/zero"),
            Path::new("/dev/urandom"),
            dir.path(),
        ] {
            assert!(matches!(
                read_regular_file(path, 1024),
                Err(BoundedReadError::NotAFile)
            ));
        }
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        assert!(matches!(
            read_regular_file(&fifo, 1024),
            Err(BoundedReadError::NotAFile)
        ));
    }

    #[test]
    fn the_limit_is_inclusive_and_checked_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read_regular_file(&path, 5).unwrap(), b"12345");
        assert!(matches!(
            read_regular_file(&path, 4),
            Err(BoundedReadError::TooLarge { limit: 4 })
        ));
        // A large sparse file is refused at once.
        let sparse = dir.path().join("sparse");
        std::fs::File::create(&sparse)
            .unwrap()
            .set_len(1 << 30)
            .unwrap();
        let err = read_regular_file(&sparse, 1 << 20).unwrap_err();
        assert_eq!(
            err.to_string(),
            "file is too large to read: limit is 1048576 bytes"
        );
        assert!(matches!(
            read_regular_file(&dir.path().join("missing"), 1),
            Err(BoundedReadError::Locate(_))
        ));
    }
}
