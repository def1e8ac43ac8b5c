//! The tables of a WCO Time Release Study (WCO, 2018, "Guide to Measure the Time Required
//! for the Release of Goods", version 3): the interval table of every stage and of the whole
//! crossing by segment, arrival to release by hour of arrival, the risk channels and
//! pre-arrival processing.

use bordersim_model::{
    Cells, Channel, Direction, Population, ReplicationStats, Scenario, WhenFull,
};
use bordersim_stats::{MeanCi, Tally};
use serde::Serialize;

use crate::sweep::summary;

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
            push_segments(&mut push, population, reps, name, cells, |k| {
                let (class, programme, channel) = shape.decode_station_cell(k);
                (None, class.index(), programme.index(), channel)
            });
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
    let shape = reps[0].shape;
    push_segments(push, scenario.population(), reps, name, &cells, |k| {
        let (direction, class, programme, channel) = shape.decode_system_cell(k);
        (
            Some(direction.index()),
            class.index(),
            programme.index(),
            channel,
        )
    });
}

/// Pushes the rows of one interval for everyone, then by class, direction (when the cells
/// have one), channel and programme. `decode` gives a cell's (direction, class, programme,
/// channel). Which rows are asked for depends on the population alone, never on the data.
fn push_segments(
    push: &mut impl FnMut(&str, &str, &str, DelayStats),
    population: &Population,
    reps: &[ReplicationStats],
    name: &str,
    cells: &CellsFn,
    decode: impl Fn(usize) -> (Option<usize>, usize, usize, Channel),
) {
    push(name, "all", "all", delay(reps, cells, |_| true));
    for (c, class) in population.classes.iter().enumerate() {
        push(
            name,
            "class",
            &class.id,
            delay(reps, cells, |k| decode(k).1 == c),
        );
    }
    if decode(0).0.is_some() {
        for (d, direction) in population.directions.iter().enumerate() {
            let row = delay(reps, cells, |k| decode(k).0 == Some(d));
            push(name, "direction", &direction.id, row);
        }
    }
    for ch in Channel::ALL {
        push(
            name,
            "channel",
            ch.name(),
            delay(reps, cells, |k| decode(k).3 == ch),
        );
    }
    for (p, programme) in population.programmes.iter().enumerate() {
        let row = delay(reps, cells, |k| decode(k).2 == p);
        push(name, "programme", &programme.id, row);
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

/// The wait before the first inspection point of one direction, as the FHWA border delay
/// survey measures it (FHWA, 2001, "Evaluation of Travel Time Methods to Support Mobility
/// Performance Monitoring", seven-port survey: "travel delay per truck trip through the first
/// inspection point", processing excluded): the time from joining the queue of a station
/// where the direction's vehicles enter the crossing (on the road upstream of it included) to
/// the start of service there. Times in seconds; each interval is the 95% Student-t
/// half-width across replications.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FirstInspectionWait {
    /// The direction's id.
    pub direction: String,
    /// The stations the direction's vehicles enter at (its first inspection points).
    pub stations: Vec<String>,
    /// Waits observed, all replications.
    pub count: u64,
    /// Mean wait: the mean over replications of each replication's mean, seconds.
    pub mean_s: Option<f64>,
    /// Half-width of the 95% interval of `mean_s`, seconds.
    pub mean_ci95_s: Option<f64>,
    /// 95th percentile of every wait of every replication pooled, seconds (as `p95_s`
    /// everywhere in the report).
    pub p95_s: Option<f64>,
    /// Mean over replications of each replication's own 95th percentile, seconds.
    pub p95_rep_mean_s: Option<f64>,
    /// Half-width of the 95% interval of `p95_rep_mean_s` across replications, seconds.
    pub p95_rep_mean_ci95_s: Option<f64>,
    /// FHWA buffer time, seconds: the buffer time (`buffer_time`) of the pooled p95
    /// and the pooled mean (never negative).
    pub buffer_time_s: Option<f64>,
    /// Half-width of the 95% interval of the buffer time across replications (each
    /// replication's own buffer time), seconds.
    pub buffer_time_ci95_s: Option<f64>,
    /// FHWA buffer index: `buffer_time_s` / the pooled mean (never negative).
    pub buffer_index: Option<f64>,
}

/// The wait before the first inspection point, per direction in the population's order (see
/// [`FirstInspectionWait`]). One delay aggregate per direction, whatever the data.
pub(super) fn first_inspection_waits(
    scenario: &Scenario,
    reps: &[ReplicationStats],
) -> Vec<FirstInspectionWait> {
    let crossing = &scenario.crossing;
    let mut entries: Vec<usize> = crossing.sources().iter().map(|s| s.entry.index()).collect();
    entries.sort_unstable();
    entries.dedup();
    let s = |ms: f64| ms / 1000.0;
    let ci = |values: &[f64]| {
        MeanCi::from_samples(values)
            .map_or((None, None), |c| (Some(s(c.mean)), c.half_width_95.map(s)))
    };
    scenario
        .population()
        .directions
        .iter()
        .enumerate()
        .map(|(d, direction)| {
            let own: Vec<usize> = entries
                .iter()
                .copied()
                .filter(|&e| crossing.stations()[e].direction.index() == d)
                .collect();
            let tallies: Vec<Tally> = reps
                .iter()
                .map(|r| {
                    let mut all = Tally::new();
                    for &e in &own {
                        all.merge(&r.stations[e].wait());
                    }
                    all
                })
                .collect();
            // Each replication's mean and p95 come in replication order, one pair per
            // replication with waits; the buffer itself is of the pooled waits, its p95 and
            // mean on one basis.
            let (pooled, means, p95s) = summary::delay(&tallies);
            let buffers: Vec<f64> = p95s
                .iter()
                .zip(&means)
                .map(|(p, m)| super::buffer_time(*p, *m))
                .collect();
            let (mean_s, mean_ci95_s) = ci(&means);
            let (p95_rep_mean_s, p95_rep_mean_ci95_s) = ci(&p95s);
            let (_, buffer_time_ci95_s) = ci(&buffers);
            let pooled_mean_s = pooled.mean_ms().map(s);
            let p95_s = pooled.percentiles().map(|p| s(p.p95_ms));
            let buffer_time_s = p95_s
                .zip(pooled_mean_s)
                .map(|(p, m)| super::buffer_time(p, m));
            FirstInspectionWait {
                direction: direction.id.clone(),
                stations: own
                    .iter()
                    .map(|&e| crossing.stations()[e].id.clone())
                    .collect(),
                count: pooled.count(),
                mean_s,
                mean_ci95_s,
                p95_s,
                p95_rep_mean_s,
                p95_rep_mean_ci95_s,
                buffer_time_s,
                buffer_time_ci95_s,
                buffer_index: buffer_time_s
                    .zip(pooled_mean_s)
                    .and_then(|(b, m)| super::buffer_index(b, m)),
            }
        })
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

    /// A primary of one lane (10 min each) then a second stage of one lane (20 min each);
    /// three trucks arrive together at 00:00. They wait 0, 10 and 20 min at the primary (the
    /// first inspection point) and, reaching the second stage at 10, 20 and 30 min, 0, 10
    /// and 20 min there too: only the primary's waits are the wait before the first
    /// inspection point.
    fn two_stages() -> Scenario {
        use bordersim_model::{Arrivals, Route, Target, TraceArrival, VehicleFilter};
        let population = Population::simple(&["truck"]);
        let minutes = |m: f64| {
            vec![Some(ServiceDist::Deterministic {
                value_ms: m * 60_000.0,
            })]
        };
        let onward = vec![Route {
            when: VehicleFilter::any(),
            to: Target::Station(StationId(1)),
            probability: 1.0,
        }];
        let primary = Station::simple("primary", 1, minutes(10.0), onward);
        let second = Station::simple("second", 1, minutes(20.0), vec![]);
        let at_midnight = TraceArrival {
            time: SimTime::ZERO,
            class: ClassId(0),
            programme: None,
        };
        let source = Source {
            id: "trace".into(),
            entry: StationId(0),
            arrivals: Arrivals::Trace {
                arrivals: vec![at_midnight; 3],
            },
        };
        Scenario {
            name: "two stages".into(),
            crossing: Crossing::new("x", &population, vec![primary, second], vec![source])
                .expect("valid"),
            horizon: SimTime::from_hours(2),
            warmup: SimTime::ZERO,
            replications: 3,
            seed: 1,
            start_weekday: 0,
        }
    }

    #[test]
    fn the_wait_before_the_first_inspection_point_counts_the_entry_station_alone() {
        let r = run(&two_stages(), &options(3)).expect("runs").report;
        let [w] = r.trs.first_inspection.as_slice() else {
            panic!("one direction: {:?}", r.trs.first_inspection)
        };
        assert_eq!(w.direction, "inbound");
        assert_eq!(w.stations, ["primary"]);
        assert_eq!(w.count, 9);
        // Mean of 0, 10 and 20 min in every replication: 10 min, exactly, with no spread.
        assert_eq!(w.mean_s, Some(600.0));
        assert_eq!(w.mean_ci95_s, Some(0.0));
        // The 95th percentile is the 20-minute wait (to the histogram's precision), so the
        // buffer time is about 10 min and the buffer index about 1.
        let p95 = w.p95_s.expect("p95");
        assert!((p95 - 1200.0).abs() < 2.0, "{p95}");
        let buffer = w.buffer_time_s.expect("buffer");
        assert!((buffer - (p95 - 600.0)).abs() < 1e-9, "{buffer}");
        assert_eq!(w.buffer_time_ci95_s, Some(0.0));
        assert!((w.buffer_index.expect("index") - buffer / 600.0).abs() < 1e-12);
        // The station waits of the whole crossing hold the second stage's too: 60 min.
        let all: f64 = r
            .stations
            .iter()
            .map(|s| s.wait.mean_s.unwrap_or(0.0) * 3.0)
            .sum();
        assert!((all - 3600.0).abs() < 1e-6, "{all}");
    }

    #[test]
    fn nobody_waits_before_the_first_inspection_point_of_an_idle_crossing() {
        let r = report(0.0, false);
        let w = &r.trs.first_inspection[0];
        assert!(w.count > 3 * 1300, "{}", w.count);
        assert_eq!(
            (w.mean_s, w.p95_s, w.buffer_time_s),
            (Some(0.0), Some(0.0), Some(0.0))
        );
        assert_eq!(w.buffer_index, None);
    }
}

#[cfg(test)]
mod buffer_tests {
    use bordersim_des::SimTime;
    use bordersim_model::{
        Arrivals, ClassId, Crossing, Population, Scenario, ServiceDist, Source, Station, StationId,
        TraceArrival,
    };

    use crate::run;
    use crate::test_support::options;

    /// One lane of 10-minute service; 40 trucks 20 minutes apart (none waits), then three
    /// together (waits 0, 10 and 20 min): 41 of 43 waits are 0, so the 95th percentile is 0
    /// while the mean is 30/43 min.
    fn mostly_no_wait() -> Scenario {
        let population = Population::simple(&["truck"]);
        let service = vec![Some(ServiceDist::Deterministic {
            value_ms: 600_000.0,
        })];
        let primary = Station::simple("primary", 1, service, vec![]);
        let at = |min: u64| TraceArrival {
            time: SimTime::from_mins(min),
            class: ClassId(0),
            programme: None,
        };
        let mut arrivals: Vec<TraceArrival> = (0..40).map(|k| at(20 * k)).collect();
        arrivals.extend([at(820), at(820), at(820)]);
        let source = Source {
            id: "trace".into(),
            entry: StationId(0),
            arrivals: Arrivals::Trace { arrivals },
        };
        Scenario {
            name: "mostly no wait".into(),
            crossing: Crossing::new("x", &population, vec![primary], vec![source]).expect("valid"),
            horizon: SimTime::from_hours(24),
            warmup: SimTime::ZERO,
            replications: 2,
            seed: 1,
            start_weekday: 0,
        }
    }

    #[test]
    fn a_p95_below_the_mean_gives_a_buffer_of_zero_on_one_basis() {
        let r = run(&mostly_no_wait(), &options(2)).expect("runs").report;
        let mean = 30.0 * 60.0 / 43.0;
        let w = &r.trs.first_inspection[0];
        assert_eq!(w.count, 86);
        assert!((w.mean_s.expect("mean") - mean).abs() < 1e-9);
        // The pooled p95 and the replications' own p95s agree here: 0.
        assert_eq!((w.p95_s, w.p95_rep_mean_s), (Some(0.0), Some(0.0)));
        assert_eq!(w.p95_rep_mean_ci95_s, Some(0.0));
        assert_eq!((w.buffer_time_s, w.buffer_index), (Some(0.0), Some(0.0)));
        // The station's wait: the same rule, never negative.
        let wait = &r.stations[0].wait;
        assert_eq!(wait.p95_s, Some(0.0));
        assert_eq!(
            (wait.buffer_time_s, wait.buffer_index),
            (Some(0.0), Some(0.0))
        );
        assert_eq!(super::super::buffer_time(0.0, mean), 0.0);
        assert_eq!(super::super::buffer_time(1200.0, 600.0), 600.0);
    }
}
