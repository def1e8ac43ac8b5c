//! The one check that an output's name says what the file will hold, for the outputs
//! that are written in one format only (a series or an event log in CSV, a scenario or a
//! policy in TOML): `-o results.xlsx` must not silently receive TOML.

use std::fs;
use std::path::Path;

use anyhow::anyhow;

use super::extension;
use crate::failure::Failure;

/// A format an output is written in, as its name must say.
#[derive(Clone, Copy, Debug)]
pub struct OneFormat {
    /// The format in words, as the refusal names it ("CSV", "a scenario (TOML)").
    pub what: &'static str,
    /// The extension a name must end in, without the dot, lower case.
    pub extension: &'static str,
}

/// A CSV file (a series, an event log).
pub const CSV: OneFormat = OneFormat {
    what: "CSV",
    extension: "csv",
};

/// A scenario file (`apply`, `optimise-staffing --output`).
pub const SCENARIO_TOML: OneFormat = OneFormat {
    what: "a scenario (TOML)",
    extension: "toml",
};

/// A policy file (`optimise-staffing --policy-output`).
pub const POLICY_TOML: OneFormat = OneFormat {
    what: "a policy (TOML)",
    extension: "toml",
};

/// Rejects an output (given with `option`) whose name does not end in the extension of
/// `format` (case aside): what the extension names is what the file holds. Standard output
/// (`-`) and an existing file that is no regular file or directory (`/dev/null`, a named
/// pipe) have no name to check.
///
/// # Errors
///
/// [`Failure::BadInput`] naming the option, the path and the extension to give.
pub fn check_named(option: &str, path: &Path, format: OneFormat) -> Result<(), Failure> {
    if path.as_os_str() == "-"
        || extension(path).as_deref() == Some(format.extension)
        || fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
    {
        return Ok(());
    }
    Err(Failure::BadInput(anyhow!(
        "{option} '{}': this output is {}; give a name ending in .{}",
        path.display(),
        format.what,
        format.extension
    )))
}
