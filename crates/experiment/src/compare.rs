//! Baseline against variants on common random numbers, with paired confidence intervals.
//!
//! Every scenario runs replication `r` with the same master seed and replication index, so
//! each source draws the same vehicles (arrival times, classes, programmes, channels) and
//! each vehicle the same service quantiles at every station the variant keeps. The
//! difference of a metric is then measured replication by replication, and its confidence
//! interval comes from those paired differences: the noise common to both runs cancels.

use bordersim_model::{ClassId, ReplicationStats, Scenario};
use bordersim_stats::{MeanCi, Tally};
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::report::{DAYS_PER_YEAR, delay_per_day, release_tally};
use crate::{ExperimentError, Outcome, Report, RunOptions, run};

/// One headline statistic of one replication: what, of which entity, in what value.
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    /// The metric's name, with its unit as a suffix (`wait_mean_s`, `utilization`, …).
    pub metric: &'static str,
    /// `station:<id>`, `class:<id>`, `direction:<id>` or `system`.
    pub entity: String,
    /// The value in the metric's unit; `None` where the replication has no observation of
    /// it (a station nobody stopped at has no mean wait that replication).
    pub value: Option<f64>,
    /// Why the value is what it is, when that is not plain measurement (a control merged
    /// into a joint stop; a station at which no vehicle stopped).
    pub note: Option<String>,
}

/// How a metric's two sides stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Both runs measured it in at least one common replication: `delta` is their paired
    /// difference.
    Compared,
    /// The entity is not in the variant (removed or renamed by the reform): `variant` and
    /// `delta` are null.
    NotInVariant,
    /// The entity is only in the variant (added or renamed): `baseline` and `delta` are
    /// null.
    NotInBaseline,
    /// Both runs have the entity but no replication measured it in both: each side is its
    /// own mean where it has one, `delta` is null.
    NotMeasured,
}

/// The difference of one metric between a variant and the baseline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Difference {
    /// The metric's name, as in [`Measure::metric`].
    pub metric: String,
    /// The entity, as in [`Measure::entity`].
    pub entity: String,
    /// How the two sides stand; `note` says why when a side is missing or forced to zero.
    pub status: Status,
    /// The baseline's mean over the replications used (null when the baseline lacks the
    /// entity), in the metric's unit.
    pub baseline: Option<f64>,
    /// The variant's mean over the replications used (null when the variant lacks the
    /// entity).
    pub variant: Option<f64>,
    /// Mean of the paired differences (variant − baseline) over the replications both runs
    /// measured (null when there are none).
    pub delta: Option<f64>,
    /// Half-width of the 95% Student-t interval of `delta` from the paired differences
    /// (null with fewer than two).
    pub ci95: Option<f64>,
    /// `delta / baseline` (null when the baseline is zero or missing).
    pub relative: Option<f64>,
    /// Replications behind `delta`: those in which both runs measured the metric.
    pub replications: u32,
    /// Two-sided p-value of the paired t-test of `delta` = 0 (null with fewer than two
    /// replications).
    pub p_value: Option<f64>,
    /// The 95% interval of `delta` excludes zero, this metric alone (no correction for the
    /// other comparisons of the variant).
    pub significant_unadjusted: bool,
    /// A discovery at false-discovery rate 5% (Benjamini–Hochberg) over the differences of
    /// the variant that are tested (see [`VariantResult::comparisons`]): the flag to read.
    pub significant: bool,
    /// Why a side is missing, forced to zero, or measured in fewer replications.
    pub note: Option<String>,
}

/// One variant of a comparison: its report and its differences from the baseline.
#[derive(Debug, Serialize)]
pub struct VariantResult {
    /// The variant's name.
    pub name: String,
    /// The variant's own report.
    pub result: Report,
    /// Differences from the baseline: every metric of every entity of either run, the
    /// baseline's in its order, then those only the variant has.
    pub differences: Vec<Difference>,
    /// The number of differences tested: those with a p-value (two or more paired
    /// replications) whose paired differences are not all exactly zero. `significant` holds
    /// the false-discovery rate at 5% over them (Benjamini–Hochberg).
    pub comparisons: u32,
}

/// A baseline and its variants, each run on the same seed and replications.
#[derive(Debug, Serialize)]
pub struct Comparison {
    /// The baseline's report.
    pub baseline: Report,
    /// The variants, in the order given.
    pub variants: Vec<VariantResult>,
}

