//! Scenario loader tests: diagnostics format.

use super::*;
use crate::{ConfigError, Diagnostic};

#[test]
fn diagnostics_display_file_line_column_path_message() {
    let d = Diagnostic {
        file: "a.toml".into(),
        path: "stations[2].routes[1].to".into(),
        line: 7,
        column: 12,
        message: "unknown station `x`".into(),
    };
    assert_eq!(
        d.to_string(),
        "a.toml:7:12: stations[2].routes[1].to: unknown station `x`"
    );
    let whole = Diagnostic {
        path: String::new(),
        ..d.clone()
    };
    assert_eq!(whole.to_string(), "a.toml:7:12: unknown station `x`");
    let err = ConfigError {
        diagnostics: vec![d, whole],
    };
    assert_eq!(err.to_string().lines().count(), 2);
}

#[test]
fn columns_point_at_the_value() {
    let d = check_one(
        &edit("servers = 4", "servers = 0"),
        "stations[0].servers",
        &[],
    );
    assert_eq!(d.column, 11);
    assert_eq!(d.file, "test.toml");
}

#[test]
fn diagnostics_come_in_file_order() {
    let input = edit("rate = \"20/h\"", "rate = \"20\"");
    let input = edit_in(&input, "servers = 1", "servers = 0");
    let input = edit_in(&input, "horizon = \"1d\"", "horizon = \"1 day\"");
    let err = check(&input, &[]);
    assert_eq!(err.diagnostics.len(), 3, "{err}");
    assert!(
        err.diagnostics.is_sorted_by_key(|d| (d.line, d.column)),
        "{err}"
    );
    snapshot_error(&err);
}
