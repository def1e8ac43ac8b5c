//! The summary of an experiment: the JSON output contract (README.md, "Output contract").
//! Field names are a contract other tools rely on: add fields freely, rename none. All times
//! in seconds.
//!
//! The types are here; [`summarise()`] builds them from the replications (`summarise`), with
//! the tables of a WCO Time Release Study (`trs`) and the cost of delay (`economics`).

mod economics;
mod summarise;
mod trs;

use bordersim_model::VehicleCounts;
use bordersim_stats::{MeanCi, Tally};
use serde::Serialize;

pub(crate) use economics::{DAYS_PER_YEAR, delay_per_day};
pub use summarise::summarise;

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
