//! The staffing plan file: what to optimise, which lane groups, and the rules they keep.
//! Every problem is reported at once, located by file, field and line:column.

use std::ops::Range;

use bordersim_config::{ConfigError, Diagnostic};
use bordersim_model::Scenario;
use serde::Deserialize;
use toml::Spanned;

use crate::shifts::{Block, HOURS};

/// Day names in a plan's `days`, Monday first (as `servers_by_day`).
pub const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The metrics a plan may minimise: headline measures of `compare`, in their units.
pub const OBJECTIVES: [&str; 9] = [
    "wait_mean_s",
    "wait_p95_rep_s",
    "queue_length_mean",
    "time_in_system_mean_s",
    "time_in_system_p95_rep_s",
    "release_mean_s",
    "delay_vehicle_hours_per_day",
    "delay_value_per_day",
    "total_cost_per_day",
];

/// Default cap on the candidates a search evaluates.
pub const DEFAULT_MAX_EVALUATIONS: u32 = 2000;

/// Default night, `[from, to)` hours, for `night_min_lanes`.
pub const DEFAULT_NIGHT: [usize; 2] = [22, 6];

/// A staffing plan as written (`[plan]`, `[[groups]]`): the type its loader reads, so that
/// `bordersim schema plan` describes exactly the keys it accepts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlanFile {
    plan: Spanned<RawHeader>,
    #[serde(default)]
    groups: Vec<Spanned<RawGroup>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: Option<String>,
    description: Option<String>,
    objective: Spanned<String>,
    entity: Option<Spanned<String>>,
    max_evaluations: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    station: Spanned<String>,
    lanes: Option<Spanned<String>>,
    days: Option<Spanned<Vec<Spanned<String>>>>,
    budget_lane_hours_per_day: Option<Spanned<i64>>,
    min_lanes: Option<Spanned<i64>>,
    max_lanes: Option<Spanned<i64>>,
    night_min_lanes: Option<Spanned<i64>>,
    night_hours: Option<Spanned<Vec<i64>>>,
    shift_hours: Option<Spanned<i64>>,
    shift_starts: Option<Spanned<Vec<i64>>>,
    open_closed_hours: Option<Spanned<bool>>,
}

/// One lane group (or a station's own servers) on some days, to be staffed.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The station's id.
    pub station: String,
    /// The lane group's id; `None` for a station without `[[stations.lanes]]`.
    pub lanes: Option<String>,
    /// Index of the station in the scenario.
    pub station_index: usize,
    /// Index of the lane group in the station.
    pub group_index: usize,
    /// The days (0 = Monday) this block's daily pattern applies to.
    pub days: Vec<usize>,
    /// The rules, bounds and budget.
    pub block: Block,
    /// The group's lanes in each hour of the week before optimisation, Monday 00:00 first.
    pub current_week: Vec<u32>,
    /// The hours (0–23) the station is closed on every one of the block's days — no lane
    /// of any of its groups open now —, which the search keeps closed (its maximum there
    /// is 0) unless the plan sets `open_closed_hours = true`. Ascending.
    pub closed_hours: Vec<usize>,
}

impl Target {
    /// `station` or `station/lanes`, as reports name it.
    pub fn label(&self) -> String {
        match &self.lanes {
            Some(g) => format!("{}/{}", self.station, g),
            None => self.station.clone(),
        }
    }

    /// The days as written (`mon`, …).
    pub fn day_names(&self) -> Vec<String> {
        self.days.iter().map(|&d| DAY_NAMES[d].to_owned()).collect()
    }

    /// The group's lanes on this block's first day before optimisation.
    pub fn current_day(&self) -> [u32; HOURS] {
        let d = self.days[0];
        let mut day = [0u32; HOURS];
        day.copy_from_slice(&self.current_week[d * HOURS..(d + 1) * HOURS]);
        day
    }
}

/// A checked staffing plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Its name (`[plan] name`), else "Optimised staffing".
    pub name: String,
    /// What it is for (`[plan] description`).
    pub description: Option<String>,
    /// The headline metric minimised (one of [`OBJECTIVES`]).
    pub objective: String,
    /// The entity it is measured on: `system`, `station:<id>`, `class:<id>`,
    /// `direction:<id>`.
    pub entity: String,
    /// The most candidates the search evaluates.
    pub max_evaluations: u32,
    /// The blocks to staff, in file order.
    pub targets: Vec<Target>,
}

