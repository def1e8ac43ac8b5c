//! Writing a report to a file whole or not at all.
//!
//! The bytes go to a hidden temporary file in the destination's directory, which is then
//! renamed over the destination (atomic on POSIX file systems). If anything fails the
//! temporary file is removed and whatever was at the destination is left untouched.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::{Context, Result, bail};

/// Checks, before any long computation, that a report could be written to `path`: its
/// directory exists and `path` is not itself a directory.
pub fn check_destination(path: &Path) -> Result<()> {
    let dir = directory_of(path);
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => bail!(
            "cannot write '{}': '{}' is not a directory",
            path.display(),
            dir.display()
        ),
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "cannot write '{}': cannot open directory '{}'",
                    path.display(),
                    dir.display()
                )
            });
        }
    }
    if path.is_dir() {
        bail!("cannot write '{}': it is a directory", path.display());
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically: afterwards `path` holds exactly `bytes`, or (on
/// error) is as it was before.
///
/// A symbolic link is followed, so the file it points to is replaced and the link kept. A
/// destination that exists but is not a regular file (`/dev/stdout`, a named pipe) cannot
/// be replaced by renaming; it is written to directly.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let what = || format!("cannot write '{}'", path.display());
    let target = match Target::resolve(path).with_context(what)? {
        Target::Special(path) => {
            let file = OpenOptions::new()
                .write(true)
                .open(&path)
                .with_context(what)?;
            return write_all(file, bytes).with_context(what);
        }
        Target::File(target) => target,
    };
    let (mut temp, file) = TempFile::create_beside(&target, "tmp").with_context(what)?;
    write_all(&file, bytes)
        .and_then(|()| file.sync_all())
        .with_context(what)?;
    fs::rename(&temp.path, &target).with_context(what)?;
    temp.persisted = true;
    Ok(())
}

/// Where a file goes.
#[derive(Debug)]
pub enum Target {
    /// A regular file (existing, with symbolic links resolved, or new): written by renaming
    /// a complete temporary file from the same directory over it.
    File(PathBuf),
    /// An existing file that is not a regular file (`/dev/null`, a named pipe): written to
    /// directly.
    Special(PathBuf),
}

impl Target {
    pub fn resolve(path: &Path) -> io::Result<Target> {
        match fs::metadata(path) {
            Ok(meta) if meta.is_file() => Ok(Target::File(fs::canonicalize(path)?)),
            Ok(meta) if !meta.is_dir() => Ok(Target::Special(path.to_path_buf())),
            _ => Ok(Target::File(path.to_path_buf())),
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            Target::File(p) | Target::Special(p) => p,
        }
    }
}

fn write_all(mut file: impl Write, bytes: &[u8]) -> io::Result<()> {
    file.write_all(bytes)?;
    file.flush()
}

pub fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A temporary file that is deleted when dropped, unless it was renamed into place.
#[derive(Debug)]
pub struct TempFile {
    pub path: PathBuf,
    /// Set once the file has been renamed into place: it is then kept.
    pub persisted: bool,
}

impl TempFile {
    /// Creates a new, uniquely named hidden file in `target`'s directory, named
    /// `.{target's name}.{process id}-{n}.{suffix}`.
    pub fn create_beside(target: &Path, suffix: &str) -> io::Result<(TempFile, File)> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let dir = directory_of(target);
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
        let mut last_error = None;
        for _ in 0..100 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let mut temp_name = std::ffi::OsString::from(".");
            temp_name.push(name);
            temp_name.push(format!(".{}-{n}.{suffix}", std::process::id()));
            let path = dir.join(temp_name);
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    return Ok((
                        TempFile {
                            path,
                            persisted: false,
                        },
                        file,
                    ));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_error = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last_error.unwrap_or_else(|| io::Error::other("no free temporary file name")))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.persisted {
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "bordersim-cli-output-{}-{name}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create scratch dir");
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_and_replaces_without_leftovers() {
        let dir = scratch("replace");
        let path = dir.join("report.json");
        write_atomically(&path, b"first").expect("write");
        write_atomically(&path, b"second").expect("rewrite");
        assert_eq!(fs::read(&path).expect("read"), b"second");
        assert_eq!(entries(&dir), ["report.json"]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_and_special_files_written_in_place() {
        let dir = scratch("links");
        let real = dir.join("real.csv");
        fs::write(&real, "old").expect("write");
        let link = dir.join("link.csv");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        write_atomically(&link, b"new").expect("write through link");
        assert!(fs::symlink_metadata(&link).expect("link").is_symlink());
        assert_eq!(fs::read(&real).expect("read"), b"new");
        assert_eq!(entries(&dir), ["link.csv", "real.csv"]);
        // A character device is written to, never replaced.
        write_atomically(Path::new("/dev/null"), b"discarded").expect("write /dev/null");
        let meta = fs::metadata("/dev/null").expect("/dev/null");
        assert!(!meta.is_file());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn failure_leaves_nothing_behind() {
        let dir = scratch("fail");
        // The destination is a directory: the rename fails, the temporary file goes.
        let target = dir.join("taken");
        fs::create_dir(&target).expect("mkdir");
        assert!(write_atomically(&target, b"x").is_err());
        assert!(check_destination(&target).is_err());
        assert_eq!(entries(&dir), ["taken"]);
        let missing = dir.join("no-such-dir").join("r.csv");
        assert!(check_destination(&missing).is_err());
        assert!(write_atomically(&missing, b"x").is_err());
        assert!(check_destination(&dir.join("fine.csv")).is_ok());
        let _ = fs::remove_dir_all(&dir);
    }
}
