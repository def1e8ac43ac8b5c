//! Why the program stops early, and the one mapping from each kind of failure to its exit
//! code and its message on standard error.
//!
//! Exit codes: 0 success; 2 bad input (unreadable or invalid scenario, region or policy
//! file, bad arguments: clap exits with 2 by itself); 1 any other failure.

use std::io::{self, Write};

use bordersim_config::ConfigError;
use bordersim_experiment::ExperimentError;
use bordersim_experiment::region::RegionError;

/// Exit code of a run the user must fix the input of (file or arguments).
const EXIT_BAD_INPUT: u8 = 2;
/// Exit code of any other failure.
const EXIT_FAILED: u8 = 1;

/// Why the program stops early; decides the exit code.
#[derive(Debug)]
pub enum Failure {
    /// The user must fix the input (file or arguments): exit code 2.
    BadInput(anyhow::Error),
    /// The scenario file is invalid: its diagnostics. Exit code 2.
    Invalid {
        /// The file as named on the command line (for a policy: both files).
        file: String,
        /// Its located diagnostics.
        error: ConfigError,
    },
    /// The region file (or a crossing file it names) is invalid: its diagnostics. Exit code 2.
    InvalidRegion {
        /// The region file as named on the command line (with the policy's, if any).
        file: String,
        /// Its located diagnostics.
        error: ConfigError,
    },
    /// Anything else: exit code 1.
    Failed(anyhow::Error),
}

impl Failure {
    /// The process exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::BadInput(_) | Failure::Invalid { .. } | Failure::InvalidRegion { .. } => {
                EXIT_BAD_INPUT
            }
            Failure::Failed(_) => EXIT_FAILED,
        }
    }

    /// Writes the failure to standard error.
    pub fn print(&self) {
        match self {
            Failure::BadInput(e) | Failure::Failed(e) => stderr_line(&format!("error: {e:#}")),
            Failure::Invalid { file, error } => invalid(file, error, None),
            Failure::InvalidRegion { file, error } => invalid(file, error, Some("region")),
        }
    }

    /// An experiment that could not run: bad input when the scenario cannot be prepared or
    /// no replication was asked for, a failure otherwise. `context` says what was being run.
    pub fn from_experiment(e: ExperimentError, context: String) -> Failure {
        let bad_input = matches!(
            e,
            ExperimentError::NoReplications | ExperimentError::Model(_)
        );
        Failure::classified(anyhow::Error::new(e).context(context), bad_input)
    }

    /// A region that cannot be run: bad input when the region itself is wrong (a flow left
    /// with no open crossing, a crossing that cannot take its flows), a failure otherwise.
    /// `context` says what was being run.
    pub fn from_region(e: RegionError, context: String) -> Failure {
        let bad_input = matches!(
            e,
            RegionError::NoOpenCrossing { .. }
                | RegionError::Model { .. }
                | RegionError::NoIterations
        ) || matches!(
            &e,
            RegionError::Run { source, .. } if matches!(
                source,
                ExperimentError::Model(_) | ExperimentError::NoReplications
            )
        );
        Failure::classified(anyhow::Error::new(e).context(context), bad_input)
    }

    /// Bad input or another failure, as `bad_input` says.
    fn classified(e: anyhow::Error, bad_input: bool) -> Failure {
        if bad_input {
            Failure::BadInput(e)
        } else {
            Failure::Failed(e)
        }
    }
}

/// The diagnostics of an invalid file, one per line, exactly as the config crate words them
/// (`file:line:col: path: message`, which editors turn into links), then the verdict.
/// `what` names the kind of file when only one kind can be meant (a scenario or a policy
/// file both end here, so neither is named).
fn invalid(file: &str, error: &ConfigError, what: Option<&str>) {
    stderr_line(&error.to_string());
    let n = error.diagnostics.len();
    let verdict = match what {
        Some(what) => format!("is not a valid {what}"),
        None => "is not valid".to_owned(),
    };
    stderr_line(&format!(
        "error: '{file}' {verdict} ({n} problem{})",
        if n == 1 { "" } else { "s" }
    ));
}

/// Writes one line to standard error. Nothing useful can be done if that fails.
fn stderr_line(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Writes `warning: {message}` to standard error; the run goes on.
pub fn warn(message: &str) {
    stderr_line(&format!("warning: {message}"));
}
