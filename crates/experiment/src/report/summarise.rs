//! Building the report from the replications: stations and their lane groups, classes,
//! directions and the whole crossing. Every mean is over replications in replication order.
//!
//! Every aggregate over replications goes through `crate::sweep::summary` (`samples`,
//! `delay`, `unpooled`, `total`, `largest`, `pooled`), so that the same code builds the
//! report from all replications at once or from a mergeable [`Summary`] of them, bit for
//! bit alike.

use bordersim_model::{Cells, Channel, ClassId, ReplicationStats, Scenario, VehicleCounts};
use bordersim_stats::{MeanCi, Tally};

use crate::sweep::summary::{self, MergeError, Summary, largest, total};

use super::economics::economics;
use super::trs::{
    channel_shares, hourly_profiles, pre_arrival_shares, release_tally, trs_intervals,
};
use super::{
    BlockingReport, ChannelShare, ClassReport, DelayStats, Detail, DirectionReport, HourlyProfile,
    LaneGroupReport, PreArrivalShare, QueueLengthStats, Report, SpillbackReport, StationReport,
    SystemReport, TrsReport,
};

pub(super) fn mean_ci(samples: &[f64]) -> (f64, Option<f64>) {
    let samples = summary::samples(samples);
    MeanCi::from_samples(&samples).map_or((0.0, None), |c| (c.mean, c.half_width_95))
}

pub(super) fn mean(samples: impl IntoIterator<Item = f64>) -> f64 {
    let v: Vec<f64> = samples.into_iter().collect();
    mean_ci(&v).0
}

/// Per replication, the merge of the cells `keep` selects.
pub(super) fn per_rep(
    reps: &[ReplicationStats],
    cells: impl Fn(&ReplicationStats) -> &Cells,
    keep: impl Fn(usize) -> bool,
) -> Vec<Tally> {
    reps.iter().map(|r| cells(r).merged(&keep)).collect()
}

pub(super) fn delay(
    reps: &[ReplicationStats],
    cells: impl Fn(&ReplicationStats) -> &Cells,
    keep: impl Fn(usize) -> bool,
) -> DelayStats {
    DelayStats::from_tallies(&per_rep(reps, cells, keep))
}

