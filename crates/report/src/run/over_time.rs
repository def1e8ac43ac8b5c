//! Queues and waits over the simulated time, per direction, in the series' time bins: the
//! queue at each station and on the approach, and the mean wait of the vehicles starting
//! service at each station, each a mean over replications with its 95% band.

use bordersim_experiment::{Report, SeriesReport, SeriesStatistic, StationSeries};

use super::{directions_of, station_colour};
use crate::format::{duration, push_whole};
use crate::html::{Page, Table, slug};
use crate::svg::{Series, XyChart};

/// One line of the queue plot: its label, its station's colour, and per bin the mean, its
/// 95% half-width and the largest queue (vehicles).
type QueueLine<'a> = (String, usize, &'a SeriesStatistic, &'a [Option<f64>]);

/// The time axis of a series: each bin's start and the end of the last bin (the horizon),
/// in hours from time zero.
struct Bins {
    start_h: Vec<f64>,
    end_h: f64,
}

impl Bins {
    fn of(series: &SeriesReport, report: &Report) -> Bins {
        Bins {
            start_h: series.bin_start_s.iter().map(|s| s / 3600.0).collect(),
            end_h: report.horizon_s / 3600.0,
        }
    }

    /// The end of bin `b`, hours.
    fn end(&self, b: usize) -> f64 {
        self.start_h.get(b + 1).copied().unwrap_or(self.end_h)
    }

    /// Each bin's value times `scale`, as steps held to the end of the run (NaN: a gap).
    fn steps(&self, values: &[Option<f64>], scale: f64) -> Vec<(f64, f64)> {
        let mut points: Vec<(f64, f64)> = self
            .start_h
            .iter()
            .zip(values)
            .map(|(h, v)| (*h, v.map_or(f64::NAN, |v| v * scale)))
            .collect();
        if let Some(last) = values.last() {
            points.push((self.end_h, last.map_or(f64::NAN, |v| v * scale)));
        }
        points
    }

    /// The 95% band of a statistic times `scale` over each bin (clipped at 0), with a gap
    /// where a bin has no interval.
    fn band(&self, statistic: &SeriesStatistic, scale: f64) -> Vec<(f64, f64, f64)> {
        let mut band = Vec::with_capacity(2 * statistic.values.len());
        for (b, (v, c)) in statistic.values.iter().zip(&statistic.ci95).enumerate() {
            match (v, c) {
                (Some(m), Some(c)) => {
                    let (lo, hi) = ((m - c).max(0.0) * scale, (m + c) * scale);
                    band.push((self.start_h[b], lo, hi));
                    band.push((self.end(b), lo, hi));
                }
                _ => band.push((self.start_h[b], f64::NAN, f64::NAN)),
            }
        }
        band
    }
}

/// An x–y chart over the simulated time, the warm-up shaded.
fn time_chart(report: &Report, bins: &Bins, title: String, y_title: &str) -> XyChart {
    XyChart {
        title,
        x_title: "simulated time from the start of the run (h)".into(),
        y_title: y_title.into(),
        x_range: Some((0.0, bins.end_h)),
        shaded: if report.warmup_s > 0.0 {
            vec![(0.0, report.warmup_s / 3600.0)]
        } else {
            Vec::new()
        },
        shaded_label: "warm-up (not in the other statistics)".into(),
        ..XyChart::default()
    }
}

/// The statistic `name` of a station's series.
fn stat<'a>(st: &'a StationSeries, name: &str) -> Option<&'a SeriesStatistic> {
    st.statistics.iter().find(|s| s.statistic == name)
}

/// Queues and waits over the simulated time, per direction (when the run collected the
/// series).
pub(super) fn queues_over_time(page: &mut Page, report: &Report) {
    let Some(series) = &report.series else {
        return;
    };
    page.section("queues-over-time", "Queues and waits over time");
    let bins = Bins::of(series, report);
    for direction in directions_of(report) {
        queues(page, report, series, &bins, &direction);
        waits(page, report, series, &bins, &direction);
    }
}

