//! The stations: their table, the distribution of waits per direction, utilisation and the
//! mean queue per station.

use bordersim_experiment::{Report, StationReport};

use super::{directions_of, window_days};
use crate::format::{count, minutes, number, opt, percent};
use crate::html::{Page, Table, slug};
use crate::svg::{CategoryChart, Series, Style, Value, XyChart};

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
    let points = bordersim_experiment::WAIT_DISTRIBUTION_POINTS;
    for direction in directions_of(report) {
        let members: Vec<&StationReport> = report
            .stations
            .iter()
            .filter(|s| s.direction == direction && s.wait.count > 0)
            .collect();
        if members.is_empty() {
            continue;
        }
        let series: Vec<Series> = members
            .iter()
            .enumerate()
            .map(|(i, s)| Series {
                name: s.id.clone(),
                points: ecdf_points(s),
                step: true,
                colour: i,
                markers: false,
                ..Series::default()
            })
            .collect();
        let chart = XyChart {
            title: format!("Distribution of waits, {direction}"),
            x_title: "wait in queue (min)".into(),
            y_title: "vehicles waiting at most x (%)".into(),
            series,
            ..XyChart::default()
        };
        let mut data = Table::new(
            &[
                "station", "vehicles", "min", "p50", "p90", "p95", "p99", "max", "mean",
            ],
            1,
        );
        for s in &members {
            let w = &s.wait;
            data.row(vec![
                s.id.clone(),
                count(w.count),
                minutes(w.min_s),
                minutes(w.p50_s),
                minutes(w.p90_s),
                minutes(w.p95_s),
                minutes(w.p99_s),
                minutes(w.max_s),
                minutes(w.mean_s),
            ]);
        }
        page.figure(
            &format!("waits-{}", slug(&direction)),
            &chart.render(),
            &format!(
                "Distribution of the wait in queue at each station of direction {direction}, \
                 every vehicle of all {reps} replications pooled: the percentage of vehicles \
                 that waited at most x minutes, read off the merged histogram (up to {points} \
                 steps a station, the last at the longest wait); the table gives its \
                 percentiles and mean (times in minutes)."
            ),
            &data,
        );
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

/// The points of a station's empirical distribution function of waits (minutes, %): from
/// 0% at the shortest wait, a step at each point of the merged histogram's distribution.
fn ecdf_points(s: &StationReport) -> Vec<(f64, f64)> {
    s.wait
        .min_s
        .map(|m| (m / 60.0, 0.0))
        .into_iter()
        .chain(
            s.wait_distribution
                .iter()
                .map(|&(x, share)| (x / 60.0, 100.0 * share)),
        )
        .collect()
}
