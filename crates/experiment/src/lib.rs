//! Experiments: many replications of a scenario, run in parallel, summarised with
//! confidence intervals.
//!
//! Replication `r` is seeded from (master seed, r) alone, results are collected in
//! replication order and every float is summed sequentially in that order, so a report is
//! bit-identical whatever the number of threads.

#![warn(missing_docs)]

mod compare;
pub mod region;
mod report;
#[cfg(test)]
mod test_support;

use bordersim_model::{
    CompiledScenario, ModelError, NoLog, ReplicationStats, Scenario, VehicleCounts, VehicleLog,
    run_replication_logged,
};
use rayon::prelude::*;

pub use compare::{
    Comparison, Difference, FALSE_DISCOVERY_RATE, Measure, NetBenefit, Status, VariantResult,
    compare, headline_measures, net_benefit, paired_differences,
};
pub use report::costs;
pub use report::{
    ChannelShare, ClassReport, DelayCost, DelayStats, DirectionReport, HourlyProfile,
    LaneGroupReport, Performance, PreArrivalShare, QueueLengthStats, Report, SpillbackReport,
    StationReport, SystemReport, TrsInterval, TrsReport, VehicleReport, summarise,
};

/// How to run a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Independent replications to run (≥ 1).
    pub replications: u32,
    /// The master seed: replication `r` draws from streams seeded by (seed, `r`).
    pub seed: u64,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
}

impl RunOptions {
    /// The scenario's own defaults.
    pub fn from_scenario(scenario: &Scenario) -> Self {
        RunOptions {
            replications: scenario.replications,
            seed: scenario.seed,
            threads: None,
        }
    }
}

/// Why an experiment could not run.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    /// [`RunOptions::replications`] is zero.
    #[error("at least one replication is needed")]
    NoReplications,
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {reason}")]
    ThreadPool {
        /// The threads asked for (0: every core).
        threads: usize,
        /// What the thread pool said.
        reason: String,
    },
    /// The scenario failed the compile step of the engine.
    #[error("the scenario cannot be prepared for simulation: {0}")]
    Model(ModelError),
    /// A vehicle was created or lost by the engine: a bug, never a property of the input.
    #[error(
        "replication {replication} broke vehicle conservation ({counts:?}); this is a bug in bordersim, please report it with the scenario file"
    )]
    ConservationViolated {
        /// The first replication (from 0) whose vehicles do not add up.
        replication: u64,
        /// Its vehicle counts over the observation window.
        counts: VehicleCounts,
    },
}

/// The raw replications and their summary.
#[derive(Debug)]
pub struct Outcome {
    /// Every replication's statistics, in replication order.
    pub replications: Vec<ReplicationStats>,
    /// Their summary.
    pub report: Report,
}

/// Runs `options.replications` replications of `scenario` and summarises them.
///
/// # Errors
///
/// [`ExperimentError::NoReplications`] for zero replications,
/// [`ExperimentError::ThreadPool`] if the worker threads cannot start,
/// [`ExperimentError::Model`] if the engine cannot compile the scenario, and
/// [`ExperimentError::ConservationViolated`] if a replication created or lost a vehicle (a
/// bug in the engine).
pub fn run(scenario: &Scenario, options: &RunOptions) -> Result<Outcome, ExperimentError> {
    run_logged(scenario, options, |_| NoLog).map(|(outcome, _)| outcome)
}

/// As [`run`], with a per-vehicle event log for each replication: `make_log(r)` builds the log
/// of replication `r`, which receives the events of the vehicles it asks for as they happen.
/// The logs are returned in replication order, so the caller can assemble one file whatever
/// the thread count.
///
/// # Errors
///
/// As [`run`].
pub fn run_logged<L, F>(
    scenario: &Scenario,
    options: &RunOptions,
    make_log: F,
) -> Result<(Outcome, Vec<L>), ExperimentError>
where
    L: VehicleLog + Send,
    F: Fn(u64) -> L + Sync,
{
    if options.replications == 0 {
        return Err(ExperimentError::NoReplications);
    }
    let model = CompiledScenario::new(scenario).map_err(ExperimentError::Model)?;
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = options.threads {
        builder = builder.num_threads(n.max(1));
    }
    let pool = builder.build().map_err(|e| ExperimentError::ThreadPool {
        threads: options.threads.unwrap_or(0),
        reason: e.to_string(),
    })?;
    let results: Vec<(ReplicationStats, L)> = pool.install(|| {
        (0..u64::from(options.replications))
            .into_par_iter()
            .map(|r| {
                let mut log = make_log(r);
                let stats = run_replication_logged(&model, options.seed, r, &mut log);
                (stats, log)
            })
            .collect()
    });
    let (replications, logs): (Vec<ReplicationStats>, Vec<L>) = results.into_iter().unzip();
    check_conservation(&replications)?;
    let report = summarise(scenario, options.seed, &replications);
    Ok((
        Outcome {
            replications,
            report,
        },
        logs,
    ))
}

