//! What inspections find: per risk channel and selection kind, the probability that an
//! inspection finds an irregularity, the expected detections per day and the detection
//! rate, with intervals. A reform that inspects fewer vehicles saves time and gives up
//! detections; this module says how many.
//!
//! Vehicles are counted when they leave the crossing in the observation window, by the
//! channel risk assessment gave them (their system cell). A red vehicle was selected either
//! at random (`random_inspection`, drawn first) or by targeting (the class's red channel
//! probability for its programme); the engine records the channel, not the kind, so the red
//! vehicles of a class and programme are split by the exact probabilities of the two kinds:
//! random `r / (r + (1 − r) p_red)`, targeted the rest. Green vehicles are not inspected.
//!
//! Expected detections per replication are `Σ n_k p_k`; their binomial variance
//! `Σ n_k p_k (1 − p_k)` is added to the variance between replications in the interval, so
//! that the interval covers the detections an actual run of inspections would make, not
//! only their expectation.

use bordersim_model::{Channel, ReplicationStats, Scenario};
use bordersim_stats::student_t_quantile_975;
use serde::Serialize;

use crate::sweep::summary;

/// The probabilities per channel and selection kind (see the model's
/// [`DetectionRates`](bordersim_model::DetectionRates)).
pub use bordersim_model::DetectionRates;

/// The kinds of inspection, in report order: (channel, selection).
pub const KINDS: [(&str, &str); 3] = [
    ("yellow", "documentary"),
    ("red", "targeted"),
    ("red", "random"),
];

/// One kind of inspection in one replication, per day of its window.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct KindAmounts {
    /// Vehicles inspected (expected, for the red split), per day.
    pub inspections: f64,
    /// Expected detections per day.
    pub detections: f64,
    /// Binomial variance of the detections per day (per day²).
    pub variance: f64,
}

/// Per kind of [`KINDS`], the inspections and expected detections of replication `rep`,
/// per day (all zero for an empty window).
pub fn replication_detections(
    scenario: &Scenario,
    rep: &ReplicationStats,
    rates: &DetectionRates,
) -> [KindAmounts; 3] {
    let mut out = [KindAmounts::default(); 3];
    let days = rep.window_days();
    if days <= 0.0 {
        return out;
    }
    let classes = &scenario.population().classes;
    for (cell, tally) in rep.exit.iter() {
        let n = tally.count() as f64;
        if n == 0.0 {
            continue;
        }
        let (_, class, programme, channel) = rep.shape.decode_system_cell(cell);
        let mut add = |k: usize, n: f64, p: f64| {
            out[k].inspections += n / days;
            out[k].detections += n * p / days;
            out[k].variance += n * p * (1.0 - p) / (days * days);
        };
        match channel {
            Channel::Green => {}
            Channel::Yellow => add(0, n, rates.documentary_check),
            Channel::Red => {
                let random_share = classes.get(class.index()).map_or(0.0, |c| {
                    let r = c.random_inspection;
                    let p_red = c
                        .channel_probabilities
                        .get(programme.index())
                        .map_or(0.0, |p| p[2]);
                    let red = r + (1.0 - r) * p_red;
                    if red > 0.0 { r / red } else { 0.0 }
                });
                add(1, n * (1.0 - random_share), rates.targeted_inspection);
                add(2, n * random_share, rates.random_inspection);
            }
        }
    }
    out
}

/// A figure per day with an interval that includes the binomial chance of the
/// inspections' outcomes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct DetectionsPerDay {
    /// Expected detections per day, mean over replications.
    pub per_day: f64,
    /// Half-width of the 95% interval of the detections per day a run of inspections would
    /// make: Student t (normal with one replication) on the variance between replications
    /// plus the mean binomial variance, over the replications.
    pub per_day_ci95: Option<f64>,
}

/// Inspections of one kind and what they find.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DetectionLine {
    /// `yellow` or `red`.
    pub channel: String,
    /// `documentary`, `targeted` or `random`.
    pub selection: String,
    /// The probability that one inspection of this kind finds an irregularity.
    pub probability_of_finding: f64,
    /// Inspections per day (mean over replications).
    pub inspections_per_day: f64,
    /// Half-width of the 95% interval of `inspections_per_day`.
    pub inspections_per_day_ci95: Option<f64>,
    /// Detections per day.
    pub detections: DetectionsPerDay,
}

