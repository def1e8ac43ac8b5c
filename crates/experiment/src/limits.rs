//! Bounds on what one experiment may ask for, and runs the engine had to stop: the most
//! replications a run, comparison, region or calibration may ask for (one limit for the
//! command line and the HTTP API, with one reason), and a replication that came to hold more
//! vehicles than its crossing may, reported as an unstable model, never summarised as if it
//! had run to its horizon.

use bordersim_des::SimTime;
use bordersim_model::{CompiledScenario, ReplicationStats, Scenario, stopped_at_cap};

use crate::ExperimentError;

/// Largest number of replications one experiment runs (a command's `--replications`, a
/// file's `replications`, an API job's `replications`). Replications are folded into the
/// report as they finish, so memory does not grow with them; the bound keeps one command's or
/// job's run time in reach (1000 paired replications already narrow an interval to a
/// thirtieth of one replication's spread: the half-width falls as 1/√n). A study of more runs
/// is a sweep, which splits its replications into work units.
pub const MAX_REPLICATIONS: u32 = 1000;

/// Why replications are bounded ([`MAX_REPLICATIONS`]), for messages and help.
pub const MAX_REPLICATIONS_WHY: &str = "1000 paired replications already narrow an interval \
    to a thirtieth of one replication's spread; for more, split the study into work units with \
    `bordersim sweep`";

/// The refusal of a replication count outside 1..=[`MAX_REPLICATIONS`], in the words both the
/// command line and the API use (`None` when `replications` is allowed).
#[must_use]
pub fn replications_refusal(replications: u64) -> Option<String> {
    if replications == 0 {
        Some("at least 1 replication is needed".to_owned())
    } else if replications > u64::from(MAX_REPLICATIONS) {
        Some(format!(
            "{replications} is above the limit of {MAX_REPLICATIONS} replications: \
             {MAX_REPLICATIONS_WHY}"
        ))
    } else {
        None
    }
}

/// # Errors
///
/// [`ExperimentError::Unstable`] for the first replication (in replication order) that was
/// stopped at the crossing's limit on vehicles in it.
pub(crate) fn check_stopped(
    model: &CompiledScenario,
    scenario: &Scenario,
    replications: &[ReplicationStats],
) -> Result<(), ExperimentError> {
    for rep in replications {
        if let Some(at) = stopped_at_cap(model, rep) {
            return Err(ExperimentError::Unstable {
                replication: rep.replication,
                at: clock(at),
                cap: scenario.crossing.max_in_system(),
            });
        }
    }
    Ok(())
}

/// `"day 1, 02:03:04"`: day (from 1) and clock time of a simulation time.
fn clock(t: SimTime) -> String {
    let s = t.as_millis() / SimTime::MS_PER_SECOND;
    format!(
        "day {}, {:02}:{:02}:{:02}",
        s / 86_400 + 1,
        s / 3600 % 24,
        s / 60 % 60,
        s % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RunOptions, run};
    use bordersim_model::{
        ClassId, Crossing, DEFAULT_MAX_IN_SYSTEM, Population, ServiceDist, Source, Station,
        StationId,
    };

    /// One server of 1 min service fed at `rate_per_hour`, run for `hours`.
    fn one_server(rate_per_hour: f64, hours: u64, cap: Option<u64>) -> Scenario {
        let station = Station::simple(
            "booth",
            1,
            vec![Some(ServiceDist::Deterministic { value_ms: 60_000.0 })],
            Vec::new(),
        );
        let mut crossing = Crossing::new(
            "one",
            &Population::simple(&["car"]),
            vec![station],
            vec![Source::poisson(
                "a",
                ClassId(0),
                rate_per_hour,
                StationId(0),
            )],
        )
        .unwrap();
        if let Some(cap) = cap {
            crossing = crossing.with_max_in_system(cap);
        }
        Scenario {
            name: "one".into(),
            crossing,
            horizon: SimTime::from_hours(hours),
            warmup: SimTime::ZERO,
            replications: 2,
            seed: 1,
            start_weekday: 0,
        }
    }

    #[test]
    fn replication_counts_are_refused_outside_one_to_the_limit_with_the_reason() {
        assert_eq!(MAX_REPLICATIONS, 1000);
        assert_eq!(replications_refusal(1), None);
        assert_eq!(replications_refusal(1000), None);
        assert_eq!(
            replications_refusal(0).as_deref(),
            Some("at least 1 replication is needed")
        );
        let refused = replications_refusal(1001).expect("refused");
        assert!(
            refused.starts_with("1001 is above the limit of 1000 replications: 1000 paired"),
            "{refused}"
        );
        assert!(refused.ends_with("`bordersim sweep`"), "{refused}");
        assert!(replications_refusal(u64::MAX).is_some());
    }

    #[test]
    fn a_million_vehicles_an_hour_into_one_server_is_stopped_as_unstable() {
        // 1e6/h against 60/h of service: about 1e6 vehicles wait after an hour. The run stops
        // once more than the default cap are in the crossing, in every replication, with an
        // error naming the cap, not an abort when memory runs out.
        let scenario = one_server(1e6, 24, None);
        let options = RunOptions::from_scenario(&scenario);
        match run(&scenario, &options) {
            Err(ExperimentError::Unstable {
                replication: 0,
                at,
                cap,
            }) => {
                assert_eq!(cap, DEFAULT_MAX_IN_SYSTEM);
                // The millionth waiting vehicle comes after 1e6 / (1e6 − 60) h ± 4 s.
                assert!(
                    at.starts_with("day 1, 00:59") || at.starts_with("day 1, 01:00"),
                    "{at}"
                );
            }
            other => panic!("expected an unstable run, got {other:?}"),
        }
    }

    #[test]
    fn the_cap_stops_a_run_as_soon_as_it_is_passed_and_no_sooner() {
        // 600/h against 60/h: the queue passes 1,000 vehicles after about 1.85 h.
        let scenario = one_server(600.0, 24, Some(1_000));
        let model = CompiledScenario::new(&scenario).unwrap();
        let stats = bordersim_model::run_replication(&model, 1, 0);
        let at = stopped_at_cap(&model, &stats).expect("stopped");
        assert_eq!(stats.vehicles.in_system_at_end, 1_001);
        assert!(stats.vehicles.is_conserved());
        assert!(
            at > SimTime::from_hours(1) && at < SimTime::from_hours(3),
            "{at}"
        );
        // A stable run never meets the cap: 30/h against 60/h with room for 1,000.
        let stable = one_server(30.0, 24, Some(1_000));
        let model = CompiledScenario::new(&stable).unwrap();
        let stats = bordersim_model::run_replication(&model, 1, 0);
        assert_eq!(stopped_at_cap(&model, &stats), None);
        assert!(run(&stable, &RunOptions::from_scenario(&stable)).is_ok());
    }

    #[test]
    fn arrivals_too_fast_for_the_clock_are_stopped_not_run_forever() {
        // 1e300 vehicles/h: every gap is far below a millisecond, so the clock stays at 0
        // while vehicles pile up; the cap ends the run at time 0.
        let scenario = one_server(1e300, 1, Some(10_000));
        match run(&scenario, &RunOptions::from_scenario(&scenario)) {
            Err(ExperimentError::Unstable {
                at, cap: 10_000, ..
            }) => {
                assert_eq!(at, "day 1, 00:00:00");
            }
            other => panic!("expected an unstable run, got {other:?}"),
        }
    }
}
