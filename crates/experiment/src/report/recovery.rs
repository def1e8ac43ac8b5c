//! The recovery from a scenario's events: every replication is run again without the
//! events (common random numbers: the same vehicles, see docs/events.md), the vehicles in
//! the crossing compared hour by hour — the extra vehicle-hours the events cause, and the
//! hour from which the disrupted run stays within the no-event level.
//!
//! The hourly counts come from the vehicle log (arrivals, exits, balks and vehicles that
//! gave up), kept in one fixed-size table per replication: memory depends on the horizon,
//! not on the vehicles. Each replication's extra vehicle-hours per hour travel in its
//! statistics ([`ReplicationStats::extra_in_system_by_hour`]) into the mergeable summary,
//! one aggregate per hour of the run (a number the scenario alone decides).

use bordersim_des::SimTime;
use bordersim_model::scenario::EventKind;
use bordersim_model::{
    CompiledScenario, LogKind, LogRecord, ModelError, ReplicationStats, Scenario, VehicleLog,
    run_replication_logged,
};
use bordersim_stats::MeanCi;
use serde::Serialize;

use crate::sweep::summary::samples;

/// What a scenario's events cost, against the same scenario without them (the `recovery`
/// block of the report; absent when the scenario has no events).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecoveryReport {
    /// Extra vehicle-hours in the crossing over the whole run (with minus without the
    /// events, the same vehicles), mean over replications.
    pub extra_vehicle_hours: f64,
    /// Half-width of its 95% interval across replications.
    pub extra_vehicle_hours_ci95: Option<f64>,
    /// When the last event ends, hours from time zero.
    pub events_end_h: f64,
    /// The first whole hour (from time zero) at or after the last event's end from which
    /// the disrupted run stays within the no-event level: in it and in every later hour,
    /// the paired 95% interval of the extra vehicles in the crossing reaches 0 (or lies
    /// below it). `None`: not within the run.
    pub recovered_h: Option<u64>,
    /// Time to recover, hours: `recovered_h` less `events_end_h` (`None` when the run
    /// does not recover).
    pub recovery_h: Option<f64>,
    /// Per hour of the run from time zero: the extra vehicles in the crossing (the
    /// time-average within the hour, with minus without), mean over replications.
    pub extra_by_hour: Vec<f64>,
    /// Per hour: the half-width of the 95% interval of `extra_by_hour`.
    pub extra_by_hour_ci95: Vec<Option<f64>>,
    /// Each event, in the scenario's order, with the first hour after it the crossing is
    /// back at its no-event level.
    pub events: Vec<EventRecovery>,
}

/// One event and the crossing's return to its no-event level after it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventRecovery {
    /// Its kind: `outage`, `closure`, `demand`, `slowdown` or `schedule`.
    pub kind: &'static str,
    /// When it starts, hours from time zero.
    pub from_h: f64,
    /// When it ends, hours from time zero.
    pub to_h: f64,
    /// The first whole hour at or after its end in which the paired 95% interval of the
    /// extra vehicles in the crossing reaches 0 (the queue is back within its no-event
    /// level; a later event may disturb it again). `None`: not within the run.
    pub recovered_h: Option<u64>,
    /// Time to recover, hours: `recovered_h` less `to_h`.
    pub recovery_h: Option<f64>,
}

/// Hours of the run, `[0, horizon)` in whole or part hours.
fn hours_of(scenario: &Scenario) -> usize {
    scenario.horizon.as_millis().div_ceil(SimTime::MS_PER_HOUR) as usize
}

/// The recovery block of `reps`' report (see [`RecoveryReport`]); `None` without events.
/// Asks for one aggregate per hour of the run and one for the total, whatever the data.
pub(crate) fn recovery(scenario: &Scenario, reps: &[ReplicationStats]) -> Option<RecoveryReport> {
    let end = scenario
        .crossing
        .operations()
        .events
        .iter()
        .map(|e| e.to)
        .max()?;
    let hours = hours_of(scenario);
    let extra =
        |r: &ReplicationStats, h: usize| r.extra_in_system_by_hour.get(h).copied().unwrap_or(0.0);
    let by_hour: Vec<Option<MeanCi>> = (0..hours)
        .map(|h| {
            let values: Vec<f64> = reps.iter().map(|r| extra(r, h)).collect();
            MeanCi::from_samples(&samples(&values))
        })
        .collect();
    let totals: Vec<f64> = reps
        .iter()
        .map(|r| (0..hours).map(|h| extra(r, h)).sum())
        .collect();
    let total = MeanCi::from_samples(&samples(&totals));
    let within = |m: &Option<MeanCi>| {
        m.as_ref()
            .is_none_or(|m| m.mean - m.half_width_95.unwrap_or(0.0) <= 0.0)
    };
    let events_end_h = end.as_millis() as f64 / SimTime::MS_PER_HOUR as f64;
    let first = end.as_millis().div_ceil(SimTime::MS_PER_HOUR) as usize;
    let recovered_h = (first..hours)
        .find(|&h| by_hour[h..].iter().all(within))
        .map(|h| h as u64);
    let hour_of = |t: SimTime| t.as_millis() as f64 / SimTime::MS_PER_HOUR as f64;
    let events = scenario
        .crossing
        .operations()
        .events
        .iter()
        .map(|e| {
            let first = e.to.as_millis().div_ceil(SimTime::MS_PER_HOUR) as usize;
            let back = (first..hours)
                .find(|&h| within(&by_hour[h]))
                .map(|h| h as u64);
            EventRecovery {
                kind: kind_name(&e.kind),
                from_h: hour_of(e.from),
                to_h: hour_of(e.to),
                recovered_h: back,
                recovery_h: back.map(|h| h as f64 - hour_of(e.to)),
            }
        })
        .collect();
    Some(RecoveryReport {
        events,
        extra_vehicle_hours: total.as_ref().map_or(0.0, |m| m.mean),
        extra_vehicle_hours_ci95: total.and_then(|m| m.half_width_95),
        events_end_h,
        recovered_h,
        recovery_h: recovered_h.map(|h| h as f64 - events_end_h),
        extra_by_hour: by_hour
            .iter()
            .map(|m| m.as_ref().map_or(0.0, |m| m.mean))
            .collect(),
        extra_by_hour_ci95: by_hour
            .iter()
            .map(|m| m.as_ref().and_then(|m| m.half_width_95))
            .collect(),
    })
}

