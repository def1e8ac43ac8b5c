//! What [`SingleWindow`](super::single_window::SingleWindow) (WTO TFA Art. 10.4) and
//! [`OneStopBorderPost`](super::one_stop_border_post::OneStopBorderPost) (Art. 8) share,
//! not itself a measure: the entry type and the merge of several stations into a joint
//! stop. The first station named becomes the joint stop doing every member's work; the
//! others are merged into it (vehicles pass them without stopping, on their routes). The
//! two measures write the same fields and differ in what they represent: several agencies'
//! document stations of one country, or two countries' sequential controls.

use crate::diagnostic::Collector;
use serde::Deserialize;
use toml::{Table, Value};

use crate::policy::lookup::{entry_mut, factor_ok, station_exists};
use crate::spans::{child, index};

/// One `[[single_window]]` or `[[one_stop_border_post]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMerge {
    /// The controls merged, the joint stop first.
    pub(crate) stations: Vec<String>,
    /// Factor on the combined service time; default 1.
    #[serde(default)]
    pub(crate) service_factor: Option<f64>,
    /// The joint stop's servers, always open; default the members' servers added hour by
    /// hour (the first station's, if some member has lane groups or per-day schedules).
    #[serde(default)]
    pub(crate) servers: Option<i64>,
}

/// The joint stop's service factor (and servers, when given); every other member whole.
pub(super) fn merge_writes(m: &RawMerge) -> Vec<String> {
    let mut targets = Vec::new();
    if let Some((first, rest)) = m.stations.split_first() {
        targets.push(format!("stations.{first}.joint_service_factor"));
        if m.servers.is_some() {
            targets.push(format!("stations.{first}.servers"));
        }
        targets.extend(rest.iter().map(|id| format!("stations.{id}")));
    }
    targets
}

/// `[[single_window]]` and `[[one_stop_border_post]]`: the first station becomes the joint
/// stop doing every member's work; the others are merged into it (vehicles pass them
/// without stopping, on their routes).
pub(super) fn merge(m: &RawMerge, cx: &mut Collector<'_>, doc: &mut Table, path: &str) {
    let stations_path = child(path, "stations");
    if m.stations.len() < 2 {
        cx.error(
            &stations_path,
            "name at least two stations: the joint stop first, then the controls merged into it",
        );
        return;
    }
    let mut ok = true;
    for (i, id) in m.stations.iter().enumerate() {
        let at = index(&stations_path, i);
        if m.stations[..i].contains(id) {
            cx.error(&at, format!("station `{id}` is named twice"));
            ok = false;
            continue;
        }
        if !station_exists(cx, doc, &at, id) {
            ok = false;
            continue;
        }
        let t = entry_mut(doc, "stations", id).expect("checked above");
        if t.contains_key("merged_into") {
            cx.error(
                &at,
                format!("station `{id}` is already merged into another station"),
            );
            ok = false;
        }
    }
    if let Some(f) = m.service_factor {
        ok &= factor_ok(cx, &child(path, "service_factor"), f);
    }
    if let Some(n) = m.servers
        && n < 1
    {
        cx.error(
            &child(path, "servers"),
            format!("the joint stop needs at least 1 server, got {n}"),
        );
        ok = false;
    }
    if !ok {
        return;
    }
    // Same direction: a joint stop serves one traffic direction.
    let direction = |doc: &mut Table, id: &str| {
        entry_mut(doc, "stations", id).and_then(|t| {
            t.get("direction")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
    };
    let first = m.stations[0].clone();
    let first_direction = direction(doc, &first);
    for (i, id) in m.stations.iter().enumerate().skip(1) {
        if direction(doc, id) != first_direction {
            cx.error(
                &index(&stations_path, i),
                format!("station `{id}` serves another direction than the joint stop `{first}`"),
            );
            return;
        }
    }
    let releases = m.stations.iter().any(|id| {
        entry_mut(doc, "stations", id)
            .and_then(|t| t.get("releases").and_then(Value::as_bool))
            .unwrap_or(false)
    });
    for id in &m.stations[1..] {
        if let Some(t) = entry_mut(doc, "stations", id) {
            t.insert("merged_into".into(), Value::String(first.clone()));
            // The release now happens at the joint stop.
            t.remove("releases");
        }
    }
    // The joint stop is staffed by every member's officers, hour by hour, unless told
    // otherwise; with lane groups or per-day schedules it keeps the first's.
    let pooled = pooled_servers(doc, &m.stations);
    let joint = entry_mut(doc, "stations", &first).expect("checked above");
    if m.servers.is_none()
        && let Some(pooled) = pooled
    {
        joint.remove("servers");
        joint.remove("servers_by_hour");
        joint.insert(pooled.0, pooled.1);
    }
    joint.insert(
        "joint_service_factor".into(),
        Value::Float(m.service_factor.unwrap_or(1.0)),
    );
    if releases {
        joint.insert("releases".into(), Value::Boolean(true));
    }
    if let Some(n) = m.servers {
        for key in ["servers_by_hour", "servers_by_day", "lanes", "lane_rule"] {
            joint.remove(key);
        }
        joint.insert("servers".into(), Value::Integer(n));
    }
}

/// The members' servers added hour by hour, as (`servers` or `servers_by_hour`, value);
/// `None` when some member has lane groups or a per-day schedule.
fn pooled_servers(doc: &mut Table, members: &[String]) -> Option<(String, Value)> {
    let mut hours = [0i64; 24];
    let mut constant = true;
    for id in members {
        let t = entry_mut(doc, "stations", id)?;
        if t.contains_key("lanes") || t.contains_key("servers_by_day") {
            return None;
        }
        match (t.get("servers"), t.get("servers_by_hour")) {
            (Some(Value::Integer(n)), None) => hours.iter_mut().for_each(|h| *h += n),
            (None, Some(Value::Array(by_hour))) if by_hour.len() == 24 => {
                constant = false;
                for (h, v) in hours.iter_mut().zip(by_hour) {
                    *h += v.as_integer()?;
                }
            }
            _ => return None,
        }
    }
    Some(if constant {
        ("servers".into(), Value::Integer(hours[0]))
    } else {
        (
            "servers_by_hour".into(),
            Value::Array(hours.iter().map(|&n| Value::Integer(n)).collect()),
        )
    })
}
