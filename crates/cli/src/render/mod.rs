//! Report writers. Each renders the whole report into memory, so that output is written
//! in one piece (or not at all).

pub mod compare;
mod csv;
mod json;
pub mod region;
mod table;

use anyhow::Result;
use bordersim_experiment::Report;

use crate::args::Format;

/// Renders `report` in `format`.
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Table => Ok(table::render(report).into_bytes()),
        Format::Json => json::render(report),
        Format::Csv => csv::render(report),
    }
}
