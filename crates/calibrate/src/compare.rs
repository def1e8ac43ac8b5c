//! The model against the data: per group and hour, the observed and simulated mean wait
//! (with the simulation's 95% interval), the simulated throughput against the observed
//! volume, and fit measures per group and overall.

use std::collections::BTreeSet;

use bordersim_experiment::Report;
use bordersim_experiment::hourly_groups::HourGroupStats;
use bordersim_model::Scenario;
use serde::Serialize;

use crate::census::{CENSORED_MAX, Census};
use crate::observed::{GroupKey, Observations};

/// One hour of one group: observed against simulated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HourFit {
    /// Hour of day, 0–23.
    pub hour: u8,
    /// Observed mean wait, minutes.
    pub observed_wait_min: Option<f64>,
    /// Simulated mean wait of the vehicles that joined the queue in this hour, minutes.
    pub simulated_wait_min: Option<f64>,
    /// Half-width of the simulation's 95% interval of `simulated_wait_min`, minutes.
    pub simulated_wait_ci95_min: Option<f64>,
    /// Observed 95th percentile of the wait, minutes.
    pub observed_wait_p95_min: Option<f64>,
    /// Simulated 95th percentile (mean of the replications' own), minutes.
    pub simulated_wait_p95_min: Option<f64>,
    /// Observed vehicles processed in the hour.
    pub observed_volume: Option<f64>,
    /// Simulated vehicles served per hour.
    pub simulated_throughput: Option<f64>,
    /// Half-width of the simulation's 95% interval of `simulated_throughput`.
    pub simulated_throughput_ci95: Option<f64>,
    /// Observed open lanes.
    pub observed_open_lanes: Option<f64>,
    /// The hour's weight in the objective.
    pub weight: f64,
    /// Share of the group's vehicles that joined the queue in this hour inside the
    /// observation window and whose wait is not counted (their service had not started by
    /// the horizon); null when no census was taken or none joined (see [`crate::census`]).
    pub censored_share: Option<f64>,
    /// `censored_share` above [`CENSORED_MAX`]: this hour's simulated wait keeps only the
    /// vehicles served quickly and is biased short; read it with care, or lengthen the run
    /// to whole days after a periodic warm-up (`docs/calibration.md`).
    pub censored: bool,
    /// This hour's wait is left out of the wait measures and of the objective: it has an
    /// observed wait and is censored (here, or in another run it is compared with: a fit
    /// judges every candidate on the same hours), unless censored hours are included. Its
    /// throughput is kept: it counts departures, which the window's end does not cut.
    pub excluded: bool,
}

/// How far simulated values are from observed ones (each pair with both values).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Measures {
    /// Pairs compared.
    pub n: usize,
    /// Mean observed value.
    pub observed_mean: f64,
    /// Mean simulated value.
    pub simulated_mean: f64,
    /// Root mean square error, sqrt(mean((s − o)²)), in the values' unit.
    pub rmse: f64,
    /// `rmse / observed_mean` (null when the observed mean is 0).
    pub rmse_relative: Option<f64>,
    /// Mean absolute error, mean(|s − o|).
    pub mae: f64,
    /// Mean bias, mean(s − o): positive when the model overestimates.
    pub mean_bias: f64,
    /// Mean absolute percentage error, mean(|s − o| / o) × 100, over the pairs whose
    /// observed value is at least 1 (minute or vehicle): smaller observed values make
    /// percentages meaningless. Null when no pair qualifies.
    pub mape_percent: Option<f64>,
    /// Pairs behind `mape_percent`.
    pub mape_n: usize,
    /// Theil's inequality coefficient U1 = rmse / (sqrt(mean(s²)) + sqrt(mean(o²))): 0 is a
    /// perfect fit, 1 the worst (H. Theil, 1966, *Applied Economic Forecasting*). Null when
    /// every value is 0.
    pub theil_u: Option<f64>,
}

