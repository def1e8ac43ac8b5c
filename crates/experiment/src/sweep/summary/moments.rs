//! The aggregate of a statistic over time bins: per bin, exact integer moments over
//! replications (see `bordersim_stats::WideSum`).
//!
//! A replication records one row for the statistic (one entry, whatever the number of
//! bins); a merge adds rows bin by bin. The sums are integers, so any grouping of the
//! replications (threads, blocks, shards, files read back) gives the same bits, and the
//! row keeps its size whatever the number of replications: the memory of a series is
//! bounded by its bins.

use bordersim_stats::{MeanCi, RatioMoments, WideSum};
use serde::{Deserialize, Serialize};

use super::MergeError;

/// What each bin holds the moments of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum MomentKind {
    /// One whole number `x` per replication (an area in vehicle·ms, a largest level):
    /// Σx, Σx².
    Level,
    /// A ratio's numerator `s` and denominator `c` per replication (waits in ms and their
    /// number): Σs, Σc, Σs², Σs·c, Σc².
    Ratio,
}

impl MomentKind {
    /// The sums kept per bin.
    fn width(self) -> usize {
        match self {
            MomentKind::Level => 2,
            MomentKind::Ratio => 5,
        }
    }
}

/// The moments of one statistic in every bin, over `replications` replications.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct MomentRows {
    kind: MomentKind,
    replications: u64,
    /// Bin after bin, [`MomentKind::width`] sums each.
    sums: Vec<WideSum>,
}

impl MomentRows {
    /// `bins` bins over no replication.
    pub(crate) fn new(kind: MomentKind, bins: usize) -> Self {
        MomentRows {
            kind,
            replications: 0,
            sums: vec![WideSum::ZERO; bins * kind.width()],
        }
    }

    /// The kind of moments.
    pub(crate) fn kind(&self) -> MomentKind {
        self.kind
    }

    /// The number of bins.
    pub(crate) fn bins(&self) -> usize {
        self.sums.len() / self.kind.width()
    }

