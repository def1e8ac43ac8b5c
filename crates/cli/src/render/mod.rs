//! Report writers, one module per report and format family. Each renders the whole report
//! into memory, so that output is written in one piece (or not at all).
//!
//! - [`table`] (`run` as text), [`csv`] (`run` as tidy CSV), [`json`] (every report as
//!   JSON), [`compare`] and [`region`] (their reports in the three formats).
//! - [`columns`] and [`numbers`]: the one column aligner and the one set of number formats
//!   every text table uses.

mod columns;
pub mod compare;
mod csv;
mod json;
mod numbers;
pub mod region;
pub mod series;
mod table;

use anyhow::Result;
use bordersim_experiment::Report;

use crate::args::Format;

/// Renders `report` in `format`.
///
/// # Errors
///
/// When the report cannot be serialised (JSON) or the CSV cannot be assembled.
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Table => Ok(table::render(report).into_bytes()),
        Format::Json => json::render(report, "the report"),
        Format::Csv => csv::render(report),
    }
}