/// Queue length over simulated time in `direction`: the approach (vehicles on the road
/// upstream of each entry station's full storage) and each station's queue.
fn queues(page: &mut Page, report: &Report, series: &SeriesReport, bins: &Bins, direction: &str) {
    let reps = report.replications;
    let of_direction = || series.stations.iter().filter(|s| s.direction == direction);
    let mut lines: Vec<QueueLine> = Vec::new();
    for st in of_direction() {
        // An approach nobody ever waited on (unlimited storage) is left out: its line
        // would lie on zero under the stations' own.
        if st.entry
            && let (Some(mean), Some(max)) =
                (stat(st, "road_queue_mean"), stat(st, "road_queue_max"))
            && max.values.iter().any(|v| v.is_some_and(|v| v > 0.0))
        {
            lines.push((
                format!("approach to {}", st.station),
                station_colour(report, &st.station),
                mean,
                &max.values,
            ));
        }
    }
    for st in of_direction() {
        if let (Some(mean), Some(max)) = (stat(st, "queue_mean"), stat(st, "queue_max")) {
            lines.push((
                st.station.clone(),
                station_colour(report, &st.station),
                mean,
                &max.values,
            ));
        }
    }
    if lines.is_empty() {
        return;
    }
    let mut chart = time_chart(
        report,
        bins,
        format!("Queue length over time, {direction}"),
        "vehicles in queue, mean per bin (vehicles)",
    );
    chart.series = lines
        .iter()
        .map(|(name, colour, mean, _)| Series {
            name: name.clone(),
            points: bins.steps(&mean.values, 1.0),
            band: bins.band(mean, 1.0),
            step: true,
            non_negative: true,
            dashed: name.starts_with("approach"),
            colour: *colour,
            ..Series::default()
        })
        .collect();
    let mut titles = vec!["bin start".to_owned()];
    for (name, ..) in &lines {
        titles.push(format!("{name}: mean (vehicles)"));
        titles.push("±95%".to_owned());
        titles.push("max (vehicles)".to_owned());
    }
    let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
    let mut data = Table::new(&refs, 1);
    for (b, start) in series.bin_start_s.iter().enumerate() {
        data.row_with(|row| {
            row.text(&clock(*start));
            for (_, _, mean, max) in &lines {
                row.opt(mean.values[b], 2);
                row.opt(mean.ci95[b], 2);
                row.opt(max[b], 1);
            }
        });
    }
    page.figure(
        &format!("queues-over-time-{}", slug(direction)),
        &chart.render(),
        &format!(
            "Vehicles waiting over the simulated time, direction {direction}: in each \
             station's queue (not in service) and, where vehicles had to wait there, on \
             the approach road upstream of an entry station's full storage (dashed; with \
             unlimited storage the approach queue is the entry station's own), \
             time-weighted mean over each {} bin, averaged over {reps} replications, with \
             its 95% interval (band); the table adds the mean over replications of each \
             bin's largest queue.{}",
            duration(series.bin_s),
            warmup_note(report)
        ),
        &data,
    );
}

