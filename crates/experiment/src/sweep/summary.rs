//! A mergeable summary of consecutive replications.
//!
//! The report is a function of every replication's statistics, but it reads them only
//! through a few kinds of aggregate: a mean over replications and its Student-t interval
//! (one value per replication, summed in replication order), a delay (every observation
//! pooled in one histogram, plus each replication's mean and 95th percentile), an unpooled
//! delay (the count of observations and each replication's mean and 95th percentile, no
//! histogram: what the hourly rows by lane group read), a total, a largest value, and
//! observations pooled in a histogram. A [`Summary`] keeps exactly those
//! aggregates and nothing else, so it merges exactly: histograms add bin by bin (integers),
//! totals add, and the per-replication values are concatenated in replication order, so the
//! floating-point sums behind every mean are the sums the report of all replications at once
//! computes, bit for bit.
//!
//! How the aggregates are found: the report is built once per replication in *record* mode,
//! where each aggregate the report code asks for is appended, in the order asked, to the
//! replication's summary; summaries merge entry by entry; and the report is built once more
//! in *replay* mode, where each aggregate the code asks for is taken, in the same order, from
//! the merged summary. The report code asks for the same aggregates in the same order
//! whatever the data (a check at every merge): what it asks depends on the scenario alone.
//! The mode is per thread, because the report code that asks lives in several modules
//! whose functions take replications, not a context.
//!
//! One more kind holds a statistic over time bins (a series): per bin, exact integer
//! moments over replications (`moments.rs`), one entry per statistic whatever the number
//! of bins, added bin by bin on a merge, its size fixed by the bins whatever the number of
//! replications.

mod data;
mod moments;
mod values;

use std::cell::RefCell;

use bordersim_model::{CellShape, ReplicationStats};
use bordersim_stats::{Layout, SparseTally, Tally, TallyOf};
use data::SummaryData;
use serde::Deserialize;
use values::{Entries, Replaying};

pub(crate) use moments::{MomentKind, MomentRows};

/// One aggregate over consecutive replications.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Entry {
    /// One value per replication, in replication order (a mean and its interval).
    Samples(Vec<f64>),
    /// A delay: every observation pooled, and the mean and the 95th percentile (ms) of
    /// each replication that has observations, in replication order.
    Delay {
        /// Every observation of every replication.
        pooled: Bins,
        /// Each replication's mean, ms.
        means: Vec<f64>,
        /// Each replication's 95th percentile, ms.
        p95s: Vec<f64>,
    },
    /// A delay read only per replication: the number of observations, and the mean and
    /// the 95th percentile (ms) of each replication that has observations, in replication
    /// order. No histogram, so memory a few words per replication, whatever the delays.
    Unpooled {
        /// Observations of every replication.
        count: u64,
        /// Each replication's mean, ms.
        means: Vec<f64>,
        /// Each replication's 95th percentile, ms.
        p95s: Vec<f64>,
    },
    /// A count over replications.
    Total(u64),
    /// The largest value over replications.
    Largest(u64),
    /// Observations pooled over replications.
    Pooled(Bins),
    /// A statistic over time bins: per bin, exact integer moments over replications.
    Moments(MomentRows),
}

/// A pooled histogram: built here (recorded, or merged into), or as read back from a
/// summary's file — only the bins that hold observations — until it is merged or read,
/// so that reading a unit allocates no bins up to its largest and merging it adds only the
/// bins it has.
#[derive(Clone, Debug)]
pub(crate) enum Bins {
    /// A tally.
    Built(Tally),
    /// A tally as read back.
    Read(SparseTally),
}

impl Bins {
    /// A replication's histogram as recorded: its occupied bins only (a few hundred where
    /// the tally spans thousands), since it is kept only until merged into the summary.
    fn recorded(t: &Tally) -> Self {
        Bins::Read(SparseTally::of(t))
    }

    /// Adds `later`'s observations.
    fn absorb(&mut self, later: &Bins) {
        if let Bins::Read(read) = self {
            *self = Bins::Built(read.to_tally());
        }
        let Bins::Built(tally) = self else {
            unreachable!("built above")
        };
        match later {
            Bins::Built(t) => tally.merge(t),
            Bins::Read(s) => tally.merge_sparse(s),
        }
    }

