//! A sweep whose base is a region (`[sweep] region`, or an axis of region files): every
//! point is the region with its axis values (a policy file applied to the crossing it names,
//! overrides of any of its crossings' parameters — one policy per crossing changed —,
//! demand scaled), run to its equilibrium over all the plan's replications.
//! Each iteration of an equilibrium needs every replication's border times, so a region
//! sweep's work unit is a whole point: a unit's file holds the point's measures and report
//! as they came out, nothing is merged across units, and no split into shards can change a
//! value.

use std::path::Path;

use anyhow::{Context, anyhow};
use bordersim_config::sweep::{Plan, Unit};
use bordersim_config::{ConfigError, Diagnostic, policy_crossing};
use bordersim_experiment::RunOptions;
use bordersim_experiment::region::{RegionError, RegionModel, run_region};
use bordersim_experiment::sweep::{
    CapReached, RegionMeasure, RegionMeasureChange, RegionSweepPointView, RegionSweepView,
    SweepAxis, region_changes, region_measures,
};
use serde::{Deserialize, Serialize};

use super::shard::{Journal, clock};
use super::study::{Fnv, read_point_policy, relocate};
use super::units::ManifestUnit;
use super::{Study, SweepArgs, unit_path};
use crate::args::{Format, RunSettings};
use crate::failure::{Failure, warn};
use crate::output;

/// What one unit (one point) of a region sweep writes.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegionUnitFile {
    plan_hash: String,
    unit: String,
    seed: u64,
    replications: [u64; 2],
    /// The point's measures, in the order of [`region_measures`] (none when capped).
    measures: Vec<RegionMeasure>,
    /// The point's full region report (as `bordersim region` writes it in JSON; null when
    /// capped).
    region: serde_json::Value,
    /// The crossing and replication stopped at the cap on vehicles in the crossing, if one
    /// was: the point is unstable and has no figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    capped: Option<RegionCap>,
}

/// A region point's crossing whose replication reached its cap on vehicles in it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionCap {
    crossing: String,
    #[serde(flatten)]
    cap: CapReached,
}

impl RegionCap {
    /// Why the point is unstable (its `unstable`), in [`CapReached::reason`]'s words.
    fn reason(&self) -> String {
        format!("crossing `{}`: {}", self.crossing, self.cap.reason())
    }
}

