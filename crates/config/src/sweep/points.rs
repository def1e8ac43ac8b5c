//! The points of a plan in canonical order, and the baseline point its `baseline` names.

use toml::Spanned;

use super::axis::{Axis, inline};
use super::raw::RawAxis;
use super::{DemandScale, Point};

/// The point `baseline` (axis name → value, as shown; axes not named: their first value)
/// names: the first in canonical order with those values.
pub(super) fn baseline_point(
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
            (toml::Value::String(s), Axis::Policy(_) | Axis::Scenario(_) | Axis::Region(_)) => {
                s.clone()
            }
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

/// Point `p` of the canonical order: in a grid, the first axis varies slowest. `base` is
/// the scenario of a plan without a scenario axis.
pub(super) fn point(
    p: usize,
    axes: &[Axis],
    crossings: &[Option<String>],
    zip: bool,
    base: &str,
) -> Point {
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
        crossings: Vec::new(),
        region: None,
        demand: Vec::new(),
    };
    for ((a, &k), crossing) in axes.iter().zip(&picks).zip(crossings) {
        point.values.push(a.shown(k));
        match a {
            Axis::Override(path, v) => {
                if point.crossing.is_none() {
                    point.crossing.clone_from(crossing);
                }
                point.crossings.push(crossing.clone());
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
            Axis::Region(v) => point.region = Some(v[k].0.clone()),
        }
    }
    point
}
