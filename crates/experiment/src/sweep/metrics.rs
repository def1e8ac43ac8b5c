//! The metrics a sweep plan's `outputs` name, read off a point's report: what the response
//! curves of the sweep page draw and the CSV writes, each with its unit and the headline
//! measure its paired difference from the baseline point is kept under.

use serde::{Deserialize, Serialize};

use bordersim_model::{Channel, Scenario, VehicleKey, decode_queue_key, lane_filter_matches};

use super::SweepPoint;
use crate::report::StationReport;
use crate::{ExperimentError, Report};

/// Offered load per server at or above which a queue grows without bound (ρ ≥ 1).
const UNSTABLE_LOAD: f64 = 1.0;

/// Share of its staffed time a lane group must be busy, over the observation window, to be
/// called saturated from what the run observed.
///
/// A work-conserving group of lanes is idle whenever its queue is empty, so in a steady
/// state it is busy a share ρ of its time and idle 1 − ρ. Busy 99% of the window or more,
/// its queue (practically) never emptied: either ρ ≥ 0.99, where the queue takes longer
/// than any run to settle (an M/M/1 queue relaxes in 1 / (μ (1 − √ρ)²), Morse 1955: about
/// 40,000 mean services at ρ = 0.99, 55 days for a booth of 2 minutes), or it began the
/// window with a backlog it never cleared. Either way its waits are those of a
/// queue still building, and grow with the run's length, not steady-state values.
pub const SATURATED_UTILISATION: f64 = 0.99;

/// Most lane groups of a station whose every subset [`group_overloads`] checks; a station
/// with more has its groups checked one by one.
const MAX_SUBSET_GROUPS: usize = 10;

/// Why a point's figures cannot be trusted as steady-state values, in words, or `None`
/// when nothing says so, from its report alone: [`unstable_in`] without the lane groups'
/// offered loads, which need the scenario.
pub fn unstable(report: &Report) -> Option<String> {
    reasons(report, &[])
}

/// Why a point's figures cannot be trusted as steady-state values, in words, or `None`
/// when nothing says so: the one definition of an unstable point that the sweep's JSON,
/// CSV, table and page all show, for a crossing run alone and for each crossing of a
/// region at its equilibrium.
///
/// A point is unstable when, at some station,
/// - its offered load per server (from the traffic equations, averaged over the week) is 1
///   or more: ρ ≥ 1, the queue grows without bound;
/// - a lane group, or a set of them, is offered at least as much work by the vehicles
///   only it may serve as its open lanes can do ([`group_overloads`]): that group is a
///   queue of its own with ρ ≥ 1, however idle the station's other lanes are (a general
///   booth group beside FAST booths that never take general traffic);
/// - or a lane group was busy [`SATURATED_UTILISATION`] of its staffed time or more in the
///   run: its queue never emptied, whatever the averages say (a queue building through
///   each day's peak that the nights and the weekend do not clear);
///
/// unless the station's storage is limited and turns the excess away (vehicles balked and
/// none waited upstream: a loss system, whose queue is bounded). It is also unstable when
/// its runs warned that the vehicles in the crossing grow steadily across the run
/// (`Report::warnings`). In every case its waits grow with the run's length. A point
/// whose runs reached the crossing's cap on vehicles in it (`max_in_system`) has no
/// report at all: its reason is [`CapReached::reason`].
pub fn unstable_in(scenario: &Scenario, report: &Report) -> Option<String> {
    reasons(report, &group_overloads(scenario))
}

