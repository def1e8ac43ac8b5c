//! `[[stations]]`: direction, queue storage, service times and routes; the servers are
//! read in [`super::lanes`].

use bordersim_model::{
    Channel, ClassId, DirectionId, PreLodged, ProgrammeId, Route, ServiceDist, Station, StationId,
    Storage, StorageLimit, Target, VehicleFilter, WhenFull,
};

use super::lanes::{lanes, pre_lodged};
use super::{Cx, EXIT, Names, PLACEHOLDER, Refs, service};
use crate::raw::{ChannelName, RawRoute, RawStation, WhenFullKind};
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
    /// The shortest mean of its service times in ms (see [`warn_sub_clock_factors`]).
    pub(super) shortest_mean_ms: Option<f64>,
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
    let (lanes, servers_path, group_storage) = lanes(cx, &path, raw, refs);
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
    let pre_lodged = pre_lodged(cx, &path, raw.pre_lodged.as_ref());
    let shortest_mean_ms = shortest_mean_ms(by_class.iter().chain(&by_programme));
    warn_sub_clock_factors(
        cx,
        &path,
        shortest_mean_ms,
        &sub_clock_candidates(
            &path,
            joint_service_factor,
            &raw.service_factor_by_programme,
            pre_lodged,
        ),
    );
    let station = Station {
        id: raw.id.clone(),
        direction: resolved.unwrap_or(DirectionId(0)),
        lanes,
        service: by_class,
        service_by_programme: by_programme,
        routes,
        storage,
        group_storage,
        releases: raw.releases.unwrap_or(false),
        pre_lodged,
        merged_into,
        joint_service_factor,
        service_factor_by_programme,
    };
    let meta = StationMeta {
        direction: resolved,
        servers_path,
        storage_path,
        shortest_mean_ms,
    };
    (station, meta)
}

/// The factors a station applies to its drawn service times, with the field that sets
/// each (path).
fn sub_clock_candidates(
    path: &str,
    joint: f64,
    by_programme: &std::collections::BTreeMap<String, f64>,
    pre_lodged: PreLodged,
) -> Vec<(String, f64)> {
    let mut factors = Vec::new();
    if joint != 1.0 {
        factors.push((child(path, "joint_service_factor"), joint));
    }
    let by_programme_path = child(path, "service_factor_by_programme");
    for (programme, &f) in by_programme {
        if f.is_finite() && f > 0.0 && f != 1.0 {
            factors.push((child(&by_programme_path, programme), f));
        }
    }
    if let PreLodged::Scale(f) = pre_lodged {
        factors.push((child(path, "pre_lodged"), f));
    }
    factors
}

/// The shortest mean of a station's service times in ms (every class and programme), if it
/// has any: a factor on the station's services is checked against it.
fn shortest_mean_ms<'d>(services: impl Iterator<Item = &'d Option<ServiceDist>>) -> Option<f64> {
    services
        .flatten()
        .map(ServiceDist::mean_ms)
        .filter(|m| m.is_finite() && *m > 0.0)
        .reduce(f64::min)
}

/// Warns, at the factor, when a factor makes a service time's mean shorter than the clock's
/// millisecond: each draw is then 0 or 1 ms (rounded without bias, so the mean holds, but
/// no single service lasts what the file says). `factors` are the factors (with the field
/// that sets each) applied to the services of station `station_path`, whose shortest mean
/// is `shortest` ms. Every factor on service times is checked here: the station's own
/// (joint, by programme, pre-lodged), its hourly ones and a slowdown event's.
pub(super) fn warn_sub_clock_factors(
    cx: &mut Cx<'_>,
    station_path: &str,
    shortest: Option<f64>,
    factors: &[(String, f64)],
) {
    let Some(shortest) = shortest else {
        return;
    };
    for (at, factor) in factors {
        let scaled = shortest * factor;
        if scaled < 1.0 {
            cx.warn(
                at,
                format!(
                    "this factor ({}) makes the shortest mean service time of {} {} ms \
                     ({} ms × {}), shorter than the simulation clock's 1 ms: each service \
                     then lasts 0 or 1 ms (the mean holds, rounded without bias, but no \
                     single service lasts as long as written)",
                    crate::units::format_number(*factor),
                    station_path,
                    crate::units::format_number(scaled),
                    crate::units::format_number(shortest),
                    crate::units::format_number(*factor),
                ),
            );
        }
    }
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
// Storage
// ---------------------------------------------------------------------------------------

fn storage(cx: &mut Cx<'_>, path: &str, raw: &RawStation) -> (Storage, String) {
    storage_fields(
        cx,
        path,
        RawStorage {
            queue_capacity: raw.queue_capacity,
            queue_length: raw.queue_length.as_deref(),
            when_full: raw.when_full,
        },
    )
}

/// The storage fields of a station or of a lane group, as written.
#[derive(Clone, Copy)]
pub(super) struct RawStorage<'r> {
    pub(super) queue_capacity: Option<i64>,
    pub(super) queue_length: Option<&'r str>,
    pub(super) when_full: Option<WhenFullKind>,
}

/// Validates storage fields (at `path`): the storage and the field that holds its size.
pub(super) fn storage_fields(
    cx: &mut Cx<'_>,
    path: &str,
    raw: RawStorage<'_>,
) -> (Storage, String) {
    let capacity_path = child(path, "queue_capacity");
    let length_path = child(path, "queue_length");
    let balk = matches!(raw.when_full, Some(WhenFullKind::Balk));
    let block = matches!(raw.when_full, Some(WhenFullKind::Block));
    let capacity = raw.queue_capacity.map(|n| match u32::try_from(n) {
        Ok(n) if n >= 1 => StorageLimit::Vehicles(n),
        // No waiting room: a loss system (Erlang B) when arrivals that find every server
        // busy leave; with blocking, no buffer between this station and the one before.
        Ok(0) if balk || block => StorageLimit::Vehicles(0),
        Ok(0) => {
            cx.error(
                &capacity_path,
                "queue_capacity = 0 (no waiting room) needs when_full = \"balk\" (vehicles \
                 that find every server busy leave: a loss system) or \"block\" (a vehicle \
                 stays in the lane it comes from until a server is free); omit it for an \
                 unlimited queue",
            );
            StorageLimit::Unlimited
        }
        Err(_) if n > 0 => {
            cx.error(
                &capacity_path,
                format!(
                    "queue_capacity must be at most {} vehicles, got {n}; omit it for an \
                     unlimited queue",
                    u32::MAX
                ),
            );
            StorageLimit::Unlimited
        }
        _ => {
            cx.error(
                &capacity_path,
                format!(
                    "queue_capacity is a number of vehicles, 0 or more, got {n} (0, no \
                     waiting room, with when_full = \"balk\" or \"block\"); omit it for an \
                     unlimited queue"
                ),
            );
            StorageLimit::Unlimited
        }
    });
    let length = raw.queue_length.map(|s| match parse_length_m(s) {
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
        Some(WhenFullKind::Block) => WhenFull::Block,
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
pub(super) fn filter_dim<S, T: Ord>(
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
