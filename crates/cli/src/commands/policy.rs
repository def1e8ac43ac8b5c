//! Policy files on the command line: telling one from a scenario, finding its baseline (the
//! `--baseline` given, else the `baseline =` of its `[policy]` table, relative to the policy
//! file), applying it as `compare` does, `validate POLICY` and `bordersim apply`.

use std::path::{Component, Path, PathBuf};

use anyhow::anyhow;
use bordersim_config::{PolicyError, PolicyScenario};
use toml::de::{DeTable, DeValue};

use crate::args::ApplyArgs;
use crate::failure::{Failure, warn};
use crate::output::{self, check_not_input, check_output_path, print_stdout, write_atomically};

/// Whether `text` is a policy file: TOML with a `policy` key (a `[policy]` table, or one of
/// the wrong type, which the policy's own checks then report) and neither a `[scenario]` nor
/// a `[region]` table.
pub fn is_policy(text: &str) -> bool {
    let Ok(root) = DeTable::parse(text) else {
        return false;
    };
    let root = root.get_ref();
    root.get("policy").is_some() && root.get("scenario").is_none() && root.get("region").is_none()
}

/// The error for a policy file given where a scenario (`what`) is expected.
pub fn not_a_scenario(path: &Path, what: &str) -> Failure {
    Failure::BadInput(anyhow!(
        "'{}' is a policy file (it has a [policy] table), not {what}: apply it to its baseline \
         with `bordersim compare [BASE] --policy {}`, check it with `bordersim validate {}`, or \
         write the scenario it produces with `bordersim apply {}`",
        path.display(),
        path.display(),
        path.display(),
        path.display()
    ))
}

/// The baseline the policy at `policy_path` names (`baseline =` in `[policy]`), resolved
/// relative to the policy file's directory; `None` when it names none.
pub fn declared_baseline(policy_path: &Path, text: &str) -> Option<PathBuf> {
    let root = DeTable::parse(text).ok()?;
    let DeValue::Table(policy) = root.get_ref().get("policy")?.get_ref() else {
        return None;
    };
    let DeValue::String(name) = policy.get("baseline")?.get_ref() else {
        return None;
    };
    // Folded for messages (`configs/examples/b.toml`, not `configs/policies/../examples/…`).
    Some(normal(
        &output::directory_of(policy_path).join(name.as_ref()),
    ))
}

/// Whether two paths name the same file (canonically), or are written alike when one does
/// not exist.
pub fn same_path(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => normal(a) == normal(b),
    }
}

/// `path` with `.` steps removed and `dir/..` folded, for comparing paths that do not exist.
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The baseline of the policy at `policy_path` (its text `text`): `given` if any — with a
/// warning when the policy names another —, else the one it names.
///
/// # Errors
///
/// [`Failure::BadInput`] when neither is there.
pub fn baseline_for(
    policy_path: &Path,
    text: &str,
    given: Option<&Path>,
) -> Result<PathBuf, Failure> {
    let declared = declared_baseline(policy_path, text);
    match (given, declared) {
        (Some(given), Some(declared)) => {
            if !same_path(given, &declared) {
                warn(&format!(
                    "{}: the policy was written for the baseline '{}' (`baseline =` in [policy]), \
                     but '{}' is given: it is applied to '{}'",
                    policy_path.display(),
                    declared.display(),
                    given.display(),
                    given.display()
                ));
            }
            Ok(given.to_owned())
        }
        (Some(given), None) => Ok(given.to_owned()),
        (None, Some(declared)) => Ok(declared),
        (None, None) => Err(Failure::BadInput(anyhow!(
            "{}: the policy names no baseline (`baseline = \"…\"` in [policy]); give one \
             (`--baseline BASE` for validate and apply, BASE for compare)",
            policy_path.display()
        ))),
    }
}

/// Applies the policy at `policy_path` (text `policy`) to the scenario at `base_path` (text
/// `base`), as `compare` does, printing the changed scenario's warnings.
///
/// # Errors
///
/// [`Failure::Invalid`] with every problem, located (in the policy file, else the baseline).
pub fn apply_to_scenario(
    base_path: &Path,
    base: &str,
    policy_path: &Path,
    policy: &str,
) -> Result<PolicyScenario, Failure> {
    let file = policy_path.display().to_string();
    match bordersim_config::apply_policy_with(
        base,
        &base_path.display().to_string(),
        policy,
        &file,
        &super::trace_reader(base_path),
    ) {
        Ok(applied) => {
            warn_region_crossing(&file, applied.applied.crossing.as_deref());
            for w in &applied.loaded.warnings {
                warn(&w.to_string());
            }
            Ok(applied)
        }
        Err(PolicyError::Policy(error)) => Err(Failure::Invalid { file, error }),
        Err(PolicyError::Scenario { applied, error, .. }) => {
            warn_region_crossing(&file, applied.crossing.as_deref());
            Err(Failure::Invalid { file, error })
        }
    }
}

