//! The load of a station after a loss system (limited storage, overflow balks) is that of
//! the carried flow, λ(1 − P(loss)), with P from Erlang B or M/M/c/K, and the warning says
//! so.

use super::ok;

/// A gate of `gate_servers` booths (exponential, mean 3 min) holding `storage` waiting
/// vehicles, the overflow balking, then a yard of one lane (exponential, mean
/// `yard_min` min); 60 trucks an hour.
fn gate_then_yard(gate_servers: u32, gate_mean_min: f64, storage: u32, yard_min: f64) -> String {
    format!(
        r#"[scenario]
name = "loss then queue"
horizon = "1d"

[[classes]]
id = "truck"

[[stations]]
id = "gate"
servers = {gate_servers}
queue_capacity = {storage}
when_full = "balk"
service = {{ dist = "exponential", mean = "{gate_mean_min}min" }}
routes = [{{ to = "yard", p = 1.0 }}]

[[stations]]
id = "yard"
servers = 1
service = {{ dist = "exponential", mean = "{yard_min}min" }}

[[sources]]
id = "trucks"
class = "truck"
rate = "60/h"
entry = "gate"
"#
    )
}

fn yard_warnings(input: &str) -> Vec<String> {
    ok(input)
        .warnings
        .iter()
        .filter(|w| w.message.contains("station `yard`"))
        .map(|w| w.message.clone())
        .collect()
}

#[test]
fn after_an_erlang_loss_system_the_yard_sees_the_carried_flow() {
    // Gate: 2 booths, 3 Erlangs, no storage: B(2, 3) = 9/17 lost; 60 × 8/17 = 28.24/h go on.
    // Offered to the yard at 1.5 min: 1.5 (unstable); carried: 0.71 (stable).
    assert!(
        yard_warnings(&gate_then_yard(2, 3.0, 0, 1.5)).is_empty(),
        "{:?}",
        yard_warnings(&gate_then_yard(2, 3.0, 0, 1.5))
    );
    // At 2.5 min the carried load is 28.235 × 2.5 / 60 = 1.18: unstable, and said carried.
    let found = yard_warnings(&gate_then_yard(2, 3.0, 0, 2.5));
    assert_eq!(found.len(), 1, "{found:?}");
    let m = &found[0];
    assert!(
        m.starts_with("unstable: carried load 1.18 per server"),
        "{m}"
    );
    assert!(
        m.contains("28.2/h arriving on average (the carried flow: 28.2/h of the 60/h offered"),
        "{m}"
    );
    assert!(
        m.contains("station `gate` (52.9% lost; Erlang B, exact for Poisson arrivals"),
        "{m}"
    );
}

#[test]
fn after_a_finite_queue_the_loss_is_that_of_m_m_c_k() {
    // Gate: 1 booth, mean 2 min (2 Erlangs), 2 places: M/M/1/3 loses 8/15; 28/h go on.
    // Yard at 2.5 min: carried load 28 × 2.5 / 60 = 1.17.
    let found = yard_warnings(&gate_then_yard(1, 2.0, 2, 2.5));
    assert_eq!(found.len(), 1, "{found:?}");
    let m = &found[0];
    assert!(
        m.starts_with("unstable: carried load 1.17 per server"),
        "{m}"
    );
    assert!(m.contains("28/h of the 60/h offered"), "{m}");
    assert!(
        m.contains("(53.3% lost; M/M/c/K, exact for Poisson arrivals and exponential service)"),
        "{m}"
    );
    // Without a loss upstream (the gate's queue unlimited), the offered load: 60 × 2.5 / 60.
    let unlimited = gate_then_yard(4, 2.0, 2, 2.5).replacen(
        "queue_capacity = 2\nwhen_full = \"balk\"\n",
        "",
        1,
    );
    let found = yard_warnings(&unlimited);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("unstable: offered load 2.5 per server"),
        "{}",
        found[0]
    );
}

#[test]
fn a_dedicated_lane_group_after_a_loss_system_sees_the_carried_flow() {
    // The yard split in two groups, trucks only on the first (1 lane, mean 2.5 min):
    // offered 2.5 per lane, carried 28.24 × 2.5 / 60 = 1.18 after the Erlang gate, and
    // 1.5 min carried 0.71: no lane-group warning.
    let split = |yard_min: f64| {
        gate_then_yard(2, 3.0, 0, yard_min).replacen(
            "id = \"yard\"\nservers = 1\n",
            "id = \"yard\"\nlanes = [\n  { id = \"trucks\", servers = 1, serves = { classes = \
             [\"truck\"] } },\n  { id = \"other\", servers = 1, serves = { classes = [\"car\"] } },\n]\n",
            1,
        ).replacen("id = \"truck\"\n", "id = \"truck\"\n\n[[classes]]\nid = \"car\"\n", 1)
    };
    let group = |input: &str| -> Vec<String> {
        ok(input)
            .warnings
            .iter()
            .filter(|w| w.message.contains("lane group `trucks`"))
            .map(|w| w.message.clone())
            .collect()
    };
    assert!(group(&split(1.5)).is_empty(), "{:?}", group(&split(1.5)));
    let found = group(&split(2.5));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains(
            "carried (after the vehicles lost at a loss system upstream) load 1.18 per open lane"
        ),
        "{}",
        found[0]
    );
}

#[test]
fn a_station_after_a_loss_system_fed_at_1e308_per_hour_carries_the_servers_output() {
    // The gate's 2 one-minute servers, no waiting room, offered 1e308/h: they carry 2
    // erlangs, 120 vehicles/h, all to inspection's 1 one-minute server: load 2.
    let input = r#"[scenario]
name = "t"
horizon = "1d"

[[classes]]
id = "truck"

[[stations]]
id = "gate"
servers = 2
queue_capacity = 0
when_full = "balk"
service = { dist = "deterministic", value = "1min" }
routes = [{ to = "inspection", p = 1.0 }]

[[stations]]
id = "inspection"
servers = 1
service = { dist = "deterministic", value = "1min" }

[[sources]]
id = "trucks"
class = "truck"
rate = "1e308/h"
entry = "gate"
"#;
    let loaded = crate::tests::ok(input);
    let found: Vec<(String, String)> = loaded
        .warnings
        .iter()
        .map(|d| (d.path.clone(), d.message.clone()))
        .collect();
    let inspection: Vec<_> = found
        .iter()
        .filter(|(p, _)| p == "stations[1].servers")
        .collect();
    assert_eq!(inspection.len(), 1, "{found:#?}");
    let m = &inspection[0].1;
    for words in [
        "unstable: carried load 2 per server at station `inspection`",
        "120/h arriving on average (the carried flow: 120/h of the 1e308/h offered reach it",
        "station `gate` (100% lost; Erlang B",
    ] {
        assert!(m.contains(words), "missing {words:?} in {m}");
    }
    // The gate's own load is a number, not "too large to compute".
    let gate: Vec<_> = found
        .iter()
        .filter(|(p, _)| p == "stations[0].servers")
        .collect();
    assert_eq!(gate.len(), 1, "{found:#?}");
    assert!(
        gate[0].1.contains("offered load 8.33e305 per server"),
        "{}",
        gate[0].1
    );
}
