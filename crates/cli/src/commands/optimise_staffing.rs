//! `bordersim optimise-staffing SCENARIO --plan PLAN`: the lanes open per hour of the
//! plan's lane groups that minimise its objective within its budget and shift rules
//! (`docs/planning.md`), found by simulation on common random numbers; the schedule, the
//! objective before and after with its paired 95% interval, and the lane-hours used. The
//! plan is checked against the scenario before anything runs.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::anyhow;
use bordersim_planning::{
    PlanningError, SearchProgress, StaffingReport, optimise_staffing, parse_plan,
};
use indicatif::{ProgressBar, ProgressDrawTarget};
use serde::Serialize;

use crate::args::{Format, RunSettings};
use crate::failure::Failure;
use crate::output::{self, check_not_input, check_output_path, write_atomically};

/// `bordersim optimise-staffing SCENARIO --plan PLAN`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "The plan (TOML) names the objective and, for each lane group (and \
    days), the budget of lane-hours per day, the minimum and maximum lanes, the night \
    minimum and the shift rules; see docs/planning.md and configs/planning/. Every candidate \
    runs on the same seed and replications (common random numbers); the schedule found is \
    compared with the scenario's own as `compare` does.\n\nExamples:\n  \
    bordersim optimise-staffing configs/examples/commercial_truck_crossing.toml \
    --plan configs/planning/commercial_primary.toml --output optimised.toml\n  \
    bordersim compare configs/examples/commercial_truck_crossing.toml --variant optimised.toml"
)]
pub struct OptimiseStaffingArgs {
    /// Scenario file (TOML)
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,

    /// Staffing plan (TOML): objective, lane groups, budgets, bounds and shift rules
    #[arg(long, value_name = "PLAN")]
    pub plan: PathBuf,

    /// Write the scenario with the schedule found to PATH (TOML, whole or not at all):
    /// `run` it, or `compare` it as a --variant, to reproduce the gain
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Write the schedule as a policy of `[[override]]` entries to PATH (for `compare
    /// SCENARIO --policy PATH`)
    #[arg(long, value_name = "PATH")]
    pub policy_output: Option<PathBuf>,

    /// Replications per candidate, at most 1000 [default: the scenario's `replications`]
    #[arg(short = 'r', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::args::MAX_REPLICATIONS)))]
    pub replications: Option<u32>,

    /// Master random seed, the same for every candidate [default: the scenario's `seed`]
    #[arg(short = 's', long, value_name = "S")]
    pub seed: Option<u64>,

    /// Worker threads; results do not depend on it [default: all cores]
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::args::MAX_THREADS)))]
    pub threads: Option<u32>,

    /// Report format on standard output: table (times in minutes) or json (times in
    /// seconds) [default: table]
    #[arg(short = 'f', long, value_name = "FORMAT", value_parser = clap::builder::TypedValueParser::map(clap::builder::PossibleValuesParser::new(["table", "json"]),
        |f: String| if f == "json" { Format::Json } else { Format::Table }))]
    pub format: Option<Format>,

    /// Show no progress (it is shown on standard error only when that is a terminal)
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// The report with the search's timing (the only part that depends on the machine).
#[derive(Serialize)]
struct Printed<'a> {
    #[serde(flatten)]
    report: &'a StaffingReport,
    performance: Performance,
}

/// How long the search took.
#[derive(Serialize)]
struct Performance {
    /// Wall-clock seconds of the whole command's simulation (search and comparison).
    seconds_total: f64,
    /// Wall-clock seconds per candidate simulated.
    seconds_per_evaluation: f64,
}

/// A spinner with the evaluations done and the best objective so far.
struct Spinner {
    bar: ProgressBar,
    objective: String,
}

impl SearchProgress for Spinner {
    fn evaluated(&self, evaluations: u32, best: f64) {
        self.bar.set_message(format!(
            "optimising staffing: {evaluations} candidates simulated, best {} {best:.4}",
            self.objective
        ));
    }

