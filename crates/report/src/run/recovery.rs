//! The run page's section on the recovery from the scenario's events (closures, outages,
//! slowdowns, surges): the extra vehicle-hours they cause against the same vehicles
//! without them, when the last event ends and the hour the crossing is back at its
//! no-event level, with the extra vehicles in the crossing hour by hour.

use bordersim_experiment::Report;

use crate::format::{number, opt};
use crate::html::{Page, Table};
use crate::svg::{Series, XyChart};

/// A number of hours, or "not within the run".
fn hours(h: Option<f64>) -> String {
    h.map_or_else(
        || "not within the run".into(),
        |h| format!("{} h", number(h, 1)),
    )
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
            (
                "back at the no-event level from",
                r.recovered_h
                    .map_or_else(|| "not within the run".into(), |h| format!("hour {h}")),
            ),
            ("time to recover", hours(r.recovery_h)),
        ],
    );
    let mut events = Table::new(
        &[
            "event",
            "from (h)",
            "to (h)",
            "back at hour",
            "time to recover (h)",
        ],
        1,
    );
    for e in &r.events {
        events.row(vec![
            e.kind.to_owned(),
            number(e.from_h, 2),
            number(e.to_h, 2),
            e.recovered_h.map_or_else(|| "–".into(), |h| h.to_string()),
            opt(e.recovery_h, 1),
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
             hour over {} replications with its 95% interval (band). The crossing is back \
             at its no-event level from the first hour after the last event from which \
             every later hour's interval reaches zero.",
            report.replications
        ),
        &data,
    );
}
