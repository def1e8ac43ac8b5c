//! Sweep plans: a study as one file — a base scenario, axes of values (any scenario
//! parameter by its `[[override]]` path, or policy files on and off), how the axes combine,
//! and the replications — expanded into a canonical, ordered list of points and of work
//! units (a point × a block of replications), each with a stable id (`docs/sweeps.md`).
//!
//! Besides override and policy axes, an axis may scale demand (every source, or one class's)
//! by factors, or name several base scenario files. The plan's baseline point (the first
//! point, or the one `baseline` names) is the one every point is compared with.
//!
//! This module only reads the plan's text: the files it names are read by the caller, and a
//! point becomes a scenario through [`crate::apply_policy`] with [`Plan::policy_text`], then
//! its demand is scaled by [`Point::demand`].

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Collector, ConfigError};
use crate::scenario::shape::{read_recovering, report_serde_errors};
use crate::spans::SpanIndex;

/// Most points a plan may expand to: every point is compiled before anything runs.
pub const MAX_POINTS: usize = 100_000;

/// The outputs a plan may ask for in `[sweep] outputs`: the metrics drawn as response
/// curves and written as rows of the CSV. `time_in_system` (the default): the whole
/// crossing's time in system, mean and 95th percentile; `wait` and `wait_p95`: each
/// station's mean wait and the mean over replications of its 95th percentile; `queue`:
/// each station's time-average queue length (vehicles); `throughput`: each station's
/// vehicles served per hour; `utilization`: each station's busy share of its staffed
/// lanes; `cost`: the whole crossing's total cost per day (resource, cargo and staff).
pub const OUTPUTS: [&str; 7] = [
    "time_in_system",
    "wait",
    "wait_p95",
    "queue",
    "throughput",
    "utilization",
    "cost",
];

/// A validated sweep plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The study's name.
    pub name: String,
    /// The base scenario file, as written (relative to the plan file): `[sweep] scenario`,
    /// else the first of the scenario axis; empty when the base is a region.
    pub scenario: String,
    /// The base region file, as written (relative to the plan file): `[sweep] region`. A
    /// region plan's unit is a whole point (one equilibrium over all its replications).
    pub region: Option<String>,
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
    /// Index in [`Plan::points`] of the baseline point, which every point is compared with
    /// (paired differences, on common random numbers).
    pub baseline: usize,
    /// What each axis varies, in file order (as [`Plan::axes`]).
    pub kinds: Vec<AxisKind>,
    /// The outputs asked for, each once, in the order written (names from [`OUTPUTS`];
    /// default: `time_in_system`).
    pub outputs: Vec<String>,
}

/// What an axis varies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AxisKind {
    /// A scenario parameter, by its `[[override]]` path.
    Override(String),
    /// Policy files on and off.
    Policy,
    /// Demand, by a factor (of one class's sources, if a class is named).
    Demand(Option<String>),
    /// The base scenario file.
    Scenario,
}

/// Where in the plan file a value of a point comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// 1-based line in the plan file.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The field, e.g. `axis[0].values[2]`.
    pub field: String,
}

