//! The recovery from a scenario's events: every replication is run again without the
//! events (common random numbers: the same vehicles, see docs/events.md), the vehicles in
//! the crossing compared hour by hour — the extra vehicle-hours the events cause, and when
//! each replication is back to normal: the end of the last hour in which its two runs
//! differ. Once the backlog has drained the two runs couple (the same vehicles in the same
//! places, identical from then on), so the rule needs no threshold and no interval of an
//! hour, which one noisy late hour could push late; the report gives its mean over
//! replications with a 95% interval and the share of replications not back by the horizon.
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
    /// When the crossing is back to normal for good after the last event: in each
    /// replication, the end of the last hour of the run in which the run with the events
    /// and the run without them differ (their extra vehicles in the crossing, vehicle-hours
    /// in the hour, are more than one vehicle-second from 0: below that is the clock's
    /// millisecond rounding),
    /// and not before the last event ends. With common random numbers the two runs couple
    /// once the backlog has drained (the same vehicles in the same places from then on), so
    /// this is the instant, to the hour, after which the events change nothing. A
    /// replication whose last hour still differs is not back by the horizon.
    #[serde(flatten)]
    pub back: BackToNormal,
    /// Per hour of the run from time zero: the extra vehicles in the crossing (the
    /// time-average within the hour, with minus without), mean over replications; a
    /// replication's hour within one vehicle-second of 0 (the clock's millisecond
    /// rounding, not a vehicle held up) counts as exactly 0.
    pub extra_by_hour: Vec<f64>,
    /// Per hour: the half-width of the 95% interval of `extra_by_hour`.
    pub extra_by_hour_ci95: Vec<Option<f64>>,
    /// Each event, in the scenario's order, with when the crossing is first back at its
    /// no-event level after it.
    pub events: Vec<EventRecovery>,
}

/// When the crossing is back to normal, over replications: each replication's instant,
/// averaged over the replications back by the horizon, and the share that are not.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BackToNormal {
    /// Mean over the replications back by the horizon of the instant each is back to
    /// normal, hours from time zero (`None` when none is).
    pub recovered_h: Option<f64>,
    /// Half-width of the 95% interval of `recovered_h` across those replications (`None`
    /// with fewer than two).
    pub recovered_h_ci95: Option<f64>,
    /// Mean time to recover, hours: `recovered_h` less the end of the event(s).
    pub recovery_h: Option<f64>,
    /// Half-width of the 95% interval of `recovery_h` (the same as `recovered_h_ci95`).
    pub recovery_h_ci95: Option<f64>,
    /// Share of replications (0 to 1) not back to normal by the horizon; the means above
    /// are over the others, so a share above 0 makes them a lower bound.
    pub not_recovered_share: f64,
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
    /// When the crossing is first back at its no-event level after this event: in each
    /// replication, the start of the first whole hour at or after the event's end in which
    /// the runs with and without the events do not differ (a later event may disturb it
    /// again; the whole run's `recovered_h` says when it is back for good).
    #[serde(flatten)]
    pub back: BackToNormal,
}

/// Hours of the run, `[0, horizon)` in whole or part hours.
fn hours_of(scenario: &Scenario) -> usize {
    scenario.horizon.as_millis().div_ceil(SimTime::MS_PER_HOUR) as usize
}

/// Hours from time zero of `t`.
fn hour_of(t: SimTime) -> f64 {
    t.as_millis() as f64 / SimTime::MS_PER_HOUR as f64
}

/// One replication's extra vehicles in hour `h` (0 past the end of its record), exactly 0
/// when within [`COINCIDE_VEHICLE_HOURS`] of it: the two runs coincide in that hour, and
/// the millisecond the clock rounds a departure by (`-2.08e-7` vehicles over 4
/// replications) is no extra vehicle. Every figure of the block reads the hours through
/// here, so the hourly means, the total and the recovery instants agree.
fn extra_at(extra: &[f64], h: usize) -> f64 {
    let x = extra.get(h).copied().unwrap_or(0.0);
    if differs(x) { x } else { 0.0 }
}

/// The most extra vehicles (time-average over an hour, so vehicle-hours in it) an hour may
/// show and still count as the two runs coinciding: one vehicle-second. The clock counts
/// whole milliseconds, and a service time rounded to the millisecond at another instant can
/// move one departure by a millisecond in the run with the events without any vehicle being
/// held up (seen on the disruption example: 8 vehicle-ms in an hour, days after its last
/// event); a vehicle held up by a queue shows seconds or minutes.
pub(crate) const COINCIDE_VEHICLE_HOURS: f64 = 1.0 / 3600.0;