    /// The tally.
    fn into_tally(self) -> Tally {
        match self {
            Bins::Built(t) => t,
            Bins::Read(s) => s.to_tally(),
        }
    }

    /// The tally, borrowed if it is built.
    fn tally(&self) -> std::borrow::Cow<'_, Tally> {
        match self {
            Bins::Built(t) => std::borrow::Cow::Borrowed(t),
            Bins::Read(s) => std::borrow::Cow::Owned(s.to_tally()),
        }
    }
}

/// The same observations, however held.
impl PartialEq for Bins {
    fn eq(&self, other: &Bins) -> bool {
        *self.tally() == *other.tally()
    }
}

impl Entry {
    fn kind(&self) -> &'static str {
        match self {
            Entry::Samples(_) => "samples",
            Entry::Delay { .. } => "delay",
            Entry::Unpooled { .. } => "unpooled delay",
            Entry::Total(_) => "total",
            Entry::Largest(_) => "largest",
            Entry::Pooled(_) => "pooled",
            Entry::Moments(_) => "moments",
        }
    }

    /// Whether `other` is an aggregate of the same kind and, for moments, of as many bins.
    fn same_shape(&self, other: &Entry) -> bool {
        match (self, other) {
            (Entry::Moments(a), Entry::Moments(b)) => a.same_shape(b),
            (a, b) => a.kind() == b.kind(),
        }
    }

    /// The kind in words, with the bins of moments.
    fn describe(&self) -> String {
        match self {
            Entry::Moments(m) => m.describe(),
            e => e.kind().to_string(),
        }
    }

    /// Adds `later`'s replications (which follow this entry's) to this entry.
    fn absorb(&mut self, later: Entry) -> Result<(), MergeError> {
        match (self, later) {
            (Entry::Samples(a), Entry::Samples(b)) => a.extend(b),
            (
                Entry::Delay {
                    pooled,
                    means,
                    p95s,
                },
                Entry::Delay {
                    pooled: p,
                    means: m,
                    p95s: q,
                },
            ) => {
                pooled.absorb(&p);
                means.extend(m);
                p95s.extend(q);
            }
            (
                Entry::Unpooled { count, means, p95s },
                Entry::Unpooled {
                    count: n,
                    means: m,
                    p95s: q,
                },
            ) => {
                *count += n;
                means.extend(m);
                p95s.extend(q);
            }
            (Entry::Total(a), Entry::Total(b)) => *a += b,
            (Entry::Largest(a), Entry::Largest(b)) => *a = (*a).max(b),
            (Entry::Pooled(a), Entry::Pooled(b)) => a.absorb(&b),
            (Entry::Moments(a), Entry::Moments(b)) => a.absorb(&b)?,
            (a, b) => {
                return Err(MergeError::Shape(format!(
                    "a {} where the other summary has a {}",
                    a.kind(),
                    b.kind()
                )));
            }
        }
        Ok(())
    }
}

/// Why two summaries cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// The replications are not consecutive: the second summary does not start where the
    /// first ends.
    #[error(
        "the summaries are not of consecutive replications: one ends before replication {end}, the other starts at {start}"
    )]
    NotConsecutive {
        /// The first replication after the first summary.
        end: u64,
        /// The first replication of the second summary.
        start: u64,
    },
    /// The summaries hold different aggregates: they are of different scenarios (or
    /// versions of bordersim).
    #[error("the summaries are of different scenarios: {0}")]
    Shape(String),
}

/// The aggregates of the replications `first..first + replications` of one scenario, from
/// which its report follows exactly (see the module documentation).
///
/// It is written and read with serde (see [`Summary`]'s data format in `docs/sweeps.md`):
/// histograms in HdrHistogram's V2 + DEFLATE format, floating-point values as their IEEE 754
/// bits, so that a summary read back is the summary written, bit for bit. In memory, the
/// values kept per replication are packed (`values.rs`) and a recorded replication's
/// histograms hold only their occupied bins until merged, so that a summary of many
/// replications grows by about 25 KB a replication on the commercial example.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(try_from = "SummaryData")]
pub struct Summary {
    first: u64,
    replications: u64,
    shape: CellShape,
    lane_groups: Vec<usize>,
    window_ms: (u64, u64),
    entries: Entries,
}

