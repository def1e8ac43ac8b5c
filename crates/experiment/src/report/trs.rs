//! The tables of a WCO Time Release Study (WCO, 2018, "Guide to Measure the Time Required
//! for the Release of Goods", version 3): the interval table of every stage and of the whole
//! crossing by segment, arrival to release by hour of arrival, the risk channels and
//! pre-arrival processing.

use bordersim_model::{
    Cells, Channel, Direction, Population, ReplicationStats, Scenario, WhenFull,
};
use bordersim_stats::Tally;

use super::summarise::delay;
use super::{
    ChannelShare, DelayStats, DirectionReport, HourlyProfile, PreArrivalShare, TrsInterval,
};

/// Picks a table of cells out of a replication.
pub(super) type CellsOf = fn(&ReplicationStats) -> &Cells;

/// Picks a table of cells out of a replication (a closure).
type CellsFn = dyn Fn(&ReplicationStats) -> &Cells;

/// Arrival to release of one replication's vehicles of direction `direction` (every
/// direction with `None`). A vehicle released on arrival has release time = arrival time
/// (0 s); one never released by a station is released when it leaves. The by-hour cells
/// hold exactly this measure whether or not a station releases, so direction and system
/// totals come from them.
pub(crate) fn release_tally(r: &ReplicationStats, direction: Option<usize>) -> Tally {
    r.release_by_hour
        .merged(|k| direction.is_none_or(|d| k / 24 == d))
}

/// The arrival-to-release cells of a replication, when they hold every vehicle that left:
/// the engine records them whenever a station releases or a vehicle can be released on
/// arrival (in a replication where nobody left, both are empty).
fn release_cells_complete(r: &ReplicationStats) -> bool {
    // Counts only: merging every cell's histogram would cost more than the check is worth.
    let count = |cells: &Cells| cells.iter().map(|(_, t)| t.count()).sum::<u64>();
    count(&r.release) == count(&r.exit)
}

fn held_cells(station: usize) -> impl Fn(&ReplicationStats) -> &Cells {
    move |r| &r.stations[station].blocked
}

fn stage_cells(station: usize) -> impl Fn(&ReplicationStats) -> &Cells {
    move |r| &r.stations[station].stages
}

/// The TRS interval table: every stage and the two whole-crossing intervals, for everyone and
/// by class, direction, channel and programme. Segments without observations are left out.
pub(super) fn trs_intervals(scenario: &Scenario, reps: &[ReplicationStats]) -> Vec<TrsInterval> {
    let population = scenario.population();
    let Some(shape) = reps.first().map(|r| r.shape) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |interval: &str, dimension: &str, segment: &str, stats: DelayStats| {
        if stats.count > 0 {
            out.push(TrsInterval {
                interval: interval.to_string(),
                dimension: dimension.to_string(),
                segment: segment.to_string(),
                stats,
            });
        }
    };
    let can_block = scenario.crossing.stations().iter().any(|st| {
        st.storage.when_full == WhenFull::Block
            || st
                .group_storage
                .iter()
                .flatten()
                .any(|g| g.when_full == WhenFull::Block)
    });
    for (i, st) in scenario.crossing.stations().iter().enumerate() {
        let stage = stage_cells(i);
        // Lanes held after service here (blocking at the next station): its own rows,
        // `<station>:held`, where some vehicle was held (an empty row is not pushed). Whether
        // they are computed depends on the scenario alone — some storage blocks — never on
        // the data, so a summary replays the same aggregates in the same order.
        let held = held_cells(i);
        let held_name = format!("{}:held", st.id);
        let tables: [(&str, &CellsFn); 2] = [(&st.id, &stage), (&held_name, &held)];
        for (name, cells) in tables.into_iter().take(if can_block { 2 } else { 1 }) {
            push(name, "all", "all", delay(reps, cells, |_| true));
            for (c, class) in population.classes.iter().enumerate() {
                push(
                    name,
                    "class",
                    &class.id,
                    delay(reps, cells, |k| shape.decode_station_cell(k).0.index() == c),
                );
            }
            for ch in Channel::ALL {
                push(
                    name,
                    "channel",
                    ch.name(),
                    delay(reps, cells, |k| shape.decode_station_cell(k).2 == ch),
                );
            }
            for (p, programme) in population.programmes.iter().enumerate() {
                push(
                    name,
                    "programme",
                    &programme.id,
                    delay(reps, cells, |k| shape.decode_station_cell(k).1.index() == p),
                );
            }
        }
    }
    // The engine keeps arrival-to-release cells whenever release can differ from exit (a
    // releasing station, or release on arrival); otherwise release is exit, exactly.
    let release: CellsOf = if reps.iter().all(release_cells_complete) {
        |r| &r.release
    } else {
        |r| &r.exit
    };
    push_system(&mut push, scenario, reps, "arrival_to_release", release);
    push_system(&mut push, scenario, reps, "arrival_to_exit", |r| &r.exit);
    out
}

