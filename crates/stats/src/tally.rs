//! [`Tally`]: durations in milliseconds with exact count, sum, min and max and
//! HdrHistogram bins for quantiles, in memory that does not grow with the number of
//! observations, mergeable across replications. [`CoarseTally`] is the same at the
//! [`Coarse`](crate::Coarse) layout's resolution, for statistics kept in many cells.

use std::marker::PhantomData;

use hdrhistogram::Histogram;

use crate::layout::{self, Coarse, Fine, Layout};

/// Significant decimal digits [`Tally`]'s bins resolve: every value is exact to 0.1%
/// (values up to 2047 ms exactly), from a millisecond to days. The unit is the clock's
/// (1 ms): a coarser unit would save a few doublings of bins but read a 6.73 s quantile as
/// 6.78 s.
pub(crate) const SIGNIFICANT_DIGITS: u8 = Fine::SIGNIFICANT_DIGITS;

/// The bin of `value` in [`Tally`]'s layout (3 significant digits, unit 1 ms): bins
/// `0..2048` hold 0..2047 ms exactly; above, each power of two holds 1024 bins.
#[inline(always)]
pub(crate) fn bin_of(value: u64) -> usize {
    layout::bin_of::<Fine>(value)
}

/// The smallest value of bin `bin` of [`Tally`]'s layout (the inverse of [`bin_of`]).
pub(crate) fn lowest_value_of(bin: usize) -> u64 {
    layout::lowest_value_of::<Fine>(bin)
}

/// The number of values (ms) bin `bin` of [`Tally`]'s layout holds: 1 ms up to bin 2047,
/// then doubling with each power of two (HdrHistogram's `equivalent_range`).
pub(crate) fn bin_width(bin: usize) -> u64 {
    layout::bin_width::<Fine>(bin)
}

/// Durations at full resolution ([`Fine`]: 3 significant digits at 1 ms): every figure a
/// report pools over replications.
pub type Tally = TallyOf<Fine>;

/// Durations at [`Coarse`] resolution (2 significant digits at 1.024 s): a twelfth of a
/// [`Tally`]'s memory once values reach hours, for cells kept by the thousand whose only
/// percentile read is a replication's 95th.
pub type CoarseTally = TallyOf<Coarse>;

/// A record of duration observations in milliseconds, binned in layout `L` ([`Tally`] and
/// [`CoarseTally`] name the two layouts).
///
/// Count, sum, min and max are exact; percentiles come from HdrHistogram, exact to the
/// layout's significant digits at every scale ([`Tally`]: three, and below 2,048 ms to the
/// millisecond). Recording only counts the value into a bin of HdrHistogram's own
/// layout (a few instructions on the simulation's hot path); the `hdrhistogram` crate does
/// the analysis (quantiles, merging into reports) on a histogram built from the bins. Memory
/// depends on the largest value seen (logarithmically), never on how many were recorded, and
/// a tally that records nothing allocates nothing.
#[derive(Clone, Debug, Default)]
pub struct TallyOf<L: Layout> {
    count: u64,
    sum_ms: u128,
    min_ms: u64,
    max_ms: u64,
    /// Counts per bin, modulo 2^32. Four bytes a bin halve the histograms' footprint in the
    /// cache: a run records into a few dozen tallies of thousands of bins each, and recording
    /// is a random access into them.
    bins: Vec<u32>,
    /// (bin, wraps): bins whose count passed `u32::MAX`, and how many times 2^32 they hold
    /// besides `bins[bin]`. Empty in any run short of four billion observations in one bin.
    carries: Vec<(usize, u64)>,
    layout: PhantomData<L>,
}

/// Two tallies are equal when they hold the same observations: the same count, sum, min,
/// max and count in every bin (however far each has grown its bins).
impl<L: Layout> PartialEq for TallyOf<L> {
    fn eq(&self, other: &TallyOf<L>) -> bool {
        (self.count, self.sum_ms, self.min_ms, self.max_ms)
            == (other.count, other.sum_ms, other.min_ms, other.max_ms)
            && self.bin_counts().eq(other.bin_counts())
    }
}

/// Selected percentiles of a tally, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Percentiles {
    /// The median, ms.
    pub p50_ms: f64,
    /// The 90th percentile, ms.
    pub p90_ms: f64,
    /// The 95th percentile, ms.
    pub p95_ms: f64,
    /// The 99th percentile, ms.
    pub p99_ms: f64,
}

