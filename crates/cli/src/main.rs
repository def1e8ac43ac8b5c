//! `bordersim`: the command-line front end. Thin glue: parse arguments, read the scenario
//! file, hand its text to `bordersim-config`, run it with `bordersim-experiment`, render the
//! report. This binary is the only place that reads files, prints, or reads the clock.
//!
//! Where things are: [`args`] (the command line), [`commands`] (one file per subcommand),
//! [`render`] (report formats), [`output`] (the one path a report takes to a file or
//! standard output), [`event_log`] (`run --event-log`), [`failure`] (exit codes).
//!
//! Exit codes: 0 success; 2 bad input (unreadable or invalid scenario file, bad arguments:
//! clap exits with 2 by itself); 1 any other failure.

mod args;
mod cleanup;
mod commands;
mod event_log;
mod failure;
mod input;
mod output;
mod progress;
mod render;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// The allocator of the whole binary, set here because only a binary should choose one (a
/// library that sets it imposes it on every program that links it, its tests included).
/// mimalloc rather than the C allocator because of `bordersim serve`: a job's simulation
/// allocates and frees hundreds of megabytes on its pool's threads, which glibc keeps in
/// per-thread arenas for good (the server stayed at 240–330 MB after commercial-example
/// runs), while mimalloc gives them back when the server asks (`bordersim_serve::memory`).
/// It is not free for the other commands: a plain `run` of the commercial example (10
/// replications, 2 threads) took 8.2–10.0 s and peaked at 292–310 MB against 5.7–7.2 s and
/// 242 MB with the C allocator (`docs/api.md`, Measured). The server is built into every
/// binary, so the allocator serves it; a build of the server alone would let the other
/// commands keep the C allocator. Results do not depend on the allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The server stops on SIGTERM by itself (cancelling its jobs first) and writes no file.
    if !matches!(cli.command, Command::Serve(_)) {
        cleanup::install();
    }
    let result = match cli.command {
        Command::Run(args) => commands::run::run(&args),
        Command::Validate(args) => commands::validate::validate(&args),
        Command::Compare(args) => commands::compare::compare(&args),
        Command::Region(args) => commands::region::region(&args),
        Command::Apply(args) => commands::policy::apply(&args),
        Command::Schema(args) => commands::schema::schema(&args),
        Command::Completions(args) => commands::completions::completions(&args),
        Command::Sweep(args) => commands::sweep::sweep(&args),
        Command::Merge(args) => commands::merge::merge(&args),
        Command::OptimiseStaffing(args) => {
            commands::optimise_staffing::optimise_staffing_command(&args)
        }
        Command::Serve(args) => commands::serve::serve(&args),
        Command::Calibrate(args) => commands::calibrate::calibrate(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            failure.print();
            ExitCode::from(failure.exit_code())
        }
    }
}
