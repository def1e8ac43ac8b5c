//! A station's servers: a count, an hourly (and daily) schedule, or lane groups with the
//! traffic each serves and the rule that opens and closes lanes; and its pre-lodged
//! treatment.

use bordersim_des::SimTime;
use bordersim_model::{
    HOURS_PER_WEEK, LaneGroup, LaneRule, LaneSchedule, PreLodged, Storage, VehicleFilter,
};

use super::station::{RawStorage, filter_dim, resolve_class, resolve_programme, storage_fields};
use super::{Cx, Refs, sim_time};
use crate::raw::{RawDays, RawLaneGroup, RawLaneRule, RawPreLodged, RawStation};
use crate::spans::{child, index};

/// The servers of one lane group as written.
struct Servers<'r> {
    servers: Option<i64>,
    by_hour: Option<&'r Vec<i64>>,
    by_day: Option<&'r RawDays>,
}

impl Servers<'_> {
    fn is_empty(&self) -> bool {
        self.servers.is_none() && self.by_hour.is_none() && self.by_day.is_none()
    }

    /// The field that best names this schedule.
    fn field(&self) -> &'static str {
        if self.by_hour.is_some() {
            "servers_by_hour"
        } else if self.servers.is_none() && self.by_day.is_some() {
            "servers_by_day"
        } else {
            "servers"
        }
    }
}

const MISSING_SERVERS: &str = "missing required field `servers` (the number of lanes, booths or \
     officers, e.g. servers = 4; or servers_by_hour = [24 values], open servers for each hour \
     of the day from midnight";

/// A station's lane groups, the field that holds them, and each group's own storage (empty
/// when none has one).
pub(super) fn lanes(
    cx: &mut Cx<'_>,
    path: &str,
    raw: &RawStation,
    refs: &Refs<'_>,
) -> (Vec<LaneGroup>, String, Vec<Option<Storage>>) {
    let own = Servers {
        servers: raw.servers,
        by_hour: raw.servers_by_hour.as_ref(),
        by_day: raw.servers_by_day.as_ref(),
    };
    let Some(groups) = &raw.lanes else {
        if own.is_empty() {
            cx.error(
                &child(path, "servers"),
                format!("{MISSING_SERVERS}; or [[stations.lanes]] for lane groups)"),
            );
            return (
                vec![LaneGroup::general(1)],
                child(path, "servers"),
                Vec::new(),
            );
        }
        let schedule = schedule(cx, path, &own, "a station").unwrap_or(LaneSchedule::Constant(1));
        let rule = raw
            .lane_rule
            .as_ref()
            .and_then(|r| lane_rule(cx, &child(path, "lane_rule"), r));
        let group = LaneGroup {
            schedule,
            rule,
            ..LaneGroup::general(1)
        };
        return (vec![group], child(path, own.field()), Vec::new());
    };
    let lanes_path = child(path, "lanes");
    if raw.lane_rule.is_some() {
        cx.error_at_key(
            &child(path, "lane_rule"),
            "this station has lane groups: put the lane rule in the [[stations.lanes]] group \
             it opens and closes",
        );
    }
    if !own.is_empty() {
        cx.error(
            &child(path, own.field()),
            format!(
                "give either `{}` (one group of lanes serving everyone) or [[stations.lanes]] \
                 (lane groups), not both; put the servers in the lane groups",
                own.field()
            ),
        );
    }
    if groups.is_empty() {
        cx.error(
            &lanes_path,
            "`lanes` is empty; a station needs at least one lane group (or write `servers` \
             instead)",
        );
        return (vec![LaneGroup::general(1)], lanes_path, Vec::new());
    }
    let mut built: Vec<LaneGroup> = Vec::with_capacity(groups.len());
    let mut storages: Vec<Option<Storage>> = Vec::with_capacity(groups.len());
    for (k, raw_group) in groups.iter().enumerate() {
        let group_path = index(&lanes_path, k);
        built.push(lane_group(cx, &group_path, raw_group, refs));
        storages.push(group_storage(cx, &group_path, raw_group));
        let id = &raw_group.id;
        if id.trim().is_empty() {
            cx.error(
                &child(&group_path, "id"),
                "a lane group id must not be empty",
            );
        } else if let Some(first) = groups[..k].iter().position(|g| g.id == *id) {
            cx.error(
                &child(&group_path, "id"),
                format!(
                    "duplicate lane group id `{id}`: lanes[{first}] of this station already uses \
                     it; ids must be unique within a station"
                ),
            );
        }
    }
    if storages.iter().all(Option::is_none) {
        storages.clear();
    }
    (built, lanes_path, storages)
}

/// A lane group's own approach storage, if it has one (`when_full` alone is reported: it
/// needs a capacity).
fn group_storage(cx: &mut Cx<'_>, path: &str, raw: &RawLaneGroup) -> Option<Storage> {
    if raw.queue_capacity.is_none() && raw.queue_length.is_none() && raw.when_full.is_none() {
        return None;
    }
    let (storage, _) = storage_fields(
        cx,
        path,
        RawStorage {
            queue_capacity: raw.queue_capacity,
            queue_length: raw.queue_length.as_deref(),
            when_full: raw.when_full,
        },
    );
    Some(storage)
}

