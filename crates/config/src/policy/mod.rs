//! Policies: named changes applied to a baseline scenario, to compare a reform with it.
//!
//! A policy file says what changes, never the whole scenario:
//!
//! ```toml
//! [policy]
//! name = "Two more general booths by day"
//! measure = "staffing"           # the catalogue entry it represents (documentation)
//!
//! [[staffing]]                    # lanes added or hours extended
//! station = "nb-primary"
//! lanes = "general"               # a lane group; omit for the station's own servers
//! add = 2                         # more servers in every hour that has any open
//! all_day = false                 # true: open the day's busiest count at every hour
//!
//! [[equipment]]                   # more or faster scanners (e.g. drive-through NII)
//! station = "nb-xray"
//! add = 1                         # more servers, as `staffing` does
//! service_factor = 0.14           # every service time of the station × this factor
//!
//! [[risk_management]]             # TFA Art. 7.4: channel probabilities, random selection
//! class = "loaded"
//! channels = { green = 0.90, yellow = 0.03, red = 0.07 }
//! random_inspection = 0.01
//!
//! [[override]]                    # any parameter by its path, for what the catalogue lacks
//! path = "stations.nb-xray.service.mean"   # entries of [[...]] arrays are named by `id`
//! value = "60s"
//! ```
//!
//! and the process measures of [`reforms`]: `[[pre_arrival_processing]]`,
//! `[[authorised_operators]]`, `[[single_window]]`, `[[one_stop_border_post]]`,
//! `[[lane_rule]]`.
//!
//! Changes are applied to the baseline's TOML document, kind by kind in a fixed order
//! (merges of stations, authorised operators, staffing, equipment, lane rules, risk
//! management, pre-arrival processing, overrides); the result is validated like any scenario
//! file. A change naming something the baseline lacks is an error located in the policy
//! file, and so are two changes to the same thing (which one should win is the user's
//! call, not the order of application's).

mod reforms;

use serde::Deserialize;
use toml::de::DeTable;
use toml::{Table, Value};