/// Loads a plan whose base is a region: every point's region model, all checked before
/// anything runs, and the plan's fingerprint (the plan, the region, its crossing files and
/// the policy files).
///
/// # Errors
///
/// As [`super::load_study`].
pub(super) fn load_region_study(
    plan: Plan,
    text: &str,
    path: &Path,
    settings: &RunSettings,
) -> Result<Study, Failure> {
    let file = path.display().to_string();
    let dir = output::directory_of(path);
    let mut hasher = Fnv::default();
    hasher.add(text.as_bytes());
    // Each base region file, read and loaded once.
    let mut bases: Vec<Base> = Vec::new();
    let mut regions = Vec::with_capacity(plan.points.len());
    for point in &plan.points {
        let name = point
            .region
            .as_deref()
            .or(plan.region.as_deref())
            .unwrap_or_default();
        let b = match bases.iter().position(|b| b.name == name) {
            Some(b) => b,
            None => {
                let field = if point.region.is_some() {
                    "axis region"
                } else {
                    "sweep.region"
                };
                let named = super::named::Named {
                    plan: &file,
                    text,
                    field,
                    name,
                };
                bases.push(Base::load(&named, dir, &mut hasher)?);
                bases.len() - 1
            }
        };
        let base = &bases[b];
        let policy_path = point.policy.as_ref().map(|p| dir.join(p));
        let policy_file =
            read_point_policy(policy_path.as_deref(), &mut hasher, (&file, text, point))?;
        let label = format!("{file} point {}", point.id);
        let invalid = |error| Failure::Invalid {
            file: file.clone(),
            error,
        };
        let ids: Vec<&str> = (base.loaded.model.crossings.iter())
            .map(|c| c.id.as_str())
            .collect();
        // The crossing the point's policy file changes: the one its [policy] names, or
        // the region's only one.
        let policy_crossing = match &policy_file {
            None => None,
            Some(t) => match policy_crossing(t, &label) {
                Ok(Some((named, _))) => Some(named),
                _ if ids.len() == 1 => Some(ids[0].to_owned()),
                // Left to the policy's own application to report, at its place.
                _ => None,
            },
        };
        // Every crossing the point changes, in the region's order, each by one policy:
        // the policy file if it names that crossing, then the overrides addressed to it.
        let mut targets: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| {
                policy_crossing.as_deref() == Some(*id)
                    || point.crossings.iter().any(|c| c.as_deref() == Some(*id))
            })
            .collect();
        let unknown = (point.crossings.iter().flatten())
            .chain(&policy_crossing)
            .find(|c| !ids.contains(&c.as_str()));
        if let Some(c) = unknown {
            // Reported by the policy pipeline, with the closest crossing.
            targets.push(c.as_str());
        } else if policy_file.is_some() && policy_crossing.is_none() {
            targets.push("");
        }
        let mut model = base.loaded.model.clone();
        for target in targets {
            let own = (policy_crossing.as_deref() == Some(target) || target.is_empty())
                .then_some(policy_file.as_deref())
                .flatten();
            let Some((policy, starts)) = plan.policy_text_of_crossing(point, own, target) else {
                continue;
            };
            let applied = bordersim_config::apply_region_policy(
                &base.text,
                &base.file,
                &base.reader(),
                &policy,
                &label,
            )
            .map_err(|e| {
                invalid(relocate(
                    e,
                    &label,
                    &file,
                    policy_path.as_deref(),
                    &starts,
                    point,
                ))
            })?
            .region
            .model;
            // The changed crossing, with what the region derives from it (entries,
            // directions, classes), into the point's model.
            if let Some(k) = applied
                .crossings
                .iter()
                .position(|c| c.id == target)
                .or_else(|| (applied.crossings.len() == 1).then_some(0))
            {
                model.crossings[k] = applied.crossings[k].clone();
                model.region.crossings[k] = applied.region.crossings[k].clone();
            }
        }
        for scale in &point.demand {
            scale_region_demand(&mut model, scale.class.as_deref(), scale.factor).map_err(|m| {
                invalid(at_origin(
                    &file,
                    &scale.origin,
                    format!("{m} (point {})", point.id),
                ))
            })?;
        }
        regions.push(model);
    }
    let replications = settings.replications.unwrap_or(plan.replications);
    // Without a seed in the plan, the first base region's.
    let seed = settings
        .seed
        .or(plan.seed)
        .unwrap_or_else(|| bases.first().map_or(0, |b| b.loaded.seed));
    let mut plan = plan;
    plan.replications = replications;
    plan.block = replications;
    let units = plan.units();
    hasher.add(format!("{replications} {} {seed}", plan.block).as_bytes());
    Ok(Study {
        options: RunOptions {
            replications,
            seed,
            threads: settings.threads.map(|t| t as usize),
        },
        hash: format!("{:016x}", hasher.0),
        plan,
        scenarios: Vec::new(),
        regions,
        units,
    })
}

/// A base region file of a plan: its name as the plan writes it, its path, text and
/// loaded region.
struct Base {
    name: String,
    path: std::path::PathBuf,
    file: String,
    text: String,
    loaded: bordersim_config::LoadedRegion,
}

impl Base {
    /// Reads and loads the region file `name` (relative to the plan's directory `dir`),
    /// adding it and its crossing files to the plan's `hasher`.
    fn load(
        named: &super::named::Named<'_>,
        dir: &Path,
        hasher: &mut Fnv,
    ) -> Result<Base, Failure> {
        let name = named.name;
        let path = dir.join(name);
        let text = named.read(&path, "region", |p| super::super::read_input(p, "region"))?;
        let loaded = super::super::region::load(&path, &text)?;
        hasher.add(text.as_bytes());
        for c in &loaded.crossing_texts {
            hasher.add(c.text.as_bytes());
        }
        Ok(Base {
            name: name.to_owned(),
            file: path.display().to_string(),
            path,
            text,
            loaded,
        })
    }

    /// Reads the files the region names, relative to it.
    fn reader(&self) -> impl Fn(&str) -> Result<String, String> + '_ {
        super::super::region::reader(&self.path)
    }
}