fn station_report(
    scenario: &Scenario,
    reps: &[ReplicationStats],
    i: usize,
    offered_load: f64,
    detail: Detail,
) -> StationReport {
    let crossing = &scenario.crossing;
    let st = &crossing.stations()[i];
    let mut utilization = Vec::with_capacity(reps.len());
    let mut throughput = Vec::with_capacity(reps.len());
    let mut queue_mean = Vec::with_capacity(reps.len());
    let mut lane_hours = Vec::with_capacity(reps.len());
    let mut km_mean = Vec::with_capacity(reps.len());
    let merged = st.merged_into.is_some();
    for r in reps {
        let s = &r.stations[i];
        let end = r.window_end_ms;
        // A control merged into a joint stop has its officers counted there: counting its
        // own lanes too would count them twice.
        let staffed = if merged { 0 } else { s.staffed_area(end) };
        let busy = s.busy_servers.area_until(end);
        utilization
            .push(utilisation(busy, staffed, s.open_servers.area_until(end)).unwrap_or(f64::NAN));
        let hours = r.window_hours();
        throughput.push(if hours > 0.0 {
            s.served as f64 / hours
        } else {
            0.0
        });
        queue_mean.push(s.queue_length.mean_until(end));
        lane_hours.push(staffed as f64 / 3_600_000.0);
        km_mean.push(s.outside_length_cm.mean_until(end) / 100_000.0);
    }
    let queue_max = largest(reps.iter().map(|r| r.stations[i].queue_length.max()));
    let km_max = largest(reps.iter().map(|r| r.stations[i].outside_length_cm.max()));
    let (utilization, utilization_ci95) = defined_mean_ci(&utilization);
    let (queue_mean, queue_ci95) = mean_ci(&queue_mean);
    let lane_groups = st
        .lanes
        .iter()
        .enumerate()
        .map(|(g, group)| {
            // In the order the report has always asked for them (a summary replays them so).
            let servers_max = match &group.rule {
                Some(_) => largest(reps.iter().map(|r| r.stations[i].lanes[g].open.max())) as u32,
                None => group.schedule.max(),
            };
            let servers_mean = mean(
                reps.iter()
                    .map(|r| r.stations[i].lanes[g].open.mean_until(r.window_end_ms)),
            );
            let lane_hours = mean(reps.iter().map(|r| {
                if merged {
                    return 0.0;
                }
                r.stations[i].lanes[g].staffed.area_until(r.window_end_ms) as f64 / 3_600_000.0
            }));
            let per_rep: Vec<f64> = reps
                .iter()
                .map(|r| {
                    let l = &r.stations[i].lanes[g];
                    let end = r.window_end_ms;
                    let u = utilisation(
                        l.busy.area_until(end),
                        l.staffed.area_until(end),
                        l.open.area_until(end),
                    );
                    if merged { None } else { u }.unwrap_or(f64::NAN)
                })
                .collect();
            let (utilization, utilization_ci95) = defined_mean_ci(&per_rep);
            LaneGroupReport {
                id: group.id.clone(),
                servers_max,
                servers_mean,
                lane_hours,
                utilization,
                utilization_ci95,
                served: mean(reps.iter().map(|r| r.stations[i].lanes[g].served as f64)),
                rule_openings: group.rule.map(|_| {
                    mean(
                        reps.iter()
                            .map(|r| r.stations[i].lanes[g].rule_openings as f64),
                    )
                }),
                rule_closings: group.rule.map(|_| {
                    mean(
                        reps.iter()
                            .map(|r| r.stations[i].lanes[g].rule_closings as f64),
                    )
                }),
            }
        })
        .collect();
    let outside: Vec<Tally> = reps
        .iter()
        .map(|r| r.stations[i].time_outside.clone())
        .collect();
    let (wait, wait_distribution) =
        DelayStats::with_distribution(&per_rep(reps, |r| &r.stations[i].waits, |_| true), detail);
    StationReport {
        id: st.id.clone(),
        crossing: crossing.name.clone(),
        direction: scenario.population().directions[st.direction.index()]
            .id
            .clone(),
        servers: st.max_servers(),
        merged_into: st
            .merged_into
            .map(|j| crossing.stations()[j.index()].id.clone()),
        wait,
        wait_distribution,
        stage: delay(reps, |r| &r.stations[i].stages, |_| true),
        utilization,
        utilization_ci95,
        throughput_per_h: mean_ci(&throughput).0,
        queue_length: QueueLengthStats {
            mean: queue_mean,
            ci95: queue_ci95,
            max: queue_max,
        },
        offered_load,
        lane_hours: mean_ci(&lane_hours).0,
        lane_groups,
        spillback: SpillbackReport {
            vehicles: total(reps.iter().map(|r| r.stations[i].spilled)),
            balked: total(reps.iter().map(|r| r.stations[i].balked)),
            outside_at_end: total(reps.iter().map(|r| r.stations[i].outside_vehicles.level())),
            time_outside: DelayStats::from_tallies(&outside),
            queue_km_mean: mean_ci(&km_mean).0,
            queue_km_max: km_max as f64 / 100_000.0,
        },
        passed_without_stopping: total(reps.iter().map(|r| r.stations[i].passed)),
        blocking: BlockingReport {
            time_held: delay(reps, |r| &r.stations[i].blocked, |_| true),
            lane_hours: mean(reps.iter().map(|r| {
                r.stations[i].blocked_servers.area_until(r.window_end_ms) as f64 / 3_600_000.0
            })),
            held_at_end: total(reps.iter().map(|r| r.stations[i].blocked_servers.level())),
        },
    }
}

/// Busy server-time over staffed server-time (overtime included, as in lane-hours), when
/// some lane was scheduled (`scheduled`, server·ms, > 0): overtime alone, all busy by
/// definition, would read 100%.
/// The mean and 95% half-width of the replications' values that are defined (not NaN: a
/// replication with no staffed lane has no utilisation). Every value, NaN or not, goes
/// through `summary::samples` in replication order, so a summary replays it alike.
fn defined_mean_ci(values: &[f64]) -> (Option<f64>, Option<f64>) {
    let values = summary::samples(values);
    let defined: Vec<f64> = values.iter().copied().filter(|u| !u.is_nan()).collect();
    match MeanCi::from_samples(&defined) {
        Some(c) => (Some(c.mean), c.half_width_95),
        None => (None, None),
    }
}

fn utilisation(busy: u128, staffed: u128, scheduled: u128) -> Option<f64> {
    (scheduled > 0 && staffed > 0).then(|| busy as f64 / staffed as f64)
}

/// Summarises replications (in the order given) into the report of the data outputs
/// ([`Detail::Data`]).
pub fn summarise(scenario: &Scenario, seed: u64, reps: &[ReplicationStats]) -> Report {
    build(scenario, seed, reps, reps.len() as u64, Detail::Data)
}

