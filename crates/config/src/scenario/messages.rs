//! Serde and TOML parser messages rephrased in the config's words: tables and arrays, not
//! maps and sequences; the field that is missing or unknown, with "did you mean" and the
//! values that are allowed.

use super::Cx;
use crate::raw::{DistKind, RawConfig};
use crate::spans::child;
use crate::suggest::{did_you_mean, list};

impl Cx<'_> {
    /// A syntax error has no field path (the tree around it is not reliable), but when the
    /// parser was still inside an array or inline table, the message says where it opened:
    /// a missing `]` or `}` is the usual cause of a cascade of errors further down.
    pub(super) fn syntax_error(&mut self, text: &str, e: &toml::de::Error, more: usize) {
        let offset = e.span().map_or(0, |s| s.start);
        let message = e.message();
        let (line, _) = self.line_col(offset);
        let opened = self
            .spans()
            .and_then(|spans| spans.unclosed_container_at(text, offset))
            .and_then(|(path, start, closer)| {
                let what = if closer == ']' { "array" } else { "inline table" };
                let (open_line, _) = self.line_col(start);
                (open_line < line).then(|| {
                    format!("; is the {what} `{path}` opened on line {open_line} missing its `{closer}`?")
                })
            });
        let more = match more {
            0 => String::new(),
            1 => " (1 more syntax error may follow from this one)".to_owned(),
            n => format!(" ({n} more syntax errors may follow from this one)"),
        };
        self.error_at(
            offset,
            "",
            format!(
                "TOML syntax error: {message}{}{more}",
                opened.unwrap_or_default()
            ),
        );
    }

    /// Reports a serde error for the table at `base`, at the exact field where possible,
    /// rephrased in the config's words (tables and arrays, not maps and sequences).
    pub(super) fn serde_error(&mut self, base: &str, e: &toml::de::Error) {
        self.structure_ok = false;
        let span = e.span();
        let path = span
            .as_ref()
            .and_then(|s| self.spans().and_then(|spans| spans.path_at(s)))
            .filter(|p| p.starts_with(base))
            .unwrap_or_else(|| base.to_owned());
        let offset = span.map_or_else(|| self.value_start(base), |s| s.start);
        let (path, message) = rephrase(e.message(), path);
        self.error_at(offset, &path, message);
    }
}

/// A serde message about the value at `path` in the user's words: the field, what was
/// found and what is expected, never a type of this crate (`RawLaneFilter`) or serde's
/// vocabulary (maps, sequences, `i64`). Returns the path to report at (a missing field's
/// own path) and the message. Every loader (scenario, policy, region) reports through it.
pub(crate) fn rephrase(raw: &str, mut path: String) -> (String, String) {
    let message = if let Some(field) = backticked_after(raw, "missing field ") {
        path = child(&path, field);
        format!("missing required field `{field}`{}", missing_hint(field))
    } else if let Some(field) = backticked_after(raw, "unknown field ") {
        let expected = expected_names(raw);
        let allowed = if expected.is_empty() {
            "this table takes no fields".to_owned()
        } else {
            format!("expected one of {}", list(expected.iter().copied()))
        };
        if path == child("scenario", field) && RawConfig::SECTIONS.contains(&field) {
            format!(
                "`{field}` is a section of its own, but here it is a key of the [scenario] \
                 table (every key below a header belongs to it): write each entry under a \
                 [[{field}]] header"
            )
        } else {
            format!(
                "unknown field `{field}`{}; {allowed}",
                did_you_mean(field, expected.iter().copied())
            )
        }
    } else if let Some(variant) = backticked_after(raw, "unknown variant ") {
        let expected = expected_names(raw);
        let what = if path.ends_with(".dist") {
            "distribution"
        } else {
            "value"
        };
        format!(
            "unknown {what} `{variant}`{}; expected one of {}",
            did_you_mean(variant, expected.iter().copied()),
            list(expected.iter().copied())
        )
    } else if raw == "wanted string or table" || raw.starts_with("wanted exactly 1 element") {
        // A non-string (or a table not of one key) where a named value (an enum) belongs.
        match named_values(&path) {
            Some(names) => format!("wrong type: expected one of {}", list(names)),
            None => "wrong type: expected a string".to_owned(),
        }
    } else if let Some(rest) = raw.strip_prefix("invalid type: ") {
        let mut message = friendly_mismatch("wrong type", rest, &path);
        if path.ends_with(".lanes") && rest.starts_with("map") {
            message.push_str(
                "; write each lane group under its own [[stations.lanes]] header (two \
                 brackets)",
            );
        }
        message
    } else if let Some(rest) = raw.strip_prefix("invalid value: ") {
        friendly_mismatch("wrong value", rest, &path)
    } else if let Some(rest) = raw.strip_prefix("invalid length ") {
        invalid_length(rest, &path)
    } else if raw == "u64 value was too large" {
        // A value kept as written (a policy's `channels`, an override's `value`) holds
        // TOML's own integers, which stop at i64::MAX.
        format!(
            "wrong value: the integer is too large; the largest integer a value here takes \
             is {}",
            i64::MAX
        )
    } else {
        // Any other message of serde's, with the names of this crate's types removed.
        scrub(raw)
    };
    (path, message)
}

