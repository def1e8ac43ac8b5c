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

#[cfg(test)]
mod tests {
    use bordersim_des::SimTime;

    use crate::ids::{ClassId, ProgrammeId, StationId};
    use crate::scenario::{LaneRule, Station};
    use crate::schedule::LaneSchedule;
    use crate::testing::{dedicated, minutes, open_hours, scenario, to_station, trace};

    /// Class 0: a lane open 06:00–22:00. Class 1: a lane never open. A third group, when
    /// `sharing`, shares with everyone and is always open.
    fn entry(sharing: bool) -> crate::scenario::Scenario {
        let mut st = Station::simple("primary", 1, minutes(2.0, 2), to_station(1, 0.25));
        st.lanes = vec![
            dedicated("c0", &[0], open_hours(6..22, 1)),
            dedicated("c1", &[1], LaneSchedule::Constant(0)),
        ];
        if sharing {
            let mut shared = dedicated("shared", &[1], LaneSchedule::Constant(1));
            shared.share_when_idle = true;
            st.lanes.push(shared);
        }
        let second = Station::simple("secondary", 1, minutes(8.0, 2), Vec::new());
        scenario(2, vec![st, second], vec![trace(&[(0, 0)])], 0, 60)
    }

    const PRIMARY: StationId = StationId(0);

    #[test]
    fn the_lanes_for_a_class_are_its_own_and_those_that_share() {
        let s = entry(false);
        let ids = |class| {
            s.crossing
                .lanes_for_class(PRIMARY, ClassId(class))
                .iter()
                .map(|g| g.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(0), ["c0"]);
        assert_eq!(ids(1), ["c1"]);
        let s = entry(true);
        let ids: Vec<_> = s
            .crossing
            .lanes_for_class(PRIMARY, ClassId(0))
            .iter()
            .map(|g| g.id.clone())
            .collect();
        assert_eq!(ids, ["c0", "shared"]);
    }

    #[test]
    fn an_entry_serves_a_class_if_one_of_its_lanes_ever_opens() {
        let s = entry(false);
        assert!(s.crossing.entry_serves(PRIMARY, ClassId(0)));
        assert!(!s.crossing.entry_serves(PRIMARY, ClassId(1)));
        assert!(entry(true).crossing.entry_serves(PRIMARY, ClassId(1)));
    }

    #[test]
    fn the_wait_until_open_counts_from_the_middle_of_each_closed_hour() {
        let s = entry(false);
        let wait = s.crossing.wait_until_open(PRIMARY, ClassId(0), 0);
        // Open 06:00–22:00; from the middle of hour 0, 6 hours to go less half an hour.
        assert_eq!(wait[0], 330.0);
        assert_eq!(wait[5], 30.0);
        assert!(wait[6..22].iter().all(|&w| w == 0.0));
        assert_eq!(wait[22], 450.0);
        assert_eq!(wait[23], 390.0);
        assert_eq!(s.wait_until_open(PRIMARY, ClassId(0)), wait);
        // A class whose lanes never open: 0 everywhere (closed, not waiting).
        assert_eq!(
            s.crossing.wait_until_open(PRIMARY, ClassId(1), 0),
            [0.0; 24]
        );
    }

    #[test]
    fn a_lane_under_a_lane_rule_counts_as_open_at_every_hour() {
        let mut s = entry(false);
        let mut stations = s.crossing.stations().to_vec();
        stations[0].lanes[0].schedule = LaneSchedule::Constant(1);
        stations[0].lanes[0].rule = Some(LaneRule {
            min_wait: SimTime::from_mins(5),
            max_wait: SimTime::from_mins(20),
            min_lanes: 0,
            max_lanes: 2,
            review: SimTime::from_mins(15),
        });
        s.crossing = crate::crossing::Crossing::new(
            "rule",
            s.population(),
            stations,
            s.crossing.sources().to_vec(),
        )
        .unwrap();
        assert_eq!(
            s.crossing.wait_until_open(PRIMARY, ClassId(0), 0),
            [0.0; 24]
        );
    }

    #[test]
    fn the_empty_crossing_time_is_the_mean_service_times_weighted_by_visits() {
        // 2 minutes at the primary, a quarter go on to 8 minutes at the secondary.
        let s = entry(false);
        assert_eq!(s.empty_minutes(PRIMARY, ClassId(0)), 4.0);
        assert_eq!(
            s.crossing
                .empty_minutes(PRIMARY, ClassId(0), SimTime::from_hours(1)),
            4.0
        );
    }

    #[test]
    fn the_empty_crossing_time_uses_each_station_s_own_service_time() {
        // A programme factor halves the effective service time at the primary; the empty
        // crossing time reads the station's own service time and stays the same.
        let mut s = entry(false);
        let mut stations = s.crossing.stations().to_vec();
        stations[0].service_factor_by_programme = vec![0.5];
        s.crossing = crate::crossing::Crossing::new(
            "factor",
            s.population(),
            stations,
            s.crossing.sources().to_vec(),
        )
        .unwrap();
        let effective = s
            .crossing
            .effective_service(PRIMARY, ClassId(0), ProgrammeId(0))
            .unwrap();
        assert_eq!(effective.mean_ms(), 60_000.0);
        assert_eq!(s.empty_minutes(PRIMARY, ClassId(0)), 4.0);
    }
}
