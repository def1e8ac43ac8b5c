//! The `[[demand]]` entries: origin–destination flows with their values of time, cargo
//! values, elasticities and hourly profiles, and the check that every zone with demand
//! reaches every crossing.

use bordersim_trade::{Grid, OdDemand};

use super::classes::ClassDefaults;
use super::raw::RawRegionFile;
use super::values::{elasticity, lookup, non_negative, profile};
use super::zones::Travel;
use super::{Ids, RegionCrossing};
use crate::diagnostic::Collector;
use crate::spans::{child, index};

/// The flows that resolved, with the hourly profile of each (`None`: the crossing's own).
pub(super) struct Demand {
    pub(super) demand: Vec<OdDemand>,
    pub(super) profiles: Vec<Option<[f64; 24]>>,
    /// For each zone, the first `[[demand]]` entry with traffic from or to it.
    pub(super) zones_with_demand: Vec<Option<usize>>,
}

/// `[[demand]]`. `loaded` holds the crossings when every one loaded (only then is it
/// checked that some open crossing carries each flow).
#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the sections it refers to are all distinct"
)]
pub(super) fn demand(
    cx: &mut Collector<'_>,
    raw: &RawRegionFile,
    ids: &Ids,
    sides: &[String],
    travel: &Travel,
    class_defaults: &[ClassDefaults],
    tolls: &Grid<f64>,
    loaded: Option<&[RegionCrossing]>,
) -> Demand {
    let mut demand = Vec::new();
    let mut profiles = Vec::new();
    let mut zones_with_demand: Vec<Option<usize>> = vec![None; raw.zones.len()];
    for (i, od) in raw.demand.iter().enumerate() {
        let path = index("demand", i);
        let from = lookup(
            cx,
            &child(&path, "from"),
            "zone",
            &od.from,
            &ids.zones,
            false,
        );
        let to = lookup(cx, &child(&path, "to"), "zone", &od.to, &ids.zones, false);
        let class = lookup(
            cx,
            &child(&path, "class"),
            "class",
            &od.class,
            &ids.classes,
            false,
        );
        let volume = non_negative(
            cx,
            &child(&path, "vehicles_per_day"),
            od.vehicles_per_day,
            "the demand",
        );
        let (Some(from), Some(to), Some(class)) = (from, to, class) else {
            continue;
        };
        let defaults = &class_defaults[class];
        if travel.zones[from].side == travel.zones[to].side {
            cx.error(
                &child(&path, "to"),
                format!(
                    "`{}` and `{}` are both on side `{}`: a flow must cross the border",
                    od.from, od.to, sides[travel.zones[from].side]
                ),
            );
            continue;
        }
        let direction = travel.zones[from].side;
        let vot = od
            .value_of_time_per_h
            .map(|v| {
                non_negative(
                    cx,
                    &child(&path, "value_of_time_per_h"),
                    v,
                    "the value of time",
                )
            })
            .or(defaults.vot);
        let tolled = (0..raw.crossings.len()).any(|c| *tolls.get(c, direction, class) > 0.0);
        let vot = match vot {
            Some(v) if v > 0.0 => v,
            _ if tolled => {
                cx.error(
                    &child(&path, "value_of_time_per_h"),
                    format!(
                        "a toll applies to `{}` from `{}`: give a positive value of time here or \
                         in its class, to turn the toll into minutes",
                        od.class, sides[direction]
                    ),
                );
                0.0
            }
            other => other.unwrap_or(0.0),
        };
        let cargo = od.cargo_value.map_or(defaults.cargo, |v| {
            non_negative(cx, &child(&path, "cargo_value"), v, "the cargo value")
        });
        let e = od.elasticity_per_day.map_or(defaults.elasticity, |e| {
            elasticity(cx, &child(&path, "elasticity_per_day"), e)
        });
        let shape = match &od.profile {
            Some(w) => profile(cx, &child(&path, "profile"), w),
            None => defaults.profile,
        };
        if volume > 0.0 {
            zones_with_demand[from].get_or_insert(i);
            zones_with_demand[to].get_or_insert(i);
            if let Some(crossings) = loaded {
                let carried = crossings.iter().any(|rc| {
                    !rc.closed && rc.directions[direction].is_some() && rc.classes[class].is_some()
                });
                if !carried {
                    cx.error(
                        &child(&path, "class"),
                        format!(
                            "no open crossing carries `{}` from `{}`: a crossing carries a class \
                             when its model has that class and its `directions` name that side",
                            od.class, sides[direction]
                        ),
                    );
                }
            }
        }
        demand.push(OdDemand {
            origin: from,
            destination: to,
            class,
            commodity: od.commodity.clone(),
            vehicles_per_day: volume,
            cargo_value: cargo,
            value_of_time_per_h: vot,
            elasticity_per_day: e,
        });
        profiles.push(shape);
    }
    Demand {
        demand,
        profiles,
        zones_with_demand,
    }
}

/// Every zone with demand must reach every crossing (of the `crossing_count` declared).
pub(super) fn check_reachable(
    cx: &mut Collector<'_>,
    ids: &Ids,
    travel: &Travel,
    zones_with_demand: &[Option<usize>],
    crossing_count: usize,
) {
    for (z, first) in zones_with_demand.iter().enumerate() {
        let Some(od) = first else { continue };
        for (c, id) in ids.crossings.iter().enumerate() {
            if c < crossing_count && travel.to_crossing[z][c].is_none() {
                cx.error(
                    &child(&index("zones", z), "travel"),
                    format!(
                        "zone `{}` has demand (demand[{od}]) but crossing `{id}` is unreachable \
                         from it: give a travel time to every crossing (a long one for a crossing \
                         far away, or close the crossing)",
                        ids.zones[z]
                    ),
                );
            }
        }
    }
}
