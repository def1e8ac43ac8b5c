//! Simulation time: [`SimTime`], whole milliseconds in a `u64`, with saturating arithmetic
//! and conversions from and to seconds, minutes and hours.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A point on the simulation clock, or a span of it, in whole milliseconds.
///
/// Integer time makes event order exact and reproducible: two events scheduled for the same
/// instant compare equal on every platform, and ties are then broken by insertion order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

impl SimTime {
    /// The start of the simulation clock (and the empty span).
    pub const ZERO: SimTime = SimTime(0);
    /// The latest representable instant (about 584 million years): sums saturate here.
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// Milliseconds in one second.
    pub const MS_PER_SECOND: u64 = 1_000;
    /// Milliseconds in one minute.
    pub const MS_PER_MINUTE: u64 = 60_000;
    /// Milliseconds in one hour.
    pub const MS_PER_HOUR: u64 = 3_600_000;
    /// Milliseconds in one day.
    pub const MS_PER_DAY: u64 = 86_400_000;

    /// `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> Self {
        SimTime(ms)
    }

    /// `s` whole seconds. The product must fit in `u64` ms (584 million years): it panics in
    /// debug builds and wraps in release builds otherwise.
    pub const fn from_secs(s: u64) -> Self {
        SimTime(s * Self::MS_PER_SECOND)
    }

    /// `m` whole minutes (the product must fit in `u64` ms, as for [`SimTime::from_secs`]).
    pub const fn from_mins(m: u64) -> Self {
        SimTime(m * Self::MS_PER_MINUTE)
    }

    /// `h` whole hours (the product must fit in `u64` ms, as for [`SimTime::from_secs`]).
    pub const fn from_hours(h: u64) -> Self {
        SimTime(h * Self::MS_PER_HOUR)
    }

    /// Rounds a non-negative duration in milliseconds to the clock's resolution.
    ///
    /// Negative and NaN inputs become zero, and values beyond the clock saturate: sampled
    /// durations come from distributions that may in principle return such values.
    #[inline]
    pub fn from_millis_f64(ms: f64) -> Self {
        // `+ 0.5` then truncation rounds half up for non-negative values, without the libm
        // call `f64::round` costs on the hot path. Below 2^63 ms (292 million years) the
        // signed conversion is one instruction; Rust's `as` already maps NaN and negative
        // values to 0 and saturates, so only the rare huge value takes the slow branch.
        const SIGNED_LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
        let rounded = ms + 0.5;
        if rounded < SIGNED_LIMIT {
            SimTime((rounded as i64).max(0) as u64)
        } else {
            SimTime(rounded as u64)
        }
    }

    /// Rounds a non-negative duration in milliseconds to the clock's resolution without
    /// bias: down when `ms`'s fraction is below `1 - u`, else up, so that over durations
    /// whose `u` are spread evenly over [0, 1) the mean of the rounded durations is the mean
    /// of `ms` (rounding half up would make a 500.2 ms duration 500 ms every time). `u` is
    /// in [0, 1). Negative and NaN inputs become zero and
    /// values beyond the clock saturate, as in [`SimTime::from_millis_f64`].
    #[inline]
    pub fn from_millis_dithered(ms: f64, u: f64) -> Self {
        // Up with probability fract(ms) when u is uniform; a whole number stays itself
        // (`floor` then `+ 0.5` in `from_millis_f64` rounds it to itself).
        let whole = ms.floor();
        let fraction = ms - whole;
        let up = fraction > 0.0 && u >= 1.0 - fraction;
        Self::from_millis_f64(if up { whole + 1.0 } else { whole })
    }

    /// The time in whole milliseconds.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// The time in seconds (exact below 2^53 ms, about 285,000 years).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / Self::MS_PER_SECOND as f64
    }

    /// The time in minutes.
    pub fn as_mins_f64(self) -> f64 {
        self.0 as f64 / Self::MS_PER_MINUTE as f64
    }

    /// The time in hours.
    pub fn as_hours_f64(self) -> f64 {
        self.0 as f64 / Self::MS_PER_HOUR as f64
    }

    /// Saturating difference: the span from `earlier` to `self`, zero if `earlier` is later.
    pub const fn since(self, earlier: SimTime) -> SimTime {
        SimTime(self.0.saturating_sub(earlier.0))
    }
}

/// Saturating: a sum beyond [`SimTime::MAX`] is `MAX`.
impl Add for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimTime) -> SimTime {
        SimTime(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for SimTime {
    fn add_assign(&mut self, rhs: SimTime) {
        *self = *self + rhs;
    }
}

/// Saturating, as [`SimTime::since`]: a negative span is zero.
impl Sub for SimTime {
    type Output = SimTime;
    fn sub(self, rhs: SimTime) -> SimTime {
        self.since(rhs)
    }
}

/// Whole milliseconds with their unit, e.g. `90000ms`.
impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_and_saturation() {
        assert_eq!(SimTime::from_millis_f64(1.4), SimTime(1));
        assert_eq!(SimTime::from_millis_f64(1.5), SimTime(2));
        assert_eq!(SimTime::from_millis_f64(-3.0), SimTime(0));
        assert_eq!(SimTime::from_millis_f64(f64::NAN), SimTime(0));
        assert_eq!(SimTime::from_millis_f64(f64::INFINITY), SimTime::MAX);
        assert_eq!(SimTime::MAX + SimTime(5), SimTime::MAX);
        assert_eq!(SimTime(3) - SimTime(5), SimTime(0));
        assert_eq!(SimTime::from_hours(2).as_mins_f64(), 120.0);
    }

    #[test]
    fn dithered_rounding_is_unbiased_and_exact_on_whole_milliseconds() {
        assert_eq!(SimTime::from_millis_dithered(500.2, 0.0), SimTime(500));
        assert_eq!(SimTime::from_millis_dithered(500.2, 0.79), SimTime(500));
        assert_eq!(SimTime::from_millis_dithered(500.2, 0.81), SimTime(501));
        // Whole milliseconds stay themselves whatever `u`.
        for u in [0.0, 0.3, 0.999_999, 1.0, 7.0] {
            assert_eq!(SimTime::from_millis_dithered(500.0, u), SimTime(500));
        }
        assert_eq!(SimTime::from_millis_dithered(-3.0, 0.9), SimTime(0));
        assert_eq!(SimTime::from_millis_dithered(f64::NAN, 0.5), SimTime(0));
        // Over u = k/1000, the mean of 0.3 ms rounded is 0.3 ms exactly.
        let total: u64 = (0..1000)
            .map(|k| SimTime::from_millis_dithered(0.3, f64::from(k) / 1000.0).0)
            .sum();
        assert_eq!(total, 300);
    }
}
