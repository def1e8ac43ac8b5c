//! The recovery from a scenario's events: the same replications run with and without the
//! events (common random numbers: the same vehicles, see docs/events.md), the vehicles in
//! the crossing compared hour by hour — the extra vehicle-hours the events cause, and the
//! hour from which the disrupted run stays within the no-event level.
//!
//! The hourly counts come from the vehicle log (arrivals, exits and balks), kept in one
//! fixed-size table per replication: memory depends on the horizon, not on the vehicles.

use bordersim_des::SimTime;
use bordersim_model::{
    CompiledScenario, LogKind, LogRecord, ModelError, Scenario, VehicleLog, run_replication_logged,
};
use bordersim_stats::MeanCi;

/// What a scenario's events cost, against the same scenario without them.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovery {
    /// Extra vehicle-hours in the crossing over the run (with minus without the events),
    /// mean over replications with its 95% interval.
    pub extra_vehicle_hours: MeanCi,
    /// Per hour of the run: the mean over replications of the extra vehicles in the crossing
    /// (time-average within the hour, with minus without).
    pub extra_by_hour: Vec<f64>,
    /// When the last event ends, hours from the start.
    pub events_end_h: f64,
    /// The first whole hour at or after the last event's end from which the disrupted run
    /// stays within the no-event level: in every later hour, the paired 95% interval of the
    /// extra vehicles in the crossing reaches 0 (or is below it). `None`: not within the run.
    pub recovered_h: Option<u64>,
}

/// Vehicle-milliseconds in the crossing per hour of the run, from the vehicle log.
struct InSystem {
    /// Per hour of the run: vehicle-ms.
    area: Vec<u128>,
    level: u64,
    last_ms: u64,
}

impl InSystem {
    fn new(hours: usize) -> Self {
        InSystem {
            area: vec![0; hours],
            level: 0,
            last_ms: 0,
        }
    }

    /// Accumulates the level from the last change to `now`, hour by hour.
    fn advance(&mut self, now: u64) {
        let hour = SimTime::MS_PER_HOUR;
        let mut t = self.last_ms;
        while t < now {
            let h = (t / hour) as usize;
            let end = ((t / hour + 1) * hour).min(now);
            if let Some(a) = self.area.get_mut(h) {
                *a += u128::from(self.level) * u128::from(end - t);
            }
            t = end;
        }
        self.last_ms = now;
    }
}

impl VehicleLog for InSystem {
    fn wants(&mut self, _vehicle: u64) -> bool {
        true
    }

    fn record(&mut self, record: &LogRecord) {
        match record.kind {
            LogKind::Arrive => {
                self.advance(record.time.as_millis());
                self.level += 1;
            }
            LogKind::Exit | LogKind::Balk | LogKind::Abandon => {
                self.advance(record.time.as_millis());
                self.level -= 1;
            }
            _ => {}
        }
    }
}

/// Vehicle-hours in the crossing in each hour of one replication of `model`.
fn hourly(model: &CompiledScenario, hours: usize, horizon_ms: u64, seed: u64, r: u64) -> Vec<f64> {
    let mut log = InSystem::new(hours);
    run_replication_logged(model, seed, r, &mut log);
    log.advance(horizon_ms);
    log.area
        .iter()
        .map(|&a| a as f64 / SimTime::MS_PER_HOUR as f64)
        .collect()
}

