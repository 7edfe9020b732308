//! Appending to a rollout.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::line::RolloutLine;

/// An open rollout file that only ever grows.
#[derive(Debug)]
pub struct RolloutWriter {
    path: PathBuf,
    file: File,
}

impl RolloutWriter {
    /// Creates the file (and its dated folders); fails if it already exists, so an
    /// existing session is never overwritten.
    pub fn create(path: &Path) -> io::Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new()
            .append(true)
            .create_new(true)
            .open(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Opens an existing rollout to continue it (resume). A torn last line (no final
    /// newline after a crash) is closed with a newline first, so the next line starts
    /// cleanly and readers skip only the torn one.
    pub fn open_existing(path: &Path) -> io::Result<Self> {
        let mut file = OpenOptions::new().append(true).read(true).open(path)?;
        let len = file.metadata()?.len();
        if len > 0 {
            use std::io::{Read, Seek, SeekFrom};
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                file.write_all(b"\n")?;
            }
        }
        Ok(Self {
            path: path.to_path_buf(),
            file,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line with a single write and flushes it to the OS.
    pub fn append(&mut self, line: &RolloutLine) -> io::Result<()> {
        let mut bytes = serde_json::to_vec(line).map_err(io::Error::other)?;
        bytes.push(b'\n');
        self.file.write_all(&bytes)?;
        self.file.flush()
    }

    /// Forces written lines to disk (at turn ends and shutdown).
    pub fn sync(&self) -> io::Result<()> {
        self.file.sync_data()
    }
}
