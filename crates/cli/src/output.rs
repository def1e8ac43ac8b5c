//! Where a command's report goes: the one output path every command takes.
//!
//! A command checks its destination before any long computation ([`check_output`]), then
//! hands [`emit`] a function that renders its report in the format asked for; the bytes go
//! to the `--output` file, whole or not at all, or to standard output.
//!
//! Writing a file whole or not at all: the bytes go to a hidden temporary file in the
//! destination's directory, which is then renamed over the destination (atomic on POSIX
//! file systems). If anything fails the temporary file is removed and whatever was at the
//! destination is left untouched.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::{Context, Result, anyhow, bail};

use crate::args::{Format, RunSettings};
use crate::failure::Failure;

mod named;
mod reserved;

pub use named::{CSV, POLICY_TOML, SCENARIO_TOML, check_named};
pub use reserved::{check_not_reserved, reserve_sweep_dir};

/// Rejects, before any long computation, an `--output` that names one of the `inputs`
/// (the files the command names on its command line) or cannot be written: it is a bad
/// argument. Standard output needs no check.
///
/// # Errors
///
/// [`Failure::BadInput`] naming the option and the path.
pub fn check_output(settings: &RunSettings, inputs: &[&Path]) -> Result<(), Failure> {
    if let Some(path) = settings.output_file() {
        check_output_path("--output", path, inputs)?;
    }
    if let Some(path) = &settings.report {
        check_output_path("--report", path, inputs)?;
        if settings
            .output_file()
            .is_some_and(|o| o == path.as_path() || same_file(o, path))
        {
            return Err(Failure::BadInput(anyhow!(
                "--report and --output both name '{}'; choose two paths (or only --output \
                 with an .html name)",
                path.display()
            )));
        }
    }
    Ok(())
}

/// What `--output` (or standard output) receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// The report in a text format.
    Text(Format),
    /// The HTML page.
    Html,
}

/// The extensions an HTML page is written to.
const HTML_EXTENSIONS: [&str; 2] = ["html", "htm"];

/// What the output gets: the `--format` asked for, else the one the `--output` extension
/// names (`.json`, `.csv`, `.html`; `.txt` or none: a table). An extension no format is
/// written in (`-o results.xlsx`) is refused, whatever `--format` says; so is a `--report`
/// whose name does not end in `.html`.
///
/// # Errors
///
/// [`Failure::BadInput`] naming the option, the path and the formats it may end in.
pub fn written(settings: &RunSettings) -> Result<Written, Failure> {
    if let Some(path) = &settings.report {
        let ext = extension(path);
        if !ext.as_deref().is_some_and(|e| HTML_EXTENSIONS.contains(&e)) {
            return Err(Failure::BadInput(anyhow!(
                "--report '{}': the report is an HTML page; give a name ending in .html",
                path.display()
            )));
        }
    }
    let Some(path) = settings.output_file() else {
        return Ok(Written::Text(settings.resolved_format()));
    };
    let ext = extension(path);
    let named = match ext.as_deref() {
        None | Some("txt" | "text") => None,
        Some("json") => Some(Written::Text(Format::Json)),
        Some("csv") => Some(Written::Text(Format::Csv)),
        Some(e) if HTML_EXTENSIONS.contains(&e) => Some(Written::Html),
        Some(e) => {
            return Err(Failure::BadInput(anyhow!(
                "--output '{}': cannot write a .{e} file; the output is a table (.txt or no \
                 extension), JSON (.json), CSV (.csv) or an HTML page (.html)",
                path.display()
            )));
        }
    };
    // An extension that names a format names the file's contents: a --format of another
    // would write, say, CSV into a .json file.
    match (settings.format, named) {
        (None, Some(named)) => Ok(named),
        (Some(asked), Some(named)) if named != Written::Text(asked) => {
            Err(Failure::BadInput(anyhow!(
                "--format {} but --output '{}' names {}: give a name ending in .{} (or drop \
                 --format: the extension names the format)",
                format_name(asked),
                path.display(),
                written_name(named),
                extension_of(asked)
            )))
        }
        _ => Ok(Written::Text(settings.resolved_format())),
    }
}

/// A format as `--format` spells it.
fn format_name(format: Format) -> &'static str {
    match format {
        Format::Table => "table",
        Format::Json => "json",
        Format::Csv => "csv",
    }
}

/// What an output of an extension that names a format holds, in words.
fn written_name(written: Written) -> &'static str {
    match written {
        Written::Text(Format::Table) => "a table",
        Written::Text(Format::Json) => "JSON",
        Written::Text(Format::Csv) => "CSV",
        Written::Html => "an HTML page",
    }
}