/// Collects located diagnostics of the plan file.
struct Diags<'t> {
    file: String,
    text: &'t str,
    errors: Vec<Diagnostic>,
}

impl Diags<'_> {
    fn error(&mut self, span: Range<usize>, path: &str, message: impl Into<String>) {
        let offset = span.start.min(self.text.len());
        let before = &self.text[..self.text.floor_char_boundary(offset)];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        self.errors.push(Diagnostic {
            file: self.file.clone(),
            path: path.to_owned(),
            line,
            column,
            message: message.into(),
        });
    }
}

/// Reads and checks the staffing plan `text` (of the file named `file`, which diagnostics
/// name) against `scenario`, whose file's text is `scenario_text` (to tell a station's own
/// servers from its lane groups).
///
/// # Errors
///
/// A [`ConfigError`] with every problem found, each at its line and column: TOML syntax and
/// unknown or mistyped fields; an objective not in [`OBJECTIVES`] or an entity the scenario
/// lacks; an unknown station or lane group, or one opened by a lane rule; a day named
/// twice (in one block or two blocks of the same group) or unknown; a count, hour or
/// budget out of range; and rules no schedule satisfies — a budget below the minimum
/// lanes' lane-hours, a minimum above the maximum, an hour no allowed shift covers (see
/// [`Block::minimum_cover`]).
pub fn parse_plan(
    text: &str,
    file: &str,
    scenario: &Scenario,
    scenario_text: &str,
) -> Result<Plan, ConfigError> {
    let mut diags = Diags {
        file: file.to_owned(),
        text,
        errors: Vec::new(),
    };
    let raw: RawPlanFile = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            diags.error(e.span().unwrap_or(0..0), "", e.message().to_string());
            return Err(ConfigError {
                diagnostics: diags.errors,
            });
        }
    };
    let header = raw.plan.get_ref();
    let objective = header.objective.get_ref().clone();
    if !OBJECTIVES.contains(&objective.as_str()) {
        diags.error(
            header.objective.span(),
            "plan.objective",
            format!(
                "unknown objective `{objective}`: give one of {}",
                OBJECTIVES.join(", ")
            ),
        );
    }
    let allowed = entity_kinds(&objective);
    let entity = header.entity.as_ref().map_or_else(
        || {
            if allowed.contains(&"system") {
                "system".to_owned()
            } else {
                String::new()
            }
        },
        |e| e.get_ref().clone(),
    );
    let entity_span = header
        .entity
        .as_ref()
        .map_or(raw.plan.span(), Spanned::span);
    let entities = entities(scenario);
    let kind = entity.split(':').next().unwrap_or_default();
    if !entities.contains(&entity) {
        diags.error(
            entity_span,
            "plan.entity",
            format!(
                "unknown entity `{entity}`: give `system`, or `station:`, `class:` or \
                 `direction:` and an id of the scenario ({})",
                entities.join(", ")
            ),
        );
    } else if !allowed.is_empty() && !allowed.contains(&kind) {
        diags.error(
            entity_span,
            "plan.entity",
            format!(
                "`{objective}` is measured for {}, not for `{entity}`",
                allowed
                    .iter()
                    .map(|k| if *k == "system" {
                        "system".to_owned()
                    } else {
                        format!("{k}:<id>")
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    let max_evaluations = match &header.max_evaluations {
        None => DEFAULT_MAX_EVALUATIONS,
        Some(n) => match u32::try_from(*n.get_ref()) {
            Ok(v) if v >= 1 => v,
            _ => {
                diags.error(
                    n.span(),
                    "plan.max_evaluations",
                    format!("needs a whole number of at least 1, got {}", n.get_ref()),
                );
                1
            }
        },
    };
    if raw.groups.is_empty() {
        diags.error(
            raw.plan.span(),
            "groups",
            "no [[groups]]: name at least one station (and lane group) to staff",
        );
    }
    let doc: toml::Table = toml::from_str(scenario_text).unwrap_or_default();
    let mut targets: Vec<Target> = Vec::new();
    for (g, group) in raw.groups.iter().enumerate() {
        if let Some(t) = target(&mut diags, g, group, scenario, &doc) {
            let overlap = targets.iter().find(|o| {
                o.station_index == t.station_index
                    && o.group_index == t.group_index
                    && o.days.iter().any(|d| t.days.contains(d))
            });
            if let Some(o) = overlap {
                let span = group
                    .get_ref()
                    .days
                    .as_ref()
                    .map_or(group.span(), Spanned::span);
                diags.error(
                    span,
                    &format!("groups[{g}].days"),
                    format!(
                        "{} is already staffed on {} by an earlier [[groups]] entry: give each \
                         day to one entry",
                        t.label(),
                        o.day_names().join(", ")
                    ),
                );
                continue;
            }
            targets.push(t);
        }
    }
    if !diags.errors.is_empty() {
        return Err(ConfigError {
            diagnostics: diags.errors,
        });
    }
    Ok(Plan {
        name: header
            .name
            .clone()
            .unwrap_or_else(|| "Optimised staffing".to_owned()),
        description: header.description.clone(),
        objective,
        entity,
        max_evaluations,
        targets,
    })
}

/// The kinds of entity (`station`, `class`, `direction`, `system`) `objective` is measured
/// for (empty for an unknown objective).
fn entity_kinds(objective: &str) -> &'static [&'static str] {
    match objective {
        "wait_mean_s" | "wait_p95_rep_s" | "queue_length_mean" => &["station"],
        "time_in_system_mean_s" | "time_in_system_p95_rep_s" => &["class", "direction", "system"],
        "release_mean_s" => &["direction", "system"],
        "delay_vehicle_hours_per_day" | "delay_value_per_day" => &["class", "system"],
        "total_cost_per_day" => &["system"],
        _ => &[],
    }
}

/// The entities a headline measure can be of, for `scenario`.
fn entities(scenario: &Scenario) -> Vec<String> {
    let mut out = vec!["system".to_owned()];
    out.extend(
        scenario
            .crossing
            .stations()
            .iter()
            .map(|s| format!("station:{}", s.id)),
    );
    let population = scenario.population();
    out.extend(population.classes.iter().map(|c| format!("class:{}", c.id)));
    out.extend(
        population
            .directions
            .iter()
            .map(|d| format!("direction:{}", d.id)),
    );
    out
}

/// A count from 0 to `u32::MAX`, or an error at its span.
fn count(diags: &mut Diags<'_>, v: &Spanned<i64>, path: &str, what: &str) -> Option<u32> {
    match u32::try_from(*v.get_ref()) {
        Ok(n) => Some(n),
        Err(_) => {
            diags.error(
                v.span(),
                path,
                format!(
                    "{what} needs a whole number of 0 or more, got {}",
                    v.get_ref()
                ),
            );
            None
        }
    }
}

/// An hour of the day (0–23), or an error at `span`.
fn hour(diags: &mut Diags<'_>, h: i64, span: Range<usize>, path: &str) -> Option<usize> {
    match usize::try_from(h) {
        Ok(h) if h < HOURS => Some(h),
        _ => {
            diags.error(
                span,
                path,
                format!("{h} is not an hour of the day: give 0 (midnight) to 23"),
            );
            None
        }
    }
}

/// Checks one `[[groups]]` entry against the scenario.
fn target(
    diags: &mut Diags<'_>,
    g: usize,
    spanned: &Spanned<RawGroup>,
    scenario: &Scenario,
    doc: &toml::Table,
) -> Option<Target> {
    let raw = spanned.get_ref();
    let at = |field: &str| format!("groups[{g}].{field}");
    let station_id = raw.station.get_ref();
    let stations = scenario.crossing.stations();
    let Some(station_index) = stations.iter().position(|s| &s.id == station_id) else {
        let known: Vec<&str> = stations.iter().map(|s| s.id.as_str()).collect();
        diags.error(
            raw.station.span(),
            &at("station"),
            format!(
                "unknown station `{station_id}`: the scenario's stations are {}",
                known.join(", ")
            ),
        );
        return None;
    };
    let station = &stations[station_index];
    let has_groups = doc
        .get("stations")
        .and_then(toml::Value::as_array)
        .and_then(|a| {
            a.iter()
                .find(|s| s.get("id").and_then(toml::Value::as_str) == Some(station_id))
        })
        .is_some_and(|s| s.get("lanes").is_some());
    let group_index = match (&raw.lanes, has_groups) {
        (Some(name), true) => {
            let Some(i) = station.lanes.iter().position(|l| &l.id == name.get_ref()) else {
                let known: Vec<&str> = station.lanes.iter().map(|l| l.id.as_str()).collect();
                diags.error(
                    name.span(),
                    &at("lanes"),
                    format!(
                        "station `{station_id}` has no lane group `{}`: its groups are {}",
                        name.get_ref(),
                        known.join(", ")
                    ),
                );
                return None;
            };
            i
        }
        (None, true) => {
            let known: Vec<&str> = station.lanes.iter().map(|l| l.id.as_str()).collect();
            diags.error(
                raw.station.span(),
                &at("lanes"),
                format!(
                    "station `{station_id}` has lane groups: name one with lanes = \"id\" ({})",
                    known.join(", ")
                ),
            );
            return None;
        }
        (Some(name), false) => {
            diags.error(
                name.span(),
                &at("lanes"),
                format!(
                    "station `{station_id}` has no lane groups (its servers are its own): \
                     leave out `lanes`"
                ),
            );
            return None;
        }
        (None, false) => 0,
    };
    let group = &station.lanes[group_index];
    if group.rule.is_some() {
        diags.error(
            raw.station.span(),
            &at("station"),
            "this group's lanes are opened and closed by its lane rule, not by a schedule: \
             remove the rule to staff it by the hour",
        );
        return None;
    }
    let mut ok = true;
    let days: Vec<usize> = match &raw.days {
        None => (0..7).collect(),
        Some(list) => {
            let mut days = Vec::new();
            for (k, d) in list.get_ref().iter().enumerate() {
                match DAY_NAMES.iter().position(|n| n == d.get_ref()) {
                    Some(i) if !days.contains(&i) => days.push(i),
                    Some(_) => {
                        diags.error(
                            d.span(),
                            &format!("groups[{g}].days[{k}]"),
                            format!("`{}` is named twice", d.get_ref()),
                        );
                        ok = false;
                    }
                    None => {
                        diags.error(
                            d.span(),
                            &format!("groups[{g}].days[{k}]"),
                            format!(
                                "unknown day `{}`: give some of {}",
                                d.get_ref(),
                                DAY_NAMES.join(", ")
                            ),
                        );
                        ok = false;
                    }
                }
            }
            if days.is_empty() && ok {
                diags.error(list.span(), &at("days"), "no days: name at least one");
                ok = false;
            }
            days.sort_unstable();
            days
        }
    };
    let current_week: Vec<u32> = (0..7 * HOURS)
        .map(|how| match &group.schedule {
            bordersim_model::LaneSchedule::Constant(n) => *n,
            bordersim_model::LaneSchedule::Weekly(week) => week[how],
        })
        .collect();
    let current_max = current_week.iter().copied().max().unwrap_or(0);
    let shift_hours = match &raw.shift_hours {
        None => 1,
        Some(v) => match usize::try_from(*v.get_ref()) {
            Ok(h) if (1..=HOURS).contains(&h) => h,
            _ => {
                diags.error(
                    v.span(),
                    &at("shift_hours"),
                    format!("a shift lasts 1 to 24 hours, got {}", v.get_ref()),
                );
                ok = false;
                1
            }
        },
    };
    let starts: Vec<usize> = match &raw.shift_starts {
        None => (0..HOURS).collect(),
        Some(list) => {
            let mut starts = Vec::new();
            for &h in list.get_ref() {
                match hour(diags, h, list.span(), &at("shift_starts")) {
                    Some(h) if !starts.contains(&h) => starts.push(h),
                    Some(h) => {
                        diags.error(
                            list.span(),
                            &at("shift_starts"),
                            format!("{h} is named twice"),
                        );
                        ok = false;
                    }
                    None => ok = false,
                }
            }
            if starts.is_empty() && ok {
                diags.error(
                    list.span(),
                    &at("shift_starts"),
                    "no start hours: name at least one (0-23)",
                );
                ok = false;
            }
            starts.sort_unstable();
            starts
        }
    };
    let min = match &raw.min_lanes {
        None => 0,
        Some(v) => count(diags, v, &at("min_lanes"), "min_lanes").unwrap_or_else(|| {
            ok = false;
            0
        }),
    };
    let max = match &raw.max_lanes {
        None => current_max,
        Some(v) => count(diags, v, &at("max_lanes"), "max_lanes").unwrap_or_else(|| {
            ok = false;
            0
        }),
    };
    let night_min = match &raw.night_min_lanes {
        None => 0,
        Some(v) => {
            count(diags, v, &at("night_min_lanes"), "night_min_lanes").unwrap_or_else(|| {
                ok = false;
                0
            })
        }
    };
    let night = match &raw.night_hours {
        None => DEFAULT_NIGHT,
        Some(list) => match list.get_ref().as_slice() {
            [from, to] => {
                let from = hour(diags, *from, list.span(), &at("night_hours"));
                let to = hour(diags, *to, list.span(), &at("night_hours"));
                match (from, to) {
                    (Some(f), Some(t)) => [f, t],
                    _ => {
                        ok = false;
                        DEFAULT_NIGHT
                    }
                }
            }
            _ => {
                diags.error(
                    list.span(),
                    &at("night_hours"),
                    "give [from, to]: the night's first hour and the hour it ends (e.g. [22, 6])",
                );
                ok = false;
                DEFAULT_NIGHT
            }
        },
    };
    let current_hours: u32 = days
        .iter()
        .map(|&d| current_week[d * HOURS..(d + 1) * HOURS].iter().sum::<u32>())
        .sum::<u32>()
        / days.len().max(1) as u32;
    let budget = match &raw.budget_lane_hours_per_day {
        None => current_hours,
        Some(v) => {
            count(diags, v, &at("budget_lane_hours_per_day"), "the budget").unwrap_or_else(|| {
                ok = false;
                0
            })
        }
    };
    if !ok {
        return None;
    }
    let opens_closed = raw.open_closed_hours.as_ref().is_some_and(|v| *v.get_ref());
    let closed_hours = if opens_closed {
        Vec::new()
    } else {
        station_closed_hours(station, &days)
    };
    let mut min_lanes = [min; HOURS];
    let in_night = |h: usize| {
        if night[0] <= night[1] {
            (night[0]..night[1]).contains(&h)
        } else {
            h >= night[0] || h < night[1]
        }
    };
    for (h, m) in min_lanes.iter_mut().enumerate() {
        if in_night(h) {
            *m = (*m).max(night_min);
        }
    }
    // The port's closed hours are not staff to move: no lane opens there, and no minimum
    // (a night minimum included) asks for one.
    let mut max_lanes = [max; HOURS];
    for &h in &closed_hours {
        max_lanes[h] = 0;
        min_lanes[h] = 0;
    }
    let block = Block {
        shift_hours,
        starts,
        min_lanes,
        max_lanes,
        budget_lane_hours: budget,
    };
    if let Err(e) = block.minimum_cover() {
        use crate::shifts::CoverError;
        let (span, field) = match &e {
            CoverError::OverBudget { .. } => (
                raw.budget_lane_hours_per_day
                    .as_ref()
                    .map_or(spanned.span(), Spanned::span),
                "budget_lane_hours_per_day",
            ),
            CoverError::MinAboveMax { .. } => (
                raw.max_lanes.as_ref().map_or(spanned.span(), Spanned::span),
                "max_lanes",
            ),
            CoverError::Uncovered { .. } | CoverError::Overfull { .. } => (
                raw.shift_starts
                    .as_ref()
                    .map(Spanned::span)
                    .or(raw.shift_hours.as_ref().map(Spanned::span))
                    .unwrap_or(spanned.span()),
                "shift_starts",
            ),
        };
        let default_note = match (&e, &raw.budget_lane_hours_per_day, &raw.max_lanes) {
            (CoverError::OverBudget { .. }, None, _) => {
                " (the default budget: the group's lane-hours per day now)"
            }
            (CoverError::MinAboveMax { .. }, _, None) => {
                " (the default maximum: the most lanes the group opens now)"
            }
            _ => "",
        };
        diags.error(
            span,
            &at(field),
            format!("{}: {e}{default_note}", label(station_id, &raw.lanes)),
        );
        return None;
    }
    Some(Target {
        station: station_id.clone(),
        lanes: raw.lanes.as_ref().map(|l| l.get_ref().clone()),
        station_index,
        group_index,
        days,
        block,
        current_week,
        closed_hours,
    })
}

/// The hours of the day at which `station` opens no lane (of any of its groups) on any of
/// `days` (0 = Monday) now: the hours the port is closed there.
fn station_closed_hours(station: &bordersim_model::Station, days: &[usize]) -> Vec<usize> {
    let open = |d: usize, h: usize| {
        station.lanes.iter().any(|g| match &g.schedule {
            bordersim_model::LaneSchedule::Constant(n) => *n > 0,
            bordersim_model::LaneSchedule::Weekly(week) => week[d * HOURS + h] > 0,
        })
    };
    (0..HOURS)
        .filter(|&h| days.iter().all(|&d| !open(d, h)))
        .collect()
}

fn label(station: &str, lanes: &Option<Spanned<String>>) -> String {
    match lanes {
        Some(l) => format!("{station}/{}", l.get_ref()),
        None => station.to_owned(),
    }
}