/// The name of an event's kind, as a scenario file writes it.
fn kind_name(kind: &EventKind) -> &'static str {
    match kind {
        EventKind::Outage { .. } => "outage",
        EventKind::Closure { .. } => "closure",
        EventKind::Demand { .. } => "demand",
        EventKind::Slowdown { .. } => "slowdown",
        EventKind::Schedule { .. } => "schedule",
    }
}

/// The scenario without its events, compiled once for a run: each replication is run on
/// it too, and the difference kept in the replication's statistics.
pub(crate) struct Counterfactual {
    without: CompiledScenario,
    hours: usize,
    horizon_ms: u64,
}

impl Counterfactual {
    /// `None` when `scenario` has no events (nothing to measure, nothing run twice).
    ///
    /// # Errors
    ///
    /// As [`CompiledScenario::new`].
    pub(crate) fn new(scenario: &Scenario) -> Result<Option<Self>, ModelError> {
        if scenario.crossing.operations().events.is_empty() {
            return Ok(None);
        }
        let without = Scenario {
            crossing: scenario.crossing.without_events(),
            ..scenario.clone()
        };
        Ok(Some(Counterfactual {
            without: CompiledScenario::new(&without)?,
            hours: hours_of(scenario),
            horizon_ms: scenario.horizon.as_millis(),
        }))
    }

    /// Vehicle-hours in the crossing in each hour of one replication, from its log.
    fn hourly(&self, mut log: InSystem) -> Vec<f64> {
        log.advance(self.horizon_ms);
        log.area
            .iter()
            .map(|&a| a as f64 / SimTime::MS_PER_HOUR as f64)
            .collect()
    }
}

/// Replication `r` of `model` with `log`; with a counterfactual, run once more without the
/// events and the extra vehicle-hours per hour kept in the statistics. A caller's log that
/// wants vehicles gets its own run (a log that wants every vehicle is then run beside it).
pub(crate) fn run_replication<L: VehicleLog>(
    model: &CompiledScenario,
    counterfactual: Option<&Counterfactual>,
    seed: u64,
    r: u64,
    log: &mut L,
) -> ReplicationStats {
    let Some(cf) = counterfactual else {
        return run_replication_logged(model, seed, r, log);
    };
    let mut with = InSystem::new(cf.hours);
    let mut stats = if L::ENABLED {
        let stats = run_replication_logged(model, seed, r, log);
        run_replication_logged(model, seed, r, &mut with);
        stats
    } else {
        run_replication_logged(model, seed, r, &mut with)
    };
    let mut without = InSystem::new(cf.hours);
    run_replication_logged(&cf.without, seed, r, &mut without);
    stats.extra_in_system_by_hour = cf
        .hourly(with)
        .iter()
        .zip(cf.hourly(without))
        .map(|(a, b)| a - b)
        .collect();
    stats
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
        self.last_ms = self.last_ms.max(now);
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
                self.level = self.level.saturating_sub(1);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bordersim_model::scenario::{Operations, ScenarioEvent};
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
        let options = crate::RunOptions {
            replications: 2,
            seed: 1,
            threads: Some(1),
        };
        let report = crate::run_summary(&scenario, &options).expect("runs");
        let r = report
            .recovery
            .expect("a scenario with events has a recovery block");
        // Every replication of the kept-statistics run gives the same block.
        let kept = crate::run(&scenario, &options).expect("runs").report;
        assert_eq!(kept.recovery.as_ref(), Some(&r));
        assert_eq!(r.events_end_h, 2.0);
        assert_eq!(r.recovered_h, Some(5));
        assert_eq!(r.recovery_h, Some(3.0));
        assert_eq!(r.events.len(), 1);
        assert_eq!(r.events[0].kind, "outage");
        assert_eq!((r.events[0].from_h, r.events[0].to_h), (1.0, 2.0));
        assert_eq!(r.events[0].recovered_h, Some(5));
        assert_eq!(r.events[0].recovery_h, Some(3.0));
        assert_eq!(r.extra_by_hour.len(), 8);
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
            (r.extra_vehicle_hours - waits_min / 60.0).abs() < 1e-9,
            "{} against {}",
            r.extra_vehicle_hours,
            waits_min / 60.0
        );
        assert_eq!(r.extra_vehicle_hours_ci95, Some(0.0));
        assert_eq!(r.extra_by_hour[0], 0.0);
        assert!(r.extra_by_hour[5..].iter().all(|&x| x == 0.0), "{r:?}");
    }
}
