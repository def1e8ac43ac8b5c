//! Scenario loader tests: warnings.

use super::*;

#[test]
fn unstable_station_is_a_warning() {
    let loaded = ok(&edit("rate = \"20/h\"", "rate = \"200/h\""));
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let w = at(&loaded.warnings, "stations[0].servers");
    assert!(
        w.message
            .starts_with("unstable: offered load 1.08 per server"),
        "{w}"
    );
    assert!(
        w.message.contains("the queue grows until the horizon"),
        "{w}"
    );
    assert!(w.message.contains("at least 5 servers"), "{w}");
}

#[test]
fn an_overloaded_station_that_balks_is_bounded_not_unstable() {
    // No waiting room and balking (a loss system, Erlang B): the queue cannot grow, the
    // excess leaves. The warning says so, not "grows until the horizon".
    for storage in ["queue_capacity = 0", "queue_capacity = 5"] {
        let input = edit("rate = \"20/h\"", "rate = \"200/h\"");
        let input = edit_in(
            &input,
            "servers = 4\n",
            &format!("servers = 4\n{storage}\nwhen_full = \"balk\"\n"),
        );
        let loaded = ok(&input);
        let w = at(&loaded.warnings, "stations[0].servers");
        assert!(
            w.message
                .starts_with("overloaded: offered load 1.08 per server"),
            "{w}"
        );
        assert!(w.message.contains("the excess leaves"), "{w}");
        assert!(!w.message.contains("grows until the horizon"), "{w}");
    }
}

#[test]
fn unvisited_station_and_idle_class_are_warnings() {
    let input = edit(
        "  { to = \"xray\", p = 0.15 },\n  { to = \"exit\", p = 0.85 },\n",
        "  { to = \"exit\", p = 1 },\n",
    );
    let input = edit_in(
        &input,
        "[[sources]]\nid = \"cars\"\nclass = \"car\"\nrate = \"20/h\"\nentry = \"primary\"\n",
        "",
    );
    let loaded = ok(&input);
    assert_eq!(loaded.warnings.len(), 2, "{:?}", loaded.warnings);
    let w = at(&loaded.warnings, "classes[1].id");
    assert!(
        w.message
            .contains("no source sends vehicles of class `car`"),
        "{w}"
    );
    let w = at(&loaded.warnings, "stations[1].id");
    assert!(w.message.contains("station `xray` is never visited"), "{w}");
}

/// `BASE` with a one-hour run (no warm-up) and trucks following `profile` (24 values).
fn truck_profile(horizon: &str, profile: &str) -> String {
    let input = edit(
        "horizon = \"1d\"\nwarmup = \"1h\"",
        &format!("horizon = \"{horizon}\""),
    );
    edit_in(&input, "rate = \"30/h\"", &format!("profile = [{profile}]"))
}

/// A run of more than 15 digits in `text` (a number printed in full at 1e300).
fn long_number(text: &str) -> bool {
    let mut run = 0;
    text.chars().any(|c| {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        run > 15
    })
}

