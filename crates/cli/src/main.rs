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

// The allocator: the system's (glibc's malloc on Linux), for every command including
// `serve`. mimalloc was tried as the global allocator for the server's sake and measured
// against it with the same code, alternating (`run configs/examples/commercial_truck_crossing.toml
// -r 10 --threads 2`, six pairs, medians): the system allocator 2.81 s and 69 MB peak,
// mimalloc 3.83 s and 103 MB (wall time ×0.77, peak −33 MB; same results). The server gives a
// finished job's memory back with glibc's `malloc_trim` instead (`bordersim_serve::memory`):
// after three such jobs through the API the server held 15.3 / 16.3 / 15.5 MB (idle 8.7 MB),
// against 62.8 / 66.3 / 69.5 MB without the trim and 26.6 / 29.0 / 29.5 MB with mimalloc and
// its forced collection (`docs/api.md`, Measured).

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
