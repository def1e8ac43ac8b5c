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
    /// The axes, in the plan's order.
    pub axes: Vec<SweepAxis>,
    /// The points, in canonical order.
    pub points: Vec<SweepPoint>,
    /// The outputs the plan asks for (`[sweep] outputs`), drawn as response curves and
    /// written as CSV rows; left out of the JSON, which holds every measure, when it is
    /// only the default `time_in_system`.
    #[serde(skip_serializing_if = "default_outputs")]
    pub outputs: Vec<String>,
}

impl SweepResult {
    /// The report of the first point (in canonical order) that has one: the entities the
    /// curves and the CSV's rows of other outputs list. `None` when every point reached the
    /// cap on vehicles in the crossing.
    pub fn first_report(&self) -> Option<&Report> {
        self.points.iter().find_map(|p| p.report.as_ref())
    }
}

/// Whether `outputs` is the plan's default, `time_in_system` alone.
fn default_outputs(outputs: &[String]) -> bool {
    outputs.len() == 1 && outputs[0] == "time_in_system"
}

/// One point of a sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepPoint {
    /// The point's stable id (`p0003`).
    pub id: String,
    /// `(axis name, value as shown)`, in the plan's axis order.
    pub axes: Vec<(String, String)>,
    /// The point's report over all its replications; `None` (left out of the JSON) when a
    /// replication reached the crossing's cap on vehicles in it ([`CapReached`](super::CapReached)): such a
    /// point has no figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Report>,
    /// Each headline measure against the baseline point's, paired by replication (none
    /// when this point or the baseline reached the cap).
    pub differences: Vec<PairedDifference>,
    /// Why the point is unstable ([`metrics::unstable_in`](super::metrics::unstable_in): a
    /// load of 1 or more per server at a station or at a lane group serving vehicles no
    /// other may, a lane group busy 99% of its staffed time or more, steady growth of the
    /// vehicles in the crossing, or a replication stopped at the cap on vehicles in it),
    /// naming the station and lane group; left out when it is stable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unstable: Option<String>,
}

/// One axis of a sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepAxis {
    /// The axis's name.
    pub name: String,
    /// What it varies: `override`, `policy`, `demand`, `scenario` or `region`.
    pub kind: String,
    /// An override axis's parameter path; a demand axis's class, if it names one.
    pub of: Option<String>,
}

impl SweepAxis {
    /// The axis title of a chart against this axis, with its unit in parentheses.
    pub fn title(&self) -> String {
        match (self.kind.as_str(), &self.of) {
            ("override", Some(path)) => format!("{} ({path})", self.name),
            ("demand", None) => format!("{} (× the scenario's demand)", self.name),
            ("demand", Some(class)) => format!("{} (× the demand of class {class})", self.name),
            ("policy", _) => format!("{} (policy file)", self.name),
            ("scenario", _) => format!("{} (base scenario file)", self.name),
            ("region", _) => format!("{} (base region file)", self.name),
            _ => self.name.clone(),
        }
    }
}
