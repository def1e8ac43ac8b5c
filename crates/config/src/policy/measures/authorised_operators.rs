//! `[[authorised_operators]]` — WTO TFA Art. 7.7: a share of traders in a programme with
//! fewer inspections, faster service at some stations and, optionally, lanes of their own
//! (AEO, FAST).

use crate::diagnostic::Collector;
use std::collections::BTreeMap;

use serde::Deserialize;
use toml::{Table, Value};

use crate::policy::lookup::{
    classes_named, entry_mut, factor_ok, id_list, share_ok, station_exists,
};
use crate::policy::measure::Measure;
use crate::spans::{child, index};

/// A share of each class joins an authorised-operator programme.
pub(crate) struct AuthorisedOperators;

/// One `[[authorised_operators]]` entry.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAuthorisedOperators {
    /// The programme (created if the baseline lacks it).
    pub(crate) programme: String,
    /// Share of each listed class's vehicles in the programme.
    pub(crate) share: f64,
    /// The classes whose vehicles join the programme; default every class.
    #[serde(default)]
    pub(crate) classes: Option<Vec<String>>,
    /// The programme's risk channels `{ green, yellow, red }` (probabilities summing to 1).
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<std::collections::BTreeMap<String, f64>>")
    )]
    pub(crate) channels: Option<Table>,
    /// Or: the class's yellow and red probabilities times this factor (in [0, 1]).
    #[serde(default)]
    pub(crate) inspection_factor: Option<f64>,
    /// Station id → factor (> 0) on the programme's service time there.
    #[serde(default)]
    pub(crate) faster: BTreeMap<String, f64>,
    /// Lanes at a station that serve the programme's vehicles first.
    #[serde(default)]
    pub(crate) dedicated_lanes: Vec<RawDedicatedLanes>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDedicatedLanes {
    /// The station's `id`.
    pub(crate) station: String,
    /// Dedicated lanes always open (give this or `servers_by_hour`).
    #[serde(default)]
    pub(crate) servers: Option<i64>,
    /// Dedicated lanes open in each hour of the day (24 values, midnight first).
    #[serde(default)]
    pub(crate) servers_by_hour: Option<Vec<i64>>,
    /// Whether an idle dedicated lane takes other traffic; default true.
    #[cfg_attr(feature = "schema", schemars(extend("default" = true)))]
    #[serde(default)]
    pub(crate) share_when_idle: Option<bool>,
}

impl Measure for AuthorisedOperators {
    const NAME: &'static str = "authorised_operators";
    const ARTICLE: Option<&'static str> = Some("7.7");
    const HELP: &'static str = "a share of traders in a programme with fewer inspections, faster primary, optional dedicated lanes";
    type Raw = RawAuthorisedOperators;

    fn writes(a: &RawAuthorisedOperators, baseline: &Table) -> Vec<String> {
        let p = &a.programme;
        let classes = a
            .classes
            .clone()
            .unwrap_or_else(|| id_list(baseline, "classes"));
        let mut targets = Vec::new();
        for c in classes {
            targets.push(format!("classes.{c}.programmes"));
            targets.push(format!("classes.{c}.channels_by_programme.{p}"));
        }
        for s in a.faster.keys() {
            targets.push(format!("stations.{s}.service_factor_by_programme.{p}"));
        }
        for l in &a.dedicated_lanes {
            targets.push(format!("stations.{}.servers", l.station));
            targets.push(format!("stations.{}.lanes.{p}", l.station));
        }
        targets
    }

    fn apply(a: &RawAuthorisedOperators, cx: &mut Collector<'_>, doc: &mut Table, path: &str) {
        let Some((classes, channels)) = check(a, cx, doc, path) else {
            return;
        };
        if !join_programme(a, cx, doc, path, &classes, channels) {
            return;
        }
        faster_service(a, doc);
        dedicated_lanes(a, cx, doc, path);
    }
}

/// Checks an entry against the baseline: the classes it concerns and the programme's
/// channels when it gives them (`[green, yellow, red]`), or `None` after reporting.
fn check(
    a: &RawAuthorisedOperators,
    cx: &mut Collector<'_>,
    doc: &mut Table,
    path: &str,
) -> Option<(Vec<String>, Option<[f64; 3]>)> {
    // Every field is checked before giving up, so every problem is reported at once.
    let mut ok = share_ok(cx, &child(path, "share"), a.share);
    let programme = a.programme.as_str();
    if programme.trim().is_empty() || programme == "none" {
        cx.error(
            &child(path, "programme"),
            "name the authorised-operator programme (e.g. \"aeo\"); `none` is the programme of \
             everyone else",
        );
        ok = false;
    }
    let classes = classes_named(cx, doc, &child(path, "classes"), a.classes.as_ref());
    ok &= classes.is_some();
    let channels = match (&a.channels, a.inspection_factor) {
        (Some(_), Some(_)) => {
            cx.error(
                &child(path, "inspection_factor"),
                "give the programme's `channels` or an `inspection_factor`, not both",
            );
            ok = false;
            None
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
                ok = false;
                None
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
            ok = false;
            None
        }
        _ => None,
    };
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
    classes.filter(|_| ok).map(|classes| (classes, channels))
}

