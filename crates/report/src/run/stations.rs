//! The stations: their table, the distribution of waits per direction, utilisation and the
//! mean queue per station.

mod distribution;

use bordersim_experiment::{Report, StationReport};

use super::{directions_of, window_days};
use crate::format::{count, minutes, number, opt, percent};
use crate::html::{Page, Table};
use crate::svg::{CategoryChart, Style, Value};

pub(super) fn stations(page: &mut Page, report: &Report) {
    page.section("stations", "Stations");
    let days = window_days(report);
    let mut t = Table::new(
        &[
            "station",
            "direction",
            "lanes",
            "wait mean (min)",
            "±95%",
            "wait p95 (min)",
            "utilisation",
            "±95%",
            "queue mean (vehicles)",
            "queue max",
            "lane-hours per day",
            "served per hour",
        ],
        2,
    );
    for s in &report.stations {
        t.row(vec![
            s.id.clone(),
            s.direction.clone(),
            count(s.servers),
            minutes(s.wait.mean_s),
            minutes(s.wait.ci95_s),
            minutes(s.wait.p95_s),
            s.utilization.map_or_else(|| "–".into(), percent),
            s.utilization_ci95.map_or_else(|| "–".into(), percent),
            number(s.queue_length.mean, 2),
            count(s.queue_length.max),
            number(s.lane_hours / days, 1),
            number(s.throughput_per_h, 1),
        ]);
    }
    page.table(&t);

    let reps = report.replications;
    for direction in directions_of(report) {
        let members: Vec<&StationReport> = report
            .stations
            .iter()
            .filter(|s| s.direction == direction && s.wait.count > 0)
            .collect();
        distribution::figure(page, report, &direction, reps, &members);
    }

    // A station with no scheduled lane in the window has no utilisation: no bar.
    let rows = |value: &dyn Fn(&StationReport) -> Option<Value>| {
        report
            .stations
            .iter()
            .filter(|s| s.merged_into.is_none())
            .map(|s| (s.id.clone(), vec![value(s)]))
            .collect::<Vec<_>>()
    };
    let chart = CategoryChart {
        title: "Utilisation per station".into(),
        x_title: "utilisation: busy lanes / staffed lanes (%)".into(),
        rows: rows(&|s| {
            s.utilization
                .map(|u| Value::with_ci(100.0 * u, s.utilization_ci95.map(|c| 100.0 * c)))
        }),
        style: Style::Grouped,
        non_negative: true,
        ..CategoryChart::default()
    };
    let mut data = Table::new(
        &[
            "station",
            "utilisation (%)",
            "±95%",
            "offered load per lane",
        ],
        1,
    );
    for s in report.stations.iter().filter(|s| s.merged_into.is_none()) {
        data.row(vec![
            s.id.clone(),
            opt(s.utilization.map(|u| 100.0 * u), 1),
            opt(s.utilization_ci95.map(|c| 100.0 * c), 1),
            number(s.offered_load, 2),
        ]);
    }
    page.figure(
        "utilisation",
        &chart.render(),
        &format!(
            "Time-weighted share of staffed lanes that are busy, per station: mean over \
             {reps} replications with its 95% interval (controls merged into a joint stop are \
             counted there)."
        ),
        &data,
    );

    let chart = CategoryChart {
        title: "Mean queue per station".into(),
        x_title: "vehicles in queue, time-weighted mean (vehicles)".into(),
        rows: rows(&|s| Some(Value::with_ci(s.queue_length.mean, s.queue_length.ci95))),
        style: Style::Grouped,
        non_negative: true,
        ..CategoryChart::default()
    };
    let mut data = Table::new(&["station", "mean (vehicles)", "±95%", "max (vehicles)"], 1);
    for s in report.stations.iter().filter(|s| s.merged_into.is_none()) {
        data.row(vec![
            s.id.clone(),
            number(s.queue_length.mean, 2),
            opt(s.queue_length.ci95, 2),
            count(s.queue_length.max),
        ]);
    }
    page.figure(
        "queues",
        &chart.render(),
        &format!(
            "Vehicles waiting in each station's queue (not in service), time-weighted over the \
             observation window: mean over {reps} replications with its 95% interval; the \
             table adds the largest queue seen in any replication."
        ),
        &data,
    );
}
