//! The run page's section on the recovery from the scenario's events (closures, outages,
//! slowdowns, surges): the extra vehicle-hours they cause against the same vehicles
//! without them, when the last event ends and when the crossing is back to normal (the
//! mean over replications of the end of the last hour in which the runs with and without
//! the events differ), with the extra vehicles in the crossing hour by hour.

use bordersim_experiment::{BackToNormal, Report};

use crate::format::{number, opt};
use crate::html::{Page, Table};
use crate::svg::{Series, XyChart};

/// `"hour 5.00 ± 0.00"`, or "not within the run".
fn instant(b: &BackToNormal) -> String {
    match (b.recovered_h, b.recovered_h_ci95) {
        (Some(h), Some(ci)) => format!("hour {} ± {}", number(h, 2), number(ci, 2)),
        (Some(h), None) => format!("hour {}", number(h, 2)),
        (None, _) => "not within the run".into(),
    }
}

/// `"3.00 ± 0.00 h"`, or "not within the run".
fn took(b: &BackToNormal) -> String {
    match (b.recovery_h, b.recovery_h_ci95) {
        (Some(h), Some(ci)) => format!("{} ± {} h", number(h, 2), number(ci, 2)),
        (Some(h), None) => format!("{} h", number(h, 2)),
        (None, _) => "not within the run".into(),
    }
}

/// The share of replications not back by the end of the run, in percent.
fn not_back(b: &BackToNormal) -> String {
    format!("{} %", number(b.not_recovered_share * 100.0, 0))
}

/// The "Recovery after events" section, when the scenario has events.
pub(super) fn write(page: &mut Page, report: &Report) {
    let Some(r) = &report.recovery else {
        return;
    };
    page.section("recovery", "Recovery after events");
    page.card(
        "recovery-card",
        &[
            (
                "extra vehicle-hours in the crossing",
                match r.extra_vehicle_hours_ci95 {
                    Some(ci) => format!("{} ± {}", number(r.extra_vehicle_hours, 1), number(ci, 1)),
                    None => number(r.extra_vehicle_hours, 1),
                },
            ),
            (
                "last event ends",
                format!("hour {}", number(r.events_end_h, 2)),
            ),
            ("back to normal for good at", instant(&r.back)),
            ("time to recover", took(&r.back)),
            ("replications not back by the end", not_back(&r.back)),
        ],
    );
    let mut events = Table::new(
        &[
            "event",
            "from (h)",
            "to (h)",
            "first back at",
            "time to recover",
            "not back by the end",
        ],
        1,
    );
    for e in &r.events {
        events.row(vec![
            e.kind.to_owned(),
            number(e.from_h, 2),
            number(e.to_h, 2),
            instant(&e.back),
            took(&e.back),
            not_back(&e.back),
        ]);
    }
    page.table(&events);
    let band = r
        .extra_by_hour
        .iter()
        .zip(&r.extra_by_hour_ci95)
        .enumerate()
        .map(|(h, (m, ci))| {
            let w = ci.unwrap_or(0.0);
            (h as f64 + 0.5, m - w, m + w)
        })
        .collect();
    let chart = XyChart {
        title: "Extra vehicles in the crossing by hour".into(),
        x_title: "simulated time from the start of the run (h)".into(),
        y_title: "extra vehicles in the crossing, hourly mean (vehicles)".into(),
        x_range: Some((0.0, r.extra_by_hour.len() as f64)),
        series: vec![Series {
            name: "with the events − without".into(),
            points: r
                .extra_by_hour
                .iter()
                .enumerate()
                .map(|(h, &m)| (h as f64 + 0.5, m))
                .collect(),
            band,
            ..Series::default()
        }],
        shaded: vec![(0.0, r.events_end_h)],
        shaded_label: "up to the end of the last event".into(),
        reference: Some((0.0, "no-event level".into())),
        ..XyChart::default()
    };
    let mut data = Table::new(&["hour", "extra vehicles (mean)", "±95%"], 1);
    for (h, (m, ci)) in r
        .extra_by_hour
        .iter()
        .zip(&r.extra_by_hour_ci95)
        .enumerate()
    {
        data.row(vec![h.to_string(), number(*m, 2), opt(*ci, 2)]);
    }
    page.figure(
        "recovery-by-hour",
        &chart.render(),
        &format!(
            "The vehicles in the crossing with the scenario's events less those without \
             them, on the same vehicles (common random numbers), time-weighted mean per \
             hour over {} replications with its 95% interval (band). The two runs are \
             identical once the backlog has drained; a replication is back to normal for good \
             at the end of the last hour in which they differ (not before the last event \
             ends), and after one event first back at the start of the first whole hour in \
             which they do not. The card and the table give the mean over the replications \
             back by the end of the run with its 95% interval, and the share that are not.",
            report.replications
        ),
        &data,
    );
}