fn seconds(t: &Tally, q: Option<f64>) -> Option<f64> {
    match q {
        None => t.mean_ms(),
        Some(q) => t.quantile_ms(q),
    }
    .map(|ms| ms / 1000.0)
}

/// The headline statistics of one replication: per station the mean wait and the
/// replication's 95th percentile of waits (`wait_p95_rep_s`, averaged over replications as
/// [`DelayStats::p95_rep_mean_s`](crate::DelayStats) is), the mean queue length, the
/// utilization and the staffed lane-hours per day; per class, direction and for the whole
/// crossing the mean and replication p95 of the time in system; per direction and for the
/// whole crossing the mean arrival to release; the cost of delay.
///
/// Every metric of every entity is listed. A per-vehicle statistic without observations is
/// `None`, except a station's wait where no vehicle stopped in this replication and the
/// station is merged into a joint stop: 0 (vehicles pass it without waiting). A merged
/// control's staffed lane-hours are 0 (its officers are counted at the joint stop) and its
/// utilization `None`.
pub fn headline_measures(scenario: &Scenario, rep: &ReplicationStats) -> Vec<Measure> {
    let mut out = Vec::new();
    let mut push = |metric: &'static str, entity: &str, value: Option<f64>, note: Option<&str>| {
        out.push(Measure {
            metric,
            entity: entity.to_string(),
            value,
            note: note.map(str::to_string),
        });
    };
    let end = rep.window_end_ms;
    let stations = scenario.crossing.stations();
    for (st, s) in stations.iter().zip(&rep.stations) {
        let entity = format!("station:{}", st.id);
        let wait = s.wait();
        let merged = st.merged_into.map(|j| {
            format!(
                "merged into {}: vehicles pass without stopping; its officers are counted there",
                stations[j.index()].id
            )
        });
        let merged = merged.as_deref();
        let or_zero = |v: Option<f64>| v.or(merged.map(|_| 0.0));
        push(
            "wait_mean_s",
            &entity,
            or_zero(seconds(&wait, None)),
            merged,
        );
        push(
            "wait_p95_rep_s",
            &entity,
            or_zero(seconds(&wait, Some(0.95))),
            merged,
        );
        push(
            "queue_length_mean",
            &entity,
            Some(s.queue_length.mean_until(end)),
            merged,
        );
        let staffed = if merged.is_some() {
            0
        } else {
            s.staffed_area(end)
        };
        push(
            "utilization",
            &entity,
            (staffed > 0).then(|| s.busy_servers.area_until(end) as f64 / staffed as f64),
            merged,
        );
        // What staffing costs: the lane-hours a reform adds or saves.
        let days = rep.window_days();
        push(
            "lane_hours_per_day",
            &entity,
            (days > 0.0).then(|| staffed as f64 / 3_600_000.0 / days),
            merged,
        );
    }
    let population = scenario.population();
    for (c, class) in population.classes.iter().enumerate() {
        let t = rep.class_time_in_system(ClassId(c as u16));
        let entity = format!("class:{}", class.id);
        push("time_in_system_mean_s", &entity, seconds(&t, None), None);
        push(
            "time_in_system_p95_rep_s",
            &entity,
            seconds(&t, Some(0.95)),
            None,
        );
    }
    for (d, direction) in population.directions.iter().enumerate() {
        let shape = rep.shape;
        let t = rep
            .exit
            .merged(|k| shape.decode_system_cell(k).0.index() == d);
        let entity = format!("direction:{}", direction.id);
        push("time_in_system_mean_s", &entity, seconds(&t, None), None);
        push(
            "time_in_system_p95_rep_s",
            &entity,
            seconds(&t, Some(0.95)),
            None,
        );
        // The Time Release Study's measure: arrival to release, 0 s for a vehicle
        // released on arrival, whether or not a station releases.
        let r = release_tally(rep, Some(d));
        push("release_mean_s", &entity, seconds(&r, None), None);
    }
    let t = rep.time_in_system();
    push("time_in_system_mean_s", "system", seconds(&t, None), None);
    push(
        "time_in_system_p95_rep_s",
        "system",
        seconds(&t, Some(0.95)),
        None,
    );
    push(
        "release_mean_s",
        "system",
        seconds(&release_tally(rep, None), None),
        None,
    );
    for (c, class) in population.classes.iter().enumerate() {
        let (hours, value) = delay_per_day(scenario, rep, Some(c));
        let entity = format!("class:{}", class.id);
        push("delay_vehicle_hours_per_day", &entity, Some(hours), None);
        push("delay_value_per_day", &entity, Some(value), None);
    }
    let (hours, value) = delay_per_day(scenario, rep, None);
    push("delay_vehicle_hours_per_day", "system", Some(hours), None);
    push("delay_value_per_day", "system", Some(value), None);
    push(
        "delay_vehicle_hours_per_year",
        "system",
        Some(hours * DAYS_PER_YEAR),
        None,
    );
    push(
        "delay_value_per_year",
        "system",
        Some(value * DAYS_PER_YEAR),
        None,
    );
    out
}

