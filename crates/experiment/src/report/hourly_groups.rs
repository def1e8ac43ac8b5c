//! Hourly statistics of each station by lane group, vehicle class and programme: the mean and
//! 95th percentile of the wait by hour of day of joining the queue, and the vehicles served
//! per hour, each with its 95% interval across replications. These are what observed hourly
//! waits and volumes (CBP wait times, counts by lane type) are compared with.
//!
//! A row is one *selection* of a station's (lane group, vehicle kind) pairs: every lane
//! group or one, and every vehicle, one class, one programme or one class × programme. The
//! rows a report holds depend on the scenario alone (the kinds its classes can be and the
//! kinds each lane group serves), never on what was observed, so the aggregates asked of a
//! summary are the same in number and order for every replication. A selection that holds
//! exactly the pairs of an earlier row is left out (on a station with one lane group, the
//! group's rows are its `all` rows): [`Report::hourly_group`] finds the row of any
//! selection.
//!
//! The waits are recorded in coarse tallies (2 significant digits at 1.024 s,
//! [`StationStats::hourly_waits`]) and summarised without pooling them over replications
//! (`summary::unpooled`): the counts and means are exact, and each replication's 95th
//! percentile is the highest value of its coarse bin, at most the largest wait — within
//! 1.024 s below 262 s and 1% above. What one row costs, in memory and work, is a few words
//! per replication and a merge of its own cells, whatever the waits.

use bordersim_model::{ClassId, ProgrammeId, ReplicationStats, Scenario, StationStats};
use bordersim_stats::MeanCi;
use serde::Serialize;

use super::Report;
use super::summarise::mean_ci;
use crate::sweep::summary;

/// The name of a dimension not broken down in a row (every lane group, class or programme).
pub const ALL: &str = "all";

const MS_PER_HOUR: u64 = 3_600_000;
const MS_PER_DAY: u64 = 24 * MS_PER_HOUR;

/// One hour of day of one [`HourlyGroupReport`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HourGroupStats {
    /// Hour of day, 0 (00:00–01:00) to 23.
    pub hour: u8,
    /// Vehicles that started service after joining the queue in this hour (all
    /// replications): the observations behind the waits.
    pub count: u64,
    /// Mean wait in queue (joining the queue to start of service) of the vehicles that
    /// joined the queue in this hour, seconds: the mean over replications of each
    /// replication's mean (null without observations).
    pub wait_mean_s: Option<f64>,
    /// Half-width of the 95% Student-t interval of `wait_mean_s` across replications,
    /// seconds (null with fewer than two replications with observations).
    pub wait_mean_ci95_s: Option<f64>,
    /// 95th percentile of the wait, seconds: the mean over replications of each
    /// replication's own 95th percentile, read from a histogram of 2 significant digits at
    /// 1.024 s (the highest value of the bin, at most the largest wait: within 1.024 s of
    /// the exact percentile below 262 s, within 1% above).
    pub wait_p95_s: Option<f64>,
    /// Half-width of the 95% interval of `wait_p95_s` across replications, seconds.
    pub wait_p95_ci95_s: Option<f64>,
    /// Vehicles that finished service in this hour of the day, per hour (mean over
    /// replications of the count divided by the hours of this hour of day in the
    /// observation window); null when the window holds none of this hour.
    pub throughput_per_h: Option<f64>,
    /// Half-width of the 95% interval of `throughput_per_h` across replications.
    pub throughput_ci95_per_h: Option<f64>,
}

/// The hourly statistics of one selection of a station's lane groups and vehicles.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HourlyGroupReport {
    /// The station's id.
    pub station: String,
    /// A lane group's id, or `all`.
    pub lane_group: String,
    /// A class id, or `all`.
    pub class: String,
    /// A programme id, or `all`.
    pub programme: String,
    /// 24 entries, hour 0 first.
    pub hours: Vec<HourGroupStats>,
}

/// A selection: `None` in a dimension is every lane group, class or programme.
type Selection = (Option<usize>, Option<usize>, Option<usize>);

