//! `bordersim region` and `bordersim compare` on a region: the equilibrium (iterations and
//! gaps), flows per crossing × direction × class with their border times, and trade per
//! side; for a comparison, the shift between baseline and reform.
//!
//! Table: times in minutes, money per day. JSON: the `RegionReport` / `RegionComparison`
//! objects (times in seconds, money per day). CSV: tidy rows
//! `region,entity_type,entity,statistic,value` (comparison:
//! `region,entity_type,entity,statistic,baseline,reform,change`).

use std::fmt::Write as _;

use anyhow::{Context, Result};
use bordersim_experiment::region::{RegionComparison, RegionReport};

use crate::args::Format;

/// Pretty JSON with a final newline (both region objects serialise the same way).
macro_rules! json {
    ($value:expr) => {{
        let mut bytes = serde_json::to_vec_pretty($value).context("cannot serialise the region")?;
        bytes.push(b'\n');
        Ok(bytes)
    }};
}

pub fn render(report: &RegionReport, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Table => Ok(table(report).into_bytes()),
        Format::Json => json!(report),
        Format::Csv => csv(report),
    }
}

pub fn render_comparison(comparison: &RegionComparison, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Table => Ok(comparison_table(comparison).into_bytes()),
        Format::Json => json!(comparison),
        Format::Csv => comparison_csv(comparison),
    }
}

/// The one-line verdict on the equilibrium, shared by the table and standard error.
pub fn convergence_line(report: &RegionReport) -> String {
    let n = report.iterations.len();
    let gap = report.iterations.last().map_or(f64::NAN, |i| i.gap);
    if report.converged {
        format!(
            "converged after {n} iteration{} (gap {gap:.4} < tolerance {})",
            if n == 1 { "" } else { "s" },
            report.tolerance
        )
    } else {
        format!(
            "NOT CONVERGED after {n} iterations (gap {gap:.4} >= tolerance {}): the flows are the \
             last averaged iterate, not an equilibrium; raise max_iterations or the replications",
            report.tolerance
        )
    }
}

