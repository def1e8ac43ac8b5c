//! The trade-facilitation measures that change how vehicles are processed rather than how
//! many servers there are: pre-arrival processing (TFA Art. 7.1), authorised operators
//! (7.7), single window (10.4), one-stop border posts (Art. 8), and lane rules.
//!
//! Each writes scenario fields the model understands (`pre_lodged_share`, `pre_lodged`,
//! `merged_into`, `joint_service_factor`, `service_factor_by_programme`, `lane_rule`, lane
//! groups), so that what a policy did can be read in the changed scenario.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::{Table, Value};

use super::{
    Located, STATIONS, entry_mut, factor_ok, id_list, ids, known_entry, lanes_target, share_ok,
};
use crate::spans::{child, index};
use crate::units::parse_duration;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPreArrival {
    /// Share of shipments lodged before arrival.
    pub share: f64,
    /// The classes concerned; default every class.
    #[serde(default)]
    pub classes: Option<Vec<String>>,
    /// Stations a pre-lodged vehicle passes without stopping.
    #[serde(default)]
    pub skip: Vec<String>,
    /// Stations where a pre-lodged vehicle's service time is multiplied by a factor.
    #[serde(default)]
    pub service_factor: BTreeMap<String, f64>,
    /// Pre-lodged green shipments are released on arrival; default true.
    #[serde(default)]
    pub release_on_arrival: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAuthorisedOperators {
    /// The programme (created if the baseline lacks it).
    pub programme: String,
    /// Share of each listed class's vehicles in the programme.
    pub share: f64,
    /// Default every class.
    #[serde(default)]
    pub classes: Option<Vec<String>>,
    /// The programme's risk channels.
    #[serde(default)]
    pub channels: Option<Table>,
    /// Or: the class's yellow and red probabilities times this factor.
    #[serde(default)]
    pub inspection_factor: Option<f64>,
    /// Station → factor on the programme's service time there.
    #[serde(default)]
    pub faster: BTreeMap<String, f64>,
    #[serde(default)]
    pub dedicated_lanes: Vec<RawDedicatedLanes>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDedicatedLanes {
    pub station: String,
    #[serde(default)]
    pub servers: Option<i64>,
    #[serde(default)]
    pub servers_by_hour: Option<Vec<i64>>,
    /// Default true: an idle dedicated lane takes other traffic.
    #[serde(default)]
    pub share_when_idle: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMerge {
    /// The controls merged, the joint stop first.
    pub stations: Vec<String>,
    /// Factor on the combined service time; default 1.
    #[serde(default)]
    pub service_factor: Option<f64>,
    /// The joint stop's servers, always open; default the members' servers added hour by
    /// hour (the first station's, if some member has lane groups or per-day schedules).
    #[serde(default)]
    pub servers: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLaneRulePolicy {
    pub station: String,
    /// A lane group; omit for the station's own servers.
    #[serde(default)]
    pub lanes: Option<String>,
    pub min_wait: String,
    pub max_wait: String,
    #[serde(default)]
    pub min_lanes: Option<i64>,
    pub max_lanes: i64,
    #[serde(default)]
    pub review: Option<String>,
    /// Lanes open at the start; default the most the baseline opens, within the bounds.
    #[serde(default)]
    pub start: Option<i64>,
}

/// The classes named (all when `None`), each checked against the baseline.
fn classes_named(
    cx: &mut Located<'_>,
    doc: &Table,
    path: &str,
    named: Option<&Vec<String>>,
) -> Option<Vec<String>> {
    let known = id_list(doc, "classes");
    let Some(named) = named else {
        return Some(known);
    };
    let mut ok = true;
    for (i, class) in named.iter().enumerate() {
        if !known.contains(class) {
            cx.error(
                &index(path, i),
                format!(
                    "unknown class `{class}`; known classes: {}",
                    ids(doc, "classes")
                ),
            );
            ok = false;
        }
    }
    ok.then(|| named.clone())
}

fn station_exists(cx: &mut Located<'_>, doc: &mut Table, path: &str, id: &str) -> bool {
    known_entry(cx, doc, STATIONS, id, path).is_some()
}

/// `[[pre_arrival_processing]]`: a share of shipments lodged in advance skip or shorten
/// the stations named.
pub(super) fn pre_arrival(cx: &mut Located<'_>, doc: &mut Table, path: &str, p: &RawPreArrival) {
    if !share_ok(cx, &child(path, "share"), p.share) {
        return;
    }
    let Some(classes) = classes_named(cx, doc, &child(path, "classes"), p.classes.as_ref()) else {
        return;
    };
    if p.skip.is_empty() && p.service_factor.is_empty() && p.release_on_arrival == Some(false) {
        cx.error(
            path,
            "this changes nothing: name stations to `skip` or a `service_factor` for pre-lodged \
             vehicles, or let them be released on arrival",
        );
        return;
    }
    let mut ok = true;
    for (i, station) in p.skip.iter().enumerate() {
        ok &= station_exists(cx, doc, &index(&child(path, "skip"), i), station);
        if p.service_factor.contains_key(station) {
            cx.error(
                &index(&child(path, "skip"), i),
                format!("station `{station}` is both skipped and given a service_factor"),
            );
            ok = false;
        }
    }
    for (station, &factor) in &p.service_factor {
        let at = child(&child(path, "service_factor"), station);
        ok &= station_exists(cx, doc, &at, station) && factor_ok(cx, &at, factor);
    }
    if !ok {
        return;
    }
    for class in &classes {
        if let Some(t) = entry_mut(doc, "classes", class) {
            t.insert("pre_lodged_share".into(), Value::Float(p.share));
            t.insert(
                "pre_lodged_release_on_arrival".into(),
                Value::Boolean(p.release_on_arrival.unwrap_or(true)),
            );
        }
    }
    for station in &p.skip {
        if let Some(t) = entry_mut(doc, "stations", station) {
            t.insert("pre_lodged".into(), Value::String("skip".into()));
        }
    }
    for (station, &factor) in &p.service_factor {
        if let Some(t) = entry_mut(doc, "stations", station) {
            t.insert("pre_lodged".into(), Value::Float(factor));
        }
    }
}

/// A channel table's three probabilities, `[green, yellow, red]` (absent = 0).
fn channel_values(t: &Table) -> Option<[f64; 3]> {
    let mut out = [0.0; 3];
    for (i, name) in ["green", "yellow", "red"].into_iter().enumerate() {
        out[i] = match t.get(name) {
            None => 0.0,
            Some(Value::Float(f)) => *f,
            Some(Value::Integer(n)) => *n as f64,
            Some(_) => return None,
        };
    }
    for key in t.keys() {
        if !["green", "yellow", "red"].contains(&key.as_str()) {
            return None;
        }
    }
    Some(out)
}

fn channel_table(p: [f64; 3]) -> Value {
    let mut t = Table::new();
    for (name, v) in ["green", "yellow", "red"].into_iter().zip(p) {
        t.insert(name.into(), Value::Float(v));
    }
    Value::Table(t)
}

/// `[[authorised_operators]]`: a share of each class joins a programme with fewer
/// inspections, faster service at some stations and, optionally, lanes of its own.
pub(super) fn authorised_operators(
    cx: &mut Located<'_>,
    doc: &mut Table,
    path: &str,
    a: &RawAuthorisedOperators,
) {
    if !share_ok(cx, &child(path, "share"), a.share) {
        return;
    }
    let programme = a.programme.as_str();
    if programme.trim().is_empty() || programme == "none" {
        cx.error(
            &child(path, "programme"),
            "name the authorised-operator programme (e.g. \"aeo\"); `none` is the programme of \
             everyone else",
        );
        return;
    }
    let Some(classes) = classes_named(cx, doc, &child(path, "classes"), a.classes.as_ref()) else {
        return;
    };
    let channels = match (&a.channels, a.inspection_factor) {
        (Some(_), Some(_)) => {
            cx.error(
                &child(path, "inspection_factor"),
                "give the programme's `channels` or an `inspection_factor`, not both",
            );
            return;
        }
        (Some(t), None) => match channel_values(t) {
            Some(p)
                if p.iter().all(|x| (0.0..=1.0).contains(x))
                    && (p.iter().sum::<f64>() - 1.0).abs() < 1e-6 =>
            {
                Some(p)
            }
            _ => {
                cx.error(
                    &child(path, "channels"),
                    "channels are { green, yellow, red } probabilities in [0, 1] that sum to 1",
                );
                return;
            }
        },
        (None, Some(f)) if !(f.is_finite() && (0.0..=1.0).contains(&f)) => {
            cx.error(
                &child(path, "inspection_factor"),
                format!(
                    "inspection_factor scales the yellow and red probabilities: use a value in \
                     [0, 1], got {f}"
                ),
            );
            return;
        }
        _ => None,
    };
    let mut ok = true;
    for (station, &factor) in &a.faster {
        let at = child(&child(path, "faster"), station);
        ok &= station_exists(cx, doc, &at, station) && factor_ok(cx, &at, factor);
    }
    for (i, lanes) in a.dedicated_lanes.iter().enumerate() {
        let at = index(&child(path, "dedicated_lanes"), i);
        ok &= station_exists(cx, doc, &child(&at, "station"), &lanes.station);
        match (lanes.servers, &lanes.servers_by_hour) {
            (Some(n), None) if n >= 1 => {}
            (None, Some(hours)) if hours.len() == 24 && hours.iter().all(|&n| n >= 0) => {}
            _ => {
                cx.error(
                    &at,
                    "give the dedicated lanes `servers` (at least 1) or `servers_by_hour` (24 \
                     counts, 0 or more)",
                );
                ok = false;
            }
        }
    }
    if !ok {
        return;
    }

    // The programme exists once.
    let programmes = doc
        .entry("programmes")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = programmes
        && !list
            .iter()
            .any(|t| t.get("id").and_then(Value::as_str) == Some(programme))
    {
        let mut t = Table::new();
        t.insert("id".into(), Value::String(programme.into()));
        t.insert(
            "description".into(),
            Value::String("authorised operators (policy)".into()),
        );
        list.push(Value::Table(t));
    }
    for class in &classes {
        let Some(t) = entry_mut(doc, "classes", class) else {
            continue;
        };
        // The programme takes `share`; the others keep their proportions of the rest.
        let mut shares: BTreeMap<String, f64> = match t.get("programmes") {
            Some(Value::Table(s)) => s
                .iter()
                .filter_map(|(k, v)| {
                    let x = v.as_float().or_else(|| v.as_integer().map(|n| n as f64))?;
                    Some((k.clone(), x))
                })
                .collect(),
            _ => BTreeMap::from([("none".to_owned(), 1.0)]),
        };
        shares.remove(programme);
        let rest: f64 = shares.values().sum();
        if rest <= 0.0 && a.share < 1.0 {
            cx.error(
                &child(path, "share"),
                format!(
                    "every vehicle of class `{class}` is already in `{programme}`: its share \
                     cannot fall to {}",
                    a.share
                ),
            );
            return;
        }
        let scale = if rest > 0.0 {
            (1.0 - a.share) / rest
        } else {
            0.0
        };
        let mut table = Table::new();
        for (k, v) in shares {
            table.insert(k, Value::Float(v * scale));
        }
        table.insert(programme.into(), Value::Float(a.share));
        t.insert("programmes".into(), Value::Table(table));

        let base = t
            .get("channels")
            .and_then(Value::as_table)
            .and_then(channel_values)
            .unwrap_or([1.0, 0.0, 0.0]);
        let new = match (channels, a.inspection_factor) {
            (Some(p), _) => Some(p),
            (None, Some(f)) => {
                let (yellow, red) = (base[1] * f, base[2] * f);
                Some([1.0 - yellow - red, yellow, red])
            }
            (None, None) => None,
        };
        if let Some(p) = new {
            let by = t
                .entry("channels_by_programme")
                .or_insert_with(|| Value::Table(Table::new()));
            if let Value::Table(by) = by {
                by.insert(programme.into(), channel_table(p));
            }
        }
    }
    for (station, &factor) in &a.faster {
        if let Some(t) = entry_mut(doc, "stations", station) {
            let by = t
                .entry("service_factor_by_programme")
                .or_insert_with(|| Value::Table(Table::new()));
            if let Value::Table(by) = by {
                by.insert(programme.into(), Value::Float(factor));
            }
        }
    }
    for (i, lanes) in a.dedicated_lanes.iter().enumerate() {
        let at = index(&child(path, "dedicated_lanes"), i);
        let Some(t) = entry_mut(doc, "stations", &lanes.station) else {
            continue;
        };
        let mut group = Table::new();
        group.insert("id".into(), Value::String(programme.into()));
        let mut serves = Table::new();
        serves.insert(
            "programmes".into(),
            Value::Array(vec![Value::String(programme.into())]),
        );
        group.insert("serves".into(), Value::Table(serves));
        group.insert(
            "share_when_idle".into(),
            Value::Boolean(lanes.share_when_idle.unwrap_or(true)),
        );
        match (&lanes.servers, &lanes.servers_by_hour) {
            (Some(n), _) => group.insert("servers".into(), Value::Integer(*n)),
            (None, Some(h)) => group.insert(
                "servers_by_hour".into(),
                Value::Array(h.iter().map(|&n| Value::Integer(n)).collect()),
            ),
            (None, None) => None,
        };
        if let Err(message) = add_lane_group(t, group, programme) {
            cx.error(&child(&at, "station"), message);
        }
    }
}

/// Adds a lane group to a station table, first turning the station's own servers into a
/// group `general` if it has none.
fn add_lane_group(station: &mut Table, group: Table, id: &str) -> Result<(), String> {
    if !station.contains_key("lanes") {
        let mut general = Table::new();
        general.insert("id".into(), Value::String("general".into()));
        for key in ["servers", "servers_by_hour", "servers_by_day", "lane_rule"] {
            if let Some(v) = station.remove(key) {
                general.insert(key.into(), v);
            }
        }
        station.insert("lanes".into(), Value::Array(vec![Value::Table(general)]));
    }
    let Some(Value::Array(groups)) = station.get_mut("lanes") else {
        return Err("the station's `lanes` is not a list of lane groups".into());
    };
    if groups
        .iter()
        .any(|g| g.get("id").and_then(Value::as_str) == Some(id))
    {
        return Err(format!("the station already has a lane group `{id}`"));
    }
    groups.push(Value::Table(group));
    Ok(())
}

/// `[[single_window]]` and `[[one_stop_border_post]]`: the first station becomes the joint
/// stop doing every member's work; the others are merged into it (vehicles pass them
/// without stopping, on their routes).
pub(super) fn merge(cx: &mut Located<'_>, doc: &mut Table, path: &str, m: &RawMerge) {
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

/// `[[lane_rule]]`: lanes of a station or lane group opened and closed by the wait.
pub(super) fn lane_rule(cx: &mut Located<'_>, doc: &mut Table, path: &str, r: &RawLaneRulePolicy) {
    let mut ok = true;
    for (field, value) in [
        ("min_wait", Some(&r.min_wait)),
        ("max_wait", Some(&r.max_wait)),
        ("review", r.review.as_ref()),
    ] {
        if let Some(v) = value
            && let Err(e) = parse_duration(v)
        {
            cx.error(&child(path, field), e);
            ok = false;
        }
    }
    let min_lanes = r.min_lanes.unwrap_or(1);
    if min_lanes < 0 || r.max_lanes < 1 || min_lanes > r.max_lanes {
        cx.error(
            &child(path, "max_lanes"),
            format!(
                "need 0 <= min_lanes <= max_lanes and max_lanes >= 1, got {min_lanes} and {}",
                r.max_lanes
            ),
        );
        ok = false;
    }
    if let (Ok(lo), Ok(hi)) = (parse_duration(&r.min_wait), parse_duration(&r.max_wait))
        && lo > hi
    {
        cx.error(
            &child(path, "min_wait"),
            "min_wait must not exceed max_wait: lanes close below min_wait and open above max_wait",
        );
        ok = false;
    }
    if !ok || !station_exists(cx, doc, &child(path, "station"), &r.station) {
        return;
    }
    let station = entry_mut(doc, "stations", &r.station).expect("checked above");
    if r.lanes.is_none() && station.contains_key("lanes") {
        cx.error(
            &child(path, "lanes"),
            format!(
                "station `{}` has lane groups ({}): name the one the rule opens and closes",
                r.station,
                ids(station, "lanes")
            ),
        );
        return;
    }
    let Some(target) = lanes_target(
        cx,
        station,
        &r.station,
        r.lanes.as_deref(),
        &child(path, "lanes"),
    ) else {
        return;
    };
    // The baseline's most lanes open, as the default start.
    let baseline_peak = match (target.get("servers"), target.get("servers_by_hour")) {
        (Some(Value::Integer(n)), _) => *n,
        (_, Some(Value::Array(h))) => h.iter().filter_map(Value::as_integer).max().unwrap_or(1),
        _ => 1,
    };
    let start = r
        .start
        .unwrap_or(baseline_peak)
        .clamp(min_lanes.max(1), r.max_lanes);
    if let Some(s) = r.start
        && !(min_lanes..=r.max_lanes).contains(&s)
    {
        cx.error(
            &child(path, "start"),
            format!(
                "the lanes open at the start ({s}) must be within min_lanes ({min_lanes}) and \
                 max_lanes ({})",
                r.max_lanes
            ),
        );
        return;
    }
    for key in ["servers_by_hour", "servers_by_day"] {
        target.remove(key);
    }
    target.insert("servers".into(), Value::Integer(r.start.unwrap_or(start)));
    let mut rule = Table::new();
    rule.insert("min_wait".into(), Value::String(r.min_wait.clone()));
    rule.insert("max_wait".into(), Value::String(r.max_wait.clone()));
    rule.insert("min_lanes".into(), Value::Integer(min_lanes));
    rule.insert("max_lanes".into(), Value::Integer(r.max_lanes));
    if let Some(review) = &r.review {
        rule.insert("review".into(), Value::String(review.clone()));
    }
    target.insert("lane_rule".into(), Value::Table(rule));
}