/// Differences of every metric of every entity of either run: the baseline's in its
/// order, then those only the variant has. `base` and `variant` hold the replications of
/// each run in replication order.
pub fn paired_differences(
    base_scenario: &Scenario,
    base: &[ReplicationStats],
    variant_scenario: &Scenario,
    variant: &[ReplicationStats],
) -> Vec<Difference> {
    let base_measures: Vec<Vec<Measure>> = base
        .iter()
        .map(|r| headline_measures(base_scenario, r))
        .collect();
    let variant_measures: Vec<Vec<Measure>> = variant
        .iter()
        .map(|r| headline_measures(variant_scenario, r))
        .collect();
    differences(&base_measures, &variant_measures)
}

/// Two-sided p-value of a paired t-test of mean zero: `None` with fewer than two
/// differences. Differences that are all equal give 1 when they are zero, 0 otherwise.
fn p_value(samples: &[f64]) -> Option<f64> {
    let n = samples.len();
    if n < 2 {
        return None;
    }
    let mean = samples.iter().sum::<f64>() / n as f64;
    let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let se = (var / n as f64).sqrt();
    if se == 0.0 || !se.is_finite() {
        return Some(if mean == 0.0 { 1.0 } else { 0.0 });
    }
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64).ok()?;
    Some((2.0 * t.cdf(-(mean / se).abs())).clamp(0.0, 1.0))
}

/// The Benjamini–Hochberg step-up method at false-discovery rate `q`: which of `p` are
/// discoveries (`None`: not tested).
fn benjamini_hochberg(p: &[Option<f64>], q: f64) -> Vec<bool> {
    let mut order: Vec<(usize, f64)> = p
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.map(|p| (i, p)))
        .collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let m = order.len() as f64;
    // The largest rank k whose p-value is at most k·q/m: it and every smaller p are
    // discoveries, even those above their own threshold (step-up).
    let last = order
        .iter()
        .enumerate()
        .rev()
        .find(|(k, (_, p))| *p <= (*k + 1) as f64 * q / m)
        .map(|(k, _)| k);
    let mut rejected = vec![false; p.len()];
    if let Some(last) = last {
        for &(i, _) in &order[..=last] {
            rejected[i] = true;
        }
    }
    rejected
}

/// The false-discovery rate `significant` holds over the differences of one variant
/// (Benjamini–Hochberg).
pub const FALSE_DISCOVERY_RATE: f64 = 0.05;

/// The p-value of a difference that is part of the family tested: one with a p-value whose
/// paired differences are not all zero. A metric the variant leaves exactly unchanged in
/// every replication (common random numbers make most untouched ones so) tests nothing.
fn tested(d: &Difference) -> Option<f64> {
    d.p_value
        .filter(|_| !(d.delta == Some(0.0) && d.ci95 == Some(0.0)))
}