/// What the report code does with the aggregates it asks for.
enum Mode {
    /// Computes them from the replications it is given.
    Direct,
    /// Computes them and appends them to a summary.
    Record(Vec<Entry>),
    /// Takes them, in order, from a summary (the replications it is given are a stand-in).
    Replay(Replaying),
}

thread_local! {
    static MODE: RefCell<Mode> = const { RefCell::new(Mode::Direct) };
}

/// Sets the thread's mode for the life of the guard, and restores direct mode after (even
/// if the report code panics).
struct ModeGuard;

impl ModeGuard {
    fn set(mode: Mode) -> ModeGuard {
        MODE.with(|m| *m.borrow_mut() = mode);
        ModeGuard
    }

    fn take(self) -> Mode {
        MODE.with(|m| std::mem::replace(&mut *m.borrow_mut(), Mode::Direct))
    }
}

impl Drop for ModeGuard {
    fn drop(&mut self) {
        MODE.with(|m| *m.borrow_mut() = Mode::Direct);
    }
}

/// Whether the report is being built directly from the replications it is given (not
/// recorded into a summary, nor rebuilt from one).
pub(crate) fn direct() -> bool {
    MODE.with(|m| matches!(*m.borrow(), Mode::Direct))
}

/// The aggregate `compute` gives directly, recorded or replayed. `unwrap` takes the
/// replayed entry apart; a replayed entry of another kind means the report code asked for
/// aggregates in an order that depends on the data, a bug.
fn aggregate<T>(
    compute: impl FnOnce() -> T,
    wrap: impl FnOnce(&T) -> Entry,
    unwrap: impl FnOnce(Entry) -> Option<T>,
) -> T {
    // The mode is not borrowed while `compute` runs, so the code it runs may ask for
    // aggregates of its own.
    let replayed = MODE.with(|m| match &mut *m.borrow_mut() {
        Mode::Replay(entries) => Some(entries.next()),
        _ => None,
    });
    if let Some(entry) = replayed {
        return entry
            .and_then(unwrap)
            .expect("the report asks for the aggregates it recorded, in the same order");
    }
    let value = compute();
    MODE.with(|m| {
        if let Mode::Record(entries) = &mut *m.borrow_mut() {
            entries.push(wrap(&value));
        }
    });
    value
}

/// One value per replication, in replication order.
pub(crate) fn samples(values: &[f64]) -> Vec<f64> {
    aggregate(
        || values.to_vec(),
        |v| Entry::Samples(v.clone()),
        |e| match e {
            Entry::Samples(v) => Some(v),
            _ => None,
        },
    )
}

/// The means and 95th percentiles (ms) of the replications with observations, in
/// replication order.
fn means_and_p95s<L: Layout>(per_replication: &[TallyOf<L>]) -> (Vec<f64>, Vec<f64>) {
    let means = per_replication
        .iter()
        .filter_map(TallyOf::mean_ms)
        .collect();
    let p95s = per_replication
        .iter()
        .filter_map(|t| t.quantile_ms(0.95))
        .collect();
    (means, p95s)
}

/// The pooled observations, and the means and 95th percentiles (ms) of the replications
/// with observations, of one tally per replication.
pub(crate) fn delay(per_replication: &[Tally]) -> (Tally, Vec<f64>, Vec<f64>) {
    aggregate(
        || {
            let mut pooled = Tally::new();
            for t in per_replication {
                pooled.merge(t);
            }
            let (means, p95s) = means_and_p95s(per_replication);
            (pooled, means, p95s)
        },
        |(pooled, means, p95s)| Entry::Delay {
            pooled: Bins::recorded(pooled),
            means: means.clone(),
            p95s: p95s.clone(),
        },
        |e| match e {
            Entry::Delay {
                pooled,
                means,
                p95s,
            } => Some((pooled.into_tally(), means, p95s)),
            _ => None,
        },
    )
}