/// Warns that a policy written for a region's crossing (`[policy] crossing`) is applied to a
/// single scenario.
fn warn_region_crossing(file: &str, crossing: Option<&str>) {
    if let Some(crossing) = crossing {
        warn(&format!(
            "{file}: `crossing = \"{crossing}\"` names a crossing of a region, but the \
             baseline is one crossing's scenario: the policy applies to it"
        ));
    }
}

/// The scenario a policy produces from its baseline, and where the files it names are
/// read from.
struct Produced {
    /// The changed scenario, TOML.
    text: String,
    /// The directory its trace files are relative to.
    dir: PathBuf,
    /// The policy's name.
    name: String,
    /// What the policy was applied to (`base.toml`, or `region.toml, crossing x`).
    applied_to: String,
}

/// Applies the policy at `policy_path` to the baseline `base_path` (a scenario, or a region:
/// then to the crossing the policy names).
fn produce(policy_path: &Path, policy: &str, base_path: &Path) -> Result<Produced, Failure> {
    let base = super::read_scenario(base_path)?;
    if is_policy(&base) {
        return Err(not_a_scenario(base_path, "a baseline"));
    }
    if bordersim_config::is_region(&base) {
        super::region::load(base_path, &base)?;
        let read = super::region::reader(base_path);
        let policy_file = policy_path.display().to_string();
        let applied = bordersim_config::apply_region_policy(
            &base,
            &base_path.display().to_string(),
            &read,
            policy,
            &policy_file,
        )
        .map_err(|error| Failure::InvalidRegion {
            file: format!("{}' with policy '{policy_file}", base_path.display()),
            error,
        })?;
        let at = applied
            .region
            .crossing_texts
            .iter()
            .find(|c| c.id == applied.crossing)
            .ok_or_else(|| Failure::Failed(anyhow!("the changed crossing is missing")))?;
        return Ok(Produced {
            text: at.text.clone(),
            dir: output::directory_of(base_path).join(&at.dir),
            name: applied.name,
            applied_to: format!("{}, crossing `{}`", base_path.display(), applied.crossing),
        });
    }
    // The baseline's own problems first, located in its own file.
    super::load_text(&base, base_path, base_path.display().to_string())?;
    let applied = apply_to_scenario(base_path, &base, policy_path, policy)?;
    Ok(Produced {
        text: applied.applied.scenario_text,
        dir: output::directory_of(base_path).to_owned(),
        name: applied.applied.name,
        applied_to: base_path.display().to_string(),
    })
}

/// `bordersim validate POLICY [--baseline BASE]`: the one line said of a valid policy.
///
/// # Errors
///
/// As [`produce`]: the baseline's problems, then every problem of the policy, located.
pub fn validate(policy_path: &Path, policy: &str, given: Option<&Path>) -> Result<String, Failure> {
    let base_path = baseline_for(policy_path, policy, given)?;
    let produced = produce(policy_path, policy, &base_path)?;
    Ok(format!(
        "{}: ok (policy \"{}\", applied to {})\n",
        policy_path.display(),
        produced.name,
        produced.applied_to
    ))
}

