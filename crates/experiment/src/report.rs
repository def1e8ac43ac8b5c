//! The summary of an experiment: the JSON output contract (DESIGN.md §5). Field names are a
//! contract other tools rely on: add fields freely, rename none. All times in seconds.

use bordersim_model::{
    Cells, Channel, ClassId, Direction, ReplicationStats, Scenario, VehicleCounts,
};
use bordersim_stats::{MeanCi, Tally};
use serde::Serialize;

/// Days in the year of the per-year figures.
pub(crate) const DAYS_PER_YEAR: f64 = 365.0;

/// Delay statistics in seconds. The mean and its CI come from the replication means; the
/// percentiles and maximum from every observation of every replication (merged histograms).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DelayStats {
    pub mean_s: Option<f64>,
    pub p50_s: Option<f64>,
    pub p90_s: Option<f64>,
    pub p95_s: Option<f64>,
    pub p99_s: Option<f64>,
    pub max_s: Option<f64>,
    /// Half-width of the 95% confidence interval of the mean across replications (null with
    /// a single replication).
    pub ci95_s: Option<f64>,
    pub min_s: Option<f64>,
    /// Observations behind these statistics, over all replications.
    pub count: u64,
    /// FHWA buffer time: p95 − mean, the extra time to allow to be on time 95% of the time.
    pub buffer_time_s: Option<f64>,
    /// FHWA buffer index: buffer time / mean.
    pub buffer_index: Option<f64>,
}

