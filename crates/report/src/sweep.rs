//! The page of `sweep` and `merge`: response curves — each output the plan asks for (the
//! mean time in system by default; waits, their 95th percentiles, queues, throughput,
//! utilisation, cost), and its paired difference from the baseline point, against each
//! axis's values with their 95% interval bands, one line per combination of the other axes'
//! values — and a table of every point. An unstable point (its `unstable`: see
//! [`bordersim_experiment::sweep::metrics::unstable`], or a
//! replication stopped at the cap on vehicles in the crossing) is shaded on the
//! curves, named in their tables and in the table of every point.

use bordersim_experiment::DelayStats;
use bordersim_experiment::sweep::metrics::{Curve, curves};
use bordersim_experiment::sweep::{RegionSweepView, SweepAxis, SweepPoint, SweepResult};

use crate::format::{count, opt, signed};
use crate::html::{Page, Table, slug};
use crate::svg::{CategoryChart, Series, Style, Value, XyChart};

/// Lines drawn in one chart at most (the palette's colours); a chart that would need more
/// says so and keeps its numbers in the table.
const MAX_LINES: usize = 8;

/// The sweep's page.
pub fn page(result: &SweepResult) -> String {
    let axes: Vec<&str> = result
        .points
        .first()
        .map(|p| p.axes.iter().map(|(a, _)| a.as_str()).collect())
        .unwrap_or_default();
    let mut page = Page::new(
        &format!("Sweep: {}", result.sweep),
        &format!(
            "{} points × {} replications, master seed {}; every point runs replication r \
             from the same seed (common random numbers), and differences are paired with the \
             baseline point {}.",
            count(result.points.len() as u64),
            count(u64::from(result.replications)),
            result.seed,
            result.baseline
        ),
    );
    let unstable_points: Vec<(&str, String)> = result
        .points
        .iter()
        .filter_map(|p| p.unstable.clone().map(|why| (p.id.as_str(), why)))
        .collect();
    let mut card = vec![
        ("points", count(result.points.len() as u64)),
        ("replications each", count(u64::from(result.replications))),
        ("axes", axes.len().to_string()),
        ("baseline point", result.baseline.clone()),
    ];
    if !unstable_points.is_empty() {
        card.push(("unstable points", count(unstable_points.len() as u64)));
    }
    page.card("sweep-summary", &card);
    if !unstable_points.is_empty() {
        let capped = if result.points.iter().any(|p| p.report.is_none()) {
            " (a point stopped at the cap on vehicles in the crossing has no figures)"
        } else {
            ""
        };
        page.note(&format!(
            "Unstable: {}. Their queues grow without bound or never clear in the run, so \
             their waits depend on the run's length{capped}: they are shaded on the curves and marked in the tables.",
            unstable_points
                .iter()
                .map(|(id, why)| format!("{id} ({why})"))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    page.section("response-curves", "Response curves");
    if axes.is_empty() {
        page.note("The plan has no axis: one point, no curve.");
    }
    for (a, axis) in axes.iter().enumerate() {
        let values = distinct(result.points.iter().map(|p| p.axes[a].1.as_str()));
        if values.len() < 2 {
            continue;
        }
        page.heading(&format!("Against {axis}"));
        let Some(first) = result.first_report() else {
            continue;
        };
        for output in &result.outputs {
            for c in curves(output, first) {
                curve(&mut page, result, a, &values, &c, false);
                // A metric without a paired measure (throughput) has no change curve.
                if c.measure.is_some() {
                    curve(&mut page, result, a, &values, &c, true);
                }
            }
        }
    }
    page.section("points", "Every point");
    let mut titles: Vec<&str> = vec!["point"];
    titles.extend(axes.iter().copied());
    titles.extend([
        "time in system, mean (min)",
        "± 95% (min)",
        "p95 (min)",
        "change from baseline (min)",
        "± 95% paired (min)",
    ]);
    if !unstable_points.is_empty() {
        titles.push("unstable");
    }
    let mut table = Table::new(&titles, 1 + axes.len());
    for p in &result.points {
        let none = DelayStats::default();
        let t = p
            .report
            .as_ref()
            .map_or(&none, |r| &r.system.time_in_system);
        let d = difference(p, "time_in_system_mean_s");
        let mut row = vec![p.id.clone()];
        row.extend(p.axes.iter().map(|(_, v)| v.clone()));
        row.extend([
            opt(t.mean_s.map(|s| s / 60.0), 2),
            opt(t.ci95_s.map(|s| s / 60.0), 2),
            opt(t.p95_s.map(|s| s / 60.0), 2),
            d.and_then(|d| d.0)
                .map_or_else(String::new, |v| signed(v / 60.0, 2)),
            opt(d.and_then(|d| d.1).map(|s| s / 60.0), 2),
        ]);
        if !unstable_points.is_empty() {
            row.push(p.unstable.clone().unwrap_or_default());
        }
        if p.id == result.baseline {
            table.strong_row(row);
        } else {
            table.row(row);
        }
    }
    page.table(&table);
    page.note(
        "The baseline point is in bold. A change is the mean over replications of the \
         point's value minus the baseline point's in the same replication; its interval is \
         the 95% Student-t interval of those paired differences.",
    );
    page.finish()
}

/// The metrics of a region sweep drawn as response curves, in order: (metric, label, unit,
/// what a value is divided by for the unit).
const REGION_CURVES: [(&str, &str, &str, f64); 5] = [
    ("border_time_mean_s", "Mean border time", "min", 60.0),
    ("volume_per_day", "Vehicles per day", "vehicles/day", 1.0),
    ("share", "Share of its direction and class", "share", 1.0),
    ("balance_per_day", "Trade balance per day", "money/day", 1.0),
    ("trade_per_day", "Trade per day", "money/day", 1.0),
];

/// The page of a region sweep: response curves of the region's measures — per crossing ×
/// direction × class the mean border time with its 95% band, the vehicles per day and
/// their share; per side the trade balance; the region's trade — against each axis, one
/// line per combination of the other axes' values; then every point's measures with
/// their changes from the baseline point.
pub fn region_page(view: &RegionSweepView) -> String {
    let axes: Vec<&str> = view.axes.iter().map(|a| a.name.as_str()).collect();
    let mut page = Page::new(
        &format!("Region sweep: {}", view.sweep),
        &format!(
            "{} points × {} replications, master seed {}; each point is the region run to its \
             equilibrium over its replications, every point from the same seed (common random \
             numbers); changes are from the baseline point {}.",
            count(view.points.len() as u64),
            count(u64::from(view.replications)),
            view.seed,
            view.baseline
        ),
    );
    let unstable_points: Vec<String> = view
        .points
        .iter()
        .filter_map(|p| p.unstable.as_ref().map(|why| format!("{} ({why})", p.id)))
        .collect();
    let mut card = vec![
        ("points", count(view.points.len() as u64)),
        ("replications each", count(u64::from(view.replications))),
        ("axes", axes.len().to_string()),
        ("baseline point", view.baseline.clone()),
    ];
    if !unstable_points.is_empty() {
        card.push(("unstable points", count(unstable_points.len() as u64)));
    }
    page.card("sweep-summary", &card);
    if !unstable_points.is_empty() {
        page.note(&format!(
            "Unstable: {}. A point stopped at a crossing's cap on vehicles in it has no \
             values: it is shaded on the curves and marked in the table.",
            unstable_points.join("; ")
        ));
    }
    page.section("response-curves", "Response curves");
    if axes.is_empty() {
        page.note("The plan has no axis: one point, no curve.");
    }
    let first = view.points.first().map_or(&[][..], |p| &p.measures[..]);
    // A flow no point sends a vehicle by is left out of the curves (its rows stay in the
    // table).
    let used = |entity: &str| {
        view.points.iter().any(|p| {
            p.measures.iter().any(|m| {
                m.measure.entity == entity
                    && m.measure.metric == "volume_per_day"
                    && m.measure.value.is_some_and(|v| v > 0.0)
            })
        })
    };
    for (a, axis) in axes.iter().enumerate() {
        let values = distinct(view.points.iter().map(|p| p.axes[a].1.as_str()));
        if values.len() < 2 {
            continue;
        }
        page.heading(&format!("Against {axis}"));
        for (metric, label, unit, per) in REGION_CURVES {
            for m in first.iter().filter(|m| m.measure.metric == metric) {
                let entity = m.measure.entity.as_str();
                if entity.starts_with("flow:") && !used(entity) {
                    continue;
                }
                let points: Vec<CurvePoint> = view
                    .points
                    .iter()
                    .map(|p| CurvePoint {
                        id: &p.id,
                        axes: &p.axes,
                        value: p
                            .measures
                            .iter()
                            .find(|x| x.measure.entity == entity && x.measure.metric == metric)
                            .and_then(|x| {
                                let v = x.measure.value?;
                                Some((v / per, x.measure.ci95.map(|c| c / per)))
                            }),
                        unstable: p.unstable.clone(),
                    })
                    .collect();
                let of = entity.split(':').skip(1).collect::<Vec<_>>().join(", ");
                let spec = CurveSpec {
                    id: format!(
                        "curve-{}-{}-{}-mean",
                        slug(axis),
                        slug(metric),
                        slug(entity)
                    ),
                    label: if of.is_empty() {
                        label.to_owned()
                    } else {
                        format!("{label}, {of}")
                    },
                    unit,
                    delta: false,
                    non_negative: metric != "balance_per_day",
                    axes: &view.axes,
                    how: format!(
                        "{} replications a point, at each point's equilibrium (bands and \
                         whiskers: 95% intervals — of border times over the last iteration's \
                         replications; of volumes, shares and trade from the border times' \
                         sampling error, each replication's best response to its own border \
                         times, as `bordersim region` gives them)",
                        view.replications
                    ),
                };
                draw(&mut page, &spec, a, &values, &points);
            }
        }
    }
    page.section("points", "Every point");
    let mut titles: Vec<&str> = vec!["point"];
    titles.extend(axes.iter().copied());
    titles.extend([
        "entity",
        "metric",
        "value",
        "± 95%",
        "change from baseline",
        "unit",
    ]);
    if !unstable_points.is_empty() {
        titles.push("unstable");
    }
    let mut table = Table::new(&titles, 3 + axes.len());
    for p in &view.points {
        for c in &p.measures {
            let m = &c.measure;
            let decimals = if m.unit == "share" { 3 } else { 2 };
            let mut row = vec![p.id.clone()];
            row.extend(p.axes.iter().map(|(_, v)| v.clone()));
            row.extend([
                m.entity.clone(),
                m.metric.clone(),
                opt(m.value, decimals),
                opt(m.ci95, decimals),
                c.delta.map_or_else(String::new, |d| signed(d, decimals)),
                m.unit.clone(),
            ]);
            if !unstable_points.is_empty() {
                row.push(p.unstable.clone().unwrap_or_default());
            }
            if p.id == view.baseline {
                table.strong_row(row);
            } else {
                table.row(row);
            }
        }
    }
    page.table(&table);
    page.note(
        "The baseline point is in bold. A change is the point's value minus the baseline \
         point's; border times are means over the replications of each equilibrium's last \
         iteration, with their 95% Student-t interval; volumes, shares and trade have the \
         95% interval of `bordersim region` (from the border times' sampling error).",
    );
    page.finish()
}

/// The distinct values of an axis, in the order of the points (canonical order).
fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.iter().any(|o| o == v) {
            out.push(v.to_owned());
        }
    }
    out
}

/// A point's paired difference of `metric` for the whole crossing: (delta, ci95), seconds.
fn difference(p: &SweepPoint, metric: &str) -> Option<(Option<f64>, Option<f64>)> {
    p.differences
        .iter()
        .find(|d| d.metric == metric && d.entity == "system")
        .map(|d| (d.delta, d.delta_ci95))
}

/// One response curve: `c` (its value, or with `delta` its paired difference from the
/// baseline point) against axis `a`, one line per combination of the other axes' values.
fn curve(
    page: &mut Page,
    result: &SweepResult,
    a: usize,
    values: &[String],
    c: &Curve,
    delta: bool,
) {
    // The time in system keeps the page's first wording and ids.
    let first = c.output == "time_in_system";
    let label = match (first, delta) {
        (true, false) => c.label.clone(),
        (true, true) => "Change in mean time in system from the baseline".to_owned(),
        (false, false) => c.label.clone(),
        (false, true) => {
            let mut l = c.label.clone();
            if let Some(f) = l.get_mut(..1) {
                f.make_ascii_lowercase();
            }
            format!("Change in {l} from the baseline")
        }
    };
    let axis = result.points[0].axes[a].0.as_str();
    let kind = if delta { "change" } else { "mean" };
    let id = if first {
        format!("curve-{}-{kind}", slug(axis))
    } else {
        format!(
            "curve-{}-{}-{}-{kind}",
            slug(axis),
            slug(c.output),
            slug(&c.entity)
        )
    };
    let points: Vec<CurvePoint> = result
        .points
        .iter()
        .map(|p| CurvePoint {
            id: &p.id,
            axes: &p.axes,
            value: if delta { c.difference(p) } else { c.value(p) },
            unstable: p.unstable.clone(),
        })
        .collect();
    let spec = CurveSpec {
        id,
        label,
        unit: c.unit,
        delta,
        // Every output a run sweep draws (times, queues, throughput, utilisation, cost)
        // is a non-negative quantity; its change is not.
        non_negative: !delta,
        axes: &result.axes,
        how: if delta {
            format!(
                "{} replications a point, differences paired with the baseline point {} \
                 replication by replication (bands and whiskers: 95% paired Student-t \
                 intervals)",
                result.replications, result.baseline
            )
        } else {
            format!(
                "{} replications a point, mean over the replications (bands and whiskers: \
                 95% Student-t intervals across replications)",
                result.replications
            )
        },
    };
    draw(page, &spec, a, values, &points);
}

/// A point as a curve reads it: its id, axis values, the value drawn with its 95%
/// half-width, and why it is unstable, if it is.
struct CurvePoint<'a> {
    id: &'a str,
    axes: &'a [(String, String)],
    value: Option<(f64, Option<f64>)>,
    unstable: Option<String>,
}

