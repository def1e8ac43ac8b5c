//! The command line: raw arguments as clap parses them. Range checks live here (clap
//! rejects them with a usage error and exit code 2); everything else is resolved by the
//! commands once the scenario file is loaded. The command line takes counts, seeds, a
//! fraction and paths; no times or other quantities with units.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Largest `--threads` accepted: more threads than this only cost memory.
pub const MAX_THREADS: u32 = 1024;

// The one replication limit of the command line and the API, with its reason.
pub use bordersim_experiment::{MAX_REPLICATIONS, MAX_REPLICATIONS_WHY};

/// Replications of a scenario file that gives none (its `replications` field).
pub const DEFAULT_SCENARIO_REPLICATIONS: u32 = 10;

/// The seed of a scenario or region file that gives none (its `seed` field).
pub const DEFAULT_SEED: u64 = 1;

/// The `--format` help of `run`: the formats, the CSV columns, the default.
const RUN_FORMAT_HELP: &str = "Output format: table (times in minutes), json (times in \
    seconds), or csv (tidy, times in seconds) with the columns \
    scenario,entity_type,entity,statistic,value [default: from the --output extension (.json, \
    .csv; .html writes the page), else table]; a --format the extension contradicts is refused";

/// The `--format` help of `compare`: the formats, the CSV columns, the default.
const COMPARE_FORMAT_HELP: &str = "Output format: table (times in minutes), json (times in \
    seconds), or csv (times in seconds) with the columns \
    variant,metric,entity,baseline,variant_value,delta,ci95,relative,significant,\
    significant_unadjusted,p_value,replications,status,note,unit (for a region: \
    region,entity_type,entity,statistic,baseline,reform,change) [default: from the --output \
    extension (.json, .csv), else table]";

/// The `--format` help of `region`: the formats, the CSV columns, the default.
const REGION_FORMAT_HELP: &str = "Output format: table (border times in minutes), json \
    (times in seconds), or csv (tidy, times in seconds) with the columns \
    region,entity_type,entity,statistic,value [default: from the --output extension (.json, \
    .csv), else table]";

/// The `-r` help of `run`.
fn run_replications_help() -> String {
    format!(
        "Number of independent replications, at most {MAX_REPLICATIONS} [default: the \
         scenario's `replications`, else {DEFAULT_SCENARIO_REPLICATIONS}]"
    )
}

/// The `-r` help of `compare`.
fn compare_replications_help() -> String {
    format!(
        "Number of paired replications, at most {MAX_REPLICATIONS} [default: the baseline's \
         `replications`, else {DEFAULT_SCENARIO_REPLICATIONS}; for a region, its \
         `replications` per iteration, else {}]",
        bordersim_config::DEFAULT_REGION_REPLICATIONS
    )
}

/// The `-r` help of `region`.
fn region_replications_help() -> String {
    format!(
        "Replications of each crossing per equilibrium iteration, at most {MAX_REPLICATIONS} \
         [default: the region's `replications` ([region] table), else {}]",
        bordersim_config::DEFAULT_REGION_REPLICATIONS
    )
}

/// The `-s` help of `run`.
fn event_log_help() -> String {
    let kinds: Vec<&str> = bordersim_model::LogKind::ALL
        .iter()
        .map(|k| k.name())
        .collect();
    format!(
        "Also write every vehicle's events ({}) to PATH as CSV, with the columns replication, \
         vehicle, class, programme, channel, direction, event, station and time_s (simulation \
         clock, warm-up included). Streamed to disk as the simulation runs; PATH appears whole \
         or not at all",
        kinds.join(", ")
    )
}

fn run_seed_help() -> String {
    format!("Master random seed [default: the scenario's `seed`, else {DEFAULT_SEED}]")
}

/// The `-s` help of `compare`.
fn compare_seed_help() -> String {
    format!(
        "Master random seed, the same for the baseline and every variant [default: the \
         baseline's `seed`, else {DEFAULT_SEED}]"
    )
}

/// The `-s` help of `region`.
fn region_seed_help() -> String {
    format!(
        "Master random seed of every crossing's streams [default: the region's `seed` \
         ([region] table), else {DEFAULT_SEED}]"
    )
}

