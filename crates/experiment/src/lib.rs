//! Experiments: many replications of a scenario, run in parallel, summarised with
//! confidence intervals.
//!
//! Replication `r` is seeded from (master seed, r) alone, results are collected in
//! replication order and every float is summed sequentially in that order, so a report is
//! bit-identical whatever the number of threads.

mod compare;
pub mod region;
mod report;

use bordersim_model::{
    CompiledScenario, ModelError, NoLog, ReplicationStats, Scenario, VehicleCounts, VehicleLog,
    run_replication_logged,
};
use rayon::prelude::*;

pub use compare::{
    Comparison, Difference, Measure, VariantResult, compare, headline_measures, paired_differences,
};
pub use report::{
    ChannelShare, ClassReport, DelayCost, DelayStats, DirectionReport, HourlyProfile,
    LaneGroupReport, Performance, PreArrivalShare, QueueLengthStats, Report, SpillbackReport,
    StationReport, SystemReport, TrsInterval, TrsReport, VehicleReport, summarise,
};

/// How to run a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOptions {
    pub replications: u32,
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

#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    #[error("at least one replication is needed")]
    NoReplications,
    #[error("cannot start {threads} worker threads: {reason}")]
    ThreadPool { threads: usize, reason: String },
    #[error("the scenario cannot be prepared for simulation: {0}")]
    Model(ModelError),
    /// A vehicle was created or lost by the engine: a bug, never a property of the input.
    #[error(
        "replication {replication} broke vehicle conservation ({counts:?}); this is a bug in bordersim, please report it with the scenario file"
    )]
    ConservationViolated {
        replication: u64,
        counts: VehicleCounts,
    },
}

/// The raw replications and their summary.
#[derive(Debug)]
pub struct Outcome {
    pub replications: Vec<ReplicationStats>,
    pub report: Report,
}

/// Runs `options.replications` replications of `scenario` and summarises them.
pub fn run(scenario: &Scenario, options: &RunOptions) -> Result<Outcome, ExperimentError> {
    run_logged(scenario, options, |_| NoLog).map(|(outcome, _)| outcome)
}

/// As [`run`], with a per-vehicle event log for each replication: `make_log(r)` builds the log
/// of replication `r`, which receives the events of the vehicles it asks for as they happen.
/// The logs are returned in replication order, so the caller can assemble one file whatever
/// the thread count.
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
    for rep in &replications {
        if !rep.vehicles.is_conserved() {
            return Err(ExperimentError::ConservationViolated {
                replication: rep.replication,
                counts: rep.vehicles,
            });
        }
    }
    let report = summarise(scenario, options.seed, &replications);
    Ok((
        Outcome {
            replications,
            report,
        },
        logs,
    ))
}
