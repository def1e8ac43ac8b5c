//! The staffing search on a scenario: candidates written as a policy of `[[override]]`
//! entries (the lane group's `servers_by_day`), each run on common random numbers, and
//! the best compared with the scenario's own schedule by the compare machinery.

use std::collections::BTreeMap;

use bordersim_config::{FileReader, PolicyError, apply_policy_with};
use bordersim_experiment::{
    Comparison, Difference, ExperimentError, NoProgress, RunOptions, compare_folded,
    fold_replications, headline_measures,
};
use bordersim_model::{NoLog, Scenario};
use serde::Serialize;

use crate::plan::{DAY_NAMES, Plan};
use crate::search::{Candidate, SearchError, greedy_then_exchange};
use crate::shifts::HOURS;

/// The method, as reports name it.
pub const METHOD: &str = "greedy marginal allocation (Fox 1966) then pairwise exchange, \
    on common random numbers";

/// Told as the search goes.
pub trait SearchProgress: Sync {
    /// `evaluations` candidates have been simulated; the best objective so far is `best`.
    fn evaluated(&self, evaluations: u32, best: f64);
    /// The search is over; the best schedule is being compared with the scenario's own.
    fn comparing(&self) {}
}

/// Reports nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl SearchProgress for Silent {
    fn evaluated(&self, _evaluations: u32, _best: f64) {}
}

/// Why the optimisation failed.
#[derive(Debug, thiserror::Error)]
pub enum PlanningError {
    /// The scenario's own schedule could not be run (bad options, an unstable scenario).
    #[error("cannot run the scenario's own schedule: {0}")]
    Baseline(#[source] ExperimentError),
    /// The objective is not measured in the scenario's own run (e.g. a wait at a station no
    /// vehicle reached).
    #[error("the objective `{metric}` of `{entity}` is not measured in the scenario's own run")]
    NotMeasured {
        /// The metric.
        metric: String,
        /// The entity.
        entity: String,
    },
    /// A block admits no staffing (the plan's checks should have said so).
    #[error("{0}")]
    Infeasible(String),
    /// A candidate schedule could not be written into the scenario.
    #[error("cannot apply a candidate schedule: {0}")]
    Apply(String),
    /// The final comparison failed.
    #[error("cannot compare the schedules: {0}")]
    Compare(#[source] ExperimentError),
}

/// Shifts starting at one hour.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShiftCount {
    /// The start hour (0–23).
    pub start: usize,
    /// Shifts starting then.
    pub count: u32,
}

/// The schedule found for one block of the plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupSchedule {
    /// The station's id.
    pub station: String,
    /// The lane group's id (null: the station's own servers).
    pub lanes: Option<String>,
    /// The days the pattern applies to (`mon` … `sun`).
    pub days: Vec<String>,
    /// Hours per shift.
    pub shift_hours: usize,
    /// The shifts of the new schedule, by start hour (hours with none left out).
    pub shifts: Vec<ShiftCount>,
    /// Lanes open in each hour before (the scenario's, on the block's first day).
    pub before: Vec<u32>,
    /// Lanes open in each hour after.
    pub after: Vec<u32>,
    /// The budget, lane-hours per day.
    pub budget_lane_hours_per_day: u32,
    /// Lane-hours per day before (the block's first day).
    pub lane_hours_per_day_before: u32,
    /// Lane-hours per day after: never above the budget.
    pub lane_hours_per_day_after: u32,
    /// The hours (0–23) the port is closed — the station opens no lane then now — which
    /// the search kept closed (empty with `open_closed_hours = true`).
    pub closed_hours: Vec<usize>,
}