use crate::diagnostic::{ConfigError, Diagnostic};
use crate::spans::{LineIndex, SpanIndex, child, index};
use crate::units::{format_duration, parse_duration};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    policy: RawPolicyMeta,
    #[serde(default)]
    staffing: Vec<RawStaffing>,
    #[serde(default)]
    equipment: Vec<RawEquipment>,
    #[serde(default)]
    risk_management: Vec<RawRisk>,
    #[serde(default, rename = "override")]
    overrides: Vec<RawOverride>,
    #[serde(default)]
    pre_arrival_processing: Vec<reforms::RawPreArrival>,
    #[serde(default)]
    authorised_operators: Vec<reforms::RawAuthorisedOperators>,
    #[serde(default)]
    single_window: Vec<reforms::RawMerge>,
    #[serde(default)]
    one_stop_border_post: Vec<reforms::RawMerge>,
    #[serde(default)]
    lane_rule: Vec<reforms::RawLaneRulePolicy>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicyMeta {
    name: String,
    #[serde(default)]
    measure: Option<String>,
    #[serde(default)]
    description: Option<String>,
    /// In a region: the crossing the policy changes.
    #[serde(default)]
    crossing: Option<String>,
    /// The scenario file the policy was written for, relative to the policy file
    /// (documentation; the bundled-policy tests use it).
    #[serde(default)]
    baseline: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStaffing {
    station: String,
    #[serde(default)]
    lanes: Option<String>,
    #[serde(default)]
    add: Option<i64>,
    #[serde(default)]
    all_day: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEquipment {
    station: String,
    #[serde(default)]
    add: Option<i64>,
    #[serde(default)]
    service_factor: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRisk {
    class: String,
    #[serde(default)]
    channels: Option<Table>,
    #[serde(default)]
    random_inspection: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    path: String,
    value: Value,
}

/// A baseline with a policy applied: the policy's name and the resulting scenario text.
#[derive(Clone, Debug)]
pub struct PolicyApplied {
    pub name: String,
    pub measure: Option<String>,
    pub description: Option<String>,
    /// In a region: the crossing the policy changes (`[policy] crossing`).
    pub crossing: Option<String>,
    /// The scenario the policy was written for (`[policy] baseline`), relative to the
    /// policy file.
    pub baseline: Option<String>,
    /// The changed scenario, as TOML, to load with [`crate::parse_scenario_with`].
    pub scenario_text: String,
}

pub(crate) struct Located<'a> {
    file: &'a str,
    lines: LineIndex<'a>,
    spans: Option<SpanIndex>,
    errors: Vec<Diagnostic>,
}

impl Located<'_> {
    pub(crate) fn error(&mut self, path: &str, message: impl Into<String>) {
        let offset = self.spans.as_ref().map_or(0, |s| s.value_start(path));
        let (line, column) = self.lines.line_col(offset);
        self.errors.push(Diagnostic {
            file: self.file.to_owned(),
            path: path.to_owned(),
            line,
            column,
            message: message.into(),
        });
    }
}

/// Applies the policy in `policy` (file `policy_name`) to the baseline scenario text `base`.
pub fn apply_policy(
    base: &str,
    policy: &str,
    policy_name: &str,
) -> Result<PolicyApplied, ConfigError> {
    let mut cx = Located {
        file: policy_name,
        lines: LineIndex::new(policy),
        spans: None,
        errors: Vec::new(),
    };
    match DeTable::parse(policy) {
        Ok(root) => cx.spans = Some(SpanIndex::build(&root)),
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            let (line, column) = cx.lines.line_col(offset);
            return Err(ConfigError {
                diagnostics: vec![Diagnostic {
                    file: policy_name.to_owned(),
                    path: String::new(),
                    line,
                    column,
                    message: format!("TOML syntax error: {}", e.message()),
                }],
            });
        }
    }
    let raw: RawPolicy = match toml::from_str(policy) {
        Ok(raw) => raw,
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            let (line, column) = cx.lines.line_col(offset);
            let path = cx
                .spans
                .as_ref()
                .and_then(|s| e.span().and_then(|span| s.path_at(&span)))
                .unwrap_or_default();
            return Err(ConfigError {
                diagnostics: vec![Diagnostic {
                    file: policy_name.to_owned(),
                    path,
                    line,
                    column,
                    message: e.message().to_owned(),
                }],
            });
        }
    };
    // The baseline must at least be TOML; its own validation comes after the changes.
    let mut doc: Table = toml::from_str(base).map_err(|e| ConfigError {
        diagnostics: vec![Diagnostic {
            file: "baseline".into(),
            path: String::new(),
            line: 1,
            column: 1,
            message: format!("the baseline is not valid TOML: {}", e.message()),
        }],
    })?;

    check_conflicts(&mut cx, &doc, &raw);
    if !cx.errors.is_empty() {
        return Err(ConfigError {
            diagnostics: cx.errors,
        });
    }
    for (i, m) in raw.single_window.iter().enumerate() {
        reforms::merge(&mut cx, &mut doc, &index("single_window", i), m);
    }
    for (i, m) in raw.one_stop_border_post.iter().enumerate() {
        reforms::merge(&mut cx, &mut doc, &index("one_stop_border_post", i), m);
    }
    for (i, a) in raw.authorised_operators.iter().enumerate() {
        reforms::authorised_operators(&mut cx, &mut doc, &index("authorised_operators", i), a);
    }
    for (i, s) in raw.staffing.iter().enumerate() {
        staffing(&mut cx, &mut doc, &index("staffing", i), s);
    }
    for (i, e) in raw.equipment.iter().enumerate() {
        equipment(&mut cx, &mut doc, &index("equipment", i), e);
    }
    for (i, r) in raw.lane_rule.iter().enumerate() {
        reforms::lane_rule(&mut cx, &mut doc, &index("lane_rule", i), r);
    }
    for (i, r) in raw.risk_management.iter().enumerate() {
        risk(&mut cx, &mut doc, &index("risk_management", i), r);
    }
    for (i, p) in raw.pre_arrival_processing.iter().enumerate() {
        reforms::pre_arrival(&mut cx, &mut doc, &index("pre_arrival_processing", i), p);
    }
    for (i, o) in raw.overrides.iter().enumerate() {
        let path = index("override", i);
        if let Err(message) = set_path(&mut doc, &o.path, o.value.clone()) {
            cx.error(&child(&path, "path"), message);
        }
    }
    if !cx.errors.is_empty() {
        return Err(ConfigError {
            diagnostics: cx.errors,
        });
    }
    if let Some(Value::Table(scenario)) = doc.get_mut("scenario") {
        scenario.insert("name".into(), Value::String(raw.policy.name.clone()));
    }
    let scenario_text = toml::to_string(&doc).map_err(|e| ConfigError {
        diagnostics: vec![Diagnostic {
            file: policy_name.to_owned(),
            path: String::new(),
            line: 1,
            column: 1,
            message: format!("cannot write the changed scenario: {e}"),
        }],
    })?;
    Ok(PolicyApplied {
        name: raw.policy.name,
        measure: raw.policy.measure,
        description: raw.policy.description,
        crossing: raw.policy.crossing,
        baseline: raw.policy.baseline,
        scenario_text,
    })
}

