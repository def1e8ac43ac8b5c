//! The page of `compare`: a forest plot of every headline difference with its paired 95%
//! interval per variant (one panel per metric, significant ones filled), the hourly
//! arrival→release profile of the baseline and each variant on one axis, and the tables of
//! differences.

use bordersim_experiment::{Comparison, Difference, NetBenefit, Report};

use crate::difference::{DifferenceRow, Side, unit};
use crate::format::{count, minutes, number, signed};
use crate::html::{Page, Table, slug};
use crate::run::{closed_hours, day_axis, day_span, hourly_band, hourly_steps};
use crate::svg::{CategoryChart, Series, Style, Value, XyChart};

/// Whether a difference is marked significant on the page: a discovery at false-discovery
/// rate 5% whose change is non-zero as printed and whose interval, as printed, excludes zero.
pub fn marked(d: &Difference) -> bool {
    DifferenceRow::on_page(d).marked
}

/// The page of a comparison.
pub fn page(comparison: &Comparison) -> String {
    let base = &comparison.baseline;
    let names: Vec<&str> = comparison
        .variants
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    let mut page = Page::new(
        &format!("{} — comparison", base.scenario),
        &format!(
            "Baseline against {}: {} paired replications (common random numbers), seed {}.",
            names.join(", "),
            base.replications,
            base.seed
        ),
    );
    summary(&mut page, comparison);
    for (i, variant) in comparison.variants.iter().enumerate() {
        let id = format!("variant-{}", i + 1);
        page.section(&id, &format!("Variant: {}", variant.name));
        let starred = variant.differences.iter().filter(|d| marked(d)).count();
        page.note(&format!(
            "{} differences tested, {} significant (Benjamini–Hochberg, false discovery rate \
             5%). Change: variant − baseline, the mean of the paired replications, with the \
             half-width of its Student-t 95% interval.",
            count(variant.comparisons.into()),
            count(starred as u64)
        ));
        if let Some(nb) = &variant.net_benefit {
            net_benefit(&mut page, nb);
        }
        if let Some(line) = crate::detections::detections_summary(&variant.differences) {
            page.note(&upper_first(&line));
        }
        forest(&mut page, &id, &variant.differences, base.replications);
        differences_table(&mut page, &variant.differences);
    }
    hourly(&mut page, comparison);
    page.finish()
}

/// The variant's net benefit with its paired interval: per day, and per year or — for a
/// variant that differs by one-off events — per occurrence; then what is not priced.
fn net_benefit(page: &mut Page, nb: &NetBenefit) {
    let ci = |c: Option<f64>| c.map_or_else(String::new, |c| format!(" ± {}", number(c, 0)));
    let whole = match (nb.net_benefit_per_year, nb.net_benefit_per_occurrence) {
        (Some(year), _) => format!(
            "{}{} a year ({} days)",
            signed(year, 0),
            ci(nb.net_benefit_per_year_ci95),
            number(nb.annualisation_days, 1)
        ),
        (None, Some(once)) => format!(
            "{}{} per occurrence (the whole {}-day window; a one-off event is not annualised)",
            signed(once, 0),
            ci(nb.net_benefit_per_occurrence_ci95),
            number(nb.window_days, 1)
        ),
        (None, None) => "not annualised".to_owned(),
    };
    page.note(&format!(
        "Net benefit: {}{} a day, {} = time and cargo cost saved {}{} − staff cost added {}{} \
         a day (money; docs/economics.md).",
        signed(nb.net_benefit_per_day, 0),
        ci(nb.net_benefit_per_day_ci95),
        whole,
        signed(nb.time_and_cargo_cost_saved_per_day, 0),
        ci(nb.time_and_cargo_cost_saved_per_day_ci95),
        signed(nb.staff_cost_added_per_day, 0),
        ci(nb.staff_cost_added_per_day_ci95),
    ));
    for w in &nb.not_priced {
        page.warning(&format!("Not priced in the net benefit: {w}."));
    }
}

/// `text` with its first letter a capital (a sentence shared with the table).
fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

