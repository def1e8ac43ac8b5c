//! Loader tests: each case is a short file and the diagnostics it must produce (path,
//! words of the message, and a snapshot of the whole error as the user sees it).

mod bundled;
mod carried;
mod every_field;
mod factors;
mod format;
mod messages;
mod mutants;
mod names;
mod one_pass;
mod one_pass_entries;
mod operations;
mod region_one_pass;
mod region_policy_one_pass;
mod schema;
mod shape;
mod storage;
mod structure;
mod valid;
mod values;
mod warnings;
mod windows;

use std::cell::RefCell;

use crate::{ConfigError, Diagnostic, Loaded, parse_scenario};

/// A valid two-class, two-station scenario. Tests edit it with [`edit`]; the snapshots
/// show where each problem lands in it.
pub(crate) const BASE: &str = r#"[scenario]
name = "test"
horizon = "1d"
warmup = "1h"

[[classes]]
id = "truck"

[[classes]]
id = "car"

[[stations]]
id = "primary"
servers = 4
service = { dist = "exponential", mean = "2min" }
service_by_class = { car = { dist = "deterministic", value = "1min" } }
routes = [
  { to = "xray", p = 0.15 },
  { to = "exit", p = 0.85 },
]

[[stations]]
id = "xray"
servers = 1
service = { dist = "uniform", min = "1min", max = "2min" }

[[sources]]
id = "trucks"
class = "truck"
rate = "30/h"
entry = "primary"

[[sources]]
id = "cars"
class = "car"
rate = "20/h"
entry = "primary"
"#;

/// `BASE` with one snippet replaced (which must occur exactly once).
pub(crate) fn edit(from: &str, to: &str) -> String {
    edit_in(BASE, from, to)
}

pub(crate) fn edit_in(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    text.replacen(from, to, 1)
}

pub(crate) fn ok(input: &str) -> Loaded {
    match parse_scenario(input, "test.toml") {
        Ok(loaded) => loaded,
        Err(e) => panic!("expected success, got:\n{e}"),
    }
}

/// Parses `input`, expects failure, and checks that the rendered error contains every
/// expected substring.
pub(crate) fn check(input: &str, expected: &[&str]) -> ConfigError {
    let err = match parse_scenario(input, "test.toml") {
        Ok(_) => panic!("expected an error for:\n{input}"),
        Err(e) => e,
    };
    let text = err.to_string();
    for e in expected {
        assert!(text.contains(e), "missing {e:?} in:\n{text}");
    }
    err
}

/// The only diagnostic at `path`; the whole list, as the user sees it, is checked against
/// its snapshot (see [`snapshot`]), which pins every line and column.
pub(crate) fn at<'a>(diagnostics: &'a [Diagnostic], path: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.path == path).collect();
    let list = diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        found.len(),
        1,
        "expected one diagnostic at {path}, got:\n{list}",
    );
    snapshot(&list);
    found[0]
}

/// Checks `rendered` (diagnostics as displayed) against the snapshot of the running test.
///
/// Snapshots are named after the test (`module__test`, then `-2`, `-3` for further
/// distinct snapshots in the same test; a repeat of one already taken is not taken again),
/// and live in `src/tests/snapshots/`. Each test runs on its own thread, named after it.
pub(crate) fn snapshot(rendered: &str) {
    thread_local! {
        static TAKEN: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }
    let Some(n) = TAKEN.with_borrow_mut(|taken| {
        if taken.iter().any(|t| t == rendered) {
            return None;
        }
        taken.push(rendered.to_owned());
        Some(taken.len())
    }) else {
        return;
    };
    let thread = std::thread::current();
    let test = thread
        .name()
        .expect("tests run on threads named after them")
        .trim_start_matches("tests::")
        .replace("::", "__");
    let name = if n == 1 { test } else { format!("{test}-{n}") };
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, rendered);
    });
}

/// [`snapshot`] of a whole error.
pub(crate) fn snapshot_error(err: &ConfigError) {
    snapshot(&err.to_string());
}

/// `check`, then: exactly one diagnostic, at `path` (its line: the snapshot).
pub(crate) fn check_one(input: &str, path: &str, expected: &[&str]) -> Diagnostic {
    let err = check(input, expected);
    assert_eq!(err.diagnostics.len(), 1, "expected one diagnostic:\n{err}");
    at(&err.diagnostics, path).clone()
}