/// What each change of a policy writes, as dot paths into the scenario (`stations.X.servers`,
/// `classes.C.channels`, `stations.X` for a whole station); two changes whose paths overlap
/// conflict, and are reported at the later one with the line of the earlier.
fn check_conflicts(cx: &mut Located<'_>, doc: &Table, raw: &RawPolicy) {
    let mut claims: Vec<(String, String)> = Vec::new(); // (change path, target)
    let all_classes = id_list(doc, "classes");
    let classes = |named: &Option<Vec<String>>| named.clone().unwrap_or(all_classes.clone());
    let station = |id: &str, field: &str| format!("stations.{id}.{field}");
    let mut changes: Vec<(String, Vec<String>)> = Vec::new();
    let merges = raw
        .single_window
        .iter()
        .enumerate()
        .map(|(i, m)| (index("single_window", i), m))
        .chain(
            raw.one_stop_border_post
                .iter()
                .enumerate()
                .map(|(i, m)| (index("one_stop_border_post", i), m)),
        );
    for (path, m) in merges {
        let mut targets = Vec::new();
        if let Some((first, rest)) = m.stations.split_first() {
            targets.push(station(first, "joint_service_factor"));
            if m.servers.is_some() {
                targets.push(station(first, "servers"));
            }
            targets.extend(rest.iter().map(|id| format!("stations.{id}")));
        }
        changes.push((path, targets));
    }
    for (i, a) in raw.authorised_operators.iter().enumerate() {
        let p = &a.programme;
        let mut targets = Vec::new();
        for c in classes(&a.classes) {
            targets.push(format!("classes.{c}.programmes"));
            targets.push(format!("classes.{c}.channels_by_programme.{p}"));
        }
        for s in a.faster.keys() {
            targets.push(station(s, &format!("service_factor_by_programme.{p}")));
        }
        for l in &a.dedicated_lanes {
            targets.push(station(&l.station, "servers"));
            targets.push(station(&l.station, &format!("lanes.{p}")));
        }
        changes.push((index("authorised_operators", i), targets));
    }
    for (i, s) in raw.staffing.iter().enumerate() {
        let target = match &s.lanes {
            Some(g) => station(&s.station, &format!("lanes.{g}.servers")),
            None => station(&s.station, "servers"),
        };
        changes.push((index("staffing", i), vec![target]));
    }
    for (i, e) in raw.equipment.iter().enumerate() {
        let mut targets = Vec::new();
        if e.add.is_some() {
            targets.push(station(&e.station, "servers"));
        }
        if e.service_factor.is_some() {
            targets.push(station(&e.station, "service"));
        }
        changes.push((index("equipment", i), targets));
    }
    for (i, r) in raw.lane_rule.iter().enumerate() {
        let owner = match &r.lanes {
            Some(g) => format!("stations.{}.lanes.{g}", r.station),
            None => format!("stations.{}", r.station),
        };
        changes.push((
            index("lane_rule", i),
            vec![format!("{owner}.servers"), format!("{owner}.lane_rule")],
        ));
    }
    for (i, r) in raw.risk_management.iter().enumerate() {
        let mut targets = Vec::new();
        if r.channels.is_some() {
            targets.push(format!("classes.{}.channels", r.class));
        }
        if r.random_inspection.is_some() {
            targets.push(format!("classes.{}.random_inspection", r.class));
        }
        changes.push((index("risk_management", i), targets));
    }
    for (i, p) in raw.pre_arrival_processing.iter().enumerate() {
        let mut targets: Vec<String> = classes(&p.classes)
            .iter()
            .map(|c| format!("classes.{c}.pre_lodged_share"))
            .collect();
        for s in p.skip.iter().chain(p.service_factor.keys()) {
            targets.push(station(s, "pre_lodged"));
        }
        changes.push((index("pre_arrival_processing", i), targets));
    }
    for (i, o) in raw.overrides.iter().enumerate() {
        changes.push((index("override", i), vec![o.path.clone()]));
    }
    let overlaps = |a: &str, b: &str| {
        a == b || a.starts_with(&format!("{b}.")) || b.starts_with(&format!("{a}."))
    };
    for (path, targets) in changes {
        let mut reported = false;
        for target in &targets {
            if reported {
                break;
            }
            if let Some((earlier, theirs)) = claims
                .iter()
                .find(|(p, t)| *p != path && overlaps(t, target))
            {
                let line = cx
                    .spans
                    .as_ref()
                    .map(|s| cx.lines.line_col(s.value_start(earlier)).0)
                    .unwrap_or(0);
                let what = if theirs.len() < target.len() {
                    theirs
                } else {
                    target
                };
                cx.error(
                    &path,
                    format!(
                        "conflicts with {earlier} (line {line}): both change `{what}`; say what you want in one change"
                    ),
                );
                reported = true;
            }
        }
        claims.extend(targets.into_iter().map(|t| (path.clone(), t)));
    }
}

