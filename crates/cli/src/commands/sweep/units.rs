//! A work unit's file and a shard's manifest: what they hold, how a unit runs, and how a
//! unit file is read back and checked against the plan.

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use bordersim_config::sweep::Unit;
use std::sync::OnceLock;

use bordersim_experiment::sweep::{CapReached, Measures};
use bordersim_experiment::{ExperimentError, Summary, Workers};
use serde::{Deserialize, Serialize};

use super::Study;
use crate::failure::Failure;

/// What one unit's file holds.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnitFile {
    pub plan_hash: String,
    pub unit: String,
    pub seed: u64,
    /// The unit's summary; none when a replication reached the cap on vehicles in the
    /// crossing (`capped`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
    /// Each replication's headline measures, for the paired differences (none when capped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measures: Option<Measures>,
    /// The first replication of the unit stopped at the cap on vehicles in the crossing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capped: Option<CapReached>,
}

/// What a unit gives its point: its summary and headline measures, or the cap one of its
/// replications reached (the point is then unstable, with no figures).
pub(crate) type Ran = Result<(Summary, Measures), CapReached>;

impl UnitFile {
    /// The file of `unit` of `study` that ran as `ran`.
    pub(super) fn new(study: &Study, unit: &Unit, ran: Ran) -> UnitFile {
        let (summary, measures, capped) = match ran {
            Ok((s, m)) => (Some(s), Some(m), None),
            Err(c) => (None, None, Some(c)),
        };
        UnitFile {
            plan_hash: study.hash.clone(),
            unit: unit.id.clone(),
            seed: study.options.seed,
            summary,
            measures,
            capped,
        }
    }
}

/// A shard's manifest.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Manifest {
    pub plan: PathBuf,
    pub plan_hash: String,
    pub bordersim: String,
    pub shard_index: u64,
    pub shard_count: u64,
    pub seed: u64,
    pub replications: u32,
    pub units: Vec<ManifestUnit>,
}

/// One unit in a manifest.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ManifestUnit {
    pub id: String,
    pub replications: [u64; 2],
    pub wall_s: Option<f64>,
}

/// A unit of a shard, finished: run here (its file and wall time) or found already written.
pub(super) struct Done<'a> {
    pub(super) unit: &'a Unit,
    pub(super) path: PathBuf,
    pub(super) file: Option<(UnitFile, f64)>,
}

/// The file of unit `id` in `dir`.
pub(crate) fn unit_path(dir: &Path, id: &str) -> PathBuf {
    dir.join("units").join(format!("{id}.json"))
}

/// Reads and checks a unit file of `study`; `against_scenario` also checks its aggregates
/// against the point's scenario (otherwise the merge with the point's other units does).
///
/// # Errors
///
/// [`Failure::BadInput`] naming the file: unreadable, not a unit summary (corrupt or
/// truncated), of another plan, or not of this plan's scenario.
pub(crate) fn read_unit(
    path: &Path,
    study: &Study,
    against_scenario: bool,
) -> Result<Ran, Failure> {
    let file = parse_unit(path).map_err(|m| Failure::BadInput(anyhow!(m)))?;
    check_unit(path, file, study, against_scenario)
}

/// Reads a unit file; the error, naming the file, when it is unreadable or not a unit
/// summary (corrupt or truncated).
pub(crate) fn parse_unit(path: &Path) -> Result<UnitFile, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let corrupt = |e: &dyn std::fmt::Display| {
        format!("{}: not a unit summary of bordersim: {e}", path.display())
    };
    let body = super::seal::unseal(&bytes).map_err(|e| corrupt(&e))?;
    serde_json::from_slice(body).map_err(|e| corrupt(&e))
}

/// The unit of `study` a file read from `path` says it holds, once its plan hash is the
/// study's: a file of another plan, or of a unit the plan lacks, is refused.
pub(super) fn unit_in_plan<'s>(
    path: &Path,
    plan_hash: &str,
    unit: &str,
    study: &'s Study,
) -> Result<&'s Unit, Failure> {
    let bad = |m: String| Failure::BadInput(anyhow!("{}: {m}", path.display()));
    if plan_hash != study.hash {
        return Err(bad(format!(
            "written for another plan (or another version of its files): plan hash {plan_hash}, this plan's {}",
            study.hash
        )));
    }
    // A unit's file is named by its unit: a file holding another unit (copied or renamed
    // over it) would stand for the wrong replications.
    let named = path
        .file_stem()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if named != unit {
        return Err(bad(format!(
            "holds unit `{unit}`, not `{named}` as its name says: a unit file was copied or \
             renamed; delete it and run its shard again"
        )));
    }
    study
        .units
        .iter()
        .find(|u| u.id == unit)
        .ok_or_else(|| bad(format!("unit `{unit}` is not in the plan")))
}