/// What the search did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchSummary {
    /// The method.
    pub method: &'static str,
    /// Distinct candidates simulated (the scenario's own schedule and the final
    /// comparison not counted).
    pub evaluations: u32,
    /// Shifts added by the greedy phase.
    pub greedy_steps: u32,
    /// Exchanges kept by the local search.
    pub exchanges: u32,
    /// Objective of the starting point (the smallest staffing keeping the minimum lanes).
    pub start_value: f64,
    /// The search stopped at `max_evaluations`, not at a local optimum.
    pub stopped_at_cap: bool,
    /// Replications per evaluation.
    pub replications: u32,
    /// The master seed (the same for every candidate).
    pub seed: u64,
}

/// The outcome of [`optimise_staffing`].
#[derive(Debug, Serialize)]
pub struct StaffingReport {
    /// The plan's name.
    pub plan: String,
    /// The scenario's name.
    pub scenario: String,
    /// The metric minimised, in its unit.
    pub objective: String,
    /// Its entity.
    pub entity: String,
    /// The objective with the scenario's own schedule (mean over replications).
    pub before: f64,
    /// The objective with the schedule found.
    pub after: f64,
    /// The paired difference after − before with its 95% interval, p-value and
    /// significance, as `compare` reports it.
    pub difference: Option<Difference>,
    /// The paired differences of lane-hours per day at each station staffed, and of the
    /// system's staff and total cost per day.
    pub resources: Vec<Difference>,
    /// The schedules, one per block of the plan.
    pub groups: Vec<GroupSchedule>,
    /// How the search went.
    pub search: SearchSummary,
}

/// Everything [`optimise_staffing`] produces.
#[derive(Debug)]
pub struct StaffingOutcome {
    /// The report.
    pub report: StaffingReport,
    /// The policy (`[[override]]` entries) that writes the schedule into the scenario.
    pub policy_text: String,
    /// The scenario with the new schedule, as TOML: `run` or `compare --variant` it to
    /// reproduce the gain.
    pub scenario_text: String,
    /// The full comparison of the scenario's own schedule (baseline) and the new one.
    pub comparison: Comparison,
}

/// Lanes per hour of every block of `plan` under `candidate`.
pub fn block_lanes(plan: &Plan, candidate: &Candidate) -> Vec<[u32; HOURS]> {
    plan.targets
        .iter()
        .zip(candidate)
        .map(|(t, c)| t.block.lanes(c))
        .collect()
}

/// The policy that sets every staffed group's week: its schedule now, with each block's
/// days replaced by `lanes` (one daily pattern per block of `plan`), written as
/// `servers_by_day` for all seven days (which overrides `servers` / `servers_by_hour`).
pub fn policy_text(plan: &Plan, lanes: &[[u32; HOURS]]) -> String {
    let mut weeks: BTreeMap<(usize, usize), (String, Vec<u32>)> = BTreeMap::new();
    for (t, day) in plan.targets.iter().zip(lanes) {
        let entry = weeks
            .entry((t.station_index, t.group_index))
            .or_insert_with(|| {
                let path = match &t.lanes {
                    Some(g) => format!("stations.{}.lanes.{g}.servers_by_day", t.station),
                    None => format!("stations.{}.servers_by_day", t.station),
                };
                (path, t.current_week.clone())
            });
        for &d in &t.days {
            entry.1[d * HOURS..(d + 1) * HOURS].copy_from_slice(day);
        }
    }
    let mut policy = toml::Table::new();
    policy.insert("name".into(), plan.name.clone().into());
    policy.insert("measure".into(), "override".into());
    let mut overrides = Vec::new();
    for (path, week) in weeks.into_values() {
        let mut days = toml::Table::new();
        for (d, name) in DAY_NAMES.iter().enumerate() {
            let hours: Vec<toml::Value> = week[d * HOURS..(d + 1) * HOURS]
                .iter()
                .map(|&n| toml::Value::Integer(i64::from(n)))
                .collect();
            days.insert((*name).into(), toml::Value::Array(hours));
        }
        let mut entry = toml::Table::new();
        entry.insert("path".into(), path.into());
        entry.insert("value".into(), toml::Value::Table(days));
        overrides.push(toml::Value::Table(entry));
    }
    let mut doc = toml::Table::new();
    doc.insert("policy".into(), toml::Value::Table(policy));
    doc.insert("override".into(), toml::Value::Array(overrides));
    toml::to_string(&doc).unwrap_or_default()
}

