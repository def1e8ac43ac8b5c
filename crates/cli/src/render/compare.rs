//! `bordersim compare`: the differences of each variant from the baseline, as a table (times
//! in minutes), JSON (`{"baseline", "variants": [{"name", "result", "differences"}]}`, times
//! in seconds) or tidy CSV (one row per variant, metric and entity). Every entity of either
//! run has its rows: a side the run lacks is "not present" (null in JSON, empty in CSV, with
//! `status` and `note` saying why).

use std::fmt::Write as _;

use anyhow::{Context, Result};
use bordersim_experiment::{Comparison, Difference, NetBenefit};
use bordersim_report::{DifferenceRow, Side, Unit};

use super::columns::Table;
use super::numbers::{decimal, money, signed, signed_money};
use crate::args::Format;

/// Renders `comparison` in `format`.
///
/// # Errors
///
/// When the comparison cannot be serialised (JSON) or the CSV cannot be assembled.
pub fn render(comparison: &Comparison, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Table => Ok(table(comparison).into_bytes()),
        Format::Json => super::json::render(comparison, "the comparison"),
        Format::Csv => csv(comparison),
    }
}

/// Decimals of every number in the table, in the metric's display unit.
const DECIMALS: usize = 2;

/// The metric's name for people: `wait_mean (min)` for `wait_mean_s`, `utilization (%)`;
/// a metric shown as stored keeps its name.
fn label(metric: &str, unit: &Unit) -> String {
    if unit.factor == 1.0 {
        return metric.to_owned();
    }
    format!(
        "{} ({})",
        metric.strip_suffix("_s").unwrap_or(metric),
        unit.unit
    )
}

/// Whether the table stars a difference: a discovery at false-discovery rate 5%, and its
/// interval excludes zero as printed (a change that prints as 0.00 is never starred).
fn starred(d: &Difference) -> bool {
    DifferenceRow::new(d, DECIMALS).marked
}

/// The cells of one difference: entity, metric, baseline, variant, change, ±95%, relative,
/// replications, and the number of its note in `notes` (added there if new).
fn row(d: &Difference, replications: u32, notes: &mut Vec<String>) -> [String; 9] {
    let row = DifferenceRow::new(d, DECIMALS);
    let side = |v: Side| match v {
        Side::Value(v) => decimal(v, DECIMALS),
        Side::NotPresent => "not present".to_string(),
        Side::NoValue => "-".to_string(),
    };
    // A change of a percentage is in percentage points, not percent of it.
    let points = if row.unit.unit == "%" { " pts" } else { "" };
    [
        d.entity.clone(),
        label(&d.metric, &row.unit),
        side(row.baseline),
        side(row.variant),
        row.change.map_or_else(
            || "-".to_string(),
            |delta| format!("{}{points}", signed(delta, DECIMALS)),
        ),
        row.ci95.map_or_else(
            || "-".to_string(),
            |c| format!("{}{points}", decimal(c, DECIMALS)),
        ),
        match (row.relative_percent, row.marked) {
            (Some(r), true) => format!("{}% *", signed(r, 1)),
            (Some(r), false) => format!("{}%", signed(r, 1)),
            (None, true) => "* ".to_string(),
            (None, false) => "-".to_string(),
        },
        if d.replications == replications {
            String::new()
        } else {
            d.replications.to_string()
        },
        d.note.as_ref().map_or_else(String::new, |n| {
            let k = notes.iter().position(|x| x == n).unwrap_or_else(|| {
                notes.push(n.clone());
                notes.len() - 1
            });
            format!("[{}]", k + 1)
        }),
    ]
}

