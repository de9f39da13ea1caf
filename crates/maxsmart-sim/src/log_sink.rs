//! JSON-lines file that request log entries are appended to, shared by any number of devices.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::log::LogEntry;

/// Shared JSON-lines writer for request log entries.
///
/// Clones write to the same file. Each entry is written as one line and flushed at once, so a
/// reader tailing the file gets complete lines.
#[derive(Debug, Clone)]
pub struct LogSink {
    file: Arc<Mutex<File>>,
}

impl LogSink {
    /// Creates (or truncates) the file at `path`.
    ///
    /// # Errors
    ///
    /// Returns the error of opening the file.
    pub fn create(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(path)?;
        Ok(LogSink {
            file: Arc::new(Mutex::new(file)),
        })
    }

    /// Appends `entry` as one JSON line. Write errors are logged and otherwise ignored, so a
    /// full disk does not stop the device.
    pub fn write(&self, entry: &LogEntry) {
        let mut line = match serde_json::to_string(entry) {
            Ok(line) => line,
            Err(error) => {
                tracing::warn!(%error, "failed to serialize request log entry");
                return;
            }
        };
        line.push('\n');
        let Ok(mut file) = self.file.lock() else {
            tracing::warn!("request log file lock poisoned, entry dropped");
            return;
        };
        if let Err(error) = file.write_all(line.as_bytes()).and_then(|()| file.flush()) {
            tracing::warn!(%error, "failed to write request log entry");
        }
    }
}
