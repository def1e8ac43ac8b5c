//! The per-vehicle event log (`run --event-log PATH`): one CSV row per event of every logged
//! vehicle, streamed to disk as the replications run, never held in memory.
//!
//! ```text
//! replication,vehicle,class,programme,channel,direction,event,station,time_s
//! 0,17,loaded,fast,green,northbound,queue,primary,3600.125
//! ```
//!
//! `vehicle` numbers the vehicles of a replication in order of arrival, from 0; `station` is
//! empty for `arrive` and `exit`; `time_s` is the simulation clock in seconds (warm-up
//! included), exact to the millisecond.
//!
//! Design:
//! - Each replication's log ([`PartLog`]) gathers rows in a small buffer and appends it to its
//!   own part file whenever it fills ([`CHUNK`] bytes), opening the file for that write only.
//!   So memory stays at one buffer per replication and open files at one per worker thread,
//!   however many replications run.
//! - The part files live in one hidden directory beside PATH, `.{name}.{pid}.parts` (for a
//!   device or pipe such as `/dev/null`, in the temporary directory), so that whatever a run
//!   leaves is one entry: the directory is removed on success, on error, on panic, and on
//!   SIGINT, SIGTERM or SIGHUP (see `cleanup`). Only SIGKILL can leave it; the next run
//!   logging beside the same PATH removes such directories of processes that no longer
//!   exist.
//! - Replication 0's part starts with the header. At the end the other parts are appended to
//!   it in replication order and it is renamed over PATH: the file appears whole or not at
//!   all. The first write error stops every replication's logging.
//! - Sampling (`--event-log-sample F`) keeps a vehicle when a hash of (master seed,
//!   replication, vehicle number) falls below F: the same vehicles for a given seed,
//!   whatever the thread count, and the same whichever other options are set.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use bordersim_model::{LogRecord, Scenario, VehicleLog};

use crate::output::{Target, TempFile};

/// The header of the event log.
pub const HEADER: &str =
    "replication,vehicle,class,programme,channel,direction,event,station,time_s\n";

/// Bytes a part gathers before appending them to its file.
const CHUNK: usize = 64 * 1024;

/// An event log being written: shared by the replications' [`PartLog`]s.
#[derive(Debug)]
pub struct EventLog {
    /// Where the finished log goes.
    target: Target,
    /// The hidden directory holding the part files (removed when the log is dropped).
    parts_dir: PathBuf,
    /// The ids written in the rows.
    names: Names,
    /// Which vehicles are logged.
    sample: Sample,
    /// Set by the first part that fails to write: the others stop logging.
    failed: AtomicBool,
}

impl EventLog {
    /// Prepares a log for `path` (checked beforehand with `output::check_destination`).
    /// `fraction` of the vehicles are logged (0 < fraction ≤ 1), chosen from `seed`.
    ///
    /// # Errors
    ///
    /// When `path` cannot be resolved to a file or device to write (a missing directory, a
    /// directory).
    pub fn new(path: &Path, scenario: &Scenario, seed: u64, fraction: f64) -> Result<EventLog> {
        let target = Target::resolve(path)
            .with_context(|| format!("cannot write event log '{}'", path.display()))?;
        let parts_beside = match &target {
            Target::File(file) => file.clone(),
            // A device or pipe has no directory to hold part files: use the temporary one.
            Target::Special(_) => std::env::temp_dir().join("bordersim-event-log"),
        };
        let parts_dir = parts_directory(&parts_beside)
            .with_context(|| format!("cannot write event log '{}'", path.display()))?;
        Ok(EventLog {
            target,
            parts_dir,
            names: Names::new(scenario),
            sample: Sample::new(seed, fraction),
            failed: AtomicBool::new(false),
        })
    }

    /// The log of replication `replication`.
    pub fn part(&self, replication: u64) -> PartLog<'_> {
        let mut buffer = Vec::with_capacity(CHUNK + 256);
        if replication == 0 {
            buffer.extend_from_slice(HEADER.as_bytes());
        }
        PartLog {
            log: self,
            replication,
            buffer,
            file: None,
            error: None,
        }
    }

    /// Assembles the parts (replication 0 first, in order) into the destination. On error
    /// the destination is left as it was (for a regular file) and every part is removed.
    ///
    /// # Errors
    ///
    /// When a part cannot be read or the destination cannot be written or renamed into place.
    pub fn finish(&self, parts: Vec<PartLog<'_>>) -> Result<()> {
        let what = || format!("cannot write event log '{}'", self.target.path().display());
        let mut parts = parts;
        for part in &mut parts {
            if let Some(e) = part.error.take() {
                return Err(e).with_context(what);
            }
        }
        let Some((first, rest)) = parts.split_first_mut() else {
            return Ok(());
        };
        match &self.target {
            Target::File(target) => {
                // Replication 0's part already holds the header and its first rows: append
                // the rest to it, then rename it into place.
                let file = first.open().with_context(what)?;
                let mut out = BufWriter::with_capacity(CHUNK, file);
                out.write_all(&first.buffer).with_context(what)?;
                for part in rest {
                    part.copy_to(&mut out).with_context(what)?;
                    // Free the disk space as soon as the part is copied.
                    part.file = None;
                }
                let file = out
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(what)?;
                file.sync_all().with_context(what)?;
                drop(file);
                if let Some(temp) = first.file.as_mut() {
                    std::fs::rename(&temp.path, target).with_context(what)?;
                    temp.persisted = true;
                }
            }
            Target::Special(path) => {
                let file = OpenOptions::new()
                    .write(true)
                    .open(path)
                    .with_context(what)?;
                let mut out = BufWriter::with_capacity(CHUNK, file);
                for part in std::iter::once(first).chain(rest) {
                    part.copy_to(&mut out).with_context(what)?;
                    part.file = None;
                }
                out.flush().with_context(what)?;
            }
        }
        Ok(())
    }
}

