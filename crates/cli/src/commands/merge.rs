//! `bordersim merge DIR`: the result of a sweep whose units were written by shards into DIR
//! (`bordersim sweep PLAN --out-dir DIR`), equal byte for byte to the sweep run at once.

use std::path::{Path, PathBuf};

use anyhow::anyhow;

use bordersim_config::sweep::Unit;
use bordersim_experiment::Workers;

use super::sweep::{Manifest, Ran, Study, load_study, merge_region, read_unit, unit_path};
use crate::args::RunSettings;
use crate::failure::Failure;
use crate::output;

/// `bordersim merge DIR`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Checks the shards' manifests (one plan, whose files have not \
    changed since; one sharding, every shard's manifest there, no unit listed twice, by \
    another shard or outside the plan), that no unit is missing (naming those that are) and that every unit file \
    is whole and of this plan, then merges. Nothing is written on an error (exit 2).",
    mut_arg("replications", |a| a.hide(true)),
    mut_arg("seed", |a| a.hide(true))
)]
pub struct MergeArgs {
    /// The directory the shards wrote (`bordersim sweep PLAN --out-dir DIR`)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    // Format, output and threads as for `run`; replications and seed come from the shards'
    // plan, so they are hidden here and refused if given.
    #[command(flatten)]
    pub settings: RunSettings,
}

/// Runs `bordersim merge`.
///
/// # Errors
///
/// [`Failure::BadInput`] for a directory without manifests, manifests of two plans, a plan
/// changed since, a missing, corrupt or foreign unit; [`Failure::Failed`] when the output
/// cannot be written.
pub fn merge(args: &MergeArgs) -> Result<(), Failure> {
    if args.settings.replications.is_some() || args.settings.seed.is_some() {
        return Err(Failure::BadInput(anyhow!(
            "merge takes the replications and the seed from the plan the shards ran; remove \
             --replications and --seed (to change them, change the plan and run the sweep \
             again)"
        )));
    }
    // Refuses an output or report name of no format written, before anything runs.
    output::written(&args.settings)?;
    output::reserve_sweep_dir(&args.dir);
    output::check_output(&args.settings, &[])?;
    merge_dir(&args.dir, &args.settings)
}

/// Merges the units in `dir` and writes the output `settings` ask for.
///
/// # Errors
///
/// As [`merge`].
pub(crate) fn merge_dir(dir: &Path, settings: &RunSettings) -> Result<(), Failure> {
    let bad = |m: String| Failure::BadInput(anyhow!(m));
    let mut manifests = Vec::new();
    let entries =
        std::fs::read_dir(dir).map_err(|e| bad(format!("cannot read '{}': {e}", dir.display())))?;
    let mut names: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("manifest-") && n.ends_with(".json"))
        })
        .collect();
    names.sort();
    for path in names {
        let text =
            std::fs::read_to_string(&path).map_err(|e| bad(format!("{}: {e}", path.display())))?;
        let m: Manifest = serde_json::from_str(&text)
            .map_err(|e| bad(format!("{}: not a sweep manifest: {e}", path.display())))?;
        manifests.push((path, m));
    }
    let Some((first_path, first)) = manifests.first() else {
        return Err(bad(format!(
            "'{}' holds no sweep manifest (manifest-*.json): is it a `bordersim sweep --out-dir`?",
            dir.display()
        )));
    };
    for (path, m) in &manifests[1..] {
        if m.plan_hash != first.plan_hash || m.seed != first.seed {
            return Err(bad(format!(
                "'{}' mixes two sweeps: {} is of plan {} (hash {}, seed {}), {} of plan {} (hash {}, seed {})",
                dir.display(),
                first_path.display(),
                first.plan.display(),
                first.plan_hash,
                first.seed,
                path.display(),
                m.plan.display(),
                m.plan_hash,
                m.seed
            )));
        }
    }
    // Every output option given is kept: only replications and seed come from the plan.
    let as_swept = RunSettings {
        replications: Some(first.replications),
        seed: Some(first.seed),
        ..settings.clone()
    };
    let study = load_study(&first.plan, &as_swept)?;
    // The plan and the files it names are inputs too.
    output::check_outputs_not_inputs(settings, None)?;
    if study.hash != first.plan_hash {
        return Err(bad(format!(
            "the plan {} or a file it names changed since the sweep (hash {}, now {}): merge its units with the files they were run from",
            first.plan.display(),
            first.plan_hash,
            study.hash
        )));
    }
    let missing: Vec<&str> = study
        .units
        .iter()
        .filter(|u| !unit_path(dir, &u.id).exists())
        .map(|u| u.id.as_str())
        .collect();
    if !missing.is_empty() {
        const SHOWN: usize = 20;
        let more = if missing.len() > SHOWN {
            format!(" and {} more", missing.len() - SHOWN)
        } else {
            String::new()
        };
        return Err(bad(format!(
            "{} of {} units are missing from '{}': {}{more}; run the shards that hold them again (they skip the units already there)",
            missing.len(),
            study.units.len(),
            dir.display(),
            missing[..missing.len().min(SHOWN)].join(", ")
        )));
    }
    // After the units: a shard that never ran is named by its missing units first.
    super::sweep::check_manifests(dir, &manifests, &study)?;
    if !study.regions.is_empty() {
        return merge_region(dir, &study, &as_swept);
    }
    // The first unit of each point is checked against the point's scenario; the others
    // are checked by merging into it (the same aggregates, in the same order). Units are
    // read and decoded on several threads, a chunk at a time, and merged in order.
    let mut checked = vec![false; study.plan.points.len()];
    let threads = settings
        .threads
        .map(|t| t as usize)
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .max(1);
    // A few units per thread at a time: a small window keeps memory low, and the workers'
    // order of finishing never changes the order they are merged in. The workers live for
    // the whole merge, so each keeps its decoding buffers from one unit to the next.
    let workers = Workers::new(Some(threads)).map_err(|e| Failure::Failed(e.into()))?;
    super::sweep::emit(
        &study,
        threads * 4,
        |units| {
            let firsts: Vec<bool> = units
                .iter()
                .map(|u| !std::mem::replace(&mut checked[u.point], true))
                .collect();
            read_units(dir, &study, units, &firsts, &workers)
        },
        &as_swept,
    )
}

/// Reads `units` (those marked in `firsts` checked against their point's scenario) on
/// `workers`; the summaries in the units' order, or the first unit's error.
fn read_units(
    dir: &Path,
    study: &Study,
    units: &[Unit],
    firsts: &[bool],
    workers: &Workers,
) -> Result<Vec<Ran>, Failure> {
    let at: Vec<usize> = (0..units.len()).collect();
    workers
        .map(&at, |&k| {
            read_unit(&unit_path(dir, &units[k].id), study, firsts[k])
        })
        .into_iter()
        .collect()
}
