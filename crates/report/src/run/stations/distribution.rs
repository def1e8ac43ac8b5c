//! The distribution of waits at the stations of one direction: each station's empirical
//! distribution function, on an x axis that ends at the 99th percentile (a round value at or
//! just above it) when the longest waits run far beyond it, so that a few very long waits
//! do not squash the curves of everyone else into the first millimetres of the plot.

use bordersim_experiment::{DelayStats, Report, StationReport};

use crate::format::{count, minutes, number};
use crate::html::{Page, Table, slug};
use crate::svg::{Series, XyChart, ticks};

/// Ticks the x axis aims for, as the chart's own axis does.
const X_TICKS: usize = 8;

/// One station's curve: its name, its wait statistics (seconds) and its distribution
/// function (seconds, share 0..=1), as [`StationReport::wait_distribution`].
struct Curve<'a> {
    name: &'a str,
    /// The station's colour on every plot of the page.
    colour: usize,
    wait: &'a DelayStats,
    distribution: &'a [(f64, f64)],
}

/// Where the x axis of waits (minutes) ends when it stops short of the longest wait.
#[derive(Clone, Debug, PartialEq)]
struct Cut {
    /// The axis: from its first tick to `end`, minutes.
    range: (f64, f64),
    /// The largest 99th percentile of the stations, minutes, and its station.
    p99: (f64, String),
    /// The longest wait of the stations, minutes, and its station.
    longest: (f64, String),
}

