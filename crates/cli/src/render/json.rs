//! The machine-readable contract: a report serialised as pretty JSON with a final newline,
//! times in seconds, field names as the report types name them (`Report`, `Comparison`,
//! `RegionReport`, `RegionComparison` of `bordersim-experiment`). A negative zero (a
//! difference of equal figures, a saving of nothing) is written `0.0`: a reader sees no
//! sign where there is no quantity.

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
    unsign_zeros(&mut bytes);
    bytes.push(b'\n');
    Ok(bytes)
}

/// Rewrites every number `-0.0` of a JSON text (outside its strings) as `0.0`, in place
/// and of the same length but for the sign: serde_json writes a float's sign bit as it is.
pub fn unsign_zeros(json: &mut Vec<u8>) {
    const NEG_ZERO: &[u8] = b"-0.0";
    let mut out = Vec::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut i = 0;
    while i < json.len() {
        let b = json[i];
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if json[i..].starts_with(NEG_ZERO)
            && json
                .get(i + NEG_ZERO.len())
                .is_none_or(|next| !next.is_ascii_digit() && !matches!(next, b'e' | b'E'))
        {
            // The whole number is -0.0 (not -0.05, not -0.0e5 — which serde_json never
            // writes, but which is not zero's sign either way).
            out.extend_from_slice(b"0.0");
            i += NEG_ZERO.len();
            continue;
        }
        out.push(b);
        i += 1;
    }
    *json = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zeros_lose_their_sign_and_nothing_else_changes() {
        let value = serde_json::json!({
            "net_benefit_per_day": -0.0,
            "list": [-0.0, 0.0, -0.05, -10.0, -0.0],
            "text": "-0.0 stays in a string \" -0.0",
            "nested": { "a": -0.0 },
            "small": -1e-300,
        });
        let bytes = render(&value, "test").unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["net_benefit_per_day"].as_f64().unwrap().to_bits(), 0);
        assert_eq!(back["nested"]["a"].as_f64().unwrap().to_bits(), 0);
        let list: Vec<f64> = back["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(list[0].to_bits(), 0);
        assert_eq!(list[4].to_bits(), 0);
        assert_eq!(list[2], -0.05);
        assert_eq!(list[3], -10.0);
        assert_eq!(back["text"], "-0.0 stays in a string \" -0.0");
        assert!(back["small"].as_f64().unwrap() < 0.0);
        assert!(!text.contains(": -0.0,"), "{text}");
    }
}