/// A one-problem [`ConfigError`] at `origin` in the plan file `file`.
fn at_origin(file: &str, origin: &bordersim_config::sweep::Origin, message: String) -> ConfigError {
    ConfigError {
        diagnostics: vec![Diagnostic {
            file: file.to_owned(),
            path: origin.field.clone(),
            line: origin.line,
            column: origin.column,
            message,
        }],
    }
}

/// Multiplies the vehicles per day of the region's flows (those of `class`, if named) by
/// `factor`.
fn scale_region_demand(
    model: &mut RegionModel,
    class: Option<&str>,
    factor: f64,
) -> Result<(), String> {
    let classes = &model.region.classes;
    let wanted = match class {
        None => None,
        Some(c) => Some(classes.iter().position(|k| k == c).ok_or_else(|| {
            format!(
                "the region has no class `{c}`{}; its classes: {}",
                bordersim_config::closest(c, classes.iter().map(String::as_str))
                    .map_or(String::new(), |s| format!(" (did you mean `{s}`?)")),
                classes.join(", ")
            )
        })?),
    };
    for od in &mut model.region.demand {
        if wanted.is_none_or(|k| k == od.class) {
            od.vehicles_per_day *= factor;
            if !od.vehicles_per_day.is_finite() {
                return Err(format!(
                    "demand factor {factor:e} makes a flow's vehicles per day too large to be \
                     a number: give a smaller factor"
                ));
            }
        }
    }
    Ok(())
}

/// Runs one unit (a whole point) of a region sweep: its measures and report, or the
/// crossing and replication that reached the cap on vehicles in it.
fn run_point(study: &Study, unit: &Unit) -> Result<RegionUnitFile, Failure> {
    let context = || format!("cannot run point {} of the region sweep", unit.id);
    let mut file = RegionUnitFile {
        plan_hash: study.hash.clone(),
        unit: unit.id.clone(),
        seed: study.options.seed,
        replications: [unit.replications.start, unit.replications.end],
        measures: Vec::new(),
        region: serde_json::Value::Null,
        capped: None,
    };
    let outcome = match run_region(&study.regions[unit.point], &study.options) {
        Ok(outcome) => outcome,
        Err(e) => {
            if let RegionError::Run { crossing, source } = &e
                && let Some(cap) = CapReached::of(source)
            {
                file.capped = Some(RegionCap {
                    crossing: crossing.clone(),
                    cap,
                });
                return Ok(file);
            }
            return Err(Failure::from_region(e, context()));
        }
    };
    if !outcome.report.converged {
        warn(&format!(
            "point {}: the region did not converge in {} iterations (gap {})",
            unit.id,
            outcome.report.iterations.len(),
            outcome.report.iterations.last().map_or(f64::NAN, |i| i.gap)
        ));
    }
    file.measures = region_measures(&outcome.report);
    file.region = serde_json::to_value(&outcome.report).map_err(|e| Failure::Failed(e.into()))?;
    Ok(file)
}

/// Reads a region unit file: the error, naming the file, when it is unreadable or not a
/// region unit (corrupt or truncated).
fn parse_region_unit(path: &Path) -> Result<RegionUnitFile, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let corrupt = |e: &dyn std::fmt::Display| {
        format!(
            "{}: not a region sweep unit of bordersim: {e}",
            path.display()
        )
    };
    let body = super::seal::unseal(&bytes).map_err(|e| corrupt(&e))?;
    serde_json::from_slice(body).map_err(|e| corrupt(&e))
}

/// Checks a region unit file against the study: its plan, unit, seed and replications.
fn check_region_unit(
    path: &Path,
    file: RegionUnitFile,
    study: &Study,
) -> Result<RegionUnitFile, Failure> {
    let unit = super::units::unit_in_plan(path, &file.plan_hash, &file.unit, study)?;
    if file.seed != study.options.seed
        || file.replications != [unit.replications.start, unit.replications.end]
        || file.capped.is_some() != (file.measures.is_empty() && file.region.is_null())
    {
        return Err(super::units::not_its_unit(path, unit));
    }
    Ok(file)
}

