//! What inspections find: per kind of inspection (yellow documentary checks, red targeted
//! and red random physical inspections) the inspections per day, the probability that one
//! finds an irregularity, the expected detections per day with their 95% interval, and the
//! detection rate; shown only when some vehicle went through a yellow or red channel.

use bordersim_experiment::Report;
use bordersim_experiment::costs::detections::DetectionsPerDay;

use super::super::columns::Table;
use super::super::numbers::{decimal, with_ci};

fn per_day(d: &DetectionsPerDay) -> String {
    with_ci(d.per_day, d.per_day_ci95, 2)
}

/// Inspections per day with their 95% interval across replications (when there is one).
fn inspections(per_day: f64, ci95: Option<f64>) -> String {
    match ci95 {
        Some(c) => format!("{} ±{}", decimal(per_day, 1), decimal(c, 1)),
        None => decimal(per_day, 1),
    }
}

fn percent(p: f64) -> String {
    format!("{:.1}%", 100.0 * p)
}

/// One row per kind of inspection, then the system; `None` when no vehicle was sent to a
/// yellow or red channel (every figure would be 0).
pub(super) fn detections_table(report: &Report) -> Option<Table> {
    let d = &report.costs.detections;
    let inspected = report
        .trs
        .channels
        .iter()
        .any(|c| c.channel != "green" && c.count > 0);
    if !inspected && d.inspections_per_day <= 0.0 {
        return None;
    }
    let mut table = Table::new(&[
        "inspection",
        "inspections/day",
        "P(find)",
        "detections/day",
        "detection rate",
    ]);
    for line in &d.by_kind {
        let rate = if line.inspections_per_day > 0.0 {
            line.detections.per_day / line.inspections_per_day
        } else {
            0.0
        };
        table.row(vec![
            format!("{} {}", line.channel, line.selection),
            inspections(line.inspections_per_day, line.inspections_per_day_ci95),
            percent(line.probability_of_finding),
            per_day(&line.detections),
            percent(rate),
        ]);
    }
    table.rule();
    table.row(vec![
        "system".to_owned(),
        inspections(d.inspections_per_day, d.inspections_per_day_ci95),
        String::new(),
        per_day(&d.detections),
        percent(d.detection_rate),
    ]);
    Some(table)
}