/// The extension of a file in `format`.
fn extension_of(format: Format) -> &'static str {
    match format {
        Format::Table => "txt",
        Format::Json => "json",
        Format::Csv => "csv",
    }
}

/// Rejects a CSV output (given with `option`) whose name does not end in `.csv`: what the
/// extension names is what the file holds.
///
/// # Errors
///
/// [`Failure::BadInput`] naming the option and the path.
pub fn check_csv_name(option: &str, path: &Path) -> Result<(), Failure> {
    check_named(option, path, CSV)
}

/// Rejects two outputs of one command that name the same file (`outputs`: each option
/// and its path, if given), so that neither is lost under the other: the same path, the
/// same file through a link, or two names of one file not yet written. Devices
/// (`/dev/null`) may take several outputs.
///
/// # Errors
///
/// [`Failure::BadInput`] naming both options and the path.
pub fn check_outputs_distinct(outputs: &[(&str, Option<&Path>)]) -> Result<(), Failure> {
    let given: Vec<(&str, &Path)> = outputs
        .iter()
        .filter_map(|(option, path)| path.map(|p| (*option, p)))
        .filter(|(_, p)| p.as_os_str() != "-")
        .collect();
    for (k, (a, pa)) in given.iter().enumerate() {
        for (b, pb) in &given[k + 1..] {
            let special = |p: &Path| fs::metadata(p).is_ok_and(|m| !m.is_file() && !m.is_dir());
            if special(pa) || special(pb) {
                continue;
            }
            if pa == pb || same_file(pa, pb) || reserved::same_target(pa, pb) {
                return Err(Failure::BadInput(anyhow!(
                    "{a} and {b} both name '{}': one output would be lost under the other; \
                     choose two paths",
                    pa.display()
                )));
            }
        }
    }
    Ok(())
}

/// The lower-case extension of `path`, if any.
fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// Rejects an output path (given with `option`) that is one of `inputs` or cannot be
/// written.
///
/// # Errors
///
/// [`Failure::BadInput`] naming `option` and the path.
pub fn check_output_path(option: &str, path: &Path, inputs: &[&Path]) -> Result<(), Failure> {
    for input in inputs {
        check_clash(option, path, input)?;
    }
    check_not_reserved(option, path)?;
    check_destination(path).map_err(|e| Failure::BadInput(e.context(option.to_owned())))
}

/// Rejects, once the command has read its inputs and before it simulates anything, an
/// output (given with `option`) that is any file the command read: the files named on the
/// command line and those they name (crossing files, trace files).
///
/// # Errors
///
/// [`Failure::BadInput`] naming the option, the output and the input.
pub fn check_not_input(option: &str, path: &Path) -> Result<(), Failure> {
    for input in crate::input::files_read() {
        check_clash(option, path, &input)?;
    }
    check_not_reserved(option, path)
}

/// [`check_not_input`] for the `--output` of `settings` and an `--event-log`, if any.
///
/// # Errors
///
/// [`Failure::BadInput`] naming the option, the output and the input.
pub fn check_outputs_not_inputs(
    settings: &RunSettings,
    event_log: Option<&Path>,
) -> Result<(), Failure> {
    if let Some(path) = settings.output_file() {
        check_not_input("--output", path)?;
    }
    if let Some(path) = &settings.report {
        check_not_input("--report", path)?;
    }
    if let Some(path) = event_log {
        check_not_input("--event-log", path)?;
    }
    // Every path is someone's input no more: now its name must say a format we write.
    written(settings)?;
    Ok(())
}

/// Rejects output `path` when it is the same file as `input`.
fn check_clash(option: &str, path: &Path, input: &Path) -> Result<(), Failure> {
    if same_file(path, input) {
        let also = if path == input {
            String::new()
        } else {
            format!(" ('{}')", input.display())
        };
        return Err(Failure::BadInput(anyhow!(
            "{option} '{}' is an input of this command{also}; writing it would destroy the \
             input: choose another path",
            path.display()
        )));
    }
    Ok(())
}
/// Renders a report with `render` in the format `settings` resolve to (or as the HTML page
/// `html` makes, for an `--output` ending in `.html`), then writes it to the `--output` file
/// atomically, or to standard output; the page also goes to the `--report` file, if any.
///
/// # Errors
///
/// [`Failure::Failed`] when rendering or writing fails.
pub fn emit(
    settings: &RunSettings,
    render: impl FnOnce(Format) -> Result<Vec<u8>>,
    html: impl FnOnce() -> String,
) -> Result<(), Failure> {
    let written = written(settings)?;
    // The page is made once, for the output and the --report file alike.
    let page = (written == Written::Html || settings.report.is_some())
        .then(html)
        .unwrap_or_default();
    let bytes = match written {
        Written::Html => page.as_bytes().to_vec(),
        Written::Text(format) => render(format).map_err(Failure::Failed)?,
    };
    if let Some(path) = &settings.report {
        write_atomically(path, page.as_bytes()).map_err(Failure::Failed)?;
    }
    match settings.output_file() {
        Some(path) => write_atomically(path, &bytes).map_err(Failure::Failed),
        None => print_stdout(&bytes),
    }
}