fn summary(page: &mut Page, comparison: &Comparison) {
    page.section("summary", "Summary");
    let base = &comparison.baseline;
    let mut items = vec![
        ("baseline", base.scenario.clone()),
        ("paired replications", count(base.replications.into())),
        (
            "baseline time in system, mean",
            format!("{} min", minutes(base.system.time_in_system.mean_s)),
        ),
    ];
    let mut labels = Vec::new();
    for v in &comparison.variants {
        let d = v
            .differences
            .iter()
            .find(|d| d.entity == "system" && d.metric == "time_in_system_mean_s");
        let text = d.and_then(|d| d.delta.map(|delta| (delta, d))).map_or_else(
            || "–".to_owned(),
            |(delta, d)| {
                format!(
                    "{} ± {} min{}",
                    signed(delta / 60.0, 2),
                    number(d.ci95.unwrap_or(0.0) / 60.0, 2),
                    if marked(d) { " *" } else { "" }
                )
            },
        );
        labels.push((format!("{}: change of time in system", v.name), text));
        if let Some(nb) = &v.net_benefit {
            labels.push((
                format!("{}: net benefit per day", v.name),
                format!(
                    "{} ± {}",
                    signed(nb.net_benefit_per_day, 0),
                    nb.net_benefit_per_day_ci95
                        .map_or_else(|| "–".to_owned(), |c| number(c, 0))
                ),
            ));
        }
    }
    for (l, t) in &labels {
        items.push((l.as_str(), t.clone()));
    }
    page.card("summary-card", &items);
}

fn forest(page: &mut Page, id: &str, differences: &[Difference], replications: u32) {
    let mut metrics: Vec<&str> = Vec::new();
    for d in differences {
        if !metrics.contains(&d.metric.as_str()) {
            metrics.push(&d.metric);
        }
    }
    for metric in metrics {
        let u = unit(metric);
        let members: Vec<&Difference> = differences
            .iter()
            .filter(|d| d.metric == metric && d.delta.is_some())
            .collect();
        if members.is_empty() {
            continue;
        }
        let members: Vec<DifferenceRow> = members.into_iter().map(DifferenceRow::on_page).collect();
        let rows = members
            .iter()
            .map(|row| {
                let delta = row.change.unwrap_or(0.0);
                (
                    row.difference.entity.clone(),
                    vec![Some(Value {
                        value: delta,
                        interval: row.ci95.map(|h| (delta - h, delta + h)),
                        marked: row.marked,
                    })],
                )
            })
            .collect();
        let chart = CategoryChart {
            title: format!("Change of {}", u.label),
            x_title: format!(
                "change of {}, variant − baseline ({})",
                u.label,
                change_unit(u.unit)
            ),
            rows,
            style: Style::Dots,
            from_zero: true,
            significance: true,
            ..CategoryChart::default()
        };
        let mut data = Table::new(
            &[
                "entity",
                &format!("baseline ({})", u.unit),
                &format!("variant ({})", u.unit),
                &format!("change ({})", change_unit(u.unit)),
                "±95%",
                "paired replications",
                "significant",
            ],
            1,
        );
        data.text_column(6);
        for row in &members {
            let cells = vec![
                row.difference.entity.clone(),
                side(row.baseline, u.decimals),
                side(row.variant, u.decimals),
                change(row),
                show(row.ci95, u.decimals),
                count(row.difference.replications.into()),
                if row.marked {
                    "yes".into()
                } else {
                    "no".into()
                },
            ];
            if row.marked {
                data.strong_row(cells);
            } else {
                data.row(cells);
            }
        }
        page.figure(
            &format!("{id}-{}", slug(metric)),
            &chart.render(),
            &format!(
                "Change of {} ({}) per entity, variant − baseline: the mean of the paired \
                 differences over {replications} replications (fewer where a replication did \
                 not measure it) with its 95% interval; filled dots are significant at \
                 false-discovery rate 5% and non-zero as printed.",
                u.label,
                change_unit(u.unit)
            ),
            &data,
        );
    }
}

/// The unit of a change of a quantity in `unit`: a change of a percentage is in percentage
/// points (66.3% to 53.8% is −12.5 points, not −12.5%).
fn change_unit(unit: &str) -> &str {
    if unit == "%" {
        "percentage points"
    } else {
        unit
    }
}

/// A value in its display unit.
fn show(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "–".into(), |v| number(v, decimals))
}

/// One side of a difference: its value, "not present" when the run lacks the entity.
fn side(v: Side, decimals: usize) -> String {
    match v {
        Side::Value(v) => number(v, decimals),
        Side::NotPresent => "not present".into(),
        Side::NoValue => "–".into(),
    }
}

/// The change with its sign.
fn change(row: &DifferenceRow) -> String {
    row.change
        .map_or_else(|| "–".into(), |v| signed(v, row.unit.decimals))
}

