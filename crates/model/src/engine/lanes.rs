//! Lane dispatch: which free lane a vehicle takes (its own before a borrowed one, the most
//! dedicated group first, then the least busy for its size — never by the groups' order in
//! the file; see [`LaneGroup`](crate::LaneGroup)), which waiting vehicle a lane takes (its
//! own first, by class priority, then first come; others only if the group shares when
//! idle), vehicles let in from upstream as room frees, and lanes opened and closed by
//! schedule or by lane rule.

use bordersim_des::SimTime;

use std::cmp::Ordering;

use super::compile::{CompiledDisruption, CompiledGroup, DisruptionKind};
use super::{Engine, Event, NO_LANE, Upstream};
use crate::log::{LogKind, VehicleLog};
use crate::schedule::{LaneSchedule, hour_of_day};

/// The first two keys of a vehicle's preference among free lanes, lower first: its own lanes
/// before lanes that only share when idle, then the group serving the fewest kinds of
/// vehicle (the one most dedicated to it). Ties go on in [`Engine::prefer`], never to the
/// group's place in the file.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Preference {
    /// 0: the group serves the vehicle as its own; 1: it only takes it when idle.
    borrowed: bool,
    /// Kinds of vehicle (class × programme) the group serves as its own.
    kinds: usize,
}

