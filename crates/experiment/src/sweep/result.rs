//! The result of a sweep: every point's report and its paired differences from the
//! baseline point (what `bordersim sweep` and `bordersim merge` write, and the sweep page
//! of the HTML report draws).

use serde::Serialize;

use super::PairedDifference;
use crate::Report;

/// The result of a sweep plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepResult {
    /// The study's name (`[sweep] name`).
    pub sweep: String,
    /// Fingerprint of the plan and every file it names.
    pub plan_hash: String,
    /// The master seed.
    pub seed: u64,
    /// Replications of every point.
    pub replications: u32,
    /// The id of the point every point's differences are from.
    pub baseline: String,
    /// The points, in canonical order.
    pub points: Vec<SweepPoint>,
}

/// One point of a sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepPoint {
    /// The point's stable id (`p0003`).
    pub id: String,
    /// `(axis name, value as shown)`, in the plan's axis order.
    pub axes: Vec<(String, String)>,
    /// The point's report over all its replications.
    pub report: Report,
    /// Each headline measure against the baseline point's, paired by replication.
    pub differences: Vec<PairedDifference>,
}
