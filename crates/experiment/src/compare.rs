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

use crate::report::{DAYS_PER_YEAR, delay_per_day};
use crate::{ExperimentError, Outcome, Report, RunOptions, run};

/// One headline statistic of one replication: what, of which entity, in what value.
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    /// The metric's name, with its unit as a suffix (`wait_mean_s`, `utilization`, …).
    pub metric: &'static str,
    /// `station:<id>`, `class:<id>`, `direction:<id>` or `system`.
    pub entity: String,
    /// The value in the metric's unit.
    pub value: f64,
}

/// The difference of one metric between a variant and the baseline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Difference {
    /// The metric's name, as in [`Measure::metric`].
    pub metric: String,
    /// The entity, as in [`Measure::entity`].
    pub entity: String,
    /// The baseline's mean over replications, in the metric's unit.
    pub baseline: f64,
    /// The variant's mean over replications.
    pub variant: f64,
    /// Mean of the paired differences (variant − baseline).
    pub delta: f64,
    /// Half-width of the 95% Student-t interval of `delta` from the paired differences
    /// (null with a single replication).
    pub ci95: Option<f64>,
    /// `delta / baseline` (null when the baseline is zero).
    pub relative: Option<f64>,
    /// The interval excludes zero.
    pub significant: bool,
}

/// One variant of a comparison: its report and its differences from the baseline.
#[derive(Debug, Serialize)]
pub struct VariantResult {
    /// The variant's name.
    pub name: String,
    /// The variant's own report.
    pub result: Report,
    /// Paired differences from the baseline, in the baseline's order of metrics.
    pub differences: Vec<Difference>,
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

/// The headline statistics of one replication: per station the mean and p95 wait, the mean
/// queue length and the utilization; per class, direction and for the whole crossing the
/// mean and p95 time in system. Statistics without observations are left out.
pub fn headline_measures(scenario: &Scenario, rep: &ReplicationStats) -> Vec<Measure> {
    let mut out = Vec::new();
    let mut push = |metric: &'static str, entity: String, value: Option<f64>| {
        if let Some(value) = value {
            out.push(Measure {
                metric,
                entity,
                value,
            });
        }
    };
    let end = rep.window_end_ms;
    for (st, s) in scenario.crossing.stations().iter().zip(&rep.stations) {
        let entity = format!("station:{}", st.id);
        let wait = s.wait();
        push("wait_mean_s", entity.clone(), seconds(&wait, None));
        push("wait_p95_s", entity.clone(), seconds(&wait, Some(0.95)));
        push(
            "queue_length_mean",
            entity.clone(),
            Some(s.queue_length.mean_until(end)),
        );
        let staffed = s.staffed_area(end);
        push(
            "utilization",
            entity.clone(),
            (staffed > 0).then(|| s.busy_servers.area_until(end) as f64 / staffed as f64),
        );
        // What staffing costs: the lane-hours a reform adds or saves.
        let days = rep.window_days();
        push(
            "lane_hours_per_day",
            entity,
            (days > 0.0).then(|| staffed as f64 / 3_600_000.0 / days),
        );
    }
    let population = scenario.population();
    for (c, class) in population.classes.iter().enumerate() {
        let t = rep.class_time_in_system(ClassId(c as u16));
        let entity = format!("class:{}", class.id);
        push("time_in_system_mean_s", entity.clone(), seconds(&t, None));
        push("time_in_system_p95_s", entity, seconds(&t, Some(0.95)));
    }
    let any_release_station = scenario.crossing.stations().iter().any(|s| s.releases);
    for (d, direction) in population.directions.iter().enumerate() {
        let shape = rep.shape;
        let t = rep
            .exit
            .merged(|k| shape.decode_system_cell(k).0.index() == d);
        let entity = format!("direction:{}", direction.id);
        push("time_in_system_mean_s", entity.clone(), seconds(&t, None));
        push(
            "time_in_system_p95_s",
            entity.clone(),
            seconds(&t, Some(0.95)),
        );
        // The Time Release Study's measure: arrival to release.
        if any_release_station {
            let r = rep
                .release
                .merged(|k| shape.decode_system_cell(k).0.index() == d);
            push("release_mean_s", entity, seconds(&r, None));
        }
    }
    let t = rep.time_in_system();
    push("time_in_system_mean_s", "system".into(), seconds(&t, None));
    push(
        "time_in_system_p95_s",
        "system".into(),
        seconds(&t, Some(0.95)),
    );
    for (c, class) in population.classes.iter().enumerate() {
        let (hours, value) = delay_per_day(scenario, rep, Some(c));
        let entity = format!("class:{}", class.id);
        push("delay_vehicle_hours_per_day", entity.clone(), Some(hours));
        push("delay_value_per_day", entity, Some(value));
    }
    let (hours, value) = delay_per_day(scenario, rep, None);
    push("delay_vehicle_hours_per_day", "system".into(), Some(hours));
    push("delay_value_per_day", "system".into(), Some(value));
    push(
        "delay_vehicle_hours_per_year",
        "system".into(),
        Some(hours * DAYS_PER_YEAR),
    );
    push(
        "delay_value_per_year",
        "system".into(),
        Some(value * DAYS_PER_YEAR),
    );
    out
}

