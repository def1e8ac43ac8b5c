//! Baseline against variants on common random numbers, with paired confidence intervals.
//!
//! Every scenario runs replication `r` with the same master seed and replication index, so
//! each source draws the same vehicles (arrival times, classes, programmes, channels) and
//! each vehicle the same service quantiles at every station the variant keeps. The
//! difference of a metric is then measured replication by replication, and its confidence
//! interval comes from those paired differences: the noise common to both runs cancels.
//!
//! What is measured in a replication is `measures`; pairing two runs' replications,
//! metric by metric and entity by entity, is `differences`; the paired t-test and the
//! Benjamini–Hochberg control over a variant's differences are `significance`.

use bordersim_model::{NoLog, ReplicationStats, Scenario};
use serde::Serialize;

use crate::{
    ExperimentError, NoProgress, Outcome, Progress, Report, RunOptions, run_with_progress,
};

mod benefit;
mod differences;
mod measures;
mod significance;
#[cfg(test)]
mod tests;

use benefit::net_benefit_of;
pub use benefit::{NetBenefit, net_benefit};
use differences::{differences, tested};
pub use measures::headline_measures;
use measures::headline_measures_against;
pub use significance::FALSE_DISCOVERY_RATE;

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

impl Difference {
    /// Whether a table or page should mark this difference significant when it prints
    /// values rounded by `printed` (value in the metric's unit → value as printed): a
    /// discovery (`significant`) whose printed change is larger than its printed interval.
    /// A change that prints as zero is never marked.
    pub fn significant_as_printed(&self, printed: impl Fn(f64) -> f64) -> bool {
        self.significant
            && self.delta.is_some_and(|delta| {
                let half_width = self.ci95.map_or(0.0, &printed);
                printed(delta).abs() > half_width
            })
    }
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
    /// What the variant is worth against the baseline: delay and cargo cost saved minus
    /// staff cost added (null when the costs were not measured in both runs).
    pub net_benefit: Option<NetBenefit>,
}

/// A baseline and its variants, each run on the same seed and replications.
#[derive(Debug, Serialize)]
pub struct Comparison {
    /// The baseline's report.
    pub baseline: Report,
    /// The variants, in the order given.
    pub variants: Vec<VariantResult>,
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
        .map(|r| headline_measures_against(base_scenario, r, &[variant_scenario]))
        .collect();
    let variant_measures: Vec<Vec<Measure>> = variant
        .iter()
        .map(|r| headline_measures_against(variant_scenario, r, &[base_scenario]))
        .collect();
    differences(&base_measures, &variant_measures)
}
/// As [`compare_with_progress`], with memory flat in the number of replications: each
/// replication's headline measures are kept (a few numbers per entity, for the paired
/// differences) and its statistics folded into its run's summary as it finishes. The
/// comparison is [`compare`]'s, bit for bit; only the replications themselves are not
/// returned.
///
/// # Errors
///
/// As [`compare`].
pub fn compare_folded(
    baseline: &Scenario,
    variants: &[(String, Scenario)],
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<Comparison, ExperimentError> {
    // No replications is an empty range: `fold_replications` refuses it. The baseline is
    // measured against every variant (booking systems only they have count as empty in it),
    // each variant against the baseline.
    let all_variants: Vec<&Scenario> = variants.iter().map(|(_, s)| s).collect();
    let run = |scenario: &Scenario, others: &[&Scenario]| {
        let (summary, _, measures) = crate::fold_replications(
            scenario,
            options,
            0..u64::from(options.replications),
            |_| NoLog,
            |r| headline_measures_against(scenario, r, others),
            progress,
        )?;
        Ok::<_, ExperimentError>((crate::report_of(scenario, options.seed, summary), measures))
    };
    let (base_report, base_measures) = run(baseline, &all_variants)?;
    let mut results = Vec::with_capacity(variants.len());
    for (name, scenario) in variants {
        let (report, measures) = run(scenario, &[baseline])?;
        let base_measures = against_one(&base_measures, scenario);
        let mut differences = differences(&base_measures, &measures);
        let net_benefit = net_benefit_of(baseline, scenario, &mut differences);
        results.push(VariantResult {
            name: name.clone(),
            result: report,
            comparisons: differences.iter().filter(|d| tested(d).is_some()).count() as u32,
            net_benefit,
            differences,
        });
    }
    Ok(Comparison {
        baseline: base_report,
        variants: results,
    })
}

/// The baseline's measures (taken against every variant) as if taken against `variant`
/// alone: without the absent booking systems that only other variants have.
fn against_one(base: &[Vec<Measure>], variant: &Scenario) -> Vec<Vec<Measure>> {
    let absent = crate::report::appointments::ABSENT_NOTE;
    base.iter()
        .map(|rep| {
            rep.iter()
                .filter(|m| {
                    m.note.as_deref() != Some(absent)
                        || variant
                            .crossing
                            .appointments()
                            .iter()
                            .any(|a| m.entity == format!("appointment:{}", a.id))
                })
                .cloned()
                .collect()
        })
        .collect()
}

/// Runs the baseline and every variant with the same seed and replications, and measures
/// each variant's differences from the baseline. The outcomes come back too, baseline
/// first, then the variants in order.
///
/// # Errors
///
/// The first [`ExperimentError`] of a run (see [`crate::run`]), baseline first.
pub fn compare(
    baseline: &Scenario,
    variants: &[(String, Scenario)],
    options: &RunOptions,
) -> Result<(Comparison, Vec<Outcome>), ExperimentError> {
    compare_with_progress(baseline, variants, options, &NoProgress)
}

/// As [`compare`], telling `progress` as each replication of each run ends (the baseline's,
/// then each variant's).
///
/// # Errors
///
/// As [`compare`].
pub fn compare_with_progress(
    baseline: &Scenario,
    variants: &[(String, Scenario)],
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<(Comparison, Vec<Outcome>), ExperimentError> {
    let run = |scenario: &Scenario| {
        run_with_progress(scenario, options, |_| NoLog, progress).map(|(outcome, _)| outcome)
    };
    let base = run(baseline)?;
    let mut results = Vec::with_capacity(variants.len());
    let mut outcomes = Vec::with_capacity(variants.len());
    for (name, scenario) in variants {
        let outcome = run(scenario)?;
        let mut differences = paired_differences(
            baseline,
            &base.replications,
            scenario,
            &outcome.replications,
        );
        let net_benefit = net_benefit_of(baseline, scenario, &mut differences);
        results.push(VariantResult {
            name: name.clone(),
            result: outcome.report.clone(),
            comparisons: differences.iter().filter(|d| tested(d).is_some()).count() as u32,
            net_benefit,
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