#[test]
fn a_profile_peak_in_hours_the_run_never_reaches_overloads_nothing() {
    // 1 truck/h in the first hour, 1e12/h in the 23 others, a one-hour run: the station
    // sees 1 truck/h (load (1 × 2 + 20 × 1) / 60 / 4 = 0.09), no warning.
    let mut hours = vec!["1e12"; 24];
    hours[0] = "1";
    let loaded = ok(&truck_profile("1h", &hours.join(", ")));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    // Over a whole day the peak counts: the mean is (1 + 23e12) / 24 = 9.58e11 trucks/h,
    // 2 min each on 4 servers: load 9.58e11 × 2 / 60 / 4 = 7.99e9.
    let loaded = ok(&truck_profile("1d", &hours.join(", ")));
    let w = at(&loaded.warnings, "stations[0].servers");
    assert!(
        w.message
            .starts_with("unstable: offered load 7.99e9 per server"),
        "{w}"
    );
    assert!(w.message.contains("(9.58e11/h arriving on average"), "{w}");
    assert!(!long_number(&w.message), "{w}");
    // The run's hours follow `start_weekday`: a peak on Tuesdays only (day factor) is
    // outside a one-day run starting on Monday, inside one starting on Tuesday.
    let tuesday = |day: &str| {
        let input = truck_profile("1d", &["1"; 24].join(", "));
        let input = edit_in(
            &input,
            "profile = [",
            "day_factors = [1, 1e12, 1, 1, 1, 1, 1]\nprofile = [",
        );
        edit_in(
            &input,
            "name = \"test\"",
            &format!("name = \"test\"\nstart_weekday = \"{day}\""),
        )
    };
    assert!(ok(&tuesday("mon")).warnings.is_empty());
    let loaded = ok(&tuesday("tue"));
    let w = at(&loaded.warnings, "stations[0].servers");
    assert!(w.message.contains("(1e12/h arriving on average"), "{w}");
}

#[test]
fn enormous_rates_and_loads_are_printed_readably() {
    // 1e300 vehicles/h inside the run: the load and rate in scientific notation.
    let loaded = ok(&edit("rate = \"20/h\"", "rate = \"1e300/h\""));
    let w = at(&loaded.warnings, "stations[0].servers");
    assert!(
        w.message
            .starts_with("unstable: offered load 4.17e297 per server"),
        "{w}"
    );
    assert!(w.message.contains("(1e300/h arriving"), "{w}");
    assert!(!long_number(&w.message), "{w}");
}

/// Whether a message prints a number that is not one: infinity, NaN, or a word for them.
fn prints_no_number(text: &str) -> bool {
    ["inf", "NaN", "nan", "undefined"].iter().all(|w| {
        !text
            .split(|c: char| !c.is_alphanumeric())
            .any(|t| t.starts_with(w))
    })
}

#[test]
fn sums_past_the_largest_float_print_words_not_infinities() {
    // Two sources of 1e308/h: their sum, the load and the servers needed are past f64.
    let both = edit("rate = \"20/h\"", "rate = \"1e308/h\"");
    let both = edit_in(&both, "rate = \"30/h\"", "rate = \"1e308/h\"");
    let loaded = ok(&both);
    let w = at(&loaded.warnings, "stations[0].servers");
    assert_eq!(
        w.message,
        // The load is summed in erlangs (rate × hours of service), finite where the
        // rates' own sum is not.
        "unstable: offered load 1.25e306 per server at station `primary` (more than \
         1.8e308/h arriving on average, 4 servers); the queue grows until the run stops at its \
         vehicle cap by day 1 00:00 (more than the 1000000 vehicles `max_in_system` allows). \
         Stability needs faster service or fewer arrivals: no number of servers a station can \
         have (at most 4294967295 open at once) keeps up"
    );
    // Lane groups that alone serve the trucks and the cars: their work is past f64 too.
    let group = "[[stations.lanes]]\nid = \"trucks\"\nservers = 2\nserves = { classes = \
                 [\"truck\"] }\n\n[[stations.lanes]]\nid = \"cars\"\nservers = 2\n\
                 serves = { classes = [\"car\"] }\n";
    let input = edit_in(&both, "servers = 4\n", "");
    let input = edit_in(
        &input,
        "  { to = \"exit\", p = 0.85 },\n]\n",
        &format!("  {{ to = \"exit\", p = 0.85 }},\n]\n\n{group}"),
    );
    let lanes = ok(&input);
    assert!(
        lanes
            .warnings
            .iter()
            .any(|w| w.message.contains("lane group `trucks`")),
        "{:?}",
        lanes.warnings
    );
    for loaded in [lanes, loaded] {
        for w in &loaded.warnings {
            assert!(prints_no_number(&w.message), "{w}");
            assert!(!long_number(&w.message), "{w}");
        }
    }
}
