//! Reading input files: every file a command reads (scenario, policy, variant, region,
//! crossing and trace files) comes through [`read_text`], which
//!
//! - stops at [`MAX_INPUT_BYTES`], so a huge file or an endless device (`/dev/zero`) is
//!   refused at once instead of filling memory;
//! - locates invalid UTF-8 (`file:line:column`, and the byte offset);
//! - records the file, so that no output of the command can overwrite one of its inputs
//!   ([`files_read`], checked by `output::check_not_input`).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Largest input file read, in bytes (64 MiB): far above any scenario, policy, region or
/// trace a border study needs (a year of per-vehicle trace rows at a busy port is a few
/// MiB), far below what would exhaust memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// The limit in words, for messages and help.
pub const MAX_INPUT_TEXT: &str = "64 MiB";

/// Every file read so far by this process, as named (relative paths as given).
static FILES_READ: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The files read so far by this process (each input of the command).
pub fn files_read() -> Vec<PathBuf> {
    FILES_READ
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

/// Why a file could not be read, worded for a message that already names the file.
#[derive(Debug)]
pub enum ReadError {
    /// The operating system's reason (missing file, permission, a directory).
    Io(std::io::Error),
    /// The file holds more than [`MAX_INPUT_BYTES`].
    TooLarge,
    /// The text is not UTF-8: where the first bad byte is.
    NotUtf8 {
        /// Byte offset of the first invalid byte, from 0.
        offset: usize,
        /// Its line, from 1.
        line: usize,
        /// Its column (in characters), from 1.
        column: usize,
    },
}

impl ReadError {
    /// The reason, with `path` named where the reason is a place in it (`path:line:col`).
    pub fn describe(&self, path: &Path) -> String {
        match self {
            ReadError::Io(e) => e.to_string(),
            ReadError::TooLarge => format!(
                "it holds more than {MAX_INPUT_TEXT} ({MAX_INPUT_BYTES} bytes), the limit for \
                 an input file"
            ),
            ReadError::NotUtf8 {
                offset,
                line,
                column,
            } => format!(
                "{}:{line}:{column}: not valid UTF-8 (byte offset {offset}, line {line}); save \
                 the file as UTF-8 text",
                path.display()
            ),
        }
    }
}

/// The text of the file at `path`, read with the size limit and checked to be UTF-8; the
/// path is recorded as an input of the command.
///
/// # Errors
///
/// [`ReadError`] when the file cannot be opened or read, is larger than the limit, or is not
/// UTF-8.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    FILES_READ
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(path.to_path_buf());
    let file = File::open(path).map_err(ReadError::Io)?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(ReadError::TooLarge);
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let (line, column) = line_column(&e.as_bytes()[..offset]);
        ReadError::NotUtf8 {
            offset,
            line,
            column,
        }
    })
}

/// The 1-based line and column (in characters) just after `valid`, a valid UTF-8 prefix.
fn line_column(valid: &[u8]) -> (usize, usize) {
    let text = std::str::from_utf8(valid).unwrap_or("");
    let line = text.matches('\n').count() + 1;
    let last = text.rfind('\n').map_or(text, |at| &text[at + 1..]);
    (line, last.chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        assert_eq!(line_column(b""), (1, 1));
        assert_eq!(line_column(b"abc"), (1, 4));
        assert_eq!(line_column(b"a\nbc"), (2, 3));
        assert_eq!(line_column("a\n\u{e9}x".as_bytes()), (2, 3));
    }
}
