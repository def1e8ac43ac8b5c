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
