//! A sweep's result: the units' summaries merged point by point, in canonical order, and
//! rendered as JSON, tidy CSV or a table, or drawn as a page.

use anyhow::anyhow;
use bordersim_config::sweep::{AxisKind, Unit};
use bordersim_experiment::report_of;
use bordersim_experiment::sweep::metrics::{Curve, curves, unstable_in};
use bordersim_experiment::sweep::{SweepAxis, SweepPoint, SweepResult};

use super::{Ran, Study};
use crate::args::{Format, RunSettings};
use crate::failure::{Failure, warn};
use crate::output;

/// Most units read or run at a time before they are merged: memory holds this many
/// summaries.
pub(crate) const CHUNK: usize = 64;

/// Merges the units' summaries (`summaries_of` runs or reads those of a run of consecutive
/// units, at most `chunk` (capped at [`CHUNK`]), in their order) point by point, units in
/// canonical order, and writes the sweep's output.
///
/// # Errors
///
/// [`Failure::Failed`] when summaries do not merge or the output cannot be written.
pub(crate) fn emit(
    study: &Study,
    chunk: usize,
    mut summaries_of: impl FnMut(&[Unit]) -> Result<Vec<Ran>, Failure>,
    settings: &RunSettings,
) -> Result<(), Failure> {
    // Each unit's summary is folded into its point's as soon as it is read or run, so
    // memory holds one summary per point (and one chunk's). A point one of whose units
    // reached the cap keeps that unit's cap (the first in canonical order) and nothing else.
    let mut merged: Vec<Option<Ran>> = vec![None; study.plan.points.len()];
    let progress = crate::progress::Display::units(
        settings,
        study.units.len() as u64,
        &format!("sweep {}", study.plan.name),
    );
    for chunk in study.units.chunks(chunk.clamp(1, CHUNK)) {
        let done = summaries_of(chunk)?;
        progress.units_done(chunk.len() as u64);
        for (unit, ran) in chunk.iter().zip(done) {
            match (&mut merged[unit.point], ran) {
                (Some(Ok((s, m))), Ok((summary, measures))) => s
                    .merge(summary)
                    .and_then(|()| m.merge(measures))
                    .map_err(|e| Failure::BadInput(anyhow!("unit {}: {e}", unit.id)))?,
                (Some(Err(_)), _) => {}
                (slot @ Some(Ok(_)), Err(capped)) => *slot = Some(Err(capped)),
                (slot @ None, ran) => *slot = Some(ran),
            }
        }
    }
    let baseline = merged.get(study.plan.baseline).and_then(|m| {
        m.as_ref()
            .and_then(|r| r.as_ref().ok())
            .map(|(_, m)| m.clone())
    });
    let mut points = Vec::with_capacity(merged.len());
    for ((point, scenario), summary) in study.plan.points.iter().zip(&study.scenarios).zip(merged) {
        let ran = summary
            .ok_or_else(|| Failure::Failed(anyhow!("point {} has no replications", point.id)))?;
        let (report, differences, unstable) = match ran {
            Ok((summary, measures)) => {
                let differences = baseline
                    .as_ref()
                    .map(|b| measures.differences(b))
                    .unwrap_or_default();
                let report = report_of(scenario, study.options.seed, summary);
                let unstable = unstable_in(scenario, &report);
                (Some(report), differences, unstable)
            }
            Err(capped) => (None, Vec::new(), Some(capped.reason())),
        };
        points.push(SweepPoint {
            unstable,
            id: point.id.clone(),
            axes: study
                .plan
                .axes
                .iter()
                .cloned()
                .zip(point.values.iter().cloned())
                .collect(),
            report,
            differences,
        });
    }
    for p in &points {
        if let Some(why) = &p.unstable {
            let consequence = if p.report.is_some() {
                "its waits grow with the run's length"
            } else {
                "the sweep's other points are complete"
            };
            warn(&format!(
                "point {} ({}) is unstable: {why}; {consequence} (the `unstable` column, and \
                 the marked point on the page)",
                p.id,
                p.axes
                    .iter()
                    .map(|(a, v)| format!("{a} = {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let out = SweepResult {
        sweep: study.plan.name.clone(),
        plan_hash: study.hash.clone(),
        seed: study.options.seed,
        replications: study.options.replications,
        baseline: study.plan.points[study.plan.baseline].id.clone(),
        axes: axes(study),
        points,
        outputs: study.plan.outputs.clone(),
    };
    output::emit(
        settings,
        |format| render(&out, format),
        || bordersim_report::sweep(&out),
    )
}

/// The sweep's output in `format`: JSON (every point's full report), or tidy CSV / a table
/// (one row per point × entity: the whole crossing and each station's wait; then a row per
/// point × entity of each other output the plan asks for, with its value and unit), each
/// row ending with why its point is unstable (empty when it is not; [`unstable_in`]).
fn render(out: &SweepResult, format: Format) -> anyhow::Result<Vec<u8>> {
    if format == Format::Json {
        let mut bytes = serde_json::to_vec_pretty(out)?;
        bytes.push(b'\n');
        return Ok(bytes);
    }
    let axes: Vec<&str> = out
        .points
        .first()
        .map(|p| p.axes.iter().map(|(a, _)| a.as_str()).collect())
        .unwrap_or_default();
    let mut w = csv::WriterBuilder::new()
        .delimiter(if format == Format::Csv { b',' } else { b'\t' })
        .from_writer(Vec::new());
    let mut header = vec!["point"];
    header.extend(axes.iter().copied());
    header.extend([
        "entity",
        "metric",
        "count",
        "mean_s",
        "ci95_s",
        "p50_s",
        "p95_s",
        "p99_s",
        "delta_mean_s",
        "delta_ci95_s",
    ]);
    // Outputs beyond the times (queue, throughput, …) come as rows of their own, in their
    // own units, in columns of their own after these.
    let extra: Vec<Curve> = out
        .first_report()
        .map(|first| {
            out.outputs
                .iter()
                .filter(|o| !matches!(o.as_str(), "time_in_system" | "wait"))
                .flat_map(|o| curves(o, first))
                .collect()
        })
        .unwrap_or_default();
    if !extra.is_empty() {
        header.extend(["value", "value_ci95", "delta", "delta_ci95", "unit"]);
    }
    header.push("unstable");
    w.write_record(&header)?;
    let num = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    let none = bordersim_experiment::DelayStats::default();
    for p in &out.points {
        let why = p.unstable.clone().unwrap_or_default();
        // A point without a report (it reached the cap) has one row, the whole crossing's,
        // without figures.
        let mut rows = vec![(
            "system".to_owned(),
            "time_in_system",
            "time_in_system_mean_s",
            p.report
                .as_ref()
                .map_or(&none, |r| &r.system.time_in_system),
        )];
        for s in p.report.iter().flat_map(|r| &r.stations) {
            rows.push((format!("station:{}", s.id), "wait", "wait_mean_s", &s.wait));
        }
        for (entity, metric, measure, d) in rows {
            // The paired difference of the mean from the baseline point's.
            let diff = p
                .differences
                .iter()
                .find(|x| x.metric == measure && x.entity == entity);
            let mut r = vec![p.id.clone()];
            r.extend(p.axes.iter().map(|(_, v)| v.clone()));
            r.extend([
                entity,
                metric.to_owned(),
                p.report
                    .as_ref()
                    .map_or_else(String::new, |_| d.count.to_string()),
                num(d.mean_s),
                num(d.ci95_s),
                num(d.p50_s),
                num(d.p95_s),
                num(d.p99_s),
                num(diff.and_then(|x| x.delta)),
                num(diff.and_then(|x| x.delta_ci95)),
            ]);
            if !extra.is_empty() {
                r.extend(std::iter::repeat_n(String::new(), 5));
            }
            r.push(why.clone());
            w.write_record(&r)?;
        }
        for c in &extra {
            let v = c.value(p);
            let d = c.difference(p);
            let mut r = vec![p.id.clone()];
            r.extend(p.axes.iter().map(|(_, v)| v.clone()));
            r.extend([c.entity.clone(), c.output.to_owned()]);
            r.extend(std::iter::repeat_n(String::new(), 8));
            r.extend([
                num(v.map(|v| v.0)),
                num(v.and_then(|v| v.1)),
                num(d.map(|d| d.0)),
                num(d.and_then(|d| d.1)),
                c.unit.to_owned(),
                why.clone(),
            ]);
            w.write_record(&r)?;
        }
    }
    w.into_inner().map_err(|e| anyhow!("{e}"))
}

/// The plan's axes as the result names them: name, kind, and what each varies.
pub(super) fn axes(study: &Study) -> Vec<SweepAxis> {
    study
        .plan
        .axes
        .iter()
        .zip(&study.plan.kinds)
        .map(|(name, kind)| {
            let (kind, of) = match kind {
                AxisKind::Override(path) => ("override", Some(path.clone())),
                AxisKind::Policy => ("policy", None),
                AxisKind::Demand(class) => ("demand", class.clone()),
                AxisKind::Scenario => ("scenario", None),
                AxisKind::Region => ("region", None),
            };
            SweepAxis {
                name: name.clone(),
                kind: kind.to_owned(),
                of,
            }
        })
        .collect()
}