fn lane_group(cx: &mut Cx<'_>, path: &str, raw: &RawLaneGroup, refs: &Refs<'_>) -> LaneGroup {
    let own = Servers {
        servers: raw.servers,
        by_hour: raw.servers_by_hour.as_ref(),
        by_day: raw.servers_by_day.as_ref(),
    };
    let schedule = if own.is_empty() {
        cx.error(&child(path, "servers"), format!("{MISSING_SERVERS})"));
        LaneSchedule::Constant(1)
    } else {
        schedule(cx, path, &own, "a lane group").unwrap_or(LaneSchedule::Constant(1))
    };
    let serves = match &raw.serves {
        None => Some(VehicleFilter::any()),
        Some(f) => {
            let serves_path = child(path, "serves");
            let classes = filter_dim(
                cx,
                &serves_path,
                ("class", f.class.as_ref()),
                ("classes", f.classes.as_ref()),
                "serve every class",
                |cx, p, name| resolve_class(cx, p, name, &refs.classes),
            );
            let programmes = filter_dim(
                cx,
                &serves_path,
                ("programme", f.programme.as_ref()),
                ("programmes", f.programmes.as_ref()),
                "serve every programme",
                |cx, p, name| resolve_programme(cx, p, name, &refs.programmes),
            );
            match (classes, programmes) {
                (Some(classes), Some(programmes)) => Some(VehicleFilter {
                    classes,
                    programmes,
                    channels: None,
                }),
                _ => None,
            }
        }
    };
    LaneGroup {
        id: raw.id.clone(),
        // A filter that could not be resolved (already reported) stands in as "everyone",
        // so that no lane-coverage error follows from it.
        serves: serves.unwrap_or_default(),
        share_when_idle: raw.share_when_idle.unwrap_or(false),
        schedule,
        rule: raw
            .lane_rule
            .as_ref()
            .and_then(|r| lane_rule(cx, &child(path, "lane_rule"), r)),
    }
}

/// The default interval between two reviews of a lane rule.
const DEFAULT_LANE_REVIEW: SimTime = SimTime::from_mins(15);

/// Validates a `lane_rule` table (its fit with the starting lanes is the model's check).
fn lane_rule(cx: &mut Cx<'_>, path: &str, raw: &RawLaneRule) -> Option<LaneRule> {
    let min_wait = sim_time(cx, &child(path, "min_wait"), &raw.min_wait);
    let max_wait = sim_time(cx, &child(path, "max_wait"), &raw.max_wait);
    let review = match &raw.review {
        Some(r) => sim_time(cx, &child(path, "review"), r),
        None => Some(DEFAULT_LANE_REVIEW),
    };
    let mut lanes = |field: &str, v: i64| match u32::try_from(v) {
        Ok(n) => Some(n),
        Err(_) => {
            cx.error(
                &child(path, field),
                format!("{field} must be a whole number of lanes, 0 or more, got {v}"),
            );
            None
        }
    };
    let min_lanes = lanes("min_lanes", raw.min_lanes.unwrap_or(1));
    let max_lanes = lanes("max_lanes", raw.max_lanes);
    let rule = LaneRule {
        min_wait: min_wait?,
        max_wait: max_wait?,
        min_lanes: min_lanes?,
        max_lanes: max_lanes?,
        review: review?,
    };
    // Each check on its own: one wrong pair hides nothing of the others.
    let errors_before = cx.error_count();
    if rule.min_wait > rule.max_wait {
        cx.error(
            &child(path, "min_wait"),
            "min_wait must not exceed max_wait: lanes close below min_wait and open above \
             max_wait",
        );
    }
    if rule.max_lanes == 0 || rule.min_lanes > rule.max_lanes {
        cx.error(
            &child(path, "max_lanes"),
            format!(
                "need max_lanes >= 1 and min_lanes <= max_lanes, got min_lanes {} and \
                 max_lanes {}",
                rule.min_lanes, rule.max_lanes
            ),
        );
    }
    if rule.review == SimTime::ZERO {
        cx.error(
            &child(path, "review"),
            "the review interval must be longer than 0",
        );
    }
    (cx.error_count() == errors_before).then_some(rule)
}

/// Validates a station's `pre_lodged` treatment.
pub(super) fn pre_lodged(cx: &mut Cx<'_>, path: &str, raw: Option<&RawPreLodged>) -> PreLodged {
    let path = child(path, "pre_lodged");
    match raw {
        None => PreLodged::Same,
        Some(RawPreLodged::Word(w)) if w == "skip" => PreLodged::Skip,
        Some(RawPreLodged::Word(w)) if w == "same" => PreLodged::Same,
        Some(RawPreLodged::Word(w)) => {
            cx.error(
                &path,
                format!(
                    "unknown treatment `{w}`: write \"skip\" (pass without stopping), \
                     \"same\", or a factor on the service time like 0.5"
                ),
            );
            PreLodged::Same
        }
        Some(RawPreLodged::Factor(f)) if f.is_finite() && *f > 0.0 => PreLodged::Scale(*f),
        Some(RawPreLodged::Factor(f)) => {
            cx.error(
                &path,
                format!(
                    "a service-time factor must be positive, got {f}; to pass without \
                     stopping write pre_lodged = \"skip\""
                ),
            );
            PreLodged::Same
        }
    }
}

