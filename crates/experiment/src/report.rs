//! The summary of an experiment: the JSON output contract (DESIGN.md §5). Field names are a
//! contract other tools rely on: add fields freely, rename none. All times in seconds.

use bordersim_model::{ReplicationStats, Scenario, VehicleCounts};
use bordersim_stats::{MeanCi, Tally};
use serde::Serialize;

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
        DelayStats {
            mean_s: ci.map(|c| s(c.mean)),
            p50_s: pct.map(|p| s(p.p50_ms)),
            p90_s: pct.map(|p| s(p.p90_ms)),
            p95_s: pct.map(|p| s(p.p95_ms)),
            p99_s: pct.map(|p| s(p.p99_ms)),
            max_s: merged.max_ms().map(|v| s(v as f64)),
            ci95_s: ci.and_then(|c| c.half_width_95).map(s),
            min_s: merged.min_ms().map(|v| s(v as f64)),
            count: merged.count(),
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

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StationReport {
    pub id: String,
    pub crossing: String,
    pub servers: u32,
    pub wait: DelayStats,
    /// Time-weighted busy servers / open servers (mean over replications).
    pub utilization: f64,
    pub utilization_ci95: Option<f64>,
    /// Vehicles served per hour of the observation window (mean over replications).
    pub throughput_per_h: f64,
    pub queue_length: QueueLengthStats,
    /// Offered load per server from the traffic equations (≥ 1: unstable).
    pub offered_load: f64,
    /// Staffed server-hours per replication (mean).
    pub lane_hours: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassReport {
    pub id: String,
    pub time_in_system: DelayStats,
    /// Vehicles of this class that left during the observation windows (all replications).
    pub count: u64,
    pub arrived: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SystemReport {
    pub time_in_system: DelayStats,
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
    pub system: SystemReport,
    /// Events processed over all replications (warm-up included).
    pub events: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performance: Option<Performance>,
}

fn mean_ci(samples: &[f64]) -> (f64, Option<f64>) {
    MeanCi::from_samples(samples).map_or((0.0, None), |c| (c.mean, c.half_width_95))
}

/// Summarises replications (in the order given) into the report.
pub fn summarise(scenario: &Scenario, seed: u64, reps: &[ReplicationStats]) -> Report {
    let crossing = &scenario.crossing;
    let loads = crossing.offered_loads();
    let stations = crossing
        .stations()
        .iter()
        .enumerate()
        .map(|(i, st)| {
            let waits: Vec<Tally> = reps.iter().map(|r| r.stations[i].wait()).collect();
            let mut utilization = Vec::with_capacity(reps.len());
            let mut throughput = Vec::with_capacity(reps.len());
            let mut queue_mean = Vec::with_capacity(reps.len());
            let mut lane_hours = Vec::with_capacity(reps.len());
            let mut queue_max = 0;
            for r in reps {
                let s = &r.stations[i];
                let end = r.window_end_ms;
                let open = s.open_servers.area_until(end);
                let busy = s.busy_servers.area_until(end);
                utilization.push(if open == 0 {
                    0.0
                } else {
                    busy as f64 / open as f64
                });
                let hours = r.window_hours();
                throughput.push(if hours > 0.0 {
                    s.served as f64 / hours
                } else {
                    0.0
                });
                queue_mean.push(s.queue_length.mean_until(end));
                lane_hours.push(open as f64 / 3_600_000.0);
                queue_max = queue_max.max(s.queue_length.max());
            }
            let (utilization, utilization_ci95) = mean_ci(&utilization);
            let (queue_mean, queue_ci95) = mean_ci(&queue_mean);
            StationReport {
                id: st.id.clone(),
                crossing: crossing.name.clone(),
                servers: st.servers,
                wait: DelayStats::from_tallies(&waits),
                utilization,
                utilization_ci95,
                throughput_per_h: mean_ci(&throughput).0,
                queue_length: QueueLengthStats {
                    mean: queue_mean,
                    ci95: queue_ci95,
                    max: queue_max,
                },
                offered_load: loads[i],
                lane_hours: mean_ci(&lane_hours).0,
            }
        })
        .collect();
    let classes = scenario
        .classes
        .iter()
        .enumerate()
        .map(|(c, class)| {
            let tallies: Vec<Tally> = reps
                .iter()
                .map(|r| r.classes[c].time_in_system.clone())
                .collect();
            ClassReport {
                id: class.id.clone(),
                time_in_system: DelayStats::from_tallies(&tallies),
                count: reps.iter().map(|r| r.classes[c].departed).sum(),
                arrived: reps.iter().map(|r| r.classes[c].arrived).sum(),
            }
        })
        .collect();
    let system: Vec<Tally> = reps.iter().map(ReplicationStats::time_in_system).collect();
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
        system: SystemReport {
            time_in_system: DelayStats::from_tallies(&system),
        },
        events: reps.iter().map(|r| r.events).sum(),
        performance: None,
    }
}
