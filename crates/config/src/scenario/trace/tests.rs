//! Trace times as written, in every accepted form and the refused ones.

use super::*;

#[test]
fn times_in_seconds_or_with_units() {
    let parse_time = |s| parse_time(s, None);
    assert_eq!(parse_time("0"), Ok(SimTime::ZERO));
    assert_eq!(parse_time("23400"), Ok(SimTime::from_secs(23_400)));
    assert_eq!(parse_time("95.5"), Ok(SimTime::from_millis(95_500)));
    assert_eq!(parse_time("23400s"), Ok(SimTime::from_secs(23_400)));
    assert_eq!(parse_time("6.5h"), Ok(SimTime::from_secs(23_400)));
    assert_eq!(parse_time("1d"), Ok(SimTime::from_hours(24)));
    for (bad, expected) in [
        ("", "the time is empty"),
        ("-5", "is negative"),
        ("6:75", "is not a time of day"),
        ("noon", "`noon` is not a time"),
        ("NaN", "`NaN` is not a time"),
        ("5 parsecs", "unknown unit `parsecs`"),
    ] {
        let e = parse_time(bad).unwrap_err();
        assert!(e.contains(expected), "{bad:?}: {e}");
        assert!(e.contains("seconds from time zero"), "{bad:?}: {e}");
    }
}

#[test]
fn fields_are_located_on_their_line() {
    let text = "time,class\n10, truck\n\"20\",car\n";
    assert_eq!(field_offset(text, 11, 0), 11);
    assert_eq!(field_offset(text, 11, 1), 15);
    // Quoted lines: the row's start.
    assert_eq!(field_offset(text, 21, 1), 21);
}

#[test]
fn trace_names_are_relative_to_the_scenario() {
    assert_eq!(
        display_name("configs/examples/a.toml", "traces/t.csv"),
        Path::new("configs/examples/traces/t.csv")
            .display()
            .to_string()
    );
    assert_eq!(display_name("a.toml", "t.csv"), "t.csv");
    assert_eq!(display_name("x/a.toml", "/abs/t.csv"), "/abs/t.csv");
}