/// The comparison as text: one table per variant, times in minutes.
fn table(comparison: &Comparison) -> String {
    let mut out = String::new();
    let base = &comparison.baseline;
    let _ = writeln!(
        out,
        "bordersim compare | baseline: {} | {} paired replications, seed {}",
        base.scenario, base.replications, base.seed
    );
    for variant in &comparison.variants {
        let starred_count = variant.differences.iter().filter(|d| starred(d)).count();
        let _ = writeln!(
            out,
            "\nVariant: {} | {} differences tested, {} significant (Benjamini-Hochberg, false \
             discovery rate 5%)",
            variant.name, variant.comparisons, starred_count
        );
        let mut table = Table::with_left(
            &[
                "entity", "metric", "baseline", "variant", "change", "±95%", "relative", "reps",
                "note",
            ],
            2,
        );
        let mut notes = Vec::new();
        for d in &variant.differences {
            table.row(row(d, base.replications, &mut notes).to_vec());
        }
        out.push_str(&table.render_text());
        for (k, n) in notes.iter().enumerate() {
            let _ = writeln!(out, "  [{}] {n}", k + 1);
        }
        if let Some(nb) = variant.net_benefit.as_ref() {
            let priced = base.costs.any_rate() || variant.result.costs.any_rate();
            out.push_str(&net_benefit_lines(nb, priced));
        }
        if let Some(line) = detections_line(&variant.differences) {
            out.push_str(&line);
        }
    }
    out.push_str(concat!(
        "\n  change: variant − baseline, mean of the paired replications; ±95%: half-width of\n",
        "  its Student-t interval. *: a discovery at false-discovery rate 5% (Benjamini-Hochberg)\n",
        "  over the differences tested for the variant (all but those identically zero), and\n",
        "  non-zero as printed. reps: replications behind the change when fewer than all (a\n",
        "  station nobody visited in a replication has no wait there). not present: the entity\n",
        "  is not in that run. p95_rep: mean over replications of each one's 95th percentile\n",
        "  (run's p95 pools every observation). lane_hours_per_day: staffed lane-hours, the\n",
        "  overtime of closing lanes included (a lane the schedule closes finishes its vehicle\n",
        "  first), so it can exceed the scheduled lane-hours. Times in minutes, utilization in\n",
        "  percent; a change of a percentage in percentage points (pts).\n",
    ));
    out
}

/// The net benefit's lines: per day and per year, or per occurrence when the variant
/// differs by one-off events (not annualised), then what is not priced. The figures only
/// where some cost rate is set (`priced`): with none, every cost is 0 and the line says
/// nothing; with one, a variant that changes nothing shows its net benefit of 0.
fn net_benefit_lines(nb: &NetBenefit, priced: bool) -> String {
    let mut out = String::new();
    let ci = |c: Option<f64>| c.map_or_else(String::new, |c| format!(" ±{}", money(c)));
    if priced {
        let whole = match (nb.net_benefit_per_year, nb.net_benefit_per_occurrence) {
            (Some(year), _) => format!(
                "{}{} a year ({} days)",
                signed_money(year),
                ci(nb.net_benefit_per_year_ci95),
                decimal(nb.annualisation_days, 1)
            ),
            (None, Some(once)) => format!(
                "{}{} per occurrence (over the {}-day window; a one-off event: not annualised)",
                signed_money(once),
                ci(nb.net_benefit_per_occurrence_ci95),
                decimal(nb.window_days, 1)
            ),
            (None, None) => "not annualised".to_string(),
        };
        let _ = writeln!(
            out,
            "  net benefit: {}{} a day, {} = time and cargo cost saved {}{} − staff cost added \
             {}{} a day",
            signed_money(nb.net_benefit_per_day),
            ci(nb.net_benefit_per_day_ci95),
            whole,
            signed_money(nb.time_and_cargo_cost_saved_per_day),
            ci(nb.time_and_cargo_cost_saved_per_day_ci95),
            signed_money(nb.staff_cost_added_per_day),
            ci(nb.staff_cost_added_per_day_ci95),
        );
    }
    for warning in &nb.not_priced {
        let _ = writeln!(out, "  warning: not priced in the net benefit: {warning}");
    }
    out
}