/// Checks vehicle conservation in every replication, in replication order.
///
/// # Errors
///
/// [`ExperimentError::ConservationViolated`] for the first replication whose vehicles at the
/// start plus arrivals differ from departures, balks and vehicles at the end.
fn check_conservation(replications: &[ReplicationStats]) -> Result<(), ExperimentError> {
    for rep in replications {
        if !rep.vehicles.is_conserved() {
            return Err(ExperimentError::ConservationViolated {
                replication: rep.replication,
                counts: rep.vehicles,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{one_station, options};
    use bordersim_model::LogRecord;

    /// A log that wants no vehicle and only remembers which replication made it.
    #[derive(Debug, PartialEq)]
    struct Tag(u64);

    impl VehicleLog for Tag {
        const ENABLED: bool = false;

        fn wants(&mut self, _vehicle: u64) -> bool {
            false
        }

        fn record(&mut self, _record: &LogRecord) {}
    }

    #[test]
    fn replication_r_is_seeded_by_the_seed_and_r_alone() {
        // The first three replications of a five-replication run are those of a
        // three-replication run: nothing about a replication depends on how many run.
        let scenario = one_station("x", 2, 4.0, 25.0);
        let three = run(&scenario, &options(3)).expect("runs");
        let five = run(&scenario, &options(5)).expect("runs");
        assert_eq!(
            summarise(&scenario, 3, &five.replications[..3]),
            three.report
        );
        let seeds: Vec<u64> = five.replications.iter().map(|r| r.replication).collect();
        assert_eq!(seeds, [0, 1, 2, 3, 4]);
    }

    #[test]
    fn another_seed_gives_other_vehicles() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        let a = run(&scenario, &options(2)).expect("runs");
        let b = run(
            &scenario,
            &RunOptions {
                seed: 4,
                ..options(2)
            },
        )
        .expect("runs");
        assert_ne!(a.report.system, b.report.system);
    }

    #[test]
    fn the_report_does_not_depend_on_the_thread_count() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        let with = |threads| {
            run(
                &scenario,
                &RunOptions {
                    threads: Some(threads),
                    ..options(6)
                },
            )
            .expect("runs")
            .report
        };
        let one = with(1);
        assert_eq!(with(2), one);
        assert_eq!(with(4), one);
    }

    #[test]
    fn logs_come_back_in_replication_order() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        let (outcome, logs) = run_logged(
            &scenario,
            &RunOptions {
                threads: Some(2),
                ..options(5)
            },
            Tag,
        )
        .expect("runs");
        assert_eq!(logs, [Tag(0), Tag(1), Tag(2), Tag(3), Tag(4)]);
        assert_eq!(outcome.replications.len(), 5);
    }

    #[test]
    fn zero_replications_is_an_error() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        assert!(matches!(
            run(&scenario, &options(0)),
            Err(ExperimentError::NoReplications)
        ));
    }

    #[test]
    fn a_replication_that_loses_a_vehicle_is_reported() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        let mut replications = run(&scenario, &options(3)).expect("runs").replications;
        assert!(check_conservation(&replications).is_ok());
        replications[1].vehicles.departed -= 1;
        replications[2].vehicles.arrived += 1;
        match check_conservation(&replications) {
            Err(ExperimentError::ConservationViolated {
                replication,
                counts,
            }) => {
                assert_eq!(replication, 1, "the first broken replication is named");
                assert_eq!(counts, replications[1].vehicles);
            }
            other => panic!("expected a conservation violation, got {other:?}"),
        }
    }
}