/// Pushes the rows of one whole-crossing interval for everyone and every segment.
fn push_system(
    push: &mut impl FnMut(&str, &str, &str, DelayStats),
    scenario: &Scenario,
    reps: &[ReplicationStats],
    name: &str,
    cells: CellsOf,
) {
    let population = scenario.population();
    let shape = reps[0].shape;
    push(name, "all", "all", delay(reps, cells, |_| true));
    for (c, class) in population.classes.iter().enumerate() {
        push(
            name,
            "class",
            &class.id,
            delay(reps, cells, |k| shape.decode_system_cell(k).1.index() == c),
        );
    }
    for (d, direction) in population.directions.iter().enumerate() {
        push(
            name,
            "direction",
            &direction.id,
            delay(reps, cells, |k| shape.decode_system_cell(k).0.index() == d),
        );
    }
    for ch in Channel::ALL {
        push(
            name,
            "channel",
            ch.name(),
            delay(reps, cells, |k| shape.decode_system_cell(k).3 == ch),
        );
    }
    for (p, programme) in population.programmes.iter().enumerate() {
        push(
            name,
            "programme",
            &programme.id,
            delay(reps, cells, |k| shape.decode_system_cell(k).2.index() == p),
        );
    }
}

/// Arrival-to-release time by hour of arrival: 24 rows per direction, in direction order.
pub(super) fn hourly_profiles(
    population: &Population,
    reps: &[ReplicationStats],
) -> Vec<HourlyProfile> {
    // Each replication's mean and 95th percentile with their intervals, as well as every
    // observation pooled (`HourlyProfile::of`), in both the direct and the summarised report.
    (0..population.directions.len())
        .flat_map(|d| (0..24).map(move |h| HourlyProfile::of(population, d, h, reps)))
        .collect()
}

/// The share of each risk channel among the vehicles that left, in [`Channel::ALL`] order.
pub(super) fn channel_shares(reps: &[ReplicationStats]) -> Vec<ChannelShare> {
    let mut channel_counts = [0u64; 3];
    for r in reps {
        for (k, t) in r.exit.iter() {
            channel_counts[r.shape.decode_system_cell(k).3.index()] += t.count();
        }
    }
    let total: u64 = channel_counts.iter().sum();
    Channel::ALL
        .iter()
        .map(|ch| ChannelShare {
            channel: ch.name().to_string(),
            count: channel_counts[ch.index()],
            share: if total == 0 {
                0.0
            } else {
                channel_counts[ch.index()] as f64 / total as f64
            },
        })
        .collect()
}