/// The refusal of a unit file whose seed or replications are not its unit's.
pub(super) fn not_its_unit(path: &Path, unit: &Unit) -> Failure {
    Failure::BadInput(anyhow!(
        "{}: its seed or replications are not those of unit `{}`",
        path.display(),
        unit.id
    ))
}

/// Checks a unit file read from `path` against `study` (see [`read_unit`]).
pub(super) fn check_unit(
    path: &Path,
    file: UnitFile,
    study: &Study,
    against_scenario: bool,
) -> Result<Ran, Failure> {
    let bad = |m: String| Failure::BadInput(anyhow!("{}: {m}", path.display()));
    let unit = unit_in_plan(path, &file.plan_hash, &file.unit, study)?;
    if file.seed != study.options.seed {
        return Err(not_its_unit(path, unit));
    }
    let (summary, measures) = match (file.capped, file.summary, file.measures) {
        (Some(c), None, None) if unit.replications.contains(&c.replication) => return Ok(Err(c)),
        (None, Some(s), Some(m)) => (s, m),
        _ => return Err(not_its_unit(path, unit)),
    };
    if summary.first_replication() != unit.replications.start
        || summary.first_replication() + summary.replications() != unit.replications.end
        || measures.first_replication() != unit.replications.start
        || measures.replications() != summary.replications()
        || measures.check().is_err()
    {
        return Err(not_its_unit(path, unit));
    }
    if against_scenario {
        bordersim_experiment::check_summary(&study.scenarios[unit.point], &summary)
            .map_err(|e| bad(e.to_string()))?;
    }
    Ok(Ok((summary, measures)))
}

/// Runs one unit: its summary and each replication's headline measures, or the cap on
/// vehicles in the crossing its first stopped replication reached.
pub(super) fn run_unit(study: &Study, unit: &Unit) -> Result<Ran, Failure> {
    let scenario = &study.scenarios[unit.point];
    let context = || format!("cannot run unit {}", unit.id);
    let ran = on_sweep_workers(study.options.threads, || {
        bordersim_experiment::fold_replications(
            scenario,
            &study.options,
            unit.replications.clone(),
            |_| bordersim_model::NoLog,
            |r| bordersim_experiment::headline_measures(scenario, r),
            &bordersim_experiment::NoProgress,
        )
    })
    .and_then(|ran| ran);
    let (summary, _, measures) = match ran {
        Ok(ran) => ran,
        Err(e) => {
            return CapReached::of(&e)
                .map(Err)
                .ok_or_else(|| Failure::from_experiment(e, context()));
        }
    };
    let measures = Measures::new(unit.replications.start, &measures)
        .map_err(|e| Failure::Failed(anyhow!("{}: {e}", context())))?;
    Ok(Ok((summary, measures)))
}

/// Runs `work` on the sweep's worker threads, started for its first unit and kept for every unit after it
/// (a pool started and ended per unit cost two thread starts and the scheduler's hand-offs
/// for each unit, more than a small unit's own work). One command runs one sweep, so this
/// is one pool per sweep.
fn on_sweep_workers<R: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> R + Send,
) -> Result<R, ExperimentError> {
    static WORKERS: OnceLock<(Option<usize>, Workers)> = OnceLock::new();
    let (asked, workers) = match WORKERS.get() {
        Some(kept) => kept,
        None => {
            let workers = Workers::new(threads)?;
            // Set by another thread meanwhile: its workers are used, these dropped.
            WORKERS.get_or_init(|| (threads, workers))
        }
    };
    if *asked == threads {
        Ok(workers.run(work))
    } else {
        // Not reached by the CLI, whose sweep asks for one thread count throughout.
        Ok(Workers::new(threads)?.run(work))
    }
}
