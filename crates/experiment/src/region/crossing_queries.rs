//! Questions about one crossing that the region asks of each entry: when a lane that may
//! serve a class opens, whether one ever does, and how long a vehicle alone takes through.
//! They depend on the crossing model only.

use bordersim_des::SimTime;
use bordersim_model::{
    ClassId, Crossing, LaneGroup, Scenario, Source, StationId, lane_filter_matches,
};
use bordersim_trade::HOURS;

/// Minutes from the middle of each hour of the first day until some lane of the entry
/// that may serve the class is open (0 where one is). Lanes under a lane rule count as
/// open. Looks a week ahead; a lane never open gives 0 (the crossing is then closed).
pub(super) fn wait_until_open(
    scenario: &Scenario,
    entry: StationId,
    class: ClassId,
) -> [f64; HOURS] {
    let lanes = lanes_for_class(&scenario.crossing, entry, class);
    let open_at = |hour: u64| {
        lanes.iter().any(|g| {
            g.rule.is_some()
                || g.schedule
                    .servers_at(SimTime::from_hours(hour), scenario.start_weekday)
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

/// Expected minutes through the crossing for one vehicle alone: the mean service times of
/// the stations it visits, weighted by how often it visits them (from the crossing's own
/// traffic equations, with a unit source of that class at the entry).
pub(super) fn empty_minutes(scenario: &Scenario, entry: StationId, class: ClassId) -> f64 {
    let crossing = &scenario.crossing;
    let probe = Source::poisson("probe", class, 1.0, entry);
    let Ok(alone) = Crossing::new(
        crossing.name.clone(),
        crossing.population(),
        crossing.stations().to_vec(),
        vec![probe],
    ) else {
        return 0.0;
    };
    let programmes = crossing.population().programmes.len();
    let rates = alone.arrival_rates_by_kind(scenario.horizon);
    let mut ms = 0.0;
    for (st, per_kind) in alone.stations().iter().zip(&rates) {
        for (k, rate) in per_kind.iter().enumerate() {
            if *rate <= 0.0 {
                continue;
            }
            let programme = bordersim_model::ProgrammeId((k % programmes) as u8);
            let c = ClassId((k / programmes) as u16);
            if let Some(d) = st.service_for(c, programme) {
                ms += rate * d.mean_ms();
            }
        }
    }
    ms / 60_000.0
}

/// Whether some lane at the entry that may serve the class is ever open.
pub(super) fn entry_serves(crossing: &Crossing, entry: StationId, class: ClassId) -> bool {
    lanes_for_class(crossing, entry, class)
        .iter()
        .any(|g| g.schedule.max() > 0)
}

/// The lane groups at `entry` that may serve vehicles of `class` (their own, or any when
/// idle).
fn lanes_for_class(crossing: &Crossing, entry: StationId, class: ClassId) -> Vec<&LaneGroup> {
    let keys = crossing.possible_keys(class, None);
    crossing
        .station(entry)
        .lanes
        .iter()
        .filter(|g| g.share_when_idle || keys.iter().any(|k| lane_filter_matches(&g.serves, *k)))
        .collect()
}