/// Pre-arrival processing per direction; `directions` are the direction reports in the same
/// order as `population.directions`.
pub(super) fn pre_arrival_shares(
    population: &Population,
    directions: &[DirectionReport],
    reps: &[ReplicationStats],
) -> Vec<PreArrivalShare> {
    population
        .directions
        .iter()
        .zip(directions)
        .enumerate()
        .map(
            |(d, (direction, report)): (usize, (&Direction, &DirectionReport))| {
                let released: u64 = reps.iter().map(|r| r.released_on_arrival[d]).sum();
                PreArrivalShare {
                    direction: direction.id.clone(),
                    departed: report.departed,
                    pre_lodged: reps.iter().map(|r| r.pre_lodged_exits[d]).sum(),
                    released_on_arrival: released,
                    share_released_on_arrival: if report.departed == 0 {
                        0.0
                    } else {
                        released as f64 / report.departed as f64
                    },
                }
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use bordersim_des::SimTime;
    use bordersim_model::{
        ClassId, Crossing, Population, Scenario, ServiceDist, Source, Station, StationId,
    };

    use crate::test_support::options;
    use crate::{Report, run};

    /// Trucks at 60/h through one station of 1,000 lanes with a deterministic 60 s service:
    /// nobody waits, every time in system is exactly 60 s. A share `pre_lodged` of them is
    /// lodged in advance and, all being green, released on arrival.
    fn pre_lodged(share: f64, releasing_station: bool) -> Scenario {
        let mut population = Population::simple(&["truck"]);
        population.classes[0].pre_lodged_share = share;
        population.classes[0].pre_lodged_release_on_arrival = true;
        let mut station = Station::simple(
            "primary",
            1000,
            vec![Some(ServiceDist::Deterministic { value_ms: 60_000.0 })],
            vec![],
        );
        station.releases = releasing_station;
        let own = Source::poisson("own", ClassId(0), 60.0, StationId(0));
        Scenario {
            name: "pre-lodged".into(),
            crossing: Crossing::new("x", &population, vec![station], vec![own]).expect("valid"),
            horizon: SimTime::from_hours(24),
            warmup: SimTime::from_hours(1),
            replications: 3,
            seed: 1,
            start_weekday: 0,
        }
    }

    fn report(share: f64, releasing_station: bool) -> Report {
        run(&pre_lodged(share, releasing_station), &options(3))
            .expect("runs")
            .report
    }

    fn release_row<'a>(r: &'a Report, dimension: &str) -> &'a super::DelayStats {
        &r.trs
            .intervals
            .iter()
            .find(|i| i.interval == "arrival_to_release" && i.dimension == dimension)
            .unwrap_or_else(|| panic!("an arrival-to-release row by {dimension}"))
            .stats
    }

    #[test]
    fn everyone_released_on_arrival_is_released_at_zero_wherever_releases_are() {
        for releasing_station in [false, true] {
            let r = report(1.0, releasing_station);
            let departed = r.vehicles.departed;
            assert!(departed > 3 * 1300, "{departed}");
            assert_eq!(r.trs.pre_arrival[0].released_on_arrival, departed);
            assert_eq!(r.system.time_in_system.mean_s, Some(60.0));
            for release in [
                &r.system.release,
                &r.directions[0].release,
                release_row(&r, "all"),
            ] {
                assert_eq!(release.count, departed);
                assert_eq!((release.mean_s, release.max_s), (Some(0.0), Some(0.0)));
            }
        }
    }

    #[test]
    fn without_a_releasing_station_release_is_exit_except_for_those_released_on_arrival() {
        let r = report(0.5, false);
        let departed = r.vehicles.departed;
        let released = r.trs.pre_arrival[0].released_on_arrival;
        assert!(
            released > departed / 3 && released < 2 * departed / 3,
            "{released}"
        );
        let release = &r.system.release;
        assert_eq!(release.count, departed);
        assert_eq!((release.min_s, release.max_s), (Some(0.0), Some(60.0)));
        // The pooled fraction of vehicles at 0 s is exactly the share released on arrival.
        let (zero, at_exit) = (released as f64, (departed - released) as f64);
        let pooled_mean = 60.0 * at_exit / (zero + at_exit);
        let per_rep_mean = release.mean_s.expect("mean");
        assert!(
            (per_rep_mean - pooled_mean).abs() < 0.5,
            "{per_rep_mean} vs {pooled_mean}"
        );
        assert_eq!(r.directions[0].release.count, departed);
        assert_eq!(r.directions[0].release.mean_s, release.mean_s);
        // The segments that hold no vehicle released on arrival are their exit times.
        for ch in ["yellow", "red"] {
            assert!(
                !r.trs
                    .intervals
                    .iter()
                    .any(|i| i.interval == "arrival_to_release"
                        && i.segment == ch
                        && i.stats.count > 0)
            );
        }
        assert_eq!(release_row(&r, "direction").count, departed);
        // Nobody pre-lodged: release is exit, 60 s each.
        let r = report(0.0, false);
        assert_eq!(r.system.release.mean_s, Some(60.0));
        assert_eq!(release_row(&r, "class").mean_s, Some(60.0));
        assert_eq!(release_row(&r, "channel").mean_s, Some(60.0));
    }

    #[test]
    fn compare_measures_release_without_a_releasing_station() {
        let scenario = pre_lodged(1.0, false);
        let reps = run(&scenario, &options(2)).expect("runs").replications;
        let nobody = pre_lodged(0.0, false);
        let nobody_reps = run(&nobody, &options(2)).expect("runs").replications;
        let d = crate::paired_differences(&nobody, &nobody_reps, &scenario, &reps);
        for entity in ["direction:inbound", "system"] {
            let release = d
                .iter()
                .find(|d| d.metric == "release_mean_s" && d.entity == entity)
                .unwrap_or_else(|| panic!("release of {entity}: {d:#?}"));
            assert_eq!(release.baseline, Some(60.0));
            assert_eq!(release.variant, Some(0.0));
            assert_eq!(release.delta, Some(-60.0));
        }
    }

    #[test]
    fn without_a_releasing_station_every_segment_has_its_release_row() {
        // Half released on arrival, no station releasing: the class, channel and programme
        // rows hold every vehicle, each at 0 s or its 60 s exit, as the all row does.
        let r = report(0.5, false);
        let departed = r.vehicles.departed;
        let all = release_row(&r, "all").clone();
        assert_eq!(all.count, departed);
        for (dimension, segment) in [
            ("class", "truck"),
            ("channel", "green"),
            ("programme", "none"),
            ("direction", "inbound"),
        ] {
            let row = r
                .trs
                .intervals
                .iter()
                .find(|i| {
                    i.interval == "arrival_to_release"
                        && i.dimension == dimension
                        && i.segment == segment
                })
                .unwrap_or_else(|| panic!("a release row for {dimension} {segment}"));
            assert_eq!(row.stats.count, departed, "{dimension}");
            assert_eq!(row.stats.mean_s, all.mean_s, "{dimension}");
            assert_eq!((row.stats.min_s, row.stats.max_s), (Some(0.0), Some(60.0)));
        }
        let exit = r
            .trs
            .intervals
            .iter()
            .find(|i| i.interval == "arrival_to_exit" && i.dimension == "class")
            .expect("exit row");
        assert_eq!(exit.stats.mean_s, Some(60.0));
    }

    #[test]
    fn with_a_releasing_station_release_is_its_end_of_service_or_arrival() {
        let r = report(0.5, true);
        let released = r.trs.pre_arrival[0].released_on_arrival;
        let departed = r.vehicles.departed;
        let pooled_mean = 60.0 * (departed - released) as f64 / departed as f64;
        let mean = r.system.release.mean_s.expect("mean");
        assert!((mean - pooled_mean).abs() < 0.5, "{mean} vs {pooled_mean}");
        assert_eq!(release_row(&r, "class").count, departed);
    }
}
