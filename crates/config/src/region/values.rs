//! Checks shared by the region's sections: unique ids, references by id, hourly profiles,
//! non-negative amounts, elasticities and travel times.

use crate::diagnostic::Collector;
use crate::spans::{child, index};
use crate::suggest::{did_you_mean, list};
use crate::units::{format_number, parse_duration};

/// Unique ids of a section, reporting duplicates.
pub(super) fn ids<'a>(
    cx: &mut Collector<'_>,
    section: &str,
    ids: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for (i, id) in ids.enumerate() {
        let path = child(&index(section, i), "id");
        if id.is_empty() {
            cx.error(&path, "an id cannot be empty");
        } else if seen.iter().any(|s| s == id) {
            cx.error(&path, format!("duplicate id `{id}`: ids must be unique"));
        }
        seen.push(id.to_owned());
    }
    seen
}

pub(super) fn lookup(
    cx: &mut Collector<'_>,
    path: &str,
    what: &str,
    name: &str,
    known: &[String],
    at_key: bool,
) -> Option<usize> {
    let found = known.iter().position(|k| k == name);
    if found.is_none() {
        let message = format!(
            "unknown {what} `{name}`{}; expected one of {}",
            did_you_mean(name, known.iter().map(String::as_str)),
            list(known.iter().map(String::as_str))
        );
        if at_key {
            cx.error_at_key(path, message);
        } else {
            cx.error(path, message);
        }
    }
    found
}

pub(super) fn profile(cx: &mut Collector<'_>, path: &str, weights: &[f64]) -> Option<[f64; 24]> {
    if weights.len() != 24 {
        cx.error(
            path,
            format!(
                "a profile needs 24 hourly weights (midnight first), got {}",
                weights.len()
            ),
        );
        return None;
    }
    if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
        cx.error(path, "profile weights must be zero or positive");
        return None;
    }
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        cx.error(path, "a profile cannot be zero at every hour");
        return None;
    }
    let mut shape = [0.0; 24];
    for (s, w) in shape.iter_mut().zip(weights) {
        *s = w / total;
    }
    Some(shape)
}

pub(super) fn non_negative(cx: &mut Collector<'_>, path: &str, value: f64, what: &str) -> f64 {
    if !(value.is_finite() && value >= 0.0) {
        cx.error(
            path,
            format!(
                "{what} must be zero or positive, got {}",
                format_number(value)
            ),
        );
        return 0.0;
    }
    value
}

pub(super) fn elasticity(cx: &mut Collector<'_>, path: &str, value: f64) -> f64 {
    if !(value.is_finite() && value <= 0.0) {
        cx.error(
            path,
            format!(
                "the elasticity is the relative change in volume per day of border delay: it \
                 must be zero (fixed demand) or negative, got {}",
                format_number(value)
            ),
        );
        return 0.0;
    }
    value
}

/// Minutes of a travel-time entry.
pub(super) fn minutes(cx: &mut Collector<'_>, path: &str, text: &str) -> Option<f64> {
    match parse_duration(text) {
        Ok(ms) => Some(ms / 60_000.0),
        Err(message) => {
            cx.error(path, format!("travel time: {message}"));
            None
        }
    }
}