/// `bordersim sweep` of a region plan: here at once, or one shard into `--out-dir`.
///
/// # Errors
///
/// As [`super::sweep`].
pub(super) fn sweep_region(
    args: &SweepArgs,
    study: &Study,
    shard: Option<(u64, u64)>,
) -> Result<(), Failure> {
    if shard.is_some() {
        // A shard writes units; the result (and its page) is the merge's.
        output::check_text_only(
            &args.settings,
            "a shard (it writes units into --out-dir; `bordersim merge DIR` writes the result)",
        )?;
    }
    let Some(dir) = &args.out_dir else {
        output::check_output(&args.settings, &[&args.plan])?;
        let files = study
            .units
            .iter()
            .map(|u| run_point(study, u))
            .collect::<Result<Vec<_>, _>>()?;
        return emit(study, &files, &args.settings);
    };
    let (index, count) = shard.unwrap_or((0, 1));
    std::fs::create_dir_all(dir.join("units"))
        .with_context(|| format!("cannot create '{}'", dir.join("units").display()))
        .map_err(Failure::BadInput)?;
    let (mut manifest, manifest_path) = super::manifest(args, study, dir, index, count);
    let mut journal = Journal::new(manifest_path, dir.join("units"));
    journal.checkpoint(&manifest)?;
    for (k, unit) in study.units.iter().enumerate() {
        if k as u64 % count != index {
            continue;
        }
        let path = unit_path(dir, &unit.id);
        let finished = path.exists()
            && match parse_region_unit(&path) {
                Ok(file) => {
                    check_region_unit(&path, file, study)?;
                    true
                }
                Err(e) => {
                    // Only a machine crash leaves a unit file that does not parse (see
                    // `Journal`): the point runs again and gives the same file.
                    warn(&format!("{e}; running unit {} again", unit.id));
                    false
                }
            };
        let wall_s = if finished {
            None
        } else {
            let start = clock();
            let file = run_point(study, unit)?;
            let bytes = serde_json::to_vec(&file).map_err(|e| Failure::Failed(e.into()))?;
            journal.write_unit(&path, &bytes)?;
            Some(start.elapsed().as_secs_f64())
        };
        manifest.units.push(ManifestUnit {
            id: unit.id.clone(),
            replications: [unit.replications.start, unit.replications.end],
            wall_s,
        });
        if journal.due() {
            journal.checkpoint(&manifest)?;
        }
    }
    journal.checkpoint(&manifest)?;
    if shard.is_none() {
        return super::super::merge::merge_dir(dir, &args.settings);
    }
    Ok(())
}

/// `bordersim merge` of a region sweep's directory: every unit read, checked, and written
/// as the sweep run at once writes it.
///
/// # Errors
///
/// [`Failure::BadInput`] naming a unit file that is unreadable, corrupt or of another
/// plan; [`Failure::Failed`] when the output cannot be written.
pub(crate) fn merge_region(
    dir: &Path,
    study: &Study,
    settings: &RunSettings,
) -> Result<(), Failure> {
    let files = study
        .units
        .iter()
        .map(|u| {
            let path = unit_path(dir, &u.id);
            let file = parse_region_unit(&path).map_err(|m| Failure::BadInput(anyhow!(m)))?;
            check_region_unit(&path, file, study)
        })
        .collect::<Result<Vec<_>, _>>()?;
    emit(study, &files, settings)
}

/// A region sweep's result.
#[derive(Serialize)]
struct RegionSweepResult<'a> {
    sweep: &'a str,
    plan_hash: &'a str,
    seed: u64,
    replications: u32,
    baseline: &'a str,
    axes: Vec<SweepAxis>,
    points: Vec<RegionSweepPoint<'a>>,
}

/// One point of a region sweep: its axis values, its measures with their change from the
/// baseline point's, and its full region report.
#[derive(Serialize)]
struct RegionSweepPoint<'a> {
    id: &'a str,
    axes: Vec<(&'a str, &'a str)>,
    measures: Vec<RegionMeasureChange>,
    /// Left out for a point that reached the cap on vehicles in a crossing.
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a serde_json::Value>,
    /// Why the point is unstable (a crossing's replication stopped at its cap on vehicles
    /// in it, or a crossing's run unstable at the last iteration: the region report's
    /// `unstable`); left out when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    unstable: Option<String>,
}

