//! `bordersim sweep PLAN`: a whole study from one plan file (`docs/sweeps.md`) — every point
//! of its axes, each replication seeded from (master seed, replication) alone, so that
//! results never depend on how the work is split. Run here at once, or as shards that write
//! each work unit's summary into `--out-dir`, merged by `bordersim merge`.

mod demand;
mod manifest_check;
mod named;
mod region;
mod result;
mod script;
mod seal;
mod shard;
mod study;
mod units;

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, anyhow};

use crate::args::RunSettings;
use crate::failure::Failure;
use crate::output;

pub(crate) use manifest_check::check_manifests;
pub(crate) use region::merge_region;
pub(crate) use result::emit;
pub(crate) use study::{Study, load_study};
pub(crate) use units::{Manifest, Ran, read_unit, unit_path};

use script::emit_script;
use shard::{Journal, run_shard};
use units::{Done, ManifestUnit, run_unit};

/// `bordersim sweep PLAN`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Shards: --shard-index I --shard-count N run the units whose \
    position in the canonical list is I modulo N; without the flags the shard is read from \
    a Slurm job array (SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN, of \
    SLURM_ARRAY_TASK_COUNT), a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) or an AWS Batch \
    array job (AWS_BATCH_JOB_ARRAY_INDEX), the last two with --shard-count. A shard writes \
    each finished unit into --out-dir and skips the units already there; `bordersim merge \
    DIR` merges them. See docs/sweeps.md."
)]
pub struct SweepArgs {
    /// Sweep plan (TOML)
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,

    /// Further plan files: refused with a usage message (one plan per sweep)
    #[arg(value_name = "PLAN", hide = true)]
    pub more_plans: Vec<PathBuf>,

    /// Print the work units (id, point, replications, seed, axis values) and stop
    #[arg(long)]
    pub list: bool,

    /// Write each unit's summary, and this shard's manifest, into DIR; units already there
    /// are skipped
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// This shard's index, from 0 (needs --shard-count and --out-dir)
    #[arg(long, value_name = "I")]
    pub shard_index: Option<u64>,

    /// Number of shards
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub shard_count: Option<u64>,

    /// Print a ready script for a cluster and stop: `slurm`, a script that submits the
    /// shards as an `sbatch --array` job and the merge as a job that depends on it; `k8s`, a
    /// Kubernetes Indexed Job manifest. One shard per unit (at most 1000) unless
    /// --shard-count says; units go into --out-dir [default: sweep-out]
    #[arg(long, value_enum, value_name = "ENGINE", conflicts_with_all = ["list", "shard_index"])]
    pub emit: Option<Engine>,

    // Replications, seed, threads, format and output, as for `run`.
    #[command(flatten)]
    pub settings: RunSettings,
}

/// The cluster engines `--emit` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// A bash script submitting an `sbatch --array` job and a dependent merge job
    Slurm,
    /// A Kubernetes Indexed Job manifest (YAML)
    K8s,
}