/// Whether the two runs differ in an hour with `extra` extra vehicles.
fn differs(extra: f64) -> bool {
    extra.abs() > COINCIDE_VEHICLE_HOURS
}

/// When one replication is back to normal for good, hours from time zero: the end of the
/// last of its `hours` hours whose extra vehicles differ from 0 (by more than
/// [`COINCIDE_VEHICLE_HOURS`]), and not before `after_h`;
/// `None` when the last hour of the run still differs.
fn back_for_good(extra: &[f64], hours: usize, after_h: f64) -> Option<f64> {
    match (0..hours).rev().find(|&h| differs(extra_at(extra, h))) {
        Some(last) if last + 1 == hours => None,
        Some(last) => Some(after_h.max((last + 1) as f64)),
        None => Some(after_h),
    }
}

/// When one replication is first back at its no-event level after an event that ends at
/// `after_h`: the start of the first whole hour at or after it whose extra vehicles are 0;
/// `None` when no hour of the run is.
fn first_quiet_hour(extra: &[f64], hours: usize, after_h: f64) -> Option<f64> {
    let first = after_h.ceil() as usize;
    (first..hours)
        .find(|&h| !differs(extra_at(extra, h)))
        .map(|h| h as f64)
}

/// The mean instant of the replications back to normal (`at[r]`, hours from time zero,
/// `None` when not by the horizon) with its interval, less `end_h` for the time to recover,
/// and the share not back. Two aggregates whatever the data.
fn back_to_normal(at: &[Option<f64>], end_h: f64) -> BackToNormal {
    let instants: Vec<f64> = at.iter().map(|a| a.unwrap_or(0.0)).collect();
    let flags: Vec<f64> = at
        .iter()
        .map(|a| f64::from(u8::from(a.is_some())))
        .collect();
    let instants = samples(&instants);
    let flags = samples(&flags);
    let back: Vec<f64> = instants
        .iter()
        .zip(&flags)
        .filter(|&(_, &f)| f == 1.0)
        .map(|(&a, _)| a)
        .collect();
    let mean = MeanCi::from_samples(&back);
    let ci = mean.as_ref().and_then(|m| m.half_width_95);
    let not_back = flags.iter().filter(|&&f| f == 0.0).count();
    BackToNormal {
        recovered_h: mean.as_ref().map(|m| m.mean),
        recovered_h_ci95: ci,
        recovery_h: mean.as_ref().map(|m| m.mean - end_h),
        recovery_h_ci95: ci,
        not_recovered_share: if flags.is_empty() {
            0.0
        } else {
            not_back as f64 / flags.len() as f64
        },
    }
}