/// The whole command line.
#[derive(Debug, Parser)]
#[command(
    name = "bordersim",
    version,
    about = "Simulate land border crossings as queueing networks",
    long_about = "Simulate land border crossings as queueing networks.\n\n\
        A scenario file (TOML) describes the vehicle classes, the stations (booths, lanes,\n\
        scanners, desks, lane groups), the routes between them and the arrival streams, per\n\
        direction. `bordersim run` simulates it over independent replications and reports\n\
        waiting times, utilization, throughput and queue lengths per station, times per vehicle\n\
        class and direction, and a Time Release Study (arrival to release by class, direction,\n\
        risk channel and programme; per stage; by hour of arrival).",
    after_help = "Exit status: 0 success; 2 bad input (unreadable or invalid scenario file, bad\n\
        arguments); 1 any other failure.",
    propagate_version = true
)]
pub struct Cli {
    // The subcommand and its arguments.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands, one per file of `commands/`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and report delays per station and per vehicle class
    Run(RunArgs),
    /// Check any file bordersim reads (scenario, region, policy, plan, …) without simulating it
    Validate(ValidateArgs),
    /// Compare a baseline scenario with variants on the same vehicles (paired replications);
    /// a region file as BASE compares the region with a policy applied to one crossing
    Compare(CompareArgs),
    /// Find the equilibrium of a border region: crossing choice, demand, trade per side
    Region(RegionArgs),
    /// Write the scenario a policy produces from its baseline, for review (it runs as the
    /// policy's variant in `compare`)
    Apply(ApplyArgs),
    /// Print the JSON Schema of a scenario, policy, region, sweep, fit or plan file (for
    /// editor completion)
    Schema(crate::commands::schema::SchemaArgs),
    /// Print a shell completion script (bash, zsh or fish)
    Completions(crate::commands::completions::CompletionsArgs),
    /// Run a study from a plan file: every point of its axes, here or as shards
    Sweep(crate::commands::sweep::SweepArgs),
    /// Merge the units a sharded sweep wrote into a directory
    Merge(crate::commands::merge::MergeArgs),
    /// Find the lanes open per hour that minimise a delay or cost within a budget of
    /// lane-hours and shift rules, on common random numbers
    OptimiseStaffing(crate::commands::optimise_staffing::OptimiseStaffingArgs),
    /// Serve the HTTP API and the web page (loopback unless --bind names another address)
    Serve(crate::commands::serve::ServeArgs),
    /// Compare a scenario with observed hourly waits and volumes, and optionally fit its
    /// free parameters to them
    Calibrate(crate::commands::calibrate::CalibrateArgs),
}

/// `bordersim apply POLICY [--baseline BASE] [--output PATH]`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "The scenario is written as TOML: the baseline with the policy's \
    changes, named after the policy. `bordersim run` of it gives the policy's variant of \
    `bordersim compare` (same seed and replications); the trace files it names are written \
    relative to where it is written. With a region as the baseline, the changed crossing's \
    scenario is written.\n\nExamples:\n  \
    bordersim apply configs/policies/lane_rule.toml --output lane_rule_scenario.toml\n  \
    bordersim apply my_policy.toml --baseline base.toml"
)]
pub struct ApplyArgs {
    /// Policy file (TOML)
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,

    /// The baseline scenario (or region) file [default: the policy's `baseline`, relative to
    /// the policy file]
    #[arg(long, value_name = "BASE")]
    pub baseline: Option<PathBuf>,

    /// Write the scenario to PATH (whole or not at all) instead of standard output; `-` is
    /// standard output
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// `bordersim region FILE`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = region_help(),
    mut_arg("format", |a| a.help(REGION_FORMAT_HELP)),
    mut_arg("replications", |a| a.help(region_replications_help())),
    mut_arg("seed", |a| a.help(region_seed_help())),
)]
pub struct RegionArgs {
    /// Region file (TOML)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    // The help text, with the default, is `max_iterations_help()`.
    #[arg(long, value_name = "N", help = max_iterations_help(), value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_iterations: Option<u32>,

