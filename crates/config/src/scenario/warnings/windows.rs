//! The worst hours and event windows of a run. The week's mean load hides what one hour
//! does: a demand surge of factor 1e6 for an hour, an outage, a slowdown, or an hourly
//! service factor so large that every service started in that hour outlasts the run. Each
//! station's queue is followed as a fluid through the run, segment by segment (hours of the
//! week and event boundaries): it grows by what arrives beyond what the open lanes serve,
//! lanes whose services outlast a segment stay busy until those services end. One
//! station's fluid queue is a lower bound on the vehicles in the crossing (the vehicles in
//! it are in the crossing wherever the stations before it hold them), so a queue past the
//! crossing's `max_in_system` means the run stops at its vehicle cap.
//!
//! Two warnings, located at what causes them (the event, the hourly factor, else the
//! station's lanes): the run stops at its vehicle cap; and an event or hourly factor that
//! builds a queue the run does not drain before its horizon.

use bordersim_des::SimTime;
use bordersim_model::scenario::EventKind;
use bordersim_model::{
    Arrivals, ClassId, Crossing, LaneGroup, PreLodged, ProgrammeId, Source, Station, StationId,
    StorageLimit, WhenFull, hour_of_day,
};

use super::super::Cx;
use super::super::station::StationMeta;
use super::{readable, readable_duration, readable_ratio};
use crate::spans::{child, index};
use crate::units::format_duration;

const HOUR: f64 = SimTime::MS_PER_HOUR as f64;
const WEEK_MS: u64 = 7 * SimTime::MS_PER_DAY;
/// Segments followed one by one; a longer run is extrapolated from its last week.
const MOST_SEGMENTS: usize = 200_000;

/// Vehicles entering at one station, of one class, from one source, and what they bring
/// to each station per vehicle entering.
struct Pair {
    source: usize,
    class: ClassId,
    /// Visits per vehicle entering, by station.
    visits: Vec<f64>,
    /// Mean work per vehicle entering, by station (ms of service at factor 1).
    work: Vec<f64>,
}

/// What made a queue grow in a segment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Cause {
    /// `events[i]` of the crossing's operations.
    Event(usize),
    /// An hourly service factor: its index in the operations' `service_factors`, the hour.
    Factor(usize, usize),
    /// The station's own lanes and arrivals.
    Plain,
}

/// What the fluid found at one station.
#[derive(Clone, Debug)]
pub(super) struct Finding {
    /// The station.
    pub(super) station: usize,
    /// When the queue first passed the cap, if it did.
    pub(super) capped_at: Option<SimTime>,
    /// What caused the growth that matters (to the cap, else to the end).
    pub(super) cause: Cause,
    /// The vehicles in the station at the horizon (queue and services that outlast it).
    pub(super) at_end: f64,
    /// Arrivals and service rate (vehicles/h) in the segment of the cause's largest growth.
    pub(super) arriving: f64,
    /// Served per hour then.
    pub(super) serving: f64,
    /// The station's mean service per visit at factor 1, ms.
    pub(super) mean_ms: f64,
}

/// Lanes busy with services that outlast the segment they started in.
#[derive(Clone, Copy)]
struct Stuck {
    until: f64,
    group: usize,
    lanes: f64,
    cause: Cause,
}

