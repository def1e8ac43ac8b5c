//! Building the report from the replications: stations and their lane groups, classes,
//! directions and the whole crossing. Every mean is over replications in replication order.

use bordersim_model::{Cells, ClassId, ReplicationStats, Scenario, VehicleCounts};
use bordersim_stats::{MeanCi, Tally};

use super::economics::economics;
use super::trs::{
    channel_shares, hourly_profiles, pre_arrival_shares, release_tally, trs_intervals,
};
use super::{
    ClassReport, DelayStats, DirectionReport, LaneGroupReport, QueueLengthStats, Report,
    SpillbackReport, StationReport, SystemReport, TrsReport,
};

pub(super) fn mean_ci(samples: &[f64]) -> (f64, Option<f64>) {
    MeanCi::from_samples(samples).map_or((0.0, None), |c| (c.mean, c.half_width_95))
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
) -> StationReport {
    let crossing = &scenario.crossing;
    let st = &crossing.stations()[i];
    let mut utilization = Vec::with_capacity(reps.len());
    let mut throughput = Vec::with_capacity(reps.len());
    let mut queue_mean = Vec::with_capacity(reps.len());
    let mut lane_hours = Vec::with_capacity(reps.len());
    let mut queue_max = 0;
    let mut km_mean = Vec::with_capacity(reps.len());
    let mut km_max: u64 = 0;
    let merged = st.merged_into.is_some();
    for r in reps {
        let s = &r.stations[i];
        let end = r.window_end_ms;
        // A control merged into a joint stop has its officers counted there: counting its
        // own lanes too would count them twice.
        let staffed = if merged { 0 } else { s.staffed_area(end) };
        let busy = s.busy_servers.area_until(end);
        utilization.push(if staffed == 0 {
            0.0
        } else {
            busy as f64 / staffed as f64
        });
        let hours = r.window_hours();
        throughput.push(if hours > 0.0 {
            s.served as f64 / hours
        } else {
            0.0
        });
        queue_mean.push(s.queue_length.mean_until(end));
        lane_hours.push(staffed as f64 / 3_600_000.0);
        queue_max = queue_max.max(s.queue_length.max());
        km_mean.push(s.outside_length_cm.mean_until(end) / 100_000.0);
        km_max = km_max.max(s.outside_length_cm.max());
    }
    let (utilization, utilization_ci95) = mean_ci(&utilization);
    let (queue_mean, queue_ci95) = mean_ci(&queue_mean);
    let lane_groups = st
        .lanes
        .iter()
        .enumerate()
        .map(|(g, group)| LaneGroupReport {
            id: group.id.clone(),
            servers_max: match &group.rule {
                Some(_) => reps
                    .iter()
                    .map(|r| r.stations[i].lanes[g].open.max() as u32)
                    .max()
                    .unwrap_or(0),
                None => group.schedule.max(),
            },
            servers_mean: mean(
                reps.iter()
                    .map(|r| r.stations[i].lanes[g].open.mean_until(r.window_end_ms)),
            ),
            lane_hours: mean(reps.iter().map(|r| {
                if merged {
                    return 0.0;
                }
                r.stations[i].lanes[g].staffed.area_until(r.window_end_ms) as f64 / 3_600_000.0
            })),
            utilization: mean(reps.iter().map(|r| {
                let l = &r.stations[i].lanes[g];
                let staffed = if merged {
                    0
                } else {
                    l.staffed.area_until(r.window_end_ms)
                };
                if staffed == 0 {
                    0.0
                } else {
                    l.busy.area_until(r.window_end_ms) as f64 / staffed as f64
                }
            })),
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
        })
        .collect();
    let outside: Vec<Tally> = reps
        .iter()
        .map(|r| r.stations[i].time_outside.clone())
        .collect();
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
        wait: delay(reps, |r| &r.stations[i].waits, |_| true),
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
            vehicles: reps.iter().map(|r| r.stations[i].spilled).sum(),
            balked: reps.iter().map(|r| r.stations[i].balked).sum(),
            outside_at_end: reps
                .iter()
                .map(|r| r.stations[i].outside_vehicles.level())
                .sum(),
            time_outside: DelayStats::from_tallies(&outside),
            queue_km_mean: mean_ci(&km_mean).0,
            queue_km_max: km_max as f64 / 100_000.0,
        },
        passed_without_stopping: reps.iter().map(|r| r.stations[i].passed).sum(),
    }
}

/// Summarises replications (in the order given) into the report.
pub fn summarise(scenario: &Scenario, seed: u64, reps: &[ReplicationStats]) -> Report {
    let crossing = &scenario.crossing;
    let population = scenario.population();
    let loads = scenario.offered_loads();
    let stations = (0..crossing.stations().len())
        .map(|i| station_report(scenario, reps, i, loads[i]))
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
                count: reps.iter().map(|r| r.classes[c].departed).sum(),
                arrived: reps.iter().map(|r| r.classes[c].arrived).sum(),
                balked: reps.iter().map(|r| r.classes[c].balked).sum(),
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
            DirectionReport {
                id: direction.id.clone(),
                arrived: reps.iter().map(|r| r.direction_arrivals[d]).sum(),
                departed: exit.iter().map(Tally::count).sum(),
                time_in_system: DelayStats::from_tallies(&exit),
                release: DelayStats::from_tallies(&release),
            }
        })
        .collect();
    let hourly = hourly_profiles(population, reps);
    let channels = channel_shares(reps);
    let pre_arrival = pre_arrival_shares(population, &directions, reps);
    let system: Vec<Tally> = reps.iter().map(ReplicationStats::time_in_system).collect();
    let release: Vec<Tally> = reps.iter().map(|r| release_tally(r, None)).collect();
    let mut vehicles = VehicleCounts::default();
    for r in reps {
        vehicles.add(&r.vehicles);
    }
    Report {
        scenario: scenario.name.clone(),
        seed,
        replications: reps.len() as u32,
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
        },
        economics: economics(scenario, reps),
        costs: super::costs::costs(scenario, reps),
        events: reps.iter().map(|r| r.events).sum(),
        performance: None,
    }
}