/// Aligned columns: the first `left` columns left-aligned, the others right-aligned.
fn columns(titles: &[&str], rows: &[Vec<String>], left: usize) -> String {
    let widths: Vec<usize> = (0..titles.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([titles[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let mut l = String::from(" ");
        for (i, cell) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[i] - cell.chars().count());
            if i < left {
                let _ = write!(l, " {cell}{pad}");
            } else {
                let _ = write!(l, " {pad}{cell}");
            }
        }
        l.trim_end().to_string()
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        line(&titles.iter().map(|t| (*t).to_string()).collect::<Vec<_>>())
    );
    let _ = writeln!(
        out,
        "{}",
        line(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>())
    );
    for r in rows {
        let _ = writeln!(out, "{}", line(r));
    }
    out
}

fn minutes(seconds: Option<f64>) -> String {
    seconds.map_or_else(|| "-".into(), |s| format!("{:.1}", s / 60.0))
}

/// Money with thousands separators, no decimals.
fn money(x: f64) -> String {
    let sign = if x < 0.0 { "-" } else { "" };
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{sign}{out}")
}

fn signed_money(x: f64) -> String {
    if x >= 0.0 {
        format!("+{}", money(x))
    } else {
        money(x)
    }
}

fn table(r: &RegionReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "bordersim region | {} | {} replications per crossing, seed {}",
        r.region, r.replications, r.seed
    );
    let _ = writeln!(out, "\nEquilibrium: {}", convergence_line(r));
    let rows: Vec<Vec<String>> = r
        .iterations
        .iter()
        .map(|i| {
            vec![
                i.iteration.to_string(),
                format!("{:.4}", i.gap),
                format!("{:.0}", i.vehicles_per_day),
            ]
        })
        .collect();
    out.push_str(&columns(&["iteration", "gap", "vehicles/day"], &rows, 0));

    let _ = writeln!(
        out,
        "\nFlows at the crossings (border time: arrival to exit, minutes)"
    );
    let rows: Vec<Vec<String>> = r
        .flows
        .iter()
        .map(|f| {
            vec![
                f.crossing.clone(),
                f.direction.clone(),
                f.class.clone(),
                if f.open {
                    format!("{:.0}", f.volume_per_day)
                } else {
                    "closed".into()
                },
                format!("{:.1}%", 100.0 * f.share),
                minutes(f.border_time.mean_s),
                minutes(f.border_time.p95_s),
            ]
        })
        .collect();
    out.push_str(&columns(
        &[
            "crossing",
            "direction",
            "class",
            "vehicles/day",
            "share",
            "mean",
            "p95",
        ],
        &rows,
        3,
    ));

    let _ = writeln!(out, "\nTrade per day (cargo value)");
    let rows: Vec<Vec<String>> = r
        .trade
        .sides
        .iter()
        .map(|s| {
            vec![
                s.side.clone(),
                money(s.exports_per_day),
                money(s.imports_per_day),
                signed_money(s.balance_per_day),
                money(s.exports_lost_to_delay_per_day),
            ]
        })
        .collect();
    out.push_str(&columns(
        &[
            "side",
            "exports",
            "imports",
            "balance",
            "exports lost to delay",
        ],
        &rows,
        1,
    ));
    let rows: Vec<Vec<String>> = r
        .trade
        .by_crossing
        .iter()
        .filter(|t| t.value_per_day != 0.0)
        .map(|t| {
            vec![
                t.crossing.clone(),
                t.direction.clone(),
                money(t.value_per_day),
            ]
        })
        .collect();
    out.push('\n');
    out.push_str(&columns(&["crossing", "direction", "value"], &rows, 2));
    let rows: Vec<Vec<String>> = r
        .trade
        .by_commodity
        .iter()
        .map(|t| {
            vec![
                if t.commodity.is_empty() {
                    "(none)".into()
                } else {
                    t.commodity.clone()
                },
                t.direction.clone(),
                money(t.value_per_day),
            ]
        })
        .collect();
    out.push('\n');
    out.push_str(&columns(&["commodity", "direction", "value"], &rows, 2));
    let _ = writeln!(
        out,
        "\n  {} crossing simulations, {} events.",
        r.simulations, r.events
    );
    out
}

