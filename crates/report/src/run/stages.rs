//! The Time Release Study: time per stage, per direction, as stacked bars; arrival to
//! release and to exit by segment; the risk channels.

use bordersim_experiment::{Report, StationReport};

use super::{directions_of, station_colour};
use crate::format::{count, minutes, number, opt, percent};
use crate::html::{Page, Table};
use crate::svg::{CategoryChart, Style, Value};

pub(super) fn stages(page: &mut Page, report: &Report) {
    page.section("trs", "Time Release Study");
    let reps = report.replications;
    let directions = directions_of(report);
    let station_ids: Vec<&StationReport> = report
        .stations
        .iter()
        .filter(|s| s.stage.count > 0)
        .collect();
    let mut names: Vec<String> = station_ids.iter().map(|s| s.id.clone()).collect();
    names.push("other: upstream of a full queue".into());
    let mut rows = Vec::new();
    let mut data = Table::new(
        &[
            "direction",
            "stage",
            "vehicles stopping",
            "mean at stage (min)",
            "per vehicle of the direction (min)",
        ],
        2,
    );
    for direction in &directions {
        let Some(dir) = report.directions.iter().find(|d| &d.id == direction) else {
            continue;
        };
        let total = dir.time_in_system.count;
        if total == 0 {
            continue;
        }
        let mut values: Vec<Option<Value>> = Vec::new();
        let mut sum = 0.0;
        for s in &station_ids {
            if &s.direction != direction {
                values.push(None);
                continue;
            }
            let per_vehicle =
                s.stage.mean_s.unwrap_or(0.0) / 60.0 * s.stage.count as f64 / total as f64;
            sum += per_vehicle;
            data.row(vec![
                direction.clone(),
                s.id.clone(),
                count(s.stage.count),
                minutes(s.stage.mean_s),
                number(per_vehicle, 2),
            ]);
            values.push(Some(Value {
                value: per_vehicle,
                ..Value::default()
            }));
        }
        let rest = dir.time_in_system.mean_s.unwrap_or(0.0) / 60.0 - sum;
        let rest = if rest > 0.005 { rest } else { 0.0 };
        data.row(vec![
            direction.clone(),
            "other: upstream of a full queue, rounding".into(),
            "–".into(),
            "–".into(),
            number(rest, 2),
        ]);
        values.push(Some(Value {
            value: rest,
            ..Value::default()
        }));
        rows.push((direction.clone(), values));
    }
    if !rows.is_empty() {
        let chart = CategoryChart {
            title: "Time Release Study: time per stage".into(),
            x_title: "mean time per vehicle of the direction (min)".into(),
            series: names,
            // Each station in its colour of every plot of the page.
            colours: station_ids
                .iter()
                .map(|s| station_colour(report, &s.id))
                .collect(),
            rows,
            style: Style::Stacked,
            from_zero: true,
            significance: false,
            non_negative: true,
        };
        page.figure(
            "trs-stages",
            &chart.render(),
            &format!(
                "Where a vehicle's time goes, per direction: each stage's mean (end of queue \
                 to end of service) times the share of the direction's vehicles that stop \
                 there, over all {reps} replications; the bars add up to the mean time in \
                 system, the rest being time upstream of a full queue."
            ),
            &data,
        );
    }

    let mut t = Table::new(
        &[
            "interval",
            "segment",
            "vehicles",
            "mean (min)",
            "±95%",
            "p50 (min)",
            "p95 (min)",
            "buffer index",
        ],
        2,
    );
    for i in report
        .trs
        .intervals
        .iter()
        .filter(|i| i.interval == "arrival_to_release" || i.interval == "arrival_to_exit")
    {
        t.row(vec![
            i.interval.replace('_', " "),
            if i.dimension == "all" {
                "all".into()
            } else {
                format!("{}: {}", i.dimension, i.segment)
            },
            count(i.stats.count),
            minutes(i.stats.mean_s),
            minutes(i.stats.ci95_s),
            minutes(i.stats.p50_s),
            minutes(i.stats.p95_s),
            opt(i.stats.buffer_index, 2),
        ]);
    }
    page.heading("Arrival to release and to exit, by segment");
    page.table(&t);
    if !report.trs.channels.is_empty() {
        let mut t = Table::new(&["risk channel", "vehicles", "share"], 1);
        for c in &report.trs.channels {
            t.row(vec![c.channel.clone(), count(c.count), percent(c.share)]);
        }
        page.heading("Risk channels");
        page.table(&t);
    }
}
