//! `[[stations]]`: servers and their schedules (a count, an hourly schedule, or lane
//! groups), queue storage, service times and routes.

use bordersim_des::SimTime;
use bordersim_model::{
    Channel, ClassId, DirectionId, HOURS_PER_WEEK, LaneGroup, LaneRule, LaneSchedule, PreLodged,
    ProgrammeId, Route, Station, StationId, Storage, StorageLimit, Target, VehicleFilter, WhenFull,
};

use super::{Cx, EXIT, Names, PLACEHOLDER, Refs, service, sim_time};
use crate::raw::{
    ChannelName, RawDays, RawLaneGroup, RawLaneRule, RawPreLodged, RawRoute, RawStation,
    WhenFullKind,
};
use crate::spans::{child, index};
use crate::suggest::list;
use crate::units::parse_length_m;

/// What the structural checks need to know about how a station was written, to point
/// their findings at the right field.
pub(super) struct StationMeta {
    /// The station's direction, if its name resolved.
    pub(super) direction: Option<DirectionId>,
    /// The field that holds the station's servers: `servers`, `servers_by_hour`,
    /// `servers_by_day` or `lanes`.
    pub(super) servers_path: String,
    /// `queue_capacity` or `queue_length` (whichever was written).
    pub(super) storage_path: String,
}

pub(super) fn station(
    cx: &mut Cx<'_>,
    i: usize,
    raw: &RawStation,
    refs: &Refs<'_>,
    class_count: usize,
) -> (Station, StationMeta) {
    let path = index("stations", i);
    let resolved = direction(cx, &path, raw, &refs.directions);
    let (lanes, servers_path) = lanes(cx, &path, raw, refs);
    let default = raw
        .service
        .as_ref()
        .map(|s| service(cx, &child(&path, "service"), s).unwrap_or(PLACEHOLDER));
    let mut by_class = vec![default; class_count];
    let by_class_path = child(&path, "service_by_class");
    for (class, spec) in &raw.service_by_class {
        let p = child(&by_class_path, class);
        let dist = service(cx, &p, spec).unwrap_or(PLACEHOLDER);
        match refs.classes.resolve(class, &[]) {
            Ok(c) => by_class[c] = Some(dist),
            Err(message) => {
                cx.structure_ok = false;
                if let Some(message) = message {
                    cx.error_at_key(&p, message);
                }
            }
        }
    }
    let by_programme_path = child(&path, "service_by_programme");
    let mut by_programme = Vec::new();
    for (programme, spec) in &raw.service_by_programme {
        let p = child(&by_programme_path, programme);
        let dist = service(cx, &p, spec).unwrap_or(PLACEHOLDER);
        match refs.programmes.resolve(programme, &[]) {
            Ok(i) => {
                if by_programme.len() <= i {
                    by_programme.resize(i + 1, None);
                }
                by_programme[i] = Some(dist);
            }
            Err(message) => {
                cx.structure_ok = false;
                if let Some(message) = message {
                    cx.error_at_key(&p, message);
                }
            }
        }
    }
    let routes_path = child(&path, "routes");
    let routes = raw
        .routes
        .iter()
        .enumerate()
        .filter_map(|(r, route)| self::route(cx, &index(&routes_path, r), route, refs))
        .collect();
    let (storage, storage_path) = storage(cx, &path, raw);
    let merged_into =
        raw.merged_into
            .as_ref()
            .and_then(|target| match refs.stations.resolve(target, &[EXIT]) {
                Ok(s) => Some(StationId(s as u32)),
                Err(message) => {
                    cx.unresolved(&child(&path, "merged_into"), message);
                    None
                }
            });
    let joint_service_factor = match raw.joint_service_factor {
        None => 1.0,
        Some(f) if f.is_finite() && f > 0.0 => f,
        Some(f) => {
            cx.error(
                &child(&path, "joint_service_factor"),
                format!(
                    "joint_service_factor multiplies service times: use a positive number, got {f}"
                ),
            );
            1.0
        }
    };
    let factors_path = child(&path, "service_factor_by_programme");
    let mut service_factor_by_programme = Vec::new();
    for (programme, &factor) in &raw.service_factor_by_programme {
        let p = child(&factors_path, programme);
        let Some(id) = resolve_programme(cx, &p, programme, &refs.programmes) else {
            continue;
        };
        if !(factor.is_finite() && factor > 0.0) {
            cx.error(
                &p,
                format!("a service-time factor must be positive, got {factor}"),
            );
            continue;
        }
        if service_factor_by_programme.len() <= id.index() {
            service_factor_by_programme.resize(id.index() + 1, 1.0);
        }
        service_factor_by_programme[id.index()] = factor;
    }
    let station = Station {
        id: raw.id.clone(),
        direction: resolved.unwrap_or(DirectionId(0)),
        lanes,
        service: by_class,
        service_by_programme: by_programme,
        routes,
        storage,
        releases: raw.releases.unwrap_or(false),
        pre_lodged: pre_lodged(cx, &path, raw.pre_lodged.as_ref()),
        merged_into,
        joint_service_factor,
        service_factor_by_programme,
    };
    let meta = StationMeta {
        direction: resolved,
        servers_path,
        storage_path,
    };
    (station, meta)
}