impl<L: Layout> TallyOf<L> {
    /// An empty tally; it allocates nothing until the first observation.
    pub fn new() -> Self {
        TallyOf {
            min_ms: u64::MAX,
            ..TallyOf::default()
        }
    }

    /// Records one observation of `value_ms` milliseconds.
    #[inline]
    pub fn record(&mut self, value_ms: u64) {
        self.count += 1;
        self.sum_ms += u128::from(value_ms);
        self.min_ms = self.min_ms.min(value_ms);
        self.max_ms = self.max_ms.max(value_ms);
        let bin = layout::bin_of::<L>(value_ms);
        match self.bins.get_mut(bin) {
            Some(n) => {
                let (next, wrapped) = n.overflowing_add(1);
                *n = next;
                if wrapped {
                    self.carry(bin, 1);
                }
            }
            None => self.grow_and_count(bin),
        }
    }

    #[cold]
    fn grow_and_count(&mut self, bin: usize) {
        self.bins.resize(layout::grown_len::<L>(bin), 0);
        self.bins[bin] += 1;
    }

    /// Adds `wraps` × 2^32 to the count of `bin`.
    #[cold]
    fn carry(&mut self, bin: usize, wraps: u64) {
        match self.carries.iter_mut().find(|(b, _)| *b == bin) {
            Some((_, w)) => *w += wraps,
            None => self.carries.push((bin, wraps)),
        }
    }

    /// Adds `n` observations to bin `bin`, leaving count, sum, min and max to
    /// [`TallyOf::add_exact`] (reading a tally written out).
    pub(crate) fn add_to_bin(&mut self, bin: usize, n: u64) {
        self.reserve_bin(bin);
        let (sum, wrapped) = self.bins[bin].overflowing_add(n as u32);
        self.bins[bin] = sum;
        let wraps = (n >> 32) + u64::from(wrapped);
        if wraps > 0 {
            self.carry(bin, wraps);
        }
    }

    /// Grows the bins so that `bin` fits (once, before adding to many bins).
    pub(crate) fn reserve_bin(&mut self, bin: usize) {
        if self.bins.len() <= bin {
            self.bins.resize(layout::grown_len::<L>(bin), 0);
        }
    }

    /// Adds the exact count, sum, min and max of observations whose bins were added with
    /// [`TallyOf::add_to_bin`].
    pub(crate) fn add_exact(&mut self, count: u64, sum_ms: u128, min_ms: u64, max_ms: u64) {
        self.count += count;
        self.sum_ms += sum_ms;
        self.min_ms = self.min_ms.min(min_ms);
        self.max_ms = self.max_ms.max(max_ms);
    }

    /// Sets the exact count, sum, min and max (a tally built bin by bin in tests).
    #[cfg(test)]
    pub(crate) fn set_exact(&mut self, count: u64, sum_ms: u128, min_ms: u64, max_ms: u64) {
        self.count = count;
        self.sum_ms = sum_ms;
        self.min_ms = min_ms;
        self.max_ms = max_ms;
    }

    /// The full count of each bin that has observations, in bin order.
    pub(crate) fn bin_counts(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        let carries = !self.carries.is_empty();
        self.bins.iter().enumerate().filter_map(move |(bin, &low)| {
            let high = if carries {
                self.carries
                    .iter()
                    .find(|(b, _)| *b == bin)
                    .map_or(0, |(_, w)| *w)
            } else {
                0
            };
            let n = (high << 32) | u64::from(low);
            (n > 0).then_some((bin, n))
        })
    }

    /// Forgets every observation (the end of a warm-up period).
    pub fn reset(&mut self) {
        self.count = 0;
        self.sum_ms = 0;
        self.min_ms = u64::MAX;
        self.max_ms = 0;
        self.bins.iter_mut().for_each(|n| *n = 0);
        self.carries.clear();
    }