/// Writes the result of a region sweep from its units' files (one per point, in order).
fn emit(study: &Study, files: &[RegionUnitFile], settings: &RunSettings) -> Result<(), Failure> {
    let baseline = &files[study.plan.baseline].measures;
    // A point stopped at the cap lists the measures of the first point that has them,
    // without values, so that its rows line up with the others'.
    let blank: Vec<RegionMeasure> = files
        .iter()
        .find(|f| f.capped.is_none())
        .map(|f| {
            (f.measures.iter())
                .map(|m| RegionMeasure {
                    value: None,
                    ci95: None,
                    ..m.clone()
                })
                .collect()
        })
        .unwrap_or_default();
    let points = study
        .plan
        .points
        .iter()
        .zip(files)
        .map(|(p, f)| RegionSweepPoint {
            id: &p.id,
            axes: study
                .plan
                .axes
                .iter()
                .map(String::as_str)
                .zip(p.values.iter().map(String::as_str))
                .collect(),
            measures: region_changes(
                if f.capped.is_some() {
                    &blank
                } else {
                    &f.measures
                },
                baseline,
            ),
            region: f.capped.is_none().then_some(&f.region),
            unstable: f.capped.as_ref().map(RegionCap::reason).or_else(|| {
                f.region
                    .get("unstable")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
            }),
        })
        .collect::<Vec<_>>();
    for p in &points {
        if let Some(why) = &p.unstable {
            warn(&format!(
                "point {} ({}) is unstable: {why}; the sweep's other points are complete (the \
                 `unstable` column, and the marked point on the page)",
                p.id,
                p.axes
                    .iter()
                    .map(|(a, v)| format!("{a} = {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let out = RegionSweepResult {
        sweep: &study.plan.name,
        plan_hash: &study.hash,
        seed: study.options.seed,
        replications: study.options.replications,
        baseline: &study.plan.points[study.plan.baseline].id,
        axes: super::result::axes(study),
        points,
    };
    output::emit(
        settings,
        |format| render(&out, format),
        || bordersim_report::region_sweep(&view(&out)),
    )
}

/// What the page draws of a region sweep's result.
fn view(out: &RegionSweepResult<'_>) -> RegionSweepView {
    RegionSweepView {
        sweep: out.sweep.to_owned(),
        seed: out.seed,
        replications: out.replications,
        baseline: out.baseline.to_owned(),
        axes: out.axes.clone(),
        points: out
            .points
            .iter()
            .map(|p| RegionSweepPointView {
                id: p.id.to_owned(),
                axes: p
                    .axes
                    .iter()
                    .map(|(a, v)| ((*a).to_owned(), (*v).to_owned()))
                    .collect(),
                measures: p.measures.clone(),
                unstable: p.unstable.clone(),
            })
            .collect(),
    }
}

/// JSON (every point's measures and full region report), or tidy CSV / a table: one row
/// per point × measure, the axis values as columns, then `entity, metric, value, ci95,
/// delta, unit, unstable`.
fn render(out: &RegionSweepResult<'_>, format: Format) -> anyhow::Result<Vec<u8>> {
    if format == Format::Json {
        let mut bytes = serde_json::to_vec_pretty(out)?;
        bytes.push(b'\n');
        return Ok(bytes);
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(if format == Format::Csv { b',' } else { b'\t' })
        .from_writer(Vec::new());
    let mut header = vec!["point"];
    header.extend(out.axes.iter().map(|a| a.name.as_str()));
    header.extend([
        "entity", "metric", "value", "ci95", "delta", "unit", "unstable",
    ]);
    w.write_record(&header)?;
    let num = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    for p in &out.points {
        for c in &p.measures {
            let m = &c.measure;
            let mut r = vec![p.id.to_owned()];
            r.extend(p.axes.iter().map(|(_, v)| (*v).to_owned()));
            r.extend([
                m.entity.clone(),
                m.metric.clone(),
                num(m.value),
                num(m.ci95),
                num(c.delta),
                m.unit.clone(),
                p.unstable.clone().unwrap_or_default(),
            ]);
            w.write_record(&r)?;
        }
    }
    w.into_inner().map_err(|e| anyhow!("{e}"))
}