impl Measures {
    /// The measures of `(simulated, observed)` pairs; `None` without pairs.
    pub fn of(pairs: &[(f64, f64)]) -> Option<Measures> {
        if pairs.is_empty() {
            return None;
        }
        let n = pairs.len() as f64;
        let sum = |f: &dyn Fn(f64, f64) -> f64| pairs.iter().map(|&(s, o)| f(s, o)).sum::<f64>();
        let observed_mean = sum(&|_, o| o) / n;
        let simulated_mean = sum(&|s, _| s) / n;
        let rmse = (sum(&|s, o| (s - o) * (s - o)) / n).sqrt();
        let mae = sum(&|s, o| (s - o).abs()) / n;
        let mean_bias = sum(&|s, o| s - o) / n;
        let pct: Vec<f64> = pairs
            .iter()
            .filter(|&&(_, o)| o >= 1.0)
            .map(|&(s, o)| (s - o).abs() / o * 100.0)
            .collect();
        let denom = (sum(&|s, _| s * s) / n).sqrt() + (sum(&|_, o| o * o) / n).sqrt();
        Some(Measures {
            n: pairs.len(),
            observed_mean,
            simulated_mean,
            rmse,
            rmse_relative: (observed_mean != 0.0).then(|| rmse / observed_mean),
            mae,
            mean_bias,
            mape_percent: (!pct.is_empty()).then(|| pct.iter().sum::<f64>() / pct.len() as f64),
            mape_n: pct.len(),
            theil_u: (denom > 0.0).then(|| rmse / denom),
        })
    }
}

/// One group's hours and measures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupFit {
    /// `station/lane_group/class/programme` (`all` where not given).
    pub group: String,
    /// The station's id.
    pub station: String,
    /// The lane group (`all`: every one).
    pub lane_group: String,
    /// The class (`all`: every one).
    pub class: String,
    /// The programme (`all`: every one).
    pub programme: String,
    /// The observed hours, in order.
    pub hours: Vec<HourFit>,
    /// Hourly mean waits, minutes, over the hours not `excluded`.
    pub wait: Option<Measures>,
    /// Hourly throughput against observed volume, vehicles per hour.
    pub throughput: Option<Measures>,
    /// Hours whose wait is left out of `wait` and of the objective (censored).
    pub censored_excluded: usize,
}

/// The model against the data.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Calibration {
    /// The scenario's name.
    pub scenario: String,
    /// The master seed of the runs.
    pub seed: u64,
    /// Replications of each run.
    pub replications: u32,
    /// Whether censored hours count in the measures and the objective (`false`, the
    /// default: their waits are left out, see [`HourFit::excluded`]).
    pub include_censored: bool,
    /// Hours (of every group) whose wait is left out of the measures and the objective.
    pub censored_excluded: usize,
    /// One entry per observed group, in the order of their keys.
    pub groups: Vec<GroupFit>,
    /// Every group's hourly waits together, minutes, over the hours not `excluded`.
    pub wait: Option<Measures>,
    /// Every group's hourly throughputs together, vehicles per hour.
    pub throughput: Option<Measures>,
    /// The objective a fit minimises: see [`objective`].
    pub objective: f64,
}

/// The hourly statistics of `key` in `report` (the observation file was checked against
/// the scenario, so the selection exists).
fn simulated<'r>(
    report: &'r Report,
    scenario: &Scenario,
    key: &GroupKey,
) -> Option<&'r [HourGroupStats]> {
    report
        .hourly_group(
            scenario,
            &key.station,
            key.lane_group.as_deref(),
            key.class.as_deref(),
            key.programme.as_deref(),
        )
        .map(|r| r.hours.as_slice())
}

/// The observations against `report`, a run of `scenario`, without a census of the
/// joiners (no hour's `censored_share`).
pub fn compare(
    scenario: &Scenario,
    report: &Report,
    observations: &Observations,
    throughput_weight: f64,
) -> Calibration {
    compare_with_census(
        scenario,
        report,
        observations,
        throughput_weight,
        None,
        false,
    )
}

/// The (class, programme) kinds of `key`'s selection at station `station`: those its lane
/// group serves (every one without a lane group), narrowed to its class and programme.
fn kinds_of(scenario: &Scenario, station: usize, key: &GroupKey) -> Vec<(usize, usize)> {
    let population = scenario.population();
    let st = &scenario.crossing.stations()[station];
    let group = key
        .lane_group
        .as_ref()
        .and_then(|g| st.lanes.iter().find(|l| &l.id == g));
    let mut out = Vec::new();
    for (c, class) in population.classes.iter().enumerate() {
        if key.class.as_ref().is_some_and(|id| *id != class.id) {
            continue;
        }
        for (p, programme) in population.programmes.iter().enumerate() {
            if key.programme.as_ref().is_some_and(|id| *id != programme.id)
                || class.programme_shares.get(p).is_none_or(|&s| s <= 0.0)
            {
                continue;
            }
            let served = group.is_none_or(|g| {
                bordersim_model::Channel::ALL.iter().any(|&channel| {
                    g.serves.matches(bordersim_model::VehicleKey {
                        class: bordersim_model::ClassId(c as u16),
                        programme: bordersim_model::ProgrammeId(p as u8),
                        channel,
                    })
                })
            });
            if served {
                out.push((c, p));
            }
        }
    }
    out
}

