//! The page of `run`: a summary card, stations (distribution of waits, utilisation, queue),
//! queues and waits over time, the hourly arrival→release profile per direction, lanes open
//! beside demand by hour, the Time Release Study stages, and the cost of delay. One file per
//! section.

mod abandonment;
mod appointments;
mod costs;
mod demand;
mod economics;
mod hourly;
mod over_time;
mod recovery;
mod stages;
mod stations;

use bordersim_experiment::{DelayStats, Report};

use crate::format::{count, duration, minutes};
use crate::html::Page;

pub use hourly::{closed_hours, day_axis, day_span, hour_ticks, hourly_band, hourly_steps};

/// The palette index of station `station`: its place in the crossing's station order, so
/// that a station keeps one colour in every plot of the page whichever other stations a
/// plot draws beside it (its approach road takes its colour too, dashed).
pub(crate) fn station_colour(report: &Report, station: &str) -> usize {
    report
        .stations
        .iter()
        .position(|s| s.id == station)
        .unwrap_or(report.stations.len())
}

/// The page of one run.
pub fn page(report: &Report) -> String {
    let mut page = Page::new(
        &format!("{} — simulation report", report.scenario),
        &format!(
            "{} replications of {} each (warm-up {} discarded), seed {}.",
            report.replications,
            duration(report.horizon_s),
            duration(report.warmup_s),
            report.seed
        ),
    );
    write(&mut page, report);
    page.finish()
}

/// Every section of a run's report, on `page`.
pub fn write(page: &mut Page, report: &Report) {
    summary(page, report);
    stations::stations(page, report);
    abandonment::write(page, report);
    appointments::write(page, report);
    recovery::write(page, report);
    over_time::queues_over_time(page, report);
    hourly::hourly(page, report);
    demand::lanes_and_demand(page, report);
    stages::stages(page, report);
    economics::economics(page, report);
    costs::write(page, report);
}

/// Days of each replication's observation window.
pub fn window_days(report: &Report) -> f64 {
    (report.horizon_s - report.warmup_s) / 86_400.0
}

/// `mean ± half-width` in minutes.
pub(crate) fn mean_ci(d: &DelayStats) -> String {
    match (d.mean_s, d.ci95_s) {
        (Some(_), Some(ci)) => format!("{} ± {} min", minutes(d.mean_s), minutes(Some(ci))),
        (Some(_), None) => format!("{} min", minutes(d.mean_s)),
        _ => "–".to_owned(),
    }
}

fn summary(page: &mut Page, report: &Report) {
    page.section("summary", "Summary");
    let v = &report.vehicles;
    let crossing = report
        .stations
        .first()
        .map_or_else(|| report.scenario.clone(), |s| s.crossing.clone());
    page.card(
        "summary-card",
        &[
            ("crossing", crossing),
            ("horizon", duration(report.horizon_s)),
            ("warm-up", duration(report.warmup_s)),
            ("replications", count(report.replications.into())),
            ("vehicles arrived (all replications)", count(v.arrived)),
            ("vehicles departed", count(v.departed)),
            ("vehicles balked", count(v.balked)),
            // With these, the counts reconcile: at start + arrived = departed + balked +
            // gave up + at end.
            ("vehicles that gave up waiting", count(v.abandoned)),
            (
                "in the crossing at start / at end",
                format!(
                    "{} / {}",
                    count(v.in_system_at_start),
                    count(v.in_system_at_end)
                ),
            ),
            (
                "time in system, mean",
                mean_ci(&report.system.time_in_system),
            ),
            (
                "time in system, p95",
                format!("{} min", minutes(report.system.time_in_system.p95_s)),
            ),
            ("arrival to release, mean", mean_ci(&report.system.release)),
        ],
    );
    page.note(
        "Means are means over replications with the half-width of their 95% interval; \
         percentiles pool every vehicle of every replication. Counts are totals over all \
         replications' observation windows.",
    );
}

/// The directions in the order their first station or profile appears.
pub(crate) fn directions_of(report: &Report) -> Vec<String> {
    let mut out: Vec<String> = report.directions.iter().map(|d| d.id.clone()).collect();
    for s in &report.stations {
        if !out.contains(&s.direction) {
            out.push(s.direction.clone());
        }
    }
    out
}