/// Validates `servers` / `servers_by_hour` / `servers_by_day` of a station or lane group
/// (at `path`). `None` when something is wrong (already reported).
fn schedule(cx: &mut Cx<'_>, path: &str, s: &Servers<'_>, what: &str) -> Option<LaneSchedule> {
    let mut ok = true;
    if s.servers.is_some() && s.by_hour.is_some() {
        cx.error(
            &child(path, "servers_by_hour"),
            "give either `servers` (always open) or `servers_by_hour` (open servers for each \
             hour of the day), not both",
        );
        ok = false;
    }
    let constant = match s.servers {
        None => None,
        Some(n) => match u32::try_from(n) {
            Ok(n) if n >= 1 => Some(n),
            // Above the largest count a lane group holds: say so, not "at least 1".
            Err(_) if n > 0 => {
                cx.error(
                    &child(path, "servers"),
                    format!(
                        "{what} has at most {} servers (lanes, booths, scanners or officers), \
                         got {n}",
                        u32::MAX
                    ),
                );
                ok = false;
                None
            }
            _ => {
                let closing = if what == "a station" {
                    ""
                } else {
                    "; to close it at some hours, use servers_by_hour"
                };
                cx.error(
                    &child(path, "servers"),
                    format!(
                        "{what} needs at least 1 server (lane, booth, scanner or officer), got \
                         {n}{closing}"
                    ),
                );
                ok = false;
                None
            }
        },
    };
    let by_hour = s
        .by_hour
        .map(|values| hours(cx, &child(path, "servers_by_hour"), values));
    let by_hour = match by_hour {
        Some(None) => {
            ok = false;
            None
        }
        Some(Some(h)) => Some(h),
        None => None,
    };
    let days_path = child(path, "servers_by_day");
    let mut days: [Option<[u32; 24]>; 7] = [None; 7];
    if let Some(by_day) = s.by_day {
        let given = by_day.days();
        if given.iter().all(Option::is_none) {
            cx.error(
                &days_path,
                "`servers_by_day` is empty; give 24 values for some of mon, tue, wed, thu, fri, \
                 sat, sun, or omit it",
            );
            ok = false;
        }
        for (d, values) in given.iter().enumerate() {
            if let Some(values) = values {
                match hours(cx, &child(&days_path, RawDays::NAMES[d]), values) {
                    Some(h) => days[d] = Some(h),
                    None => ok = false,
                }
            }
        }
        let base_missing = s.servers.is_none() && s.by_hour.is_none();
        let missing: Vec<&str> = (0..7)
            .filter(|&d| given[d].is_none())
            .map(|d| RawDays::NAMES[d])
            .collect();
        if base_missing && !missing.is_empty() && ok {
            cx.error(
                &days_path,
                format!(
                    "`servers_by_day` overrides some days of `servers` or `servers_by_hour`, \
                     but neither is given: write one of them for the other days ({}), or give \
                     all seven days",
                    missing.join(", ")
                ),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let base: Option<[u32; 24]> = by_hour.or(constant.map(|n| [n; 24]));
    if s.by_day.is_none() {
        return Some(match (constant, by_hour) {
            (Some(n), _) => LaneSchedule::Constant(n),
            (None, Some(h)) => LaneSchedule::daily(h),
            (None, None) => return None,
        });
    }
    let mut week = [0u32; HOURS_PER_WEEK];
    for (d, day) in days.iter().enumerate() {
        let hours = day.or(base)?;
        week[d * 24..(d + 1) * 24].copy_from_slice(&hours);
    }
    Some(LaneSchedule::Weekly(Box::new(week)))
}

/// 24 open-server counts, midnight first.
fn hours(cx: &mut Cx<'_>, path: &str, values: &[i64]) -> Option<[u32; 24]> {
    if values.len() != 24 {
        cx.error(
            path,
            format!(
                "needs 24 values, the open servers in each hour of the day from midnight \
                 (00:00-01:00 first), got {}",
                values.len()
            ),
        );
        return None;
    }
    let mut out = [0u32; 24];
    let mut ok = true;
    for (h, (&v, slot)) in values.iter().zip(&mut out).enumerate() {
        match u32::try_from(v) {
            Ok(n) => *slot = n,
            Err(_) if v < 0 => {
                cx.error(
                    &index(path, h),
                    format!(
                        "{v} open servers at {h:02}:00-{:02}:00; the number of open servers \
                         cannot be negative (0 closes the lanes for that hour)",
                        h + 1
                    ),
                );
                ok = false;
            }
            Err(_) => {
                cx.error(
                    &index(path, h),
                    format!("{v} servers is more than the {} supported", u32::MAX),
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}