    // Replications, seed, threads, format and output, shared by the commands that run.
    #[command(flatten)]
    pub settings: RunSettings,
}

/// The `region` help after the options, with the defaults the config crate applies.
fn region_help() -> String {
    format!(
        "A region file (TOML) names the crossings (each a scenario file), the zones on both \
         sides of the border, travel times, tolls and origin-destination demand. The crossings \
         are simulated with the flows assigned to them ({} replications per iteration unless \
         [region] or -r says otherwise), travellers respond to the border times (logit \
         choice, demand response), and the flows are averaged until the gap is below the \
         tolerance ({} unless [equilibrium] says otherwise) or the iterations run out ({} \
         unless [equilibrium] or --max-iterations says otherwise). The averaging is \
         self-regulated by default (the step shrinks when the gap rises; \
         averaging = \"msa\" for the method of successive averages). If it does not \
         converge, the output says so and the exit status is still 0.\n\nExamples:\n  \
         bordersim region configs/regions/san_diego_tijuana.toml\n  \
         bordersim region configs/regions/corridor_osbp.toml --format json --output eq.json\n  \
         bordersim compare configs/regions/corridor_osbp.toml \
         --policy configs/regions/policies/chirundu_24h_joint_exit.toml",
        bordersim_config::DEFAULT_REGION_REPLICATIONS,
        bordersim_config::DEFAULT_TOLERANCE,
        bordersim_config::DEFAULT_MAX_ITERATIONS,
    )
}

/// The `--max-iterations` help, with the config crate's default.
fn max_iterations_help() -> String {
    format!(
        "Largest number of equilibrium iterations [default: the region's `max_iterations`, \
         else {}]",
        bordersim_config::DEFAULT_MAX_ITERATIONS
    )
}

/// The `-r` help: the defaults of a scenario and a region, and the limit.
fn replications_help() -> String {
    format!(
        "Number of independent (for `compare`: paired) replications, at most \
         {MAX_REPLICATIONS} [default: the (baseline) file's `replications`, else \
         {DEFAULT_SCENARIO_REPLICATIONS} for a scenario and {} per iteration for a region]",
        bordersim_config::DEFAULT_REGION_REPLICATIONS
    )
}

/// A replication count in 1..=[`MAX_REPLICATIONS`].
fn parse_replications(s: &str) -> Result<u32, String> {
    let n: u64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a whole number of replications"))?;
    if let Some(refusal) = bordersim_experiment::replications_refusal(n) {
        return Err(refusal);
    }
    Ok(n as u32)
}

/// The `compare --policy` help, with the catalogue of reform measures a policy file may
/// hold, in the order they apply, generated from the catalogue itself.
fn policy_help() -> String {
    format!(
        "A policy file (TOML): changes applied to the baseline ({}; see docs/policies.md); \
         repeat for several variants",
        bordersim_config::catalogue_help()
    )
}

/// `bordersim compare [BASE] (--policy FILE | --variant FILE)...`.
#[derive(Debug, clap::Args)]
#[command(
    group(clap::ArgGroup::new("changes").args(["policies", "variants"]).required(true).multiple(true)),
    mut_arg("format", |a| a.help(COMPARE_FORMAT_HELP)),
    mut_arg("replications", |a| a.help(compare_replications_help())),
    mut_arg("seed", |a| a.help(compare_seed_help())),
    after_help = "Every scenario runs with the same seed and replications, so each sees \
    the same vehicles (arrival times, classes, programmes, channels) and the same service \
    draws at the stations it shares with the baseline; differences and their 95% intervals \
    come from the paired replications.\n\nWith a region file as BASE, the one --policy applies \
    to the crossing its [policy] table names (crossing = \"id\"); the output is the shift \
    between the two equilibria: traffic per crossing, trade created and diverted, each side's \
    balance.\n\nWithout BASE, the baseline is the one the policies name (`baseline = ` in \
    [policy], relative to the policy file); a BASE other than the one a policy names is \
    warned about.\n\nExamples:\n  \
    bordersim compare configs/examples/commercial_truck_crossing.toml \
    --policy configs/policies/extra_primary_booths.toml\n  \
    bordersim compare --policy configs/policies/lane_rule.toml\n  \
    bordersim compare base.toml --variant reform.toml --format json"
)]
pub struct CompareArgs {
    /// Baseline scenario or region file (TOML) [default: the `baseline` the policies name]
    #[arg(value_name = "BASE")]
    pub base: Option<PathBuf>,