/// What a curve draws: its figure id, label and unit, whether it is a change from the
/// baseline, the sweep's axes (for the x title), and what its values are over (caption).
struct CurveSpec<'a> {
    id: String,
    label: String,
    unit: &'a str,
    delta: bool,
    axes: &'a [SweepAxis],
    how: String,
    /// The values cannot be negative (waits, vehicles, shares, not a change nor a trade
    /// balance): bands and whiskers are drawn clipped at 0.
    non_negative: bool,
}

/// Draws one response curve of `points` against axis `a` (whose distinct values are
/// `values`), one line per combination of the other axes' values, with its numbers in a
/// table.
fn draw(page: &mut Page, spec: &CurveSpec, a: usize, values: &[String], points: &[CurvePoint]) {
    let (label, unit, delta) = (spec.label.as_str(), spec.unit, spec.delta);
    let axis = points[0].axes[a].0.as_str();
    let x_title = spec
        .axes
        .get(a)
        .map_or_else(|| axis.to_owned(), |x| x.title());
    // Lines: the other axes' values, in the order the points first show them.
    let others = |p: &CurvePoint| {
        p.axes
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != a)
            .map(|(_, (n, v))| format!("{n} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let lines = distinct(
        points
            .iter()
            .map(others)
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str),
    );
    let column = if unit == "min" { "minutes" } else { unit };
    let ci_column = format!("± 95% ({unit})");
    let any_unstable = points.iter().any(|p| p.unstable.is_some());
    let mut titles = vec![axis, "other axes", "point", column, &ci_column];
    if any_unstable {
        titles.push("unstable");
    }
    let mut data = Table::new(&titles, 3);
    // The x values of unstable points, shaded on a numeric chart.
    let mut unstable_xs: Vec<f64> = Vec::new();
    let numeric: Option<Vec<f64>> = values.iter().map(|v| v.parse::<f64>().ok()).collect();
    let mut rows: Vec<Vec<Option<Value>>> = vec![vec![None; lines.len()]; values.len()];
    let mut series: Vec<Series> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| Series {
            name: if l.is_empty() {
                label.to_owned()
            } else {
                l.clone()
            },
            markers: true,
            colour: i,
            // Lines that lie on each other stay apart by their dashes and markers.
            pattern: i,
            non_negative: spec.non_negative,
            ..Series::default()
        })
        .collect();
    for p in points {
        let (Some(x), Some(line)) = (
            values.iter().position(|v| *v == p.axes[a].1),
            lines.iter().position(|l| *l == others(p)),
        ) else {
            continue;
        };
        let v = p.value;
        let mut row = vec![
            p.axes[a].1.clone(),
            lines[line].clone(),
            p.id.to_owned(),
            v.map_or_else(String::new, |v| signed_or_plain(v.0, delta)),
            opt(v.and_then(|v| v.1), 2),
        ];
        if any_unstable {
            row.push(p.unstable.clone().unwrap_or_default());
        }
        data.row(row);
        if let (Some(_), Some(xs)) = (&p.unstable, &numeric)
            && !unstable_xs.contains(&xs[x])
        {
            unstable_xs.push(xs[x]);
        }
        let Some((y, ci)) = v else {
            continue;
        };
        rows[x][line] = Some(Value::with_ci(y, ci));
        if let Some(xs) = &numeric {
            series[line].points.push((xs[x], y));
            let h = ci.unwrap_or(0.0);
            series[line].band.push((xs[x], y - h, y + h));
        }
    }
    let unit_title = if delta {
        format!("Change from the baseline ({unit})")
    } else {
        format!("{label} ({unit})")
    };
    if lines.len() > MAX_LINES {
        page.note(&format!(
            "{label} against {axis}: {} combinations of the other axes are too many lines for \
             one chart; the numbers are in the table of every point.",
            lines.len()
        ));
        return;
    }
    let svg = match &numeric {
        Some(_) => {
            for s in &mut series {
                // The band and line in x order whatever the order of the points.
                s.points.sort_by(|p, q| p.0.total_cmp(&q.0));
                s.band.sort_by(|p, q| p.0.total_cmp(&q.0));
            }
            XyChart {
                title: format!("{label} against {axis}"),
                x_title,
                y_title: unit_title.clone(),
                // Whole-number axes (booths, lanes) are ticked at their values.
                x_ticks: numeric
                    .as_ref()
                    .filter(|xs| xs.len() <= 12 && xs.iter().all(|x| x.fract() == 0.0))
                    .map(|xs| {
                        let mut t = xs.clone();
                        t.sort_by(f64::total_cmp);
                        t
                    }),
                series,
                reference: delta.then(|| (0.0, "baseline".to_owned())),
                shaded: shading(&unstable_xs, numeric.as_deref().unwrap_or_default()),
                shaded_label: "an unstable point (its queue grows or never clears)".to_owned(),
                ..XyChart::default()
            }
            .render()
        }
        None => CategoryChart {
            title: format!("{label} against {axis}"),
            x_title: unit_title.clone(),
            series: if lines.len() > 1 {
                lines.clone()
            } else {
                Vec::new()
            },
            rows: values.iter().cloned().zip(rows).collect(),
            style: Style::Dots,
            from_zero: !delta,
            significance: false,
            non_negative: spec.non_negative,
            ..CategoryChart::default()
        }
        .render(),
    };
    let caption = format!(
        "{label} ({unit}) against {axis}, one line per combination of the other axes; {}{}.",
        spec.how,
        if spec.non_negative {
            "; an interval reaching below zero is drawn to 0 (the table gives it whole)"
        } else {
            ""
        }
    );
    page.figure(&spec.id, &svg, &caption, &data);
}

