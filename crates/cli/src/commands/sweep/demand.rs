//! A demand axis: a scenario's arrival rates multiplied by a factor, in its text.

use bordersim_config::Diagnostic;
use bordersim_config::sweep::Point;

/// Scenario `text` with its sources' arrival rates multiplied by point `point`'s demand
/// factors (a class's sources only, where the axis names one): `rate` (`"40/h"`) and every
/// hour of `profile`.
///
/// # Errors
///
/// A diagnostic at the demand axis (file left for the caller) when a source replays a
/// trace (recorded arrivals have no rate to scale), no source is of the named class, or
/// the text is not a scenario with sources.
pub(super) fn scale_demand(text: &str, point: &Point) -> Result<String, Diagnostic> {
    let mut doc: toml::Table = toml::from_str(text).map_err(|e| Diagnostic {
        file: String::new(),
        path: String::new(),
        line: 1,
        column: 1,
        message: format!("cannot scale the demand of point {}: {e}", point.id),
    })?;
    for scale in &point.demand {
        let fail = |message: String| Diagnostic {
            file: String::new(),
            path: scale.origin.field.clone(),
            line: scale.origin.line,
            column: scale.origin.column,
            message,
        };
        let Some(toml::Value::Array(sources)) = doc.get_mut("sources") else {
            return Err(fail(
                "the scenario has no [[sources]] whose demand to scale".into(),
            ));
        };
        let mut scaled = 0;
        let mut classes = Vec::new();
        for source in sources.iter_mut() {
            let Some(source) = source.as_table_mut() else {
                continue;
            };
            let id = source
                .get("id")
                .and_then(|v| v.as_str())
                .unwrap_or("?")
                .to_owned();
            let class = source
                .get("class")
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            if let Some(c) = &class {
                classes.push(c.clone());
            }
            if scale.class.is_some() && class != scale.class {
                continue;
            }
            if source.contains_key("trace") {
                return Err(fail(format!(
                    "source `{id}` replays a trace: recorded arrivals have no rate to scale (scale the other classes, or sources, by `class`)"
                )));
            }
            // One message for the factor, not one per hour of every profile it overflows.
            let overflow = || {
                fail(format!(
                    "demand factor {} makes source `{id}`'s arrival rate too large to be a \
                     number: give a smaller factor",
                    shown(scale.factor)
                ))
            };
            if let Some(toml::Value::String(rate)) = source.get_mut("rate") {
                let new = scale_rate(rate, scale.factor)
                    .ok_or_else(|| fail(format!("source `{id}`: cannot read the rate `{rate}`")))?;
                if new.contains("inf") || new.contains("NaN") {
                    return Err(overflow());
                }
                *rate = new;
            }
            if let Some(toml::Value::Array(profile)) = source.get_mut("profile") {
                for v in profile.iter_mut() {
                    let scaled = match &*v {
                        toml::Value::Integer(n) => *n as f64 * scale.factor,
                        toml::Value::Float(x) => *x * scale.factor,
                        _ => continue,
                    };
                    if !scaled.is_finite() {
                        return Err(overflow());
                    }
                    *v = toml::Value::Float(scaled);
                }
            }
            scaled += 1;
        }
        if scaled == 0 {
            classes.sort();
            classes.dedup();
            return Err(fail(format!(
                "no source is of class `{}` (the sources' classes: {})",
                scale.class.as_deref().unwrap_or(""),
                classes.join(", ")
            )));
        }
    }
    Ok(toml::to_string(&doc).unwrap_or_default())
}

/// A factor as a person writes it: `1e308`, not 309 digits.
fn shown(factor: f64) -> String {
    if factor.abs() >= 1e6 {
        format!("{factor:e}")
    } else {
        factor.to_string()
    }
}

/// A rate written `NUMBER UNIT` (`"40/h"`, `"1.5 / min"`) with its number multiplied.
fn scale_rate(rate: &str, factor: f64) -> Option<String> {
    let t = rate.trim();
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')))
        .unwrap_or(t.len());
    // An exponent's `e` cannot start the unit: units here begin with `/`.
    let (number, unit) = t.split_at(end);
    let value: f64 = number.parse().ok()?;
    Some(format!("{}{unit}", value * factor))
}

#[cfg(test)]
mod tests {
    use super::scale_rate;

    #[test]
    fn a_rate_keeps_its_unit_and_scales_its_number() {
        assert_eq!(scale_rate("40/h", 1.5).as_deref(), Some("60/h"));
        assert_eq!(scale_rate(" 2.5 / min", 2.0).as_deref(), Some("5 / min"));
        assert_eq!(scale_rate("1e2/h", 0.5).as_deref(), Some("50/h"));
        assert_eq!(scale_rate("fast", 2.0), None);
    }
}