/// Follows every station's queue through the run (see the module documentation).
/// `routes` is the crossing whose routes carry the flow (after loss systems), `crossing`
/// the one with the operations and service times.
pub(super) fn follow(
    crossing: &Crossing,
    routes: &Crossing,
    horizon: SimTime,
    start_weekday: u8,
) -> Vec<Finding> {
    let stations = crossing.stations();
    let pairs = pairs(crossing, routes, horizon);
    let bounds = boundaries(crossing, horizon);
    let cap = crossing.max_in_system() as f64;
    let mut found = Vec::new();
    for (s, st) in stations.iter().enumerate() {
        if st.merged_into.is_some() || bounded(st) || pairs.iter().all(|p| p.visits[s] <= 0.0) {
            continue;
        }
        let mean_work = {
            let (v, w) = pairs
                .iter()
                .fold((0.0, 0.0), |(v, w), p| (v + p.visits[s], w + p.work[s]));
            if v > 0.0 { w / v } else { 0.0 }
        };
        let mut queue = 0.0f64;
        let mut stuck: Vec<Stuck> = Vec::new();
        // The growth since the queue was last empty: largest segment's (growth, cause,
        // arriving, serving).
        let mut worst: Option<(f64, Cause, f64, f64)> = None;
        let mut capped: Option<(SimTime, (f64, Cause, f64, f64))> = None;
        let mut week_ago: Option<(u64, f64)> = None;
        let mut last = 0u64;
        for w in bounds.windows(2) {
            let (t0, t1) = (w[0], w[1]);
            last = t1;
            let len_ms = (t1 - t0) as f64;
            let at = SimTime::from_millis(t0);
            stuck.retain(|k| k.until > t0 as f64);
            let (mut arriving, mut work, mut plain_work) = (0.0, 0.0, 0.0);
            for p in &pairs {
                let r = rate_at(crossing, p, at, start_weekday, true);
                arriving += r * p.visits[s];
                work += r * p.work[s];
                plain_work += rate_at(crossing, p, at, start_weekday, false) * p.work[s];
            }
            // Without events and hourly factors, would the lanes keep up in this segment?
            let plain_lanes: f64 = st
                .lanes
                .iter()
                .map(|g| match &g.rule {
                    Some(rule) => f64::from(rule.max_lanes),
                    None => f64::from(g.schedule.servers_at(at, start_weekday)),
                })
                .sum();
            let plain_keeps_up = plain_work < plain_lanes * HOUR;
            let mean = if arriving > 0.0 {
                work / arriving
            } else {
                mean_work
            };
            let before = queue + stuck.iter().map(|k| k.lanes).sum::<f64>();
            let arrived = arriving * len_ms / HOUR;
            let mut capacity = 0.0;
            let mut long: Vec<(usize, f64, f64)> = Vec::new();
            for (g, group) in st.lanes.iter().enumerate() {
                let held: f64 = stuck.iter().filter(|k| k.group == g).map(|k| k.lanes).sum();
                let open = (lanes_at(crossing, s, g, group, at, start_weekday) - held).max(0.0);
                if open <= 0.0 {
                    continue;
                }
                let service = mean * factor_at(crossing, s, g, at);
                if service <= len_ms {
                    capacity += open * len_ms / service;
                } else {
                    long.push((g, open, service));
                }
            }
            let mut left = (queue + arrived - capacity).max(0.0);
            let served_rate = if len_ms > 0.0 {
                (queue + arrived - left).max(0.0) * HOUR / len_ms
            } else {
                0.0
            };
            let cause = if plain_keeps_up {
                cause_at(crossing, s, at, &stuck, &long)
            } else {
                Cause::Plain
            };
            for (g, open, service) in long {
                let take = open.min(left);
                if take > 0.0 {
                    left -= take;
                    stuck.push(Stuck {
                        until: t0 as f64 + service,
                        group: g,
                        lanes: take,
                        cause,
                    });
                }
            }
            queue = left;
            let now = queue + stuck.iter().map(|k| k.lanes).sum::<f64>();
            if now <= 0.0 {
                worst = None;
            } else if now > before {
                let growth = now - before;
                if worst.is_none_or(|(g, ..)| growth > g) {
                    worst = Some((growth, cause, arriving, served_rate));
                }
            }
            if capped.is_none()
                && now > cap
                && let Some(worst) = worst
            {
                // The instant it passes the cap, the growth taken as even over the segment.
                let share = ((cap - before) / (now - before)).clamp(0.0, 1.0);
                let t = t0 + (share * len_ms) as u64;
                capped = Some((SimTime::from_millis(t), worst));
            }
            if t1 >= WEEK_MS && week_ago.is_none_or(|(t, _)| t1 - t >= WEEK_MS) {
                week_ago = Some((t1, now));
            }
        }
        let mut at_end = queue + stuck.iter().map(|k| k.lanes).sum::<f64>();
        // A run longer than the segments followed: its last week's growth goes on.
        if last < horizon.as_millis()
            && let Some((t, then)) = week_ago
            && at_end > then
            && t < last
        {
            let per_ms = (at_end - then) / (last - t) as f64;
            let rest = (horizon.as_millis() - last) as f64;
            if capped.is_none()
                && at_end + per_ms * rest > cap
                && let Some(worst) = worst
            {
                let t = last as f64 + (cap - at_end).max(0.0) / per_ms;
                capped = Some((SimTime::from_millis(t as u64), worst));
            }
            at_end += per_ms * rest;
        }
        let chosen = capped.map(|(_, w)| w).or(worst);
        if let Some((_, cause, arriving, serving)) = chosen {
            found.push(Finding {
                station: s,
                capped_at: capped.map(|(t, _)| t),
                cause,
                at_end,
                arriving,
                serving,
                mean_ms: mean_work,
            });
        }
    }
    found
}

