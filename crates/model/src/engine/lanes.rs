//! Lane dispatch: which waiting vehicle a lane takes (its own first, by class priority,
//! then first come; others only if the group shares when idle), vehicles let in from
//! upstream as room frees, and lanes opened and closed by schedule or by lane rule.

use bordersim_des::SimTime;

use super::{Engine, Event};
use crate::log::{LogKind, VehicleLog};

impl<L: VehicleLog> Engine<'_, L> {
    /// A lane group with a free lane that may serve a vehicle of queue key `key`: its own
    /// lanes first, then lanes that share when idle.
    #[inline]
    pub(super) fn free_lane_for(&self, s: usize, key: usize) -> Option<usize> {
        let groups = &self.model.stations[s].groups;
        let state = &self.stations[s].groups;
        let free = |g: usize| state[g].busy < state[g].open;
        (0..groups.len())
            .find(|&g| groups[g].eligible[key] && free(g))
            .or_else(|| (0..groups.len()).find(|&g| groups[g].share_when_idle && free(g)))
    }

    pub(super) fn push_queue(&mut self, now: u64, id: u32, s: usize) {
        let v = &mut self.vehicles[id as usize];
        v.queue_seq = self.queue_seq;
        self.queue_seq += 1;
        let st = &mut self.stations[s];
        st.queues[v.key as usize].push_back(id);
        st.queued += 1;
        st.queued_mm += self.model.class_length_mm[v.class as usize];
        self.stats.stations[s].queue_length.set(now, st.queued);
    }

    /// The queue key lane group `g` serves next: highest priority, then first come; its own
    /// vehicles first, others only if it shares when idle (and `own_only` is false).
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
    pub(super) fn fill_lanes(&mut self, now: u64, s: usize, g: usize) {
        self.take_waiting(now, s, g, false);
        self.admit_from_outside(now, s);
    }

    /// Lets group `g` take waiting vehicles (only its own with `own_only`) while it has free
    /// lanes.
    pub(super) fn take_waiting(&mut self, now: u64, s: usize, g: usize, own_only: bool) {
        while self.stations[s].queued > 0
            && self.stations[s].groups[g].busy < self.stations[s].groups[g].open
        {
            let Some(key) = self.next_key_for(s, g, own_only) else {
                break;
            };
            let st = &mut self.stations[s];
            let Some(id) = st.queues[key].pop_front() else {
                break;
            };
            st.queued -= 1;
            let class = self.vehicles[id as usize].class as usize;
            st.queued_mm -= self.model.class_length_mm[class];
            self.stats.stations[s].queue_length.set(now, st.queued);
            self.start_service(now, id, s as u32, g);
        }
    }

    /// Moves vehicles waiting upstream into the facility while there is room.
    #[inline]
    pub(super) fn admit_from_outside(&mut self, now: u64, s: usize) {
        if self.stations[s].outside.is_empty() {
            return;
        }
        self.admit_from_outside_slow(now, s);
    }

    fn admit_from_outside_slow(&mut self, now: u64, s: usize) {
        while let Some(&id) = self.stations[s].outside.front() {
            let (key, length) = {
                let v = &self.vehicles[id as usize];
                (v.key as usize, self.model.class_length_mm[v.class as usize])
            };
            let lane = self.free_lane_for(s, key);
            if lane.is_none() && !self.fits(s, length) {
                break;
            }
            let st = &mut self.stations[s];
            st.outside.pop_front();
            st.outside_mm -= length;
            let stats = &mut self.stats.stations[s];
            stats.outside_vehicles.set(now, st.outside.len() as u64);
            stats.outside_length_cm.set(now, st.outside_mm / 10);
            let v = &self.vehicles[id as usize];
            stats.time_outside.record(now - v.queued_ms);
            self.log_event(id, LogKind::Queue, Some(s as u32), now);
            match lane {
                Some(g) => self.start_service(now, id, s as u32, g),
                None => self.push_queue(now, id, s),
            }
        }
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
    /// or by lane rule), as one step: all groups change first, then each takes its own
    /// waiting vehicles, and only then do lanes that share when idle take others — so a
    /// sharing lane never takes a vehicle whose own lane opens at the same instant.
    pub(super) fn set_open_lanes(&mut self, now: u64, s: usize) {
        let at = SimTime(now);
        let weekday = self.model.start_weekday;
        let groups = &self.model.stations[s].groups;
        for (g, group) in groups.iter().enumerate() {
            let open = match group.rule {
                Some(_) => self.stations[s].groups[g].ruled,
                None => group.schedule.servers_at(at, weekday),
            };
            let gs = &mut self.stations[s].groups[g];
            let stats = &mut self.stats.stations[s];
            let total = stats.open_servers.level() + u64::from(open) - u64::from(gs.open);
            gs.open = open;
            stats.open_servers.set(now, total);
            let lane = &mut stats.lanes[g];
            lane.open.set(now, u64::from(open));
            lane.staffed.set(now, u64::from(gs.busy.max(open)));
        }
        // Lanes that close finish their vehicle (busy may exceed open until they do); lanes
        // that open take waiting vehicles at once, their own first.
        for g in 0..groups.len() {
            self.take_waiting(now, s, g, true);
        }
        for (g, group) in groups.iter().enumerate() {
            if group.share_when_idle {
                self.take_waiting(now, s, g, false);
            }
        }
        self.admit_from_outside(now, s);
    }
}
