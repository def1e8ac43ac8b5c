//! The machine-readable contract of DESIGN.md §5: `Report` serialised as pretty JSON.

use anyhow::{Context, Result};
use bordersim_experiment::Report;

pub fn render(report: &Report) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(report).context("cannot serialise the report")?;
    bytes.push(b'\n');
    Ok(bytes)
}
