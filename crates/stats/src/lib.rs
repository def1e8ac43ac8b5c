//! Statistics whose memory does not grow with the number of observations.
//!
//! - [`Tally`]: observations of a duration (ms) — exact count, sum, min, max and an
//!   HdrHistogram for percentiles; mergeable across replications, and written and read
//!   (serde) with its histogram in HdrHistogram's V2 + DEFLATE format, so that tallies of
//!   separate processes merge exactly; many tallies written together ([`pack`]) share one
//!   compressed stream and read back as [`SparseTally`]s, which merge touching only the
//!   bins they hold. [`CoarseTally`] is the same at a coarser bin layout
//!   ([`Coarse`]: 2 significant digits at 1.024 s, against [`Fine`]: 3 at 1 ms), for
//!   statistics kept in many cells whose only percentile read is each replication's 95th.
//! - [`TimeWeighted`]: a level that changes over time (queue length, busy servers) and its
//!   time-weighted mean and maximum.
//! - [`MeanCi`]: a mean across replications with its 95% Student-t half-width.

#![warn(missing_docs)]

mod layout;
mod moments;
mod packed;
mod summary;
mod tally;
mod tally_serde;
mod time_weighted;

pub use layout::{Coarse, Fine, Layout};
pub use moments::{RatioMoments, WideSum};
pub use packed::{SparseTally, TallyHead, pack, read_leb128, unpack, write_leb128};
pub use summary::{MeanCi, student_t_quantile_975};
pub use tally::{CoarseTally, Percentiles, Tally, TallyOf};
pub use time_weighted::TimeWeighted;
