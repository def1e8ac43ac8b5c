//! The files of a sweep's output directory that are inputs: a shard's manifests
//! (`manifest-*.json` at its top) and everything under its `units/` directory. A sweep that
//! writes into a directory and a merge that reads one mark it ([`reserve_sweep_dir`]); no
//! output of the command may then land on those files ([`check_not_reserved`]). Other
//! names in the directory stay free: the merge a `--emit slurm` script submits writes
//! `DIR/result.csv`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::anyhow;

use super::{directory_of, follow_dangling};
use crate::failure::Failure;

/// The sweep directories this process writes into or reads, as named.
static SWEEP_DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Marks `dir` as a sweep's output directory: its manifests and unit files are inputs of
/// the command.
pub fn reserve_sweep_dir(dir: &Path) {
    SWEEP_DIRS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(dir.to_path_buf());
}

/// Rejects an output `path` (given with `option`) that is a manifest or lies under the
/// `units/` directory of a sweep directory marked by [`reserve_sweep_dir`], whether named
/// directly, through `..`, or through a symbolic link.
///
/// # Errors
///
/// [`Failure::BadInput`] naming the option, the output and the directory.
pub fn check_not_reserved(option: &str, path: &Path) -> Result<(), Failure> {
    let Some(at) = resolved(path) else {
        return Ok(());
    };
    let dirs = SWEEP_DIRS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    for dir in dirs {
        let Ok(root) = fs::canonicalize(&dir) else {
            continue;
        };
        let manifest = at.parent() == Some(root.as_path())
            && at
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("manifest-") && n.ends_with(".json"));
        let unit = at.starts_with(root.join("units"));
        if manifest || unit {
            let what = if manifest {
                "a shard's manifest"
            } else {
                "in its units/ directory"
            };
            return Err(Failure::BadInput(anyhow!(
                "{option} '{}' is {what} of the sweep directory '{}', an input of this \
                 command; writing it would destroy a finished shard's record: choose a path \
                 outside units/ and not named manifest-*.json",
                path.display(),
                dir.display()
            )));
        }
    }
    Ok(())
}

/// The canonical path `path` would be written at (links followed; a file not there yet:
/// its canonical directory and its name); `None` when its directory does not exist.
fn resolved(path: &Path) -> Option<PathBuf> {
    let target = follow_dangling(path).ok()?;
    if let Ok(at) = fs::canonicalize(&target) {
        return Some(at);
    }
    let name = target.file_name()?;
    Some(fs::canonicalize(directory_of(&target)).ok()?.join(name))
}

/// Whether two output paths lead to the same file, existing or not yet written.
pub(super) fn same_target(a: &Path, b: &Path) -> bool {
    matches!((resolved(a), resolved(b)), (Some(a), Some(b)) if a == b)
}