    // The help text, with the catalogue of reform measures, is `policy_help()`.
    #[arg(
        long = "policy",
        value_name = "FILE",
        help = policy_help()
    )]
    pub policies: Vec<PathBuf>,

    /// A whole variant scenario file (TOML); repeat for several variants
    #[arg(long = "variant", value_name = "FILE")]
    pub variants: Vec<PathBuf>,

    /// With a region BASE: largest number of equilibrium iterations, for the baseline and
    /// the reform alike [default: the region's `max_iterations`]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_iterations: Option<u32>,

    /// Most vehicles the crossing may hold before a run is stopped as unstable, for the
    /// baseline and every variant, 1 to 100000000 [default: each scenario's
    /// `max_in_system`]
    #[arg(long, value_name = "N", value_parser = parse_max_in_system)]
    pub max_in_system: Option<u64>,

    // Replications, seed, threads, format and output, shared by the commands that run.
    #[command(flatten)]
    pub settings: RunSettings,
}

/// `bordersim run FILE`.
#[derive(Debug, clap::Args)]
#[command(
    mut_arg("format", |a| a.help(RUN_FORMAT_HELP)),
    mut_arg("replications", |a| a.help(run_replications_help())),
    mut_arg("seed", |a| a.help(run_seed_help())),
    after_help = "A scenario with events ([[scenario.events]]: outages, closures, surges, \
    slowdowns, holiday schedules) is simulated twice per replication, the second time without \
    its events on the same vehicles, for the recovery block (the extra vehicle-hours the \
    events cause and when the crossing is back to normal; docs/events.md): it takes about \
    twice as long, and with --event-log three runs per replication. A scenario without events \
    is simulated once.\n\n\
    Examples:\n  \
    bordersim run configs/examples/commercial_truck_crossing.toml\n  \
    bordersim run scenario.toml --replications 20 --seed 7 --format json --output results.json\n  \
    bordersim run scenario.toml --format csv > results.csv\n  \
    bordersim run scenario.toml --event-log events.csv --event-log-sample 0.1"
)]
pub struct RunArgs {
    /// Scenario file (TOML)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    // Replications, seed, threads, format and output, shared by the commands that run.
    #[command(flatten)]
    pub settings: RunSettings,

    // The help text, naming every event kind from the model's list, is `event_log_help()`.
    #[arg(long, value_name = "PATH", help = event_log_help())]
    pub event_log: Option<PathBuf>,

    /// Log only this fraction of the vehicles (0 < F <= 1), the same ones for a given seed
    /// whatever the thread count [default: 1]
    #[arg(
        long,
        value_name = "F",
        requires = "event_log",
        value_parser = parse_fraction
    )]
    pub event_log_sample: Option<f64>,

    /// Most vehicles the crossing may hold before a run is stopped as unstable, 1 to
    /// 100000000 [default: the scenario's `max_in_system`]
    #[arg(long, value_name = "N", value_parser = parse_max_in_system)]
    pub max_in_system: Option<u64>,

    /// Also write queues and waits over time to PATH as tidy CSV (station, direction,
    /// bin_start_s, statistic, value, ci95): per station and time bin, the time-weighted mean
    /// and largest queue in the facility and on the road upstream of it, and the mean wait
    /// of the vehicles starting service, each a mean over replications with its 95%
    /// interval. Also in the JSON (`series`) and the --report page
    #[arg(long, value_name = "PATH.csv")]
    pub series: Option<PathBuf>,

    /// Width of the time bins of the series, e.g. "15 min" or "1h"; collects the series
    /// (JSON `series`) even without --series [default: 15 min]
    #[arg(long, value_name = "DURATION", value_parser = parse_series_bin)]
    pub series_bin: Option<u64>,
}

