//! What an entry station offers vehicles of one class: the lanes that may serve them,
//! whether any ever opens, and how long until one does. A region's crossing choice asks
//! these questions of every crossing, direction and class.

use bordersim_des::SimTime;

use super::Crossing;
use crate::ids::{ClassId, StationId};
use crate::station::{LaneGroup, lane_filter_matches};

/// Hours in a day: the length of the hour-of-day tables these questions answer with.
const HOURS: usize = 24;

impl Crossing {
    /// The lane groups at `entry` that may serve vehicles of `class` (any programme it can
    /// have): those whose filter matches it, and those that take any vehicle when idle. In
    /// the station's order.
    pub fn lanes_for_class(&self, entry: StationId, class: ClassId) -> Vec<&LaneGroup> {
        let keys = self.possible_keys(class, None);
        self.station(entry)
            .lanes
            .iter()
            .filter(|g| {
                g.share_when_idle || keys.iter().any(|k| lane_filter_matches(&g.serves, *k))
            })
            .collect()
    }

    /// Whether some lane at `entry` that may serve `class` is ever open: its schedule's
    /// maximum is positive. A lane rule's lanes count by their schedule (the lanes open at
    /// the start), as [`LaneSchedule::max`](crate::LaneSchedule::max) gives them.
    pub fn entry_serves(&self, entry: StationId, class: ClassId) -> bool {
        self.lanes_for_class(entry, class)
            .iter()
            .any(|g| g.schedule.max() > 0)
    }

    /// Minutes from the middle of each hour of the first day (index = hour of day, 0..24)
    /// until some lane of `entry` that may serve `class` is open: 0 where one is open during
    /// that hour, else `(hours to the next open hour) × 60 − 30`. Lanes under a lane rule
    /// count as open. Schedules are read from a start on `start_weekday` (0 = Monday), a
    /// week ahead at most; where no lane opens within the week the wait is 0 (the crossing
    /// is then closed to the class, see [`Crossing::entry_serves`]).
    pub fn wait_until_open(
        &self,
        entry: StationId,
        class: ClassId,
        start_weekday: u8,
    ) -> [f64; HOURS] {
        let lanes = self.lanes_for_class(entry, class);
        let open_at = |hour: u64| {
            lanes.iter().any(|g| {
                g.rule.is_some()
                    || g.schedule
                        .servers_at(SimTime::from_hours(hour), start_weekday)
                        > 0
            })
        };
        let mut out = [0.0; HOURS];
        for (h, wait) in out.iter_mut().enumerate() {
            let h = h as u64;
            if open_at(h) {
                continue;
            }
            if let Some(next) = (h + 1..h + 24 * 7).find(|&t| open_at(t)) {
                *wait = (next - h) as f64 * 60.0 - 30.0;
            }
        }
        out
    }

    /// Expected minutes through the crossing for one vehicle of `class` alone, entering at
    /// `entry`: Σ over stations and (class, programme) of (visits per vehicle) × (mean
    /// service time), the visits from the traffic equations of this crossing with its own
    /// sources replaced by one Poisson source of 1 vehicle/h of `class` at `entry`
    /// (`horizon` as for [`Crossing::arrival_rates_by_kind`]).
    ///
    /// The service time used is each station's own mean for the class and programme
    /// ([`Station::service_for`](crate::Station::service_for)): not the effective one of
    /// [`Crossing::effective_service`] (no merged controls' work, joint or programme
    /// factors), and without the pre-lodged treatment. Queueing is not counted. Returns 0
    /// when the probe crossing fails its checks.
    pub fn empty_minutes(&self, entry: StationId, class: ClassId, horizon: SimTime) -> f64 {
        let probe = crate::source::Source::poisson("probe", class, 1.0, entry);
        let Ok(alone) = Crossing::new(
            self.name.clone(),
            self.population(),
            self.stations().to_vec(),
            vec![probe],
        ) else {
            return 0.0;
        };
        let programmes = self.population().programmes.len();
        let rates = alone.arrival_rates_by_kind(horizon);
        let mut ms = 0.0;
        for (st, per_kind) in alone.stations().iter().zip(&rates) {
            for (k, rate) in per_kind.iter().enumerate() {
                if *rate <= 0.0 {
                    continue;
                }
                let (c, programme) = crate::ids::decode_queue_key(k, programmes);
                if let Some(d) = st.service_for(c, programme) {
                    ms += rate * d.mean_ms();
                }
            }
        }
        ms / 60_000.0
    }
}