impl DelayStats {
    /// `per_replication` holds one tally per replication.
    pub fn from_tallies(per_replication: &[Tally]) -> DelayStats {
        let mut merged = Tally::new();
        for t in per_replication {
            merged.merge(t);
        }
        let means: Vec<f64> = per_replication.iter().filter_map(Tally::mean_ms).collect();
        let ci = MeanCi::from_samples(&means);
        let s = |ms: f64| ms / 1000.0;
        let pct = merged.percentiles();
        let mean_s = ci.map(|c| s(c.mean));
        let buffer_time_s = mean_s.zip(pct).map(|(m, p)| s(p.p95_ms) - m);
        DelayStats {
            mean_s,
            p50_s: pct.map(|p| s(p.p50_ms)),
            p90_s: pct.map(|p| s(p.p90_ms)),
            p95_s: pct.map(|p| s(p.p95_ms)),
            p99_s: pct.map(|p| s(p.p99_ms)),
            max_s: merged.max_ms().map(|v| s(v as f64)),
            ci95_s: ci.and_then(|c| c.half_width_95).map(s),
            min_s: merged.min_ms().map(|v| s(v as f64)),
            count: merged.count(),
            buffer_time_s,
            buffer_index: buffer_time_s
                .zip(mean_s)
                .and_then(|(b, m)| (m > 0.0).then(|| b / m)),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QueueLengthStats {
    /// Time-weighted mean number of vehicles in queue (mean over replications).
    pub mean: f64,
    pub ci95: Option<f64>,
    /// Largest queue seen in any replication.
    pub max: u64,
}

/// One lane group of a station.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LaneGroupReport {
    pub id: String,
    /// Most lanes ever open at once.
    pub servers_max: u32,
    /// Mean lanes open by schedule over the observation window.
    pub servers_mean: f64,
    /// Staffed lane-hours per replication (mean): open lanes, plus lanes finishing a vehicle
    /// after closing.
    pub lane_hours: f64,
    /// Busy time / staffed time.
    pub utilization: f64,
    /// Vehicles served per replication (mean).
    pub served: f64,
    /// Under a lane rule: lanes it opened and closed per replication (mean).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_openings: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_closings: Option<f64>,
}

/// What happened upstream of a station whose queue was full.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpillbackReport {
    /// Vehicles that waited upstream (all replications).
    pub vehicles: u64,
    /// Vehicles that left unserved (all replications).
    pub balked: u64,
    /// Time spent upstream, outside the facility, by the vehicles let in before the end.
    pub time_outside: DelayStats,
    /// Vehicles still waiting upstream at the end of the run (all replications): their
    /// time outside is not in `time_outside`.
    pub outside_at_end: u64,
    /// Time-weighted mean and largest length of the upstream queue, km.
    pub queue_km_mean: f64,
    pub queue_km_max: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StationReport {
    pub id: String,
    pub crossing: String,
    pub direction: String,
    /// Most servers ever open at once.
    pub servers: u32,
    pub wait: DelayStats,
    /// Time at this stage: end of queue to end of service.
    pub stage: DelayStats,
    /// Time-weighted busy servers / staffed servers (mean over replications).
    pub utilization: f64,
    pub utilization_ci95: Option<f64>,
    /// Vehicles served per hour of the observation window (mean over replications).
    pub throughput_per_h: f64,
    pub queue_length: QueueLengthStats,
    /// Offered load per open server from the traffic equations, averaged over the week
    /// (≥ 1: unstable).
    pub offered_load: f64,
    /// Staffed server-hours per replication (mean).
    pub lane_hours: f64,
    pub lane_groups: Vec<LaneGroupReport>,
    pub spillback: SpillbackReport,
    /// Vehicles that passed without stopping: pre-lodged ones at a station they skip, every
    /// one at a control merged into a joint stop (all replications).
    pub passed_without_stopping: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassReport {
    pub id: String,
    pub time_in_system: DelayStats,
    /// Vehicles of this class that left during the observation windows (all replications).
    pub count: u64,
    pub arrived: u64,
    pub balked: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DirectionReport {
    pub id: String,
    pub arrived: u64,
    pub departed: u64,
    /// Arrival to exit.
    pub time_in_system: DelayStats,
    /// Arrival to release (TRS).
    pub release: DelayStats,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SystemReport {
    pub time_in_system: DelayStats,
    pub release: DelayStats,
}

/// One interval of the Time Release Study, for one segment of vehicles.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrsInterval {
    /// A station id (time at that stage), `arrival_to_release` or `arrival_to_exit`.
    pub interval: String,
    /// `all`, `class`, `direction`, `channel` or `programme`.
    pub dimension: String,
    /// The segment: a class, direction, channel or programme id (`all` for everyone).
    pub segment: String,
    pub stats: DelayStats,
}

/// Arrival-to-release time by hour of arrival.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HourlyProfile {
    pub direction: String,
    pub hour: u8,
    pub count: u64,
    pub mean_s: Option<f64>,
    pub p95_s: Option<f64>,
}

/// The share of each risk channel among arrivals that left.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelShare {
    pub channel: String,
    pub count: u64,
    pub share: f64,
}

/// The report in the shape of a WCO Time Release Study.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrsReport {
    pub intervals: Vec<TrsInterval>,
    pub hourly: Vec<HourlyProfile>,
    pub channels: Vec<ChannelShare>,
    /// Pre-arrival processing, per direction.
    pub pre_arrival: Vec<PreArrivalShare>,
}

/// How many vehicles of a direction had their declaration lodged before arrival, and how
/// many were released on arrival (the release decision taken before they reached the
/// border: an arrival-to-release time of zero).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PreArrivalShare {
    pub direction: String,
    /// Vehicles that left during the observation windows (all replications).
    pub departed: u64,
    pub pre_lodged: u64,
    pub released_on_arrival: u64,
    /// `released_on_arrival / departed`.
    pub share_released_on_arrival: f64,
}

/// The cost of waiting for one class, or for every class together.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DelayCost {
    /// A class id, or `all`.
    pub id: String,
    /// Value of one vehicle-hour (null for `all`).
    pub value_of_time_per_h: Option<f64>,
    /// Vehicle-hours spent waiting (queues and upstream of full ones) per day of the
    /// observation window: mean over replications and its 95% half-width.
    pub delay_vehicle_hours_per_day: f64,
    pub delay_vehicle_hours_per_day_ci95: Option<f64>,
    /// Delay valued at the class's value of time, per day and per year (365 days).
    pub value_per_day: f64,
    pub value_per_day_ci95: Option<f64>,
    pub value_per_year: f64,
}

/// Wall-clock measurements, filled in by the program that timed the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Performance {
    pub events: u64,
    pub wall_s: f64,
    pub events_per_s: f64,
    pub threads: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VehicleReport {
    pub arrived: u64,
    pub departed: u64,
    pub balked: u64,
    pub in_system_at_end: u64,
    /// In the system when observation started (end of warm-up).
    pub in_system_at_start: u64,
}