/// The number of observations, and the means and 95th percentiles (ms) of the replications
/// with observations, of one tally per replication (of any layout): [`delay`] without the
/// pooled histogram, for delays whose report reads no percentile of every observation.
pub(crate) fn unpooled<L: Layout>(per_replication: &[TallyOf<L>]) -> (u64, Vec<f64>, Vec<f64>) {
    aggregate(
        || {
            let count = per_replication.iter().map(TallyOf::count).sum();
            let (means, p95s) = means_and_p95s(per_replication);
            (count, means, p95s)
        },
        |(count, means, p95s)| Entry::Unpooled {
            count: *count,
            means: means.clone(),
            p95s: p95s.clone(),
        },
        |e| match e {
            Entry::Unpooled { count, means, p95s } => Some((count, means, p95s)),
            _ => None,
        },
    )
}

/// The sum over replications.
pub(crate) fn total(values: impl IntoIterator<Item = u64>) -> u64 {
    aggregate(
        || values.into_iter().sum(),
        |&v| Entry::Total(v),
        |e| match e {
            Entry::Total(v) => Some(v),
            _ => None,
        },
    )
}

/// The largest value over replications (0 without replications).
pub(crate) fn largest(values: impl IntoIterator<Item = u64>) -> u64 {
    aggregate(
        || values.into_iter().max().unwrap_or(0),
        |&v| Entry::Largest(v),
        |e| match e {
            Entry::Largest(v) => Some(v),
            _ => None,
        },
    )
}

/// Observations pooled over replications. (No report figure reads it at present; it stays
/// one of the aggregate kinds a summary holds and reads.)
#[allow(dead_code)]
pub(crate) fn pooled<'a>(tallies: impl IntoIterator<Item = &'a Tally>) -> Tally {
    aggregate(
        || {
            let mut all = Tally::new();
            for t in tallies {
                all.merge(t);
            }
            all
        },
        |t| Entry::Pooled(Bins::recorded(t)),
        |e| match e {
            Entry::Pooled(t) => Some(t.into_tally()),
            _ => None,
        },
    )
}

impl Summary {
    /// The summary of one replication: `report(rep)` builds the report of `[rep]`, and
    /// every aggregate it asks for is kept.
    pub(crate) fn record(rep: &ReplicationStats, report: impl FnOnce(&ReplicationStats)) -> Self {
        let guard = ModeGuard::set(Mode::Record(Vec::new()));
        report(rep);
        let Mode::Record(entries) = guard.take() else {
            unreachable!("the mode set above")
        };
        Summary {
            first: rep.replication,
            replications: 1,
            shape: rep.shape,
            lane_groups: rep.stations.iter().map(|s| s.lanes.len()).collect(),
            window_ms: (rep.window_start_ms, rep.window_end_ms),
            entries: Entries::new(entries, 1),
        }
    }

    /// Builds the report again (consuming the summary), `report(stand_in, replications)`
    /// taking every aggregate it asks for from this summary; `stand_in` is a replication of the same shape with no
    /// observations. Returns what `report` returns.
    pub(crate) fn replay<T>(self, report: impl FnOnce(ReplicationStats, u64) -> T) -> T {
        let stand_in = self.stand_in();
        // The entries are handed over one by one, so no second copy of the histograms is
        // ever held.
        let _guard = ModeGuard::set(Mode::Replay(self.entries.into_replay()));
        report(stand_in, self.replications)
    }

    /// A replication of this summary's shape that observed nothing.
    pub(crate) fn stand_in(&self) -> ReplicationStats {
        let mut stats = ReplicationStats::new(self.first, self.shape, &self.lane_groups);
        (stats.window_start_ms, stats.window_end_ms) = self.window_ms;
        stats
    }

    /// The first replication summarised.
    pub fn first_replication(&self) -> u64 {
        self.first
    }

    /// The number of replications summarised.
    pub fn replications(&self) -> u64 {
        self.replications
    }