/// The entry of the array `array` of `doc` whose `id` is `id`.
pub(crate) fn entry_mut<'a>(doc: &'a mut Table, array: &str, id: &str) -> Option<&'a mut Table> {
    doc.get_mut(array)?
        .as_array_mut()?
        .iter_mut()
        .filter_map(Value::as_table_mut)
        .find(|t| t.get("id").and_then(Value::as_str) == Some(id))
}

/// The `id`s of the entries of the array `array` of `doc`, in order.
pub(crate) fn id_list(doc: &Table, array: &str) -> Vec<String> {
    doc.get(array)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| t.get("id").and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The `id`s of the entries of `array`, quoted, for messages.
pub(crate) fn ids(doc: &Table, array: &str) -> String {
    id_list(doc, array)
        .iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The entry `id` of the array `array` (whose entries are `kind`s), or an error at `path`
/// naming the ones there are.
pub(crate) fn known_entry<'d>(
    cx: &mut Located<'_>,
    doc: &'d mut Table,
    (array, kind): (&str, &str),
    id: &str,
    path: &str,
) -> Option<&'d mut Table> {
    if entry_mut(doc, array, id).is_none() {
        cx.error(
            path,
            format!("unknown {kind} `{id}`; known {array}: {}", ids(doc, array)),
        );
        return None;
    }
    entry_mut(doc, array, id)
}

/// The lane group `lanes` of station `station_id` (its table `station`), or the station
/// itself when `lanes` is `None`; an unknown group is an error at `path`.
pub(crate) fn lanes_target<'d>(
    cx: &mut Located<'_>,
    station: &'d mut Table,
    station_id: &str,
    lanes: Option<&str>,
    path: &str,
) -> Option<&'d mut Table> {
    let Some(group) = lanes else {
        return Some(station);
    };
    if entry_mut(station, "lanes", group).is_none() {
        cx.error(
            path,
            format!(
                "station `{station_id}` has no lane group `{group}`; its groups: {}",
                ids(station, "lanes")
            ),
        );
        return None;
    }
    entry_mut(station, "lanes", group)
}

/// A share in [0, 1]; an error at `path` otherwise.
pub(crate) fn share_ok(cx: &mut Located<'_>, path: &str, share: f64) -> bool {
    let ok = share.is_finite() && (0.0..=1.0).contains(&share);
    if !ok {
        cx.error(path, format!("a share must be in [0, 1], got {share}"));
    }
    ok
}

/// A positive factor on service times; an error at `path` otherwise.
pub(crate) fn factor_ok(cx: &mut Located<'_>, path: &str, factor: f64) -> bool {
    let ok = factor.is_finite() && factor > 0.0;
    if !ok {
        cx.error(
            path,
            format!("a service-time factor must be positive, got {factor}"),
        );
    }
    ok
}

const STATIONS: (&str, &str) = ("stations", "station");
const CLASSES: (&str, &str) = ("classes", "class");