    /// Adds another tally's observations to this one.
    pub fn merge(&mut self, other: &TallyOf<L>) {
        if other.count == 0 {
            return;
        }
        self.count += other.count;
        self.sum_ms += other.sum_ms;
        self.min_ms = self.min_ms.min(other.min_ms);
        self.max_ms = self.max_ms.max(other.max_ms);
        if self.bins.len() < other.bins.len() {
            self.bins.resize(other.bins.len(), 0);
        }
        // Only the bins from the minimum's to the maximum's can hold observations: a
        // replication's waits fill a narrow band of bins grown to the end of a power of two.
        let used = layout::bin_of::<L>(other.min_ms).min(other.bins.len())
            ..(layout::bin_of::<L>(other.max_ms) + 1).min(other.bins.len());
        let (mine, theirs) = (&mut self.bins[used.clone()], &other.bins[used.clone()]);
        // Two passes the compiler vectorises (does any bin wrap? then add) beat one that
        // branches on every bin; a bin wrapping is a run of four billion observations.
        let wraps = mine
            .iter()
            .zip(theirs)
            .fold(false, |any, (a, &b)| any | a.overflowing_add(b).1);
        if wraps {
            for (bin, (a, &b)) in (used.start..).zip(mine.iter_mut().zip(theirs)) {
                let (sum, wrapped) = a.overflowing_add(b);
                *a = sum;
                if wrapped {
                    self.carries.push((bin, 1));
                }
            }
        } else {
            for (a, &b) in mine.iter_mut().zip(theirs) {
                *a = a.wrapping_add(b);
            }
        }
        for &(bin, wraps) in &other.carries {
            self.carry(bin, wraps);
        }
        // One entry per bin, whatever the order carries came in.
        self.carries.sort_unstable();
        self.carries.dedup_by(|(bin, wraps), (kept_bin, kept)| {
            let same = bin == kept_bin;
            if same {
                *kept += *wraps;
            }
            same
        });
    }

    /// The observations as an HdrHistogram of the layout's bins (for [`Tally`], 1 ms and
    /// 3 significant digits), for analysis.
    pub fn histogram(&self) -> Histogram<u64> {
        let mut h = layout::empty_histogram::<L>();
        for (bin, n) in self.bin_counts() {
            let _ = h.record_n(layout::lowest_value_of::<L>(bin), n);
        }
        h
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Exact sum of the observations, ms (`u128`, so it never overflows).
    pub fn sum_ms(&self) -> u128 {
        self.sum_ms
    }

    /// Exact mean, or `None` without observations.
    pub fn mean_ms(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum_ms as f64 / self.count as f64)
    }

    /// Exact smallest observation, ms, or `None` without observations.
    pub fn min_ms(&self) -> Option<u64> {
        (self.count > 0).then_some(self.min_ms)
    }

    /// Exact largest observation, ms, or `None` without observations.
    pub fn max_ms(&self) -> Option<u64> {
        (self.count > 0).then_some(self.max_ms)
    }

    /// The value at quantile `q` (0..=1, clamped), ms, from the histogram (see
    /// [`Tally::percentiles`] for the resolution), or `None` without observations.
    pub fn quantile_ms(&self, q: f64) -> Option<f64> {
        (self.count > 0).then(|| self.value_at(q))
    }

    /// The median and the 90th, 95th and 99th percentiles, ms, or `None` without
    /// observations. Each is the highest value of its HdrHistogram bin (for [`Tally`], exact
    /// to 3 significant digits and to the millisecond below 2,048 ms; for [`CoarseTally`],
    /// to 2 digits and 1.024 s), at most the exact maximum.
    pub fn percentiles(&self) -> Option<Percentiles> {
        if self.count == 0 {
            return None;
        }
        let [p50_ms, p90_ms, p95_ms, p99_ms] = self.values_at([0.50, 0.90, 0.95, 0.99]);
        Some(Percentiles {
            p50_ms,
            p90_ms,
            p95_ms,
            p99_ms,
        })
    }

    /// HdrHistogram's value at quantile `q` (the highest value of its bin), bounded by the
    /// exact maximum.
    ///
    /// Read straight from the bins, with HdrHistogram's own rule (`value_at_quantile`: the
    /// bin holding the observation of rank ⌈q·count⌉, at least the first; its lowest value
    /// for q = 0, else its highest), so that a report's many quantiles cost no histogram
    /// each; a test checks it against the histogram.
    fn value_at(&self, q: f64) -> f64 {
        self.values_at([q])[0]
    }