/// Creates the programme (once) and gives it `share` of each class, the other programmes
/// keeping their proportions of the rest, with its channels; `false` after reporting a
/// class already wholly in the programme.
fn join_programme(
    a: &RawAuthorisedOperators,
    cx: &mut Collector<'_>,
    doc: &mut Table,
    path: &str,
    classes: &[String],
    channels: Option<[f64; 3]>,
) -> bool {
    let programme = a.programme.as_str();
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
    for class in classes {
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
            return false;
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

        // A programme the baseline already gives channels keeps them as the base of the
        // factor: the policy lowers its members' inspections, it never raises them back to
        // the class's.
        let own = t
            .get("channels_by_programme")
            .and_then(|by| by.get(programme))
            .and_then(Value::as_table)
            .and_then(channel_values);
        let base = own
            .or_else(|| {
                t.get("channels")
                    .and_then(Value::as_table)
                    .and_then(channel_values)
            })
            .unwrap_or([1.0, 0.0, 0.0]);
        let new = match (channels, a.inspection_factor) {
            (Some(p), _) => {
                if let Some(old) = own.filter(|old| *old != p) {
                    cx.warn(
                        &child(path, "channels"),
                        format!(
                            "class `{class}` already gives programme `{programme}` channels \
                             {{ green = {}, yellow = {}, red = {} }}: the policy's channels \
                             replace them",
                            old[0], old[1], old[2]
                        ),
                    );
                }
                Some(p)
            }
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
    true
}

/// The programme's service-time factor at each station of `faster`: the baseline's own
/// factor for the programme there (1 without one) × the policy's, so that a programme
/// already faster stays faster by both.
fn faster_service(a: &RawAuthorisedOperators, doc: &mut Table) {
    let programme = a.programme.as_str();
    for (station, &factor) in &a.faster {
        if let Some(t) = entry_mut(doc, "stations", station) {
            let by = t
                .entry("service_factor_by_programme")
                .or_insert_with(|| Value::Table(Table::new()));
            if let Value::Table(by) = by {
                let own = by
                    .get(programme)
                    .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|n| n as f64)))
                    .unwrap_or(1.0);
                by.insert(programme.into(), Value::Float(own * factor));
            }
        }
    }
}

/// The programme's own lane group at each station of `dedicated_lanes`.
fn dedicated_lanes(
    a: &RawAuthorisedOperators,
    cx: &mut Collector<'_>,
    doc: &mut Table,
    path: &str,
) {
    let programme = a.programme.as_str();
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

/// Adds a lane group to a station table, first turning the station's own servers into a
/// group `general` if it has none. It goes last: the order of lane groups changes no result
/// (a vehicle prefers the free lane of the group most dedicated to it wherever the group
/// stands), so appending evaluates the reform as listing it first would.
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

#[cfg(test)]
mod tests {
    use crate::policy::apply_policy_with;
    use bordersim_model::ProgrammeId;

    /// A baseline whose `aeo` programme already has channels of its own (red 0.02) and a
    /// service factor of 0.7 at primary.
    const WITH_AEO: &str = r#"[scenario]
name = "base"
horizon = "1d"

[[programmes]]
id = "aeo"

[[classes]]
id = "truck"
programmes = { aeo = 0.3, none = 0.7 }
channels = { green = 0.8, yellow = 0.1, red = 0.1 }
channels_by_programme = { aeo = { green = 0.95, yellow = 0.03, red = 0.02 } }

[[stations]]
id = "primary"
servers = 4
service = { dist = "exponential", mean = "2min" }
service_factor_by_programme = { aeo = 0.7 }

[[sources]]
id = "trucks"
class = "truck"
rate = "40/h"
entry = "primary"
"#;

    fn no_files(name: &str) -> Result<String, String> {
        Err(format!("no file `{name}` here"))
    }

    fn apply(policy: &str) -> crate::policy::PolicyScenario {
        apply_policy_with(WITH_AEO, "base.toml", policy, "p.toml", &no_files)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn factors_multiply_the_baseline_programmes_own_values() {
        let s = apply(
            "[policy]\nname = \"more aeo\"\n[[authorised_operators]]\nprogramme = \"aeo\"\nshare = 0.5\ninspection_factor = 0.3\nfaster = { primary = 0.5 }\n",
        );
        let scenario = &s.loaded.scenario;
        let class = &scenario.population().classes[0];
        let aeo = scenario
            .population()
            .programmes
            .iter()
            .position(|p| p.id == "aeo")
            .expect("aeo");
        // The programme's own yellow 0.03 and red 0.02 × 0.3, never the class's 0.1 × 0.3.
        let p = class.channel_probabilities[aeo];
        assert!((p[1] - 0.009).abs() < 1e-12, "{p:?}");
        assert!((p[2] - 0.006).abs() < 1e-12, "{p:?}");
        assert!((p[0] - 0.985).abs() < 1e-12, "{p:?}");
        // Its service factor 0.7 × 0.5.
        let factor =
            scenario.crossing.stations()[0].programme_service_factor(ProgrammeId(aeo as u8));
        assert!((factor - 0.35).abs() < 1e-12, "{factor}");
    }

    #[test]
    fn channels_that_replace_the_programmes_own_are_a_warning() {
        let s = apply(
            "[policy]\nname = \"x\"\n[[authorised_operators]]\nprogramme = \"aeo\"\nshare = 0.5\nchannels = { green = 0.9, yellow = 0.05, red = 0.05 }\n",
        );
        let w: Vec<String> = s.loaded.warnings.iter().map(|w| w.to_string()).collect();
        assert!(
            w.iter()
                .any(|w| w.contains("authorised_operators[0].channels")
                    && w.contains("replace them")
                    && w.contains("red = 0.02")),
            "{w:?}"
        );
    }
}
