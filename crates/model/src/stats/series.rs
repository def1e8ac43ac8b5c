//! Queues and waits over the whole run in time bins, when series are collected: the bins
//! of a level (time-weighted area and maximum) and of waits (count and sum).

use super::CountSum;

/// The number of bins of width `bin_ms` that cover `[0, horizon_ms)`: the last one may be
/// shorter (it ends at the horizon).
pub fn series_bins(bin_ms: u64, horizon_ms: u64) -> usize {
    horizon_ms.div_ceil(bin_ms.max(1)) as usize
}

/// A level (vehicles in a queue) over the run in fixed time bins `[k·bin, (k+1)·bin)` of
/// `[0, horizon)`: the area under the level and the largest level of each bin. Memory: two
/// words per bin, whatever the number of changes. The warm-up is not reset: the series
/// shows the queue from time zero.
///
/// A bin's largest level is the largest level held in it for some time, or set in it (even
/// for an instant, as [`TimeWeighted::max`](bordersim_stats::TimeWeighted::max) counts it): a level that ends exactly at a bin's
/// start is not in that bin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LevelBins {
    bin_ms: u64,
    horizon_ms: u64,
    level: u64,
    /// Up to here the level is in `area`.
    last_ms: u64,
    /// Per bin: level × ms.
    area: Vec<u64>,
    /// Per bin: the largest level.
    max: Vec<u64>,
}

impl LevelBins {
    /// Empty bins of `bin_ms` (≥ 1) over `[0, horizon_ms)`, at level 0 from time 0.
    pub fn new(bin_ms: u64, horizon_ms: u64) -> Self {
        let bin_ms = bin_ms.max(1);
        let n = series_bins(bin_ms, horizon_ms);
        LevelBins {
            bin_ms,
            horizon_ms,
            level: 0,
            last_ms: 0,
            area: vec![0; n],
            max: vec![0; n],
        }
    }

    /// Number of bins.
    pub fn len(&self) -> usize {
        self.area.len()
    }

    /// Whether there are no bins (a zero horizon).
    pub fn is_empty(&self) -> bool {
        self.area.is_empty()
    }

    /// Width of a bin, ms.
    pub fn bin_ms(&self) -> u64 {
        self.bin_ms
    }

    /// Adds the current level from the last change up to `now_ms` (at most the horizon).
    fn advance(&mut self, now_ms: u64) {
        let now_ms = now_ms.min(self.horizon_ms);
        while self.last_ms < now_ms {
            let bin = (self.last_ms / self.bin_ms) as usize;
            let end = ((bin as u64 + 1) * self.bin_ms).min(now_ms);
            self.area[bin] += self.level * (end - self.last_ms);
            self.max[bin] = self.max[bin].max(self.level);
            self.last_ms = end;
        }
    }

    /// The level becomes `level` at `now_ms` (times never decrease).
    #[inline(never)]
    pub fn set(&mut self, now_ms: u64, level: u64) {
        self.advance(now_ms);
        self.level = level;
        if now_ms < self.horizon_ms {
            let m = &mut self.max[(now_ms / self.bin_ms) as usize];
            *m = (*m).max(level);
        }
    }

    /// The bins with the last level carried to the horizon: per bin, the time-weighted
    /// mean level (over the bin's length, the last bin ending at the horizon) and the
    /// largest level.
    pub fn finished(&self) -> Vec<(f64, u64)> {
        let mut done = self.clone();
        done.advance(self.horizon_ms);
        (0..done.len())
            .map(|b| {
                let start = b as u64 * done.bin_ms;
                let len = (start + done.bin_ms).min(done.horizon_ms) - start;
                (done.area[b] as f64 / len as f64, done.max[b])
            })
            .collect()
    }
}

/// The waits of the vehicles starting service at a station, per time bin of their start
/// of service over `[0, horizon)`: count and total, so a bin's mean is exact and bins of
/// several replications add.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitBins {
    bin_ms: u64,
    bins: Vec<CountSum>,
}

impl WaitBins {
    /// Empty bins of `bin_ms` (≥ 1) over `[0, horizon_ms)`.
    pub fn new(bin_ms: u64, horizon_ms: u64) -> Self {
        let bin_ms = bin_ms.max(1);
        WaitBins {
            bin_ms,
            bins: vec![CountSum::default(); series_bins(bin_ms, horizon_ms)],
        }
    }

    /// Records a wait of `wait_ms` ending (service starting) at `now_ms`.
    #[inline(never)]
    pub fn record(&mut self, now_ms: u64, wait_ms: u64) {
        // Nothing starts at or after the horizon; the last bin may be shorter than the
        // others, so a time is checked against the bins, not the horizon.
        if let Some(b) = self.bins.get_mut((now_ms / self.bin_ms) as usize) {
            b.record(wait_ms);
        }
    }

    /// The bins, in time order.
    pub fn bins(&self) -> &[CountSum] {
        &self.bins
    }
}
