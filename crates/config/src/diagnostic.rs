//! What a loader says about a file: a message pinned to a file, a field path and a position.

use std::fmt;

/// One problem (or, in [`crate::Loaded::warnings`], one concern) with a config file.
///
/// Displays as `{file}:{line}:{column}: {path}: {message}`, the form editors and terminals
/// turn into links; the path is left out when the problem concerns the whole file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file name given to [`crate::parse_scenario`].
    pub file: String,
    /// The field concerned, e.g. `stations[2].routes[1].to`; empty for the whole file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong and, where possible, what to write instead.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// A config that cannot be loaded, with every problem found (not just the first), in file
/// order. Displays one diagnostic per line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", Lines(&self.diagnostics))]
pub struct ConfigError {
    pub diagnostics: Vec<Diagnostic>,
}

struct Lines<'a>(&'a [Diagnostic]);

impl fmt::Display for Lines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}