    /// The heap the sums take, bytes: a multiple of the bins, whatever the replications.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.sums.capacity() * std::mem::size_of::<WideSum>()
    }

    /// Adds one replication of a level statistic, its value in each bin in order (a bin
    /// the iterator does not reach counts 0).
    pub(crate) fn add_level(&mut self, values: impl IntoIterator<Item = u64>) {
        debug_assert_eq!(self.kind, MomentKind::Level);
        for (bin, x) in self.sums.chunks_exact_mut(2).zip(values) {
            add(&mut bin[0], WideSum::from_u128(x.into()));
            add(&mut bin[1], WideSum::product(x, x));
        }
        self.replications += 1;
    }

    /// Adds one replication of a ratio, its (numerator, denominator) in each bin in order
    /// (a bin the iterator does not reach counts (0, 0)).
    pub(crate) fn add_ratio(&mut self, pairs: impl IntoIterator<Item = (u64, u64)>) {
        debug_assert_eq!(self.kind, MomentKind::Ratio);
        for (bin, (s, c)) in self.sums.chunks_exact_mut(5).zip(pairs) {
            add(&mut bin[0], WideSum::from_u128(s.into()));
            add(&mut bin[1], WideSum::from_u128(c.into()));
            add(&mut bin[2], WideSum::product(s, s));
            add(&mut bin[3], WideSum::product(s, c));
            add(&mut bin[4], WideSum::product(c, c));
        }
        self.replications += 1;
    }

    /// Adds `later`'s replications, bin by bin.
    ///
    /// # Errors
    ///
    /// [`MergeError::Shape`] if `later` is of another kind or has another number of bins.
    pub(crate) fn absorb(&mut self, later: &MomentRows) -> Result<(), MergeError> {
        if !self.same_shape(later) {
            return Err(MergeError::Shape(format!(
                "{} where the other summary has {}",
                self.describe(),
                later.describe()
            )));
        }
        for (a, &b) in self.sums.iter_mut().zip(&later.sums) {
            add(a, b);
        }
        self.replications += later.replications;
        Ok(())
    }

    /// Whether `other` has the same kind and number of bins.
    pub(crate) fn same_shape(&self, other: &MomentRows) -> bool {
        self.kind == other.kind && self.sums.len() == other.sums.len()
    }

    /// The kind and the bins, in words.
    pub(crate) fn describe(&self) -> String {
        let kind = match self.kind {
            MomentKind::Level => "level",
            MomentKind::Ratio => "ratio",
        };
        format!("{kind} moments of {} bins", self.bins())
    }

    /// The mean over replications of bin `b`'s value divided by `per`, and its 95%
    /// interval (a level's moments).
    pub(crate) fn level(&self, b: usize, per: f64) -> Option<MeanCi> {
        let bin = &self.sums[b * 2..b * 2 + 2];
        MeanCi::from_moments(self.replications, bin[0], bin[1], per)
    }

    /// Bin `b`'s ratio over every replication, divided by `per`, and its 95% interval (a
    /// ratio's moments); `None` where the denominators sum to 0.
    pub(crate) fn ratio(&self, b: usize, per: f64) -> Option<MeanCi> {
        let bin = &self.sums[b * 5..b * 5 + 5];
        let m = RatioMoments {
            n: self.replications,
            s: bin[0],
            c: bin[1],
            ss: bin[2],
            sc: bin[3],
            cc: bin[4],
        };
        MeanCi::ratio_from_moments(&m, per)
    }

    /// As written.
    pub(super) fn data(&self) -> MomentsData {
        let width = self.kind.width();
        MomentsData {
            of: self.kind,
            replications: self.replications,
            sums: (0..width)
                .map(|k| {
                    self.sums
                        .iter()
                        .skip(k)
                        .step_by(width)
                        .map(ToString::to_string)
                        .collect()
                })
                .collect(),
        }
    }

    /// As read back, for a summary of `replications` replications: one list of sums per
    /// moment of the kind, every list as long (one sum per bin), each sum a whole number
    /// below 2^192, of `replications` replications, and sums that some whole numbers give
    /// (Cauchy–Schwarz: (Σx)² ≤ n·Σx²; no waits where nothing was counted).
    pub(super) fn from_data(d: MomentsData, replications: u64) -> Result<Self, String> {
        let width = d.of.width();
        if d.replications != replications {
            return Err(format!(
                "moments of {} replications in a summary of {replications}",
                d.replications
            ));
        }
        if d.sums.len() != width {
            return Err(format!(
                "{} lists of sums where its kind has {width}",
                d.sums.len()
            ));
        }
        let bins = d.sums[0].len();
        if let Some(list) = d.sums.iter().find(|l| l.len() != bins) {
            return Err(format!(
                "lists of {bins} and {} sums: one sum per bin in each",
                list.len()
            ));
        }
        let mut sums = vec![WideSum::ZERO; bins * width];
        for (k, list) in d.sums.iter().enumerate() {
            for (b, text) in list.iter().enumerate() {
                let sum: WideSum = text.parse().map_err(|e| format!("bin {b}: {e}"))?;
                if !sum.below_2_192() {
                    return Err(format!(
                        "bin {b}: {text} is larger than any sum of replications"
                    ));
                }
                sums[b * width + k] = sum;
            }
        }
        let rows = MomentRows {
            kind: d.of,
            replications,
            sums,
        };
        let n = replications;
        for (b, bin) in rows.sums.chunks_exact(width).enumerate() {
            let agree = match d.of {
                MomentKind::Level => WideSum::moments_agree(n, bin[0], bin[1]),
                MomentKind::Ratio => {
                    let counted = !bin[1].is_zero() || bin.iter().all(WideSum::is_zero);
                    counted
                        && WideSum::moments_agree(n, bin[0], bin[2])
                        && WideSum::moments_agree(n, bin[1], bin[4])
                }
            };
            if !agree {
                return Err(format!("bin {b}: sums that no {n} replications could give"));
            }
        }
        Ok(rows)
    }
}

/// `*a += b`. The sums of fewer than 2^64 replications' products of two `u64` stay below
/// 2^192 (and sums read back are checked to be below it), so this never saturates; if it
/// ever did, the sum would stay at its largest rather than wrap.
fn add(a: &mut WideSum, b: WideSum) {
    *a = a.checked_add(b).unwrap_or(WideSum::MAX);
}

/// [`MomentRows`] as written: the kind, the replications, and per moment (Σx then Σx², or
/// Σs, Σc, Σs², Σsc, Σc²) one decimal string per bin, exactly.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MomentsData {
    of: MomentKind,
    replications: u64,
    sums: Vec<Vec<String>>,
}
