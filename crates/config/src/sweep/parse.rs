//! Reading a plan: its TOML checked field by field, every problem located, and its points
//! made.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::axis::{Axis, expand_range, inline};
use super::points::{baseline_point, point};
use super::raw::RawPlan;
use super::{AxisKind, MAX_POINTS, OUTPUTS, Origin, Plan, limits, region};
use crate::diagnostic::{Collector, ConfigError};
use crate::scenario::shape::{read_recovering, report_serde_errors};
use crate::spans::SpanIndex;

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
    if let Some(m) = limits::replications_refusal(replications, "replications") {
        diags.error_at(sweep.replications.span().start, "sweep.replications", m);
    }
    let block = sweep.block.as_ref().map_or(replications, |b| *b.get_ref());
    if let Some(b) = &sweep.block
        && let Some(m) = limits::replications_refusal(*b.get_ref(), "replications per unit")
    {
        diags.error_at(b.span().start, "sweep.block", m);
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
            &axis.region,
        ) {
            (Some(path), Some(values), None, None, None, None, None) => Some(Axis::Override(
                path.get_ref().clone(),
                values
                    .get_ref()
                    .iter()
                    .enumerate()
                    .map(|(k, v)| (inline(v.get_ref()), listed("values", k, v.span().start)))
                    .collect(),
            )),
            (Some(path), None, Some(range), None, None, None, None) => {
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
            (None, None, None, Some(policies), None, None, None) => Some(Axis::Policy(
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
            (None, None, None, None, Some(factors), None, None) => {
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
            (None, None, None, None, None, Some(files), None) => Some(Axis::Scenario(
                files
                    .get_ref()
                    .iter()
                    .enumerate()
                    .map(|(k, f)| (f.get_ref().clone(), listed("scenario", k, f.span().start)))
                    .collect(),
            )),
            (None, None, None, None, None, None, Some(files)) => Some(Axis::Region(
                files
                    .get_ref()
                    .iter()
                    .enumerate()
                    .map(|(k, f)| (f.get_ref().clone(), listed("region", k, f.span().start)))
                    .collect(),
            )),
            _ => {
                problems.push((
                    a.span().start,
                    here.clone(),
                    "an axis has one of: `path` and `values` or `range` (a scenario \
                     parameter); `policy` (a list of policy files, \"none\" for none); \
                     `demand` (factors of the arrival rates, with `class` for one class's \
                     sources only); `scenario` (base scenario files); `region` (base region \
                     files)"
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
                    _ => match &axis.region {
                        Some(r) => ("region", r.span().start),
                        None => ("", a.span().start),
                    },
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
    // A region plan names its base region in [sweep] or as an axis of region files.
    let region_at = sweep.region.as_ref().map(|r| r.span().start).or_else(|| {
        (raw.axis.iter())
            .find(|a| a.get_ref().region.is_some())
            .map(|a| a.span().start)
    });
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
        (None, []) if region_at.is_none() => problems.push((
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
    if let Some(at) = region_at {
        region::region_problems(raw, at, &mut problems);
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
    // Counted before any unit is made; a region plan's unit is a whole point.
    if !diags.has_errors()
        && sweep.region.is_none()
        && let Some(m) = limits::units_refusal(count, replications as u32, block as u32)
    {
        let (at, field) = sweep.block.as_ref().map_or(
            (sweep.replications.span().start, "sweep.replications"),
            |b| (b.span().start, "sweep.block"),
        );
        diags.error_at(at, field, m);
    }
    if diags.has_errors() {
        return None;
    }
    let base = sweep.scenario.clone().unwrap_or_default();
    // In a region plan, an override's crossing is its axis's `crossing`, or the `<id>` of a
    // `crossings.<id>.<path>` path, which then leaves `<path>` as the crossing's own.
    let mut crossings: Vec<Option<String>> = raw
        .axis
        .iter()
        .map(|a| a.get_ref().crossing.as_ref().map(|c| c.get_ref().clone()))
        .collect();
    if region_at.is_some() {
        for (axis, crossing) in axes.iter_mut().zip(&mut crossings) {
            if let Axis::Override(path, _) = axis
                && crossing.is_none()
                && let Some((id, own)) = region::crossing_path(path)
            {
                *crossing = Some(id.to_owned());
                *path = own.to_owned();
            }
        }
    }
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
        region: (sweep.region.as_ref().map(|r| r.get_ref().clone()))
            .or_else(|| points.first().and_then(|p| p.region.clone())),
        replications: replications as u32,
        // A region's equilibrium needs every replication of every iteration at once.
        block: if region_at.is_some() {
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
                Axis::Region(_) => AxisKind::Region,
            })
            .collect(),
        points,
        baseline,
        outputs,
    })
}
