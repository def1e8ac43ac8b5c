//! An axis of a plan, expanded into its values, each with where it is written.

use super::{MAX_POINTS, Origin};

/// One axis, expanded: each value with where it is written.
pub(super) enum Axis {
    /// Values of a scenario parameter: (path, values as TOML).
    Override(String, Vec<(String, Origin)>),
    /// Policy files, `None` for "no policy".
    Policy(Vec<(Option<String>, Origin)>),
    /// Demand factors, of one class's sources or of all.
    Demand(Option<(String, Origin)>, Vec<(f64, Origin)>),
    /// Base scenario files.
    Scenario(Vec<(String, Origin)>),
    /// Base region files.
    Region(Vec<(String, Origin)>),
}

impl Axis {
    pub(super) fn len(&self) -> usize {
        match self {
            Axis::Override(_, v) => v.len(),
            Axis::Policy(v) => v.len(),
            Axis::Demand(_, v) => v.len(),
            Axis::Scenario(v) | Axis::Region(v) => v.len(),
        }
    }

    /// Value `k` as shown (in `--list`, the output's axis columns and `baseline`).
    pub(super) fn shown(&self, k: usize) -> String {
        match self {
            Axis::Override(_, v) => v[k].0.clone(),
            Axis::Policy(v) => v[k].0.clone().unwrap_or_else(|| "none".into()),
            Axis::Demand(_, v) => v[k].0.to_string(),
            Axis::Scenario(v) | Axis::Region(v) => v[k].0.clone(),
        }
    }
}

/// A TOML value written inline, as in a scenario file.
pub(super) fn inline(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => toml::Value::String(s.clone()).to_string(),
        other => other.to_string(),
    }
}

/// `[from, to]` or `[from, to, step]`, inclusive, ascending.
pub(super) fn expand_range(r: &[i64]) -> Result<Vec<String>, String> {
    let (from, to, step) = match *r {
        [from, to] => (from, to, 1),
        [from, to, step] => (from, to, step),
        _ => return Err("a range is [from, to] or [from, to, step]".into()),
    };
    if step <= 0 || to < from {
        return Err(format!(
            "the range [{from}, {to}] by {step} is empty: `to` must be at least `from` and `step` positive"
        ));
    }
    // In i128: `to - from` may not fit in an i64.
    let n = (i128::from(to) - i128::from(from)) / i128::from(step) + 1;
    if n > MAX_POINTS as i128 {
        return Err(format!("the range has {n} values; at most {MAX_POINTS}"));
    }
    Ok((0..n as i64)
        .map(|k| (from + k * step).to_string())
        .collect())
}
