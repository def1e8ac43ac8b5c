//! Lanes open beside demand, by hour of the day, per direction: the lanes each station had
//! open in each hour (time-weighted, as the simulation opened them: a lane rule opens lanes
//! only when its reviews decide to) above the vehicles that joined its queue per hour, so
//! that an hour whose demand outgrows its lanes stands out.

use bordersim_experiment::hourly_groups::{ALL, HourGroupStats, exposure_ms};
use bordersim_experiment::{Report, StationHours};

use super::hourly::{CLOSED_LABEL, closed_hours, day_axis, day_span, hourly_band};
use super::{directions_of, station_colour};
use crate::format::{count, opt};
use crate::html::{Page, Table, slug};
use crate::svg::{Series, XyChart};

/// One station's hours: its lanes by hour, and its hourly row for every lane group and
/// vehicle (24 hours) when it has one.
type StationDay<'a> = (&'a StationHours, Option<&'a [HourGroupStats]>);

/// Vehicles that joined the queue in hour `h` of the day and were served, per hour of that
/// hour in the observation windows (every replication), or `None` when the windows hold
/// none of it.
fn joined_per_h(report: &Report, hours: &[HourGroupStats], h: usize) -> Option<f64> {
    per_hour_of_day(
        hours.get(h)?.count,
        (report.warmup_s, report.horizon_s),
        report.replications,
        h,
    )
}

/// `count` vehicles seen in hour `h` of the day over `replications` observation windows
/// `[warm-up, horizon)` (seconds), per hour of that hour in them; `None` when the window
/// holds none of it.
fn per_hour_of_day(
    count: u64,
    (warmup_s, horizon_s): (f64, f64),
    replications: u32,
    h: usize,
) -> Option<f64> {
    let window_ms = exposure_ms(
        (warmup_s * 1000.0).round() as u64,
        (horizon_s * 1000.0).round() as u64,
        h,
    );
    let hours_seen = window_ms as f64 / 3_600_000.0 * f64::from(replications);
    (hours_seen > 0.0).then(|| count as f64 / hours_seen)
}

/// Steps over the 24 hours: (hour, value) for 0..=24, the last hour held to 24.
fn day_steps(values: &[Option<f64>]) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(h, v)| (h as f64, v.unwrap_or(f64::NAN)))
        .collect();
    if let Some(last) = values.last() {
        points.push((values.len() as f64, last.unwrap_or(f64::NAN)));
    }
    points
}

/// An hour-of-day chart of one line per station (named, in the station's colour), the
/// direction's closed hours shaded.
fn day_chart(
    report: &Report,
    direction: &str,
    title: String,
    y_title: &str,
    lines: Vec<(String, Vec<Option<f64>>)>,
) -> XyChart {
    let span = day_span(report.warmup_s, report.horizon_s);
    let (x_title, x_ticks) = day_axis("hour of the day", span);
    XyChart {
        title,
        x_title,
        y_title: y_title.into(),
        series: lines
            .into_iter()
            .map(|(name, values)| Series {
                colour: station_colour(report, &name),
                name,
                points: day_steps(&values),
                step: true,
                non_negative: true,
                ..Series::default()
            })
            .collect(),
        x_range: Some(span),
        x_ticks: Some(x_ticks),
        shaded: closed_hours(report, direction),
        shaded_label: CLOSED_LABEL.into(),
        ..XyChart::default()
    }
}

/// Lanes open in one hour of the day: the mean and the half-width of its 95% interval.
type OpenHour = (Option<f64>, Option<f64>);

/// The lanes station `station` had open, all its lane groups together, by hour of the day
/// (24 entries), when the report has them.
fn open_hours(report: &Report, station: &str) -> Option<Vec<OpenHour>> {
    report
        .open_lanes
        .iter()
        .find(|r| r.station == station && r.lane_group == ALL)
        .map(|r| {
            r.hours
                .iter()
                .map(|h| (h.lanes_mean, h.lanes_ci95))
                .collect()
        })
}