impl Drop for EventLog {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.parts_dir);
        crate::cleanup::unregister(&self.parts_dir);
    }
}

/// The suffix of a parts directory's name.
const PARTS_SUFFIX: &str = ".parts";

/// Creates this process's hidden parts directory beside `beside`,
/// `.{beside's name}.{pid}.parts`, after removing what processes which no longer exist left
/// there (killed with SIGKILL; see `output::remove_stale_temporaries`). It is registered for removal on interruption.
///
/// # Errors
///
/// When `beside` names no file or the directory cannot be created.
fn parts_directory(beside: &Path) -> io::Result<PathBuf> {
    let dir = crate::output::directory_of(beside);
    let name = beside
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?
        .to_string_lossy()
        .into_owned();
    crate::output::remove_stale_temporaries(beside);
    let parts = dir.join(format!(".{name}.{}{PARTS_SUFFIX}", std::process::id()));
    crate::cleanup::register(&parts);
    // A directory of this process's id can only be stale (a process id reused after a kill).
    let _ = std::fs::remove_dir_all(&parts);
    if let Err(e) = std::fs::create_dir(&parts) {
        crate::cleanup::unregister(&parts);
        return Err(e);
    }
    Ok(parts)
}

/// The log of one replication: rows go to a buffer, then to the replication's part file.
#[derive(Debug)]
pub struct PartLog<'a> {
    /// The log this part belongs to (path, names, sampling, first error).
    log: &'a EventLog,
    /// The replication logged, from 0.
    replication: u64,
    /// Rows not yet appended to the part file (at most about [`CHUNK`] bytes).
    buffer: Vec<u8>,
    /// The part file, once created; removed when dropped unless renamed into place.
    file: Option<TempFile>,
    /// The first write error of this part, reported by [`EventLog::finish`].
    error: Option<io::Error>,
}

impl PartLog<'_> {
    /// Opens the part file for appending, creating it first if need be.
    fn open(&mut self) -> io::Result<File> {
        match &self.file {
            Some(temp) => OpenOptions::new().append(true).open(&temp.path),
            None => {
                let path = self
                    .log
                    .parts_dir
                    .join(format!("{}.part", self.replication));
                let file = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&path)?;
                self.file = Some(TempFile {
                    path,
                    persisted: false,
                });
                Ok(file)
            }
        }
    }

    /// Appends the buffer to the part file and empties it.
    fn flush_buffer(&mut self) -> io::Result<()> {
        let mut file = self.open()?;
        file.write_all(&self.buffer)?;
        self.buffer.clear();
        Ok(())
    }

    /// Writes this part's rows (file, then buffer) to `out`.
    fn copy_to(&mut self, out: &mut impl Write) -> io::Result<()> {
        if let Some(temp) = &self.file {
            let mut file = File::open(&temp.path)?;
            io::copy(&mut file, out)?;
        }
        out.write_all(&self.buffer)
    }
}

impl VehicleLog for PartLog<'_> {
    fn wants(&mut self, vehicle: u64) -> bool {
        self.error.is_none() && self.log.sample.keeps(self.replication, vehicle)
    }

    fn record(&mut self, r: &LogRecord) {
        if self.error.is_some() || self.log.failed.load(Ordering::Relaxed) {
            return;
        }
        let names = &self.log.names;
        let ms = r.time.0;
        let b = &mut self.buffer;
        push_u64(b, self.replication);
        b.push(b',');
        push_u64(b, r.vehicle);
        for field in [
            names.class(r.class.index()),
            names.programme(r.programme.index()),
            r.channel.name(),
            names.direction(r.direction.index()),
            r.kind.name(),
            r.station.map_or("", |s| names.station(s.index())),
        ] {
            b.push(b',');
            b.extend_from_slice(field.as_bytes());
        }
        b.push(b',');
        push_u64(b, ms / 1000);
        let frac = ms % 1000;
        b.extend_from_slice(&[
            b'.',
            b'0' + (frac / 100) as u8,
            b'0' + (frac / 10 % 10) as u8,
            b'0' + (frac % 10) as u8,
            b'\n',
        ]);
        if self.buffer.len() >= CHUNK
            && let Err(e) = self.flush_buffer()
        {
            self.error = Some(e);
            self.buffer = Vec::new();
            self.log.failed.store(true, Ordering::Relaxed);
        }
    }
}