/// Warns where the run stops at its vehicle cap, and where an event or an hourly factor
/// builds a queue the run does not drain (see the module documentation), from what
/// [`follow`] found; `warned` the stations already warned as unstable over the whole run,
/// whose own warning says when their steady growth reaches the cap.
pub(super) fn warn(
    cx: &mut Cx<'_>,
    crossing: &Crossing,
    findings: &[Finding],
    metas: &[StationMeta],
    horizon: SimTime,
    warned: &[bool],
) {
    let stations = crossing.stations();
    let cap = crossing.max_in_system();
    for f in findings {
        let st = &stations[f.station];
        let path = place(crossing, f.cause, metas, f.station);
        let what = describe(crossing, f.cause, horizon, f.mean_ms);
        let rates = format!(
            "{}/h arriving against about {}/h its open lanes serve",
            readable_ratio(f.arriving, 1),
            readable_ratio(f.serving, 1)
        );
        if let Some(at) = f.capped_at {
            // The station's unstable warning says when the run stops.
            if f.cause == Cause::Plain && warned[f.station] {
                continue;
            }
            cx.warn(
                &path,
                format!(
                    "the run will stop at its vehicle cap: with {what}, the queue at station \
                     `{}` grows past the {} vehicles `max_in_system` allows by {} ({rates}); \
                     `run` stops there and reports the run as unstable. Lower the demand or add \
                     lanes, or raise `max_in_system` in [scenario] if such a queue is real",
                    st.id,
                    readable(cap as f64, 0),
                    when(at)
                ),
            );
        } else if f.cause != Cause::Plain && f.at_end >= 1.0 && !warned[f.station] {
            cx.warn(
                &path,
                format!(
                    "unstable: {what} makes the queue at station `{}` grow faster than its \
                     lanes serve ({rates}), and the run does not drain it: about {} vehicles \
                     are still there at the horizon ({}); the waits reported depend on the \
                     run's length",
                    st.id,
                    vehicles(f.at_end),
                    horizon_text(horizon)
                ),
            );
        }
    }
}

/// A station whose queue cannot grow: its storage is limited and full vehicles leave.
fn bounded(st: &Station) -> bool {
    st.storage.limit != StorageLimit::Unlimited && st.storage.when_full == WhenFull::Balk
}

/// The boundaries of the segments: every hour of the run and every event's start and end,
/// in order, from 0 to the horizon (at most [`MOST_SEGMENTS`] of them).
fn boundaries(crossing: &Crossing, horizon: SimTime) -> Vec<u64> {
    let end = horizon.as_millis();
    let mut out: Vec<u64> = (0..)
        .map(|h: u64| h * SimTime::MS_PER_HOUR)
        .take_while(|t| *t < end)
        .take(MOST_SEGMENTS)
        .collect();
    let last = out.last().copied().unwrap_or(0);
    for e in &crossing.operations().events {
        for t in [e.from.as_millis(), e.to.as_millis()] {
            if t < end && t <= last {
                out.push(t);
            }
        }
    }
    let stop = if out.len() >= MOST_SEGMENTS {
        last + SimTime::MS_PER_HOUR
    } else {
        end
    };
    out.push(stop.min(end));
    out.sort_unstable();
    out.dedup();
    out
}