fn comparison_table(c: &RegionComparison) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "bordersim compare | region: {} | reform: {} | {} replications per crossing, seed {}",
        c.baseline.region, c.reform_name, c.baseline.replications, c.baseline.seed
    );
    let _ = writeln!(
        out,
        "\nBaseline equilibrium: {}",
        convergence_line(&c.baseline)
    );
    let _ = writeln!(out, "Reform equilibrium:   {}", convergence_line(&c.reform));
    let _ = writeln!(
        out,
        "\nTraffic shift (vehicles/day; border time: mean arrival to exit, minutes)"
    );
    let rows: Vec<Vec<String>> = c
        .shift
        .flows
        .iter()
        .map(|f| {
            vec![
                f.crossing.clone(),
                f.direction.clone(),
                f.class.clone(),
                format!("{:.0}", f.volume_baseline),
                format!("{:.0}", f.volume_reform),
                format!("{:+.0}", f.volume_change),
                format!("{:+.1} pts", 100.0 * f.share_change),
                minutes(f.border_mean_baseline_s),
                minutes(f.border_mean_reform_s),
            ]
        })
        .collect();
    out.push_str(&columns(
        &[
            "crossing",
            "direction",
            "class",
            "baseline",
            "reform",
            "change",
            "share",
            "border base",
            "border reform",
        ],
        &rows,
        3,
    ));
    let t = &c.shift.trade;
    let _ = writeln!(out, "\nTrade per day");
    let _ = writeln!(
        out,
        "  created (net change of all trade): {}",
        signed_money(t.created_per_day)
    );
    let _ = writeln!(
        out,
        "  diverted between crossings:        {}",
        money(t.diverted_per_day)
    );
    let rows: Vec<Vec<String>> = t
        .sides
        .iter()
        .map(|s| {
            vec![
                s.side.clone(),
                signed_money(s.exports_change_per_day),
                signed_money(s.imports_change_per_day),
                signed_money(s.balance_change_per_day),
            ]
        })
        .collect();
    out.push('\n');
    out.push_str(&columns(
        &["side", "exports", "imports", "balance"],
        &rows,
        1,
    ));
    let rows: Vec<Vec<String>> = t
        .by_crossing
        .iter()
        .filter(|x| x.value_per_day != 0.0)
        .map(|x| {
            vec![
                x.crossing.clone(),
                x.direction.clone(),
                signed_money(x.value_per_day),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out.push('\n');
        out.push_str(&columns(
            &["crossing", "direction", "value change"],
            &rows,
            2,
        ));
    }
    out.push_str(
        "\n  Both runs use the same seed and replications, and every regional source draws the \
         same\n  candidate vehicles, so the shift is measured on common random numbers.\n",
    );
    out
}

fn opt(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(String::new, |x| x.to_string())
}

fn csv(r: &RegionReport) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["region", "entity_type", "entity", "statistic", "value"])?;
    let mut row = |entity_type: &str, entity: &str, statistic: &str, value: String| {
        w.write_record([r.region.as_str(), entity_type, entity, statistic, &value])
    };
    row(
        "equilibrium",
        "all",
        "converged",
        u8::from(r.converged).to_string(),
    )?;
    row(
        "equilibrium",
        "all",
        "iterations",
        r.iterations.len().to_string(),
    )?;
    row("equilibrium", "all", "tolerance", r.tolerance.to_string())?;
    row("equilibrium", "all", "seed", r.seed.to_string())?;
    row(
        "equilibrium",
        "all",
        "replications",
        r.replications.to_string(),
    )?;
    for i in &r.iterations {
        let entity = i.iteration.to_string();
        row("iteration", &entity, "gap", opt(Some(i.gap)))?;
        row(
            "iteration",
            &entity,
            "vehicles_per_day",
            i.vehicles_per_day.to_string(),
        )?;
    }
    for f in &r.flows {
        let entity = format!("{}|{}|{}", f.crossing, f.direction, f.class);
        row("flow", &entity, "open", u8::from(f.open).to_string())?;
        row(
            "flow",
            &entity,
            "volume_per_day",
            f.volume_per_day.to_string(),
        )?;
        row("flow", &entity, "share", f.share.to_string())?;
        row("flow", &entity, "border_mean_s", opt(f.border_time.mean_s))?;
        row("flow", &entity, "border_p95_s", opt(f.border_time.p95_s))?;
        row("flow", &entity, "border_ci95_s", opt(f.border_time.ci95_s))?;
        row(
            "flow",
            &entity,
            "border_count",
            f.border_time.count.to_string(),
        )?;
        row("flow", &entity, "border_used_s", opt(f.border_time_used_s))?;
        for h in &f.hourly {
            let entity = format!("{entity}|{:02}", h.hour);
            row("flow_hour", &entity, "volume", h.volume.to_string())?;
            row("flow_hour", &entity, "observed", h.observed.to_string())?;
            row(
                "flow_hour",
                &entity,
                "border_used_s",
                opt(h.border_time_used_s),
            )?;
        }
    }
    for s in &r.trade.sides {
        row(
            "side",
            &s.side,
            "exports_per_day",
            s.exports_per_day.to_string(),
        )?;
        row(
            "side",
            &s.side,
            "imports_per_day",
            s.imports_per_day.to_string(),
        )?;
        row(
            "side",
            &s.side,
            "balance_per_day",
            s.balance_per_day.to_string(),
        )?;
        row(
            "side",
            &s.side,
            "exports_lost_to_delay_per_day",
            s.exports_lost_to_delay_per_day.to_string(),
        )?;
    }
    for t in &r.trade.by_crossing {
        let entity = format!("{}|{}", t.crossing, t.direction);
        row(
            "crossing_trade",
            &entity,
            "value_per_day",
            t.value_per_day.to_string(),
        )?;
    }
    for t in &r.trade.by_commodity {
        let entity = format!("{}|{}", t.commodity, t.direction);
        row(
            "commodity_trade",
            &entity,
            "value_per_day",
            t.value_per_day.to_string(),
        )?;
    }
    row(
        "trade",
        "all",
        "total_per_day",
        r.trade.total_per_day.to_string(),
    )?;
    w.into_inner().context("cannot assemble the CSV")
}