/// The observations against `report`, a run of `scenario`; with `census` (the run's
/// joiners, all replications), each hour says which share of its joiners went uncounted and
/// is flagged `censored` above [`CENSORED_MAX`]; the waits of censored hours are left out of
/// the measures and the objective unless `include_censored`.
pub fn compare_with_census(
    scenario: &Scenario,
    report: &Report,
    observations: &Observations,
    throughput_weight: f64,
    census: Option<&Census>,
    include_censored: bool,
) -> Calibration {
    let mut groups = Vec::new();
    for (key, hours) in observations.by_group() {
        let sim = simulated(report, scenario, &key);
        let station = scenario
            .crossing
            .stations()
            .iter()
            .position(|s| s.id == key.station);
        let kinds = station.map(|i| (i, kinds_of(scenario, i, &key)));
        let mut fits = Vec::new();
        for o in &hours {
            let censored_share = census
                .zip(kinds.as_ref())
                .and_then(|(c, (i, k))| c.censored_share(*i, k, usize::from(o.hour)));
            let s = sim.and_then(|h| h.get(usize::from(o.hour)));
            let min = |v: Option<f64>| v.map(|x| x / 60.0);
            fits.push(HourFit {
                hour: o.hour,
                observed_wait_min: o.wait_min,
                simulated_wait_min: min(s.and_then(|s| s.wait_mean_s)),
                simulated_wait_ci95_min: min(s.and_then(|s| s.wait_mean_ci95_s)),
                observed_wait_p95_min: o.wait_p95_min,
                simulated_wait_p95_min: min(s.and_then(|s| s.wait_p95_s)),
                observed_volume: o.volume,
                simulated_throughput: s.and_then(|s| s.throughput_per_h),
                simulated_throughput_ci95: s.and_then(|s| s.throughput_ci95_per_h),
                observed_open_lanes: o.open_lanes,
                weight: o.weight,
                censored_share,
                censored: censored_share.is_some_and(|s| s > CENSORED_MAX),
                excluded: false,
            });
        }
        let part = |v: &Option<String>| v.clone().unwrap_or_else(|| "all".to_owned());
        groups.push(GroupFit {
            group: key.name(),
            station: key.station.clone(),
            lane_group: part(&key.lane_group),
            class: part(&key.class),
            programme: part(&key.programme),
            hours: fits,
            wait: None,
            throughput: None,
            censored_excluded: 0,
        });
    }
    let mut c = Calibration {
        scenario: report.scenario.clone(),
        seed: report.seed,
        replications: report.replications,
        include_censored,
        censored_excluded: 0,
        groups,
        wait: None,
        throughput: None,
        objective: 0.0,
    };
    let own = c.censored_hours();
    c.leave_out(&own, throughput_weight);
    c
}

/// An hour of a calibration: the index of its group and the hour of day.
pub(crate) type HourKey = (usize, u8);

impl Calibration {
    /// The hours flagged `censored`, by group index and hour.
    pub(crate) fn censored_hours(&self) -> BTreeSet<HourKey> {
        let mut out = BTreeSet::new();
        for (i, g) in self.groups.iter().enumerate() {
            out.extend(g.hours.iter().filter(|h| h.censored).map(|h| (i, h.hour)));
        }
        out
    }