/// Every (source, class) that sends vehicles, with its visits and work per vehicle at each
/// station (the traffic equations of `routes` fed by that source alone).
fn pairs(crossing: &Crossing, routes: &Crossing, horizon: SimTime) -> Vec<Pair> {
    let population = crossing.population();
    let programmes = population.programmes.len().max(1);
    let stations = crossing.stations();
    let mut out = Vec::new();
    for (i, src) in crossing.sources().iter().enumerate() {
        for c in 0..population.classes.len() {
            let class = ClassId(c as u16);
            if base_rate(src, class, horizon, 0, SimTime::ZERO) <= 0.0 && !sends(src, class) {
                continue;
            }
            let probe = Crossing::new(
                crossing.name.clone(),
                population,
                routes.stations().to_vec(),
                vec![Source::poisson("probe", class, 1.0, src.entry)],
            )
            .map(|alone| alone.arrival_rates_by_kind(horizon))
            .unwrap_or_default();
            let mut visits = vec![0.0; stations.len()];
            let mut work = vec![0.0; stations.len()];
            for (s, per_kind) in probe.iter().enumerate() {
                let st = &stations[s];
                for (k, v) in per_kind.iter().enumerate() {
                    if *v <= 0.0 {
                        continue;
                    }
                    let programme = ProgrammeId((k % programmes) as u8);
                    let share = population.classes[c].pre_lodged_share_in(st.direction);
                    let treat = match st.pre_lodged {
                        PreLodged::Same => 1.0,
                        PreLodged::Skip => 1.0 - share,
                        PreLodged::Scale(f) => 1.0 - share + share * f,
                    };
                    let mean = crossing
                        .effective_service(StationId(s as u32), class, programme)
                        .map_or(0.0, |d| d.mean_ms());
                    visits[s] += v * treat;
                    work[s] += v * treat * mean;
                }
            }
            out.push(Pair {
                source: i,
                class,
                visits,
                work,
            });
        }
    }
    out
}

fn sends(src: &Source, class: ClassId) -> bool {
    match &src.arrivals {
        Arrivals::Poisson { class: c, .. }
        | Arrivals::Profile { class: c, .. }
        | Arrivals::Thinned { class: c, .. } => *c == class,
        Arrivals::Trace { arrivals } => arrivals.iter().any(|a| a.class == class),
    }
}

/// A source's arrivals of `class` per hour at `t`, before events (a trace at its mean rate
/// over the run).
fn base_rate(src: &Source, class: ClassId, horizon: SimTime, weekday: u8, t: SimTime) -> f64 {
    match &src.arrivals {
        Arrivals::Poisson {
            class: c,
            rate_per_hour,
        } if *c == class => *rate_per_hour,
        Arrivals::Profile { class: c, profile }
        | Arrivals::Thinned {
            class: c, profile, ..
        } if *c == class => profile.rate_per_hour_at(t, weekday),
        Arrivals::Trace { .. } => {
            src.mean_rates_per_hour(usize::from(class.0) + 1, horizon)[class.index()]
        }
        _ => 0.0,
    }
}

/// A pair's arrivals per hour at `at`, with demand events if `events` (a trace is only
/// thinned).
fn rate_at(crossing: &Crossing, p: &Pair, at: SimTime, weekday: u8, events: bool) -> f64 {
    let src = &crossing.sources()[p.source];
    // The trace's mean is over the run: no horizon is needed for the others.
    let horizon = SimTime::from_millis(u64::MAX / 2);
    let mut r = base_rate(src, p.class, horizon, weekday, at);
    if !events {
        return r;
    }
    for e in active(crossing, at) {
        if let EventKind::Demand { factor, classes } = &crossing.operations().events[e].kind
            && classes.as_ref().is_none_or(|c| c.contains(&p.class))
        {
            let f = if matches!(src.arrivals, Arrivals::Trace { .. }) {
                factor.min(1.0)
            } else {
                *factor
            };
            r *= f;
        }
    }
    r
}