impl<L: VehicleLog> Engine<'_, L> {
    /// The lane group with a free lane that a vehicle of queue key `key` takes, if any (see
    /// [`Self::prefer`]).
    #[inline]
    pub(super) fn free_lane_for(&self, s: usize, key: usize) -> Option<usize> {
        self.free_lane_among(s, key, false)
    }

    /// As [`Self::free_lane_for`]; with `own_only`, only among groups serving the vehicle as
    /// their own.
    fn free_lane_among(&self, s: usize, key: usize, own_only: bool) -> Option<usize> {
        let groups = &self.model.stations[s].groups;
        let state = &self.stations[s].groups;
        let may = |g: usize| {
            state[g].busy < state[g].open
                && (groups[g].eligible[key] || (!own_only && groups[g].share_when_idle))
        };
        let mut best: Option<usize> = None;
        for g in 0..groups.len() {
            if !may(g) {
                continue;
            }
            best = match best {
                Some(b) if !self.prefer(s, key, g, b) => Some(b),
                _ => Some(g),
            };
        }
        best
    }

    /// Whether a vehicle of queue key `key` prefers a free lane of group `a` to one of group
    /// `b` (both of station `s`, both able to take it). The rule never reads the groups'
    /// order in the file: a group serving it as its own before one that only shares when
    /// idle; then the group serving the fewest kinds of vehicle (dedicated lanes before
    /// general ones); then the lower utilisation, busy / open (load spread over equivalent
    /// groups); then more open lanes; then the groups' contents (filter, sharing, schedule,
    /// lane rule) compared. Groups equal in all of these are interchangeable for every
    /// vehicle; only which of them is credited with the service follows the file.
    fn prefer(&self, s: usize, key: usize, a: usize, b: usize) -> bool {
        let groups = &self.model.stations[s].groups;
        let state = &self.stations[s].groups;
        let pref = |g: usize| Preference {
            borrowed: !groups[g].eligible[key],
            kinds: groups[g].kinds,
        };
        let (pa, pb) = (pref(a), pref(b));
        if pa != pb {
            return pa < pb;
        }
        // busy_a / open_a < busy_b / open_b, exactly (open > 0: both have a free lane).
        let (ua, ub) = (
            u64::from(state[a].busy) * u64::from(state[b].open),
            u64::from(state[b].busy) * u64::from(state[a].open),
        );
        if ua != ub {
            return ua < ub;
        }
        if state[a].open != state[b].open {
            return state[a].open > state[b].open;
        }
        content_order(&groups[a], &groups[b]) == Ordering::Less
    }

    pub(super) fn push_queue(&mut self, now: u64, id: u32, s: usize) {
        let v = &mut self.vehicles[id as usize];
        v.queue_seq = self.queue_seq;
        self.queue_seq += 1;
        let st = &mut self.stations[s];
        st.queues[v.key as usize].push_back(id);
        st.queued += 1;
        if self.model.stations[s].limited {
            let area = &mut st.areas[self.model.area_of(s, v.key as usize)];
            area.queued += 1;
            area.queued_mm += self.model.class_length_mm[v.class as usize];
        }
        self.stats.stations[s].queue_length.set(now, st.queued);
        if !self.model.patience.is_empty() {
            self.arm_patience(now, id, s);
        }
    }

    /// The queue key lane group `g` serves next: highest priority, then first come; its own
    /// vehicles first, others only if it shares when idle (and `own_only` is false).
    #[inline(always)]
    pub(super) fn next_key_for(&self, s: usize, g: usize, own_only: bool) -> Option<usize> {
        let group = &self.model.stations[s].groups[g];
        let st = &self.stations[s];
        let mut best: Option<(u8, u64, usize)> = None;
        let consider = |own_only: bool, best: &mut Option<(u8, u64, usize)>| {
            for (k, q) in st.queues.iter().enumerate() {
                if own_only && !group.eligible[k] {
                    continue;
                }
                if let Some(&v) = q.front() {
                    let prio = self.model.key_priority[k];
                    let seq = self.vehicles[v as usize].queue_seq;
                    let better = match *best {
                        None => true,
                        Some((bp, bs, _)) => prio > bp || (prio == bp && seq < bs),
                    };
                    if better {
                        *best = Some((prio, seq, k));
                    }
                }
            }
        };
        consider(true, &mut best);
        if best.is_none() && group.share_when_idle && !own_only {
            consider(false, &mut best);
        }
        best.map(|(_, _, k)| k)
    }

    /// Lets group `g` take waiting vehicles while it has free lanes, then lets vehicles
    /// waiting upstream in.
    #[inline(always)]
    pub(super) fn fill_lanes(&mut self, now: u64, s: usize, g: usize) {
        self.take_waiting(now, s, g);
        self.admit_from_outside(now, s);
    }

    /// Lets group `g` take waiting vehicles while it has free lanes.
    #[inline(always)]
    pub(super) fn take_waiting(&mut self, now: u64, s: usize, g: usize) {
        while self.stations[s].queued > 0
            && self.stations[s].groups[g].busy < self.stations[s].groups[g].open
        {
            let Some(key) = self.next_key_for(s, g, false) else {
                break;
            };
            self.start_waiting(now, s, key, g);
        }
    }

    /// Lanes of several groups free at once (a schedule boundary, a lane rule's review): the
    /// waiting vehicles take them in their order of service — highest priority, then first
    /// come — each the free lane it prefers ([`Self::prefer`]), so that no group's place in
    /// the file decides who goes where. Lanes serve their own vehicles first: a vehicle
    /// borrows a lane that shares when idle only once no waiting vehicle has a free lane of
    /// its own.
    fn assign_waiting(&mut self, now: u64, s: usize) {
        for own_only in [true, false] {
            while self.stations[s].queued > 0 {
                let Some((key, g)) = self.next_assignment(s, own_only) else {
                    break;
                };
                self.start_waiting(now, s, key, g);
            }
        }
    }

    /// The queue key served next among those with a free lane (of their own with
    /// `own_only`), with the lane group it takes.
    fn next_assignment(&self, s: usize, own_only: bool) -> Option<(usize, usize)> {
        let st = &self.stations[s];
        let mut best: Option<(u8, u64, usize, usize)> = None;
        for (k, q) in st.queues.iter().enumerate() {
            let Some(&v) = q.front() else {
                continue;
            };
            let prio = self.model.key_priority[k];
            let seq = self.vehicles[v as usize].queue_seq;
            if best.is_some_and(|(bp, bs, _, _)| prio < bp || (prio == bp && seq > bs)) {
                continue;
            }
            if let Some(g) = self.free_lane_among(s, k, own_only) {
                best = Some((prio, seq, k, g));
            }
        }
        best.map(|(_, _, k, g)| (k, g))
    }

    /// The first vehicle waiting with queue key `key` starts service in group `g`.
    #[inline(always)]
    fn start_waiting(&mut self, now: u64, s: usize, key: usize, g: usize) {
        let st = &mut self.stations[s];
        let Some(id) = st.queues[key].pop_front() else {
            return;
        };
        st.queued -= 1;
        if self.model.stations[s].limited {
            let class = self.vehicles[id as usize].class as usize;
            let area = &mut st.areas[self.model.area_of(s, key)];
            area.queued -= 1;
            area.queued_mm -= self.model.class_length_mm[class];
        }
        self.stats.stations[s].queue_length.set(now, st.queued);
        self.start_service(now, id, s as u32, g);
    }

    /// Moves vehicles waiting upstream into the facility while there is room.
    #[inline]
    pub(super) fn admit_from_outside(&mut self, now: u64, s: usize) {
        if self.stations[s].upstream == 0 {
            return;
        }
        self.admit_from_outside_slow(now, s);
    }

    /// The lines upstream of the station's storages, first come first in: while the head of
    /// some line finds a free lane or room in its storage, the one that came first of those
    /// heads enters (whatever the order of the storages). A vehicle on the road enters; a
    /// vehicle holding a lane at another station (blocking) enters and frees that lane,
    /// which takes its next vehicle.
    fn admit_from_outside_slow(&mut self, now: u64, s: usize) {
        let areas = self.stations[s].areas.len();
        loop {
            let mut best: Option<(u64, usize, Option<usize>)> = None;
            for area in 0..areas {
                let Some(&Upstream { vehicle: id, .. }) =
                    self.stations[s].areas[area].outside.front()
                else {
                    continue;
                };
                let v = &self.vehicles[id as usize];
                // One storage: its line alone, no order to compare.
                let seq = if areas == 1 { 0 } else { v.queue_seq };
                if best.is_some_and(|(b, _, _)| b < seq) {
                    continue;
                }
                let (key, length) = (v.key as usize, self.model.class_length_mm[v.class as usize]);
                let lane = self.free_lane_for(s, key);
                if lane.is_none() && !self.fits(s, area, length) {
                    continue;
                }
                best = Some((seq, area, lane));
            }
            let Some((_, area, lane)) = best else {
                return;
            };
            let st = &mut self.stations[s];
            let Some(Upstream { vehicle: id, held }) = st.areas[area].outside.pop_front() else {
                return;
            };
            st.upstream -= 1;
            let (length, held_group, waited) = {
                let v = &self.vehicles[id as usize];
                (
                    self.model.class_length_mm[v.class as usize],
                    v.group as usize,
                    now - v.queued_ms,
                )
            };
            if held == NO_LANE {
                st.areas[area].road -= 1;
                st.areas[area].road_mm -= length;
                self.stats.stations[s].time_outside.record(waited);
                self.record_road(now, s);
            }
            self.log_event(id, LogKind::Queue, Some(s as u32), now);
            match lane {
                Some(g) => self.start_service(now, id, s as u32, g),
                None => self.push_queue(now, id, s),
            }
            if held != NO_LANE {
                self.unblock(now, held as usize, held_group, id, waited);
            }
        }
    }

    /// Vehicle `id`, held `waited` ms in a lane of group `group` of station `h` after its
    /// service there, has moved on: the lane frees and takes its next vehicle.
    fn unblock(&mut self, now: u64, h: usize, group: usize, id: u32, waited: u64) {
        let cell = self.vehicles[id as usize].cell as usize;
        let stats = &mut self.stats.stations[h];
        stats.blocked.record(cell, waited);
        stats.blocked_servers.decrement(now);
        self.free_lane(now, h, group);
        self.fill_lanes(now, h, group);
    }

    /// A schedule boundary of station `s`: applies every group's lanes and schedules the
    /// next boundary.
    pub(super) fn on_lane_change(&mut self, now: u64, s: usize) {
        let at = SimTime(now);
        let weekday = self.model.start_weekday;
        let next_change = self.model.stations[s]
            .groups
            .iter()
            .filter(|g| g.rule.is_none())
            .filter_map(|g| g.schedule.next_change_after(at, weekday))
            .min();
        if let Some(next) = next_change {
            self.events
                .schedule(next, Event::LaneChange { station: s as u32 });
        }
        self.set_open_lanes(now, s);
    }

    /// A scenario event on a station starts or ends (or a date-specific schedule reaches
    /// an hour boundary): the outages, slowdowns and schedules in force at `now` are read
    /// afresh from their windows — so events of one instant give the same state in any
    /// order — and the station's lanes are set.
    #[cold]
    #[inline(never)]
    pub(super) fn on_disruption(&mut self, now: u64, index: usize) {
        let model = self.model;
        let d = &model.disruptions[index];
        let s = d.station as usize;
        let active = |d: &CompiledDisruption| d.from_ms <= now && now < d.to_ms;
        if matches!(d.kind, DisruptionKind::Schedule(_)) && active(d) {
            let next = (now / SimTime::MS_PER_HOUR + 1) * SimTime::MS_PER_HOUR;
            if next < d.to_ms {
                self.events.schedule(
                    SimTime(next),
                    Event::Disruption {
                        index: index as u32,
                    },
                );
            }
        }
        let st = &mut self.stations[s];
        st.out.fill(0);
        st.slowdown.fill(1.0);
        st.schedule_override.fill(None);
        for (i, e) in model.disruptions.iter().enumerate() {
            if e.station as usize != s || !active(e) {
                continue;
            }
            let groups = match e.group {
                Some(g) => g..g + 1,
                None => 0..st.out.len(),
            };
            for g in groups {
                match &e.kind {
                    DisruptionKind::Outage(lanes) => st.out[g] = st.out[g].saturating_add(*lanes),
                    DisruptionKind::Slowdown(factor) => st.slowdown[g] *= factor,
                    DisruptionKind::Schedule(_) => st.schedule_override[g] = Some(i as u32),
                }
            }
        }
        self.set_open_lanes(now, s);
    }

    /// A lane rule's review of group `g` of station `s`: the median wait of the vehicles the
    /// group began serving since the last review (or, if none, the wait so far of the
    /// longest-waiting vehicle it may serve) against the rule's band.
    pub(super) fn on_lane_review(&mut self, now: u64, s: usize, g: usize) {
        let Some(rule) = self.model.stations[s].groups[g].rule else {
            return;
        };
        let wait = {
            let waits = &mut self.stations[s].rule_waits[g];
            if waits.is_empty() {
                self.longest_wait_for(now, s, g)
            } else {
                let mid = waits.len() / 2;
                let (_, median, _) = waits.select_nth_unstable(mid);
                *median
            }
        };
        self.stations[s].rule_waits[g].clear();
        let gs = &mut self.stations[s].groups[g];
        let lane = &mut self.stats.stations[s].lanes[g];
        if wait > rule.max_wait.as_millis() && gs.ruled < rule.max_lanes {
            gs.ruled += 1;
            lane.rule_openings += 1;
        } else if wait < rule.min_wait.as_millis() && gs.ruled > rule.min_lanes {
            gs.ruled -= 1;
            lane.rule_closings += 1;
        }
        self.events.schedule(
            SimTime(now) + rule.review,
            Event::LaneReview {
                station: s as u32,
                group: g as u8,
            },
        );
        if self.stations[s].groups[g].ruled != self.stations[s].groups[g].open {
            self.set_open_lanes(now, s);
        }
    }

    /// How long the longest-waiting vehicle that group `g` of station `s` serves has waited.
    pub(super) fn longest_wait_for(&self, now: u64, s: usize, g: usize) -> u64 {
        let eligible = &self.model.stations[s].groups[g].eligible;
        self.stations[s]
            .queues
            .iter()
            .enumerate()
            .filter(|(k, _)| eligible[*k])
            .filter_map(|(_, q)| q.front())
            .map(|&v| now - self.vehicles[v as usize].queued_ms)
            .max()
            .unwrap_or(0)
    }

    /// Applies the lanes every group of station `s` should have open at `now` (by schedule
    /// or by lane rule), as one step: all groups change first, then the waiting vehicles
    /// take the free lanes (see [`Self::assign_waiting`]) — so a sharing lane never takes a
    /// vehicle whose own lane opens at the same instant.
    pub(super) fn set_open_lanes(&mut self, now: u64, s: usize) {
        let at = SimTime(now);
        let weekday = self.model.start_weekday;
        let groups = &self.model.stations[s].groups;
        let stats = &mut self.stats.stations[s];
        let mut total = 0;
        for (g, group) in groups.iter().enumerate() {
            let st = &self.stations[s];
            let open = match (st.schedule_override[g], group.rule) {
                (Some(i), _) => match &self.model.disruptions[i as usize].kind {
                    DisruptionKind::Schedule(hours) => hours[hour_of_day(at)],
                    _ => 0,
                },
                (None, Some(_)) => st.groups[g].ruled,
                (None, None) => group.schedule.servers_at(at, weekday),
            };
            // Lanes out of service (an outage, a closure) are not open, whatever the
            // schedule or the lane rule says.
            let open = open.saturating_sub(st.out[g]);
            let gs = &mut self.stations[s].groups[g];
            gs.open = open;
            total += u64::from(open);
            let lane = &mut stats.lanes[g];
            lane.open.set(now, u64::from(open));
            lane.open_hours.set(now, u64::from(open));
            lane.staffed.set(now, u64::from(gs.busy.max(open)));
        }
        // Set once, with every group changed: a level passed through group by group (one
        // opening before another closes) would leave a maximum that depends on their order.
        stats.open_servers.set(now, total);
        // Lanes that close finish their vehicle (busy may exceed open until they do); lanes
        // that open take waiting vehicles at once.
        self.assign_waiting(now, s);
        self.admit_from_outside(now, s);
    }
}

/// A fixed order of two lane groups by what they are — the kinds they serve, whether they
/// share when idle, their schedule, their lane rule — for the last tie of
/// [`Engine::prefer`]: equal only for groups that behave alike in every respect.
fn content_order(a: &CompiledGroup, b: &CompiledGroup) -> Ordering {
    fn schedule(g: &CompiledGroup) -> (u32, Option<&[u32]>) {
        match &g.schedule {
            LaneSchedule::Constant(n) => (*n, None),
            LaneSchedule::Weekly(week) => (0, Some(&week[..])),
        }
    }
    let rule = |g: &CompiledGroup| {
        g.rule
            .map(|r| (r.min_wait, r.max_wait, r.min_lanes, r.max_lanes, r.review))
    };
    a.eligible
        .cmp(&b.eligible)
        .then(a.share_when_idle.cmp(&b.share_when_idle))
        .then_with(|| schedule(a).cmp(&schedule(b)))
        .then_with(|| rule(a).cmp(&rule(b)))
}

#[cfg(test)]
#[path = "lane_order_tests.rs"]
mod lane_order_tests;
