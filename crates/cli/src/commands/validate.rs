//! `bordersim validate`: check any file bordersim reads — a scenario, region, policy or
//! region policy, sweep plan, calibration fit file, staffing plan or observation CSV —
//! without simulating it, with the loader its command uses, and say what it holds in one
//! line.

mod kinds;

use anyhow::anyhow;
use bordersim_model::CompiledScenario;

use crate::args::ValidateArgs;
use crate::failure::Failure;
use crate::output::print_stdout;

/// Runs `bordersim validate`.
///
/// # Errors
///
/// [`Failure::BadInput`] for an unreadable file or a scenario the engine cannot prepare,
/// [`Failure::Invalid`] / [`Failure::InvalidRegion`] with the diagnostics of an invalid one.
pub fn validate(args: &ValidateArgs) -> Result<(), Failure> {
    let text = super::read_scenario(&args.file)?;
    if let Some(kind) = kinds::kind_of(&args.file, &text) {
        let line = kinds::validate(kind, &args.file, &text, args.baseline.as_deref())?;
        return print_stdout(line.as_bytes());
    }
    if super::policy::is_policy(&text) {
        let line = super::policy::validate(&args.file, &text, args.baseline.as_deref())?;
        return print_stdout(line.as_bytes());
    }
    if let Some(baseline) = &args.baseline {
        return Err(Failure::BadInput(anyhow!(
            "--baseline '{}' is for a policy, fit file, staffing plan or observation CSV, and \
             '{}' is none of them (it has no [policy], [fit] or [plan] table, nor a .csv name)",
            baseline.display(),
            args.file.display()
        )));
    }
    if bordersim_config::is_region(&text) {
        let line = super::region::summary(&args.file, &text)?;
        return print_stdout(line.as_bytes());
    }
    let scenario = super::load_text(&text, &args.file, args.file.display().to_string())?;
    super::check_file_replications(scenario.replications, &args.file)?;
    // The same check `run` makes before simulating, so `validate` accepts exactly what
    // `run` accepts.
    CompiledScenario::new(&scenario)
        .map_err(|e| Failure::BadInput(anyhow!("{}: {e}", args.file.display())))?;
    let crossing = &scenario.crossing;
    let mut parts = vec![
        count(crossing.stations().len(), "station"),
        count(scenario.population().classes.len(), "class"),
        count(
            bordersim_config::source_count(&text).unwrap_or(crossing.sources().len()),
            "source",
        ),
    ];
    let directions = scenario.population().directions.len();
    if directions > 1 {
        parts.push(count(directions, "direction"));
    }
    let line = format!("{}: ok ({})\n", args.file.display(), parts.join(", "));
    print_stdout(line.as_bytes())
}

/// `n` and `noun`, plural unless `n` is 1.
fn count(n: usize, noun: &str) -> String {
    match (n, noun.ends_with('s')) {
        (1, _) => format!("1 {noun}"),
        (_, true) => format!("{n} {noun}es"),
        (_, false) => format!("{n} {noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_plural_when_needed() {
        assert_eq!(count(1, "station"), "1 station");
        assert_eq!(count(3, "station"), "3 stations");
        assert_eq!(count(2, "class"), "2 classes");
        assert_eq!(count(0, "source"), "0 sources");
    }
}