/// The events active at `at` (their windows are half-open).
fn active(crossing: &Crossing, at: SimTime) -> impl Iterator<Item = usize> + '_ {
    crossing
        .operations()
        .events
        .iter()
        .enumerate()
        .filter(move |(_, e)| e.from <= at && at < e.to)
        .map(|(i, _)| i)
}

/// Lanes open in group `g` of station `s` at `at`, events included (a group under a lane
/// rule: its most).
fn lanes_at(
    crossing: &Crossing,
    s: usize,
    g: usize,
    group: &LaneGroup,
    at: SimTime,
    weekday: u8,
) -> f64 {
    let mut lanes = match &group.rule {
        Some(rule) => f64::from(rule.max_lanes),
        None => f64::from(group.schedule.servers_at(at, weekday)),
    };
    let station = StationId(s as u32);
    for e in active(crossing, at) {
        match &crossing.operations().events[e].kind {
            EventKind::Schedule {
                station: st,
                group: eg,
                servers_by_hour,
            } if *st == station && *eg == g => {
                lanes = f64::from(servers_by_hour[hour_of_day(at)]);
            }
            _ => {}
        }
    }
    for e in active(crossing, at) {
        match &crossing.operations().events[e].kind {
            EventKind::Outage {
                station: st,
                group: eg,
                lanes: out,
            } if *st == station && eg.is_none_or(|eg| eg == g) => {
                lanes = match out {
                    Some(n) => (lanes - f64::from(*n)).max(0.0),
                    None => 0.0,
                };
            }
            EventKind::Closure { station: st } if *st == station => lanes = 0.0,
            _ => {}
        }
    }
    lanes
}

/// The factor on service times in group `g` of station `s` at `at`: the station's and the
/// group's hourly factors and every slowdown then.
fn factor_at(crossing: &Crossing, s: usize, g: usize, at: SimTime) -> f64 {
    let station = StationId(s as u32);
    let ops = crossing.operations();
    let mut f: f64 = ops
        .service_factors
        .iter()
        .filter(|x| x.station == station && x.group.is_none_or(|xg| xg == g))
        .map(|x| x.by_hour[hour_of_day(at)])
        .product();
    for e in active(crossing, at) {
        if let EventKind::Slowdown {
            station: st,
            group: eg,
            factor,
        } = &ops.events[e].kind
            && *st == station
            && eg.is_none_or(|eg| eg == g)
        {
            f *= factor;
        }
    }
    f
}

/// What makes station `s`'s queue grow at `at`: an event acting then (a demand surge, or
/// one at this station), lanes held by services started under a factor, an hourly factor
/// above 1, else the station itself. `long` are the groups whose services now outlast the
/// segment.
fn cause_at(
    crossing: &Crossing,
    s: usize,
    at: SimTime,
    stuck: &[Stuck],
    long: &[(usize, f64, f64)],
) -> Cause {
    let ops = crossing.operations();
    let station = StationId(s as u32);
    let mut surge: Option<(usize, f64)> = None;
    for e in active(crossing, at) {
        match &ops.events[e].kind {
            EventKind::Demand { factor, .. }
                if *factor > 1.0 && surge.is_none_or(|(_, f)| *factor > f) =>
            {
                surge = Some((e, *factor));
            }
            EventKind::Demand { .. } => {}
            kind if kind.station() == Some(station) => return Cause::Event(e),
            _ => {}
        }
    }
    if let Some((e, _)) = surge {
        return Cause::Event(e);
    }
    let hour = hour_of_day(at);
    let factor = ops
        .service_factors
        .iter()
        .enumerate()
        .filter(|(_, x)| x.station == station && x.by_hour[hour] > 1.0)
        .max_by(|a, b| a.1.by_hour[hour].total_cmp(&b.1.by_hour[hour]))
        .map(|(i, _)| Cause::Factor(i, hour));
    if !long.is_empty()
        && let Some(f) = factor
    {
        return f;
    }
    if let Some(k) = stuck.iter().find(|k| k.cause != Cause::Plain) {
        return k.cause;
    }
    factor.unwrap_or(Cause::Plain)
}