/// Runs `bordersim apply`.
///
/// # Errors
///
/// [`Failure::BadInput`] for unreadable files or an output that is an input;
/// [`Failure::Invalid`] with every problem of the baseline or the policy;
/// [`Failure::Failed`] when the scenario cannot be written.
pub fn apply(args: &ApplyArgs) -> Result<(), Failure> {
    let out = args.output.as_deref().filter(|p| p.as_os_str() != "-");
    let mut inputs: Vec<&Path> = vec![&args.policy];
    inputs.extend(args.baseline.as_deref());
    if let Some(out) = out {
        output::check_named("--output", out, output::SCENARIO_TOML)?;
        check_output_path("--output", out, &inputs)?;
    }
    let policy = super::read_policy(&args.policy)?;
    if !is_policy(&policy) {
        let file = args.policy.display().to_string();
        if DeTable::parse(&policy).is_err() {
            // Not TOML: the syntax error, located, as every command words it.
            if let Err(error) = bordersim_config::apply_policy("", &policy, &file) {
                return Err(Failure::Invalid { file, error });
            }
        }
        return Err(Failure::BadInput(anyhow!(
            "'{file}' is not a policy file (it has no [policy] table); `bordersim apply` writes \
             the scenario a policy produces from its baseline"
        )));
    }
    let base_path = baseline_for(&args.policy, &policy, args.baseline.as_deref())?;
    let produced = produce(&args.policy, &policy, &base_path)?;
    if let Some(out) = out {
        check_not_input("--output", out)?;
    }
    let target_dir = match out {
        Some(out) => absolute(output::directory_of(out)),
        None => absolute(Path::new(".")),
    };
    let text = retarget_traces(&produced.text, &absolute(&produced.dir), &target_dir)
        .map_err(Failure::Failed)?;
    let header = format!(
        "# The scenario policy \"{}\" ({}) produces from {}.\n\
         # Written by `bordersim apply`; `bordersim run` of it gives the policy's variant of \
         `bordersim compare`.\n\n",
        produced.name,
        args.policy.display(),
        produced.applied_to
    );
    let bytes = format!("{header}{text}").into_bytes();
    match out {
        Some(path) => write_atomically(path, &bytes).map_err(Failure::Failed),
        None => print_stdout(&bytes),
    }
}

/// `path` made absolute against the current directory, `.` and `..` folded.
fn absolute(path: &Path) -> PathBuf {
    let full = if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir().map_or_else(|_| path.to_owned(), |cwd| cwd.join(path))
    };
    std::fs::canonicalize(&full).unwrap_or_else(|_| normal(&full))
}

/// The path that leads from directory `from` to `to` (both absolute).
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component<'_>> = from.components().collect();
    let to_parts: Vec<Component<'_>> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return to.to_owned();
    }
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to_parts[common..] {
        out.push(c);
    }
    out
}

/// The scenario `text`, whose trace files are relative to directory `from`, with each
/// relative `trace` rewritten to lead there from directory `to`.
fn retarget_traces(text: &str, from: &Path, to: &Path) -> anyhow::Result<String> {
    if from == to {
        return Ok(text.to_owned());
    }
    let mut doc: toml::Table = toml::from_str(text)?;
    let mut changed = false;
    if let Some(toml::Value::Array(sources)) = doc.get_mut("sources") {
        for source in sources.iter_mut().filter_map(toml::Value::as_table_mut) {
            if let Some(toml::Value::String(trace)) = source.get_mut("trace")
                && Path::new(trace.as_str()).is_relative()
            {
                let target = absolute(&from.join(trace.as_str()));
                *trace = relative(to, &target).to_string_lossy().into_owned();
                changed = true;
            }
        }
    }
    if !changed {
        return Ok(text.to_owned());
    }
    // The sections in the order of a scenario file, as the policy pipeline writes them.
    let order = [
        "scenario",
        "directions",
        "programmes",
        "classes",
        "stations",
        "sources",
    ];
    let rank = |key: &str| order.iter().position(|k| *k == key).unwrap_or(order.len());
    let mut keys: Vec<String> = doc.keys().cloned().collect();
    keys.sort_by_key(|k| rank(k));
    let mut out = String::new();
    for key in keys {
        let mut one = toml::Table::new();
        if let Some(value) = doc.remove(&key) {
            one.insert(key, value);
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&toml::to_string(&one)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_lead_from_one_directory_to_another() {
        assert_eq!(
            relative(Path::new("/a/b/c"), Path::new("/a/d/t.csv")),
            PathBuf::from("../../d/t.csv")
        );
        assert_eq!(
            relative(Path::new("/a"), Path::new("/a/t.csv")),
            PathBuf::from("t.csv")
        );
        assert_eq!(normal(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert!(same_path(Path::new("x/../y.toml"), Path::new("y.toml")));
    }

    #[test]
    fn policies_are_told_from_scenarios_and_regions() {
        assert!(is_policy("[policy]\nname = \"x\"\n"));
        assert!(!is_policy("[scenario]\nname = \"x\"\n"));
        assert!(!is_policy("[region]\nname = \"x\"\n"));
        assert!(is_policy("policy = 1\n"));
        assert!(!is_policy("policy = 1\n[scenario]\nname = \"x\"\n"));
        assert!(!is_policy("[policy\n"));
        let text = "[policy]\nname = \"x\"\nbaseline = \"../examples/b.toml\"\n";
        assert_eq!(
            declared_baseline(Path::new("configs/policies/p.toml"), text),
            Some(PathBuf::from("configs/examples/b.toml"))
        );
        assert_eq!(
            declared_baseline(Path::new("p.toml"), "[policy]\nname = \"x\"\n"),
            None
        );
    }
}