/// Refuses an HTML output or a `--report` for `what`, which has no HTML page.
///
/// # Errors
///
/// [`Failure::BadInput`] naming the option.
pub fn check_text_only(settings: &RunSettings, what: &str) -> Result<(), Failure> {
    if settings.report.is_some() || written(settings)? == Written::Html {
        return Err(Failure::BadInput(anyhow!(
            "{what} has no HTML page: write its table, JSON (.json) or CSV (.csv)"
        )));
    }
    Ok(())
}

/// Writes to standard output. A closed pipe (`bordersim run … | head`) is not an error.
///
/// # Errors
///
/// [`Failure::Failed`] when standard output cannot be written.
pub fn print_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Failed(
            anyhow::Error::new(e).context("cannot write to standard output"),
        )),
    }
}

/// Whether two paths name the same existing regular file (the same canonical path, or on
/// Unix the same device and inode: a hard link). Devices and pipes (`/dev/null`) may be
/// named by several inputs and outputs: they are never "the same file". A path that does not
/// exist yet is no existing file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (fs::metadata(a), fs::metadata(b)) else {
        return false;
    };
    if !ma.is_file() || !mb.is_file() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if ma.dev() == mb.dev() && ma.ino() == mb.ino() {
            return true;
        }
    }
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Checks, before any long computation, that a report could be written to `path`: it does
/// not end in `/`, it is not a directory, and a new file can be created in the directory
/// that will hold it (tried: a hidden probe file is created and removed). A symbolic link,
/// dangling or not, is checked where it leads.
///
/// # Errors
///
/// When `path` ends in `/`, its directory is missing, not a directory or not writable, or
/// `path` is a directory.
pub fn check_destination(path: &Path) -> Result<()> {
    let raw = path.as_os_str().as_encoded_bytes();
    if raw.ends_with(b"/") || (cfg!(windows) && raw.ends_with(b"\\")) {
        bail!(
            "cannot write '{}': a path ending in '/' names a directory; give a file name",
            path.display()
        );
    }
    let target = match Target::resolve(path)
        .with_context(|| format!("cannot write '{}'", path.display()))?
    {
        Target::Special(_) => return Ok(()),
        Target::File(target) => target,
    };
    let dir = directory_of(&target);
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
    if target.is_dir() {
        bail!("cannot write '{}': it is a directory", path.display());
    }
    remove_stale_temporaries(&target);
    // The report is written to a temporary file beside the target, then renamed: try it.
    TempFile::create_beside(&target, "probe").with_context(|| {
        format!(
            "cannot write '{}': cannot create a file in directory '{}'",
            path.display(),
            dir.display()
        )
    })?;
    Ok(())
}

/// Writes `bytes` to `path` atomically: afterwards `path` holds exactly `bytes`, or (on
/// error) is as it was before.
///
/// A symbolic link is followed, so the file it points to is replaced and the link kept. A
/// destination that exists but is not a regular file (`/dev/stdout`, a named pipe) cannot
/// be replaced by renaming; it is written to directly.
///
/// # Errors
///
/// Any I/O error of resolving, writing or renaming, with `path` named.
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
    /// Where `path` leads: a regular file (symbolic links resolved, a dangling link to the
    /// file it names, which writing creates) or a special file.
    ///
    /// # Errors
    ///
    /// When an existing regular file cannot be canonicalised or a link cannot be read.
    pub fn resolve(path: &Path) -> io::Result<Target> {
        match fs::metadata(path) {
            Ok(meta) if meta.is_file() => Ok(Target::File(fs::canonicalize(path)?)),
            Ok(meta) if !meta.is_dir() => Ok(Target::Special(path.to_path_buf())),
            _ => Ok(Target::File(follow_dangling(path)?)),
        }
    }

    /// The path written to.
    pub fn path(&self) -> &Path {
        match self {
            Target::File(p) | Target::Special(p) => p,
        }
    }
}

