//! The hourly arrival-to-release profile per direction, and the hour-of-day helpers the
//! comparison page shares: steps, interval bands, ticks and the closed hours.

use bordersim_experiment::{HourlyProfile, Report};

use super::directions_of;
use crate::format::{count, minutes};
use crate::html::{Page, Table, slug};
use crate::svg::{Series, XyChart};

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

/// The hours of the day in which direction `direction` was closed: every station where its
/// vehicles enter the crossing (every station of the direction, if none is an entry) had no
/// lane open in that hour, in any replication, over the observation window — the lanes the
/// engine actually opened (`open_lanes`: schedules, lane rules, outages and closures), not
/// the schedule alone. An hour the window does not hold falls back to the schedule.
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
    // Each station's row of every lane group together.
    let open: Vec<Option<&[_]>> = stations
        .iter()
        .map(|s| {
            report
                .open_lanes
                .iter()
                .find(|o| o.station == s.station && o.lane_group == "all")
                .map(|o| o.hours.as_slice())
        })
        .collect();
    hour_ranges(|h| {
        stations.iter().zip(&open).all(|(s, open)| {
            match open
                .and_then(|hours| hours.get(h))
                .and_then(|o| o.lanes_mean)
            {
                Some(lanes) => lanes == 0.0,
                None => s.lanes_by_hour.get(h) == Some(&0),
            }
        })
    })
}

/// What the shading of closed hours means (legend).
pub const CLOSED_LABEL: &str = "closed: no lane open at the entry";

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

pub(super) fn hourly(page: &mut Page, report: &Report) {
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
                 pooled. Hours in which no lane of the direction's entry was open (as the \
                 schedules, lane rules and events opened them, in every replication) are \
                 shaded."
            ),
            &data,
        );
    }
}
