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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMerge {
    /// The controls merged, the joint stop first.
    pub(crate) stations: Vec<String>,
    /// Factor on the combined service time; default 1.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 1.0)))]
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
    // The joint stop is staffed by every member's officers, hour by hour and day by day,
    // unless told otherwise; when a member has lane groups it keeps the first's, said in a
    // warning (the merged controls' officers are then not at the joint stop).
    let pooled = if m.servers.is_none() {
        pooled_servers(doc, &m.stations)
    } else {
        Ok(Vec::new())
    };
    let joint = entry_mut(doc, "stations", &first).expect("checked above");
    match pooled {
        Ok(fields) if !fields.is_empty() => {
            for key in ["servers", "servers_by_hour", "servers_by_day"] {
                joint.remove(key);
            }
            for (key, value) in fields {
                joint.insert(key, value);
            }
        }
        Ok(_) => {}
        Err(member) => {
            let at = m
                .stations
                .iter()
                .position(|id| *id == member)
                .map_or_else(|| stations_path.clone(), |i| index(&stations_path, i));
            cx.warn(
                &at,
                format!(
                    "station `{member}` has lane groups (or servers this merge cannot add), so \
                     the joint stop `{first}` keeps only its own lanes: the officers of the \
                     other controls are not added to it, and the merged controls' staffed \
                     lane-hours become 0; give the joint stop's `servers` here to staff it"
                ),
            );
        }
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

/// A station's open servers by day of the week (Monday first) and hour, from `servers` or
/// `servers_by_hour` with the days `servers_by_day` overrides; `None` when it has lane
/// groups or a schedule not written as whole numbers.
fn week_of(t: &Table) -> Option<([i64; 24], [[i64; 24]; 7])> {
    if t.contains_key("lanes") {
        return None;
    }
    let hours_of = |v: &Value| -> Option<[i64; 24]> {
        let a = v.as_array().filter(|a| a.len() == 24)?;
        let mut out = [0i64; 24];
        for (o, v) in out.iter_mut().zip(a) {
            *o = v.as_integer()?;
        }
        Some(out)
    };
    let base = match (t.get("servers"), t.get("servers_by_hour")) {
        (Some(Value::Integer(n)), None) => [*n; 24],
        (None, Some(by_hour)) => hours_of(by_hour)?,
        _ => return None,
    };
    let mut week = [base; 7];
    if let Some(by_day) = t.get("servers_by_day") {
        let by_day = by_day.as_table()?;
        for (d, name) in crate::raw::RawDays::NAMES.iter().enumerate() {
            if let Some(v) = by_day.get(*name) {
                week[d] = hours_of(v)?;
            }
        }
    }
    Some((base, week))
}

/// The members' servers added hour by hour and day by day, as the fields to write at the
/// joint stop (`servers`, or `servers_by_hour` and the days that differ from it in
/// `servers_by_day`). `Err` with the first member whose servers cannot be added (lane
/// groups).
fn pooled_servers(doc: &mut Table, members: &[String]) -> Result<Vec<(String, Value)>, String> {
    let mut base = [0i64; 24];
    let mut week = [[0i64; 24]; 7];
    for id in members {
        let Some((b, w)) = entry_mut(doc, "stations", id).and_then(|t| week_of(t)) else {
            return Err(id.clone());
        };
        for (sum, n) in base.iter_mut().zip(b) {
            *sum = sum.saturating_add(n);
        }
        for (day, member_day) in week.iter_mut().zip(w) {
            for (sum, n) in day.iter_mut().zip(member_day) {
                *sum = sum.saturating_add(n);
            }
        }
    }
    let hours = |h: &[i64; 24]| Value::Array(h.iter().map(|&n| Value::Integer(n)).collect());
    let mut fields = Vec::new();
    if base.iter().all(|&n| n == base[0]) {
        fields.push(("servers".to_owned(), Value::Integer(base[0])));
    } else {
        fields.push(("servers_by_hour".to_owned(), hours(&base)));
    }
    let days: Table = crate::raw::RawDays::NAMES
        .iter()
        .zip(&week)
        .filter(|(_, day)| **day != base)
        .map(|(name, day)| ((*name).to_owned(), hours(day)))
        .collect();
    if !days.is_empty() {
        fields.push(("servers_by_day".to_owned(), Value::Table(days)));
    }
    Ok(fields)
}