/// The scenario (validated) and its text with `lanes` written in.
///
/// # Errors
///
/// [`PlanningError::Apply`] when the policy does not apply (a schedule the loader refuses).
pub fn apply(
    plan: &Plan,
    lanes: &[[u32; HOURS]],
    scenario_text: &str,
    scenario_file: &str,
    read: FileReader<'_>,
) -> Result<(Scenario, String, String), PlanningError> {
    let policy = policy_text(plan, lanes);
    let applied = apply_policy_with(scenario_text, scenario_file, &policy, "staffing", read)
        .map_err(|e| {
            PlanningError::Apply(match e {
                PolicyError::Policy(c) => c.to_string(),
                other => other.to_string(),
            })
        })?;
    Ok((
        applied.loaded.scenario,
        applied.applied.scenario_text,
        policy,
    ))
}

/// The objective of each replication of `scenario` (`None` where not measured).
///
/// # Errors
///
/// As [`fold_replications`].
pub fn objective_by_replication(
    scenario: &Scenario,
    options: &RunOptions,
    metric: &str,
    entity: &str,
) -> Result<Vec<Option<f64>>, ExperimentError> {
    let (_, _, values) = fold_replications(
        scenario,
        options,
        0..u64::from(options.replications),
        |_| NoLog,
        |r| {
            headline_measures(scenario, r)
                .into_iter()
                .find(|m| m.metric == metric && m.entity == entity)
                .and_then(|m| m.value)
        },
        &NoProgress,
    )?;
    Ok(values)
}

/// The mean of the replications' values; infinite when one is not measured (a candidate
/// whose objective cannot be told is never preferred).
fn mean(values: &[Option<f64>]) -> f64 {
    if values.is_empty() || values.iter().any(Option::is_none) {
        return f64::INFINITY;
    }
    values.iter().flatten().sum::<f64>() / values.len() as f64
}

