//! Statistics whose memory does not grow with the number of observations.
//!
//! - [`Tally`]: observations of a duration (ms) — exact count, sum, min, max and an
//!   HdrHistogram for percentiles; mergeable across replications, and written and read
//!   (serde) with its histogram in HdrHistogram's V2 + DEFLATE format, so that tallies of
//!   separate processes merge exactly.
//! - [`TimeWeighted`]: a level that changes over time (queue length, busy servers) and its
//!   time-weighted mean and maximum.
//! - [`MeanCi`]: a mean across replications with its 95% Student-t half-width.

#![warn(missing_docs)]

mod summary;
mod tally;
mod tally_serde;
mod time_weighted;

pub use summary::{MeanCi, student_t_quantile_975};
pub use tally::{Percentiles, Tally};
pub use time_weighted::TimeWeighted;