/// The largest `--max-in-system`: the limit of `max_in_system` in `[scenario]` (each
/// vehicle in the crossing holds about 100 bytes in every replication running at once).
pub const MAX_IN_SYSTEM_LIMIT: u64 = 100_000_000;

/// A `--max-in-system` value: 1 to [`MAX_IN_SYSTEM_LIMIT`].
fn parse_max_in_system(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if (1..=MAX_IN_SYSTEM_LIMIT).contains(&n) => Ok(n),
        _ => Err(format!(
            "'{s}' is not a number of vehicles from 1 to {MAX_IN_SYSTEM_LIMIT} (each \
             vehicle in the crossing takes about 100 bytes in every replication running at \
             once)"
        )),
    }
}

/// A series bin width in ms: a positive duration with a unit.
fn parse_series_bin(s: &str) -> Result<u64, String> {
    let ms = bordersim_config::parse_duration(s)?.round();
    if ms < 1.0 {
        return Err(format!(
            "\"{s}\" is too short: a series bin is at least 1 ms, e.g. \"15 min\""
        ));
    }
    Ok(ms as u64)
}

/// A fraction in (0, 1].
fn parse_fraction(s: &str) -> Result<f64, String> {
    let f: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a number"))?;
    if f > 0.0 && f <= 1.0 {
        Ok(f)
    } else {
        Err(format!(
            "{s} is not in (0, 1]: give the share of vehicles to log, e.g. 0.1"
        ))
    }
}

/// Options shared by `run` and `compare`.
#[derive(Clone, Debug, clap::Args)]
pub struct RunSettings {
    // The help text, with the defaults and the limit, is `replications_help()`.
    #[arg(short = 'r', long, value_name = "N", value_parser = parse_replications, help = replications_help())]
    pub replications: Option<u32>,

    /// Master random seed [default: the (baseline) scenario's `seed`]
    #[arg(short = 's', long, value_name = "S")]
    pub seed: Option<u64>,

    /// Worker threads; results do not depend on it [default: all cores]
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_THREADS))
    )]
    pub threads: Option<u32>,

    /// Output format [default: from the --output extension (.json, .csv, .html), else table]
    #[arg(short = 'f', long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// Write the report to PATH (whole or not at all) instead of standard output; `-` is
    /// standard output. The extension names the format (.json, .csv, .html; .txt or none: a
    /// table); any other extension is refused
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Also write the report as one self-contained HTML page with plots (no script, nothing
    /// fetched: it reads offline and prints) to PATH.html
    #[arg(long, value_name = "PATH.html")]
    pub report: Option<PathBuf>,

    /// Show no progress bar (it is shown on standard error only when that is a terminal)
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// `bordersim validate FILE [--baseline BASE]`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "A scenario file is checked as `run` would load it (with the trace files it \
    names); a region file (one with a [region] table) as `region` would, with its crossing \
    files; a policy file (one with a [policy] table) applied to its baseline, as `compare` \
    would apply it: every problem at once, located in the policy file.\n\nExamples:\n  \
    bordersim validate configs/examples/commercial_truck_crossing.toml\n  \
    bordersim validate configs/policies/lane_rule.toml\n  \
    bordersim validate my_policy.toml --baseline base.toml"
)]
pub struct ValidateArgs {
    /// Any file bordersim reads: scenario, region, policy or region policy, sweep plan,
    /// calibration fit file, staffing plan (TOML) or observation CSV
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// For a policy: the baseline scenario (or region) it applies to [default: the policy's
    /// `baseline`, relative to the policy file]; for a fit file, staffing plan or
    /// observation CSV: the scenario it is for (required)
    #[arg(long, value_name = "BASE")]
    pub baseline: Option<PathBuf>,
}

/// The output formats (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned plain-text tables for people
    Table,
    /// One JSON object: the machine-readable contract
    Json,
    /// CSV, one value per row (columns: see --format)
    Csv,
}