    /// Adds the replications of `later`, which must start where these end.
    ///
    /// # Errors
    ///
    /// [`MergeError::NotConsecutive`] if `later` does not start at the replication after
    /// this summary's last, [`MergeError::Shape`] if it summarises another scenario. Nothing
    /// is merged on an error.
    pub fn merge(&mut self, later: Summary) -> Result<(), MergeError> {
        let end = self.first + self.replications;
        if later.first != end {
            return Err(MergeError::NotConsecutive {
                end,
                start: later.first,
            });
        }
        self.check_shape(&later)?;
        self.entries.absorb(later.entries)?;
        self.replications += later.replications;
        Ok(())
    }

    /// (classes, programmes, directions) of the replications summarised.
    pub(crate) fn kinds(&self) -> (usize, usize, usize) {
        (
            self.shape.classes,
            self.shape.programmes,
            self.shape.directions,
        )
    }

    /// Lane groups of each station.
    pub(crate) fn lane_groups(&self) -> &[usize] {
        &self.lane_groups
    }

    /// Checks that `other` holds the same aggregates in the same order.
    pub(crate) fn check_shape(&self, other: &Summary) -> Result<(), MergeError> {
        if (self.shape, &self.lane_groups, self.window_ms)
            != (other.shape, &other.lane_groups, other.window_ms)
        {
            return Err(MergeError::Shape(
                "their stations, lane groups, vehicle kinds or run windows differ".into(),
            ));
        }
        let (mine, theirs) = (self.entries.heads(), other.entries.heads());
        if mine.len() != theirs.len() {
            return Err(MergeError::Shape(format!(
                "{} aggregates against {}",
                mine.len(),
                theirs.len()
            )));
        }
        match mine.iter().zip(theirs).position(|(a, b)| !a.same_shape(b)) {
            Some(i) => Err(MergeError::Shape(format!(
                "aggregate #{i} is {} in one and {} in the other",
                mine[i].describe(),
                theirs[i].describe()
            ))),
            None => Ok(()),
        }
    }

    /// The heap the series' aggregates take, bytes: their moments, a fixed number of sums
    /// per time bin, so this stays the same however many replications the summary holds.
    pub fn series_bytes(&self) -> usize {
        self.entries
            .heads()
            .iter()
            .map(|e| match e {
                Entry::Moments(m) => m.heap_bytes(),
                _ => 0,
            })
            .sum()
    }

    /// The bytes of the values kept per replication (`values.rs`): what grows with the
    /// replications a summary holds.
    pub fn per_replication_bytes(&self) -> usize {
        self.entries.packed_bytes()
    }
}

/// The moments over replications of a statistic over `bins` time bins: `fill` adds the
/// replications the report code is given to empty moments of `kind`
/// ([`MomentRows::add_level`], [`MomentRows::add_ratio`]), and `read` reads the moments of
/// every replication — computed directly, or replayed from a summary, where `fill` is not
/// called. When recording, the replication's moments become one entry and `read` is not
/// called: the report built while recording is thrown away (see [`Summary::record`]), so
/// what it would read is never used.
pub(crate) fn moments(
    kind: MomentKind,
    bins: usize,
    fill: impl FnOnce(&mut MomentRows),
    read: impl FnOnce(&MomentRows),
) {
    let replayed = MODE.with(|m| match &mut *m.borrow_mut() {
        Mode::Replay(entries) => Some(entries.next()),
        _ => None,
    });
    if let Some(entry) = replayed {
        match entry {
            Some(Entry::Moments(rows)) if rows.kind() == kind && rows.bins() == bins => {
                return read(&rows);
            }
            _ => panic!("the report asks for the aggregates it recorded, in the same order"),
        }
    }
    let mut rows = MomentRows::new(kind, bins);
    fill(&mut rows);
    let mut rows = Some(rows);
    MODE.with(|m| {
        if let Mode::Record(entries) = &mut *m.borrow_mut() {
            entries.extend(rows.take().map(Entry::Moments));
        }
    });
    if let Some(rows) = rows {
        read(&rows);
    }
}