/// The summary of one replication (replication `rep.replication`), to merge with others.
pub(crate) fn record(scenario: &Scenario, mut rep: ReplicationStats) -> Summary {
    steer_release_rows(scenario, &mut rep);
    Summary::record(&rep, |r| {
        // The aggregates asked for are the same for every detail: the one without extras.
        build(scenario, 0, std::slice::from_ref(r), 1, Detail::Data);
    })
}

/// The report of the replications `summary` holds: the report of all of them at once,
/// bit for bit ([`Detail::Data`]).
pub fn report_of(scenario: &Scenario, seed: u64, summary: Summary) -> Report {
    report_of_with(scenario, seed, summary, Detail::Data)
}

/// As [`report_of`], built for `detail`: a summary recorded by any run gives a page
/// ([`Detail::Page`]) its wait distributions, read off the same merged histograms.
pub fn report_of_with(scenario: &Scenario, seed: u64, summary: Summary, detail: Detail) -> Report {
    summary.replay(|mut stand_in, replications| {
        steer_release_rows(scenario, &mut stand_in);
        build(
            scenario,
            seed,
            std::slice::from_ref(&stand_in),
            replications,
            detail,
        )
    })
}

/// Checks that `summary` (read back from a file, say) summarises `scenario`: the same
/// stations, lane groups and vehicle kinds, and the aggregates its report asks for, in order.
///
/// # Errors
///
/// [`MergeError::Shape`] saying what differs.
pub fn check_summary(scenario: &Scenario, summary: &Summary) -> Result<(), MergeError> {
    let population = scenario.population();
    let lane_groups: Vec<usize> = scenario
        .crossing
        .stations()
        .iter()
        .map(|s| s.lanes.len())
        .collect();
    let (classes, programmes, directions) = summary.kinds();
    if (classes, programmes, directions)
        != (
            population.classes.len(),
            population.programmes.len(),
            population.directions.len(),
        )
        || summary.lane_groups() != lane_groups.as_slice()
    {
        return Err(MergeError::Shape(
            "its stations, lane groups or vehicle kinds are not the scenario's".into(),
        ));
    }
    // What the scenario's report asks for, from a replication that observed nothing.
    let probe = record(scenario, summary.stand_in());
    summary.check_shape(&probe)
}

/// Without a releasing station, the TRS table's arrival-to-release rows are chosen by
/// whether every replication's release cells hold every exit, which (release cells being
/// empty then) is whether no vehicle left: a property of the data. A summary needs the
/// rows the scenario alone decides, so a replication in which nobody left is given one
/// release observation, which only that choice reads: it then takes the rows of the other
/// replications. When nobody left in any replication every row is empty and left out of the
/// table either way, so the report does not change.
fn steer_release_rows(scenario: &Scenario, rep: &mut ReplicationStats) {
    let releases = scenario.crossing.stations().iter().any(|s| s.releases);
    if !releases && rep.exit.iter().next().is_none() && rep.release.iter().next().is_none() {
        rep.release.record(0, 0);
    }
}

