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
    /// Up to here the level is in the bins' areas.
    last_ms: u64,
    /// The bin holding `last_ms` (`last_ms / bin_ms`).
    current: usize,
    /// The end of that bin or the horizon, whichever is first: a change before it falls in
    /// the current bin, the common case, which then costs no division and no loop.
    current_end_ms: u64,
    /// Per bin: the area (level × ms) and the largest level, side by side so a change
    /// touches one place.
    bins: Vec<LevelBin>,
}

/// One bin of a [`LevelBins`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct LevelBin {
    /// Level × ms.
    area: u64,
    /// The largest level.
    max: u64,
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
            current: 0,
            current_end_ms: bin_ms.min(horizon_ms),
            bins: vec![LevelBin::default(); n],
        }
    }

    /// Number of bins.
    pub fn len(&self) -> usize {
        self.bins.len()
    }

    /// Whether there are no bins (a zero horizon).
    pub fn is_empty(&self) -> bool {
        self.bins.is_empty()
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
            let cell = &mut self.bins[bin];
            // Saturating: an area past 2^64 vehicle·ms (a million vehicles for 213 days in one
            // bin) stays at the largest, never wraps round to a small one.
            cell.area = cell
                .area
                .saturating_add(self.level.saturating_mul(end - self.last_ms));
            cell.max = cell.max.max(self.level);
            self.last_ms = end;
        }
        self.current = (self.last_ms / self.bin_ms) as usize;
        self.current_end_ms = ((self.current as u64 + 1) * self.bin_ms).min(self.horizon_ms);
    }

    /// The level becomes `level` at `now_ms` (times never decrease).
    ///
    /// On the event loop's path when series are collected: a change in the bin of the last
    /// one (nearly every change) adds to that bin inline; crossing into a later bin, or
    /// reaching the horizon, goes out of line.
    #[inline]
    pub fn set(&mut self, now_ms: u64, level: u64) {
        if now_ms < self.current_end_ms
            && let Some(cell) = self.bins.get_mut(self.current)
        {
            // `last_ms ≤ now_ms` in the same bin, before the horizon: what `advance`
            // and the tail of `set_later` do, without their division and loop.
            if now_ms > self.last_ms {
                cell.area = cell
                    .area
                    .saturating_add(self.level.saturating_mul(now_ms - self.last_ms));
                cell.max = cell.max.max(self.level);
                self.last_ms = now_ms;
            }
            cell.max = cell.max.max(level);
            self.level = level;
        } else {
            self.set_later(now_ms, level);
        }
    }

    /// [`set`](Self::set) at a time past the current bin.
    #[cold]
    #[inline(never)]
    fn set_later(&mut self, now_ms: u64, level: u64) {
        self.advance(now_ms);
        self.level = level;
        if now_ms < self.horizon_ms {
            let m = &mut self.bins[(now_ms / self.bin_ms) as usize].max;
            *m = (*m).max(level);
        }
    }

    /// The bins with the last level carried to the horizon: per bin, the area under the
    /// level (vehicle·ms) and the largest level, as the whole numbers they are, so that
    /// their sums over replications are exact.
    pub fn finished_exact(&self) -> Vec<(u64, u64)> {
        let mut done = self.clone();
        done.advance(self.horizon_ms);
        done.bins.iter().map(|cell| (cell.area, cell.max)).collect()
    }

    /// Length of bin `b`, ms: the bin's width, or less for the last one, which ends at the
    /// horizon.
    pub fn bin_len_ms(bin_ms: u64, horizon_ms: u64, b: usize) -> u64 {
        let start = b as u64 * bin_ms;
        (start + bin_ms).min(horizon_ms).saturating_sub(start)
    }

    /// The bins with the last level carried to the horizon: per bin, the time-weighted
    /// mean level (over the bin's length, the last bin ending at the horizon) and the
    /// largest level.
    pub fn finished(&self) -> Vec<(f64, u64)> {
        let mut done = self.clone();
        done.advance(self.horizon_ms);
        done.bins
            .iter()
            .enumerate()
            .map(|(b, cell)| {
                let len = Self::bin_len_ms(done.bin_ms, done.horizon_ms, b);
                (cell.area as f64 / len as f64, cell.max)
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
    /// The bin of the last wait recorded, and its end: service starts come in time order,
    /// so nearly every wait falls in it and costs no division.
    current: usize,
    current_end_ms: u64,
    bins: Vec<CountSum>,
}

impl WaitBins {
    /// Empty bins of `bin_ms` (≥ 1) over `[0, horizon_ms)`.
    pub fn new(bin_ms: u64, horizon_ms: u64) -> Self {
        let bin_ms = bin_ms.max(1);
        WaitBins {
            bin_ms,
            current: 0,
            current_end_ms: bin_ms,
            bins: vec![CountSum::default(); series_bins(bin_ms, horizon_ms)],
        }
    }

    /// Records a wait of `wait_ms` ending (service starting) at `now_ms` (times never
    /// decrease).
    #[inline]
    pub fn record(&mut self, now_ms: u64, wait_ms: u64) {
        if now_ms < self.current_end_ms
            && let Some(b) = self.bins.get_mut(self.current)
        {
            b.record(wait_ms);
        } else {
            self.record_later(now_ms, wait_ms);
        }
    }

    /// [`record`](Self::record) at a time past the current bin.
    #[cold]
    #[inline(never)]
    fn record_later(&mut self, now_ms: u64, wait_ms: u64) {
        let bin = now_ms / self.bin_ms;
        // Nothing starts at or after the horizon; the last bin may be shorter than the
        // others, so a time is checked against the bins, not the horizon.
        if let Some(b) = self.bins.get_mut(bin as usize) {
            b.record(wait_ms);
            self.current = bin as usize;
            self.current_end_ms = (bin + 1) * self.bin_ms;
        }
    }

    /// The bins, in time order.
    pub fn bins(&self) -> &[CountSum] {
        &self.bins
    }
}