/// "day 2 10:00".
pub(super) fn when(t: SimTime) -> String {
    let ms = t.as_millis();
    let day = ms / SimTime::MS_PER_DAY + 1;
    let minutes = (ms % SimTime::MS_PER_DAY) / SimTime::MS_PER_MINUTE;
    format!("day {day} {:02}:{:02}", minutes / 60, minutes % 60)
}

/// The field a cause is located at.
pub(super) fn place(crossing: &Crossing, cause: Cause, metas: &[StationMeta], s: usize) -> String {
    match cause {
        Cause::Event(i) => {
            let path = index(&child("scenario", "events"), i);
            match &crossing.operations().events[i].kind {
                EventKind::Demand { .. } | EventKind::Slowdown { .. } => child(&path, "factor"),
                EventKind::Schedule { .. } => child(&path, "servers_by_hour"),
                EventKind::Outage { lanes: Some(_), .. } => child(&path, "lanes"),
                _ => path,
            }
        }
        Cause::Factor(i, hour) => {
            let f = &crossing.operations().service_factors[i];
            let station = index("stations", f.station.index());
            let owner = match f.group {
                Some(g) => index(&child(&station, "lanes"), g),
                None => station,
            };
            index(&child(&owner, "service_factor_by_hour"), hour)
        }
        Cause::Plain => metas[s].servers_path.clone(),
    }
}

/// What a cause does, as a message says it: "the demand event of factor 4.29e9 (day 1
/// 10:00 to day 1 11:00)".
pub(super) fn describe(
    crossing: &Crossing,
    cause: Cause,
    horizon: SimTime,
    mean_ms: f64,
) -> String {
    let ops = crossing.operations();
    match cause {
        Cause::Event(i) => {
            let e = &ops.events[i];
            let window = format!("{} to {}", when(e.from), when(e.to));
            match &e.kind {
                EventKind::Demand { factor, .. } => format!(
                    "the demand event multiplying arrivals by {} ({window})",
                    readable(*factor, 2)
                ),
                EventKind::Outage { lanes, .. } => match lanes {
                    Some(n) => format!("the outage taking {n} lanes out ({window})"),
                    None => format!("the outage taking every lane out ({window})"),
                },
                EventKind::Closure { .. } => format!("the closure ({window})"),
                EventKind::Slowdown { factor, .. } => format!(
                    "the slowdown multiplying service times by {} ({window})",
                    readable(*factor, 2)
                ),
                EventKind::Schedule { .. } => {
                    format!("the date-specific schedule's fewer lanes ({window})")
                }
            }
        }
        Cause::Factor(i, hour) => {
            let f = ops.service_factors[i].by_hour[hour];
            let took = mean_ms * f;
            let lasts = if took >= horizon.as_millis() as f64 {
                "longer than the whole run, so each lane that starts one stays busy to the \
                 end"
                .to_owned()
            } else {
                format!("about {}", readable_duration(took))
            };
            format!(
                "service_factor_by_hour = {} at {hour:02}:00 (each service started in that hour \
                 takes {lasts})",
                readable(f, 2)
            )
        }
        Cause::Plain => "arrivals faster than its open lanes serve".to_owned(),
    }
}

/// A count of vehicles for a message.
pub(super) fn vehicles(n: f64) -> String {
    readable_ratio(n.round(), 0)
}

/// The horizon for a message.
pub(super) fn horizon_text(horizon: SimTime) -> String {
    format_duration(horizon.as_millis() as f64)
}
