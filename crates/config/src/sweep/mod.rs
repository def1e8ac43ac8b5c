//! Sweep plans: a study as one file — a base scenario, axes of values (any scenario
//! parameter by its `[[override]]` path, or policy files on and off), how the axes combine,
//! and the replications — expanded into a canonical, ordered list of points and of work
//! units (a point × a block of replications), each with a stable id (`docs/sweeps.md`).
//!
//! This module only reads the plan's text: the files it names are read by the caller, and a
//! point becomes a scenario through [`crate::apply_policy`] with [`Plan::policy_text`].

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Collector, ConfigError};

/// Most points a plan may expand to: every point is compiled before anything runs.
pub const MAX_POINTS: usize = 100_000;

/// A validated sweep plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The study's name.
    pub name: String,
    /// The base scenario file, as written (relative to the plan file).
    pub scenario: String,
    /// Replications of every point.
    pub replications: u32,
    /// Replications per work unit (the last unit of a point may hold fewer).
    pub block: u32,
    /// The master seed (`None`: the base scenario's). Every point uses it, so replication
    /// `r` of every point sees the same arrivals: points differ on common random numbers.
    pub seed: Option<u64>,
    /// The axes, in file order.
    pub axes: Vec<String>,
    /// The points, in canonical order: in a grid, the first axis varies slowest.
    pub points: Vec<Point>,
}

/// One combination of axis values.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// Stable id: `p` and the point's index in canonical order, four digits or more.
    pub id: String,
    /// Each axis's value at this point, as text (a policy axis: the file, or `none`).
    pub values: Vec<String>,
    /// The policy file this point applies (relative to the plan file), if any.
    pub policy: Option<String>,
    /// `(path, value as TOML)` overrides this point applies.
    pub overrides: Vec<(String, String)>,
}

/// One work unit: a block of replications of one point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Stable id: the point's id and the replications, e.g. `p0003-r00010-00019`.
    pub id: String,
    /// Index of the point in [`Plan::points`].
    pub point: usize,
    /// The replications (each seeded from the master seed and its number alone).
    pub replications: Range<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    sweep: Spanned<RawSweep>,
    #[serde(default)]
    axis: Vec<Spanned<RawAxis>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSweep {
    name: String,
    scenario: String,
    replications: Spanned<i64>,
    #[serde(default)]
    block: Option<Spanned<i64>>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    combine: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAxis {
    name: Spanned<String>,
    #[serde(default)]
    path: Option<Spanned<String>>,
    #[serde(default)]
    values: Option<Spanned<Vec<toml::Value>>>,
    #[serde(default)]
    range: Option<Spanned<Vec<i64>>>,
    #[serde(default)]
    policy: Option<Spanned<Vec<String>>>,
}

/// One axis, expanded.
enum Axis {
    /// Values of a scenario parameter: (path, values as TOML, values as shown).
    Override(String, Vec<String>),
    /// Policy files, `None` for "no policy".
    Policy(Vec<Option<String>>),
}

impl Axis {
    fn len(&self) -> usize {
        match self {
            Axis::Override(_, v) => v.len(),
            Axis::Policy(v) => v.len(),
        }
    }
}

/// Reads and checks a sweep plan; `file_name` locates the errors.
///
/// # Errors
///
/// A [`ConfigError`] with every problem found, each at its line and column: TOML syntax,
/// unknown or mistyped fields, an axis that is empty, names no path and no policy (or
/// both), a range that is not `[from, to]` or `[from, to, step]` ascending, zipped axes of
/// different lengths, non-positive replications or block, or more than [`MAX_POINTS`]
/// points. Whether a path exists in the scenario, and whether each value suits it, is
/// checked when the points are applied to the scenario.
pub fn parse_plan(text: &str, file_name: &str) -> Result<Plan, ConfigError> {
    let mut diags = Collector::new(file_name, text);
    let raw: RawPlan = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start);
            diags.error_at(at, "", e.message().to_string());
            return Err(diags.into_error());
        }
    };
    let sweep = raw.sweep.get_ref();
    let replications = *sweep.replications.get_ref();
    if !(1..=i64::from(u32::MAX)).contains(&replications) {
        diags.error_at(
            sweep.replications.span().start,
            "sweep.replications",
            "needs a whole number of replications, at least 1",
        );
    }
    let block = sweep.block.as_ref().map_or(replications, |b| *b.get_ref());
    if let Some(b) = &sweep.block
        && !(1..=i64::from(u32::MAX)).contains(b.get_ref())
    {
        diags.error_at(
            b.span().start,
            "sweep.block",
            "needs a whole number of replications per unit, at least 1",
        );
    }
    let zip = match &sweep.combine {
        None => false,
        Some(c) => match c.get_ref().as_str() {
            "grid" => false,
            "zip" => true,
            other => {
                diags.error_at(
                    c.span().start,
                    "sweep.combine",
                    format!("unknown way to combine axes `{other}`: write \"grid\" or \"zip\""),
                );
                false
            }
        },
    };
    let mut axes = Vec::new();
    let mut names = Vec::new();
    for (i, a) in raw.axis.iter().enumerate() {
        let here = format!("axis[{i}]");
        let axis = a.get_ref();
        let name = axis.name.get_ref().clone();
        if names.contains(&name) {
            diags.error_at(
                axis.name.span().start,
                &format!("{here}.name"),
                format!("a second axis named `{name}`: give each axis its own name"),
            );
        }
        names.push(name);
        let expanded = match (&axis.path, &axis.values, &axis.range, &axis.policy) {
            (Some(path), Some(values), None, None) => Some(Axis::Override(
                path.get_ref().clone(),
                values.get_ref().iter().map(inline).collect(),
            )),
            (Some(path), None, Some(range), None) => match expand_range(range.get_ref()) {
                Ok(v) => Some(Axis::Override(path.get_ref().clone(), v)),
                Err(m) => {
                    diags.error_at(range.span().start, &format!("{here}.range"), m);
                    None
                }
            },
            (None, None, None, Some(policies)) => Some(Axis::Policy(
                policies
                    .get_ref()
                    .iter()
                    .map(|p| (!p.is_empty() && p != "none").then(|| p.clone()))
                    .collect(),
            )),
            _ => {
                diags.error_at(
                    a.span().start,
                    &here,
                    "an axis has either `path` and one of `values` or `range`, or `policy` (a \
                     list of policy files, \"none\" for none)",
                );
                None
            }
        };
        if let Some(axis_values) = expanded {
            if axis_values.len() == 0 {
                let (field, at) = match (&axis.values, &axis.policy) {
                    (Some(v), _) => ("values", v.span().start),
                    (_, Some(p)) => ("policy", p.span().start),
                    _ => ("", a.span().start),
                };
                diags.error_at(
                    at,
                    &format!("{here}.{field}"),
                    "an axis needs at least one value",
                );
            }
            axes.push(axis_values);
        }
    }
    if zip && let Some(first) = axes.first() {
        let n = first.len();
        for (i, a) in axes.iter().enumerate().skip(1) {
            if a.len() != n {
                diags.error_at(
                    raw.axis[i].span().start,
                    &format!("axis[{i}]"),
                    format!(
                        "zipped axes need as many values each: this one has {}, the first {n}",
                        a.len()
                    ),
                );
            }
        }
    }
    let count = if axes.is_empty() {
        1
    } else if zip {
        axes[0].len()
    } else {
        axes.iter()
            .try_fold(1usize, |n, a| n.checked_mul(a.len()))
            .unwrap_or(usize::MAX)
    };
    if count > MAX_POINTS {
        diags.error_at(
            raw.sweep.span().start,
            "sweep",
            format!("the axes make {count} points; at most {MAX_POINTS} are allowed"),
        );
    }
    if diags.has_errors() {
        return Err(diags.into_error());
    }
    let points = (0..count).map(|p| point(p, &axes, zip)).collect::<Vec<_>>();
    Ok(Plan {
        name: sweep.name.clone(),
        scenario: sweep.scenario.clone(),
        replications: replications as u32,
        block: block as u32,
        seed: sweep.seed,
        axes: raw
            .axis
            .iter()
            .map(|a| a.get_ref().name.get_ref().clone())
            .collect(),
        points,
    })
}