/// Runs `bordersim sweep`.
///
/// # Errors
///
/// [`Failure::BadInput`] or [`Failure::Invalid`] for a bad plan, point, shard or
/// directory (nothing runs); [`Failure::Failed`] when a run or a write fails.
pub fn sweep(args: &SweepArgs) -> Result<(), Failure> {
    if let Some(second) = args.more_plans.first() {
        return Err(Failure::BadInput(anyhow!(
            "one plan per sweep: '{}' and '{}' given. Several base scenarios go in one plan \
             as an axis (`scenario = [\"a.toml\", \"b.toml\"]`, docs/sweeps.md); or run each \
             plan on its own, with its own --out-dir",
            args.plan.display(),
            second.display()
        )));
    }
    // Refuses an output or report name of no format written, before anything runs.
    output::written(&args.settings)?;
    let study = load_study(&args.plan, &args.settings)?;
    if args.emit.is_some() || args.list {
        printed_only(args)?;
    }
    if let Some(engine) = args.emit {
        return output::print_stdout(emit_script(args, &study, engine).as_bytes());
    }
    if args.list {
        // A listing needs no shard: an array job's index without a count lists every unit.
        let shard = match shard(args) {
            Err(_) if args.shard_index.is_none() && args.shard_count.is_none() => None,
            other => other?,
        };
        return output::print_stdout(list(&study, shard).as_bytes());
    }
    let shard = shard(args)?;
    // The out-dir's manifests and units, and every file the plan named, are inputs.
    if let Some(dir) = &args.out_dir {
        output::reserve_sweep_dir(dir);
    }
    output::check_output(&args.settings, &[&args.plan])?;
    output::check_outputs_not_inputs(&args.settings, None)?;
    if shard.is_some() && args.out_dir.is_none() {
        return Err(Failure::BadInput(anyhow!(
            "a shard writes its units into a directory: give --out-dir DIR"
        )));
    }
    if !study.regions.is_empty() {
        return region::sweep_region(args, &study, shard);
    }
    let Some(dir) = &args.out_dir else {
        output::check_output(&args.settings, &[&args.plan])?;
        return emit(
            &study,
            result::CHUNK,
            |units| units.iter().map(|u| run_unit(&study, u)).collect(),
            &args.settings,
        );
    };
    if shard.is_some() {
        // A shard writes units; the result (and its page) is the merge's.
        output::check_text_only(
            &args.settings,
            "a shard (it writes units into --out-dir; `bordersim merge DIR` writes the result)",
        )?;
    }
    let (index, count) = shard.unwrap_or((0, 1));
    std::fs::create_dir_all(dir.join("units"))
        .with_context(|| format!("cannot create '{}'", dir.join("units").display()))
        .map_err(Failure::BadInput)?;
    let (mut manifest, manifest_path) = manifest(args, &study, dir, index, count);
    // The manifest names the plan before any unit runs, so that a directory a shard was
    // killed in is still known as this plan's; the unit files are what counts as finished.
    let mut journal = Journal::new(manifest_path, dir.join("units"));
    journal.checkpoint(&manifest)?;
    // Units run here while a second thread encodes, writes and records the previous ones
    // (encoding a summary costs about as much as running a small unit).
    let (send, receive) = std::sync::mpsc::sync_channel::<Done>(2);
    let shard_units = (study.units.len() as u64 + count - 1 - index) / count;
    let progress = crate::progress::Display::units(
        &args.settings,
        shard_units,
        &format!("sweep {} shard {index} of {count}", study.plan.name),
    );
    let ran = std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> Result<(), Failure> {
            for done in receive {
                progress.units_done(1);
                let wall_s = match done.file {
                    Some((file, wall_s)) => {
                        let bytes =
                            serde_json::to_vec(&file).map_err(|e| Failure::Failed(e.into()))?;
                        journal.write_unit(&done.path, &bytes)?;
                        Some(wall_s)
                    }
                    None => None,
                };
                manifest.units.push(ManifestUnit {
                    id: done.unit.id.clone(),
                    replications: [done.unit.replications.start, done.unit.replications.end],
                    wall_s,
                });
                if journal.due() {
                    journal.checkpoint(&manifest)?;
                }
            }
            journal.checkpoint(&manifest)
        });
        let ran = run_shard(&study, dir, index, count, &send);
        drop(send);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(Failure::Failed(anyhow!("the unit writer stopped"))));
        // An error of the writer (which stops the run) comes first.
        written.and(ran)
    });
    ran?;
    if shard.is_none() {
        // Everything ran here: merge and report, as `bordersim merge DIR` would.
        return super::merge::merge_dir(dir, &args.settings);
    }
    Ok(())
}