/// serde's "invalid length N, expected struct RawX with M elements" (an array where a
/// table belongs) or "… expected an array of length M".
fn invalid_length(rest: &str, path: &str) -> String {
    let (count, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    if expected.starts_with("struct ") || expected.starts_with("a map") || expected.is_empty() {
        format!(
            "wrong type: found an array of {count} value{}, expected a table{}",
            if count == "1" { "" } else { "s" },
            table_example(path)
        )
    } else {
        format!(
            "wrong length: found {count} values, expected {}",
            scrub(expected)
        )
    }
}

/// An example of the table a field takes, for the fields people most often write as an
/// array.
fn table_example(path: &str) -> String {
    let field = last_field(path);
    match field {
        "serves" => "; write e.g. serves = { programmes = [\"sentri\"] } (keys class, \
                     classes, programme, programmes)"
            .to_owned(),
        "channels" => "; write e.g. channels = { green = 0.9, red = 0.1 }".to_owned(),
        "service" => {
            "; write e.g. service = { dist = \"exponential\", mean = \"2min\" }".to_owned()
        }
        "policy" => "; write the [policy] header with its keys on the lines below".to_owned(),
        "lane_rule" => "; write e.g. lane_rule = { min_wait = \"5min\", max_wait = \
                        \"20min\", max_lanes = 4 }"
            .to_owned(),
        _ => String::new(),
    }
}

/// The field a path ends in: `stations[0].lanes[1].serves` → `serves`.
fn last_field(path: &str) -> &str {
    let field = path.rsplit('.').next().unwrap_or(path);
    field.split('[').next().unwrap_or(field)
}

/// `text` with each "struct RawX" / "enum X" of serde's replaced by "a table" / "a value",
/// so no type name of this crate reaches a user.
fn scrub(text: &str) -> String {
    let mut out = String::new();
    let mut words = text.split(' ').peekable();
    while let Some(w) = words.next() {
        if (w == "struct" || w == "enum") && words.peek().is_some() {
            let name = words.next().unwrap_or_default();
            let tail: String = name
                .chars()
                .skip_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push_str(if w == "struct" { "a table" } else { "a value" });
            out.push_str(&tail);
        } else if w.starts_with("Raw") {
            let tail: String = w
                .chars()
                .skip_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push_str("a table");
            out.push_str(&tail);
        } else {
            out.push_str(w);
        }
        out.push(' ');
    }
    out.pop();
    out
}

/// The largest value an integer field takes and what it counts, by the field's name; the
/// loaders check the same limits (a value above it is rejected with this number).
fn integer_limit(path: &str) -> Option<(u64, &'static str)> {
    let u32_max = u64::from(u32::MAX);
    Some(match last_field(path) {
        "queue_capacity" => (u32_max, "vehicles"),
        "servers" | "servers_by_hour" | "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun"
        | "min_lanes" | "max_lanes" => (u32_max, "servers"),
        "replications" => (u32_max, "replications"),
        "max_iterations" => (u32_max, "iterations"),
        "priority" => (255, "(priority levels 0-255)"),
        "seed" => (u64::MAX, "(any non-negative integer)"),
        _ => return None,
    })
}

/// The first backticked word after `prefix`: `missing field `x`` → `x`.
fn backticked_after<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    let rest = message.strip_prefix(prefix)?.strip_prefix('`')?;
    rest.split_once('`').map(|(word, _)| word)
}

/// The backticked names after "expected" in a serde message (`expected one of `a`, `b``).
fn expected_names(message: &str) -> Vec<&str> {
    let Some((_, expected)) = message.split_once("expected") else {
        return Vec::new();
    };
    expected.split('`').skip(1).step_by(2).collect()
}

fn friendly_mismatch(kind: &str, rest: &str, path: &str) -> String {
    let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let integer_expected = matches!(
        expected,
        "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64" | "u128"
    );
    // An integer where an integer belongs: it is out of range (TOML integers beyond the
    // field's type). Say the real limit.
    if integer_expected
        && let Some(digits) = found
            .strip_prefix("integer `")
            .and_then(|r| r.strip_suffix('`'))
            .filter(|d| !d.starts_with('-'))
    {
        return match integer_limit(path) {
            Some((max, what)) => format!(
                "wrong value: {digits} is too large; `{}` takes at most {max} {what}",
                last_field(path)
            ),
            None => format!(
                "wrong value: {digits} is too large; the largest integer this field takes is {}",
                i64::MAX
            ),
        };
    }
    let found = match found {
        "map" => "a table".to_owned(),
        "sequence" => "an array".to_owned(),
        f => f.replacen("floating point", "float", 1),
    };
    let expected = match expected {
        "i8" | "i16" | "i32" | "i64" | "i128" => "an integer",
        "u8" | "u16" | "u32" | "u64" | "u128" => "a non-negative integer",
        "f32" | "f64" => "a number",
        "a sequence" => "an array",
        "a map" => "a table",
        e if e.starts_with("struct ") => "a table",
        e => return format!("{kind}: found {found}, expected {}", scrub(e)),
    };
    format!("{kind}: found {found}, expected {expected}")
}

/// The values a named-value field takes, by the field's name.
fn named_values(path: &str) -> Option<Vec<&'static str>> {
    Some(match last_field(path) {
        "dist" => DistKind::ALL.iter().map(|d| d.name()).collect(),
        "when_full" => vec!["spillback", "balk", "block"],
        "channel" | "channels" => vec!["green", "yellow", "red"],
        _ => return None,
    })
}

fn missing_hint(field: &str) -> String {
    let hint = match field {
        "horizon" => "when the run ends, warm-up included, e.g. horizon = \"7d\"",
        "dist" => {
            return format!(
                " (the distribution: one of {})",
                list(DistKind::ALL.iter().map(|d| d.name()))
            );
        }
        "p" => "the probability of taking this route, e.g. p = 1",
        "to" => "a station id or \"exit\"",
        "rate" => "vehicles per unit of time, e.g. rate = \"30/h\"",
        "entry" => {
            "the id of the station where these vehicles arrive (for a trace, it may be a \
             table of stations by direction)"
        }
        "class" => "the id of one of the [[classes]]",
        _ => return String::new(),
    };
    format!(" ({hint})")
}