/// The figure of direction `direction`'s stations with a wait distribution (a report built
/// for a page; none without one), over `reps` replications; nothing when none has one.
pub(super) fn figure(
    page: &mut Page,
    report: &Report,
    direction: &str,
    reps: u32,
    members: &[&StationReport],
) {
    let curves: Vec<Curve> = members
        .iter()
        .filter_map(|s| {
            s.wait_distribution.as_deref().map(|d| Curve {
                name: &s.id,
                colour: super::super::station_colour(report, &s.id),
                wait: &s.wait,
                distribution: d,
            })
        })
        .collect();
    if curves.is_empty() {
        return;
    }
    let (chart, caption) = chart(direction, reps, &curves);
    let mut data = Table::new(
        &[
            "station", "vehicles", "min", "p50", "p90", "p95", "p99", "max", "mean",
        ],
        1,
    );
    for c in &curves {
        let w = c.wait;
        data.row(vec![
            c.name.to_owned(),
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
        &format!("waits-{}", slug(direction)),
        &chart.render(),
        &caption,
        &data,
    );
}

/// The chart of `curves` and its caption.
fn chart(direction: &str, reps: u32, curves: &[Curve]) -> (XyChart, String) {
    let points = bordersim_experiment::WAIT_DISTRIBUTION_POINTS;
    let cut = cut(curves);
    let end = cut.as_ref().map_or(f64::INFINITY, |c| c.range.1);
    let series = curves
        .iter()
        .map(|c| Series {
            name: c.name.to_owned(),
            points: clipped(&ecdf_points(c), end),
            step: true,
            colour: c.colour,
            ..Series::default()
        })
        .collect();
    let chart = XyChart {
        title: format!("Distribution of waits, {direction}"),
        x_title: "wait in queue (min)".into(),
        y_title: "vehicles waiting at most x (%)".into(),
        series,
        x_range: cut.as_ref().map(|c| c.range),
        ..XyChart::default()
    };
    let axis = match &cut {
        Some(Cut {
            range: (_, end),
            p99,
            longest,
        }) => format!(
            " The x axis runs to the 99th percentile, {} min (the largest, at {}; the axis ends \
             at {} min), and the curves are cut there: the longest wait, {} min at {}, is in \
             the table.",
            number(p99.0, 1),
            p99.1,
            number(*end, 1),
            number(longest.0, 1),
            longest.1
        ),
        None => String::new(),
    };
    let caption = format!(
        "Distribution of the wait in queue at each station of direction {direction}, every \
         vehicle of all {reps} replications pooled: the percentage of vehicles that waited at \
         most x minutes, read off the merged histogram (up to {points} steps a station, the \
         last at the longest wait); the table gives its percentiles and mean (times in \
         minutes).{axis}"
    );
    (chart, caption)
}

/// The x axis when the longest wait lies beyond the round value at or above the largest
/// 99th percentile (minutes): from the first tick to that value; `None` (the axis covers
/// every wait) when it does not — all waits equal, one vehicle, a 99th percentile that is
/// the longest wait, or one just below it.
fn cut(curves: &[Curve]) -> Option<Cut> {
    let largest = |of: &dyn Fn(&DelayStats) -> Option<f64>| {
        curves
            .iter()
            .filter_map(|c| of(c.wait).map(|v| (v / 60.0, c.name.to_owned())))
            .fold(None, |best: Option<(f64, String)>, (v, name)| match best {
                Some(b) if b.0 >= v => Some(b),
                _ => Some((v, name)),
            })
    };
    let p99 = largest(&|w| w.p99_s)?;
    let longest = largest(&|w| w.max_s)?;
    let shortest = curves
        .iter()
        .filter_map(|c| c.wait.min_s)
        .fold(f64::INFINITY, f64::min)
        / 60.0;
    let (t, _) = ticks(shortest.min(p99.0), p99.0, X_TICKS);
    let range = (t[0], t[t.len() - 1]);
    (range.1 < longest.0).then_some(Cut {
        range,
        p99,
        longest,
    })
}

/// The points of a station's empirical distribution function of waits (minutes, %): from
/// 0% at the shortest wait, a step at each point of the merged histogram's distribution.
fn ecdf_points(c: &Curve) -> Vec<(f64, f64)> {
    c.wait
        .min_s
        .map(|m| (m / 60.0, 0.0))
        .into_iter()
        .chain(
            c.distribution
                .iter()
                .map(|&(x, share)| (x / 60.0, 100.0 * share)),
        )
        .collect()
}

/// A step function's `points` (in x order) up to `end`: those beyond it dropped and, when
/// some were, the value it holds at `end` drawn up to `end`.
fn clipped(points: &[(f64, f64)], end: f64) -> Vec<(f64, f64)> {
    let kept = points.partition_point(|p| p.0 <= end);
    let mut out = points[..kept].to_vec();
    if let (true, Some(&(x, held))) = (kept < points.len(), out.last())
        && x < end
    {
        out.push((end, held));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wait statistics in seconds from minutes (p99, max, min) and a count.
    fn wait(p99_min: f64, max_min: f64, min_min: f64, count: u64) -> DelayStats {
        DelayStats {
            p99_s: Some(60.0 * p99_min),
            max_s: Some(60.0 * max_min),
            min_s: Some(60.0 * min_min),
            count,
            ..DelayStats::default()
        }
    }

    /// A distribution (seconds, share) with its steps at `minutes`, evenly rising to 1.
    fn steps(minutes: &[f64]) -> Vec<(f64, f64)> {
        let n = minutes.len() as f64;
        minutes
            .iter()
            .enumerate()
            .map(|(i, m)| (60.0 * m, (i + 1) as f64 / n))
            .collect()
    }

    /// The commercial example's shape: a 99th percentile of 84 min, a longest wait of
    /// 575 min. The axis ends at a round value at or above the 99th percentile and below the
    /// longest wait, no curve point lies past it, the curve is held to the axis' end, and
    /// the caption names the longest wait and its station.
    #[test]
    fn the_axis_ends_at_the_99th_percentile_and_the_caption_names_the_longest_wait() {
        let (north, south) = (wait(84.0, 575.0, 0.0, 1000), wait(30.0, 41.0, 0.0, 500));
        let (dn, ds) = (
            steps(&[0.0, 10.0, 50.0, 84.0, 200.0, 575.0]),
            steps(&[0.0, 5.0, 30.0, 41.0]),
        );
        let curves = [
            Curve {
                name: "primary",
                colour: 0,
                wait: &north,
                distribution: &dn,
            },
            Curve {
                name: "secondary",
                colour: 1,
                wait: &south,
                distribution: &ds,
            },
        ];
        let (chart, caption) = chart("northbound", 10, &curves);
        let (lo, end) = chart.x_range.expect("the axis is cut");
        assert_eq!(lo, 0.0);
        assert!((84.0..575.0).contains(&end), "{end}");
        assert_eq!(
            end, 90.0,
            "the round value just above 84 with about 8 ticks"
        );
        for s in &chart.series {
            assert!(s.points.iter().all(|p| p.0 <= end), "{:?}", s.points);
        }
        let primary = &chart.series[0].points;
        assert_eq!(*primary.last().unwrap(), (90.0, 100.0 * (4.0 / 6.0)));
        assert_eq!(
            chart.series[1].points,
            ecdf_points(&curves[1]),
            "a curve inside the axis is whole"
        );
        assert!(
            caption.contains(
                "99th percentile, 84.0 min (the largest, at primary; the axis ends at 90.0 min)"
            ) && caption.contains("the longest wait, 575.0 min at primary"),
            "{caption}"
        );
        let svg = chart.render();
        let x_label = |v: &str| format!("text-anchor=\"middle\">{v}</text>");
        assert!(
            svg.contains(&x_label("90")) && !svg.contains(&x_label("100")),
            "{svg}"
        );
    }

    /// No cut when the axis would reach the longest wait anyway: every wait zero, one
    /// vehicle, a 99th percentile equal to the longest wait or a round value above it.
    #[test]
    fn the_axis_covers_every_wait_when_the_99th_percentile_is_near_the_longest() {
        let cases = [
            ("all zero", wait(0.0, 0.0, 0.0, 50), steps(&[0.0])),
            ("one vehicle", wait(7.0, 7.0, 7.0, 1), steps(&[7.0])),
            ("p99 = max", wait(12.0, 12.0, 0.0, 90), steps(&[1.0, 12.0])),
            (
                "max below the round end",
                wait(84.0, 89.0, 0.0, 900),
                steps(&[3.0, 89.0]),
            ),
        ];
        for (what, w, d) in &cases {
            let curves = [Curve {
                name: "s",
                colour: 0,
                wait: w,
                distribution: d,
            }];
            assert_eq!(cut(&curves), None, "{what}");
            let (chart, caption) = chart("in", 3, &curves);
            assert_eq!(chart.x_range, None, "{what}");
            assert_eq!(chart.series[0].points, ecdf_points(&curves[0]), "{what}");
            assert!(!caption.contains("longest wait,"), "{what}: {caption}");
        }
    }

    /// Nearly every vehicle through without waiting (99th percentile 0) and a few that
    /// waited: the axis ends at the first round value above 0, not at 0.
    #[test]
    fn a_99th_percentile_of_zero_still_gives_an_axis() {
        let w = wait(0.0, 25.0, 0.0, 1000);
        let d = steps(&[0.0, 25.0]);
        let curves = [Curve {
            name: "s",
            colour: 0,
            wait: &w,
            distribution: &d,
        }];
        let c = cut(&curves).expect("cut");
        assert_eq!(c.range, (0.0, 1.0));
        let (chart, _) = chart("in", 3, &curves);
        assert_eq!(
            chart.series[0].points,
            vec![(0.0, 0.0), (0.0, 50.0), (1.0, 50.0)]
        );
    }

    #[test]
    fn a_clipped_step_function_holds_its_value_to_the_end() {
        let p = [(0.0, 0.0), (1.0, 50.0), (3.0, 90.0), (9.0, 100.0)];
        assert_eq!(
            clipped(&p, 5.0),
            vec![(0.0, 0.0), (1.0, 50.0), (3.0, 90.0), (5.0, 90.0)]
        );
        assert_eq!(clipped(&p, 3.0), vec![(0.0, 0.0), (1.0, 50.0), (3.0, 90.0)]);
        assert_eq!(clipped(&p, 9.0), p.to_vec());
        assert_eq!(clipped(&p, f64::INFINITY), p.to_vec());
    }
}