/// Refuses, for `--list` and `--emit` (which print their text to standard output and run
/// nothing), the options of a sweep's result: each would be silently ignored.
fn printed_only(args: &SweepArgs) -> Result<(), Failure> {
    let what = if args.list { "--list" } else { "--emit" };
    let given = [
        ("--output", args.settings.output_file().is_some()),
        ("--report", args.settings.report.is_some()),
        ("--format", args.settings.format.is_some()),
    ];
    match given.iter().find(|(_, given)| *given) {
        Some((option, _)) => Err(Failure::BadInput(anyhow!(
            "{what} prints to standard output and writes no result: remove {option} \
             (redirect standard output to keep the text)"
        ))),
        None => Ok(()),
    }
}

/// Shard `index` of `count`'s manifest, with no unit yet, and its path in `dir`.
fn manifest(
    args: &SweepArgs,
    study: &Study,
    dir: &std::path::Path,
    index: u64,
    count: u64,
) -> (Manifest, PathBuf) {
    let manifest = Manifest {
        plan: std::fs::canonicalize(&args.plan).unwrap_or_else(|_| args.plan.clone()),
        plan_hash: study.hash.clone(),
        bordersim: env!("CARGO_PKG_VERSION").to_owned(),
        shard_index: index,
        shard_count: count,
        seed: study.options.seed,
        replications: study.options.replications,
        units: Vec::new(),
    };
    (
        manifest,
        dir.join(manifest_check::manifest_name(index, count)),
    )
}

fn shard(args: &SweepArgs) -> Result<Option<(u64, u64)>, Failure> {
    let env = |name: &str| -> Result<Option<u64>, Failure> {
        match std::env::var(name) {
            Ok(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| Failure::BadInput(anyhow!("{name}={v} is not a whole number"))),
            Err(_) => Ok(None),
        }
    };
    let (index, count) = match (args.shard_index, args.shard_count) {
        (Some(i), count) => (i, count),
        (None, count) => {
            if let Some(id) = env("SLURM_ARRAY_TASK_ID")? {
                let min = env("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
                let index = id.checked_sub(min).ok_or_else(|| {
                    Failure::BadInput(anyhow!(
                        "SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}"
                    ))
                })?;
                (index, count.or(env("SLURM_ARRAY_TASK_COUNT")?))
            } else if let Some(i) = env("JOB_COMPLETION_INDEX")? {
                (i, count)
            } else if let Some(i) = env("AWS_BATCH_JOB_ARRAY_INDEX")? {
                (i, count)
            } else if count.is_some() {
                return Err(Failure::BadInput(anyhow!(
                    "--shard-count without --shard-index (nor an array job's index in the environment)"
                )));
            } else {
                return Ok(None);
            }
        }
    };
    let Some(count) = count else {
        return Err(Failure::BadInput(anyhow!(
            "shard {index} of how many? Give --shard-count N (Slurm sets SLURM_ARRAY_TASK_COUNT; a Kubernetes Indexed Job or AWS Batch array job needs the flag)"
        )));
    };
    if index >= count {
        return Err(Failure::BadInput(anyhow!(
            "shard index {index} is not below the shard count {count} (shards are numbered from 0)"
        )));
    }
    Ok(Some((index, count)))
}

/// The `--list` text: one line per unit of the shard (every unit without one).
fn list(study: &Study, shard: Option<(u64, u64)>) -> String {
    let mut out = String::new();
    let axes = study.plan.axes.join("\t");
    let _ = writeln!(out, "unit\tpoint\treplications\tseed\t{axes}");
    for (k, u) in study.units.iter().enumerate() {
        if shard.is_some_and(|(i, n)| k as u64 % n != i) {
            continue;
        }
        let point = &study.plan.points[u.point];
        let _ = writeln!(
            out,
            "{}\t{}\t{}..{}\t{}\t{}",
            u.id,
            point.id,
            u.replications.start,
            u.replications.end,
            study.options.seed,
            point.values.join("\t")
        );
    }
    out
}