    fn comparing(&self) {
        self.bar
            .set_message("comparing the schedule found with the scenario's own".to_owned());
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// Runs `bordersim optimise-staffing`.
///
/// # Errors
///
/// [`Failure::BadInput`] for unreadable files or outputs that would overwrite an input,
/// [`Failure::Invalid`] with the located diagnostics of an invalid scenario or plan (a
/// budget below the minimum, shift rules no schedule satisfies, an unknown station or lane
/// group) — nothing is run —, [`Failure::Failed`] when the runs or the writing fail.
pub fn optimise_staffing_command(args: &OptimiseStaffingArgs) -> Result<(), Failure> {
    let inputs: Vec<&Path> = vec![&args.scenario, &args.plan];
    for (option, path, format) in [
        ("--output", &args.output, output::SCENARIO_TOML),
        ("--policy-output", &args.policy_output, output::POLICY_TOML),
    ] {
        if let Some(path) = path {
            output::check_named(option, path, format)?;
            check_output_path(option, path, &inputs)?;
        }
    }
    if let (Some(a), Some(b)) = (&args.output, &args.policy_output)
        && (a == b || output::same_file(a, b))
    {
        return Err(Failure::BadInput(anyhow!(
            "--output and --policy-output both name '{}'; choose two paths",
            a.display()
        )));
    }
    let scenario_text = super::read_scenario(&args.scenario)?;
    let scenario_file = args.scenario.display().to_string();
    let scenario = super::load_text(&scenario_text, &args.scenario, scenario_file.clone())?;
    let plan_text = super::read_input(&args.plan, "staffing plan")?;
    let plan_file = args.plan.display().to_string();
    let plan = parse_plan(&plan_text, &plan_file, &scenario, &scenario_text).map_err(|error| {
        Failure::Invalid {
            file: plan_file.clone(),
            error,
        }
    })?;
    for (option, path) in [
        ("--output", &args.output),
        ("--policy-output", &args.policy_output),
    ] {
        if let Some(path) = path {
            check_not_input(option, path)?;
        }
    }
    let settings = RunSettings {
        replications: args.replications,
        seed: args.seed,
        threads: args.threads,
        format: None,
        output: None,
        report: None,
        quiet: args.quiet,
    };
    let options = super::run_options(
        &settings,
        scenario.replications,
        scenario.seed,
        &args.scenario,
    )?;
    let read = super::trace_reader(&args.scenario);
    let visible = !args.quiet && std::io::stderr().is_terminal();
    let bar = ProgressBar::with_draw_target(
        None,
        if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(crate::progress::spinner_style());
    bar.set_message("optimising staffing: the scenario's own schedule".to_owned());
    if visible {
        bar.enable_steady_tick(Duration::from_millis(120));
    }
    let spinner = Spinner {
        bar,
        objective: plan.objective.clone(),
    };
    let started = clock();
    let outcome = optimise_staffing(
        &plan,
        &scenario,
        &scenario_text,
        &scenario_file,
        &read,
        &options,
        &spinner,
    )
    .map_err(|e| match e {
        PlanningError::Infeasible(_) => Failure::BadInput(anyhow!(e)),
        other => Failure::Failed(anyhow!(other)),
    })?;
    let seconds = started.elapsed().as_secs_f64();
    drop(spinner);
    if let Some(path) = &args.output {
        write_atomically(path, outcome.scenario_text.as_bytes()).map_err(Failure::Failed)?;
    }
    if let Some(path) = &args.policy_output {
        write_atomically(path, outcome.policy_text.as_bytes()).map_err(Failure::Failed)?;
    }
    let report = &outcome.report;
    let performance = Performance {
        seconds_total: seconds,
        seconds_per_evaluation: seconds / f64::from(report.search.evaluations.max(1) + 2),
    };
    let bytes = match args.format.unwrap_or(Format::Table) {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&Printed {
                report,
                performance,
            })
            .map_err(|e| Failure::Failed(anyhow!(e)))?;
            s.push('\n');
            s.into_bytes()
        }
        _ => table(report, &performance).into_bytes(),
    };
    output::print_stdout(&bytes)
}

/// The objective's value as printed: seconds as minutes, anything else as is.
fn shown(metric: &str, v: f64) -> String {
    if metric.ends_with("_s") {
        format!("{:.2} min", v / 60.0)
    } else {
        format!("{v:.2}")
    }
}

/// The report as plain text.
fn table(r: &StaffingReport, p: &Performance) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Staffing plan: {}", r.plan);
    let _ = writeln!(s, "Scenario:      {}", r.scenario);
    let _ = writeln!(
        s,
        "Objective:     {} of {} (minimised)",
        r.objective, r.entity
    );
    let _ = writeln!(s, "Method:        {}", r.search.method);
    let _ = writeln!(s);
    for g in &r.groups {
        let name = match &g.lanes {
            Some(l) => format!("{}/{}", g.station, l),
            None => g.station.clone(),
        };
        let _ = writeln!(
            s,
            "{name} on {}: shifts of {} h; lane-hours per day {} before, {} after, budget {}",
            g.days.join(", "),
            g.shift_hours,
            g.lane_hours_per_day_before,
            g.lane_hours_per_day_after,
            g.budget_lane_hours_per_day
        );
        let hours: Vec<String> = (0..24).map(|h| format!("{h:>3}")).collect();
        let _ = writeln!(s, "  hour   {}", hours.join(""));
        let row = |v: &[u32]| v.iter().map(|n| format!("{n:>3}")).collect::<String>();
        let _ = writeln!(s, "  before {}", row(&g.before));
        let _ = writeln!(s, "  after  {}", row(&g.after));
        let shifts: Vec<String> = g
            .shifts
            .iter()
            .map(|c| format!("{} from {:02}:00", c.count, c.start))
            .collect();
        let _ = writeln!(s, "  shifts {}", shifts.join(", "));
        if !g.closed_hours.is_empty() {
            let closed: Vec<String> = g.closed_hours.iter().map(|h| format!("{h:02}")).collect();
            let _ = writeln!(
                s,
                "  kept closed (the port is closed then): {}",
                closed.join(", ")
            );
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "{}: {} before, {} after",
        r.objective,
        shown(&r.objective, r.before),
        shown(&r.objective, r.after)
    );
    if let Some(d) = &r.difference
        && let Some(delta) = d.delta
    {
        let ci = d
            .ci95
            .map_or_else(|| "n/a".to_owned(), |c| shown(&r.objective, c));
        let rel = d
            .relative
            .map_or_else(String::new, |x| format!(" ({:+.1}%)", x * 100.0));
        let _ = writeln!(
            s,
            "  change {}{rel} ± {ci} (paired 95% interval, {} replications){}",
            shown(&r.objective, delta),
            d.replications,
            if d.significant { ", significant" } else { "" }
        );
    }
    for d in &r.resources {
        if let (Some(b), Some(v)) = (d.baseline, d.variant) {
            let _ = writeln!(
                s,
                "{} of {}: {b:.2} before, {v:.2} after",
                d.metric, d.entity
            );
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Search: {} candidates simulated ({} shifts added greedily, {} exchanges){}, {} \
         replications each, seed {}; {:.1} s, {:.2} s per candidate",
        r.search.evaluations,
        r.search.greedy_steps,
        r.search.exchanges,
        if r.search.stopped_at_cap {
            ", stopped at max_evaluations"
        } else {
            ""
        },
        r.search.replications,
        r.search.seed,
        p.seconds_total,
        p.seconds_per_evaluation
    );
    s
}

#[allow(
    clippy::disallowed_methods,
    reason = "the CLI alone reads the clock, for the search's wall time"
)]
fn clock() -> Instant {
    Instant::now()
}