impl RunSettings {
    /// The format asked for, else the one the `--output` extension names, else a table.
    pub fn resolved_format(&self) -> Format {
        if let Some(format) = self.format {
            return format;
        }
        let extension = self
            .output
            .as_deref()
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("json") => Format::Json,
            Some("csv") => Format::Csv,
            _ => Format::Table,
        }
    }

    /// The file to write the output to (`None`: standard output).
    pub fn output_file(&self) -> Option<&std::path::Path> {
        self.output.as_deref().filter(|p| p.as_os_str() != "-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    fn run_args(argv: &[&str]) -> RunArgs {
        let mut full = vec!["bordersim", "run", "s.toml"];
        full.extend_from_slice(argv);
        match Cli::try_parse_from(full).map(|c| c.command) {
            Ok(Command::Run(r)) => r,
            other => panic!("unexpected parse: {other:?}"),
        }
    }

    #[test]
    fn format_follows_extension_unless_given() {
        assert_eq!(run_args(&[]).settings.resolved_format(), Format::Table);
        assert_eq!(
            run_args(&["-o", "r.JSON"]).settings.resolved_format(),
            Format::Json
        );
        assert_eq!(
            run_args(&["-o", "r.csv"]).settings.resolved_format(),
            Format::Csv
        );
        assert_eq!(
            run_args(&["-o", "r.txt"]).settings.resolved_format(),
            Format::Table
        );
        assert_eq!(
            run_args(&["-o", "r.csv", "--format", "json"])
                .settings
                .resolved_format(),
            Format::Json
        );
        assert_eq!(run_args(&["-o", "-"]).settings.output_file(), None);
    }

    #[test]
    fn sample_fraction_is_parsed() {
        let r = run_args(&["--event-log", "e.csv", "--event-log-sample", "0.25"]);
        assert_eq!(r.event_log_sample, Some(0.25));
        assert_eq!(run_args(&["--event-log", "e.csv"]).event_log_sample, None);
        assert_eq!(
            run_args(&["--event-log", "e.csv", "--event-log-sample", "1"]).event_log_sample,
            Some(1.0)
        );
    }

    #[test]
    fn ranges_are_enforced() {
        for bad in [
            &["--replications", "0"][..],
            &["--threads", "0"],
            &["--threads", "1025"],
            &["--seed", "-1"],
            &["--event-log-sample", "0.5"],
            &["--event-log", "e.csv", "--event-log-sample", "0"],
            &["--event-log", "e.csv", "--event-log-sample", "1.5"],
            &["--event-log", "e.csv", "--event-log-sample", "NaN"],
            &["--event-log", "e.csv", "--event-log-sample", "-0.1"],
        ] {
            let mut full = vec!["bordersim", "run", "s.toml"];
            full.extend_from_slice(bad);
            assert!(Cli::try_parse_from(full).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn the_event_log_help_names_every_kind_the_log_can_hold() {
        let help = event_log_help();
        for kind in bordersim_model::LogKind::ALL {
            assert!(
                help.contains(kind.name()),
                "{} missing: {help}",
                kind.name()
            );
        }
    }

    #[test]
    fn options_a_command_does_not_use_are_refused() {
        // optimise-staffing writes a table or JSON only: csv is refused by the parser.
        for format in ["csv", "html"] {
            let argv = [
                "bordersim",
                "optimise-staffing",
                "s.toml",
                "--plan",
                "p.toml",
                "-f",
                format,
            ];
            assert!(Cli::try_parse_from(argv).is_err(), "{format} accepted");
        }
        // merge takes replications and seed from the shards' plan: refused before any file is read.
        for extra in [["-r", "3"], ["-s", "9"]] {
            let mut argv = vec!["bordersim", "merge", "no-such-dir"];
            argv.extend_from_slice(&extra);
            let Ok(Command::Merge(m)) = Cli::try_parse_from(argv).map(|c| c.command) else {
                panic!("merge {extra:?} not parsed")
            };
            match crate::commands::merge::merge(&m) {
                Err(crate::failure::Failure::BadInput(e)) => {
                    assert!(e.to_string().contains("from the plan"), "{e}")
                }
                other => panic!("merge {extra:?}: {other:?}"),
            }
        }
    }
}
