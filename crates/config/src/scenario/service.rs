//! Service-time distributions: which parameters each takes, their values, and the model's
//! own check.

use bordersim_model::ServiceDist;

use super::Cx;
use super::settings::{duration_ms, show_duration, show_written};
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

/// The most values an empirical distribution may hold: far more than a field survey
/// records, and each value is kept (8 bytes) once per vehicle kind at its station. A larger
/// sample says no more about a service time than 100,000 of its values drawn at random.
pub const MAX_EMPIRICAL_VALUES: usize = 100_000;

/// Validates a service-time table. `None` when something is wrong (already reported).
pub(super) fn service(cx: &mut Cx<'_>, path: &str, raw: &RawService) -> Option<ServiceDist> {
    if !parameters_ok(cx, path, raw) {
        return None;
    }
    if let Some(values) = &raw.values
        && values.len() > MAX_EMPIRICAL_VALUES
    {
        // Before each value is read: one message, not one per value.
        cx.error(
            &child(path, "values"),
            format!(
                "an empirical distribution holds at most {MAX_EMPIRICAL_VALUES} values, got \
                 {}; give a random sample of {MAX_EMPIRICAL_VALUES} of them (it describes \
                 the service time as well), or fit a distribution (e.g. lognormal with the \
                 sample's mean and cv)",
                values.len()
            ),
        );
        return None;
    }
    let kind = raw.dist;
    let mut duration = |field: &str, v: &Option<RawDuration>| {
        v.as_ref()
            .and_then(|v| clock_ms(cx, &child(path, field), v))
    };
    let mean = duration("mean", &raw.mean);
    let value = duration("value", &raw.value);
    let min = duration("min", &raw.min);
    let mode = duration("mode", &raw.mode);
    let max = duration("max", &raw.max);
    let values: Option<Vec<f64>> = raw.values.as_ref().map(|vs| {
        vs.iter()
            .enumerate()
            .filter_map(|(k, v)| clock_ms(cx, &index(&child(path, "values"), k), v))
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

/// A service duration in whole milliseconds, the clock's resolution. Every draw is rounded
/// to the clock, so a time finer than it would run biased: a deterministic 1.5 ms service
/// would run as 2 ms (a third longer, and its station's utilisation 0.80 for 0.60). Such a
/// value is refused, with what to write instead; a value a decimal unit makes a hair off a
/// whole millisecond (`"1.1s"` is 1100.0000000000002 ms) is the whole millisecond.
fn clock_ms(cx: &mut Cx<'_>, path: &str, raw: &RawDuration) -> Option<f64> {
    let ms = duration_ms(cx, path, raw)?;
    let whole = ms.round();
    if (ms - whole).abs() <= 1e-9 * whole.max(1.0) {
        return Some(whole);
    }
    let (below, above) = (ms.floor(), ms.ceil());
    cx.error(
        path,
        format!(
            "{} is {} ms, finer than the simulation clock, which counts whole milliseconds \
             (every service time is rounded to it, so this one would not run as written); \
             write a whole number of milliseconds, e.g. \"{}ms\" or \"{}ms\"",
            show_duration(raw),
            crate::units::format_number(ms),
            below,
            above
        ),
    );
    None
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

#[cfg(test)]
mod tests {
    use crate::tests::{check, edit, ok};
    use bordersim_model::{ClassId, ServiceDist, StationId};

    /// The diagnostic paths and messages of a scenario that fails.
    fn problems(input: &str, expected: &[&str]) -> Vec<(String, String)> {
        check(input, expected)
            .diagnostics
            .iter()
            .map(|d| (d.path.clone(), d.message.clone()))
            .collect()
    }

    #[test]
    fn a_service_time_finer_than_the_clock_is_refused_where_it_is_written() {
        // A deterministic 1.5 ms service would run as 2 ms (utilisation 0.80, not 0.60).
        let found = problems(
            &edit("value = \"1min\"", "value = \"1.5ms\""),
            &[
                "\"1.5ms\" is 1.5 ms, finer than the simulation clock",
                "\"1ms\" or \"2ms\"",
            ],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "stations[0].service_by_class.car.value");
        // Every duration of every distribution, parts of sums and empirical values included.
        for (from, to, path) in [
            (
                "mean = \"2min\"",
                "mean = \"0.0025s\"",
                "stations[0].service.mean",
            ),
            (
                "min = \"1min\"",
                "min = \"0.4ms\"",
                "stations[1].service.min",
            ),
            (
                "max = \"2min\"",
                "max = \"120000.5ms\"",
                "stations[1].service.max",
            ),
            (
                "service = { dist = \"uniform\", min = \"1min\", max = \"2min\" }",
                "service = { dist = \"empirical\", values = [\"1s\", \"2.0004s\"] }",
                "stations[1].service.values[1]",
            ),
            (
                "service = { dist = \"uniform\", min = \"1min\", max = \"2min\" }",
                "service = { dist = \"sum\", parts = [{ dist = \"deterministic\", value = \"1.5ms\" }] }",
                "stations[1].service.parts[0].value",
            ),
        ] {
            let found = problems(&edit(from, to), &["finer than the simulation clock"]);
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].0, path);
        }
    }

    #[test]
    fn whole_milliseconds_in_any_unit_are_kept_exactly() {
        // 1.1 s is 1100.0000000000002 ms in floating point: 1100 ms.
        let loaded = ok(&edit("value = \"1min\"", "value = \"1.1s\""));
        let station = &loaded.scenario.crossing.stations()[StationId(0).index()];
        assert_eq!(
            station.service[ClassId(1).index()],
            Some(ServiceDist::Deterministic { value_ms: 1100.0 })
        );
        ok(&edit("value = \"1min\"", "value = \"0.001s\""));
        ok(&edit("value = \"1min\"", "value = \"0ms\""));
    }

    #[test]
    fn a_loop_through_a_zero_time_service_is_refused_at_its_routes() {
        // A 0 s service with a self-loop at p = 1 - 1e-16 never lets the clock advance.
        let input = edit(
            "service = { dist = \"uniform\", min = \"1min\", max = \"2min\" }",
            "service = { dist = \"deterministic\", value = \"0s\" }\n\
             routes = [{ to = \"xray\", p = 0.9999999999999999 }, { to = \"exit\", p = 1e-16 }]",
        );
        // Both classes reach the X-ray: one error each, at the loop's routes.
        let found = problems(
            &input,
            &[
                "class `truck` can go round `xray` → `xray` without the clock advancing",
                "class `car` can go round",
            ],
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|(path, _)| path == "stations[1].routes"));
    }

    #[test]
    fn an_empirical_distribution_holds_a_bounded_number_of_values() {
        let values = |n: usize| {
            edit(
                "service = { dist = \"uniform\", min = \"1min\", max = \"2min\" }",
                &format!(
                    "service = {{ dist = \"empirical\", values = [{}] }}",
                    vec!["\"1.5ms\""; n].join(", ")
                ),
            )
        };
        // One message for the whole list (none per value finer than the clock).
        let found = problems(
            &values(super::MAX_EMPIRICAL_VALUES + 1),
            &["at most 100000 values, got 100001"],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "stations[1].service.values");
        let ok_list = values(super::MAX_EMPIRICAL_VALUES).replace("1.5ms", "90s");
        ok(&ok_list);
    }
}
