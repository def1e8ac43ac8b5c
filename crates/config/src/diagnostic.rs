//! What a loader says about a file: a message pinned to a file, a field path and a position.

use std::fmt;

use crate::spans::{LineIndex, SpanIndex};

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
    /// At least one; scenario and region files first, then the files they name.
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

/// Collects the diagnostics of one file as a loader finds them, locating each from a field
/// path (through the file's [`SpanIndex`]) or a byte offset (through its [`LineIndex`]).
///
/// Every loader (scenario, region, policy, trace) reports through one of these, so a
/// diagnostic's position is computed one way everywhere. Without a [`SpanIndex`] (a file
/// that is not TOML, or not parsed yet), a problem at a field path is placed at the start of
/// the file.
#[derive(Debug)]
pub(crate) struct Collector<'a> {
    file: String,
    lines: LineIndex<'a>,
    spans: Option<SpanIndex>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl<'a> Collector<'a> {
    /// A collector for the file named `file` (the name diagnostics show) whose text is
    /// `text`, with no field paths known yet (see [`Collector::set_spans`]).
    pub(crate) fn new(file: impl Into<String>, text: &'a str) -> Self {
        Collector {
            file: file.into(),
            lines: LineIndex::new(text),
            spans: None,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// [`Collector::new`] with the field paths of the parsed text.
    pub(crate) fn with_spans(file: impl Into<String>, text: &'a str, spans: SpanIndex) -> Self {
        let mut collector = Self::new(file, text);
        collector.spans = Some(spans);
        collector
    }

    /// Makes field paths known, once the text has been parsed.
    pub(crate) fn set_spans(&mut self, spans: SpanIndex) {
        self.spans = Some(spans);
    }

    /// The file name diagnostics show.
    pub(crate) fn file(&self) -> &str {
        &self.file
    }

    /// Where each field of the file is written, if the file could be parsed.
    pub(crate) fn spans(&self) -> Option<&SpanIndex> {
        self.spans.as_ref()
    }

    /// The 1-based `(line, column)` of a byte offset.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(offset)
    }

    /// The 1-based line where the value of `path` (or its nearest written ancestor) starts;
    /// `None` when no field paths are known.
    pub(crate) fn line_of(&self, path: &str) -> Option<usize> {
        let spans = self.spans.as_ref()?;
        Some(self.lines.line_col(spans.value_start(path)).0)
    }

    /// Where the value of `path` starts (start of the file without field paths).
    pub(crate) fn value_start(&self, path: &str) -> usize {
        self.spans.as_ref().map_or(0, |s| s.value_start(path))
    }

    /// A diagnostic of this file at byte `offset`, about `path`.
    pub(crate) fn located(&self, offset: usize, path: &str, message: String) -> Diagnostic {
        let (line, column) = self.lines.line_col(offset);
        Diagnostic {
            file: self.file.clone(),
            path: path.to_owned(),
            line,
            column,
            message,
        }
    }

    /// An error at byte `offset`, about `path` (empty: the whole file).
    pub(crate) fn error_at(&mut self, offset: usize, path: &str, message: impl Into<String>) {
        let d = self.located(offset, path, message.into());
        self.errors.push(d);
    }

    /// An error about the value of `path` (or, if it is missing, about its table).
    pub(crate) fn error(&mut self, path: &str, message: impl Into<String>) {
        self.error_at(self.value_start(path), path, message);
    }

    /// An error about the name (key) of `path`, e.g. an unknown class in `service_by_class`.
    pub(crate) fn error_at_key(&mut self, path: &str, message: impl Into<String>) {
        let offset = self.spans.as_ref().map_or(0, |s| s.key_start(path));
        self.error_at(offset, path, message);
    }

    /// A concern about the value of `path` that does not stop the file from loading.
    pub(crate) fn warn(&mut self, path: &str, message: impl Into<String>) {
        let d = self.located(self.value_start(path), path, message.into());
        self.warnings.push(d);
    }

    /// Adds errors already located (e.g. in another file this one names).
    pub(crate) fn extend(&mut self, errors: impl IntoIterator<Item = Diagnostic>) {
        self.errors.extend(errors);
    }

    /// How many errors were collected.
    pub(crate) fn error_count(&self) -> usize {
        self.errors.len()
    }

    /// Whether any error was collected.
    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The errors, in the order they were found.
    pub(crate) fn into_errors(self) -> Vec<Diagnostic> {
        self.errors
    }

    /// The errors in file order (see [`sort`]), duplicates removed.
    pub(crate) fn into_error(self) -> ConfigError {
        let mut diagnostics = self.errors;
        sort(&mut diagnostics, &self.file);
        diagnostics.dedup();
        ConfigError { diagnostics }
    }

    /// The errors in the order they were found (for loaders whose checks run in the order a
    /// reader should fix them).
    pub(crate) fn into_error_as_found(self) -> ConfigError {
        ConfigError {
            diagnostics: self.errors,
        }
    }

    /// The warnings, in file order.
    pub(crate) fn into_warnings(self) -> Vec<Diagnostic> {
        let mut warnings = self.warnings;
        sort(&mut warnings, &self.file);
        warnings
    }
}

/// File order: the file `main` first, then each other file (crossings, traces) by name;
/// within a file, by line and column.
pub(crate) fn sort(diagnostics: &mut [Diagnostic], main: &str) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| (d.file != main, d.file.clone(), d.line, d.column);
        key(a).cmp(&key(b))
    });
}

/// A one-diagnostic error at byte `offset` of `text` (file `file`): for problems that stop
/// a loader before it can collect more, such as a TOML syntax error.
pub(crate) fn single(
    file: &str,
    text: &str,
    offset: usize,
    path: String,
    message: String,
) -> ConfigError {
    ConfigError {
        diagnostics: vec![Collector::new(file, text).located(offset, &path, message)],
    }
}
