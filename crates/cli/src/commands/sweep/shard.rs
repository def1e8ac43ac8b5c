//! A shard's run: its units run in canonical order while a second thread writes them and
//! checkpoints the manifest.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::Study;
use super::units::{Done, Manifest, UnitFile, check_unit, parse_unit, run_unit, unit_path};
use crate::failure::Failure;
use crate::output::{self, write_atomically};

/// Runs the units of shard `index` of `count` that `dir` lacks, in canonical order, and
/// sends each (and each already there) to the writer.
pub(super) fn run_shard<'a>(
    study: &'a Study,
    dir: &Path,
    index: u64,
    count: u64,
    send: &std::sync::mpsc::SyncSender<Done<'a>>,
) -> Result<(), Failure> {
    for (k, unit) in study.units.iter().enumerate() {
        if k as u64 % count != index {
            continue;
        }
        let path = unit_path(dir, &unit.id);
        let finished = path.exists()
            && match parse_unit(&path) {
                Ok(file) => {
                    // A unit file only ever appears whole (written beside, then renamed): one
                    // that parses is finished; it is checked as `merge` will read it.
                    let _: super::Ran = check_unit(&path, file, study, true)?;
                    true
                }
                Err(e) => {
                    // Only a machine crash (not a killed process) can leave a unit file
                    // that does not parse: one renamed into place but not yet flushed to
                    // disk. Its replications are run again; they give the same summary.
                    crate::failure::warn(&format!("{e}; running unit {} again", unit.id));
                    false
                }
            };
        let file = if finished {
            None
        } else {
            let start = clock();
            let file = UnitFile::new(study, unit, run_unit(study, unit)?);
            Some((file, start.elapsed().as_secs_f64()))
        };
        if send.send(Done { unit, path, file }).is_err() {
            // The writer stopped on an error, which it reports.
            return Ok(());
        }
    }
    Ok(())
}

#[allow(
    clippy::disallowed_methods,
    reason = "the CLI alone reads the clock, for the manifest's wall time"
)]
pub(super) fn clock() -> std::time::Instant {
    std::time::Instant::now()
}

/// Units written since the manifest was last rewritten after which it is rewritten again.
const CHECKPOINT_UNITS: usize = 256;

/// Seconds after which the manifest is rewritten whatever the count.
const CHECKPOINT_SECONDS: f64 = 30.0;

/// How a shard writes its units and manifest cheaply but safely. Each unit file is written
/// beside and renamed into place, so no process, killed at any instant, leaves a partial
/// unit under a unit's name; what a killed process wrote stays in the kernel's page cache,
/// so it loses no finished unit. Unit files are not flushed to disk one by one: a flush
/// costs a disk round trip per unit (6.5 ms each on the test machine, more than a small
/// unit takes to run), and it only matters if the machine itself crashes, after which a
/// recent unit file may be missing or unreadable: the shard's rerun runs a missing unit,
/// and an unreadable one, again (with a warning), and `merge` names any it cannot read. The
/// manifest, a record of the shard (plan, hash, units, wall times) that `merge` checks
/// the plan against, is rewritten whole (flushed, then renamed) before the first unit and
/// then every [`CHECKPOINT_UNITS`] units or [`CHECKPOINT_SECONDS`] seconds and at the end,
/// not after every unit (a rewrite per unit made a shard's writes grow with the square of
/// its units).
pub(super) struct Journal {
    manifest: PathBuf,
    units_dir: PathBuf,
    written: usize,
    since: std::time::Instant,
}

impl Journal {
    pub(super) fn new(manifest: PathBuf, units_dir: PathBuf) -> Self {
        Journal {
            manifest,
            units_dir,
            written: 0,
            since: clock(),
        }
    }

    /// Writes a unit's file whole or not at all, sealed with its checksum.
    pub(super) fn write_unit(&mut self, path: &Path, bytes: &[u8]) -> Result<(), Failure> {
        use std::io::Write as _;
        let what = || format!("cannot write '{}'", path.display());
        let (mut temp, mut file) = output::TempFile::create_beside(path, "tmp")
            .with_context(what)
            .map_err(Failure::Failed)?;
        file.write_all(&super::seal::seal(bytes))
            .with_context(what)
            .map_err(Failure::Failed)?;
        drop(file);
        std::fs::rename(&temp.path, path)
            .with_context(what)
            .map_err(Failure::Failed)?;
        temp.persisted = true;
        self.written += 1;
        Ok(())
    }

    /// Whether a checkpoint is due.
    pub(super) fn due(&self) -> bool {
        self.written >= CHECKPOINT_UNITS || self.since.elapsed().as_secs_f64() >= CHECKPOINT_SECONDS
    }

    /// Rewrites the manifest.
    pub(super) fn checkpoint(&mut self, manifest: &Manifest) -> Result<(), Failure> {
        // The units directory's entries (the renames) are flushed with it, where a
        // directory can be opened to flush it.
        if let Ok(d) = std::fs::File::open(&self.units_dir) {
            let _ = d.sync_all();
        }
        let bytes = serde_json::to_vec_pretty(manifest).map_err(|e| Failure::Failed(e.into()))?;
        write_atomically(&self.manifest, &bytes).map_err(Failure::Failed)?;
        self.written = 0;
        self.since = clock();
        Ok(())
    }
}
