//! The machine-readable contract: a report serialised as pretty JSON with a final newline,
//! times in seconds, field names as the report types name them (`Report`, `Comparison`,
//! `RegionReport`, `RegionComparison` of `bordersim-experiment`). A negative zero (a
//! difference of equal figures, a saving of nothing) is written `0.0`: a reader sees no
//! sign where there is no quantity.

use std::io;

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter};

/// `value` as pretty JSON with a final newline; `what` names it in the error.
///
/// # Errors
///
/// When `value` cannot be serialised.
pub fn render<T: Serialize + ?Sized>(value: &T, what: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(64 * 1024);
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, Pretty::default());
    value
        .serialize(&mut serializer)
        .with_context(|| format!("cannot serialise {what}"))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Spaces for the deepest indentation written in one piece.
const SPACES: &[u8; 64] = b"                                                                ";

/// serde_json's pretty layout (two spaces an indentation level, `": "` after a key), byte
/// for byte, with each line's break and indentation written in one piece rather than two
/// spaces at a time: a run's series are tens of thousands of values, each on its own line
/// several levels deep.
#[derive(Debug, Default)]
struct Pretty {
    /// Indentation levels open.
    depth: usize,
    /// Whether the array or object being written has a value yet.
    has_value: bool,
}

impl Pretty {
    /// `",\n"` (or `"\n"` before the first item) and the indentation of the current level.
    fn new_line<W: ?Sized + io::Write>(&self, writer: &mut W, first: bool) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(writer)
    }

    /// The indentation of the current level.
    fn indent<W: ?Sized + io::Write>(&self, writer: &mut W) -> io::Result<()> {
        let mut spaces = 2 * self.depth;
        while spaces > 0 {
            let now = spaces.min(SPACES.len());
            writer.write_all(&SPACES[..now])?;
            spaces -= now;
        }
        Ok(())
    }

    /// Closes an array or object with `close`, on a line of its own if it has values.
    fn end<W: ?Sized + io::Write>(&mut self, writer: &mut W, close: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            self.indent(writer)?;
        }
        writer.write_all(close)
    }
}

impl Formatter for Pretty {
    /// A negative zero (a difference of equal figures, a saving of nothing) is written
    /// `0.0`: a reader sees no sign where there is no quantity.
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        let value = if value == 0.0 { 0.0 } else { value };
        CompactFormatter.write_f64(writer, value)
    }

    /// As [`Formatter::write_f64`].
    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        let value = if value == 0.0 { 0.0 } else { value };
        CompactFormatter.write_f32(writer, value)
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.new_line(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.end(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.new_line(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_is_serde_jsons_pretty_layout_byte_for_byte() {
        // Nesting deeper than the spaces written in one piece, empty arrays and objects,
        // strings, numbers, nulls.
        let mut deep = serde_json::json!([1.5, null, "x\"y"]);
        for i in 0..40 {
            deep = serde_json::json!({ "level": i, "empty": [], "none": {}, "inner": deep });
        }
        let value = serde_json::json!({
            "a": [],
            "b": {},
            "c": [[], [{}], {"d": [1, 2.25, -0.25, null, true]}],
            "deep": deep,
        });
        let mut expected = serde_json::to_vec_pretty(&value).unwrap();
        expected.push(b'\n');
        assert_eq!(render(&value, "a value").unwrap(), expected);
    }

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
