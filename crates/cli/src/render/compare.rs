//! `bordersim compare`: the differences of each variant from the baseline, as a table (times
//! in minutes), JSON (`{"baseline", "variants": [{"name", "result", "differences"}]}`, times
//! in seconds) or tidy CSV (one row per variant, metric and entity).

use std::fmt::Write as _;

use anyhow::{Context, Result};
use bordersim_experiment::{Comparison, Difference};

use super::columns::Table;
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

/// Seconds become minutes in the table; other metrics stay as they are.
fn scaled(metric: &str, value: f64) -> f64 {
    if metric.ends_with("_s") {
        value / 60.0
    } else {
        value
    }
}

/// The metric's name for people: `wait_mean (min)` for `wait_mean_s`.
fn label(metric: &str) -> String {
    metric
        .strip_suffix("_s")
        .map_or_else(|| metric.to_string(), |m| format!("{m} (min)"))
}

/// The cells of one difference: entity, metric, baseline, variant, change, ±95%, relative.
fn row(d: &Difference) -> [String; 7] {
    let s = |v: f64| format!("{:.2}", scaled(&d.metric, v));
    [
        d.entity.clone(),
        label(&d.metric),
        s(d.baseline),
        s(d.variant),
        format!("{:+.2}", scaled(&d.metric, d.delta)),
        d.ci95.map_or_else(
            || "-".to_string(),
            |c| format!("{:.2}", scaled(&d.metric, c)),
        ),
        match (d.relative, d.significant) {
            (Some(r), true) => format!("{:+.1}% *", 100.0 * r),
            (Some(r), false) => format!("{:+.1}%", 100.0 * r),
            (None, _) => "-".to_string(),
        },
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
        let _ = writeln!(out, "\nVariant: {}", variant.name);
        let mut table = Table::with_left(
            &[
                "entity", "metric", "baseline", "variant", "change", "±95%", "relative",
            ],
            2,
        );
        for d in &variant.differences {
            table.row(row(d).to_vec());
        }
        out.push_str(&table.render_text());
    }
    out.push_str(
        "\n  change: variant − baseline, mean of the paired replications; ±95%: half-width of \
         its Student-t\n  interval; * the interval excludes zero. Times in minutes.\n",
    );
    out
}

/// One CSV row per variant, metric and entity; values as computed (times in seconds).
fn csv(comparison: &Comparison) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
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
    ])?;
    let opt = |v: Option<f64>| v.map_or_else(String::new, |x| x.to_string());
    for variant in &comparison.variants {
        for d in &variant.differences {
            w.write_record([
                variant.name.clone(),
                d.metric.clone(),
                d.entity.clone(),
                d.baseline.to_string(),
                d.variant.to_string(),
                d.delta.to_string(),
                opt(d.ci95),
                opt(d.relative),
                d.significant.to_string(),
            ])?;
        }
    }
    w.into_inner().context("cannot assemble the CSV")
}