/// Finds the staffing of `plan`'s blocks that minimises its objective on `scenario` (the
/// text of file `scenario_file`; `read` reads the files it names), every candidate run with
/// `options` (the same seed and replications: common random numbers), then compares the
/// schedule found with the scenario's own by [`compare_folded`].
///
/// A candidate that cannot be run (it stops at the vehicle cap: unstable) or whose
/// objective is not measured in every replication counts as infinitely bad.
///
/// # Errors
///
/// [`PlanningError`]: the scenario's own schedule cannot run or does not measure the
/// objective, a block admits no staffing, a schedule cannot be applied, the comparison
/// fails.
pub fn optimise_staffing(
    plan: &Plan,
    scenario: &Scenario,
    scenario_text: &str,
    scenario_file: &str,
    read: FileReader<'_>,
    options: &RunOptions,
    progress: &dyn SearchProgress,
) -> Result<StaffingOutcome, PlanningError> {
    let own = objective_by_replication(scenario, options, &plan.objective, &plan.entity)
        .map_err(PlanningError::Baseline)?;
    if own.iter().any(Option::is_none) {
        return Err(PlanningError::NotMeasured {
            metric: plan.objective.clone(),
            entity: plan.entity.clone(),
        });
    }
    let blocks: Vec<_> = plan.targets.iter().map(|t| t.block.clone()).collect();
    let mut cache: BTreeMap<Vec<[u32; HOURS]>, f64> = BTreeMap::new();
    let mut best = f64::INFINITY;
    let mut simulated = 0u32;
    let eval = |c: &Candidate| -> Result<f64, PlanningError> {
        let lanes = block_lanes(plan, c);
        if let Some(&v) = cache.get(&lanes) {
            return Ok(v);
        }
        // A schedule the loader refuses (a station with no lane open in any hour, as a
        // search started from nothing tries first) cannot be run: infinitely bad, like an
        // unstable one. A refusal of the schedule found is still reported, below.
        let value = match apply(plan, &lanes, scenario_text, scenario_file, read) {
            Ok((candidate, _, _)) => {
                objective_by_replication(&candidate, options, &plan.objective, &plan.entity)
                    .map_or(f64::INFINITY, |v| mean(&v))
            }
            Err(PlanningError::Apply(_)) => f64::INFINITY,
            Err(e) => return Err(e),
        };
        cache.insert(lanes, value);
        simulated += 1;
        best = best.min(value);
        progress.evaluated(simulated, best);
        Ok(value)
    };
    let found = greedy_then_exchange(&blocks, plan.max_evaluations, eval).map_err(|e| match e {
        SearchError::Infeasible(b, why) => {
            PlanningError::Infeasible(format!("{}: {why}", plan.targets[b].label()))
        }
        SearchError::Evaluation(e) => e,
    })?;
    progress.comparing();
    let lanes = block_lanes(plan, &found.best);
    let (new_scenario, new_text, policy) = apply(plan, &lanes, scenario_text, scenario_file, read)?;
    let comparison = compare_folded(
        scenario,
        &[(plan.name.clone(), new_scenario)],
        options,
        &NoProgress,
    )
    .map_err(PlanningError::Compare)?;
    let variant = &comparison.variants[0];
    let find = |metric: &str, entity: &str| {
        variant
            .differences
            .iter()
            .find(|d| d.metric == metric && d.entity == entity)
            .cloned()
    };
    let difference = find(&plan.objective, &plan.entity);
    let mut resources = Vec::new();
    let mut stations: Vec<&str> = plan.targets.iter().map(|t| t.station.as_str()).collect();
    stations.dedup();
    for s in stations {
        resources.extend(find("lane_hours_per_day", &format!("station:{s}")));
    }
    resources.extend(find("staff_cost_per_day", "system"));
    resources.extend(find("total_cost_per_day", "system"));
    let groups = plan
        .targets
        .iter()
        .zip(&found.best)
        .zip(&lanes)
        .map(|((t, counts), day)| {
            let before = t.current_day();
            GroupSchedule {
                station: t.station.clone(),
                lanes: t.lanes.clone(),
                days: t.day_names(),
                shift_hours: t.block.shift_hours,
                shifts: t
                    .block
                    .starts
                    .iter()
                    .zip(counts)
                    .filter(|&(_, &n)| n > 0)
                    .map(|(&start, &count)| ShiftCount { start, count })
                    .collect(),
                before: before.to_vec(),
                after: day.to_vec(),
                budget_lane_hours_per_day: t.block.budget_lane_hours,
                lane_hours_per_day_before: before.iter().sum(),
                lane_hours_per_day_after: day.iter().sum(),
                closed_hours: t.closed_hours.clone(),
            }
        })
        .collect();
    let before = difference
        .as_ref()
        .and_then(|d| d.baseline)
        .unwrap_or_else(|| mean(&own));
    let after = difference
        .as_ref()
        .and_then(|d| d.variant)
        .unwrap_or(found.value);
    let report = StaffingReport {
        plan: plan.name.clone(),
        scenario: scenario.name.clone(),
        objective: plan.objective.clone(),
        entity: plan.entity.clone(),
        before,
        after,
        difference,
        resources,
        groups,
        search: SearchSummary {
            method: METHOD,
            evaluations: found.evaluations,
            greedy_steps: found.greedy_steps,
            exchanges: found.exchanges,
            start_value: found.start.1,
            stopped_at_cap: found.stopped_at_cap,
            replications: options.replications,
            seed: options.seed,
        },
    };
    Ok(StaffingOutcome {
        report,
        policy_text: policy,
        scenario_text: new_text,
        comparison,
    })
}