/// Narrow x ranges around the unstable points' values `xs`: a quarter of the closest gap
/// between the axis values `all` on each side (a tenth of the value's size, or 0.5, when
/// the axis has one value).
fn shading(xs: &[f64], all: &[f64]) -> Vec<(f64, f64)> {
    let mut sorted = all.to_vec();
    sorted.sort_by(f64::total_cmp);
    let gap = sorted
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|g| *g > 0.0)
        .min_by(f64::total_cmp);
    let mut out: Vec<(f64, f64)> = xs
        .iter()
        .map(|&x| {
            let h = gap.map_or_else(|| (x.abs() * 0.1).max(0.5), |g| g / 4.0);
            (x - h, x + h)
        })
        .collect();
    out.sort_by(|p, q| p.0.total_cmp(&q.0));
    out
}

/// A value in minutes: signed for a change.
fn signed_or_plain(v: f64, delta: bool) -> String {
    if delta {
        signed(v, 2)
    } else {
        crate::format::number(v, 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_keeps_first_order() {
        assert_eq!(distinct(["2", "3", "2", "4"].into_iter()), ["2", "3", "4"]);
    }

    #[test]
    fn an_unstable_point_is_shaded_a_quarter_gap_each_side() {
        assert_eq!(
            shading(&[3.0, 1.0], &[1.0, 3.0, 2.0]),
            [(0.75, 1.25), (2.75, 3.25)]
        );
        assert_eq!(shading(&[10.0], &[10.0]), [(9.0, 11.0)]);
    }
}
