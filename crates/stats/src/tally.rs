use hdrhistogram::Histogram;

/// Significant decimal digits kept by the histograms: values are exact to 0.1%.
const SIGNIFICANT_DIGITS: u8 = 3;

/// A record of duration observations in milliseconds.
///
/// Count, sum, min and max are exact; percentiles come from an HdrHistogram, exact to three
/// significant digits. Its memory depends on the largest value seen (logarithmically), never
/// on how many values were recorded.
#[derive(Clone, Debug)]
pub struct Tally {
    count: u64,
    sum_ms: u128,
    min_ms: u64,
    max_ms: u64,
    histogram: Histogram<u64>,
}

impl Default for Tally {
    fn default() -> Self {
        Self::new()
    }
}

/// Selected percentiles of a tally, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Percentiles {
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

impl Tally {
    pub fn new() -> Self {
        // `new` only fails for sigfig > 5; 3 is a constant, and auto-resize keeps every
        // value recordable whatever its size.
        let mut histogram =
            Histogram::new(SIGNIFICANT_DIGITS).expect("3 significant digits is a valid setting");
        histogram.auto(true);
        Tally {
            count: 0,
            sum_ms: 0,
            min_ms: u64::MAX,
            max_ms: 0,
            histogram,
        }
    }

    #[inline]
    pub fn record(&mut self, value_ms: u64) {
        self.count += 1;
        self.sum_ms += u128::from(value_ms);
        self.min_ms = self.min_ms.min(value_ms);
        self.max_ms = self.max_ms.max(value_ms);
        // With auto-resize on, recording fails only if the histogram cannot grow to hold the
        // value (values near u64::MAX). Such a value is kept in count/sum/max; the
        // percentiles then ignore it, which is the best a histogram can do.
        let _ = self.histogram.record(value_ms);
    }

    /// Forgets every observation (the end of a warm-up period).
    pub fn reset(&mut self) {
        self.count = 0;
        self.sum_ms = 0;
        self.min_ms = u64::MAX;
        self.max_ms = 0;
        self.histogram.reset();
    }

    /// Adds another tally's observations to this one.
    pub fn merge(&mut self, other: &Tally) {
        self.count += other.count;
        self.sum_ms += other.sum_ms;
        self.min_ms = self.min_ms.min(other.min_ms);
        self.max_ms = self.max_ms.max(other.max_ms);
        // Auto-resize is on, so adding cannot fail for lack of range.
        let _ = self.histogram.add(&other.histogram);
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn sum_ms(&self) -> u128 {
        self.sum_ms
    }

    /// Exact mean, or `None` without observations.
    pub fn mean_ms(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum_ms as f64 / self.count as f64)
    }

    pub fn min_ms(&self) -> Option<u64> {
        (self.count > 0).then_some(self.min_ms)
    }

    pub fn max_ms(&self) -> Option<u64> {
        (self.count > 0).then_some(self.max_ms)
    }

    /// The value at quantile `q` (0..=1), from the histogram.
    pub fn quantile_ms(&self, q: f64) -> Option<f64> {
        (self.count > 0).then(|| self.histogram.value_at_quantile(q.clamp(0.0, 1.0)) as f64)
    }

    pub fn percentiles(&self) -> Option<Percentiles> {
        Some(Percentiles {
            p50_ms: self.quantile_ms(0.50)?,
            p90_ms: self.quantile_ms(0.90)?,
            p95_ms: self.quantile_ms(0.95)?,
            p99_ms: self.quantile_ms(0.99)?,
        })
    }

    /// Share of observations at or below `value_ms`.
    pub fn fraction_at_or_below(&self, value_ms: u64) -> Option<f64> {
        (self.count > 0).then(|| {
            self.histogram.count_between(0, value_ms) as f64 / self.histogram.len().max(1) as f64
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn empty_tally_has_no_statistics() {
        let t = Tally::new();
        assert_eq!(t.mean_ms(), None);
        assert_eq!(t.percentiles(), None);
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
