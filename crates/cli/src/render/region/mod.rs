//! `bordersim region` and `bordersim compare` on a region: the equilibrium (iterations and
//! gaps), flows per crossing × direction × class with their border times, and trade per
//! side; for a comparison, the shift between baseline and reform.
//!
//! Table ([`table`]): times in minutes, money per day. JSON: the `RegionReport` /
//! `RegionComparison` objects (times in seconds, money per day). CSV ([`csv`]): tidy rows
//! `region,entity_type,entity,statistic,value` (comparison:
//! `region,entity_type,entity,statistic,baseline,reform,change`).

mod csv;
mod table;

use anyhow::Result;
use bordersim_experiment::region::{RegionComparison, RegionReport};

use crate::args::Format;

/// Renders the equilibrium `report` in `format`.
///
/// # Errors
///
/// When the report cannot be serialised (JSON) or the CSV cannot be assembled.
pub fn render(report: &RegionReport, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Table => Ok(table::table(report).into_bytes()),
        Format::Json => super::json::render(report, "the region"),
        Format::Csv => csv::csv(report),
    }
}

/// Renders the comparison of two equilibria in `format`.
///
/// # Errors
///
/// When the comparison cannot be serialised (JSON) or the CSV cannot be assembled.
pub fn render_comparison(comparison: &RegionComparison, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Table => Ok(table::comparison_table(comparison).into_bytes()),
        Format::Json => super::json::render(comparison, "the region"),
        Format::Csv => csv::comparison_csv(comparison),
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