/// The (lane group, kind) pairs of station `station` that `selection` takes, in order: a
/// kind (`class * programmes + programme`) a class of the scenario can be (its programme
/// share is positive), in a lane group that serves it or takes other traffic when idle.
fn pairs(scenario: &Scenario, station: usize, selection: Selection) -> Vec<(usize, usize)> {
    let population = scenario.population();
    let programmes = population.programmes.len();
    let st = &scenario.crossing.stations()[station];
    let mut out = Vec::new();
    for (g, group) in st.lanes.iter().enumerate() {
        if selection.0.is_some_and(|s| s != g) {
            continue;
        }
        for (c, class) in population.classes.iter().enumerate() {
            if selection.1.is_some_and(|s| s != c) {
                continue;
            }
            for p in 0..programmes {
                if selection.2.is_some_and(|s| s != p)
                    || class.programme_shares.get(p).is_none_or(|&s| s <= 0.0)
                {
                    continue;
                }
                let serves = group.share_when_idle
                    || bordersim_model::Channel::ALL.iter().any(|&channel| {
                        group.serves.matches(bordersim_model::VehicleKey {
                            class: ClassId(c as u16),
                            programme: ProgrammeId(p as u8),
                            channel,
                        })
                    });
                if serves {
                    out.push((g, c * programmes + p));
                }
            }
        }
    }
    out
}

/// Every selection of station `station` with a row, in the report's order, with its pairs.
fn selections(scenario: &Scenario, station: usize) -> Vec<(Selection, Vec<(usize, usize)>)> {
    let population = scenario.population();
    let groups = scenario.crossing.stations()[station].lanes.len();
    let classes = population.classes.len();
    let programmes = population.programmes.len();
    let mut kinds: Vec<(Option<usize>, Option<usize>)> = vec![(None, None)];
    kinds.extend((0..classes).map(|c| (Some(c), None)));
    kinds.extend((0..programmes).map(|p| (None, Some(p))));
    kinds.extend((0..classes).flat_map(|c| (0..programmes).map(move |p| (Some(c), Some(p)))));
    let mut out: Vec<(Selection, Vec<(usize, usize)>)> = Vec::new();
    // Lane groups by id, so that the order of the groups in the file changes no row.
    let lanes = &scenario.crossing.stations()[station].lanes;
    let mut order: Vec<usize> = (0..groups).collect();
    order.sort_by(|&a, &b| lanes[a].id.cmp(&lanes[b].id));
    for group in std::iter::once(None).chain(order.into_iter().map(Some)) {
        for &(class, programme) in &kinds {
            let selection = (group, class, programme);
            let taken = pairs(scenario, station, selection);
            if taken.is_empty() || out.iter().any(|(_, p)| *p == taken) {
                continue;
            }
            out.push((selection, taken));
        }
    }
    out
}

/// Milliseconds of hour of day `hour` (0–23) in the window `[start, end)` (ms from time
/// zero, a midnight): what a count by hour of day is divided by to make a rate per hour.
pub fn exposure_ms(start: u64, end: u64, hour: usize) -> u64 {
    if end <= start {
        return 0;
    }
    let mut total = 0;
    for day in start / MS_PER_DAY..=(end - 1) / MS_PER_DAY {
        let from = day * MS_PER_DAY + hour as u64 * MS_PER_HOUR;
        let to = from + MS_PER_HOUR;
        total += to.min(end).saturating_sub(from.max(start));
    }
    total
}

