//! Service-time distributions: which parameters each takes, their values, and the model's
//! own check.

use bordersim_model::ServiceDist;

use super::Cx;
use super::settings::{duration_ms, show_written};
use crate::raw::{DistKind, RawDuration, RawService};
use crate::spans::{child, index};
use crate::suggest::list;

pub(super) fn param_hint(name: &str) -> &'static str {
    match name {
        "mean" => "e.g. mean = \"2min\"",
        "cv" => "a plain number, e.g. cv = 0.5",
        "value" => "e.g. value = \"30s\"",
        "min" => "e.g. min = \"1min\"",
        "mode" => "e.g. mode = \"90s\"",
        "max" => "e.g. max = \"3min\"",
        "values" => "observed durations, e.g. values = [\"40s\", \"65s\", \"2min\"]",
        "parts" => {
            "the distributions added, e.g. parts = [{ dist = \"exponential\", mean = \"2min\" }, \
             { dist = \"deterministic\", value = \"30s\" }]"
        }
        _ => "",
    }
}

/// Validates a service-time table. `None` when something is wrong (already reported).
pub(super) fn service(cx: &mut Cx<'_>, path: &str, raw: &RawService) -> Option<ServiceDist> {
    if !parameters_ok(cx, path, raw) {
        return None;
    }
    let kind = raw.dist;
    let mut duration = |field: &str, v: &Option<RawDuration>| {
        v.as_ref()
            .and_then(|v| duration_ms(cx, &child(path, field), v))
    };
    let mean = duration("mean", &raw.mean);
    let value = duration("value", &raw.value);
    let min = duration("min", &raw.min);
    let mode = duration("mode", &raw.mode);
    let max = duration("max", &raw.max);
    let values: Option<Vec<f64>> = raw.values.as_ref().map(|vs| {
        vs.iter()
            .enumerate()
            .filter_map(|(k, v)| duration_ms(cx, &index(&child(path, "values"), k), v))
            .collect()
    });
    let cv = raw.cv;

    let mean_ok = |cx: &mut Cx<'_>, mean: Option<f64>| match mean {
        Some(m) if m <= 0.0 => {
            cx.error(
                &child(path, "mean"),
                "the mean must be longer than 0 (use `deterministic` with value = \"0s\" for no wait)",
            );
            None
        }
        m => m,
    };
    let cv_ok = |cx: &mut Cx<'_>| match cv {
        Some(c) if !(c.is_finite() && c >= 0.0) => {
            cx.error(
                &child(path, "cv"),
                format!("cv must be zero or positive, got {c}"),
            );
            None
        }
        c => c,
    };
    let dist = match kind {
        DistKind::Exponential => ServiceDist::Exponential {
            mean_ms: mean_ok(cx, mean)?,
        },
        DistKind::Deterministic => ServiceDist::Deterministic { value_ms: value? },
        DistKind::Uniform => {
            let (min_ms, max_ms) = (min?, max?);
            if min_ms > max_ms {
                cx.error(
                    path,
                    format!(
                        "min {} must not exceed max {}",
                        show_written(&raw.min),
                        show_written(&raw.max)
                    ),
                );
                return None;
            }
            ServiceDist::Uniform { min_ms, max_ms }
        }
        DistKind::Triangular => {
            let (min_ms, mode_ms, max_ms) = (min?, mode?, max?);
            if !(min_ms <= mode_ms && mode_ms <= max_ms) {
                cx.error(
                    path,
                    format!(
                        "need min <= mode <= max, got min {}, mode {}, max {}",
                        show_written(&raw.min),
                        show_written(&raw.mode),
                        show_written(&raw.max)
                    ),
                );
                return None;
            }
            ServiceDist::Triangular {
                min_ms,
                mode_ms,
                max_ms,
            }
        }
        DistKind::Lognormal | DistKind::Gamma => {
            let mean = mean_ok(cx, mean);
            let cv = cv_ok(cx);
            let (mean_ms, cv) = (mean?, cv?);
            if kind == DistKind::Lognormal {
                ServiceDist::LogNormal { mean_ms, cv }
            } else {
                ServiceDist::Gamma { mean_ms, cv }
            }
        }
        DistKind::Empirical => {
            let values_ms = values?;
            let count = raw.values.as_ref().map_or(0, Vec::len);
            if count == 0 {
                cx.error(
                    &child(path, "values"),
                    format!(
                        "values must hold at least one observed duration ({})",
                        param_hint("values")
                    ),
                );
                return None;
            }
            if values_ms.len() < count {
                return None; // a bad value, already reported
            }
            ServiceDist::Empirical { values_ms }
        }
        DistKind::Sum => sum(cx, path, raw)?,
    };
    // The model's own check, should it ever be stricter than the ones above.
    if let Err(e) = dist.validate() {
        cx.error(path, e.0);
        return None;
    }
    Some(dist)
}

/// Stands in for a service time that was written but is invalid (already reported), so
/// that the structural checks do not also call it missing.
pub(super) const PLACEHOLDER: ServiceDist = ServiceDist::Deterministic { value_ms: 0.0 };

/// Whether the table gives every parameter its distribution needs and no other (each
/// problem reported).
fn parameters_ok(cx: &mut Cx<'_>, path: &str, raw: &RawService) -> bool {
    let kind = raw.dist;
    let name = kind.name();
    let takes = kind.parameters();
    let given = raw.given_parameters();
    let mut ok = true;
    let optional = kind.optional_parameters();
    for p in &given {
        if !takes.contains(p) && !optional.contains(p) {
            cx.error_at_key(
                &child(path, p),
                format!(
                    "`{p}` is not a parameter of {name}; {name} takes {}",
                    list(takes.iter().chain(optional).copied())
                ),
            );
            ok = false;
        }
    }
    for p in takes {
        if !given.contains(p) {
            cx.error(path, format!("{name} needs `{p}` ({})", param_hint(p)));
            ok = false;
        }
    }
    ok
}

/// A sum of distributions, scaled: every part validated on its own.
fn sum(cx: &mut Cx<'_>, path: &str, raw: &RawService) -> Option<ServiceDist> {
    let raw_parts = raw.parts.as_deref().unwrap_or_default();
    if raw_parts.is_empty() {
        cx.error(
            &child(path, "parts"),
            format!(
                "parts must hold at least one distribution ({})",
                param_hint("parts")
            ),
        );
        return None;
    }
    let parts: Vec<ServiceDist> = raw_parts
        .iter()
        .enumerate()
        .filter_map(|(k, part)| service(cx, &index(&child(path, "parts"), k), part))
        .collect();
    let scale = raw.scale.unwrap_or(1.0);
    if !(scale.is_finite() && scale > 0.0) {
        cx.error(
            &child(path, "scale"),
            format!("scale multiplies the sum: use a positive number, got {scale}"),
        );
        return None;
    }
    if parts.len() < raw_parts.len() {
        return None; // a bad part, already reported
    }
    Some(ServiceDist::Sum { parts, scale })
}