impl From<VehicleCounts> for VehicleReport {
    fn from(v: VehicleCounts) -> Self {
        VehicleReport {
            arrived: v.arrived,
            departed: v.departed,
            balked: v.balked,
            in_system_at_end: v.in_system_at_end,
            in_system_at_start: v.in_system_at_start,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub scenario: String,
    pub seed: u64,
    pub replications: u32,
    pub horizon_s: f64,
    pub warmup_s: f64,
    /// Totals over all replications' observation windows.
    pub vehicles: VehicleReport,
    pub stations: Vec<StationReport>,
    pub classes: Vec<ClassReport>,
    pub directions: Vec<DirectionReport>,
    pub system: SystemReport,
    pub trs: TrsReport,
    /// Vehicle-hours of delay and their value, per class and in all.
    pub economics: Vec<DelayCost>,
    /// Events processed over all replications (warm-up included).
    pub events: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performance: Option<Performance>,
}

fn mean_ci(samples: &[f64]) -> (f64, Option<f64>) {
    MeanCi::from_samples(samples).map_or((0.0, None), |c| (c.mean, c.half_width_95))
}

fn mean(samples: impl IntoIterator<Item = f64>) -> f64 {
    let v: Vec<f64> = samples.into_iter().collect();
    mean_ci(&v).0
}

/// Per replication, the merge of the cells `keep` selects.
fn per_rep(
    reps: &[ReplicationStats],
    cells: impl Fn(&ReplicationStats) -> &Cells,
    keep: impl Fn(usize) -> bool,
) -> Vec<Tally> {
    reps.iter().map(|r| cells(r).merged(&keep)).collect()
}

fn delay(
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
    for r in reps {
        let s = &r.stations[i];
        let end = r.window_end_ms;
        let staffed = s.staffed_area(end);
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
                r.stations[i].lanes[g].staffed.area_until(r.window_end_ms) as f64 / 3_600_000.0
            })),
            utilization: mean(reps.iter().map(|r| {
                let l = &r.stations[i].lanes[g];
                let staffed = l.staffed.area_until(r.window_end_ms);
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

/// Picks a table of cells out of a replication.
type CellsOf = fn(&ReplicationStats) -> &Cells;

/// Arrival-to-release cells; without a releasing station, release is exit.
fn release_cells(scenario: &Scenario) -> CellsOf {
    if scenario.crossing.stations().iter().any(|s| s.releases) {
        |r| &r.release
    } else {
        |r| &r.exit
    }
}

fn stage_cells(station: usize) -> impl Fn(&ReplicationStats) -> &Cells {
    move |r| &r.stations[station].stages
}

/// The TRS interval table: every stage and the two whole-crossing intervals, for everyone and
/// by class, direction, channel and programme. Segments without observations are left out.
fn trs_intervals(scenario: &Scenario, reps: &[ReplicationStats]) -> Vec<TrsInterval> {
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
    for (i, st) in scenario.crossing.stations().iter().enumerate() {
        let cells = stage_cells(i);
        let cells = &cells;
        push(&st.id, "all", "all", delay(reps, cells, |_| true));
        for (c, class) in population.classes.iter().enumerate() {
            push(
                &st.id,
                "class",
                &class.id,
                delay(reps, cells, |k| shape.decode_station_cell(k).0.index() == c),
            );
        }
        for ch in Channel::ALL {
            push(
                &st.id,
                "channel",
                ch.name(),
                delay(reps, cells, |k| shape.decode_station_cell(k).2 == ch),
            );
        }
        for (p, programme) in population.programmes.iter().enumerate() {
            push(
                &st.id,
                "programme",
                &programme.id,
                delay(reps, cells, |k| shape.decode_station_cell(k).1.index() == p),
            );
        }
    }
    let system: [(&str, CellsOf); 2] = [
        ("arrival_to_release", release_cells(scenario)),
        ("arrival_to_exit", |r| &r.exit),
    ];
    for (name, cells) in system {
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
    out
}

/// Per replication, vehicle-hours of waiting per day of class `class` (all classes: `None`)
/// and their value.
pub fn delay_per_day(
    scenario: &Scenario,
    rep: &ReplicationStats,
    class: Option<usize>,
) -> (f64, f64) {
    let days = rep.window_days();
    if days <= 0.0 {
        return (0.0, 0.0);
    }
    let classes = &scenario.population().classes;
    let mut hours = 0.0;
    let mut value = 0.0;
    for (c, cls) in classes.iter().enumerate() {
        if class.is_some_and(|k| k != c) {
            continue;
        }
        let h = rep.class_wait_ms(ClassId(c as u16)) as f64 / 3_600_000.0 / days;
        hours += h;
        value += h * cls.value_of_time_per_h;
    }
    (hours, value)
}

fn economics(scenario: &Scenario, reps: &[ReplicationStats]) -> Vec<DelayCost> {
    let classes = &scenario.population().classes;
    let row = |id: String, vot: Option<f64>, class: Option<usize>| {
        let (hours, values): (Vec<f64>, Vec<f64>) = reps
            .iter()
            .map(|r| delay_per_day(scenario, r, class))
            .unzip();
        let (h, h_ci) = mean_ci(&hours);
        let (v, v_ci) = mean_ci(&values);
        DelayCost {
            id,
            value_of_time_per_h: vot,
            delay_vehicle_hours_per_day: h,
            delay_vehicle_hours_per_day_ci95: h_ci,
            value_per_day: v,
            value_per_day_ci95: v_ci,
            value_per_year: v * DAYS_PER_YEAR,
        }
    };
    let mut out: Vec<DelayCost> = classes
        .iter()
        .enumerate()
        .map(|(c, cls)| row(cls.id.clone(), Some(cls.value_of_time_per_h), Some(c)))
        .collect();
    out.push(row("all".into(), None, None));
    out
}

/// Summarises replications (in the order given) into the report.
pub fn summarise(scenario: &Scenario, seed: u64, reps: &[ReplicationStats]) -> Report {
    let crossing = &scenario.crossing;
    let population = scenario.population();
    let loads = scenario.offered_loads();
    let stations = (0..crossing.stations().len())
        .map(|i| station_report(scenario, reps, i, loads[i]))
        .collect();
    let release_cells = release_cells(scenario);
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
    let directions = population
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
            let release: Vec<Tally> = reps
                .iter()
                .map(|r| release_cells(r).merged(|k| in_direction(r, k)))
                .collect();
            DirectionReport {
                id: direction.id.clone(),
                arrived: reps.iter().map(|r| r.direction_arrivals[d]).sum(),
                departed: exit.iter().map(Tally::count).sum(),
                time_in_system: DelayStats::from_tallies(&exit),
                release: DelayStats::from_tallies(&release),
            }
        })
        .collect();
    let mut hourly = Vec::new();
    for (d, direction) in population.directions.iter().enumerate() {
        for h in 0..24 {
            let mut merged = Tally::new();
            for r in reps {
                if let Some(t) = r.release_by_hour.get(d * 24 + h) {
                    merged.merge(t);
                }
            }
            hourly.push(HourlyProfile {
                direction: direction.id.clone(),
                hour: h as u8,
                count: merged.count(),
                mean_s: merged.mean_ms().map(|m| m / 1000.0),
                p95_s: merged.quantile_ms(0.95).map(|m| m / 1000.0),
            });
        }
    }
    let mut channel_counts = [0u64; 3];
    for r in reps {
        for (k, t) in r.exit.iter() {
            channel_counts[r.shape.decode_system_cell(k).3.index()] += t.count();
        }
    }
    let total: u64 = channel_counts.iter().sum();
    let channels = Channel::ALL
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
        .collect();
    let pre_arrival = population
        .directions
        .iter()
        .zip(&directions)
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
        .collect();
    let system: Vec<Tally> = reps.iter().map(ReplicationStats::time_in_system).collect();
    let release: Vec<Tally> = reps
        .iter()
        .map(|r| release_cells(r).merged(|_| true))
        .collect();
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
        events: reps.iter().map(|r| r.events).sum(),
        performance: None,
    }
}