/// The hourly rows of every station (see the module documentation). Each row asks for 48
/// aggregates (an unpooled delay and a list of samples per hour), the rows depending on the
/// scenario alone.
pub(super) fn hourly_groups(
    scenario: &Scenario,
    reps: &[ReplicationStats],
) -> Vec<HourlyGroupReport> {
    let population = scenario.population();
    let kinds = population.classes.len() * population.programmes.len();
    let mut out = Vec::new();
    for (i, st) in scenario.crossing.stations().iter().enumerate() {
        for ((group, class, programme), taken) in selections(scenario, i) {
            let hours = (0..24)
                .map(|h| {
                    // The selection's own cells, read by index.
                    let cells = || {
                        taken
                            .iter()
                            .map(move |&(g, k)| StationStats::hourly_index(kinds, g, k, h))
                    };
                    let tallies: Vec<_> = reps
                        .iter()
                        .map(|r| r.stations[i].hourly_waits.merged_at(cells()))
                        .collect();
                    let (count, means, p95s) = summary::unpooled(&tallies);
                    let (mean, p95) = (MeanCi::from_samples(&means), MeanCi::from_samples(&p95s));
                    let s = |ms: f64| ms / 1000.0;
                    let rates: Vec<f64> = reps
                        .iter()
                        .map(|r| {
                            let served: u64 = cells().map(|c| r.stations[i].hourly_served[c]).sum();
                            let hours = exposure_ms(r.window_start_ms, r.window_end_ms, h) as f64
                                / MS_PER_HOUR as f64;
                            served as f64 / hours
                        })
                        .collect();
                    let (rate, rate_ci) = mean_ci(&rates);
                    let exposed =
                        exposure_ms(scenario.warmup.as_millis(), scenario.horizon.as_millis(), h)
                            > 0;
                    HourGroupStats {
                        hour: h as u8,
                        count,
                        wait_mean_s: mean.map(|c| s(c.mean)),
                        wait_mean_ci95_s: mean.and_then(|c| c.half_width_95).map(s),
                        wait_p95_s: p95.map(|c| s(c.mean)),
                        wait_p95_ci95_s: p95.and_then(|c| c.half_width_95).map(s),
                        throughput_per_h: exposed.then_some(rate),
                        throughput_ci95_per_h: if exposed { rate_ci } else { None },
                    }
                })
                .collect();
            let name = |v: Option<String>| v.unwrap_or_else(|| ALL.to_owned());
            out.push(HourlyGroupReport {
                station: st.id.clone(),
                lane_group: name(group.map(|g| st.lanes[g].id.clone())),
                class: name(class.map(|c| population.classes[c].id.clone())),
                programme: name(programme.map(|p| population.programmes[p].id.clone())),
                hours,
            });
        }
    }
    out
}

/// The key (lane group, class, programme; `all` where not broken down) of the row of
/// station `station` that holds exactly the selection of lane group, class and programme
/// given by their ids (each `None` for all of them). `None` when an id is unknown, or when
/// the selection takes nothing (a lane group that serves none of the class's vehicles).
pub fn row_key(
    scenario: &Scenario,
    station: &str,
    lane_group: Option<&str>,
    class: Option<&str>,
    programme: Option<&str>,
) -> Option<(String, String, String)> {
    let population = scenario.population();
    let i = scenario
        .crossing
        .stations()
        .iter()
        .position(|s| s.id == station)?;
    let st = &scenario.crossing.stations()[i];
    let group = match lane_group {
        None => None,
        Some(id) => Some(st.lanes.iter().position(|g| g.id == id)?),
    };
    let class = match class {
        None => None,
        Some(id) => Some(population.classes.iter().position(|c| c.id == id)?),
    };
    let programme = match programme {
        None => None,
        Some(id) => Some(population.programmes.iter().position(|p| p.id == id)?),
    };
    let wanted = pairs(scenario, i, (group, class, programme));
    if wanted.is_empty() {
        return None;
    }
    let (selection, _) = selections(scenario, i)
        .into_iter()
        .find(|(_, taken)| *taken == wanted)?;
    let name = |v: Option<usize>, ids: &dyn Fn(usize) -> String| v.map_or(ALL.to_owned(), ids);
    Some((
        name(selection.0, &|g| st.lanes[g].id.clone()),
        name(selection.1, &|c| population.classes[c].id.clone()),
        name(selection.2, &|p| population.programmes[p].id.clone()),
    ))
}