    /// [`Tally::value_at`] of each of `qs` (ascending), in one pass over the bins.
    fn values_at<const N: usize>(&self, qs: [f64; N]) -> [f64; N] {
        let qs = qs.map(|q| q.clamp(0.0, 1.0));
        debug_assert!(qs.is_sorted(), "quantiles in ascending order");
        let targets = qs.map(|q| ((q * self.count as f64).ceil() as u64).max(1));
        let mut found = [0usize; N];
        let mut next = 0;
        let mut seen = 0u64;
        let mut last = 0usize;
        for (bin, n) in self.bin_counts() {
            seen += n;
            last = bin;
            while next < N && seen >= targets[next] {
                found[next] = bin;
                next += 1;
            }
            if next == N {
                break;
            }
        }
        // Quantiles past the last observation (rounding of q·count) read its bin.
        found[next..].iter_mut().for_each(|f| *f = last);
        let mut out = [0.0; N];
        for i in 0..N {
            let lowest = layout::lowest_value_of::<L>(found[i]);
            let v = if qs[i] == 0.0 {
                lowest
            } else {
                lowest + layout::bin_width::<L>(found[i]) - 1
            };
            out[i] = v.min(self.max_ms) as f64;
        }
        out
    }

    /// The empirical distribution function of the observations, read off the bins in one
    /// pass: pairs (`x` ms, share 0..=1 of observations at or below `x`), `x` the highest
    /// value of an occupied bin (the largest observation for the last), ascending in both.
    /// At most `points` pairs (at least 1) plus the last: a bin is kept where the share has
    /// risen by `1 / points` since the last kept one, so a plot of many observations costs
    /// a bounded number of points. Empty without observations.
    pub fn distribution_ms(&self, points: usize) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        if self.count == 0 {
            return out;
        }
        let step = self.count as f64 / points.max(1) as f64;
        let mut seen = 0u64;
        let mut kept_at = 0.0f64;
        let mut pending = None;
        for (bin, n) in self.bin_counts() {
            seen += n;
            let highest = layout::lowest_value_of::<L>(bin) + layout::bin_width::<L>(bin) - 1;
            let x = highest.min(self.max_ms) as f64;
            let share = seen as f64 / self.count as f64;
            if seen as f64 - kept_at >= step {
                out.push((x, share));
                kept_at = seen as f64;
                pending = None;
            } else {
                pending = Some((x, share));
            }
        }
        out.extend(pending);
        out
    }

    /// Share (0..=1) of observations at or below `value_ms`, to the histogram's resolution,
    /// or `None` without observations.
    pub fn fraction_at_or_below(&self, value_ms: u64) -> Option<f64> {
        (self.count > 0).then(|| {
            let h = self.histogram();
            h.count_between(0, value_ms) as f64 / h.len().max(1) as f64
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::test_runner::{RngAlgorithm, RngSeed};

    use super::*;

    /// The distribution function at its points is the share of observations at or below
    /// each point, ends at the largest observation with share 1, rises in both, and keeps
    /// at most the points asked for (plus the last).
    #[test]
    fn the_distribution_is_the_share_at_or_below_each_point() {
        let mut t = Tally::new();
        for v in 1..=10_000u64 {
            t.record(v * 37 % 20_011);
        }
        for points in [1, 10, 100] {
            let d = t.distribution_ms(points);
            assert!(
                d.len() <= points + 1 && d.len() >= points.min(2),
                "{points}: {d:?}"
            );
            assert_eq!(*d.last().unwrap(), (t.max_ms().unwrap() as f64, 1.0));
            for w in d.windows(2) {
                assert!(w[0].0 < w[1].0 && w[0].1 < w[1].1, "{w:?}");
            }
            for &(x, share) in &d {
                let exact = t.fraction_at_or_below(x as u64).unwrap();
                assert!(
                    (exact - share).abs() < 1e-12,
                    "{x}: {exact} against {share}"
                );
            }
        }
        assert!(Tally::new().distribution_ms(10).is_empty());
        let mut one = Tally::new();
        one.record(5_000);
        assert_eq!(one.distribution_ms(100), vec![(5_000.0, 1.0)]);
    }

    #[test]
    fn exact_moments_and_close_percentiles() {
        let mut t = Tally::new();
        for v in 1..=1000u64 {
            t.record(v * 1000);
        }
        assert_eq!(t.count(), 1000);
        assert_eq!(t.mean_ms(), Some(500_500.0));
        assert_eq!(t.min_ms(), Some(1000));
        assert_eq!(t.max_ms(), Some(1_000_000));
        let p = t.percentiles().unwrap();
        assert!((p.p50_ms - 500_000.0).abs() / 500_000.0 < 0.002, "{p:?}");
        assert!((p.p99_ms - 990_000.0).abs() / 990_000.0 < 0.002, "{p:?}");
    }

    #[test]
    fn short_waits_read_to_the_millisecond() {
        // 95 waits of 6.73 s and 5 of 9 s: the 95th percentile is 6.73 s. Its bin (values
        // 4,096 to 8,191 ms hold 4 ms each) is 6,728..=6,731 ms, so it reads 6,731 ms: 3
        // significant digits (a 64 ms bin would read 6,783 ms).
        let mut t = Tally::new();
        for _ in 0..95 {
            t.record(6_730);
        }
        for _ in 0..5 {
            t.record(9_000);
        }
        assert_eq!(t.quantile_ms(0.95), Some(6_731.0));
        assert_eq!(t.quantile_ms(0.96), Some(9_000.0));
        // Below 2,048 ms every value is its own bin: 1..=1000 ms reads exactly.
        let mut t = Tally::new();
        for v in 1..=1000u64 {
            t.record(v);
        }
        let p = t.percentiles().unwrap();
        assert_eq!(
            (p.p50_ms, p.p90_ms, p.p95_ms, p.p99_ms),
            (500.0, 900.0, 950.0, 990.0)
        );
        assert_eq!(t.quantile_ms(0.0), Some(1.0));
        assert_eq!(t.quantile_ms(0.001), Some(1.0));
        assert_eq!(t.quantile_ms(0.002), Some(2.0));
        // A wait of 1 ms is not "no wait".
        let mut t = Tally::new();
        t.record(0);
        t.record(1);
        assert_eq!(
            (t.quantile_ms(0.5), t.quantile_ms(1.0)),
            (Some(0.0), Some(1.0))
        );
        assert_eq!(t.fraction_at_or_below(0), Some(0.5));
    }

    #[test]
    fn every_scale_has_three_significant_digits() {
        // From 1 ms to 30 days, the value a quantile reads is the highest of its bin: at
        // most 0.1% above the value recorded (below 2,048 ms, the value itself).
        let mut v = 1u64;
        while v <= 30 * 86_400_000 {
            for x in [v, v + v / 3, v + v / 2] {
                let mut t = Tally::new();
                t.record(x);
                t.record(u64::MAX >> 20);
                let read = t.quantile_ms(0.5).unwrap();
                assert!(read >= x as f64, "{x} reads {read}");
                if x < 2048 {
                    assert_eq!(read, x as f64);
                } else {
                    assert!((read - x as f64) / (x as f64) < 1e-3, "{x} reads {read}");
                }
            }
            v *= 2;
        }
        // An exact case at a scale of days: 3 days is 259,200,000 ms, in the bucket of
        // 2^27..2^28 ms whose bins are 2^17 ms wide: bin 1977 of it, 259,129,344 to
        // 259,260,415 ms.
        let mut t = Tally::new();
        t.record(259_200_000);
        t.record(300_000_000);
        assert_eq!(t.quantile_ms(0.5), Some(259_260_415.0));
    }

    #[test]
    fn merge_equals_recording_everything_in_one() {
        let (mut a, mut b, mut all) = (Tally::new(), Tally::new(), Tally::new());
        for v in 0..5000u64 {
            let x = (v * 7919) % 100_003;
            if v % 3 == 0 {
                a.record(x)
            } else {
                b.record(x)
            }
            all.record(x);
        }
        a.merge(&b);
        assert_eq!(a.count(), all.count());
        assert_eq!(a.sum_ms(), all.sum_ms());
        assert_eq!(a.percentiles(), all.percentiles());
        assert_eq!(a.max_ms(), all.max_ms());
    }

    /// Durations over many orders of magnitude (0 ms to ~12 days), small ones frequent.
    fn duration_ms() -> impl Strategy<Value = u64> {
        (0u32..40, any::<u64>()).prop_map(|(bits, x)| x >> (24 + bits))
    }

    /// Everything a report reads from a tally.
    fn summary(t: &Tally) -> impl PartialEq + std::fmt::Debug {
        let h = t.histogram();
        let quantiles: Vec<_> = (0..=100)
            .map(|i| t.quantile_ms(f64::from(i) / 100.0))
            .collect();
        let bins: Vec<_> = h
            .iter_recorded()
            .map(|v| (v.value_iterated_to(), v.count_at_value()))
            .collect();
        (
            (t.count(), t.sum_ms(), t.min_ms(), t.max_ms(), t.mean_ms()),
            t.percentiles(),
            t.quantile_ms(0.5),
            quantiles,
            [0, 64, 1_000, 60_000].map(|v| t.fraction_at_or_below(v)),
            bins,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 64,
            rng_algorithm: RngAlgorithm::ChaCha,
            rng_seed: RngSeed::Fixed(0x007a_11e5),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Merging the tallies of any split of a sample (some parts empty) gives the tally of
        /// the whole sample: count, sum, min, max, mean, every quantile and every bin.
        #[test]
        fn merging_any_split_equals_the_whole(
            sample in prop::collection::vec((duration_ms(), 0usize..4), 0..400),
        ) {
            let mut whole = Tally::new();
            let mut parts = vec![Tally::new(); 4];
            for &(value, part) in &sample {
                whole.record(value);
                parts[part].record(value);
            }
            let mut merged = Tally::new();
            for part in &parts {
                merged.merge(part);
            }
            prop_assert_eq!(summary(&merged), summary(&whole));
            // Merging into a part that already holds observations, in another order.
            let mut from_last = parts[3].clone();
            for part in parts[..3].iter().rev() {
                from_last.merge(part);
            }
            prop_assert_eq!(summary(&from_last), summary(&whole));
        }
    }

    #[test]
    fn empty_tally_has_no_statistics() {
        let t = Tally::new();
        assert_eq!(t.mean_ms(), None);
        assert_eq!(t.percentiles(), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 128,
            rng_algorithm: RngAlgorithm::ChaCha,
            rng_seed: RngSeed::Fixed(0x9_5EED),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Quantiles read from the bins are HdrHistogram's, for any sample and quantile.
        #[test]
        fn quantiles_from_the_bins_are_the_histograms(
            values in proptest::collection::vec(duration_ms(), 1..400),
            qs in proptest::collection::vec(0.0f64..=1.0, 1..8),
        ) {
            let mut t = Tally::new();
            for &v in &values {
                t.record(v);
            }
            let h = t.histogram();
            for q in qs.into_iter().chain([0.0, 0.5, 0.95, 0.99, 1.0]) {
                let v = h.value_at_quantile(q);
                let expected = if h.lowest_equivalent(v) == 0 { 0.0 } else { v.min(t.max_ms) as f64 };
                prop_assert_eq!(t.value_at(q), expected, "q = {}", q);
            }
            // The coarse layout reads its own HdrHistogram's quantiles alike; a bin starting
            // at 0 holds values up to 1,023 ms, read as its highest at most the maximum.
            let mut c = CoarseTally::new();
            for &v in &values {
                c.record(v);
            }
            let hc = c.histogram();
            for q in [0.0, 0.25, 0.5, 0.95, 0.99, 1.0] {
                let v = hc.value_at_quantile(q);
                prop_assert_eq!(c.value_at(q), v.min(c.max_ms) as f64, "coarse q = {}", q);
            }
            // The four percentiles, read in one pass, are the four quantiles.
            let p = t.percentiles().unwrap();
            prop_assert_eq!(
                [p.p50_ms, p.p90_ms, p.p95_ms, p.p99_ms],
                [0.5, 0.9, 0.95, 0.99].map(|q| t.value_at(q))
            );
        }
    }

    /// Recording through the bins of layout `L` gives the histogram HdrHistogram itself
    /// builds at that layout's unit and digits.
    fn bins_match_hdrhistogram<L: Layout>() {
        let mut direct = layout::empty_histogram::<L>();
        let mut t = TallyOf::<L>::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Values over many orders of magnitude, small ones included.
            let v = (x >> (x % 50)) % (1 << 40) + (i % 3);
            t.record(v);
            direct.record(v).unwrap();
        }
        let via_bins = t.histogram();
        assert_eq!(via_bins.len(), direct.len());
        for q in [0.0, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0] {
            assert_eq!(
                via_bins.value_at_quantile(q),
                direct.value_at_quantile(q),
                "q = {q}"
            );
        }
        for (a, b) in via_bins.iter_recorded().zip(direct.iter_recorded()) {
            assert_eq!(a.value_iterated_to(), b.value_iterated_to());
            assert_eq!(a.count_at_value(), b.count_at_value());
        }
        let first = layout::first_bins::<L>();
        for bin in [0, 1, first - 1, first, first + first / 2, 10 * first] {
            let lowest = layout::lowest_value_of::<L>(bin);
            assert_eq!(layout::bin_of::<L>(lowest), bin, "bin {bin}");
            let highest = lowest + layout::bin_width::<L>(bin) - 1;
            assert_eq!(layout::bin_of::<L>(highest), bin, "bin {bin}");
            assert_eq!(direct.highest_equivalent(lowest), highest, "bin {bin}");
        }
    }

    #[test]
    fn bins_match_hdrhistogram_exactly() {
        bins_match_hdrhistogram::<Fine>();
        bins_match_hdrhistogram::<Coarse>();
        // The layouts as documented: 2048 bins of 1 ms, then 1024 a power of two; 256 bins
        // of 1.024 s, then 128 a power of two.
        assert_eq!(
            (Fine::HALF_MAGNITUDE, layout::first_bins::<Fine>()),
            (10, 2048)
        );
        assert_eq!(
            (Coarse::HALF_MAGNITUDE, layout::first_bins::<Coarse>()),
            (7, 256)
        );
    }

    #[test]
    fn a_coarse_tally_reads_waits_to_two_digits_and_its_unit() {
        // 95 waits of 6 min 40 s (400,000 ms: 390 units of 1.024 s, in the bucket of 256 to
        // 511 units whose bins hold 2 units) and 5 of an hour: the 95th percentile is the
        // highest value of the bin of units 390..=391, 392 × 1,024 − 1 = 401,407 ms (0.35%
        // high; a fine tally, in bins of 256 ms there, reads 400,127).
        let (mut coarse, mut fine) = (CoarseTally::new(), Tally::new());
        for v in [400_000; 95].into_iter().chain([3_600_000; 5]) {
            coarse.record(v);
            fine.record(v);
        }
        assert_eq!(coarse.quantile_ms(0.95), Some(401_407.0));
        assert_eq!(fine.quantile_ms(0.95), Some(400_127.0));
        // Count, sum, mean, min and max stay exact.
        assert_eq!(
            (
                coarse.count(),
                coarse.sum_ms(),
                coarse.min_ms(),
                coarse.max_ms()
            ),
            (fine.count(), fine.sum_ms(), fine.min_ms(), fine.max_ms())
        );
        // Below the unit, a value reads as at most the largest recorded.
        let mut short = CoarseTally::new();
        short.record(0);
        short.record(700);
        assert_eq!(short.quantile_ms(0.95), Some(700.0));
        // Waits of up to 10 hours fit in about 1,200 bins (a fine tally: about 16,500).
        let mut long = CoarseTally::new();
        long.record(36_000_000);
        assert!(long.bins.len() <= 1_280, "{}", long.bins.len());
        let mut long_fine = Tally::new();
        long_fine.record(36_000_000);
        assert!(long_fine.bins.len() >= 12 * long.bins.len());
    }

    #[test]
    fn bins_count_past_four_billion() {
        // A bin one short of wrapping, then three more observations in it, then a merge
        // with another nearly full bin: counts carry into the wide part, never wrap.
        let mut a = Tally::new();
        a.record(1000);
        let bin = bin_of(1000);
        a.bins[bin] = u32::MAX;
        a.count = u64::from(u32::MAX);
        for _ in 0..3 {
            a.record(1000);
        }
        assert_eq!(
            a.bin_counts().collect::<Vec<_>>(),
            vec![(bin, (1 << 32) + 2)]
        );
        let mut b = a.clone();
        b.merge(&a);
        assert_eq!(
            b.bin_counts().collect::<Vec<_>>(),
            vec![(bin, (2 << 32) + 4)]
        );
        assert_eq!(b.histogram().len(), (2 << 32) + 4);
        b.reset();
        assert_eq!(b.bin_counts().count(), 0);
    }

    #[test]
    fn reset_forgets() {
        let mut t = Tally::new();
        t.record(5);
        t.reset();
        assert_eq!(t.count(), 0);
        assert_eq!(t.max_ms(), None);
    }
}