fn staffing(cx: &mut Located<'_>, doc: &mut Table, path: &str, s: &RawStaffing) {
    let Some(station) = known_entry(cx, doc, STATIONS, &s.station, &child(path, "station")) else {
        return;
    };
    let Some(target) = lanes_target(
        cx,
        station,
        &s.station,
        s.lanes.as_deref(),
        &child(path, "lanes"),
    ) else {
        return;
    };
    let add = s.add.unwrap_or(0);
    if add < 0 {
        cx.error(
            &child(path, "add"),
            format!("add must not be negative, got {add}; to close lanes, use [[override]]"),
        );
        return;
    }
    let all_day = s.all_day.unwrap_or(false);
    let bump = |n: i64| if n > 0 { n + add } else { n };
    if let Some(Value::Integer(n)) = target.get("servers").cloned() {
        target.insert("servers".into(), Value::Integer(n + add));
    } else if let Some(Value::Array(hours)) = target.get("servers_by_hour").cloned() {
        let hours: Vec<i64> = hours.iter().filter_map(Value::as_integer).collect();
        let peak = hours.iter().copied().max().unwrap_or(0);
        let changed: Vec<Value> = hours
            .iter()
            .map(|&n| Value::Integer(if all_day { peak + add } else { bump(n) }))
            .collect();
        target.insert("servers_by_hour".into(), Value::Array(changed));
    } else {
        cx.error(
            path,
            "the target has neither `servers` nor `servers_by_hour` to change (per-day \
             schedules and lane groups: name the group with `lanes`, or use [[override]])",
        );
    }
}

fn equipment(cx: &mut Located<'_>, doc: &mut Table, path: &str, e: &RawEquipment) {
    if e.add.is_some() {
        let as_staffing = RawStaffing {
            station: e.station.clone(),
            lanes: None,
            add: e.add,
            all_day: None,
        };
        staffing(cx, doc, path, &as_staffing);
    }
    let Some(factor) = e.service_factor else {
        return;
    };
    if !factor_ok(cx, &child(path, "service_factor"), factor) {
        return;
    }
    // With `add`, staffing has already said if the station is unknown.
    if e.add.is_some() && entry_mut(doc, "stations", &e.station).is_none() {
        return;
    }
    let Some(station) = known_entry(cx, doc, STATIONS, &e.station, &child(path, "station")) else {
        return;
    };
    let mut scaled = 0;
    for key in ["service", "service_by_class", "service_by_programme"] {
        match station.get_mut(key) {
            Some(Value::Table(t)) if key == "service" => scaled += scale_service(t, factor),
            Some(Value::Table(by)) => {
                for (_, spec) in by.iter_mut() {
                    if let Value::Table(t) = spec {
                        scaled += scale_service(t, factor);
                    }
                }
            }
            _ => {}
        }
    }
    if scaled == 0 {
        cx.error(
            &child(path, "service_factor"),
            format!("station `{}` has no service time to scale", e.station),
        );
    }
}

/// Multiplies every duration parameter of a service-time table by `factor` (the cv, a
/// ratio, stays); returns how many it changed.
fn scale_service(service: &mut Table, factor: f64) -> usize {
    if service.get("dist").and_then(Value::as_str) == Some("sum") {
        let scale = match service.get("scale") {
            Some(Value::Float(f)) => *f,
            Some(Value::Integer(n)) => *n as f64,
            _ => 1.0,
        };
        service.insert("scale".into(), Value::Float(scale * factor));
        return 1;
    }
    let mut changed = 0;
    for key in ["mean", "value", "min", "mode", "max"] {
        if let Some(Value::String(s)) = service.get(key)
            && let Ok(ms) = parse_duration(s)
        {
            service.insert(key.into(), Value::String(format_duration(ms * factor)));
            changed += 1;
        }
    }
    if let Some(Value::Array(values)) = service.get("values") {
        let scaled: Vec<Value> = values
            .iter()
            .map(|v| match v.as_str().and_then(|s| parse_duration(s).ok()) {
                Some(ms) => Value::String(format_duration(ms * factor)),
                None => v.clone(),
            })
            .collect();
        changed += scaled.len();
        service.insert("values".into(), Value::Array(scaled));
    }
    changed
}

fn risk(cx: &mut Located<'_>, doc: &mut Table, path: &str, r: &RawRisk) {
    let Some(class) = known_entry(cx, doc, CLASSES, &r.class, &child(path, "class")) else {
        return;
    };
    if let Some(channels) = &r.channels {
        class.insert("channels".into(), Value::Table(channels.clone()));
    }
    if let Some(p) = r.random_inspection {
        if !share_ok(cx, &child(path, "random_inspection"), p) {
            return;
        }
        class.insert("random_inspection".into(), Value::Float(p));
    }
}

/// Sets `value` at `path` (dot-separated; an entry of an array of tables is named by its
/// `id`). The last key may be new; every step before it must exist.
fn set_path(doc: &mut Table, path: &str, value: Value) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    set_parts(doc, &parts, path, value)
}