/// What the variant gains or gives up in detections, next to the time it saves: the page's
/// sentence as one line of the table, when the comparison measured detections and either
/// changed.
fn detections_line(differences: &[Difference]) -> Option<String> {
    bordersim_report::detections_summary(differences).map(|line| format!("  {line}\n"))
}

/// The unit of `metric`'s values as stored (the CSV's and JSON's): seconds for times, a
/// share (0–1) where the table shows percent, else the display unit.
fn stored_unit(metric: &str) -> &'static str {
    let unit = bordersim_report::unit(metric);
    match unit.unit {
        "min" => "s",
        "%" => "share",
        u => u,
    }
}

/// One CSV row per variant, metric and entity; values as computed (times in seconds), with
/// their unit.
fn csv(comparison: &Comparison) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // The first nine columns are those of earlier versions, in their order.
    w.write_record([
        "variant",
        "metric",
        "entity",
        "baseline",
        "variant_value",
        "delta",
        "ci95",
        "relative",
        "significant",
        "significant_unadjusted",
        "p_value",
        "replications",
        "status",
        "note",
        "unit",
    ])?;
    let opt = |v: Option<f64>| v.map_or_else(String::new, |x| x.to_string());
    for variant in &comparison.variants {
        for d in &variant.differences {
            let status = serde_json::to_value(d.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            w.write_record([
                variant.name.clone(),
                d.metric.clone(),
                d.entity.clone(),
                opt(d.baseline),
                opt(d.variant),
                opt(d.delta),
                opt(d.ci95),
                opt(d.relative),
                d.significant.to_string(),
                d.significant_unadjusted.to_string(),
                opt(d.p_value),
                d.replications.to_string(),
                status,
                d.note.clone().unwrap_or_default(),
                stored_unit(&d.metric).to_string(),
            ])?;
        }
        if let Some(nb) = variant.net_benefit.as_ref() {
            let replications = variant
                .differences
                .iter()
                .find(|d| d.metric == "total_cost_per_day" && d.entity == "system")
                .map_or(0, |d| d.replications);
            for r in net_benefit_rows(nb) {
                w.write_record([
                    variant.name.clone(),
                    r.metric.to_string(),
                    "system".to_string(),
                    String::new(),
                    String::new(),
                    // + 0.0: a saving of exactly nothing is 0, not -0.
                    (r.value + 0.0).to_string(),
                    opt(r.ci95),
                    String::new(),
                    r.ci95.is_some_and(|c| r.value.abs() > c).to_string(),
                    r.ci95.is_some_and(|c| r.value.abs() > c).to_string(),
                    String::new(),
                    replications.to_string(),
                    "net_benefit".to_string(),
                    r.note,
                    r.unit.to_string(),
                ])?;
            }
        }
    }
    w.into_inner().context("cannot assemble the CSV")
}

/// One CSV row of a variant's net benefit: its figure in `delta` (with `ci95`), status
/// `net_benefit`, entity `system`, no baseline or variant value.
struct NetBenefitRow {
    metric: &'static str,
    value: f64,
    ci95: Option<f64>,
    unit: &'static str,
    note: String,
}