/// The differences of every (metric, entity) of either run; `base_measures[r]` and
/// `variant_measures[r]` are replication `r`'s.
fn differences(
    base_measures: &[Vec<Measure>],
    variant_measures: &[Vec<Measure>],
) -> Vec<Difference> {
    let mut keys: Vec<(&'static str, &str)> = Vec::new();
    for m in base_measures
        .first()
        .into_iter()
        .chain(variant_measures.first())
        .flatten()
    {
        if !keys.contains(&(m.metric, m.entity.as_str())) {
            keys.push((m.metric, m.entity.as_str()));
        }
    }
    let find =
        |list: &[Measure], metric: &str, entity: &str| -> Option<(Option<f64>, Option<String>)> {
            list.iter()
                .find(|x| x.metric == metric && x.entity == entity)
                .map(|x| (x.value, x.note.clone()))
        };
    let mut out = Vec::with_capacity(keys.len());
    for (metric, entity) in keys {
        let b: Vec<Option<(Option<f64>, Option<String>)>> = base_measures
            .iter()
            .map(|l| find(l, metric, entity))
            .collect();
        let v: Vec<Option<(Option<f64>, Option<String>)>> = variant_measures
            .iter()
            .map(|l| find(l, metric, entity))
            .collect();
        let in_base = b.iter().any(Option::is_some);
        let in_variant = v.iter().any(Option::is_some);
        let values = |side: &[Option<(Option<f64>, Option<String>)>]| -> Vec<Option<f64>> {
            side.iter().map(|x| x.as_ref().and_then(|x| x.0)).collect()
        };
        let (mut bv, mut vv) = (values(&b), values(&v));
        let mut notes: Vec<String> = Vec::new();
        // A station where no vehicle stopped in any replication of a run held nobody up:
        // its wait is 0 there, not missing (a desk a reform bypasses).
        if metric.starts_with("wait_") {
            for (run, side, present) in [
                ("baseline", &mut bv, in_base),
                ("variant", &mut vv, in_variant),
            ] {
                if present && side.iter().all(Option::is_none) {
                    for x in side.iter_mut() {
                        *x = Some(0.0);
                    }
                    notes.push(format!("{run}: no vehicle stopped here: wait 0"));
                }
            }
        }
        let pairs: Vec<(f64, f64)> = bv
            .iter()
            .zip(&vv)
            .filter_map(|(b, v)| Some(((*b)?, (*v)?)))
            .collect();
        let own_mean = |side: &[Option<f64>]| {
            let s: Vec<f64> = side.iter().flatten().copied().collect();
            MeanCi::from_samples(&s).map(|c| c.mean)
        };
        let mut note_of = |side: &[Option<(Option<f64>, Option<String>)>], run: &str| {
            if let Some(n) = side.iter().flatten().find_map(|x| x.1.clone()) {
                let n = format!("{run}: {n}");
                if !notes.contains(&n) {
                    notes.push(n);
                }
            }
        };
        note_of(&b, "baseline");
        note_of(&v, "variant");
        let status = if !in_variant {
            notes.push("not present in the variant".into());
            Status::NotInVariant
        } else if !in_base {
            notes.push("not present in the baseline".into());
            Status::NotInBaseline
        } else if pairs.is_empty() {
            notes.push("no replication measured it in both runs".into());
            Status::NotMeasured
        } else {
            Status::Compared
        };
        let n = base_measures.len().min(variant_measures.len());
        if status == Status::Compared && pairs.len() < n {
            notes.push(format!(
                "measured by both runs in {} of {n} replications (no observation in the others)",
                pairs.len()
            ));
        }
        let d: Vec<f64> = pairs.iter().map(|p| p.1 - p.0).collect();
        let dci = MeanCi::from_samples(&d);
        let (baseline, variant) = if pairs.is_empty() {
            (own_mean(&bv), own_mean(&vv))
        } else {
            let b: Vec<f64> = pairs.iter().map(|p| p.0).collect();
            let v: Vec<f64> = pairs.iter().map(|p| p.1).collect();
            (
                MeanCi::from_samples(&b).map(|c| c.mean),
                MeanCi::from_samples(&v).map(|c| c.mean),
            )
        };
        let delta = dci.map(|c| c.mean);
        let ci95 = dci.and_then(|c| c.half_width_95);
        out.push(Difference {
            metric: metric.to_string(),
            entity: entity.to_string(),
            status,
            baseline,
            variant,
            delta,
            ci95,
            relative: delta
                .zip(baseline)
                .and_then(|(d, b)| (b != 0.0).then(|| d / b)),
            replications: pairs.len() as u32,
            p_value: p_value(&d),
            significant_unadjusted: delta.zip(ci95).is_some_and(|(d, hw)| d.abs() > hw),
            significant: false,
            note: (!notes.is_empty()).then(|| notes.join("; ")),
        });
    }
    let p: Vec<Option<f64>> = out.iter().map(tested).collect();
    for (d, s) in out
        .iter_mut()
        .zip(benjamini_hochberg(&p, FALSE_DISCOVERY_RATE))
    {
        d.significant = s;
    }
    out
}

/// Runs the baseline and every variant with the same seed and replications, and measures
/// each variant's differences from the baseline. The outcomes come back too, baseline
/// first, then the variants in order.
///
/// # Errors
///
/// The first [`ExperimentError`] of a run (see [`run`]), baseline first.
pub fn compare(
    baseline: &Scenario,
    variants: &[(String, Scenario)],
    options: &RunOptions,
) -> Result<(Comparison, Vec<Outcome>), ExperimentError> {
    let base = run(baseline, options)?;
    let mut results = Vec::with_capacity(variants.len());
    let mut outcomes = Vec::with_capacity(variants.len());
    for (name, scenario) in variants {
        let outcome = run(scenario, options)?;
        let differences = paired_differences(
            baseline,
            &base.replications,
            scenario,
            &outcome.replications,
        );
        results.push(VariantResult {
            name: name.clone(),
            result: outcome.report.clone(),
            comparisons: differences.iter().filter(|d| tested(d).is_some()).count() as u32,
            differences,
        });
        outcomes.push(outcome);
    }
    let comparison = Comparison {
        baseline: base.report.clone(),
        variants: results,
    };
    outcomes.insert(0, base);
    Ok((comparison, outcomes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{one_station, options};
    use bordersim_des::SimTime;
    use bordersim_model::{
        Crossing, Population, Route, ServiceDist, Source, Station, StationId, Target, VehicleFilter,
    };

    fn measure(metric: &'static str, entity: &str, value: f64) -> Measure {
        Measure {
            metric,
            entity: entity.into(),
            value: Some(value),
            note: None,
        }
    }

    fn exp(mean_min: f64) -> Vec<Option<ServiceDist>> {
        vec![Some(ServiceDist::Exponential {
            mean_ms: mean_min * 60_000.0,
        })]
    }

    /// Primary (2 lanes, 4 min) then, with probability `p_second`, a `second` station
    /// (1 lane, 3 min); trucks at 25/h, 36 observed hours. `second = None`: primary only.
    fn two_stage(second: Option<&str>, p_second: f64, merged: bool) -> Scenario {
        let population = Population::simple(&["truck"]);
        let mut stations = Vec::new();
        let mut routes = Vec::new();
        if let Some(id) = second {
            routes.push(Route {
                when: VehicleFilter::any(),
                to: Target::Station(StationId(1)),
                probability: p_second,
            });
            if p_second < 1.0 {
                routes.push(Route {
                    when: VehicleFilter::any(),
                    to: Target::Exit,
                    probability: 1.0 - p_second,
                });
            }
            let mut desk = Station::simple(id, 1, exp(3.0), vec![]);
            if merged {
                desk.merged_into = Some(StationId(0));
            }
            stations.push(Station::simple("primary", 2, exp(4.0), routes));
            stations.push(desk);
        } else {
            stations.push(Station::simple("primary", 2, exp(4.0), routes));
        }
        let own = Source::poisson("own", ClassId(0), 25.0, StationId(0));
        Scenario {
            name: "two stage".into(),
            crossing: Crossing::new("two stage", &population, stations, vec![own]).expect("valid"),
            horizon: SimTime::from_hours(48),
            warmup: SimTime::from_hours(12),
            replications: 8,
            seed: 1,
            start_weekday: 0,
        }
    }

    fn find<'a>(d: &'a [Difference], metric: &str, entity: &str) -> &'a Difference {
        d.iter()
            .find(|d| d.metric == metric && d.entity == entity)
            .unwrap_or_else(|| panic!("{metric} of {entity} is listed: {d:#?}"))
    }

    fn compared(base: &Scenario, variant: &Scenario, n: u32) -> Vec<Difference> {
        let b = run(base, &options(n)).expect("runs").replications;
        let v = run(variant, &options(n)).expect("runs").replications;
        paired_differences(base, &b, variant, &v)
    }

    #[test]
    fn a_variant_equal_to_the_baseline_differs_by_nothing() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        let base = run(&scenario, &options(4)).expect("runs").replications;
        let differences = paired_differences(&scenario, &base, &scenario, &base);
        assert!(differences.len() > 10, "{differences:?}");
        for d in &differences {
            assert_eq!(d.status, Status::Compared, "{d:?}");
            assert_eq!(d.delta, Some(0.0), "{d:?}");
            assert_eq!(d.ci95, Some(0.0), "{d:?}");
            assert_eq!(d.baseline, d.variant, "{d:?}");
            assert_eq!(d.p_value, Some(1.0), "{d:?}");
            assert!(!d.significant && !d.significant_unadjusted, "{d:?}");
            assert_eq!(d.replications, 4);
        }
    }

    #[test]
    fn a_constant_shift_is_that_shift_with_a_zero_interval() {
        // Integers, so that every difference is exactly 5.
        let base: Vec<Vec<Measure>> = [10.0, 20.0, 40.0, 70.0]
            .iter()
            .map(|&v| vec![measure("wait_mean_s", "system", v)])
            .collect();
        let variant: Vec<Vec<Measure>> = base
            .iter()
            .map(|r| vec![measure("wait_mean_s", "system", r[0].value.unwrap() + 5.0)])
            .collect();
        let d = differences(&base, &variant);
        assert_eq!(d.len(), 1);
        let d = &d[0];
        assert_eq!(
            (d.metric.as_str(), d.entity.as_str()),
            ("wait_mean_s", "system")
        );
        assert_eq!(d.baseline, Some(35.0));
        assert_eq!(d.variant, Some(40.0));
        assert_eq!(d.delta, Some(5.0));
        assert_eq!(d.ci95, Some(0.0));
        assert_eq!(d.relative, Some(5.0 / 35.0));
        assert_eq!(d.p_value, Some(0.0));
        assert!(d.significant && d.significant_unadjusted);
    }

    #[test]
    fn paired_differences_cancel_the_noise_both_runs_share() {
        // Replication by replication the variant is the baseline plus 3 ± 1: the
        // replications themselves vary far more, the paired interval sees only the ± 1.
        let base_values = [100.0, 300.0, 200.0, 500.0];
        let shifts = [2.0, 4.0, 3.0, 3.0];
        let base: Vec<Vec<Measure>> = base_values
            .iter()
            .map(|&v| vec![measure("m", "system", v)])
            .collect();
        let variant: Vec<Vec<Measure>> = base_values
            .iter()
            .zip(shifts)
            .map(|(&v, s)| vec![measure("m", "system", v + s)])
            .collect();
        let d = &differences(&base, &variant)[0];
        assert_eq!(d.delta, Some(3.0));
        let paired = MeanCi::from_samples(&shifts).expect("samples");
        assert_eq!(d.ci95, paired.half_width_95);
        // t = 3 / (0.8165 / 2) = 7.348 on 3 degrees of freedom: p = 0.00521.
        let p = d.p_value.expect("p");
        assert!((p - 0.005_21).abs() < 1e-5, "{p}");
        assert!(d.significant, "{d:?}");
    }

    #[test]
    fn p_values_match_student_t_tables() {
        // Differences with mean 1 and standard error 1/t: t = 2.776 on 4 df is p = 0.05.
        let t: f64 = 2.776_445;
        let n = 5.0_f64;
        let sd = n.sqrt() / t;
        // Five samples with mean 1 and sample standard deviation `sd`: 1 ± sd·√2 and three
        // 1s have variance 2·2sd²/4 = sd².
        let a = sd;
        let samples = [
            1.0 - a * 2.0_f64.sqrt(),
            1.0,
            1.0,
            1.0,
            1.0 + a * 2.0_f64.sqrt(),
        ];
        let mean_ci = MeanCi::from_samples(&samples).expect("samples");
        assert!((mean_ci.half_width_95.expect("hw") - 1.0).abs() < 1e-5);
        let p = p_value(&samples).expect("p");
        assert!((p - 0.05).abs() < 1e-6, "{p}");
        assert_eq!(p_value(&[1.0]), None);
        assert_eq!(p_value(&[0.0, 0.0]), Some(1.0));
    }

    #[test]
    fn benjamini_hochberg_steps_up_from_the_largest_p_under_its_threshold() {
        // m = 4: thresholds 0.0125, 0.025, 0.0375, 0.05; 0.04 is under the last.
        let p = [Some(0.01), Some(0.04), None, Some(0.016), Some(0.03)];
        assert_eq!(
            benjamini_hochberg(&p, 0.05),
            [true, true, false, true, true]
        );
        let p = [Some(0.001), Some(0.002), Some(0.03), Some(0.5)];
        assert_eq!(benjamini_hochberg(&p, 0.05), [true, true, true, false]);
        // Step-up: 0.02 is above its own threshold 0.0167 but below rank 3's.
        let p = [Some(0.049), Some(0.02), Some(0.049)];
        assert_eq!(benjamini_hochberg(&p, 0.05), [true, true, true]);
        let p = [Some(0.04), Some(0.045), Some(0.9)];
        assert_eq!(benjamini_hochberg(&p, 0.05), [false, false, false]);
        assert!(benjamini_hochberg(&[], 0.05).is_empty());
    }

    #[test]
    fn a_change_too_small_to_matter_among_many_is_not_flagged() {
        // One real effect and nineteen noisy ones whose raw intervals exclude zero for
        // one of them by chance: the family-wise flag keeps only the real one.
        let mut base = vec![Vec::new(); 4];
        let mut variant = vec![Vec::new(); 4];
        let real = [5.0, 5.1, 4.9, 5.0];
        let noise = [0.1, 0.3, 0.2, 0.25];
        for r in 0..4 {
            base[r].push(measure("real", "system", 10.0));
            variant[r].push(measure("real", "system", 10.0 + real[r]));
            base[r].push(measure("noise", "system", 10.0));
            variant[r].push(measure("noise", "system", 10.0 + noise[r]));
            for k in 0..18 {
                let entity = format!("class:{k}");
                base[r].push(measure("other", &entity, 1.0));
                variant[r].push(measure(
                    "other",
                    &entity,
                    1.0 + [0.1, -0.1, 0.2, -0.2][(r + k) % 4],
                ));
            }
        }
        let d = differences(&base, &variant);
        assert_eq!(d.len(), 20);
        let noisy = find(&d, "noise", "system");
        assert!(noisy.significant_unadjusted, "{noisy:?}");
        assert!(!noisy.significant, "{noisy:?}");
        assert!(find(&d, "real", "system").significant);
    }

    #[test]
    fn a_removed_station_stays_with_its_baseline_and_a_variant_not_present() {
        let base = two_stage(Some("desk"), 1.0, false);
        let variant = two_stage(None, 1.0, false);
        let d = compared(&base, &variant, 4);
        let wait = find(&d, "wait_mean_s", "station:desk");
        assert_eq!(wait.status, Status::NotInVariant);
        assert!(wait.baseline.is_some_and(|b| b > 0.0), "{wait:?}");
        assert_eq!((wait.variant, wait.delta, wait.p_value), (None, None, None));
        assert!(!wait.significant);
        assert!(
            wait.note
                .as_deref()
                .is_some_and(|n| n.contains("not present in the variant"))
        );
        for metric in [
            "wait_p95_rep_s",
            "queue_length_mean",
            "utilization",
            "lane_hours_per_day",
        ] {
            assert_eq!(
                find(&d, metric, "station:desk").status,
                Status::NotInVariant
            );
        }
        // The desk's lanes are all hours of one lane: 24 lane-hours a day.
        assert_eq!(
            find(&d, "lane_hours_per_day", "station:desk").baseline,
            Some(24.0)
        );
    }

    #[test]
    fn a_renamed_station_appears_under_both_names() {
        let base = two_stage(Some("desk"), 1.0, false);
        let variant = two_stage(Some("documents"), 1.0, false);
        let d = compared(&base, &variant, 2);
        assert_eq!(
            find(&d, "wait_mean_s", "station:desk").status,
            Status::NotInVariant
        );
        let new = find(&d, "wait_mean_s", "station:documents");
        assert_eq!(new.status, Status::NotInBaseline);
        assert_eq!((new.baseline, new.delta), (None, None));
        assert!(new.variant.is_some());
        // The new name's rows come after every row of the baseline.
        let first_new = d
            .iter()
            .position(|x| x.entity == "station:documents")
            .expect("new");
        assert!(
            d[first_new..]
                .iter()
                .all(|x| x.status == Status::NotInBaseline)
        );
    }

    #[test]
    fn a_bypassed_station_waits_zero_and_a_merged_one_staffs_nothing() {
        let base = two_stage(Some("desk"), 1.0, false);
        let bypassed = two_stage(Some("desk"), 0.0, false);
        let d = compared(&base, &bypassed, 4);
        let wait = find(&d, "wait_mean_s", "station:desk");
        assert_eq!(wait.status, Status::Compared);
        assert_eq!(wait.variant, Some(0.0));
        assert_eq!(wait.delta.map(|x| -x), wait.baseline);
        assert_eq!(wait.replications, 4);
        assert!(
            wait.note
                .as_deref()
                .is_some_and(|n| n.contains("no vehicle stopped"))
        );

        let merged = two_stage(Some("desk"), 1.0, true);
        let d = compared(&base, &merged, 4);
        let wait = find(&d, "wait_mean_s", "station:desk");
        assert_eq!((wait.status, wait.variant), (Status::Compared, Some(0.0)));
        assert!(
            wait.note
                .as_deref()
                .is_some_and(|n| n.contains("merged into primary"))
        );
        let staff = find(&d, "lane_hours_per_day", "station:desk");
        assert_eq!(
            (staff.baseline, staff.variant, staff.delta),
            (Some(24.0), Some(0.0), Some(-24.0))
        );
        let primary = find(&d, "lane_hours_per_day", "station:primary");
        assert_eq!(primary.delta, Some(0.0));
        let report = run(&merged, &options(2)).expect("runs").report;
        assert_eq!(report.stations[1].merged_into.as_deref(), Some("primary"));
        assert_eq!(report.stations[1].lane_hours, 0.0);
        assert_eq!(report.stations[1].lane_groups[0].lane_hours, 0.0);
        assert_eq!(report.stations[0].merged_into, None);
    }

    #[test]
    fn a_replication_without_a_visit_keeps_the_metric_with_its_count() {
        // One truck in a thousand goes on: 0.9 expected per replication, so some of the
        // eight replications have none.
        let base = two_stage(Some("rare"), 0.001, false);
        let variant = base.clone();
        let reps = run(&base, &options(8)).expect("runs").replications;
        let visited = reps
            .iter()
            .filter(|r| r.stations[1].wait().count() > 0)
            .count() as u32;
        assert!(visited > 0 && visited < 8, "{visited}");
        let d = paired_differences(&base, &reps, &variant, &reps);
        let wait = find(&d, "wait_mean_s", "station:rare");
        assert_eq!(wait.status, Status::Compared);
        assert_eq!(wait.replications, visited);
        assert_eq!(wait.delta, Some(0.0));
        let note = wait.note.as_deref().expect("a note");
        assert!(
            note.contains(&format!("{visited} of 8 replications")),
            "{note}"
        );
        // Metrics measured every replication use all eight.
        assert_eq!(
            find(&d, "queue_length_mean", "station:rare").replications,
            8
        );
    }

    #[test]
    fn a_metric_missing_from_a_replication_uses_the_others() {
        let base = vec![
            vec![measure("a", "system", 1.0), measure("b", "system", 1.0)],
            vec![measure("a", "system", 2.0), measure("b", "system", 2.0)],
        ];
        let mut variant = base.clone();
        variant[1][1].value = None;
        let d = differences(&base, &variant);
        let names: Vec<&str> = d.iter().map(|d| d.metric.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(d[1].replications, 1);
        assert_eq!(
            (d[1].baseline, d[1].variant, d[1].delta),
            (Some(1.0), Some(1.0), Some(0.0))
        );
        assert_eq!(d[1].p_value, None);
        assert!(differences(&[], &[]).is_empty());
    }

    #[test]
    fn compare_returns_the_baseline_first_and_one_result_per_variant() {
        let baseline = one_station("x", 2, 4.0, 25.0);
        let faster = one_station("x", 2, 3.0, 25.0);
        let variants = vec![
            ("same".to_string(), baseline.clone()),
            ("faster".to_string(), faster),
        ];
        let (comparison, outcomes) = compare(&baseline, &variants, &options(4)).expect("runs");
        assert_eq!(outcomes.len(), 3);
        assert_eq!(outcomes[0].report, comparison.baseline);
        let names: Vec<&str> = comparison
            .variants
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        assert_eq!(names, ["same", "faster"]);
        assert!(
            comparison.variants[0]
                .differences
                .iter()
                .all(|d| d.delta == Some(0.0))
        );
        let v = &comparison.variants[1];
        assert_eq!(comparison.variants[0].comparisons, 0);
        assert_eq!(
            v.comparisons as usize,
            v.differences
                .iter()
                .filter(|d| d.p_value.is_some() && d.delta != Some(0.0))
                .count()
        );
        let wait = find(&v.differences, "wait_mean_s", "station:primary");
        assert!(wait.delta.is_some_and(|d| d < 0.0), "{wait:?}");
        // Arrival to release is compared even though no station releases.
        let release = find(&v.differences, "release_mean_s", "system");
        let system = find(&v.differences, "time_in_system_mean_s", "system");
        assert_eq!(release.baseline, system.baseline);
    }
}