/// The recovery block of `reps`' report (see [`RecoveryReport`]); `None` without events.
/// Asks for one aggregate per hour of the run, one for the total and two for each
/// recovery instant (the run's and each event's), whatever the data.
pub(crate) fn recovery(scenario: &Scenario, reps: &[ReplicationStats]) -> Option<RecoveryReport> {
    let scenario_events = &scenario.crossing.operations().events;
    let end = scenario_events.iter().map(|e| e.to).max()?;
    let hours = hours_of(scenario);
    let by_hour: Vec<Option<MeanCi>> = (0..hours)
        .map(|h| {
            let values: Vec<f64> = reps
                .iter()
                .map(|r| extra_at(&r.extra_in_system_by_hour, h))
                .collect();
            MeanCi::from_samples(&samples(&values))
        })
        .collect();
    let totals: Vec<f64> = reps
        .iter()
        .map(|r| {
            (0..hours)
                .map(|h| extra_at(&r.extra_in_system_by_hour, h))
                .sum()
        })
        .collect();
    let total = MeanCi::from_samples(&samples(&totals));
    let events_end_h = hour_of(end);
    let at: Vec<Option<f64>> = reps
        .iter()
        .map(|r| back_for_good(&r.extra_in_system_by_hour, hours, events_end_h))
        .collect();
    let back = back_to_normal(&at, events_end_h);
    let events = scenario_events
        .iter()
        .map(|e| {
            let to_h = hour_of(e.to);
            let at: Vec<Option<f64>> = reps
                .iter()
                .map(|r| first_quiet_hour(&r.extra_in_system_by_hour, hours, to_h))
                .collect();
            EventRecovery {
                kind: kind_name(&e.kind),
                from_h: hour_of(e.from),
                to_h,
                back: back_to_normal(&at, to_h),
            }
        })
        .collect();
    Some(RecoveryReport {
        events,
        extra_vehicle_hours: total.as_ref().map_or(0.0, |m| m.mean),
        extra_vehicle_hours_ci95: total.and_then(|m| m.half_width_95),
        events_end_h,
        back,
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

    /// One truck a minute for 10 hours (a trace: the same in every replication), two
    /// lanes of exactly 1.5 minutes, every lane out 01:00-02:00; a run of `hours`.
    fn outage_at_one(hours: u64) -> Scenario {
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
        Scenario {
            name: "t".into(),
            crossing,
            horizon: SimTime::from_hours(hours),
            warmup: SimTime::ZERO,
            replications: 2,
            seed: 1,
            start_weekday: 0,
        }
    }

    #[test]
    fn an_outage_costs_its_backlog_and_recovers_when_it_has_drained() {
        // One truck a minute, 2 lanes of 1.5 minutes; every lane out 01:00-02:00. The 60
        // trucks of that hour wait: the queue grows to 60 by 02:00 (1830 vehicle-minutes of
        // extra waiting in the hour) and drains at 20 an hour (2 lanes: 80/h against 60/h)
        // until 05:00. From 05:00 the two runs are the same: recovered at hour 5.
        let scenario = outage_at_one(8);
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
        // Both replications are back at 05:00 exactly: the mean 5 h, the interval 0.
        let back = BackToNormal {
            recovered_h: Some(5.0),
            recovered_h_ci95: Some(0.0),
            recovery_h: Some(3.0),
            recovery_h_ci95: Some(0.0),
            not_recovered_share: 0.0,
        };
        assert_eq!(r.back, back);
        assert_eq!(r.events.len(), 1);
        assert_eq!(r.events[0].kind, "outage");
        assert_eq!((r.events[0].from_h, r.events[0].to_h), (1.0, 2.0));
        assert_eq!(r.events[0].back, back);
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

    /// The block of `scenario` when each of its replications had `extra` (per hour) as its
    /// extra vehicles in the crossing.
    fn block_of(scenario: &Scenario, extra: &[Vec<f64>]) -> RecoveryReport {
        let model = CompiledScenario::new(scenario).unwrap();
        let reps: Vec<ReplicationStats> = extra
            .iter()
            .enumerate()
            .map(|(r, e)| {
                let mut stats = bordersim_model::run_replication(&model, 1, r as u64);
                stats.extra_in_system_by_hour = e.clone();
                stats
            })
            .collect();
        recovery(scenario, &reps).expect("events")
    }

    #[test]
    fn one_noisy_late_hour_moves_only_the_replications_it_is_in() {
        // Ten replications of the outage above over 24 hours, all with the backlog of
        // hours 1-4; four of them also differ in hour 20, by 0.3 vehicles each. The old
        // rule (back from the first hour after the events from which every hour's 95%
        // interval of the mean extra reaches 0) says hour 21 for the crossing: hour 20's
        // interval, 0.12 ± 0.111, excludes 0. Replication by replication, six are back at
        // 05:00 and four at 21:00: mean 11.4 h with its interval over the ten.
        let scenario = outage_at_one(24);
        let extra: Vec<Vec<f64>> = (0..10)
            .map(|r| {
                let mut e = vec![0.0; 24];
                e[1..5].copy_from_slice(&[30.0, 40.0, 20.0, 5.0]);
                if r < 4 {
                    e[20] = 0.3;
                }
                e
            })
            .collect();
        let r = block_of(&scenario, &extra);
        // The old rule, on the report's own hourly intervals.
        let within = |h: usize| r.extra_by_hour[h] - r.extra_by_hour_ci95[h].unwrap_or(0.0) <= 0.0;
        let old = (2..24).find(|&h| (h..24).all(within));
        assert_eq!(old, Some(21), "{r:?}");
        let back: Vec<f64> = (0..10).map(|i| if i < 4 { 21.0 } else { 5.0 }).collect();
        let expected = MeanCi::from_samples(&back).unwrap();
        assert!((expected.mean - 11.4).abs() < 1e-12);
        assert_eq!(r.back.recovered_h, Some(expected.mean));
        assert_eq!(r.back.recovered_h_ci95, expected.half_width_95);
        assert_eq!(r.back.recovery_h, Some(expected.mean - 2.0));
        assert_eq!(r.back.not_recovered_share, 0.0);
        // The event's first quiet hour is 05:00 in every replication, noise or not.
        assert_eq!(r.events[0].back.recovered_h, Some(5.0));
        assert_eq!(r.events[0].back.recovered_h_ci95, Some(0.0));
    }

    #[test]
    fn a_replication_still_disturbed_in_the_last_hour_is_not_back_by_the_horizon() {
        // Of four replications, one still differs in the run's last hour: it is counted in
        // the share not back (1/4), and the mean is over the three others (hours 5, 5, 6).
        let scenario = outage_at_one(8);
        let extra = vec![
            vec![0.0, 30.0, 40.0, 20.0, 5.0, 0.0, 0.0, 0.0],
            vec![0.0, 30.0, 40.0, 20.0, 5.0, 0.0, 0.0, 0.0],
            vec![0.0, 30.0, 40.0, 20.0, 5.0, -1.0, 0.0, 0.0],
            vec![0.0, 30.0, 40.0, 20.0, 5.0, 2.0, 1.0, 0.5],
        ];
        let r = block_of(&scenario, &extra);
        let expected = MeanCi::from_samples(&[5.0, 5.0, 6.0]).unwrap();
        assert_eq!(r.back.recovered_h, Some(expected.mean));
        assert_eq!(r.back.recovered_h_ci95, expected.half_width_95);
        assert_eq!(r.back.not_recovered_share, 0.25);
        // No hour of the run back in any replication: no instant, everything not back.
        let r = block_of(&scenario, &[vec![1.0; 8], vec![1.0; 8]]);
        assert_eq!(r.back.recovered_h, None);
        assert_eq!(r.back.recovery_h, None);
        assert_eq!(r.back.not_recovered_share, 1.0);
        assert_eq!(r.events[0].back.recovered_h, None);
        assert_eq!(r.events[0].back.not_recovered_share, 1.0);
        // Nothing differs at all: back when the event ends, after 0 h.
        let r = block_of(&scenario, &[vec![0.0; 8], vec![0.0; 8]]);
        assert_eq!(r.back.recovered_h, Some(2.0));
        assert_eq!(r.back.recovery_h, Some(0.0));
    }

    #[test]
    fn the_rules_for_one_replication() {
        // Back for good: the end of the last hour that differs, not before the events end.
        assert_eq!(back_for_good(&[0.0, 1.0, 0.0, 2.0, 0.0], 5, 1.5), Some(4.0));
        assert_eq!(back_for_good(&[1.0, 0.0, 0.0], 3, 1.5), Some(1.5));
        assert_eq!(back_for_good(&[0.0, 0.0, 1.0], 3, 1.5), None);
        // A millisecond of one vehicle (the clock's rounding) is not a difference; a
        // vehicle-second and a bit is.
        let ms = 1.0 / 3_600_000.0;
        assert_eq!(back_for_good(&[1.0, 8.0 * ms, -ms], 3, 0.5), Some(1.0));
        assert_eq!(back_for_good(&[1.0, 1001.0 * ms, 0.0], 3, 0.5), Some(2.0));
        assert_eq!(first_quiet_hour(&[1.0, 1.0, 8.0 * ms], 3, 0.5), Some(2.0));
        // A record shorter than the run: the hours past it do not differ.
        assert_eq!(back_for_good(&[1.0], 3, 0.5), Some(1.0));
        // First back after an event ending at 1.5: the first whole hour from 2 that does
        // not differ.
        assert_eq!(
            first_quiet_hour(&[0.0, 1.0, 1.0, 0.0, 2.0], 5, 1.5),
            Some(3.0)
        );
        assert_eq!(first_quiet_hour(&[0.0, 1.0, 0.0], 3, 2.0), Some(2.0));
        assert_eq!(first_quiet_hour(&[0.0, 1.0, 1.0], 3, 1.0), None);
    }

    #[test]
    fn the_clocks_rounding_is_exactly_no_extra_vehicle() {
        // Hours of 3, 1 and -1 vehicle-milliseconds (the rounding of the millisecond clock)
        // in some replications: each such hour is 0 in the block, never -2.08e-7 or -0.0;
        // a vehicle-second and a bit is kept.
        let scenario = outage_at_one(8);
        let ms = 1.0 / 3_600_000.0;
        let extra = vec![
            vec![0.0, 30.0, 40.0, 20.0, 5.0, -3.0 * ms, -ms, 1001.0 * ms],
            vec![0.0, 30.0, 40.0, 20.0, 5.0, 0.0, -0.0, 0.0],
            vec![0.0, 30.0, 40.0, 20.0, 5.0, 0.0, ms, 0.0],
            vec![0.0, 30.0, 40.0, 20.0, 5.0, 0.0, 0.0, 0.0],
        ];
        let r = block_of(&scenario, &extra);
        assert_eq!(r.extra_by_hour[5].to_bits(), 0.0f64.to_bits());
        assert_eq!(r.extra_by_hour[6].to_bits(), 0.0f64.to_bits());
        assert!((r.extra_by_hour[7] - 1001.0 * ms / 4.0).abs() < 1e-15);
        assert!((r.extra_vehicle_hours - (95.0 + 1001.0 * ms / 4.0)).abs() < 1e-12);
    }
}
