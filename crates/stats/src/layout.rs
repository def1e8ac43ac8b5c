//! The bin layouts a tally counts into: HdrHistogram's log-linear layout at a precision
//! (significant decimal digits) and a unit (a power of two of milliseconds).
//!
//! A layout is a type, so that the bin arithmetic on the simulation's hot path is
//! constants the compiler folds in, and a tally of one layout never merges into one of
//! another.

use std::fmt::Debug;

use hdrhistogram::Histogram;

/// log2 of half of HdrHistogram's sub-buckets per bucket for `digits` significant decimal
/// digits: its sub-bucket count is the power of two at or above 2·10^digits.
const fn half_magnitude(digits: u8) -> u32 {
    let largest = 2 * 10u64.pow(digits as u32);
    64 - (largest - 1).leading_zeros() - 1
}

mod sealed {
    pub trait Sealed {}
}

/// A bin layout: HdrHistogram's, with [`Layout::SIGNIFICANT_DIGITS`] digits in units of
/// 2^[`Layout::UNIT_SHIFT`] ms. Implemented by [`Fine`] and [`Coarse`] only.
pub trait Layout: sealed::Sealed + Clone + Copy + Debug + Default + PartialEq + 'static {
    /// Significant decimal digits every value is resolved to, above the unit.
    const SIGNIFICANT_DIGITS: u8;
    /// log2 of the unit, ms: a value is counted as `value_ms >> UNIT_SHIFT` units.
    const UNIT_SHIFT: u32;
    /// log2 of half the sub-buckets per bucket.
    const HALF_MAGNITUDE: u32 = half_magnitude(Self::SIGNIFICANT_DIGITS);
}

/// The full resolution of every report figure: 3 significant digits at a unit of 1 ms —
/// every value exact to 0.1%, values up to 2,047 ms exactly. A bin count per 0.1% of scale:
/// about 14,000 bins (57 KB) once waits reach hours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fine;

/// A coarse resolution for statistics kept in many cells whose only percentile read is a
/// replication's 95th (the hourly waits by lane group and vehicle kind): 2 significant
/// digits at a unit of 2^10 ms = 1.024 s — values up to 262 s to the unit, above that to
/// within 1% (1/128). About 1,200 bins (4.6 KB) for waits of up to 10 hours, a twelfth of
/// [`Fine`]'s, for a quantile read in minutes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Coarse;

impl sealed::Sealed for Fine {}
impl sealed::Sealed for Coarse {}

impl Layout for Fine {
    const SIGNIFICANT_DIGITS: u8 = 3;
    const UNIT_SHIFT: u32 = 0;
}

impl Layout for Coarse {
    const SIGNIFICANT_DIGITS: u8 = 2;
    const UNIT_SHIFT: u32 = 10;
}

/// Bins of the first bucket pair (values `0..2^(HALF_MAGNITUDE + 1)` units, one unit each).
pub(crate) const fn first_bins<L: Layout>() -> usize {
    2 << L::HALF_MAGNITUDE
}

/// The bin of `value_ms` in layout `L`: bins `0..first_bins` hold one unit each; above,
/// each power of two of units holds `2^HALF_MAGNITUDE` bins.
#[inline(always)]
pub(crate) fn bin_of<L: Layout>(value_ms: u64) -> usize {
    let units = value_ms >> L::UNIT_SHIFT;
    let mask = (1u64 << (L::HALF_MAGNITUDE + 1)) - 1;
    let bucket = 63 - (units | mask).leading_zeros() - L::HALF_MAGNITUDE;
    ((bucket as usize) << L::HALF_MAGNITUDE) + (units >> bucket) as usize
}

/// The smallest value (ms) of bin `bin` (the inverse of [`bin_of`]).
pub(crate) fn lowest_value_of<L: Layout>(bin: usize) -> u64 {
    let half = 1usize << L::HALF_MAGNITUDE;
    let units = if bin < 2 * half {
        bin as u64
    } else {
        let bucket = (bin >> L::HALF_MAGNITUDE) - 1;
        let sub = bin - (bucket << L::HALF_MAGNITUDE);
        (sub as u64) << bucket
    };
    units << L::UNIT_SHIFT
}

/// The number of values (ms) bin `bin` holds: one unit up to the first bins, then doubling
/// with each power of two (HdrHistogram's `equivalent_range`).
pub(crate) fn bin_width<L: Layout>(bin: usize) -> u64 {
    let bucket = (bin >> L::HALF_MAGNITUDE).saturating_sub(1) as u32;
    1u64 << (bucket + L::UNIT_SHIFT)
}

/// The length to grow a tally's bins to so that `bin` fits: the end of its power of two,
/// and at least the first bins, so growth happens once per doubling of the largest value.
pub(crate) fn grown_len<L: Layout>(bin: usize) -> usize {
    let len = (bin | ((1 << L::HALF_MAGNITUDE) - 1)) + 1;
    len.max(first_bins::<L>())
}

/// An empty HdrHistogram with layout `L`'s bins (lowest discernible value one unit).
pub(crate) fn empty_histogram<L: Layout>() -> Histogram<u64> {
    let unit = 1u64 << L::UNIT_SHIFT;
    // Valid bounds (low ≥ 1, high ≥ 2·low, at most 5 digits) never fail.
    let mut h = Histogram::new_with_bounds(unit, 2 * unit, L::SIGNIFICANT_DIGITS)
        .expect("valid histogram bounds");
    h.auto(true);
    h
}