/// Detections of every kind of inspection, and in all.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Detections {
    /// The probabilities used.
    pub rates: DetectionRates,
    /// One line per kind: yellow documentary, red targeted, red random.
    pub by_kind: Vec<DetectionLine>,
    /// Inspections of every kind per day.
    pub inspections_per_day: f64,
    /// Half-width of the 95% interval of `inspections_per_day` across replications.
    pub inspections_per_day_ci95: Option<f64>,
    /// Detections of every kind per day.
    pub detections: DetectionsPerDay,
    /// Detections per inspection (0 without inspections).
    pub detection_rate: f64,
    /// Detections per day × [`super::Costs::annualisation_days`].
    pub detections_per_year: f64,
}

fn per_day(expected: &[f64], variance: &[f64]) -> DetectionsPerDay {
    let expected = summary::samples(expected);
    let variance = summary::samples(variance);
    let n = expected.len();
    if n == 0 {
        return DetectionsPerDay {
            per_day: 0.0,
            per_day_ci95: None,
        };
    }
    let r = n as f64;
    let mean = expected.iter().sum::<f64>() / r;
    let binomial = variance.iter().sum::<f64>() / r;
    let (between, t) = if n >= 2 {
        let s2 = expected.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (r - 1.0);
        (s2, student_t_quantile_975(n as u64 - 1).unwrap_or(1.96))
    } else {
        (0.0, 1.96)
    };
    DetectionsPerDay {
        per_day: mean,
        per_day_ci95: Some(t * ((between + binomial) / r).sqrt()),
    }
}

/// The report's detections over the replications `reps` of `scenario` with `rates`;
/// `days_per_year` annualises.
pub fn detections(
    scenario: &Scenario,
    reps: &[ReplicationStats],
    rates: &DetectionRates,
    days_per_year: f64,
) -> Detections {
    let per_rep: Vec<[KindAmounts; 3]> = reps
        .iter()
        .map(|r| replication_detections(scenario, r, rates))
        .collect();
    let column = |k: Option<usize>, f: fn(&KindAmounts) -> f64| -> Vec<f64> {
        per_rep
            .iter()
            .map(|a| match k {
                Some(k) => f(&a[k]),
                None => a.iter().map(f).sum(),
            })
            .collect()
    };
    let probability = [
        rates.documentary_check,
        rates.targeted_inspection,
        rates.random_inspection,
    ];
    let by_kind = KINDS
        .iter()
        .enumerate()
        .map(|(k, (channel, selection))| {
            let (inspections, ci) =
                crate::report::summarise::mean_ci(&column(Some(k), |a| a.inspections));
            DetectionLine {
                channel: (*channel).into(),
                selection: (*selection).into(),
                probability_of_finding: probability[k],
                inspections_per_day: inspections,
                inspections_per_day_ci95: ci,
                detections: per_day(
                    &column(Some(k), |a| a.detections),
                    &column(Some(k), |a| a.variance),
                ),
            }
        })
        .collect();
    let (inspections, inspections_ci) =
        crate::report::summarise::mean_ci(&column(None, |a| a.inspections));
    let all = per_day(
        &column(None, |a| a.detections),
        &column(None, |a| a.variance),
    );
    Detections {
        rates: *rates,
        by_kind,
        inspections_per_day: inspections,
        inspections_per_day_ci95: inspections_ci,
        detection_rate: if inspections > 0.0 {
            all.per_day / inspections
        } else {
            0.0
        },
        detections_per_year: all.per_day * days_per_year,
        detections: all,
    }
}

/// Replication `rep`'s detection measures for a comparison, `(statistic, entity, value)`:
/// `inspections_per_day` and `detections_per_day` per kind (`channel:<c>/<selection>`) and
/// for `system`, with the scenario's detection probabilities.
pub fn detection_measures(
    scenario: &Scenario,
    rep: &ReplicationStats,
) -> Vec<(&'static str, String, f64)> {
    let amounts = replication_detections(scenario, rep, scenario.crossing.detection_rates());
    let mut out = Vec::new();
    for (k, (channel, selection)) in KINDS.iter().enumerate() {
        let entity = format!("channel:{channel}/{selection}");
        out.push((
            "inspections_per_day",
            entity.clone(),
            amounts[k].inspections,
        ));
        out.push(("detections_per_day", entity, amounts[k].detections));
    }
    out.push((
        "inspections_per_day",
        "system".into(),
        amounts.iter().map(|a| a.inspections).sum(),
    ));
    out.push((
        "detections_per_day",
        "system".into(),
        amounts.iter().map(|a| a.detections).sum(),
    ));
    out
}