/// Demand scaled by a factor at one point.
#[derive(Clone, Debug, PartialEq)]
pub struct DemandScale {
    /// The class whose sources are scaled; `None`: every source.
    pub class: Option<String>,
    /// The factor (positive) by which arrival rates are multiplied.
    pub factor: f64,
    /// Where the class (else the factor) is written in the plan.
    pub origin: Origin,
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
    /// Where each of [`Point::overrides`] is written in the plan.
    pub origins: Vec<Origin>,
    /// Where the point's policy file is named in the plan, if it has one.
    pub policy_origin: Option<Origin>,
    /// The point's base scenario file (relative to the plan file).
    pub scenario: String,
    /// In a region plan, the crossing the point's overrides change (`crossing` of its
    /// override axes).
    pub crossing: Option<String>,
    /// Demand scalings, applied to the point's scenario after its policy and overrides
    /// (several multiply).
    pub demand: Vec<DemandScale>,
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
    #[serde(default)]
    scenario: Option<String>,
    #[serde(default)]
    region: Option<Spanned<String>>,
    replications: Spanned<i64>,
    #[serde(default)]
    block: Option<Spanned<i64>>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    combine: Option<Spanned<String>>,
    #[serde(default)]
    baseline: Option<Spanned<toml::Table>>,
    #[serde(default)]
    outputs: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAxis {
    name: Spanned<String>,
    #[serde(default)]
    path: Option<Spanned<String>>,
    #[serde(default)]
    values: Option<Spanned<Vec<Spanned<toml::Value>>>>,
    #[serde(default)]
    range: Option<Spanned<Vec<i64>>>,
    #[serde(default)]
    policy: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    demand: Option<Spanned<Vec<Spanned<f64>>>>,
    #[serde(default)]
    class: Option<Spanned<String>>,
    #[serde(default)]
    scenario: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    crossing: Option<Spanned<String>>,
}

/// One axis, expanded: each value with where it is written.
enum Axis {
    /// Values of a scenario parameter: (path, values as TOML).
    Override(String, Vec<(String, Origin)>),
    /// Policy files, `None` for "no policy".
    Policy(Vec<(Option<String>, Origin)>),
    /// Demand factors, of one class's sources or of all.
    Demand(Option<(String, Origin)>, Vec<(f64, Origin)>),
    /// Base scenario files.
    Scenario(Vec<(String, Origin)>),
}

impl Axis {
    fn len(&self) -> usize {
        match self {
            Axis::Override(_, v) => v.len(),
            Axis::Policy(v) => v.len(),
            Axis::Demand(_, v) => v.len(),
            Axis::Scenario(v) => v.len(),
        }
    }

