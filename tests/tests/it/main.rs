//! Workspace validation tests: the engine against queueing theory, the sample-path laws every
//! run must obey, and the reproducibility guarantees of ARCHITECTURE.md's "Invariants".
//!
//! One test binary (modules below) so the workspace links one executable, not one per file.

mod compare;
mod conservation;
mod contract;
mod demand;
mod determinism;
mod dispatch;
mod lane_order;
mod lanes;
mod operations;
mod properties;
mod reforms;
mod region;
mod regressions;
mod same_instant;
mod storage;
mod summaries;
mod support;
mod theory;
