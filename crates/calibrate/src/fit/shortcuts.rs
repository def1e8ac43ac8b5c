//! The fit file's shortcuts: lanes from the observed open lanes, demand from the observed
//! volumes.

use toml::{Table, Value};

use super::paths::get_mut;
use super::spec::FitSpec;
use crate::observed::Observations;

/// The shortcuts applied to `doc`; returns what was changed, in words.
pub(super) fn shortcuts(
    doc: &mut Table,
    spec: &FitSpec,
    observations: &Observations,
) -> Vec<String> {
    let mut done = Vec::new();
    let groups = observations.by_group();
    if spec.lanes_from_observed {
        for (key, hours) in &groups {
            let Some(group) = &key.lane_group else {
                continue;
            };
            if hours.iter().all(|h| h.open_lanes.is_none()) {
                continue;
            }
            let path = format!("stations.{}.lanes.{group}", key.station);
            let Some(Value::Table(lane)) = get_mut(doc, &path) else {
                continue;
            };
            // Hours without an observation keep the lanes they had.
            let mut by_hour: Vec<Value> = match lane.get("servers_by_hour") {
                Some(Value::Array(v)) if v.len() == 24 => v.clone(),
                _ => vec![lane.get("servers").cloned().unwrap_or(Value::Integer(1)); 24],
            };
            for h in hours {
                if let Some(l) = h.open_lanes {
                    by_hour[usize::from(h.hour)] = Value::Integer(l.round() as i64);
                }
            }
            lane.remove("servers");
            lane.remove("servers_by_day");
            lane.insert("servers_by_hour".into(), Value::Array(by_hour));
            done.push(format!(
                "{path}.servers_by_hour from the observed open lanes"
            ));
        }
    }
    for d in &spec.demand {
        let key = crate::observed::GroupKey {
            station: d.station.clone(),
            lane_group: d.lane_group.clone(),
            class: d.class.clone(),
            programme: d.programme.clone(),
        };
        let Some(hours) = groups.get(&key) else {
            continue;
        };
        let path = format!("sources.{}", d.source);
        let Some(Value::Table(source)) = get_mut(doc, &path) else {
            continue;
        };
        let mut profile: Vec<Value> = match source.get("profile") {
            Some(Value::Array(v)) if v.len() == 24 => v.clone(),
            _ => vec![Value::Float(0.0); 24],
        };
        for h in hours {
            if let Some(v) = h.volume {
                profile[usize::from(h.hour)] = Value::Float(v);
            }
        }
        for k in ["rate", "profile_by_day", "day_factors"] {
            source.remove(k);
        }
        source.insert("profile".into(), Value::Array(profile));
        done.push(format!(
            "{path}.profile from the observed volumes of {}",
            key.name()
        ));
    }
    done
}