    /// Value `k` as shown (in `--list`, the output's axis columns and `baseline`).
    fn shown(&self, k: usize) -> String {
        match self {
            Axis::Override(_, v) => v[k].0.clone(),
            Axis::Policy(v) => v[k].0.clone().unwrap_or_else(|| "none".into()),
            Axis::Demand(_, v) => v[k].0.to_string(),
            Axis::Scenario(v) => v[k].0.clone(),
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
    let root = DeTable::parse(text).map_err(|e| {
        crate::diagnostic::single(
            file_name,
            text,
            e.span().map_or(0, |s| s.start),
            String::new(),
            format!("TOML syntax error: {}", e.message()),
        )
    })?;
    // Every problem of the plan's shape in one pass, and the values written right checked
    // on the plan read with stand-ins (what they say about a stand-in left out).
    let table = Spanned::new(root.span(), DeValue::Table(root.get_ref().clone()));
    let recovered = read_recovering::<RawPlan>(&table);
    let spans = || SpanIndex::build(&root);
    let mut diags = Collector::with_spans(file_name, text, spans());
    report_serde_errors(&mut diags, &recovered.errors);
    let Some(raw) = recovered.value.as_ref() else {
        return Err(diags.into_error());
    };
    if recovered.errors.is_empty() {
        return plan(&mut diags, raw).ok_or_else(|| diags.into_error());
    }
    let mut checks = Collector::with_spans(file_name, text, spans());
    let _ = plan(&mut checks, raw);
    diags.extend(
        (checks.into_errors().into_iter()).filter(|d| !recovered.explains("", &d.path, &d.message)),
    );
    Err(diags.into_error())
}

/// The plan's values checked and its points made; `None` when a problem was reported.
fn plan(diags: &mut Collector<'_>, raw: &RawPlan) -> Option<Plan> {
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
    let mut outputs: Vec<String> = Vec::new();
    match &sweep.outputs {
        None => outputs.push(OUTPUTS[0].to_owned()),
        Some(list) if list.get_ref().is_empty() => diags.error_at(
            list.span().start,
            "sweep.outputs",
            format!("name at least one output: {}", OUTPUTS.join(", ")),
        ),
        Some(list) => {
            for (k, o) in list.get_ref().iter().enumerate() {
                let name = o.get_ref();
                if !OUTPUTS.contains(&name.as_str()) {
                    let hint = crate::suggest::did_you_mean(name, OUTPUTS.iter().copied());
                    diags.error_at(
                        o.span().start,
                        &format!("sweep.outputs[{k}]"),
                        format!(
                            "unknown output `{name}`{hint}; the outputs: {}",
                            OUTPUTS.join(", ")
                        ),
                    );
                } else if !outputs.contains(name) {
                    outputs.push(name.clone());
                }
            }
        }
    }
    let mut axes = Vec::new();
    let mut names = Vec::new();
    let origin = |at: usize, field: String| {
        let (line, column) = diags.line_col(at);
        Origin {
            line,
            column,
            field,
        }
    };
    let mut problems: Vec<(usize, String, String)> = Vec::new();
    for (i, a) in raw.axis.iter().enumerate() {
        let here = format!("axis[{i}]");
        let axis = a.get_ref();
        let name = axis.name.get_ref().clone();
        if names.contains(&name) {
            problems.push((
                axis.name.span().start,
                format!("{here}.name"),
                format!("a second axis named `{name}`: give each axis its own name"),
            ));
        }
        names.push(name);
        let listed = |field: &str, k: usize, at: usize| origin(at, format!("{here}.{field}[{k}]"));
        let expanded = match (
            &axis.path,
            &axis.values,
            &axis.range,
            &axis.policy,
            &axis.demand,
            &axis.scenario,
        ) {
            (Some(path), Some(values), None, None, None, None) => Some(Axis::Override(
                path.get_ref().clone(),
                values
                    .get_ref()
                    .iter()
                    .enumerate()
                    .map(|(k, v)| (inline(v.get_ref()), listed("values", k, v.span().start)))
                    .collect(),
            )),
            (Some(path), None, Some(range), None, None, None) => {
                match expand_range(range.get_ref()) {
                    Ok(v) => Some(Axis::Override(
                        path.get_ref().clone(),
                        v.into_iter()
                            .map(|v| (v, origin(range.span().start, format!("{here}.range"))))
                            .collect(),
                    )),
                    Err(m) => {
                        problems.push((range.span().start, format!("{here}.range"), m));
                        None
                    }
                }
            }
            (None, None, None, Some(policies), None, None) => Some(Axis::Policy(
                policies
                    .get_ref()
                    .iter()
                    .enumerate()
                    .map(|(k, p)| {
                        let file = p.get_ref();
                        (
                            (!file.is_empty() && file != "none").then(|| file.clone()),
                            listed("policy", k, p.span().start),
                        )
                    })
                    .collect(),
            )),
            (None, None, None, None, Some(factors), None) => {
                for (k, f) in factors.get_ref().iter().enumerate() {
                    let v = *f.get_ref();
                    if !(v.is_finite() && v > 0.0) {
                        problems.push((
                            f.span().start,
                            format!("{here}.demand[{k}]"),
                            format!("a demand factor is a positive number (1 = as the scenario has it), not {v}"),
                        ));
                    }
                }
                Some(Axis::Demand(
                    axis.class.as_ref().map(|c| {
                        (
                            c.get_ref().clone(),
                            origin(c.span().start, format!("{here}.class")),
                        )
                    }),
                    factors
                        .get_ref()
                        .iter()
                        .enumerate()
                        .map(|(k, f)| (*f.get_ref(), listed("demand", k, f.span().start)))
                        .collect(),
                ))
            }
            (None, None, None, None, None, Some(files)) => Some(Axis::Scenario(
                files
                    .get_ref()
                    .iter()
                    .enumerate()
                    .map(|(k, f)| (f.get_ref().clone(), listed("scenario", k, f.span().start)))
                    .collect(),
            )),
            _ => {
                problems.push((
                    a.span().start,
                    here.clone(),
                    "an axis has one of: `path` and `values` or `range` (a scenario \
                     parameter); `policy` (a list of policy files, \"none\" for none); \
                     `demand` (factors of the arrival rates, with `class` for one class's \
                     sources only); `scenario` (base scenario files)"
                        .into(),
                ));
                None
            }
        };
        if let Some(c) = &axis.class
            && axis.demand.is_none()
        {
            problems.push((
                c.span().start,
                format!("{here}.class"),
                "`class` goes with `demand` (the class whose demand is scaled)".into(),
            ));
        }
        if let Some(axis_values) = expanded {
            if axis_values.len() == 0 {
                let (field, at) = match (&axis.values, &axis.policy, &axis.demand, &axis.scenario) {
                    (Some(v), ..) => ("values", v.span().start),
                    (_, Some(p), ..) => ("policy", p.span().start),
                    (_, _, Some(d), _) => ("demand", d.span().start),
                    (.., Some(f)) => ("scenario", f.span().start),
                    _ => ("", a.span().start),
                };
                problems.push((
                    at,
                    format!("{here}.{field}"),
                    "an axis needs at least one value".into(),
                ));
            }
            axes.push(axis_values);
        }
    }
    let scenario_axes: Vec<usize> = raw
        .axis
        .iter()
        .enumerate()
        .filter(|(_, a)| a.get_ref().scenario.is_some())
        .map(|(i, _)| i)
        .collect();
    match (&sweep.scenario, scenario_axes.as_slice()) {
        (Some(_), [i, ..]) => problems.push((
            raw.axis[*i].span().start,
            format!("axis[{i}].scenario"),
            "the plan names its base scenario in [sweep] and in a scenario axis: keep one".into(),
        )),
        (None, []) if sweep.region.is_none() => problems.push((
            raw.sweep.span().start,
            "sweep.scenario".into(),
            "no base scenario: give `scenario` (or `region`) in [sweep], or an axis of scenario files".into(),
        )),
        (None, [_, second, ..]) => problems.push((
            raw.axis[*second].span().start,
            format!("axis[{second}].scenario"),
            "a second axis of scenario files: a plan has one".into(),
        )),
        _ => {}
    }
    if let Some(region) = &sweep.region {
        region::region_problems(raw, region.span().start, &mut problems);
    } else if let Some((i, c)) = raw
        .axis
        .iter()
        .enumerate()
        .find_map(|(i, a)| a.get_ref().crossing.as_ref().map(|c| (i, c)))
    {
        problems.push((
            c.span().start,
            format!("axis[{i}].crossing"),
            "`crossing` names the crossing of a region an override changes: the plan's base is a scenario".into(),
        ));
    }
    for (at, path, message) in problems {
        diags.error_at(at, &path, message);
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
        return None;
    }
    let base = sweep.scenario.clone().unwrap_or_default();
    let crossings: Vec<Option<String>> = raw
        .axis
        .iter()
        .map(|a| a.get_ref().crossing.as_ref().map(|c| c.get_ref().clone()))
        .collect();
    let points = (0..count)
        .map(|p| point(p, &axes, &crossings, zip, &base))
        .collect::<Vec<_>>();
    let baseline = match &sweep.baseline {
        None => 0,
        Some(table) => match baseline_point(table.get_ref(), &raw.axis, &axes, &points) {
            Ok(b) => b,
            Err(m) => {
                diags.error_at(table.span().start, "sweep.baseline", m);
                return None;
            }
        },
    };
    Some(Plan {
        name: sweep.name.clone(),
        scenario: points.first().map(|p| p.scenario.clone()).unwrap_or(base),
        region: sweep.region.as_ref().map(|r| r.get_ref().clone()),
        replications: replications as u32,
        // A region's equilibrium needs every replication of every iteration at once.
        block: if sweep.region.is_some() {
            replications as u32
        } else {
            block as u32
        },
        seed: sweep.seed,
        axes: raw
            .axis
            .iter()
            .map(|a| a.get_ref().name.get_ref().clone())
            .collect(),
        kinds: axes
            .iter()
            .map(|a| match a {
                Axis::Override(path, _) => AxisKind::Override(path.clone()),
                Axis::Policy(_) => AxisKind::Policy,
                Axis::Demand(class, _) => AxisKind::Demand(class.as_ref().map(|c| c.0.clone())),
                Axis::Scenario(_) => AxisKind::Scenario,
            })
            .collect(),
        points,
        baseline,
        outputs,
    })
}

/// The point `baseline` (axis name → value, as shown; axes not named: their first value)
/// names: the first in canonical order with those values.
fn baseline_point(
    table: &toml::Table,
    raw: &[Spanned<RawAxis>],
    axes: &[Axis],
    points: &[Point],
) -> Result<usize, String> {
    let names: Vec<&str> = raw
        .iter()
        .map(|a| a.get_ref().name.get_ref().as_str())
        .collect();
    let mut wanted: Vec<String> = axes.iter().map(|a| a.shown(0)).collect();
    for (name, value) in table {
        let Some(i) = names.iter().position(|n| n == name) else {
            return Err(format!(
                "no axis is named `{name}` (the axes: {})",
                names.join(", ")
            ));
        };
        wanted[i] = match (value, &axes[i]) {
            (toml::Value::String(s), Axis::Policy(_) | Axis::Scenario(_)) => s.clone(),
            (toml::Value::Float(f), Axis::Demand(..)) => f.to_string(),
            (toml::Value::Integer(n), Axis::Demand(..)) => (*n as f64).to_string(),
            (v, _) => inline(v),
        };
        if !(0..axes[i].len()).any(|k| axes[i].shown(k) == wanted[i]) {
            return Err(format!(
                "axis `{name}` has no value {}; its values: {}",
                wanted[i],
                (0..axes[i].len())
                    .map(|k| axes[i].shown(k))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    points
        .iter()
        .position(|p| p.values == wanted)
        .ok_or_else(|| format!("no point has the values {}", wanted.join(", ")))
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

/// Point `p` of the canonical order: in a grid, the first axis varies slowest. `base` is
/// the scenario of a plan without a scenario axis.
fn point(p: usize, axes: &[Axis], crossings: &[Option<String>], zip: bool, base: &str) -> Point {
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
    let mut point = Point {
        id: format!("p{p:04}"),
        values: Vec::new(),
        policy: None,
        overrides: Vec::new(),
        origins: Vec::new(),
        policy_origin: None,
        scenario: base.to_owned(),
        crossing: None,
        demand: Vec::new(),
    };
    for ((a, &k), crossing) in axes.iter().zip(&picks).zip(crossings) {
        point.values.push(a.shown(k));
        match a {
            Axis::Override(path, v) => {
                point.crossing.clone_from(crossing);
                point.overrides.push((path.clone(), v[k].0.clone()));
                point.origins.push(v[k].1.clone());
            }
            Axis::Policy(v) => {
                if v[k].0.is_some() {
                    point.policy.clone_from(&v[k].0);
                    point.policy_origin = Some(v[k].1.clone());
                }
            }
            Axis::Demand(class, v) => point.demand.push(DemandScale {
                class: class.as_ref().map(|c| c.0.clone()),
                factor: v[k].0,
                origin: class
                    .as_ref()
                    .map_or_else(|| v[k].1.clone(), |c| c.1.clone()),
            }),
            Axis::Scenario(v) => point.scenario.clone_from(&v[k].0),
        }
    }
    point
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
        self.policy_text_lines(point, policy_file).map(|(t, _)| t)
    }

    /// [`Plan::policy_text`] and the 1-based line of that text where each of the point's
    /// overrides starts, to locate a problem with an override in the plan (at
    /// [`Point::origins`]) rather than in the generated text. Lines before the first
    /// override are the policy file's own, unchanged.
    pub fn policy_text_lines(
        &self,
        point: &Point,
        policy_file: Option<&str>,
    ) -> Option<(String, Vec<usize>)> {
        if point.policy.is_none() && point.overrides.is_empty() {
            return None;
        }
        let mut text = match policy_file {
            Some(t) => format!("{t}\n"),
            None => format!(
                "[policy]\nname = {}\n{}",
                toml::Value::String(format!("{} {}", self.name, point.id)),
                point.crossing.as_ref().map_or(String::new(), |c| format!(
                    "crossing = {}\n",
                    toml::Value::String(c.clone())
                ))
            ),
        };
        let mut starts = Vec::with_capacity(point.overrides.len());
        for (path, value) in &point.overrides {
            text.push('\n');
            starts.push(text.lines().count() + 1);
            text.push_str(&format!(
                "[[override]]\npath = {}\nvalue = {value}\n",
                toml::Value::String(path.clone())
            ));
        }
        Some((text, starts))
    }
}

mod region;
#[cfg(feature = "schema")]
pub(crate) mod schema;
#[cfg(test)]
mod tests;
