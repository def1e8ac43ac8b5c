//! Results that merge exactly across runs: a [`Summary`] of consecutive replications.

pub mod summary;

pub use summary::{MergeError, Summary};
