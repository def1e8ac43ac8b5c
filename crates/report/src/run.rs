//! The page of `run`: a summary card, stations (distribution of waits, utilisation, queue),
//! the hourly arrival→release profile per direction, the Time Release Study stages, and the
//! cost of delay.

use bordersim_experiment::{DelayStats, HourlyProfile, Report, StationReport};

use crate::format::{count, duration, minutes, number, opt, percent};
use crate::html::{Page, Table, slug};
use crate::svg::{CategoryChart, Series, Style, Value, XyChart};

#[path = "abandonment.rs"]
mod abandonment;

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
    stations(page, report);
    abandonment::write(page, report);
    queues_over_time(page, report);
    hourly(page, report);
    stages(page, report);
    economics(page, report);
}

/// Days of each replication's observation window.
pub fn window_days(report: &Report) -> f64 {
    (report.horizon_s - report.warmup_s) / 86_400.0
}

/// `mean ± half-width` in minutes.
fn mean_ci(d: &DelayStats) -> String {
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

fn stations(page: &mut Page, report: &Report) {
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
        if members.is_empty() {
            continue;
        }
        let series: Vec<Series> = members
            .iter()
            .enumerate()
            .map(|(i, s)| Series {
                name: s.id.clone(),
                points: ecdf_points(&s.wait),
                step: true,
                colour: i,
                markers: true,
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
                 that waited at most x minutes, a step at each recorded percentile (minimum, 50th, \
                 90th, 95th, 99th, maximum; times in minutes)."
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

/// The points of an empirical distribution function known at its percentiles.
fn ecdf_points(d: &DelayStats) -> Vec<(f64, f64)> {
    [
        (d.min_s, 0.0),
        (d.p50_s, 0.5),
        (d.p90_s, 0.9),
        (d.p95_s, 0.95),
        (d.p99_s, 0.99),
        (d.max_s, 1.0),
    ]
    .iter()
    .filter_map(|(x, p)| x.map(|x| (x / 60.0, 100.0 * p)))
    .collect()
}

/// The directions in the order their first station or profile appears.
fn directions_of(report: &Report) -> Vec<String> {
    let mut out: Vec<String> = report.directions.iter().map(|d| d.id.clone()).collect();
    for s in &report.stations {
        if !out.contains(&s.direction) {
            out.push(s.direction.clone());
        }
    }
    out
}

/// The hourly profile's points, as steps over each hour: (hour, value) for 0..=24.
pub fn hourly_steps(values: &[Option<f64>]) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(h, v)| (h as f64, v.map_or(f64::NAN, |s| s / 60.0)))
        .collect();
    if let Some(last) = values.last() {
        points.push((values.len() as f64, last.map_or(f64::NAN, |s| s / 60.0)));
    }
    points
}

/// Every three hours, 0 to 24.
pub fn hour_ticks() -> Vec<f64> {
    (0..=8).map(|k| f64::from(3 * k)).collect()
}

/// Consecutive hours (of 0..24) for which `closed(h)` holds, as ranges to shade.
fn hour_ranges(closed: impl Fn(usize) -> bool) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for h in (0..24).filter(|&h| closed(h)) {
        let h = h as f64;
        match out.last_mut() {
            Some(last) if last.1 == h => last.1 = h + 1.0,
            _ => out.push((h, h + 1.0)),
        }
    }
    out
}

/// The hours of the day in which direction `direction` is closed by its lane schedules:
/// every station where its vehicles enter the crossing (every station of the direction,
/// if none is an entry) has no lane open in that hour on any day of the observation window.
pub fn closed_hours(report: &Report, direction: &str) -> Vec<(f64, f64)> {
    let of_direction: Vec<_> = report
        .lanes_by_hour
        .iter()
        .filter(|s| s.direction == direction)
        .collect();
    let entries: Vec<_> = of_direction.iter().filter(|s| s.entry).copied().collect();
    let stations = if entries.is_empty() {
        of_direction
    } else {
        entries
    };
    if stations.is_empty() {
        return Vec::new();
    }
    hour_ranges(|h| stations.iter().all(|s| s.lanes_by_hour.get(h) == Some(&0)))
}

/// What the shading of closed hours means (legend).
pub const CLOSED_LABEL: &str = "closed: no lane open at the entry by schedule";

/// An interval band over each hour, in minutes: `(h, mean − ci, mean + ci)` and the same at
/// `h + 1` (a step), with a gap (NaN) at hours without a value or an interval.
pub fn hourly_band(values: &[(Option<f64>, Option<f64>)]) -> Vec<(f64, f64, f64)> {
    let mut band = Vec::with_capacity(2 * values.len());
    for (h, v) in values.iter().enumerate() {
        match v {
            (Some(m), Some(ci)) => {
                let (lo, hi) = ((m - ci).max(0.0) / 60.0, (m + ci) / 60.0);
                band.push((h as f64, lo, hi));
                band.push((h as f64 + 1.0, lo, hi));
            }
            _ => band.push((h as f64, f64::NAN, f64::NAN)),
        }
    }
    band
}

/// The 24 hourly rows of `direction`, hour 0 first.
pub fn hourly_rows<'a>(report: &'a Report, direction: &str) -> Vec<&'a HourlyProfile> {
    report
        .trs
        .hourly
        .iter()
        .filter(|h| h.direction == direction)
        .collect()
}