/// The report of `reps`, which stand for `replications` replications (more than `reps`
/// when the aggregates are replayed from a summary).
fn build(
    scenario: &Scenario,
    seed: u64,
    reps: &[ReplicationStats],
    replications: u64,
    detail: Detail,
) -> Report {
    let crossing = &scenario.crossing;
    let population = scenario.population();
    let loads = scenario.offered_loads();
    let stations = (0..crossing.stations().len())
        .map(|i| station_report(scenario, reps, i, loads[i], detail))
        .collect();
    let classes = population
        .classes
        .iter()
        .enumerate()
        .map(|(c, class)| {
            let tallies: Vec<Tally> = reps
                .iter()
                .map(|r| r.class_time_in_system(ClassId(c as u16)))
                .collect();
            ClassReport {
                id: class.id.clone(),
                time_in_system: DelayStats::from_tallies(&tallies),
                count: total(reps.iter().map(|r| r.classes[c].departed)),
                arrived: total(reps.iter().map(|r| r.classes[c].arrived)),
                balked: total(reps.iter().map(|r| r.classes[c].balked)),
            }
        })
        .collect();
    let directions: Vec<DirectionReport> = population
        .directions
        .iter()
        .enumerate()
        .map(|(d, direction)| {
            let in_direction =
                |r: &ReplicationStats, k: usize| r.shape.decode_system_cell(k).0.index() == d;
            let exit: Vec<Tally> = reps
                .iter()
                .map(|r| r.exit.merged(|k| in_direction(r, k)))
                .collect();
            let release: Vec<Tally> = reps.iter().map(|r| release_tally(r, Some(d))).collect();
            let time_in_system = DelayStats::from_tallies(&exit);
            DirectionReport {
                id: direction.id.clone(),
                arrived: total(reps.iter().map(|r| r.direction_arrivals[d])),
                departed: time_in_system.count,
                time_in_system,
                release: DelayStats::from_tallies(&release),
            }
        })
        .collect();
    let (hourly, channels, pre_arrival) = if summary::direct() {
        (
            hourly_profiles(population, reps),
            channel_shares(reps),
            pre_arrival_shares(population, &directions, reps),
        )
    } else {
        aggregated_tables(scenario, &directions, reps)
    };
    let system: Vec<Tally> = reps.iter().map(ReplicationStats::time_in_system).collect();
    let release: Vec<Tally> = reps.iter().map(|r| release_tally(r, None)).collect();
    let vehicles = VehicleCounts {
        in_system_at_start: total(reps.iter().map(|r| r.vehicles.in_system_at_start)),
        arrived: total(reps.iter().map(|r| r.vehicles.arrived)),
        departed: total(reps.iter().map(|r| r.vehicles.departed)),
        balked: total(reps.iter().map(|r| r.vehicles.balked)),
        abandoned: total(reps.iter().map(|r| r.vehicles.abandoned)),
        in_system_at_end: total(reps.iter().map(|r| r.vehicles.in_system_at_end)),
    };
    Report {
        scenario: scenario.name.clone(),
        seed,
        replications: replications as u32,
        horizon_s: scenario.horizon.as_secs_f64(),
        warmup_s: scenario.warmup.as_secs_f64(),
        vehicles: vehicles.into(),
        stations,
        classes,
        directions,
        system: SystemReport {
            time_in_system: DelayStats::from_tallies(&system),
            release: DelayStats::from_tallies(&release),
        },
        trs: TrsReport {
            intervals: trs_intervals(scenario, reps),
            hourly,
            channels,
            pre_arrival,
            first_inspection: super::trs::first_inspection_waits(scenario, reps),
        },
        economics: economics(scenario, reps),
        costs: super::costs::costs(scenario, reps),
        events: total(reps.iter().map(|r| r.events)),
        hourly_groups: super::hourly_groups::hourly_groups(scenario, reps),
        performance: None,
        warnings: super::growth::warnings(scenario, reps),
        lanes_by_hour: super::series::lanes_by_hour(scenario),
        open_lanes: super::open_lanes::open_lanes(scenario, reps),
        series: super::series::series(scenario, reps, replications),
        appointments: super::appointments::appointments(scenario, reps),
        abandonment: super::abandonment::abandonment(scenario, reps),
        recovery: super::recovery::recovery(scenario, reps),
    }
}

/// The hourly profiles, channel shares and pre-arrival shares of the TRS tables, from
/// aggregates a summary keeps (the same figures `hourly_profiles`, `channel_shares` and
/// `pre_arrival_shares` compute from the replications; a test holds them equal).
fn aggregated_tables(
    scenario: &Scenario,
    directions: &[DirectionReport],
    reps: &[ReplicationStats],
) -> (Vec<HourlyProfile>, Vec<ChannelShare>, Vec<PreArrivalShare>) {
    let population = scenario.population();
    let hourly = hourly_profiles(population, reps);
    let counts = Channel::ALL.map(|ch| {
        total(reps.iter().map(|r| {
            r.exit
                .iter()
                .filter(|(k, _)| r.shape.decode_system_cell(*k).3 == ch)
                .map(|(_, t)| t.count())
                .sum::<u64>()
        }))
    });
    let all: u64 = counts.iter().sum();
    let channels = Channel::ALL
        .iter()
        .zip(counts)
        .map(|(ch, count)| ChannelShare {
            channel: ch.name().to_string(),
            count,
            share: if all == 0 {
                0.0
            } else {
                count as f64 / all as f64
            },
        })
        .collect();
    let pre_arrival = population
        .directions
        .iter()
        .zip(directions)
        .enumerate()
        .map(|(d, (direction, report))| {
            let released = total(reps.iter().map(|r| r.released_on_arrival[d]));
            PreArrivalShare {
                direction: direction.id.clone(),
                departed: report.departed,
                pre_lodged: total(reps.iter().map(|r| r.pre_lodged_exits[d])),
                released_on_arrival: released,
                share_released_on_arrival: if report.departed == 0 {
                    0.0
                } else {
                    released as f64 / report.departed as f64
                },
            }
        })
        .collect();
    (hourly, channels, pre_arrival)
}