/// The net benefit's CSV rows: saved, added and net per day, then net per year, or per
/// occurrence for a variant that differs by one-off events (not annualised). The net
/// rows' note says what is not priced.
fn net_benefit_rows(nb: &NetBenefit) -> Vec<NetBenefitRow> {
    let unpriced = if nb.not_priced.is_empty() {
        String::new()
    } else {
        format!("; not priced: {}", nb.not_priced.join("; "))
    };
    let row = |metric, value, ci95, unit, note: String| NetBenefitRow {
        metric,
        value,
        ci95,
        unit,
        note,
    };
    let mut out = vec![
        row(
            "time_and_cargo_cost_saved_per_day",
            nb.time_and_cargo_cost_saved_per_day,
            nb.time_and_cargo_cost_saved_per_day_ci95,
            "money/day",
            "baseline − variant resource and cargo time cost (queue and waiting area)".into(),
        ),
        row(
            "staff_cost_added_per_day",
            nb.staff_cost_added_per_day,
            nb.staff_cost_added_per_day_ci95,
            "money/day",
            "variant − baseline staff cost".into(),
        ),
        row(
            "net_benefit_per_day",
            nb.net_benefit_per_day,
            nb.net_benefit_per_day_ci95,
            "money/day",
            format!("saved − added; positive: the variant is worth it{unpriced}"),
        ),
    ];
    if let Some(year) = nb.net_benefit_per_year {
        out.push(row(
            "net_benefit_per_year",
            year,
            nb.net_benefit_per_year_ci95,
            "money/year",
            format!(
                "net_benefit_per_day × {} days a year{unpriced}",
                nb.annualisation_days
            ),
        ));
    }
    if let Some(once) = nb.net_benefit_per_occurrence {
        out.push(row(
            "net_benefit_per_occurrence",
            once,
            nb.net_benefit_per_occurrence_ci95,
            "money/occurrence",
            format!(
                "net_benefit_per_day × the {}-day window: a one-off event, not \
                 annualised{unpriced}",
                nb.window_days
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bordersim_experiment::Status;

    fn difference(metric: &str, delta: f64, ci95: f64) -> Difference {
        Difference {
            metric: metric.into(),
            entity: "system".into(),
            status: Status::Compared,
            baseline: Some(600.0),
            variant: Some(600.0 + delta),
            delta: Some(delta),
            ci95: Some(ci95),
            relative: Some(delta / 600.0),
            replications: 10,
            p_value: Some(0.0),
            significant_unadjusted: true,
            significant: true,
            note: None,
        }
    }

    #[test]
    fn a_change_that_prints_as_zero_is_never_starred() {
        // -0.1 s is -0.00 min with a 0.00 interval: not starred though significant.
        assert!(!starred(&difference("wait_mean_s", -0.1, 0.0)));
        // Utilization prints in percent: -0.00001 is -0.001% (0.00), -0.001 is -0.10%.
        assert!(!starred(&difference("utilization", -0.000_01, 0.0)));
        assert!(starred(&difference("utilization", -0.001, 0.0)));
        // -0.6 s prints -0.01 against a 0.00 interval: starred.
        assert!(starred(&difference("wait_mean_s", -0.6, 0.0)));
        // -0.3 min against ±0.3 min as printed: the interval reaches zero.
        assert!(!starred(&difference("wait_mean_s", -18.0, 18.0)));
        let mut d = difference("wait_mean_s", -120.0, 6.0);
        assert!(starred(&d));
        d.significant = false;
        assert!(!starred(&d));
    }

    #[test]
    fn a_side_not_present_is_said_so() {
        let mut d = difference("wait_mean_s", -60.0, 6.0);
        d.status = Status::NotInVariant;
        d.variant = None;
        d.delta = None;
        d.ci95 = None;
        d.relative = None;
        d.replications = 0;
        d.significant = false;
        d.note = Some("not present in the variant".into());
        let mut notes = Vec::new();
        let cells = row(&d, 10, &mut notes);
        assert_eq!(cells[2], "10.00");
        assert_eq!(cells[3], "not present");
        assert_eq!(cells[4], "-");
        assert_eq!(cells[7], "0");
        assert_eq!(cells[8], "[1]");
        assert_eq!(notes, ["not present in the variant"]);
    }

    #[test]
    fn a_detection_change_whose_interval_includes_zero_is_no_significant_change() {
        let line = |delta: f64, ci95: f64| {
            let mut detections = difference("detections_per_day", delta, ci95);
            detections.significant = ci95 < delta.abs();
            let inspections = difference("inspections_per_day", -12.0, 1.0);
            detections_line(&[detections, inspections]).expect("a line")
        };
        // What the commercial example's risk targeting printed as "given up".
        let l = line(-0.03, 0.08);
        assert!(
            l.starts_with("  detections: -0.03 ±0.08 a day (no significant change)"),
            "{l}"
        );
        assert!(line(0.03, 0.08).contains("(no significant change)"));
        assert!(line(-0.08, 0.08).contains("(no significant change)"));
        assert!(line(-0.5, 0.08).contains("(given up)"));
        assert!(line(0.5, 0.08).contains("(gained)"));
    }

    /// A variant that changes nothing, with a cost rate set: its net benefit of 0 is shown
    /// (unsigned), as the page shows it; with no rate set, no line.
    #[test]
    fn a_net_benefit_of_zero_is_shown_whenever_rates_are_set() {
        let mut nb = benefit(true);
        for v in [
            &mut nb.time_and_cargo_cost_saved_per_day,
            &mut nb.staff_cost_added_per_day,
            &mut nb.net_benefit_per_day,
        ] {
            *v = -0.0;
        }
        nb.net_benefit_per_year = Some(-0.0);
        nb.time_and_cargo_cost_saved_per_day_ci95 = Some(0.0);
        nb.net_benefit_per_day_ci95 = Some(0.0);
        nb.net_benefit_per_year_ci95 = Some(0.0);
        nb.not_priced.clear();
        let shown = net_benefit_lines(&nb, true);
        assert!(
            shown.starts_with("  net benefit: 0 ±0 a day, 0 ±0 a year (376.0 days)"),
            "{shown}"
        );
        assert!(!shown.contains("-0"), "{shown}");
        assert_eq!(net_benefit_lines(&nb, false), "");
    }

    fn benefit(annualised: bool) -> NetBenefit {
        NetBenefit {
            time_and_cargo_cost_saved_per_day: -14_700.0,
            time_and_cargo_cost_saved_per_day_ci95: Some(3_000.0),
            staff_cost_added_per_day: 0.0,
            staff_cost_added_per_day_ci95: Some(0.0),
            net_benefit_per_day: -14_700.0,
            net_benefit_per_day_ci95: Some(3_000.0),
            net_benefit_per_year: annualised.then_some(-14_700.0 * 376.0),
            net_benefit_per_year_ci95: annualised.then_some(3_000.0 * 376.0),
            annualisation_days: 376.0,
            annualised,
            window_days: 1.5,
            net_benefit_per_occurrence: (!annualised).then_some(-14_700.0 * 1.5),
            net_benefit_per_occurrence_ci95: (!annualised).then_some(3_000.0 * 1.5),
            not_priced: vec!["class car: delay +1.0 vehicle-hours a day".into()],
        }
    }

    #[test]
    fn the_net_benefit_rows_are_per_day_and_per_year_or_per_occurrence() {
        let rows = net_benefit_rows(&benefit(true));
        let got: Vec<(&str, f64, Option<f64>, &str)> = rows
            .iter()
            .map(|r| (r.metric, r.value, r.ci95, r.unit))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "time_and_cargo_cost_saved_per_day",
                    -14_700.0,
                    Some(3_000.0),
                    "money/day"
                ),
                ("staff_cost_added_per_day", 0.0, Some(0.0), "money/day"),
                ("net_benefit_per_day", -14_700.0, Some(3_000.0), "money/day"),
                (
                    "net_benefit_per_year",
                    -14_700.0 * 376.0,
                    Some(3_000.0 * 376.0),
                    "money/year"
                ),
            ]
        );
        assert!(
            rows[2].note.contains("not priced: class car"),
            "{}",
            rows[2].note
        );
        let rows = net_benefit_rows(&benefit(false));
        let last = rows.last().expect("rows");
        assert_eq!(
            (last.metric, last.value, last.ci95, last.unit),
            (
                "net_benefit_per_occurrence",
                -22_050.0,
                Some(4_500.0),
                "money/occurrence"
            )
        );
        assert!(!rows.iter().any(|r| r.metric == "net_benefit_per_year"));
    }
}