/// Paired differences of every metric present in both runs, in the baseline's order.
/// `base` and `variant` hold the replications of each run in replication order.
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

/// The paired differences of every metric of `base_measures[0]` that both runs measured in
/// every replication; `base_measures[r]` and `variant_measures[r]` are replication `r`'s.
fn differences(
    base_measures: &[Vec<Measure>],
    variant_measures: &[Vec<Measure>],
) -> Vec<Difference> {
    let Some(first) = base_measures.first() else {
        return Vec::new();
    };
    let find = |list: &[Measure], m: &Measure| {
        list.iter()
            .find(|x| x.metric == m.metric && x.entity == m.entity)
            .map(|x| x.value)
    };
    let mut out = Vec::new();
    for m in first {
        // A metric is compared only where both runs measured it in every replication.
        let pairs: Option<Vec<(f64, f64)>> = base_measures
            .iter()
            .zip(variant_measures)
            .map(|(b, v)| Some((find(b, m)?, find(v, m)?)))
            .collect();
        let Some(pairs) = pairs.filter(|p| !p.is_empty()) else {
            continue;
        };
        let b: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let v: Vec<f64> = pairs.iter().map(|p| p.1).collect();
        let d: Vec<f64> = pairs.iter().map(|p| p.1 - p.0).collect();
        let (Some(b), Some(v), Some(d)) = (
            MeanCi::from_samples(&b),
            MeanCi::from_samples(&v),
            MeanCi::from_samples(&d),
        ) else {
            continue;
        };
        out.push(Difference {
            metric: m.metric.to_string(),
            entity: m.entity.clone(),
            baseline: b.mean,
            variant: v.mean,
            delta: d.mean,
            ci95: d.half_width_95,
            relative: (b.mean != 0.0).then(|| d.mean / b.mean),
            significant: d.half_width_95.is_some_and(|hw| d.mean.abs() > hw),
        });
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

    fn measure(metric: &'static str, entity: &str, value: f64) -> Measure {
        Measure {
            metric,
            entity: entity.into(),
            value,
        }
    }

    #[test]
    fn a_variant_equal_to_the_baseline_differs_by_nothing() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        let base = run(&scenario, &options(4)).expect("runs").replications;
        let differences = paired_differences(&scenario, &base, &scenario, &base);
        assert!(differences.len() > 10, "{differences:?}");
        for d in &differences {
            assert_eq!(d.delta, 0.0, "{d:?}");
            assert_eq!(d.ci95, Some(0.0), "{d:?}");
            assert_eq!(d.baseline, d.variant, "{d:?}");
            assert!(!d.significant, "{d:?}");
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
            .map(|r| vec![measure("wait_mean_s", "system", r[0].value + 5.0)])
            .collect();
        let d = differences(&base, &variant);
        assert_eq!(d.len(), 1);
        let d = &d[0];
        assert_eq!(
            (d.metric.as_str(), d.entity.as_str()),
            ("wait_mean_s", "system")
        );
        assert_eq!(d.baseline, 35.0);
        assert_eq!(d.variant, 40.0);
        assert_eq!(d.delta, 5.0);
        assert_eq!(d.ci95, Some(0.0));
        assert_eq!(d.relative, Some(5.0 / 35.0));
        assert!(d.significant);
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
        assert_eq!(d.delta, 3.0);
        let paired = MeanCi::from_samples(&shifts).expect("samples");
        assert_eq!(d.ci95, paired.half_width_95);
        assert!(d.significant, "{d:?}");
    }

    #[test]
    fn a_metric_missing_from_a_replication_is_left_out() {
        let base = vec![
            vec![measure("a", "system", 1.0), measure("b", "system", 1.0)],
            vec![measure("a", "system", 2.0), measure("b", "system", 2.0)],
        ];
        let variant = vec![
            vec![measure("a", "system", 1.0), measure("b", "system", 1.0)],
            vec![measure("a", "system", 2.0)],
        ];
        let d = differences(&base, &variant);
        let names: Vec<&str> = d.iter().map(|d| d.metric.as_str()).collect();
        assert_eq!(names, ["a"]);
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
                .all(|d| d.delta == 0.0)
        );
        let wait = comparison.variants[1]
            .differences
            .iter()
            .find(|d| d.metric == "wait_mean_s" && d.entity == "station:primary")
            .expect("the wait is compared");
        assert!(wait.delta < 0.0, "{wait:?}");
    }
}