fn hourly(page: &mut Page, report: &Report) {
    page.section("hourly", "Arrival to release by hour of arrival");
    let reps = report.replications;
    for direction in directions_of(report) {
        let hours = hourly_rows(report, &direction);
        if hours.iter().all(|h| h.count == 0) {
            continue;
        }
        let means: Vec<Option<f64>> = hours.iter().map(|h| h.mean_s).collect();
        let p95s: Vec<Option<f64>> = hours.iter().map(|h| h.p95_rep_mean_s).collect();
        let chart = XyChart {
            title: format!("Arrival to release by hour, {direction}"),
            x_title: "hour of arrival (h, 0–24)".into(),
            y_title: "arrival to release (min)".into(),
            series: vec![
                Series {
                    name: "mean".into(),
                    points: hourly_steps(&means),
                    band: hourly_band(
                        &hours
                            .iter()
                            .map(|h| (h.mean_s, h.mean_ci95_s))
                            .collect::<Vec<_>>(),
                    ),
                    step: true,
                    colour: 0,
                    ..Series::default()
                },
                Series {
                    name: "95th percentile".into(),
                    points: hourly_steps(&p95s),
                    band: hourly_band(
                        &hours
                            .iter()
                            .map(|h| (h.p95_rep_mean_s, h.p95_rep_mean_ci95_s))
                            .collect::<Vec<_>>(),
                    ),
                    step: true,
                    dashed: true,
                    colour: 5,
                    ..Series::default()
                },
            ],
            x_range: Some((0.0, 24.0)),
            x_ticks: Some(hour_ticks()),
            shaded: closed_hours(report, &direction),
            shaded_label: CLOSED_LABEL.into(),
            ..XyChart::default()
        };
        let mut data = Table::new(
            &[
                "hour",
                "vehicles",
                "mean (min)",
                "±95%",
                "p95 (min)",
                "±95%",
                "p95 pooled (min)",
            ],
            0,
        );
        for h in &hours {
            data.row(vec![
                format!("{:02}:00", h.hour),
                count(h.count),
                minutes(h.mean_s),
                minutes(h.mean_ci95_s),
                minutes(h.p95_rep_mean_s),
                minutes(h.p95_rep_mean_ci95_s),
                minutes(h.p95_s),
            ]);
        }
        page.figure(
            &format!("hourly-{}", slug(&direction)),
            &chart.render(),
            &format!(
                "Time from arrival to the release of the goods of direction {direction}, by \
                 hour of arrival: the mean and the 95th percentile of each replication, \
                 averaged over {reps} replications, with their 95% intervals (bands; none from \
                 a single replication); the table adds the 95th percentile of every vehicle \
                 pooled. Hours in which the direction's entry has no lane open by schedule \
                 are shaded."
            ),
            &data,
        );
    }
}