/// The reasons of [`unstable_in`], given the lane groups' overloads.
fn reasons(report: &Report, overloads: &[GroupOverload]) -> Option<String> {
    // A loss system's queue is bounded by its storage: the excess balks.
    let loss = |s: &StationReport| s.spillback.balked > 0 && s.spillback.vehicles == 0;
    let overloaded: Vec<&StationReport> = report
        .stations
        .iter()
        .filter(|s| s.offered_load >= UNSTABLE_LOAD && !loss(s))
        .collect();
    let mut reasons = Vec::new();
    if !overloaded.is_empty() {
        let ids: Vec<&str> = overloaded.iter().map(|s| s.id.as_str()).collect();
        reasons.push(format!(
            "offered load >= 1 per server at {}",
            ids.join(", ")
        ));
    }
    let flagged = |station: &str| overloaded.iter().any(|s| s.id == station);
    let mut named: Vec<(&str, &str)> = Vec::new();
    for o in overloads {
        let Some(s) = report.stations.iter().find(|s| s.id == o.station) else {
            continue;
        };
        if loss(s) || flagged(&s.id) {
            continue;
        }
        named.extend(o.groups.iter().map(|g| (s.id.as_str(), g.as_str())));
        reasons.push(o.describe());
    }
    for s in &report.stations {
        if loss(s) || flagged(&s.id) || s.merged_into.is_some() {
            continue;
        }
        for g in &s.lane_groups {
            let Some(busy) = g.utilization.filter(|u| *u >= SATURATED_UTILISATION) else {
                continue;
            };
            if named.contains(&(s.id.as_str(), g.id.as_str())) {
                continue;
            }
            reasons.push(format!(
                "lane group `{}` of station `{}` busy {:.1}% of its staffed time (at least \
                 {:.0}%: its queue never cleared in the run)",
                g.id,
                s.id,
                busy * 100.0,
                SATURATED_UTILISATION * 100.0
            ));
        }
    }
    if !report.warnings.is_empty() {
        reasons.push("vehicles in the crossing grow steadily across the run".to_owned());
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// Lane groups of one station offered at least as much work by the vehicles only they may
/// serve as their open lanes can do.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupOverload {
    /// The station's id.
    pub station: String,
    /// The groups' ids, in the station's order (one, or a set that together are the only
    /// lanes some vehicles may use).
    pub groups: Vec<String>,
    /// Work offered by the vehicles only these groups may serve over their mean open lanes,
    /// averaged over the week as the station's offered load is (≥ 1; infinite when the
    /// groups never open).
    pub load: f64,
}

impl GroupOverload {
    /// The overload in words, naming the station and the groups.
    pub fn describe(&self) -> String {
        let ids: Vec<String> = self.groups.iter().map(|g| format!("`{g}`")).collect();
        let (groups, them) = if ids.len() == 1 {
            ("lane group", "it")
        } else {
            ("lane groups", "they")
        };
        let load = if self.load.is_finite() {
            format!("offered load {:.2} per open lane", self.load)
        } else {
            "no lane open".to_owned()
        };
        format!(
            "{groups} {} of station `{}`: {load} from the vehicles only {them} may serve \
             (>= 1)",
            ids.join(" and "),
            self.station
        )
    }
}

/// Every set of lane groups of a station (of two groups or more, short of all of them —
/// the station's own load covers that) offered at least as much work by the vehicles only
/// that set may serve as its open lanes can do: the sets for which the capacity
/// condition of a queue with several server pools fails (Harrison and López 1999, the
/// static planning problem; a pool set S is overloaded when
/// Σ λ E\[S\] over the vehicle kinds whose every eligible lane is in S is ≥ the lanes of
/// S; with none overloaded some split of the work keeps every pool below 1). Only the
/// smallest such sets are listed: a set holding a listed one is not. Loads are averaged
/// over the week, as [`Crossing::offered_loads`](bordersim_model::Crossing::offered_loads)
/// averages a station's, with the work of pre-lodged vehicles as it counts it; a lane may
/// serve a vehicle kind if its filter matches it or it shares when idle; a group under a
/// lane rule counts its most lanes.
pub fn group_overloads(scenario: &Scenario) -> Vec<GroupOverload> {
    let crossing = &scenario.crossing;
    let offered = crossing.offered_work_by_kind(scenario.horizon);
    let population = crossing.population();
    let programmes = population.programmes.len().max(1);
    let mut out = Vec::new();
    for (st, per_kind) in crossing.stations().iter().zip(&offered) {
        let n = st.lanes.len();
        // A set of groups is a bit set of a `u64`.
        if !(2..=64).contains(&n) || st.merged_into.is_some() {
            continue;
        }
        // (groups that may serve it as a bit set, erlangs) per vehicle kind bringing work.
        let kinds: Vec<(u64, f64)> = per_kind
            .iter()
            .enumerate()
            .filter(|(_, erlangs)| **erlangs > 0.0)
            .filter_map(|(k, &erlangs)| {
                let (class, programme) = decode_queue_key(k, programmes);
                let key = VehicleKey {
                    class,
                    programme,
                    channel: Channel::Green,
                };
                let eligible = st
                    .lanes
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| g.share_when_idle || lane_filter_matches(&g.serves, key))
                    .fold(0u64, |m, (g, _)| m | 1 << g);
                (eligible != 0).then_some((eligible, erlangs))
            })
            .collect();
        let lanes: Vec<f64> = st
            .lanes
            .iter()
            .map(|g| match &g.rule {
                Some(rule) => f64::from(rule.max_lanes),
                None => g.schedule.mean(),
            })
            .collect();
        let mut sets: Vec<u64> = if n <= MAX_SUBSET_GROUPS {
            (1..(1u64 << n) - 1).collect()
        } else {
            (0..n).map(|g| 1u64 << g).collect()
        };
        // Smallest sets first, so a set holding an overloaded one is known to hold it.
        sets.sort_by_key(|m| (m.count_ones(), *m));
        let mut found: Vec<u64> = Vec::new();
        for set in sets {
            if found.iter().any(|f| f & set == *f) {
                continue;
            }
            let work: f64 = kinds
                .iter()
                .filter(|(eligible, _)| eligible & !set == 0)
                .map(|(_, e)| e)
                .sum();
            if work <= 0.0 {
                continue;
            }
            let capacity: f64 = (0..n).filter(|g| set >> g & 1 == 1).map(|g| lanes[g]).sum();
            let load = if capacity > 0.0 {
                work / capacity
            } else {
                f64::INFINITY
            };
            if load >= UNSTABLE_LOAD {
                found.push(set);
                out.push(GroupOverload {
                    station: st.id.clone(),
                    groups: (0..n)
                        .filter(|g| set >> g & 1 == 1)
                        .map(|g| st.lanes[g].id.clone())
                        .collect(),
                    load,
                });
            }
        }
    }
    out
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

#[cfg(test)]
pub(crate) mod tests {
    use bordersim_des::SimTime;
    use bordersim_model::{
        ClassId, Crossing, LaneGroup, LaneSchedule, Population, Scenario, ServiceDist, Source,
        Station, StationId, VehicleFilter,
    };

    use super::{SATURATED_UTILISATION, group_overloads, unstable, unstable_in};
    use crate::test_support::options;

    /// A primary of two lane groups, as a general and a FAST booth group: `general` lanes
    /// for every truck, `fast` lanes for FAST trucks only (never taking others), service 2
    /// minutes; trucks at `trucks` and FAST trucks at `fast_trucks` an hour; 36 observed
    /// hours after 12 of warm-up. With `fast_shares` the FAST lanes take other trucks when
    /// idle.
    pub(crate) fn fast_and_general(
        (general, fast): (u32, u32),
        (trucks, fast_trucks): (f64, f64),
        fast_shares: bool,
    ) -> Scenario {
        let population = Population::simple(&["truck", "fast"]);
        let two_min = Some(ServiceDist::Exponential { mean_ms: 120_000.0 });
        let mut station = Station::simple("primary", 1, vec![two_min.clone(), two_min], vec![]);
        station.lanes = vec![
            LaneGroup {
                id: "general".into(),
                ..LaneGroup::general(general)
            },
            LaneGroup {
                id: "fast".into(),
                serves: VehicleFilter {
                    classes: Some(vec![ClassId(1)]),
                    ..VehicleFilter::any()
                },
                share_when_idle: fast_shares,
                schedule: LaneSchedule::Constant(fast),
                rule: None,
            },
        ];
        let sources = vec![
            Source::poisson("trucks", ClassId(0), trucks, StationId(0)),
            Source::poisson("fast", ClassId(1), fast_trucks, StationId(0)),
        ];
        Scenario {
            name: "fast and general".into(),
            crossing: Crossing::new("fast and general", &population, vec![station], sources)
                .expect("valid"),
            horizon: SimTime::from_hours(48),
            warmup: SimTime::from_hours(12),
            replications: 3,
            seed: 1,
            start_weekday: 0,
        }
    }

    #[test]
    fn a_general_group_overloaded_beside_an_idle_fast_group_is_unstable() {
        // Trucks bring 36/h × 2 min = 1.2 lane-hours an hour to the 1 general lane, the
        // only one they may use: ρ = 1.2 there, though the station's 2 lanes carry
        // (1.2 + 6/h × 2 min) / 2 = 0.7.
        let scenario = fast_and_general((1, 1), (36.0, 6.0), false);
        let found = group_overloads(&scenario);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].station.as_str(), found[0].groups.as_slice()),
            ("primary", ["general".to_owned()].as_slice())
        );
        assert!((found[0].load - 1.2).abs() < 1e-12, "{}", found[0].load);
        let report = crate::run(&scenario, &options(3)).expect("runs").report;
        assert!((report.stations[0].offered_load - 0.7).abs() < 1e-12);
        let why = unstable_in(&scenario, &report).expect("unstable");
        assert_eq!(
            why,
            "lane group `general` of station `primary`: offered load 1.20 per open lane from \
             the vehicles only it may serve (>= 1)"
        );
        // The run saw it too: the general lane never idled after the warm-up.
        let general = report.stations[0].lane_groups[0].utilization.expect("open");
        assert!(general >= SATURATED_UTILISATION, "{general}");
        assert!(
            unstable(&report).is_some_and(|w| w.contains(
                "lane group `general` of station \
                                                           `primary` busy"
            )),
            "{:?}",
            unstable(&report)
        );
    }

    #[test]
    fn groups_all_below_saturation_are_stable() {
        // 24/h × 2 min = 0.8 on the general lane, 0.2 on the FAST lane.
        let scenario = fast_and_general((1, 1), (24.0, 6.0), false);
        assert_eq!(group_overloads(&scenario), []);
        let report = crate::run(&scenario, &options(3)).expect("runs").report;
        assert_eq!(unstable_in(&scenario, &report), None);
        for g in &report.stations[0].lane_groups {
            assert!(
                g.utilization.expect("open") < SATURATED_UTILISATION,
                "{g:?}"
            );
        }
    }

    #[test]
    fn a_fast_group_that_shares_when_idle_leaves_no_group_alone() {
        // The FAST lane takes trucks when idle: the trucks' work may go to both groups, and
        // only the station's load (0.7) counts.
        let scenario = fast_and_general((1, 1), (36.0, 6.0), true);
        assert_eq!(group_overloads(&scenario), []);
    }

    #[test]
    fn a_group_busy_the_whole_window_is_saturated_at_the_threshold() {
        let scenario = fast_and_general((1, 1), (24.0, 6.0), false);
        let mut report = crate::run(&scenario, &options(2)).expect("runs").report;
        report.stations[0].lane_groups[0].utilization = Some(SATURATED_UTILISATION);
        assert_eq!(
            unstable_in(&scenario, &report).as_deref(),
            Some(
                "lane group `general` of station `primary` busy 99.0% of its staffed time (at \
                 least 99%: its queue never cleared in the run)"
            )
        );
        report.stations[0].lane_groups[0].utilization = Some(SATURATED_UTILISATION - 1e-9);
        assert_eq!(unstable_in(&scenario, &report), None);
        // A loss system's queue is bounded: its excess balks and nobody waits upstream.
        report.stations[0].lane_groups[0].utilization = Some(1.0);
        report.stations[0].spillback.balked = 5;
        assert_eq!(unstable(&report), None);
    }
}