/// Runs `replications` replications of `scenario` (master seed `seed`) with and without its
/// events and compares them hour by hour (see [`Recovery`]). `None` when the scenario has
/// no events or `replications` is 0.
///
/// # Errors
///
/// As [`CompiledScenario::new`].
pub fn recovery(
    scenario: &Scenario,
    seed: u64,
    replications: u32,
) -> Result<Option<Recovery>, ModelError> {
    let events = &scenario.crossing.operations().events;
    let Some(end) = events.iter().map(|e| e.to).max() else {
        return Ok(None);
    };
    if replications == 0 {
        return Ok(None);
    }
    let without = Scenario {
        crossing: scenario.crossing.without_events(),
        ..scenario.clone()
    };
    let with_model = CompiledScenario::new(scenario)?;
    let without_model = CompiledScenario::new(&without)?;
    let horizon_ms = scenario.horizon.as_millis();
    let hours = horizon_ms.div_ceil(SimTime::MS_PER_HOUR) as usize;
    // Per replication, per hour: extra vehicle-hours.
    let diffs: Vec<Vec<f64>> = (0..u64::from(replications))
        .map(|r| {
            let a = hourly(&with_model, hours, horizon_ms, seed, r);
            let b = hourly(&without_model, hours, horizon_ms, seed, r);
            a.iter().zip(&b).map(|(x, y)| x - y).collect()
        })
        .collect();
    let totals: Vec<f64> = diffs.iter().map(|d| d.iter().sum()).collect();
    let by_hour: Vec<MeanCi> = (0..hours)
        .filter_map(|h| MeanCi::from_samples(&diffs.iter().map(|d| d[h]).collect::<Vec<_>>()))
        .collect();
    let within = |m: &MeanCi| m.mean - m.half_width_95.unwrap_or(0.0) <= 0.0;
    let first = end.as_millis().div_ceil(SimTime::MS_PER_HOUR) as usize;
    let recovered_h = (first..hours)
        .find(|&h| by_hour[h..].iter().all(within))
        .map(|h| h as u64);
    Ok(Some(Recovery {
        extra_vehicle_hours: MeanCi::from_samples(&totals).expect("replications > 0"),
        extra_by_hour: by_hour.iter().map(|m| m.mean).collect(),
        events_end_h: end.as_millis() as f64 / SimTime::MS_PER_HOUR as f64,
        recovered_h,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bordersim_model::scenario::{EventKind, Operations, ScenarioEvent};
    use bordersim_model::{
        Arrivals, ClassId, Crossing, Population, ServiceDist, Source, Station, StationId,
        TraceArrival,
    };

    #[test]
    fn an_outage_costs_its_backlog_and_recovers_when_it_has_drained() {
        // One truck a minute, 2 lanes of 1.5 minutes; every lane out 01:00-02:00. The 60
        // trucks of that hour wait: the queue grows to 60 by 02:00 (1830 vehicle-minutes of
        // extra waiting in the hour) and drains at 20 an hour (2 lanes: 80/h against 60/h)
        // until 05:00. From 05:00 the two runs are the same: recovered at hour 5.
        let st = Station::simple(
            "booths",
            2,
            vec![Some(ServiceDist::Deterministic { value_ms: 90_000.0 })],
            Vec::new(),
        );
        let rows = (0..600)
            .map(|m| TraceArrival {
                time: SimTime::from_mins(m),
                class: ClassId(0),
                programme: None,
            })
            .collect();
        let source = Source {
            id: "trace".into(),
            entry: StationId(0),
            arrivals: Arrivals::Trace { arrivals: rows },
        };
        let crossing = Crossing::new("t", &Population::simple(&["truck"]), vec![st], vec![source])
            .unwrap()
            .with_operations(Operations {
                events: vec![ScenarioEvent {
                    from: SimTime::from_hours(1),
                    to: SimTime::from_hours(2),
                    kind: EventKind::Outage {
                        station: StationId(0),
                        group: None,
                        lanes: None,
                    },
                }],
                ..Operations::default()
            })
            .unwrap();
        let scenario = Scenario {
            name: "t".into(),
            crossing,
            horizon: SimTime::from_hours(8),
            warmup: SimTime::ZERO,
            replications: 2,
            seed: 1,
            start_weekday: 0,
        };
        let r = recovery(&scenario, 1, 2).unwrap().unwrap();
        assert_eq!(r.events_end_h, 2.0);
        assert_eq!(r.recovered_h, Some(5));
        // The extra vehicle-hours are the waits, worked out by hand-simulating the two
        // lanes: each truck starts when it arrives or when a lane frees, but never while
        // the lanes are out (01:00-02:00, minutes 60-120).
        let mut free = [0.0f64; 2];
        let mut waits_min = 0.0;
        for i in 0..480 {
            let arrive = f64::from(i);
            let lane = if free[0] <= free[1] { 0 } else { 1 };
            let mut start = arrive.max(free[lane]);
            if (60.0..120.0).contains(&start) {
                start = 120.0;
            }
            free[lane] = start + 1.5;
            waits_min += start - arrive;
        }
        assert!(
            (r.extra_vehicle_hours.mean - waits_min / 60.0).abs() < 1e-9,
            "{} against {}",
            r.extra_vehicle_hours.mean,
            waits_min / 60.0
        );
        assert_eq!(r.extra_vehicle_hours.half_width_95, Some(0.0));
        assert_eq!(r.extra_by_hour[0], 0.0);
        assert!(r.extra_by_hour[5..].iter().all(|&x| x == 0.0), "{r:?}");
    }
}
