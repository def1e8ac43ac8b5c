//! A piecewise-constant level observed over time (queue length, busy servers) and its
//! exact time integral.

/// A level that changes at discrete instants (queue length, busy servers) and its integral
/// over time, from which the time-weighted mean follows.
///
/// Times are milliseconds on the simulation clock. The integral is kept in `u128`
/// level·milliseconds, so it is exact however long the run.
#[derive(Clone, Copy, Debug, Default)]
pub struct TimeWeighted {
    level: u64,
    max: u64,
    since_ms: u64,
    last_change_ms: u64,
    area: u128,
}

impl TimeWeighted {
    /// A level of zero from time zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current level.
    pub fn level(&self) -> u64 {
        self.level
    }

    /// The largest level since the start (or the last reset).
    pub fn max(&self) -> u64 {
        self.max
    }

    #[inline]
    fn accumulate(&mut self, now_ms: u64) {
        let dt = now_ms.saturating_sub(self.last_change_ms);
        self.area += u128::from(self.level) * u128::from(dt);
        self.last_change_ms = self.last_change_ms.max(now_ms);
    }

    /// Sets the level at `now_ms`.
    #[inline]
    pub fn set(&mut self, now_ms: u64, level: u64) {
        self.accumulate(now_ms);
        self.level = level;
        self.max = self.max.max(level);
    }

    /// Raises the level by one at `now_ms`.
    #[inline]
    pub fn increment(&mut self, now_ms: u64) {
        self.set(now_ms, self.level + 1);
    }

    /// Lowers the level by one at `now_ms` (never below zero).
    #[inline]
    pub fn decrement(&mut self, now_ms: u64) {
        self.set(now_ms, self.level.saturating_sub(1));
    }

    /// Starts a new observation window at `now_ms`, keeping the current level (the end of a
    /// warm-up period: vehicles in the system stay, their history is forgotten).
    pub fn reset(&mut self, now_ms: u64) {
        self.accumulate(now_ms);
        self.area = 0;
        self.since_ms = now_ms;
        self.max = self.level;
    }

    /// The integral of the level from the window start to `now_ms`, in level·ms.
    pub fn area_until(&self, now_ms: u64) -> u128 {
        let dt = now_ms.saturating_sub(self.last_change_ms);
        self.area + u128::from(self.level) * u128::from(dt)
    }

    /// The time-weighted mean level from the window start to `now_ms` (the current level if
    /// the window is empty).
    pub fn mean_until(&self, now_ms: u64) -> f64 {
        let span = now_ms.saturating_sub(self.since_ms);
        if span == 0 {
            self.level as f64
        } else {
            self.area_until(now_ms) as f64 / span as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::test_runner::{RngAlgorithm, RngSeed};

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 128,
            rng_algorithm: RngAlgorithm::ChaCha,
            rng_seed: RngSeed::Fixed(0x0071_3e00),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// For any path of levels (changes at non-decreasing times, a window reset
        /// somewhere), the integral, mean and maximum equal those of the path written out
        /// step by step.
        #[test]
        fn integral_and_maximum_match_the_path(
            steps in prop::collection::vec((0u64..1_000, 0u64..20), 1..60),
            reset_at in any::<prop::sample::Index>(),
            tail_ms in 0u64..1_000,
        ) {
            let reset_at = reset_at.index(steps.len());
            let mut q = TimeWeighted::new();
            // The reference: the level held over each span since the window opened.
            let (mut now, mut level, mut since) = (0u64, 0u64, 0u64);
            let (mut area, mut max) = (0u128, 0u64);
            for (i, &(dt, next)) in steps.iter().enumerate() {
                area += u128::from(level) * u128::from(dt);
                now += dt;
                if i == reset_at {
                    q.reset(now);
                    (area, max, since) = (0, level, now);
                }
                q.set(now, next);
                level = next;
                max = max.max(level);
                prop_assert_eq!(q.level(), level);
            }
            let end = now + tail_ms;
            area += u128::from(level) * u128::from(tail_ms);
            prop_assert_eq!(q.area_until(end), area);
            prop_assert_eq!(q.max(), max);
            let mean = if end == since { level as f64 } else { area as f64 / (end - since) as f64 };
            prop_assert_eq!(q.mean_until(end), mean);
        }
    }

    #[test]
    fn mean_is_weighted_by_time() {
        let mut q = TimeWeighted::new();
        q.set(0, 2); // 2 for 10 ms
        q.set(10, 4); // 4 for 30 ms
        q.set(40, 0); // 0 for 60 ms
        assert!((q.mean_until(100) - (20.0 + 120.0) / 100.0).abs() < 1e-12);
        assert_eq!(q.max(), 4);
    }

    #[test]
    fn reset_keeps_level_and_forgets_history() {
        let mut q = TimeWeighted::new();
        q.set(0, 5);
        q.reset(100);
        q.set(150, 1);
        // 5 for 50 ms then 1 for 50 ms
        assert!((q.mean_until(200) - 3.0).abs() < 1e-12);
        assert_eq!(q.max(), 5);
    }
}