impl Report {
    /// The hourly row of station `station`'s selection of lane group, class and programme
    /// (each `None` for all of them), given by their ids: the row of the report that holds
    /// exactly the same lane groups and vehicle kinds (see [`row_key`]).
    pub fn hourly_group(
        &self,
        scenario: &Scenario,
        station: &str,
        lane_group: Option<&str>,
        class: Option<&str>,
        programme: Option<&str>,
    ) -> Option<&HourlyGroupReport> {
        let key = row_key(scenario, station, lane_group, class, programme)?;
        self.hourly_groups.iter().find(|r| {
            r.station == station
                && (
                    r.lane_group.as_str(),
                    r.class.as_str(),
                    r.programme.as_str(),
                ) == (key.0.as_str(), key.1.as_str(), key.2.as_str())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{one_station, options};

    #[test]
    fn hourly_rows_add_up_to_the_station() {
        // 36 observed hours (12:00 on day 0 to 24:00 on day 1): hours 12-23 are seen twice,
        // hours 0-11 once.
        let scenario = one_station("hourly", 3, 5.0, 30.0);
        let outcome = crate::run(&scenario, &options(4)).expect("runs");
        let report = &outcome.report;
        // One lane group, one class, one programme: one row.
        assert_eq!(report.hourly_groups.len(), 1, "{:?}", report.hourly_groups);
        let row = &report.hourly_groups[0];
        assert_eq!(
            (
                row.station.as_str(),
                row.lane_group.as_str(),
                row.class.as_str(),
                row.programme.as_str()
            ),
            ("primary", ALL, ALL, ALL)
        );
        assert_eq!(row.hours.len(), 24);
        // Every wait is in exactly one hour.
        let count: u64 = row.hours.iter().map(|h| h.count).sum();
        assert_eq!(count, report.stations[0].wait.count);
        // Vehicles served: the hourly rates times the hours of each hour of day in the
        // window add up to the station's served vehicles, in every replication.
        for r in &outcome.replications {
            let served: u64 = r.stations[0].hourly_served.iter().sum();
            assert_eq!(served, r.stations[0].served);
        }
        let per_rep: f64 = row
            .hours
            .iter()
            .map(|h| h.throughput_per_h.expect("observed") * if h.hour >= 12 { 2.0 } else { 1.0 })
            .sum();
        let served_per_rep = report.stations[0].throughput_per_h * 36.0;
        assert!(
            (per_rep - served_per_rep).abs() < 1e-6 * served_per_rep,
            "{per_rep} {served_per_rep}"
        );
        // Each hour's mean wait is within the station's range, with an interval.
        for h in &row.hours {
            let m = h.wait_mean_s.expect("vehicles every hour");
            assert!(m >= 0.0 && h.wait_mean_ci95_s.is_some() && h.wait_p95_s >= Some(m));
        }
        // Any selection of the one group and kind is the one row.
        for (g, c, p) in [
            (None, None, None),
            (Some("lanes"), None, None),
            (None, Some("truck"), Some("none")),
        ] {
            let found = report.hourly_group(&scenario, "primary", g, c, p);
            assert_eq!(found, Some(row), "{g:?} {c:?} {p:?}");
        }
        assert_eq!(
            report.hourly_group(&scenario, "nowhere", None, None, None),
            None
        );
        assert_eq!(
            report.hourly_group(&scenario, "primary", Some("x"), None, None),
            None
        );
    }

    #[test]
    fn exposure_counts_each_hour_of_day_in_the_window() {
        // Two whole days: two hours of each hour of day.
        assert_eq!(exposure_ms(0, 2 * MS_PER_DAY, 5), 2 * MS_PER_HOUR);
        // From 05:30 on day 0 to 06:15 on day 1: half of 05, 15 min... of 06 on day 1 and all
        // of 06 on day 0.
        let start = 5 * MS_PER_HOUR + MS_PER_HOUR / 2;
        let end = MS_PER_DAY + 6 * MS_PER_HOUR + MS_PER_HOUR / 4;
        assert_eq!(exposure_ms(start, end, 5), MS_PER_HOUR / 2 + MS_PER_HOUR);
        assert_eq!(exposure_ms(start, end, 6), MS_PER_HOUR + MS_PER_HOUR / 4);
        assert_eq!(exposure_ms(start, end, 4), MS_PER_HOUR);
        assert_eq!(exposure_ms(start, start, 4), 0);
    }
}