fn set_parts(table: &mut Table, parts: &[&str], path: &str, value: Value) -> Result<(), String> {
    match parts {
        [] | [""] => Err("the path is empty".into()),
        [last] => {
            table.insert((*last).to_string(), value);
            Ok(())
        }
        [first, rest @ ..] => {
            if matches!(table.get(*first), Some(Value::Array(_))) {
                let [id, rest @ ..] = rest else {
                    return Err(format!(
                        "`{first}` is a list: name an entry by its id (path `{path}`)"
                    ));
                };
                if rest.is_empty() {
                    return Err(format!(
                        "path `{path}` ends at an entry: name a field of it"
                    ));
                }
                let known = ids(table, first);
                let entry = entry_mut(table, first, id).ok_or_else(|| {
                    format!("`{first}` has no entry `{id}`; its entries: {known}")
                })?;
                set_parts(entry, rest, path, value)
            } else {
                match table.get_mut(*first) {
                    Some(Value::Table(t)) => set_parts(t, rest, path, value),
                    _ => Err(format!("`{first}` is not in the baseline (path `{path}`)")),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"[scenario]
name = "base"
horizon = "1d"

[[classes]]
id = "truck"

[[stations]]
id = "primary"
servers_by_hour = [1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0]
service = { dist = "exponential", mean = "2min" }

[[sources]]
id = "trucks"
class = "truck"
rate = "40/h"
entry = "primary"
"#;

    fn applied(policy: &str) -> crate::Loaded {
        let p = apply_policy(BASE, policy, "p.toml").expect("policy applies");
        crate::parse_scenario(&p.scenario_text, "base+p").expect("valid scenario")
    }

    #[test]
    fn staffing_adds_lanes_in_open_hours_or_all_day() {
        let add =
            applied("[policy]\nname = \"more\"\n[[staffing]]\nstation = \"primary\"\nadd = 1\n");
        let st = &add.scenario.crossing.stations()[0];
        assert_eq!(st.max_servers(), 4);
        assert_eq!(add.scenario.name, "more");
        let all = applied(
            "[policy]\nname = \"24h\"\n[[staffing]]\nstation = \"primary\"\nall_day = true\n",
        );
        let st = &all.scenario.crossing.stations()[0];
        assert!((st.mean_servers() - 3.0).abs() < 1e-12);
    }

    #[test]
    fn risk_management_and_overrides() {
        let p = applied(
            "[policy]\nname = \"r\"\n[[risk_management]]\nclass = \"truck\"\nchannels = { green = 0.9, red = 0.1 }\nrandom_inspection = 0.02\n[[override]]\npath = \"stations.primary.service.mean\"\nvalue = \"1min\"\n",
        );
        let class = &p.scenario.population().classes[0];
        assert_eq!(class.channel_probabilities[0], [0.9, 0.0, 0.1]);
        assert_eq!(class.random_inspection, 0.02);
        let st = &p.scenario.crossing.stations()[0];
        assert_eq!(
            st.service[0],
            Some(bordersim_model::ServiceDist::Exponential { mean_ms: 60_000.0 })
        );
    }

    #[test]
    fn equipment_adds_scanners_and_scales_service() {
        let p = applied(
            "[policy]\nname = \"nii\"\n[[equipment]]\nstation = \"primary\"\nadd = 1\nservice_factor = 0.5\n",
        );
        let st = &p.scenario.crossing.stations()[0];
        assert_eq!(st.max_servers(), 4);
        assert_eq!(
            st.service[0],
            Some(bordersim_model::ServiceDist::Exponential { mean_ms: 60_000.0 })
        );
        let e = apply_policy(
            BASE,
            "[policy]\nname = \"x\"\n[[equipment]]\nstation = \"primary\"\nservice_factor = 0\n",
            "p.toml",
        )
        .unwrap_err();
        assert!(e.diagnostics[0].message.contains("positive"), "{e}");
        assert_eq!(e.diagnostics[0].line, 5);
    }

    #[test]
    fn an_empty_policy_changes_nothing_but_the_name() {
        let p = applied("[policy]\nname = \"nothing\"\n");
        let base = crate::parse_scenario(BASE, "base").unwrap().scenario;
        assert_eq!(p.scenario.crossing.stations(), base.crossing.stations());
        assert_eq!(p.scenario.crossing.sources(), base.crossing.sources());
    }

    #[test]
    fn unknown_names_are_located_in_the_policy() {
        let e = apply_policy(
            BASE,
            "[policy]\nname = \"x\"\n\n[[staffing]]\nstation = \"primray\"\nadd = 1\n",
            "p.toml",
        )
        .unwrap_err();
        let d = &e.diagnostics[0];
        assert_eq!(
            (d.file.as_str(), d.path.as_str(), d.line),
            ("p.toml", "staffing[0].station", 5)
        );
        assert!(d.message.contains("unknown station `primray`"), "{d}");
        let e = apply_policy(
            BASE,
            "[policy]\nname = \"x\"\n[[override]]\npath = \"stations.gate.servers\"\nvalue = 2\n",
            "p.toml",
        )
        .unwrap_err();
        assert!(e.diagnostics[0].message.contains("no entry `gate`"), "{e}");
        assert_eq!(e.diagnostics[0].line, 4);
        let e = apply_policy(BASE, "[policy]\nname = \"x\"\nbogus = 1\n", "p.toml").unwrap_err();
        assert!(e.to_string().contains("bogus"), "{e}");
        let e = apply_policy(
            BASE,
            "[policy]\nname = \"x\"\n[[risk_management]]\nclass = \"truck\"\nrandom_inspection = 1.5\n",
            "p.toml",
        )
        .unwrap_err();
        assert!(e.diagnostics[0].message.contains("[0, 1]"), "{e}");
    }

    const TWO_STATIONS: &str = r#"[scenario]
name = "base"
horizon = "1d"

[[classes]]
id = "truck"
programmes = { none = 1.0 }
channels = { green = 0.8, yellow = 0.1, red = 0.1 }

[[stations]]
id = "primary"
servers = 3
service = { dist = "exponential", mean = "2min" }
routes = [{ to = "docs", p = 1 }]

[[stations]]
id = "docs"
servers = 1
service = { dist = "exponential", mean = "3min" }

[[sources]]
id = "trucks"
class = "truck"
rate = "20/h"
entry = "primary"
"#;

    fn error_of(policy: &str) -> Diagnostic {
        let e = apply_policy(TWO_STATIONS, policy, "p.toml").unwrap_err();
        assert_eq!(e.diagnostics.len(), 1, "{e}");
        e.diagnostics[0].clone()
    }

    fn applied_two(policy: &str) -> crate::Loaded {
        let p = apply_policy(TWO_STATIONS, policy, "p.toml").expect("policy applies");
        crate::parse_scenario(&p.scenario_text, "base+p")
            .unwrap_or_else(|e| panic!("{e}\n{}", p.scenario_text))
    }

    #[test]
    fn pre_arrival_processing_marks_classes_and_stations() {
        let p = applied_two(
            "[policy]\nname = \"pre\"\n[[pre_arrival_processing]]\nshare = 0.7\nskip = [\"docs\"]\nservice_factor = { primary = 0.5 }\n",
        );
        let class = &p.scenario.population().classes[0];
        assert_eq!(class.pre_lodged_share, 0.7);
        assert!(class.pre_lodged_release_on_arrival);
        let st = p.scenario.crossing.stations();
        assert_eq!(st[0].pre_lodged, bordersim_model::PreLodged::Scale(0.5));
        assert_eq!(st[1].pre_lodged, bordersim_model::PreLodged::Skip);
        let d = error_of(
            "[policy]\nname = \"x\"\n[[pre_arrival_processing]]\nshare = 1.5\nskip = [\"docs\"]\n",
        );
        assert_eq!(
            (d.path.as_str(), d.line),
            ("pre_arrival_processing[0].share", 4)
        );
        assert!(d.message.contains("[0, 1]"), "{d}");
        let d = error_of(
            "[policy]\nname = \"x\"\n[[pre_arrival_processing]]\nshare = 0.5\nskip = [\"dox\"]\n",
        );
        assert_eq!(d.path, "pre_arrival_processing[0].skip[0]");
        assert!(d.message.contains("unknown station `dox`"), "{d}");
        let d = error_of(
            "[policy]\nname = \"x\"\n[[pre_arrival_processing]]\nshare = 0.5\nclasses = [\"car\"]\nskip = [\"docs\"]\n",
        );
        assert!(d.message.contains("unknown class `car`"), "{d}");
    }

    #[test]
    fn authorised_operators_join_a_programme() {
        let p = applied_two(
            "[policy]\nname = \"aeo\"\n[[authorised_operators]]\nprogramme = \"aeo\"\nshare = 0.25\ninspection_factor = 0.5\nfaster = { primary = 0.6 }\ndedicated_lanes = [{ station = \"primary\", servers = 1 }]\n",
        );
        let population = p.scenario.population();
        assert_eq!(population.programmes[1].id, "aeo");
        let class = &population.classes[0];
        assert_eq!(class.programme_shares, vec![0.75, 0.25]);
        let aeo = class.channel_probabilities[1];
        assert!((aeo[0] - 0.9).abs() < 1e-12 && (aeo[2] - 0.05).abs() < 1e-12);
        let primary = &p.scenario.crossing.stations()[0];
        assert_eq!(
            primary.programme_service_factor(bordersim_model::ProgrammeId(1)),
            0.6
        );
        assert_eq!(primary.lanes.len(), 2);
        assert!(primary.lanes[1].share_when_idle);
        let d = error_of(
            "[policy]\nname = \"x\"\n[[authorised_operators]]\nprogramme = \"aeo\"\nshare = 0.2\nchannels = { green = 0.5, red = 0.2 }\n",
        );
        assert_eq!(d.path, "authorised_operators[0].channels");
    }

    #[test]
    fn merges_and_lane_rules_write_model_fields() {
        let p = applied_two(
            "[policy]\nname = \"sw\"\n[[single_window]]\nstations = [\"primary\", \"docs\"]\nservice_factor = 0.5\nservers = 4\n",
        );
        let st = p.scenario.crossing.stations();
        assert_eq!(st[1].merged_into, Some(bordersim_model::StationId(0)));
        assert_eq!(st[0].joint_service_factor, 0.5);
        assert_eq!(st[0].max_servers(), 4);
        // Without `servers`, the joint stop pools the members' officers: 3 + 1.
        let p = applied_two(
            "[policy]\nname = \"sw\"\n[[single_window]]\nstations = [\"docs\", \"primary\"]\n",
        );
        let st = p.scenario.crossing.stations();
        assert_eq!(st[0].merged_into, Some(bordersim_model::StationId(1)));
        assert_eq!(st[1].max_servers(), 4);
        let d = error_of(
            "[policy]\nname = \"x\"\n[[one_stop_border_post]]\nstations = [\"primary\"]\n",
        );
        assert!(d.message.contains("at least two"), "{d}");
        let p = applied_two(
            "[policy]\nname = \"rule\"\n[[lane_rule]]\nstation = \"primary\"\nmin_wait = \"2min\"\nmax_wait = \"10min\"\nmax_lanes = 6\n",
        );
        let rule = p.scenario.crossing.stations()[0].lanes[0]
            .rule
            .expect("a rule");
        assert_eq!((rule.min_lanes, rule.max_lanes), (1, 6));
        let d = error_of(
            "[policy]\nname = \"x\"\n[[lane_rule]]\nstation = \"primary\"\nmin_wait = \"20min\"\nmax_wait = \"10min\"\nmax_lanes = 6\n",
        );
        assert_eq!(d.path, "lane_rule[0].min_wait");
    }

    #[test]
    fn conflicting_changes_are_errors_naming_both() {
        let d = error_of(
            "[policy]\nname = \"x\"\n\n[[staffing]]\nstation = \"primary\"\nadd = 1\n\n[[lane_rule]]\nstation = \"primary\"\nmin_wait = \"2min\"\nmax_wait = \"10min\"\nmax_lanes = 6\n",
        );
        assert_eq!((d.path.as_str(), d.line), ("lane_rule[0]", 8));
        assert!(
            d.message.contains("conflicts with staffing[0] (line 4)")
                && d.message.contains("stations.primary.servers"),
            "{d}"
        );
        let d = error_of(
            "[policy]\nname = \"x\"\n[[one_stop_border_post]]\nstations = [\"primary\", \"docs\"]\n[[equipment]]\nstation = \"docs\"\nservice_factor = 0.5\n",
        );
        assert!(
            d.message.contains("conflicts with one_stop_border_post[0]"),
            "{d}"
        );
        let d = error_of(
            "[policy]\nname = \"x\"\n[[risk_management]]\nclass = \"truck\"\nchannels = { green = 1.0 }\n[[override]]\npath = \"classes.truck.channels.red\"\nvalue = 0.2\n",
        );
        assert!(d.message.contains("classes.truck.channels"), "{d}");
    }
}
