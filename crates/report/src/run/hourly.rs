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

/// The hours of the day an hour-of-day chart spans: the whole day (0–24) for an
/// observation window `[warm-up, horizon)` (seconds) of a day or more, or one that crosses
/// midnight; else the whole hours the window covers (a 2-hour run: 0–2), so that a short
/// run fills the chart's width instead of a twelfth of it.
pub fn day_span(warmup_s: f64, horizon_s: f64) -> (f64, f64) {
    let (a, b) = ((warmup_s / 3600.0).floor(), (horizon_s / 3600.0).ceil());
    if horizon_s - warmup_s >= 24.0 * 3600.0 || b > 24.0 || b <= a {
        (0.0, 24.0)
    } else {
        (a, b)
    }
}

/// The ticks of an hour-of-day axis over `span`: every 3 hours over more than 12 hours,
/// every 2 over more than 6, else every hour.
pub fn span_ticks((lo, hi): (f64, f64)) -> Vec<f64> {
    let step = if hi - lo > 12.0 {
        3.0
    } else if hi - lo > 6.0 {
        2.0
    } else {
        1.0
    };
    let mut t = Vec::new();
    let mut h = (lo / step).ceil() * step;
    while h <= hi + 1e-9 {
        t.push(h);
        h += step;
    }
    t
}

/// An hour-of-day x axis over `span`: its title (`what`, the unit and the span) and ticks.
pub fn day_axis(what: &str, span: (f64, f64)) -> (String, Vec<f64>) {
    (
        format!("{what} (h, {}–{})", span.0, span.1),
        span_ticks(span),
    )
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
        let span = day_span(report.warmup_s, report.horizon_s);
        let (x_title, x_ticks) = day_axis("hour of arrival", span);
        let chart = XyChart {
            title: format!("Arrival to release by hour, {direction}"),
            x_title,
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
                    non_negative: true,
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
                    non_negative: true,
                    dashed: true,
                    colour: 5,
                    ..Series::default()
                },
            ],
            x_range: Some(span),
            x_ticks: Some(x_ticks),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svg::{extents, subpaths};

    #[test]
    fn a_short_window_spans_its_own_hours() {
        let h = 3600.0;
        assert_eq!(day_span(0.0, 2.0 * h), (0.0, 2.0));
        assert_eq!(day_span(0.0, 1.5 * h), (0.0, 2.0));
        assert_eq!(day_span(h, 3.0 * h), (1.0, 3.0));
        assert_eq!(day_span(0.0, 24.0 * h), (0.0, 24.0));
        assert_eq!(day_span(0.0, 7.0 * 24.0 * h), (0.0, 24.0));
        // Across midnight the hours of the day are not one range: the whole day.
        assert_eq!(day_span(20.0 * h, 30.0 * h), (0.0, 24.0));
        assert_eq!(span_ticks((0.0, 2.0)), [0.0, 1.0, 2.0]);
        assert_eq!(span_ticks((0.0, 24.0)), hour_ticks());
        assert_eq!(span_ticks((1.0, 9.0)), [2.0, 4.0, 6.0, 8.0]);
        assert_eq!(
            day_axis("hour of arrival", (0.0, 2.0)).0,
            "hour of arrival (h, 0–2)"
        );
    }

    /// The worst hour before a gap (19:00, then no vehicle at 20:00) and the last hour of
    /// the day are drawn as whole steps, as far as their bands.
    #[test]
    fn the_hour_before_a_gap_and_the_last_hour_are_whole_steps() {
        let mut means: Vec<Option<f64>> =
            (0..24).map(|h| Some(600.0 + 60.0 * f64::from(h))).collect();
        means[20] = None;
        means[19] = Some(8066.0);
        let cis: Vec<(Option<f64>, Option<f64>)> =
            means.iter().map(|m| (*m, m.map(|_| 120.0))).collect();
        let chart = XyChart {
            series: vec![Series {
                name: "mean".into(),
                points: hourly_steps(&means),
                band: hourly_band(&cis),
                step: true,
                non_negative: true,
                ..Series::default()
            }],
            x_range: Some((0.0, 24.0)),
            x_ticks: Some(hour_ticks()),
            ..XyChart::default()
        }
        .render();
        let lines = extents(&subpaths(&chart, "fill=\"none\""));
        let bands = extents(&subpaths(&chart, "class=\"band\""));
        // 680 px over 24 h: hour 20 starts at 64 + 680 × 20/24.
        assert_eq!(lines, vec![(64.0, 630.7), (659.0, 744.0)]);
        assert_eq!(lines, bands);
    }
}
