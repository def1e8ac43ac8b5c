//! The fit file's shortcuts: lanes from the observed open lanes, demand from the observed
//! volumes, and demand, capacity and initial queue from a standing queue.

use toml::{Table, Value};

use super::FitError;
use super::paths::{get_mut, like, number_of};
use super::spec::{FitSpec, StandingQueueShortcut};
use super::standing::infer;
use crate::observed::{GroupKey, HourObservation, Observations};

/// The shortcuts applied to `doc`; returns what was changed, in words.
///
/// # Errors
///
/// [`FitError::Spec`] when a standing queue lacks an hour's observed volume or a band's
/// observed wait.
pub(super) fn shortcuts(
    doc: &mut Table,
    spec: &FitSpec,
    observations: &Observations,
) -> Result<Vec<String>, FitError> {
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
    let mut problems = Vec::new();
    for d in &spec.demand {
        let key = crate::observed::GroupKey {
            station: d.station.clone(),
            lane_group: d.lane_group.clone(),
            class: d.class.clone(),
            programme: d.programme.clone(),
        };
        let hours = groups.get(&key).map_or(&[][..], Vec::as_slice);
        if hours.iter().all(|h| h.volume.is_none()) {
            problems.push(format!(
                "{}: the observation file has no volume for {}: the shortcut needs that \
                 group's rows (columns station, {}hour, volume)",
                d.at,
                key.name(),
                key_columns(&key)
            ));
            continue;
        }
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
    for q in &spec.standing_queue {
        let key = GroupKey {
            station: q.station.clone(),
            lane_group: Some(q.lane_group.clone()),
            class: None,
            programme: None,
        };
        let hours = groups.get(&key).map_or(&[][..], Vec::as_slice);
        match standing_queue(doc, q, hours) {
            Ok(d) => done.push(d),
            Err(e) => problems.push(format!(
                "{}: the observations of {} do not give what a standing queue needs: {e}",
                q.at,
                key.name()
            )),
        }
    }
    if problems.is_empty() {
        Ok(done)
    } else {
        Err(FitError::Spec(problems))
    }
}

/// The optional key columns an observed group is selected by, for messages: `lane_group, `
/// and the like, each followed by a comma and a space.
fn key_columns(key: &GroupKey) -> String {
    [
        ("lane_group", key.lane_group.is_some()),
        ("class", key.class.is_some()),
        ("programme", key.programme.is_some()),
    ]
    .iter()
    .filter(|(_, used)| *used)
    .map(|(c, _)| format!("{c}, "))
    .collect()
}

/// Rounds `x` to `digits` decimals, so that the written scenario reads plainly.
fn rounded(x: f64, digits: i32) -> Value {
    let f = 10f64.powi(digits);
    Value::Float((x * f).round() / f)
}

/// Applies one standing-queue shortcut to `doc` from the group's observed `hours`; returns
/// what was changed, in words.
fn standing_queue(
    doc: &mut Table,
    q: &StandingQueueShortcut,
    hours: &[HourObservation],
) -> Result<String, String> {
    let mut volume = [0.0; 24];
    let mut seen = [false; 24];
    let mut waits = Vec::new();
    for h in hours {
        let i = usize::from(h.hour);
        if let Some(v) = h.volume {
            volume[i] = v;
            seen[i] = true;
        }
        if let Some(w) = h.wait_min {
            waits.push((h.hour, w, h.weight));
        }
    }
    if hours.is_empty() {
        return Err(
            "the observation file has no row of that lane group (it needs columns station, \
             lane_group, hour, wait_min and volume)"
                .into(),
        );
    }
    if let Some(h) = seen.iter().position(|s| !s) {
        return Err(format!(
            "the volume of every hour 0–23 (hour {h} has none: give a volume column with a \
             value in every hour)"
        ));
    }
    if waits.is_empty() {
        return Err("observed waits (the wait_min column has no value for the group)".into());
    }
    let lane_path = format!("stations.{}.lanes.{}", q.station, q.lane_group);
    let Some(Value::Table(lane)) = get_mut(doc, &lane_path) else {
        return Err(format!("no lane group at `{lane_path}`"));
    };
    let lanes: [f64; 24] = match lane.get("servers_by_hour") {
        Some(Value::Array(v)) if v.len() == 24 => {
            std::array::from_fn(|h| number_of(&v[h]).unwrap_or(0.0))
        }
        _ => [lane.get("servers").and_then(number_of).unwrap_or(1.0); 24],
    };
    let inferred = infer(&volume, &lanes, &waits, &q.wait_bands)?;
    lane.insert(
        "service_factor_by_hour".into(),
        Value::Array(
            inferred
                .service_factor_by_hour
                .iter()
                .map(|&f| rounded(f, 4))
                .collect(),
        ),
    );
    lane.insert(
        "initial_queue".into(),
        Value::Integer(inferred.initial_queue.round() as i64),
    );
    let source_path = format!("sources.{}", q.source);
    let Some(Value::Table(source)) = get_mut(doc, &source_path) else {
        return Err(format!("no source at `{source_path}`"));
    };
    let class = source.get("class").cloned();
    for k in ["rate", "profile_by_day", "day_factors", "trace"] {
        source.remove(k);
    }
    source.insert(
        "profile".into(),
        Value::Array(
            inferred
                .demand_per_h
                .iter()
                .map(|&a| rounded(a, 1))
                .collect(),
        ),
    );
    if let (Some(class), Some(Value::Table(lane))) = (class, get_mut(doc, &lane_path)) {
        lane.insert("initial_queue_class".into(), class);
    }
    if let Some(path) = &q.service
        && let Some(target) = get_mut(doc, path)
    {
        let old = target.clone();
        *target = like(&old, 3600.0 / inferred.rate_per_lane_h);
    }
    Ok(format!(
        "{source_path}.profile, {lane_path}.service_factor_by_hour and initial_queue ({:.0}) \
         from a standing queue: {:.1} vehicles per lane per hour, waits smoothed over {} hour \
         band(s)",
        inferred.initial_queue,
        inferred.rate_per_lane_h,
        q.wait_bands.len()
    ))
}