fn direction(
    cx: &mut Cx<'_>,
    path: &str,
    raw: &RawStation,
    directions: &Names<'_>,
) -> Option<DirectionId> {
    let dir_path = child(path, "direction");
    match &raw.direction {
        Some(name) => match directions.resolve(name, &[]) {
            Ok(d) => Some(DirectionId(d as u8)),
            Err(message) => {
                cx.unresolved(&dir_path, message);
                None
            }
        },
        None if directions.known.len() > 1 => {
            cx.structural(
                &dir_path,
                format!(
                    "missing `direction`: this file declares {} directions ({}), so each \
                     station says which one it serves, e.g. direction = \"{}\"",
                    directions.known.len(),
                    list(directions.known.iter().copied()),
                    directions.known[0]
                ),
            );
            None
        }
        None if directions.incomplete => None,
        None => Some(DirectionId(0)),
    }
}

// ---------------------------------------------------------------------------------------
// Servers and schedules
// ---------------------------------------------------------------------------------------

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

fn lanes(
    cx: &mut Cx<'_>,
    path: &str,
    raw: &RawStation,
    refs: &Refs<'_>,
) -> (Vec<LaneGroup>, String) {
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
            return (vec![LaneGroup::general(1)], child(path, "servers"));
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
        return (vec![group], child(path, own.field()));
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
        return (vec![LaneGroup::general(1)], lanes_path);
    }
    let mut built: Vec<LaneGroup> = Vec::with_capacity(groups.len());
    for (k, raw_group) in groups.iter().enumerate() {
        let group_path = index(&lanes_path, k);
        built.push(lane_group(cx, &group_path, raw_group, refs));
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
    (built, lanes_path)
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
    if rule.min_wait > rule.max_wait {
        cx.error(
            &child(path, "min_wait"),
            "min_wait must not exceed max_wait: lanes close below min_wait and open above \
             max_wait",
        );
        return None;
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
        return None;
    }
    if rule.review == SimTime::ZERO {
        cx.error(
            &child(path, "review"),
            "the review interval must be longer than 0",
        );
        return None;
    }
    Some(rule)
}