/// Appends `n` in decimal (the log's hot path; `write!` is several times slower).
fn push_u64(buffer: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buffer.extend_from_slice(&digits[i..]);
}

/// The names written in the log, CSV-quoted where needed.
#[derive(Debug)]
struct Names {
    /// Class ids by class index.
    classes: Vec<String>,
    /// Programme ids by programme index.
    programmes: Vec<String>,
    /// Direction ids by direction index.
    directions: Vec<String>,
    /// Station ids by station index.
    stations: Vec<String>,
}

impl Names {
    /// The names of `scenario`'s classes, programmes, directions and stations.
    fn new(scenario: &Scenario) -> Names {
        let population = scenario.population();
        let quoted = |ids: &mut dyn Iterator<Item = &str>| ids.map(csv_field).collect();
        Names {
            classes: quoted(&mut population.classes.iter().map(|c| c.id.as_str())),
            programmes: quoted(&mut population.programmes.iter().map(|p| p.id.as_str())),
            directions: quoted(&mut population.directions.iter().map(|d| d.id.as_str())),
            stations: quoted(&mut scenario.crossing.stations().iter().map(|s| s.id.as_str())),
        }
    }

    /// The `i`-th name; empty when there is none (no programme, no station).
    fn get(names: &[String], i: usize) -> &str {
        names.get(i).map_or("", String::as_str)
    }

    /// The id of class `i`.
    fn class(&self, i: usize) -> &str {
        Self::get(&self.classes, i)
    }

    /// The id of programme `i`.
    fn programme(&self, i: usize) -> &str {
        Self::get(&self.programmes, i)
    }

    /// The id of direction `i`.
    fn direction(&self, i: usize) -> &str {
        Self::get(&self.directions, i)
    }

    /// The id of station `i`.
    fn station(&self, i: usize) -> &str {
        Self::get(&self.stations, i)
    }
}

/// A CSV field: quoted (with inner quotes doubled) when it holds a comma, quote or newline.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Which vehicles are logged: a deterministic pseudo-random fraction.
#[derive(Clone, Copy, Debug)]
struct Sample {
    /// The master seed of the run.
    seed: u64,
    /// Vehicles whose hash is below this are kept; `None` keeps all.
    threshold: Option<u64>,
}

impl Sample {
    /// Keeps `fraction` (0 < F <= 1) of the vehicles of a run with master `seed`.
    fn new(seed: u64, fraction: f64) -> Sample {
        // 2^64 as a float; the conversion saturates just below 1.
        let threshold =
            (fraction < 1.0).then_some((fraction * 18_446_744_073_709_551_616.0) as u64);
        Sample { seed, threshold }
    }

    /// Whether vehicle `vehicle` (numbered from 0 in order of arrival) of replication
    /// `replication` is logged.
    fn keeps(&self, replication: u64, vehicle: u64) -> bool {
        match self.threshold {
            None => true,
            Some(t) => mix(mix(mix(self.seed) ^ replication) ^ vehicle) < t,
        }
    }
}

/// The SplitMix64 finaliser: a bijective, well-mixing hash of a 64-bit word.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_in_decimal() {
        let mut b = Vec::new();
        for n in [0, 7, 10, 1234, u64::MAX] {
            b.clear();
            push_u64(&mut b, n);
            assert_eq!(String::from_utf8(b.clone()).expect("ASCII"), n.to_string());
        }
    }

    #[test]
    fn names_are_quoted_only_when_needed() {
        assert_eq!(csv_field("primary"), "primary");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn sampling_keeps_about_the_fraction_asked() {
        let all = Sample::new(1, 1.0);
        assert!((0..1000).all(|v| all.keeps(3, v)));
        for fraction in [0.01, 0.25, 0.5, 0.9] {
            let s = Sample::new(7, fraction);
            let kept = (0..100_000).filter(|&v| s.keeps(2, v)).count() as f64 / 100_000.0;
            assert!((kept - fraction).abs() < 0.01, "{fraction}: kept {kept}");
        }
        // Deterministic, and different replications keep different vehicles.
        let s = Sample::new(7, 0.5);
        let a: Vec<bool> = (0..64).map(|v| s.keeps(0, v)).collect();
        let b: Vec<bool> = (0..64).map(|v| s.keeps(0, v)).collect();
        let c: Vec<bool> = (0..64).map(|v| s.keeps(1, v)).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
