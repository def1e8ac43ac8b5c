//! The metrics a sweep plan's `outputs` name, read off a point's report: what the response
//! curves of the sweep page draw and the CSV writes, each with its unit and the headline
//! measure its paired difference from the baseline point is kept under.

use serde::{Deserialize, Serialize};

use super::SweepPoint;
use crate::{ExperimentError, Report};

/// Offered load per server at or above which a station's queue grows without bound.
const UNSTABLE_LOAD: f64 = 1.0;

/// Why a point's figures cannot be trusted as steady-state values, in words, or `None`
/// when nothing says so: the one definition of an unstable point that the sweep's JSON,
/// CSV, table and page all show.
///
/// A point is unstable when a station's offered load per server (from the traffic
/// equations, averaged over the week) is 1 or more — unless the station's storage is
/// limited and turns the excess away (vehicles balked and none waited upstream: a loss
/// system, whose queue is bounded) — or when its runs warned that the vehicles in the
/// crossing grow steadily across the run (`Report::warnings`). Either way its waits grow
/// with the run's length. A point whose runs reached the crossing's cap on vehicles in it
/// (`max_in_system`) has no report at all: its reason is [`CapReached::reason`].
pub fn unstable(report: &Report) -> Option<String> {
    let overloaded: Vec<&str> = report
        .stations
        .iter()
        .filter(|s| {
            s.offered_load >= UNSTABLE_LOAD
                && !(s.spillback.balked > 0 && s.spillback.vehicles == 0)
        })
        .map(|s| s.id.as_str())
        .collect();
    let mut reasons = Vec::new();
    if !overloaded.is_empty() {
        reasons.push(format!(
            "offered load >= 1 per server at {}",
            overloaded.join(", ")
        ));
    }
    if !report.warnings.is_empty() {
        reasons.push("vehicles in the crossing grow steadily across the run".to_owned());
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// A replication stopped at the crossing's cap on vehicles in it (`max_in_system`): the
/// point it belongs to has no figures, and is reported unstable with [`CapReached::reason`]
/// while the sweep's other points complete. Within a unit, the first such replication in
/// replication order; over a point's units, the first unit's in canonical order — so the
/// same however the units were split into shards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapReached {
    /// The replication (from 0) that was stopped.
    pub replication: u64,
    /// When it was stopped, as day and clock time from time zero (`"day 1, 02:03:04"`).
    pub at: String,
    /// The crossing's limit on vehicles in it at once.
    pub cap: u64,
}

impl CapReached {
    /// The cap reached, if `error` says a run was stopped there.
    pub fn of(error: &ExperimentError) -> Option<CapReached> {
        match error {
            ExperimentError::Unstable {
                replication,
                at,
                cap,
            } => Some(CapReached {
                replication: *replication,
                at: at.clone(),
                cap: *cap,
            }),
            _ => None,
        }
    }

    /// Why a point that reached the cap is unstable, in words (the `unstable` of the
    /// sweep's JSON, CSV, table and page).
    pub fn reason(&self) -> String {
        format!(
            "more than {} vehicles in the crossing at once: replication {} stopped at {} \
             (max_in_system), so the point has no figures",
            self.cap, self.replication, self.at
        )
    }
}

/// One metric of one entity, as drawn: a value and its 95% half-width, in `unit`.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// The output it belongs to (`wait`, `queue`, …).
    pub output: &'static str,
    /// `system` or `station:<id>`, as the headline measures name entities.
    pub entity: String,
    /// What is drawn, in words (`Mean wait at primary`).
    pub label: String,
    /// The unit of the values (`min`, `vehicles`, `vehicles/h`, `share`, `money/day`).
    pub unit: &'static str,
    /// The headline measure holding its paired difference, if there is one.
    pub measure: Option<&'static str>,
    /// What a value of the report (seconds for times) is divided by for `unit`.
    pub per: f64,
}

/// The curves of output `output` for the points of a sweep (its entities taken from
/// `first`, the report of the first point that has one: every point of a sweep has the
/// base scenario's stations, unless a scenario axis changes them, in which case a station
/// missing at a point has no value there).
pub fn curves(output: &str, first: &Report) -> Vec<Curve> {
    let station = |label: &str,
                   output: &'static str,
                   unit: &'static str,
                   measure: Option<&'static str>,
                   per: f64| {
        first
            .stations
            .iter()
            .filter(|s| s.merged_into.is_none())
            .map(|s| Curve {
                output,
                entity: format!("station:{}", s.id),
                label: format!("{label} at {}", s.id),
                unit,
                measure,
                per,
            })
            .collect()
    };
    let system = |label: &str, output: &'static str, unit, measure, per| {
        vec![Curve {
            output,
            entity: "system".to_owned(),
            label: label.to_owned(),
            unit,
            measure,
            per,
        }]
    };
    match output {
        "time_in_system" => system(
            "Mean time in system",
            "time_in_system",
            "min",
            Some("time_in_system_mean_s"),
            60.0,
        ),
        "wait" => station("Mean wait", "wait", "min", Some("wait_mean_s"), 60.0),
        "wait_p95" => station(
            "95th percentile of the wait",
            "wait_p95",
            "min",
            Some("wait_p95_rep_s"),
            60.0,
        ),
        "queue" => station(
            "Mean queue length",
            "queue",
            "vehicles",
            Some("queue_length_mean"),
            1.0,
        ),
        "throughput" => station("Throughput", "throughput", "vehicles/h", None, 1.0),
        "utilization" => station(
            "Utilisation",
            "utilization",
            "share",
            Some("utilization"),
            1.0,
        ),
        "cost" if first.costs.costs.iter().any(|c| c.entity == "system") => system(
            "Total cost per day",
            "cost",
            "money/day",
            Some("total_cost_per_day"),
            1.0,
        ),
        _ => Vec::new(),
    }
}

impl Curve {
    /// The point's value and 95% half-width, in [`Curve::unit`].
    pub fn value(&self, p: &SweepPoint) -> Option<(f64, Option<f64>)> {
        let r = p.report.as_ref()?;
        let station = || {
            let id = self.entity.strip_prefix("station:")?;
            r.stations.iter().find(|s| s.id == id)
        };
        let (v, ci) = match self.output {
            "time_in_system" => {
                let t = &r.system.time_in_system;
                (t.mean_s?, t.ci95_s)
            }
            "wait" => {
                let w = &station()?.wait;
                (w.mean_s?, w.ci95_s)
            }
            "wait_p95" => {
                let w = &station()?.wait;
                (w.p95_rep_mean_s?, w.p95_rep_mean_ci95_s)
            }
            "queue" => {
                let q = &station()?.queue_length;
                (q.mean, q.ci95)
            }
            "throughput" => (station()?.throughput_per_h, None),
            "utilization" => {
                let s = station()?;
                (s.utilization?, s.utilization_ci95)
            }
            "cost" => {
                let c = r.costs.costs.iter().find(|c| c.entity == "system")?;
                (c.total_cost.per_day, c.total_cost.per_day_ci95)
            }
            _ => return None,
        };
        Some((v / self.per, ci.map(|c| c / self.per)))
    }

    /// The point's paired difference from the baseline point and its 95% half-width, in
    /// [`Curve::unit`].
    pub fn difference(&self, p: &SweepPoint) -> Option<(f64, Option<f64>)> {
        let measure = self.measure?;
        let d = p
            .differences
            .iter()
            .find(|d| d.metric == measure && d.entity == self.entity)?;
        Some((d.delta? / self.per, d.delta_ci95.map(|c| c / self.per)))
    }
}