/// The lanes open by hour at each station of `direction` (a step per station with its
/// interval band) and, where a lane rule sets lanes, the schedule dashed beside them.
fn lanes_chart(
    report: &Report,
    direction: &str,
    stations: &[StationDay],
    open: &[Option<Vec<OpenHour>>],
) -> XyChart {
    let lines = stations
        .iter()
        .zip(open)
        .map(|((s, _), o)| {
            let means = (0..24).map(|h| o.as_ref().and_then(|o| o.get(h)?.0));
            (s.station.clone(), means.collect())
        })
        .collect();
    let mut chart = day_chart(
        report,
        direction,
        format!("Lanes open by hour, {direction}"),
        "lanes open (time-weighted mean, lanes)",
        lines,
    );
    let mut schedules = Vec::new();
    for (i, ((s, _), o)) in stations.iter().zip(open).enumerate() {
        let Some(o) = o.as_ref() else { continue };
        // `hourly_band` turns seconds into minutes: lanes go in × 60 to come out as lanes.
        let band: Vec<OpenHour> = o
            .iter()
            .map(|&(m, c)| (m.map(|m| m * 60.0), c.map(|c| c * 60.0)))
            .collect();
        chart.series[i].band = hourly_band(&band);
        if ruled(report, &s.station) {
            let scheduled = s.lanes_by_hour.iter().map(|&l| Some(f64::from(l)));
            schedules.push(Series {
                name: format!("{}: by schedule", s.station),
                points: day_steps(&scheduled.collect::<Vec<_>>()),
                step: true,
                non_negative: true,
                dashed: true,
                colour: station_colour(report, &s.station),
                ..Series::default()
            });
        }
    }
    chart.series.extend(schedules);
    chart
}

/// Whether a lane rule sets some of station `station`'s lanes.
fn ruled(report: &Report, station: &str) -> bool {
    report
        .open_lanes
        .iter()
        .any(|r| r.station == station && r.lane_group == ALL && r.lane_rule)
}

