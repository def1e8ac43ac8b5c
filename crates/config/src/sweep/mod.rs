//! Sweep plans: a study as one file — a base scenario, axes of values (any scenario
//! parameter by its `[[override]]` path, or policy files on and off), how the axes combine,
//! and the replications — expanded into a canonical, ordered list of points and of work
//! units (a point × a block of replications), each with a stable id (`docs/sweeps.md`).
//!
//! Besides override and policy axes, an axis may scale demand (every source, or one class's)
//! by factors, or name several base scenario files. The plan's baseline point (the first
//! point, or the one `baseline` names) is the one every point is compared with.
//!
//! This module only reads the plan's text: the files it names are read by the caller, and a
//! point becomes a scenario through [`crate::apply_policy`] with [`Plan::policy_text`], then
//! its demand is scaled by [`Point::demand`].

use std::ops::Range;

/// Most points a plan may expand to: every point is compiled before anything runs.
pub const MAX_POINTS: usize = 100_000;

/// The outputs a plan may ask for in `[sweep] outputs`: the metrics drawn as response
/// curves and written as rows of the CSV. `time_in_system` (the default): the whole
/// crossing's time in system, mean and 95th percentile; `wait` and `wait_p95`: each
/// station's mean wait and the mean over replications of its 95th percentile; `queue`:
/// each station's time-average queue length (vehicles); `throughput`: each station's
/// vehicles served per hour; `utilization`: each station's busy share of its staffed
/// lanes; `cost`: the whole crossing's total cost per day (resource, cargo and staff).
pub const OUTPUTS: [&str; 7] = [
    "time_in_system",
    "wait",
    "wait_p95",
    "queue",
    "throughput",
    "utilization",
    "cost",
];

/// A validated sweep plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The study's name.
    pub name: String,
    /// The base scenario file, as written (relative to the plan file): `[sweep] scenario`,
    /// else the first of the scenario axis; empty when the base is a region.
    pub scenario: String,
    /// The base region file, as written (relative to the plan file): `[sweep] region`. A
    /// region plan's unit is a whole point (one equilibrium over all its replications).
    pub region: Option<String>,
    /// Replications of every point.
    pub replications: u32,
    /// Replications per work unit (the last unit of a point may hold fewer).
    pub block: u32,
    /// The master seed (`None`: the base scenario's). Every point uses it, so replication
    /// `r` of every point sees the same arrivals: points differ on common random numbers.
    pub seed: Option<u64>,
    /// The axes, in file order.
    pub axes: Vec<String>,
    /// The points, in canonical order: in a grid, the first axis varies slowest.
    pub points: Vec<Point>,
    /// Index in [`Plan::points`] of the baseline point, which every point is compared with
    /// (paired differences, on common random numbers).
    pub baseline: usize,
    /// What each axis varies, in file order (as [`Plan::axes`]).
    pub kinds: Vec<AxisKind>,
    /// The outputs asked for, each once, in the order written (names from [`OUTPUTS`];
    /// default: `time_in_system`).
    pub outputs: Vec<String>,
}

/// What an axis varies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AxisKind {
    /// A scenario parameter, by its `[[override]]` path.
    Override(String),
    /// Policy files on and off.
    Policy,
    /// Demand, by a factor (of one class's sources, if a class is named).
    Demand(Option<String>),
    /// The base scenario file.
    Scenario,
    /// The base region file.
    Region,
}

/// Where in the plan file a value of a point comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// 1-based line in the plan file.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The field, e.g. `axis[0].values[2]`.
    pub field: String,
}

/// Demand scaled by a factor at one point.
#[derive(Clone, Debug, PartialEq)]
pub struct DemandScale {
    /// The class whose sources are scaled; `None`: every source.
    pub class: Option<String>,
    /// The factor (positive) by which arrival rates are multiplied.
    pub factor: f64,
    /// Where the class (else the factor) is written in the plan.
    pub origin: Origin,
}

/// One combination of axis values.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// Stable id: `p` and the point's index in canonical order, four digits or more.
    pub id: String,
    /// Each axis's value at this point, as text (a policy axis: the file, or `none`).
    pub values: Vec<String>,
    /// The policy file this point applies (relative to the plan file), if any.
    pub policy: Option<String>,
    /// `(path, value as TOML)` overrides this point applies.
    pub overrides: Vec<(String, String)>,
    /// Where each of [`Point::overrides`] is written in the plan.
    pub origins: Vec<Origin>,
    /// Where the point's policy file is named in the plan, if it has one.
    pub policy_origin: Option<Origin>,
    /// The point's base scenario file (relative to the plan file).
    pub scenario: String,
    /// In a region plan, the crossing the point's first override changes (`crossing` of
    /// its override axes); see [`Point::crossings`] for each override's.
    pub crossing: Option<String>,
    /// In a region plan, the crossing each of [`Point::overrides`] changes (its axis's
    /// `crossing`, or the `<id>` of a `crossings.<id>.<path>` path); `None` in a scenario
    /// plan.
    pub crossings: Vec<Option<String>>,
    /// In a region plan with an axis of region files, the point's base region file
    /// (relative to the plan file); `None`: the plan's `[sweep] region`.
    pub region: Option<String>,
    /// Demand scalings, applied to the point's scenario after its policy and overrides
    /// (several multiply).
    pub demand: Vec<DemandScale>,
}