fn comparison_csv(c: &RegionComparison) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "region",
        "entity_type",
        "entity",
        "statistic",
        "baseline",
        "reform",
        "change",
    ])?;
    let region = c.baseline.region.clone();
    let mut row =
        |entity_type: &str, entity: &str, statistic: &str, b: Option<f64>, r: Option<f64>| {
            let change = b.zip(r).map(|(b, r)| r - b);
            w.write_record([
                region.as_str(),
                entity_type,
                entity,
                statistic,
                &opt(b),
                &opt(r),
                &opt(change),
            ])
        };
    row(
        "equilibrium",
        "all",
        "converged",
        Some(f64::from(u8::from(c.baseline.converged))),
        Some(f64::from(u8::from(c.reform.converged))),
    )?;
    row(
        "equilibrium",
        "all",
        "iterations",
        Some(c.baseline.iterations.len() as f64),
        Some(c.reform.iterations.len() as f64),
    )?;
    for f in &c.shift.flows {
        let entity = format!("{}|{}|{}", f.crossing, f.direction, f.class);
        row(
            "flow",
            &entity,
            "volume_per_day",
            Some(f.volume_baseline),
            Some(f.volume_reform),
        )?;
        row(
            "flow",
            &entity,
            "share",
            Some(f.share_baseline),
            Some(f.share_reform),
        )?;
        row(
            "flow",
            &entity,
            "border_mean_s",
            f.border_mean_baseline_s,
            f.border_mean_reform_s,
        )?;
    }
    for (b, r) in c.baseline.trade.sides.iter().zip(&c.reform.trade.sides) {
        row(
            "side",
            &b.side,
            "exports_per_day",
            Some(b.exports_per_day),
            Some(r.exports_per_day),
        )?;
        row(
            "side",
            &b.side,
            "imports_per_day",
            Some(b.imports_per_day),
            Some(r.imports_per_day),
        )?;
        row(
            "side",
            &b.side,
            "balance_per_day",
            Some(b.balance_per_day),
            Some(r.balance_per_day),
        )?;
    }
    for (b, r) in c
        .baseline
        .trade
        .by_crossing
        .iter()
        .zip(&c.reform.trade.by_crossing)
    {
        let entity = format!("{}|{}", b.crossing, b.direction);
        row(
            "crossing_trade",
            &entity,
            "value_per_day",
            Some(b.value_per_day),
            Some(r.value_per_day),
        )?;
    }
    let t = &c.shift.trade;
    w.write_record([
        region.as_str(),
        "trade",
        "all",
        "created_per_day",
        "",
        "",
        &t.created_per_day.to_string(),
    ])?;
    w.write_record([
        region.as_str(),
        "trade",
        "all",
        "diverted_per_day",
        "",
        "",
        &t.diverted_per_day.to_string(),
    ])?;
    w.into_inner().context("cannot assemble the CSV")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_has_thousands_separators() {
        assert_eq!(money(0.0), "0");
        assert_eq!(money(999.4), "999");
        assert_eq!(money(1234567.0), "1,234,567");
        assert_eq!(money(-45000.0), "-45,000");
        assert_eq!(signed_money(12.0), "+12");
    }
}