/// The mean wait in queue over simulated time at each station of `direction`: the waits
/// that ended (start of service) in each bin. A station where no vehicle ever started
/// service (a control merged into a joint stop) has no line.
fn waits(page: &mut Page, report: &Report, series: &SeriesReport, bins: &Bins, direction: &str) {
    let reps = report.replications;
    let lines: Vec<(&str, &SeriesStatistic)> = series
        .stations
        .iter()
        .filter(|s| s.direction == direction)
        .filter_map(|st| {
            stat(st, "wait_mean_s")
                .filter(|w| w.values.iter().any(Option::is_some))
                .map(|w| (st.station.as_str(), w))
        })
        .collect();
    if lines.is_empty() {
        return;
    }
    let mut chart = time_chart(
        report,
        bins,
        format!("Mean wait over time, {direction}"),
        "mean wait of vehicles starting service (min)",
    );
    chart.series = lines
        .iter()
        .map(|(name, wait)| Series {
            name: (*name).to_owned(),
            colour: station_colour(report, name),
            points: bins.steps(&wait.values, 1.0 / 60.0),
            band: bins.band(wait, 1.0 / 60.0),
            step: true,
            non_negative: true,
            ..Series::default()
        })
        .collect();
    let mut titles = vec!["bin start".to_owned()];
    for (name, _) in &lines {
        titles.push(format!("{name}: mean wait (min)"));
        titles.push("±95%".to_owned());
    }
    let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
    let mut data = Table::new(&refs, 1);
    for (b, start) in series.bin_start_s.iter().enumerate() {
        data.row_with(|row| {
            row.text(&clock(*start));
            for (_, wait) in &lines {
                row.opt(wait.values[b].map(|s| s / 60.0), 2);
                row.opt(wait.ci95[b].map(|s| s / 60.0), 2);
            }
        });
    }
    page.figure(
        &format!("waits-over-time-{}", slug(direction)),
        &chart.render(),
        &format!(
            "Wait in queue over the simulated time, direction {direction}: at each station, \
             the waits that ended (the vehicle started service) in each {} bin, over their \
             number, every vehicle of all {reps} replications weighing alike, with the 95% \
             interval of that ratio across replications (band). A bin in which no vehicle \
             started service has no value (a gap).{}",
            duration(series.bin_s),
            warmup_note(report)
        ),
        &data,
    );
}

/// The caption's word on the shaded warm-up: nothing when the run has none (no shading).
fn warmup_note(report: &Report) -> &'static str {
    if report.warmup_s > 0.0 {
        " The warm-up is shaded."
    } else {
        ""
    }
}

/// A time from the start of the run as `day d, hh:mm` (day 1 first).
fn clock(seconds: f64) -> String {
    let total_min = (seconds / 60.0).round() as u64;
    let (day, min) = (total_min / 1440, total_min % 1440);
    // By hand: a table has a row per bin, hundreds of them.
    let mut out = String::with_capacity(16);
    out.push_str("day ");
    push_whole(&mut out, day + 1);
    out.push_str(", ");
    for (i, n) in [min / 60, min % 60].into_iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        out.push(char::from(b'0' + (n / 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_is_drawn_in_steps_with_its_band_clipped_at_zero() {
        // Bins of 15 min over a 40 min run: the last one ends at the horizon.
        let bins = Bins {
            start_h: vec![0.0, 0.25, 0.5],
            end_h: 40.0 / 60.0,
        };
        let wait = SeriesStatistic {
            statistic: "wait_mean_s".into(),
            values: vec![Some(120.0), None, Some(60.0)],
            ci95: vec![Some(180.0), None, Some(30.0)],
        };
        let minutes = 1.0 / 60.0;
        let points = bins.steps(&wait.values, minutes);
        assert_eq!(points.len(), 4);
        assert_eq!(points[0], (0.0, 2.0));
        assert!(points[1].1.is_nan());
        assert_eq!(points[2], (0.5, 1.0));
        assert_eq!(points[3], (40.0 / 60.0, 1.0));
        let band = bins.band(&wait, minutes);
        // 2 ± 3 min is clipped at 0; the empty bin is a gap; the last bin ends at the
        // horizon.
        assert_eq!(band[0], (0.0, 0.0, 5.0));
        assert_eq!(band[1], (0.25, 0.0, 5.0));
        assert!(band[2].1.is_nan() && band[2].0 == 0.25);
        assert_eq!(band[3], (0.5, 0.5, 1.5));
        assert_eq!(band[4], (40.0 / 60.0, 0.5, 1.5));
        assert_eq!(band.len(), 5);
    }

    #[test]
    fn bin_starts_read_as_day_and_clock_time() {
        assert_eq!(clock(0.0), "day 1, 00:00");
        assert_eq!(clock(900.0), "day 1, 00:15");
        assert_eq!(clock(86_400.0 + 3_600.0 * 13.5), "day 2, 13:30");
        assert_eq!(
            clock(9.0 * 86_400.0 + 3_600.0 * 23.0 + 59.0 * 60.0),
            "day 10, 23:59"
        );
    }
}