/// One line of the queue plot: its label, and per bin the mean, its 95% half-width and the
/// largest queue (vehicles).
type QueueLine = (String, Vec<Option<f64>>, Vec<Option<f64>>, Vec<Option<f64>>);

/// Queue length over simulated time: per direction, the approach (vehicles on the road
/// upstream of each entry station's full storage) and each station's queue, mean over
/// replications per time bin with its 95% interval.
fn queues_over_time(page: &mut Page, report: &Report) {
    let Some(series) = &report.series else {
        return;
    };
    page.section("queues-over-time", "Queues over time");
    let reps = report.replications;
    let hours: Vec<f64> = series.bin_start_s.iter().map(|s| s / 3600.0).collect();
    let end_h = report.horizon_s / 3600.0;
    let stat = |st: &bordersim_experiment::StationSeries, name: &str| {
        st.statistics.iter().find(|s| s.statistic == name).cloned()
    };
    for direction in directions_of(report) {
        // (label, means, ci95s, maxima) per line.
        let mut lines: Vec<QueueLine> = Vec::new();
        for st in series.stations.iter().filter(|s| s.direction == direction) {
            // An approach nobody ever waited on (unlimited storage) is left out: its line
            // would lie on zero under the stations' own.
            if st.entry
                && let (Some(mean), Some(max)) =
                    (stat(st, "road_queue_mean"), stat(st, "road_queue_max"))
                && max.values.iter().any(|v| v.is_some_and(|v| v > 0.0))
            {
                lines.push((
                    format!("approach to {}", st.station),
                    mean.values,
                    mean.ci95,
                    max.values,
                ));
            }
        }
        for st in series.stations.iter().filter(|s| s.direction == direction) {
            if let (Some(mean), Some(max)) = (stat(st, "queue_mean"), stat(st, "queue_max")) {
                lines.push((st.station.clone(), mean.values, mean.ci95, max.values));
            }
        }
        if lines.is_empty() {
            continue;
        }
        let steps = |values: &[Option<f64>]| -> Vec<(f64, f64)> {
            let mut points: Vec<(f64, f64)> = hours
                .iter()
                .zip(values)
                .map(|(h, v)| (*h, v.unwrap_or(f64::NAN)))
                .collect();
            if let Some(last) = values.last() {
                points.push((end_h, last.unwrap_or(f64::NAN)));
            }
            points
        };
        let band = |values: &[Option<f64>], ci: &[Option<f64>]| -> Vec<(f64, f64, f64)> {
            let mut band = Vec::with_capacity(2 * values.len());
            for (b, (v, c)) in values.iter().zip(ci).enumerate() {
                let end = hours.get(b + 1).copied().unwrap_or(end_h);
                match (v, c) {
                    (Some(m), Some(c)) => {
                        let (lo, hi) = ((m - c).max(0.0), m + c);
                        band.push((hours[b], lo, hi));
                        band.push((end, lo, hi));
                    }
                    _ => band.push((hours[b], f64::NAN, f64::NAN)),
                }
            }
            band
        };
        let chart = XyChart {
            title: format!("Queue length over time, {direction}"),
            x_title: "simulated time from the start of the run (h)".into(),
            y_title: "vehicles in queue, time-weighted mean per bin (vehicles)".into(),
            series: lines
                .iter()
                .enumerate()
                .map(|(i, (name, mean, ci, _))| Series {
                    name: name.clone(),
                    points: steps(mean),
                    band: band(mean, ci),
                    step: true,
                    dashed: name.starts_with("approach"),
                    colour: i,
                    ..Series::default()
                })
                .collect(),
            x_range: Some((0.0, end_h)),
            shaded: if report.warmup_s > 0.0 {
                vec![(0.0, report.warmup_s / 3600.0)]
            } else {
                Vec::new()
            },
            shaded_label: "warm-up (not in the other statistics)".into(),
            ..XyChart::default()
        };
        let mut titles = vec!["bin start".to_owned()];
        for (name, ..) in &lines {
            titles.push(format!("{name}: mean (vehicles)"));
            titles.push("±95%".to_owned());
            titles.push("max (vehicles)".to_owned());
        }
        let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
        let mut data = Table::new(&refs, 1);
        for (b, start) in series.bin_start_s.iter().enumerate() {
            let mut row = vec![clock(*start)];
            for (_, mean, ci, max) in &lines {
                row.push(opt(mean[b], 2));
                row.push(opt(ci[b], 2));
                row.push(opt(max[b], 1));
            }
            data.row(row);
        }
        page.figure(
            &format!("queues-over-time-{}", slug(&direction)),
            &chart.render(),
            &format!(
                "Vehicles waiting over the simulated time, direction {direction}: in each \
                 station's queue (not in service) and, where vehicles had to wait there, on \
                 the approach road upstream of an entry station's full storage (dashed; with \
                 unlimited storage the approach queue is the entry station's own), \
                 time-weighted mean over each \
                 {} bin, averaged over {reps} replications, with its 95% interval (band); the \
                 table adds the mean over replications of each bin's largest queue. The \
                 warm-up is shaded.",
                duration(series.bin_s)
            ),
            &data,
        );
    }
}