/// Removes what earlier runs killed with SIGKILL (which cannot be caught) left beside
/// `target`: the hidden temporary files `.{name}.{pid}-{n}.{suffix}` and event-log parts
/// directories `.{name}.{pid}.parts` of processes that no longer run. Where running
/// processes cannot be listed (no `/proc`), nothing is removed.
pub fn remove_stale_temporaries(target: &Path) {
    let proc = Path::new("/proc");
    let Some(name) = target.file_name().and_then(|n| n.to_str()) else {
        return;
    };
    if !proc.join("self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(directory_of(target)) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (pid, tail) = rest.split_at(digits);
        let ours = match tail.strip_prefix('-') {
            Some(t) => t.split_once('.').is_some_and(|(n, suffix)| {
                !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
                    && matches!(suffix, "tmp" | "probe")
            }),
            None => tail == ".parts",
        };
        if pid.is_empty() || !ours || proc.join(pid).exists() {
            continue;
        }
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = fs::remove_dir_all(&path);
        } else {
            let _ = fs::remove_file(&path);
        }
    }
}

/// Where a path that leads to no existing file will be created: itself, or, for a dangling
/// symbolic link, the path the chain of links ends at (relative links are relative to the
/// link's directory), so that writing creates the link's target and keeps the link.
///
/// # Errors
///
/// When a link cannot be read or the chain is longer than 40 links (a loop).
fn follow_dangling(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = directory_of(&current).join(link);
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Writes all of `bytes` to `file` and flushes it.
fn write_all(mut file: impl Write, bytes: &[u8]) -> io::Result<()> {
    file.write_all(bytes)?;
    file.flush()
}

/// The directory holding `path` (`.` for a bare file name).
pub fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A temporary file that is deleted when dropped, unless it was renamed into place.
#[derive(Debug)]
pub struct TempFile {
    /// Where the temporary file is.
    pub path: PathBuf,
    /// Set once the file has been renamed into place: it is then kept.
    pub persisted: bool,
}

impl TempFile {
    /// Creates a new, uniquely named hidden file in `target`'s directory, named
    /// `.{target's name}.{process id}-{n}.{suffix}`.
    ///
    /// # Errors
    ///
    /// When `target` names no file, or no new file can be created beside it.
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
            // Registered before it exists, so that an interruption between the two cannot
            // leave it behind.
            crate::cleanup::register(&path);
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
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    crate::cleanup::unregister(&path);
                    last_error = Some(e);
                }
                Err(e) => {
                    crate::cleanup::unregister(&path);
                    return Err(e);
                }
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
        crate::cleanup::unregister(&self.path);
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

    #[cfg(unix)]
    #[test]
    fn dangling_links_lead_to_the_file_they_name() {
        let dir = scratch("dangling");
        let link = dir.join("a.json");
        std::os::unix::fs::symlink("b.json", &link).expect("symlink");
        std::os::unix::fs::symlink("sub/c.json", dir.join("b.json")).expect("symlink");
        assert_eq!(
            follow_dangling(&link).expect("chain"),
            dir.join("sub/c.json")
        );
        // The directory the chain ends in is missing: refused before anything runs.
        assert!(check_destination(&link).is_err());
        fs::create_dir(dir.join("sub")).expect("mkdir");
        check_destination(&link).expect("writable");
        write_atomically(&link, b"x").expect("write through");
        assert_eq!(fs::read(dir.join("sub/c.json")).expect("read"), b"x");
        assert!(fs::symlink_metadata(&link).expect("link").is_symlink());
        // A loop of links is an error, not a hang.
        let loop_a = dir.join("loop-a");
        std::os::unix::fs::symlink("loop-b", &loop_a).expect("symlink");
        std::os::unix::fs::symlink("loop-a", dir.join("loop-b")).expect("symlink");
        assert!(follow_dangling(&loop_a).is_err());
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn temporaries_of_dead_processes_are_removed() {
        let dir = scratch("stale");
        let target = dir.join("r.csv");
        // No process has this id (above any pid_max Linux allows).
        let dead = 999_999_999u32;
        let live = std::process::id();
        for name in [
            format!(".r.csv.{dead}-0.tmp"),
            format!(".r.csv.{dead}-3.probe"),
            format!(".r.csv.{live}-0.tmp"),
            ".r.csv.notes".to_owned(),
            format!(".other.csv.{dead}-0.tmp"),
            "r.csv".to_owned(),
        ] {
            fs::write(dir.join(name), "x").expect("write");
        }
        fs::create_dir(dir.join(format!(".r.csv.{dead}.parts"))).expect("mkdir");
        fs::write(dir.join(format!(".r.csv.{dead}.parts/0.part")), "x").expect("write");
        fs::create_dir(dir.join(format!(".r.csv.{live}.parts"))).expect("mkdir");
        remove_stale_temporaries(&target);
        let mut kept = vec![
            format!(".other.csv.{dead}-0.tmp"),
            ".r.csv.notes".to_owned(),
            format!(".r.csv.{live}-0.tmp"),
            format!(".r.csv.{live}.parts"),
            "r.csv".to_owned(),
        ];
        kept.sort();
        assert_eq!(entries(&dir), kept);
        let _ = fs::remove_dir_all(&dir);
    }
}