/// Per direction: the lanes open at each station by hour of the day (time-weighted, beside
/// the schedule where a lane rule sets lanes) and, below them, the vehicles joining each
/// station's queue per hour.
pub(super) fn lanes_and_demand(page: &mut Page, report: &Report) {
    if report.lanes_by_hour.is_empty() {
        return;
    }
    page.section("lanes-and-demand", "Lanes open and demand by hour");
    let reps = report.replications;
    for direction in directions_of(report) {
        let stations: Vec<StationDay> = report
            .lanes_by_hour
            .iter()
            .filter(|s| s.direction == direction)
            .map(|s| {
                let row = report.hourly_groups.iter().find(|r| {
                    r.station == s.station
                        && r.lane_group == ALL
                        && r.class == ALL
                        && r.programme == ALL
                });
                (s, row.map(|r| r.hours.as_slice()))
            })
            .collect();
        if stations.is_empty() {
            continue;
        }
        let open: Vec<Option<Vec<OpenHour>>> = stations
            .iter()
            .map(|(s, _)| open_hours(report, &s.station))
            .collect();
        let lanes = lanes_chart(report, &direction, &stations, &open);
        let demand = day_chart(
            report,
            &direction,
            format!("Demand by hour, {direction}"),
            "vehicles joining the queue (vehicles per hour)",
            stations
                .iter()
                .filter_map(|(s, hours)| {
                    let hours = (*hours)?;
                    let values = (0..24).map(|h| joined_per_h(report, hours, h));
                    Some((s.station.clone(), values.collect()))
                })
                .collect(),
        );
        let mut titles = vec!["hour".to_owned()];
        for (s, _) in &stations {
            titles.push(format!("{}: lanes open (mean)", s.station));
            titles.push("±95%".to_owned());
            titles.push("by schedule".to_owned());
        }
        let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
        let mut lanes_data = Table::new(&refs, 0);
        let mut titles = vec!["hour".to_owned()];
        for (s, _) in &stations {
            titles.push(format!("{}: joined per hour", s.station));
            titles.push("served per hour".to_owned());
            titles.push("±95%".to_owned());
        }
        let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
        let mut demand_data = Table::new(&refs, 0);
        for h in 0..24 {
            let hour = format!("{h:02}:00");
            let mut lanes_row = vec![hour.clone()];
            let mut demand_row = vec![hour];
            for ((s, hours), open) in stations.iter().zip(&open) {
                let stats = hours.and_then(|hours| hours.get(h));
                let (mean, ci95) = open
                    .as_ref()
                    .and_then(|o| o.get(h))
                    .copied()
                    .unwrap_or_default();
                lanes_row.push(opt(mean, 2));
                lanes_row.push(opt(ci95, 2));
                lanes_row.push(count(s.lanes_by_hour.get(h).copied().unwrap_or(0).into()));
                demand_row.push(opt(
                    hours.and_then(|hours| joined_per_h(report, hours, h)),
                    1,
                ));
                demand_row.push(opt(stats.and_then(|s| s.throughput_per_h), 1));
                demand_row.push(opt(stats.and_then(|s| s.throughput_ci95_per_h), 1));
            }
            lanes_data.row(lanes_row);
            demand_data.row(demand_row);
        }
        page.figure(
            &format!("lanes-by-hour-{}", slug(&direction)),
            &lanes.render(),
            &format!(
                "Lanes open by hour of the day, direction {direction}: the lanes each \
                 station had open in each hour, all its lane groups together, as the \
                 simulation opened them (schedules, lane rules, outages and closures), \
                 time-weighted over that hour's hours in the observation window: the \
                 mean over {reps} replications, with its 95% interval (band; none from a \
                 single replication). Where a lane rule sets lanes, the dashed line is the \
                 schedule, which counts the rule at its largest number of lanes. The table \
                 adds, for every station, the most lanes its schedules open at once in \
                 that hour on any day of the window; the JSON and CSV break the lanes \
                 open down by lane group. The demand below is on the same hours. Hours in \
                 which no lane of the direction's entry was open (in every replication) \
                 are shaded."
            ),
            &lanes_data,
        );
        page.figure(
            &format!("demand-by-hour-{}", slug(&direction)),
            &demand.render(),
            &format!(
                "Demand by hour of the day, direction {direction}, beside the lanes above: \
                 the vehicles that joined each station's queue in each hour and were served, \
                 per hour of that hour in the observation windows of all {reps} \
                 replications. The table adds the vehicles served per hour (mean over \
                 replications, with its 95% interval). Closed hours are shaded."
            ),
            &demand_data,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demand_is_a_count_over_the_hours_of_that_hour_in_the_windows() {
        // Window [1 h, 49 h): hour 0 of the day is there twice (24–25 h, 48–49 h), the
        // first midnight being in the warm-up; 30 vehicles over 3 replications: 30 / 6.
        let window = (3600.0, 49.0 * 3600.0);
        assert_eq!(per_hour_of_day(30, window, 3, 0), Some(5.0));
        // Hour 1 is there twice too (1–2 h, 25–26 h); hour 12 twice.
        assert_eq!(per_hour_of_day(12, window, 3, 1), Some(2.0));
        assert_eq!(per_hour_of_day(0, window, 3, 12), Some(0.0));
        // Half an hour of hour 2 in a window [2.5 h, 3 h): 1 vehicle in 0.5 h × 2.
        assert_eq!(per_hour_of_day(1, (9000.0, 10_800.0), 2, 2), Some(1.0));
        // A window without hour 5 has no rate for it.
        assert_eq!(per_hour_of_day(7, (0.0, 3600.0), 4, 5), None);
    }

    /// A 2-hour run: lanes and demand fill the chart's width with both hours drawn whole,
    /// and a schedule given for every hour of the day draws nothing outside the frame.
    #[test]
    fn a_two_hour_run_draws_both_hours_and_nothing_beyond() {
        use crate::svg::{extents, subpaths};
        let span = day_span(0.0, 7200.0);
        let (x_title, x_ticks) = day_axis("hour of the day", span);
        let mut demand = vec![None; 24];
        demand[0] = Some(210.0);
        demand[1] = Some(220.0);
        let schedule = vec![Some(4.0); 24];
        let chart = XyChart {
            x_title,
            series: vec![
                Series {
                    name: "server".into(),
                    points: day_steps(&demand),
                    step: true,
                    ..Series::default()
                },
                Series {
                    name: "server: by schedule".into(),
                    points: day_steps(&schedule),
                    step: true,
                    dashed: true,
                    colour: 1,
                    ..Series::default()
                },
            ],
            x_range: Some(span),
            x_ticks: Some(x_ticks),
            ..XyChart::default()
        }
        .render();
        let lines = extents(&subpaths(&chart, "fill=\"none\""));
        // The frame runs from 64 to 744 px.
        assert_eq!(lines, [(64.0, 744.0), (64.0, 744.0)]);
        assert!(chart.contains("(h, 0–2)"));
    }

    #[test]
    fn the_day_is_drawn_in_steps_held_to_midnight() {
        let mut values = vec![Some(1.0); 24];
        values[3] = None;
        values[23] = Some(4.0);
        let points = day_steps(&values);
        assert_eq!(points.len(), 25);
        assert_eq!(points[0], (0.0, 1.0));
        assert!(points[3].1.is_nan());
        assert_eq!(points[23], (23.0, 4.0));
        assert_eq!(points[24], (24.0, 4.0));
    }
}
