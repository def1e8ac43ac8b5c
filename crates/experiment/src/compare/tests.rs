//! Comparisons on hand-made measures and on small simulated crossings.

use super::significance::{benjamini_hochberg, p_value};
use super::*;
use crate::run;
use crate::test_support::{one_station, options};
use bordersim_des::SimTime;
use bordersim_model::{
    ClassId, Crossing, Population, Route, ServiceDist, Source, Station, StationId, Target,
    VehicleFilter,
};
use bordersim_stats::MeanCi;

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

#[test]
fn the_folded_comparison_is_the_comparison_of_every_replication_at_once() {
    // Folding replications away as they finish keeps only each one's headline measures:
    // the differences, intervals and reports are the same numbers, at any thread count.
    let baseline = one_station("x", 2, 4.0, 25.0);
    let variants = vec![
        ("same".to_string(), baseline.clone()),
        ("faster".to_string(), one_station("x", 2, 3.0, 25.0)),
        ("one lane".to_string(), one_station("x", 1, 2.0, 25.0)),
    ];
    for threads in [1, 2, 3] {
        let mut opts = options(5);
        opts.threads = Some(threads);
        let (all, _) = compare(&baseline, &variants, &opts).expect("runs");
        let folded = compare_folded(&baseline, &variants, &opts, &crate::NoProgress).expect("runs");
        // Debug prints every f64 exactly (shortest round-trip form).
        assert_eq!(
            format!("{folded:?}"),
            format!("{all:?}"),
            "{threads} threads"
        );
    }
}
