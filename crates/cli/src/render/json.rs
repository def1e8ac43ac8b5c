//! The machine-readable contract: a report serialised as pretty JSON with a final newline,
//! times in seconds, field names as the report types name them (`Report`, `Comparison`,
//! `RegionReport`, `RegionComparison` of `bordersim-experiment`).

use anyhow::{Context, Result};
use serde::Serialize;

/// `value` as pretty JSON with a final newline; `what` names it in the error.
///
/// # Errors
///
/// When `value` cannot be serialised.
pub fn render<T: Serialize + ?Sized>(value: &T, what: &str) -> Result<Vec<u8>> {
    let mut bytes =
        serde_json::to_vec_pretty(value).with_context(|| format!("cannot serialise {what}"))?;
    bytes.push(b'\n');
    Ok(bytes)
}