/// One work unit: a block of replications of one point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Stable id: the point's id and the replications, e.g. `p0003-r00010-00019`.
    pub id: String,
    /// Index of the point in [`Plan::points`].
    pub point: usize,
    /// The replications (each seeded from the master seed and its number alone).
    pub replications: Range<u64>,
}

impl Plan {
    /// The work units, in canonical order: by point, then by block of replications.
    pub fn units(&self) -> Vec<Unit> {
        let n = u64::from(self.replications);
        let block = u64::from(self.block.max(1));
        let mut units = Vec::new();
        for (i, p) in self.points.iter().enumerate() {
            let mut start = 0;
            while start < n {
                let end = n.min(start + block);
                units.push(Unit {
                    id: format!("{}-r{start:05}-{:05}", p.id, end - 1),
                    point: i,
                    replications: start..end,
                });
                start = end;
            }
        }
        units
    }

    /// The policy that turns the base scenario into point `point`: the point's policy file
    /// (its text is `policy_file`) with the point's overrides after it, or a policy of the
    /// overrides alone. `None` when the point is the base scenario unchanged.
    pub fn policy_text(&self, point: &Point, policy_file: Option<&str>) -> Option<String> {
        self.policy_text_lines(point, policy_file).map(|(t, _)| t)
    }

    /// [`Plan::policy_text`] and the 1-based line of that text where each of the point's
    /// overrides starts, to locate a problem with an override in the plan (at
    /// [`Point::origins`]) rather than in the generated text. Lines before the first
    /// override are the policy file's own, unchanged.
    pub fn policy_text_lines(
        &self,
        point: &Point,
        policy_file: Option<&str>,
    ) -> Option<(String, Vec<usize>)> {
        self.crossing_policy_text(point, policy_file, None)
    }

    /// In a region plan, the policy that changes crossing `crossing` at point `point`: the
    /// point's policy file, if it changes that crossing (`policy_file` is then its text,
    /// else `None`), with the point's overrides of that crossing after it; and the line
    /// where each of the point's overrides starts (`usize::MAX` for an override of another
    /// crossing), as [`Plan::policy_text_lines`] gives them. `None` when the point changes
    /// nothing of that crossing.
    pub fn policy_text_of_crossing(
        &self,
        point: &Point,
        policy_file: Option<&str>,
        crossing: &str,
    ) -> Option<(String, Vec<usize>)> {
        self.crossing_policy_text(point, policy_file, Some(crossing))
    }

    /// The policy of [`Plan::policy_text_lines`], of one crossing's overrides only when
    /// `only` names one.
    fn crossing_policy_text(
        &self,
        point: &Point,
        policy_file: Option<&str>,
        only: Option<&str>,
    ) -> Option<(String, Vec<usize>)> {
        let kept = |k: usize| {
            only.is_none_or(|c| point.crossings.get(k).and_then(Option::as_deref) == Some(c))
        };
        let overrides = (0..point.overrides.len()).filter(|&k| kept(k)).count();
        let policy = if only.is_some() {
            policy_file.is_some()
        } else {
            point.policy.is_some()
        };
        if !policy && overrides == 0 {
            return None;
        }
        let crossing = only.map(str::to_owned).or_else(|| point.crossing.clone());
        let mut text = match policy_file {
            Some(t) => format!("{t}\n"),
            None => format!(
                "[policy]\nname = {}\n{}",
                toml::Value::String(format!("{} {}", self.name, point.id)),
                crossing.as_ref().map_or(String::new(), |c| format!(
                    "crossing = {}\n",
                    toml::Value::String(c.clone())
                ))
            ),
        };
        let mut starts = Vec::with_capacity(point.overrides.len());
        for (k, (path, value)) in point.overrides.iter().enumerate() {
            if !kept(k) {
                starts.push(usize::MAX);
                continue;
            }
            text.push('\n');
            starts.push(text.lines().count() + 1);
            text.push_str(&format!(
                "[[override]]\npath = {}\nvalue = {value}\n",
                toml::Value::String(path.clone())
            ));
        }
        Some((text, starts))
    }
}

mod axis;
mod limits;
mod parse;
mod points;
mod raw;
mod region;
#[cfg(feature = "schema")]
pub(crate) mod schema;
#[cfg(test)]
mod tests;

pub use limits::{MAX_REPLICATIONS, MAX_UNITS, unit_count, units_refusal};
pub use parse::parse_plan;