/// Validates a station's `pre_lodged` treatment.
fn pre_lodged(cx: &mut Cx<'_>, path: &str, raw: Option<&RawPreLodged>) -> PreLodged {
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

// ---------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------

fn storage(cx: &mut Cx<'_>, path: &str, raw: &RawStation) -> (Storage, String) {
    let capacity_path = child(path, "queue_capacity");
    let length_path = child(path, "queue_length");
    let capacity = raw.queue_capacity.map(|n| match u32::try_from(n) {
        Ok(n) if n >= 1 => StorageLimit::Vehicles(n),
        _ => {
            cx.error(
                &capacity_path,
                format!(
                    "queue_capacity must be at least 1 vehicle, got {n}; omit it for an \
                     unlimited queue"
                ),
            );
            StorageLimit::Unlimited
        }
    });
    let length = raw.queue_length.as_ref().map(|s| match parse_length_m(s) {
        Ok(m) if m > 0.0 => StorageLimit::Metres(m),
        Ok(_) => {
            cx.error(
                &length_path,
                format!(
                    "queue_length must be longer than 0, got \"{s}\"; omit it for an unlimited \
                     queue"
                ),
            );
            StorageLimit::Unlimited
        }
        Err(e) => {
            cx.error(&length_path, e);
            StorageLimit::Unlimited
        }
    });
    let (limit, storage_path) = match (capacity, length) {
        (Some(_), Some(_)) => {
            cx.error(
                &length_path,
                "give either `queue_capacity` (vehicles) or `queue_length` (road, e.g. \
                 \"2.5km\"), not both",
            );
            (StorageLimit::Unlimited, length_path)
        }
        (Some(c), None) => (c, capacity_path),
        (None, Some(l)) => (l, length_path),
        (None, None) => (StorageLimit::Unlimited, capacity_path),
    };
    let when_full = match raw.when_full {
        None | Some(WhenFullKind::Spillback) => WhenFull::Spillback,
        Some(WhenFullKind::Balk) => WhenFull::Balk,
    };
    if raw.when_full.is_some() && raw.queue_capacity.is_none() && raw.queue_length.is_none() {
        cx.error(
            &child(path, "when_full"),
            "`when_full` says what happens when the queue is full, but the queue is unlimited; \
             add `queue_capacity` (vehicles) or `queue_length` (road, e.g. \"2.5km\"), or \
             remove `when_full`",
        );
    }
    (Storage { limit, when_full }, storage_path)
}

// ---------------------------------------------------------------------------------------
// Routes and filters
// ---------------------------------------------------------------------------------------

pub(super) fn resolve_class(
    cx: &mut Cx<'_>,
    path: &str,
    name: &str,
    classes: &Names<'_>,
) -> Option<ClassId> {
    match classes.resolve(name, &[]) {
        Ok(c) => Some(ClassId(c as u16)),
        Err(message) => {
            cx.unresolved(path, message);
            None
        }
    }
}

pub(super) fn resolve_programme(
    cx: &mut Cx<'_>,
    path: &str,
    name: &str,
    programmes: &Names<'_>,
) -> Option<ProgrammeId> {
    match programmes.resolve(name, &[]) {
        Ok(p) => Some(ProgrammeId(p as u8)),
        Err(message) => {
            cx.unresolved(path, message);
            None
        }
    }
}

/// One dimension of a filter, written as a single value (`class = "a"`) or a list
/// (`classes = ["a", "b"]`). `None` when something is wrong (already reported);
/// `Some(None)` when neither is written (any value).
fn filter_dim<S, T: Ord>(
    cx: &mut Cx<'_>,
    path: &str,
    (single_name, single): (&str, Option<&S>),
    (list_name, many): (&str, Option<&Vec<S>>),
    omit_means: &str,
    mut resolve: impl FnMut(&mut Cx<'_>, &str, &S) -> Option<T>,
) -> Option<Option<Vec<T>>> {
    match (single, many) {
        (Some(_), Some(_)) => {
            cx.structural(
                &child(path, list_name),
                format!("give either `{single_name}` or `{list_name}`, not both"),
            );
            None
        }
        (Some(one), None) => resolve(cx, &child(path, single_name), one).map(|t| Some(vec![t])),
        (None, Some(names)) if names.is_empty() => {
            cx.structural(
                &child(path, list_name),
                format!("`{list_name}` is empty; omit it to {omit_means}"),
            );
            None
        }
        (None, Some(names)) => {
            let list_path = child(path, list_name);
            let resolved: Vec<Option<T>> = names
                .iter()
                .enumerate()
                .map(|(k, name)| resolve(cx, &index(&list_path, k), name))
                .collect();
            resolved
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .map(|mut ids| {
                    ids.sort();
                    ids.dedup();
                    Some(ids)
                })
        }
        (None, None) => Some(None),
    }
}

fn channel(c: ChannelName) -> Channel {
    match c {
        ChannelName::Green => Channel::Green,
        ChannelName::Yellow => Channel::Yellow,
        ChannelName::Red => Channel::Red,
    }
}

fn route(cx: &mut Cx<'_>, path: &str, raw: &RawRoute, refs: &Refs<'_>) -> Option<Route> {
    let to = if raw.to == EXIT {
        Some(Target::Exit)
    } else {
        match refs.stations.resolve(&raw.to, &[EXIT]) {
            Ok(s) => Some(Target::Station(StationId(s as u32))),
            Err(message) => {
                cx.unresolved(&child(path, "to"), message);
                None
            }
        }
    };
    let classes = filter_dim(
        cx,
        path,
        ("class", raw.class.as_ref()),
        ("classes", raw.classes.as_ref()),
        "apply the route to every class",
        |cx, p, name| resolve_class(cx, p, name, &refs.classes),
    );
    let programmes = filter_dim(
        cx,
        path,
        ("programme", raw.programme.as_ref()),
        ("programmes", raw.programmes.as_ref()),
        "apply the route to every programme",
        |cx, p, name| resolve_programme(cx, p, name, &refs.programmes),
    );
    let channels = filter_dim(
        cx,
        path,
        ("channel", raw.channel.as_ref()),
        ("channels", raw.channels.as_ref()),
        "apply the route to every channel",
        |_, _, c| Some(channel(*c)),
    );
    let p = raw.p;
    if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
        cx.structural(
            &child(path, "p"),
            format!("p is a probability: use a value between 0 and 1, got {p}"),
        );
        return None;
    }
    Some(Route {
        when: VehicleFilter {
            classes: classes?,
            programmes: programmes?,
            channels: channels?,
        },
        to: to?,
        probability: p,
    })
}