    /// Leaves out of the wait measures and the objective exactly the hours of `hours` that
    /// have an observed wait (none when censored hours are included), and measures again.
    pub(crate) fn leave_out(&mut self, hours: &BTreeSet<HourKey>, throughput_weight: f64) {
        let mut all_wait = Vec::new();
        let mut all_volume = Vec::new();
        let mut excluded_all = 0;
        for (i, g) in self.groups.iter_mut().enumerate() {
            for h in &mut g.hours {
                h.excluded = !self.include_censored
                    && h.observed_wait_min.is_some()
                    && hours.contains(&(i, h.hour));
            }
            let wait_pairs: Vec<(f64, f64)> = g
                .hours
                .iter()
                .filter(|h| !h.excluded)
                .filter_map(|h| h.simulated_wait_min.zip(h.observed_wait_min))
                .collect();
            let volume_pairs: Vec<(f64, f64)> = g
                .hours
                .iter()
                .filter_map(|h| h.simulated_throughput.zip(h.observed_volume))
                .collect();
            all_wait.extend(&wait_pairs);
            all_volume.extend(&volume_pairs);
            g.wait = Measures::of(&wait_pairs);
            g.throughput = Measures::of(&volume_pairs);
            g.censored_excluded = g.hours.iter().filter(|h| h.excluded).count();
            excluded_all += g.censored_excluded;
        }
        self.wait = Measures::of(&all_wait);
        self.throughput = Measures::of(&all_volume);
        self.censored_excluded = excluded_all;
        self.objective = objective(&self.groups, throughput_weight);
    }
}

/// The weighted sum of squared errors a fit minimises: over every group and observed hour,
/// `weight × ((s − o) / ō)²` for the mean wait, plus `throughput_weight × weight × ((s −
/// o) / ō)²` for the throughput against the observed volume, where `ō` is the group's mean
/// observed value (so waits in minutes and volumes in vehicles weigh alike, and a busy
/// group does not drown a quiet one). An hour whose simulation has no vehicle to measure a
/// wait on counts its observed wait as the error (`s = 0`); an `excluded` (censored) hour's
/// wait does not count, its throughput does.
pub fn objective(groups: &[GroupFit], throughput_weight: f64) -> f64 {
    let mut total = 0.0;
    for g in groups {
        let scale = |m: &Option<Measures>| {
            m.map(|m| m.observed_mean)
                .filter(|&x| x > 0.0)
                .unwrap_or(1.0)
        };
        let (ws, vs) = (scale(&g.wait), scale(&g.throughput));
        for h in &g.hours {
            if let Some(o) = h.observed_wait_min.filter(|_| !h.excluded) {
                let s = h.simulated_wait_min.unwrap_or(0.0);
                total += h.weight * ((s - o) / ws).powi(2);
            }
            if let Some(o) = h.observed_volume {
                let s = h.simulated_throughput.unwrap_or(0.0);
                total += throughput_weight * h.weight * ((s - o) / vs).powi(2);
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_of_known_pairs() {
        // s − o = 1, −1, 2: rmse sqrt(6/3), mae 4/3, bias 2/3.
        let m = Measures::of(&[(3.0, 2.0), (3.0, 4.0), (8.0, 6.0)]).expect("pairs");
        assert_eq!(m.n, 3);
        assert!((m.rmse - 2f64.sqrt()).abs() < 1e-12);
        assert!((m.mae - 4.0 / 3.0).abs() < 1e-12);
        assert!((m.mean_bias - 2.0 / 3.0).abs() < 1e-12);
        // |1/2| + |1/4| + |2/6| over 3, in percent.
        let mape = (0.5 + 0.25 + 1.0 / 3.0) / 3.0 * 100.0;
        assert!((m.mape_percent.expect("o >= 1") - mape).abs() < 1e-9);
        let u = 2f64.sqrt() / ((82.0f64 / 3.0).sqrt() + (56.0f64 / 3.0).sqrt());
        assert!((m.theil_u.expect("values") - u).abs() < 1e-12);
        assert!((m.rmse_relative.expect("mean") - 2f64.sqrt() / 4.0).abs() < 1e-12);
        // A perfect fit.
        let p = Measures::of(&[(5.0, 5.0), (1.0, 1.0)]).expect("pairs");
        assert_eq!(
            (p.rmse, p.mae, p.mean_bias, p.theil_u),
            (0.0, 0.0, 0.0, Some(0.0))
        );
        // Observed values below 1 leave MAPE out; all zeros leave U undefined.
        let z = Measures::of(&[(0.0, 0.0), (0.0, 0.5)]).expect("pairs");
        assert_eq!((z.mape_percent, z.mape_n), (None, 0));
        assert!(Measures::of(&[(0.0, 0.0)]).expect("pair").theil_u.is_none());
        assert!(Measures::of(&[]).is_none());
    }
}