/// A TOML value written inline, as in a scenario file.
fn inline(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => toml::Value::String(s.clone()).to_string(),
        other => other.to_string(),
    }
}

/// `[from, to]` or `[from, to, step]`, inclusive, ascending.
fn expand_range(r: &[i64]) -> Result<Vec<String>, String> {
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
    let n = (to - from) / step + 1;
    if n as usize > MAX_POINTS {
        return Err(format!("the range has {n} values; at most {MAX_POINTS}"));
    }
    Ok((0..n).map(|k| (from + k * step).to_string()).collect())
}

/// Point `p` of the canonical order: in a grid, the first axis varies slowest.
fn point(p: usize, axes: &[Axis], zip: bool) -> Point {
    let mut picks = vec![0; axes.len()];
    if zip {
        picks.iter_mut().for_each(|k| *k = p);
    } else {
        let mut rest = p;
        for (k, a) in picks.iter_mut().zip(axes).rev() {
            *k = rest % a.len();
            rest /= a.len();
        }
    }
    let mut values = Vec::new();
    let mut policy = None;
    let mut overrides = Vec::new();
    for (a, &k) in axes.iter().zip(&picks) {
        match a {
            Axis::Override(path, v) => {
                values.push(v[k].clone());
                overrides.push((path.clone(), v[k].clone()));
            }
            Axis::Policy(v) => {
                values.push(v[k].clone().unwrap_or_else(|| "none".into()));
                if v[k].is_some() {
                    policy = v[k].clone();
                }
            }
        }
    }
    Point {
        id: format!("p{p:04}"),
        values,
        policy,
        overrides,
    }
}

impl Plan {
    /// The work units, in canonical order: by point, then by block of replications.
    pub fn units(&self) -> Vec<Unit> {
        let n = u64::from(self.replications);
        let block = u64::from(self.block.max(1));
        let mut units = Vec::new();
        for (i, p) in self.points.iter().enumerate() {
            let mut start = 0;
            while start < n {
                let end = n.min(start + block);
                units.push(Unit {
                    id: format!("{}-r{start:05}-{:05}", p.id, end - 1),
                    point: i,
                    replications: start..end,
                });
                start = end;
            }
        }
        units
    }

    /// The policy that turns the base scenario into point `point`: the point's policy file
    /// (its text is `policy_file`) with the point's overrides after it, or a policy of the
    /// overrides alone. `None` when the point is the base scenario unchanged.
    pub fn policy_text(&self, point: &Point, policy_file: Option<&str>) -> Option<String> {
        if point.policy.is_none() && point.overrides.is_empty() {
            return None;
        }
        let mut text = match policy_file {
            Some(t) => format!("{t}\n"),
            None => format!(
                "[policy]\nname = {}\n",
                toml::Value::String(format!("{} {}", self.name, point.id))
            ),
        };
        for (path, value) in &point.overrides {
            text.push_str(&format!(
                "\n[[override]]\npath = {}\nvalue = {value}\n",
                toml::Value::String(path.clone())
            ));
        }
        Some(text)
    }
}

#[cfg(test)]
mod tests;