fn differences_table(page: &mut Page, differences: &[Difference]) {
    page.heading("Every difference");
    let mut t = Table::new(
        &[
            "entity",
            "metric",
            "unit",
            "baseline",
            "variant",
            "change",
            "±95%",
            "relative",
            "significant",
            "note",
        ],
        3,
    );
    t.text_column(8);
    t.text_column(9);
    for d in differences {
        let row = DifferenceRow::on_page(d);
        let decimals = row.unit.decimals;
        let cells = vec![
            d.entity.clone(),
            row.unit.label.clone(),
            if row.unit.unit == "%" {
                "% (change: percentage points)".to_owned()
            } else {
                row.unit.unit.to_owned()
            },
            side(row.baseline, decimals),
            side(row.variant, decimals),
            change(&row),
            show(row.ci95, decimals),
            row.relative_percent
                .map_or_else(|| "–".into(), |r| format!("{}%", signed(r, 1))),
            if row.marked {
                "*".into()
            } else {
                String::new()
            },
            d.note.clone().unwrap_or_default(),
        ];
        if row.marked {
            t.strong_row(cells);
        } else {
            t.row(cells);
        }
    }
    page.table(&t);
}

/// One hour of a profile: the mean (s), its 95% half-width (s) and the vehicles.
type HourRow = (Option<f64>, Option<f64>, u64);

fn hourly(page: &mut Page, comparison: &Comparison) {
    page.section("hourly", "Arrival to release by hour of arrival");
    let base = &comparison.baseline;
    let mut runs: Vec<(&str, &Report)> = vec![("baseline", base)];
    for v in &comparison.variants {
        runs.push((v.name.as_str(), &v.result));
    }
    let mut directions: Vec<String> = Vec::new();
    for (_, r) in &runs {
        for h in &r.trs.hourly {
            if !directions.contains(&h.direction) {
                directions.push(h.direction.clone());
            }
        }
    }
    for direction in directions {
        // (mean, its 95% half-width, vehicles) per hour.
        let profile = |r: &Report| -> Vec<HourRow> {
            r.trs
                .hourly
                .iter()
                .filter(|h| h.direction == direction)
                .map(|h| (h.mean_s, h.mean_ci95_s, h.count))
                .collect()
        };
        let profiles: Vec<Vec<HourRow>> = runs.iter().map(|(_, r)| profile(r)).collect();
        let series: Vec<Series> = runs
            .iter()
            .zip(&profiles)
            .enumerate()
            .map(|(i, ((name, _), p))| Series {
                name: (*name).to_owned(),
                points: hourly_steps(&p.iter().map(|p| p.0).collect::<Vec<_>>()),
                band: hourly_band(&p.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>()),
                step: true,
                non_negative: true,
                // Each variant dashed in a pattern of its own.
                pattern: i,
                colour: if i == 0 { 7 } else { i - 1 },
                ..Series::default()
            })
            .collect();
        if series
            .iter()
            .all(|s| s.points.iter().all(|p| !p.1.is_finite()))
        {
            continue;
        }
        // The variants run over the baseline's horizon and warm-up.
        let span = day_span(base.warmup_s, base.horizon_s);
        let (x_title, x_ticks) = day_axis("hour of arrival", span);
        let chart = XyChart {
            title: format!("Arrival to release by hour, {direction}"),
            x_title,
            y_title: "mean arrival to release (min)".into(),
            series,
            x_range: Some(span),
            x_ticks: Some(x_ticks),
            shaded: closed_hours(base, &direction),
            shaded_label: "closed in the baseline: no lane open at the entry".into(),
            ..XyChart::default()
        };
        let mut titles = vec!["hour".to_owned()];
        for (name, _) in &runs {
            titles.push(format!("{name}: vehicles"));
            titles.push(format!("{name}: mean (min)"));
            titles.push(format!("{name}: ±95%"));
        }
        let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
        let mut data = Table::new(&refs, 1);
        for h in 0..24 {
            let mut row = vec![format!("{h:02}:00")];
            for p in &profiles {
                let (mean, ci, n) = p.get(h).copied().unwrap_or((None, None, 0));
                row.push(count(n));
                row.push(minutes(mean));
                row.push(minutes(ci));
            }
            data.row(row);
        }
        page.figure(
            &format!("hourly-{}", slug(&direction)),
            &chart.render(),
            &format!(
                "Mean time from arrival to the release of the goods of direction {direction} \
                 by hour of arrival, baseline (solid) and each variant (dashed, each its own dashes) on one axis: \
                 mean over {} replications of each replication's mean, with its 95% interval \
                 (bands; the variants run on common random numbers with the baseline). Hours \
                 in which no lane of the baseline's entry was open (in every replication) \
                 are shaded.",
                base.replications
            ),
            &data,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A change of utilisation (%) is in percentage points; other units stay.
    #[test]
    fn a_change_of_a_percentage_is_in_points() {
        assert_eq!(change_unit("%"), "percentage points");
        assert_eq!(change_unit("min"), "min");
    }
}