/// A time from the start of the run as `day d, hh:mm` (day 1 first).
fn clock(seconds: f64) -> String {
    let total_min = (seconds / 60.0).round() as u64;
    let (day, min) = (total_min / 1440, total_min % 1440);
    format!("day {}, {:02}:{:02}", day + 1, min / 60, min % 60)
}

fn stages(page: &mut Page, report: &Report) {
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
            rows,
            style: Style::Stacked,
            from_zero: true,
            significance: false,
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

fn economics(page: &mut Page, report: &Report) {
    page.section("economics", "Cost of delay");
    let reps = report.replications;
    let rows: Vec<(String, Vec<Option<Value>>)> = report
        .economics
        .iter()
        .map(|e| {
            (
                e.id.clone(),
                vec![Some(Value::with_ci(
                    e.delay_vehicle_hours_per_day,
                    e.delay_vehicle_hours_per_day_ci95,
                ))],
            )
        })
        .collect();
    let chart = CategoryChart {
        title: "Vehicle-hours of delay per day".into(),
        x_title: "vehicle-hours waiting per day (vehicle-h/day)".into(),
        rows,
        style: Style::Grouped,
        ..CategoryChart::default()
    };
    let mut data = Table::new(
        &[
            "class",
            "value of time per hour",
            "vehicle-hours per day",
            "±95%",
            "value per day",
            "±95%",
            "value per year",
        ],
        1,
    );
    for e in &report.economics {
        data.row(vec![
            e.id.clone(),
            opt(e.value_of_time_per_h, 2),
            number(e.delay_vehicle_hours_per_day, 1),
            opt(e.delay_vehicle_hours_per_day_ci95, 1),
            number(e.value_per_day, 0),
            opt(e.value_per_day_ci95, 0),
            number(e.value_per_year, 0),
        ]);
    }
    page.figure(
        "economics",
        &chart.render(),
        &format!(
            "Vehicle-hours spent waiting (in queues and upstream of full ones) per day of the \
             observation window, per class and in all: mean over {reps} replications with its \
             95% interval; the table values them at each class's value of time (money in the \
             unit of the scenario's values of time, a year = 365 days)."
        ),
        &data,
    );
}
