//! The worst hours and event windows of a run: what makes `run` stop at its vehicle cap,
//! or builds a queue it does not drain, is warned by validation at its cause.

use super::ok;

/// One station of two lanes serving trucks of 2 min (exponential) at 30/h (load 0.5),
/// over one day, with `extra` inserted after `[scenario]`'s fields and `station` after the
/// station's.
fn scenario(extra: &str, station: &str) -> String {
    format!(
        r#"[scenario]
name = "windows"
horizon = "1d"
{extra}
[[classes]]
id = "truck"

[[stations]]
id = "primary"
servers = 2
service = {{ dist = "exponential", mean = "2min" }}
{station}
[[sources]]
id = "trucks"
class = "truck"
rate = "30/h"
entry = "primary"
"#
    )
}

fn demand(factor: &str) -> String {
    scenario(
        &format!(
            "\n[[scenario.events]]\nkind = \"demand\"\nfactor = {factor}\nfrom = \"day 1 10:00\"\nto = \"day 1 11:00\"\n"
        ),
        "",
    )
}

/// The one warning of `input`: (field, message).
fn one_warning(input: &str) -> (String, String) {
    let loaded = ok(input);
    let found: Vec<(String, String)> = loaded
        .warnings
        .iter()
        .map(|d| (d.path.clone(), d.message.clone()))
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    found.into_iter().next().unwrap_or_default()
}

fn assert_words(message: &str, words: &[&str]) {
    for w in words {
        assert!(message.contains(w), "missing {w:?} in: {message}");
    }
    assert!(
        !message.contains("inf") && !message.contains("NaN"),
        "{message}"
    );
}

/// `service_factor_by_hour` at the station: 1 in every hour but `hour`.
fn factor_at_hour(hour: usize, factor: &str) -> String {
    let mut hours = vec!["1"; 24];
    hours[hour] = factor;
    format!("service_factor_by_hour = [{}]\n", hours.join(", "))
}

fn outage(lanes: u32, from: &str, to: &str) -> String {
    scenario(
        &format!(
            "\n[[scenario.events]]\nkind = \"outage\"\nstation = \"primary\"\nlanes = {lanes}\nfrom = \"{from}\"\nto = \"{to}\"\n"
        ),
        "",
    )
}

#[test]
fn a_demand_surge_of_factor_2_to_the_32_stops_the_run_at_its_cap_and_is_warned_there() {
    // 30/h × 2^32 = 1.29e11/h: the million vehicles the cap allows arrive in 28 µs.
    let (path, message) = one_warning(&demand("4294967296"));
    assert_eq!(path, "scenario.events[0].factor");
    assert_words(
        &message,
        &[
            "the run will stop at its vehicle cap",
            "the demand event multiplying arrivals by 4.29e9 (day 1 10:00 to day 1 11:00)",
            "station `primary` grows past the 1000000 vehicles `max_in_system` allows by day 1 10:00",
            "1.29e11/h arriving against about 60/h its open lanes serve",
        ],
    );
}

#[test]
fn a_demand_surge_of_factor_1e6_reaches_the_cap_in_two_minutes() {
    // 3e7/h arriving, 60/h served: the queue passes 1,000,000 after (1e6 / (3e7 − 60)) h
    // = 2.000004 min.
    let (path, message) = one_warning(&demand("1e6"));
    assert_eq!(path, "scenario.events[0].factor");
    assert_words(
        &message,
        &[
            "the run will stop at its vehicle cap",
            "multiplying arrivals by 1000000",
            "allows by day 1 10:02 (30000000/h arriving against about 60/h",
        ],
    );
}

#[test]
fn a_surge_below_the_cap_that_the_run_cannot_drain_is_unstable_at_the_event() {
    // 300,000 arrive in the hour, 60 are served: 299,940 wait at 11:00, and the 13 hours
    // left drain 30 an hour (60 served, 30 arriving): 299,550 at the horizon.
    let (path, message) = one_warning(&demand("1e4"));
    assert_eq!(path, "scenario.events[0].factor");
    assert_words(
        &message,
        &[
            "unstable: the demand event multiplying arrivals by 10000",
            "about 299550 vehicles are still there at the horizon (24h)",
        ],
    );
    // Twice the demand for an hour (load 1) builds no queue: nothing to say.
    assert!(warnings(&demand("2")).is_empty());
}

#[test]
fn an_hourly_service_factor_of_1e308_holds_every_lane_to_the_end() {
    // From 10:00 both lanes start services that outlast the run; the 30/h of the 14 hours
    // left stay in the station: 420 vehicles (2 of them held in the lanes).
    let input = scenario("", &factor_at_hour(10, "1e308"));
    let (path, message) = one_warning(&input);
    assert_eq!(path, "stations[0].service_factor_by_hour[10]");
    assert_words(
        &message,
        &[
            "service_factor_by_hour = 1e308 at 10:00",
            "takes longer than the whole run, so each lane that starts one stays busy to the end",
            "about 420 vehicles are still there at the horizon (24h)",
        ],
    );
    // The same at 100,000 trucks/h on 4,000 lanes (load 0.83): the million is passed ten
    // hours later, at 20:00.
    let input = scenario("", &factor_at_hour(10, "1e308"))
        .replacen("servers = 2", "servers = 4000", 1)
        .replacen("rate = \"30/h\"", "rate = \"100000/h\"", 1);
    let (path, message) = one_warning(&input);
    assert_eq!(path, "stations[0].service_factor_by_hour[10]");
    assert_words(
        &message,
        &[
            "the run will stop at its vehicle cap",
            "allows by day 1 20:00",
        ],
    );
    // A factor of 3 in one hour (load 1.5 then) builds 15 vehicles that drain by 11:30.
    assert!(warnings(&scenario("", &factor_at_hour(10, "3"))).is_empty());
}

#[test]
fn an_outage_that_makes_the_last_hour_unstable_is_warned_one_that_drains_is_not() {
    // Both lanes out 23:00–24:00: the hour's 30 trucks are all still there at the horizon.
    let (path, message) = one_warning(&outage(2, "day 1 23:00", "day 2 00:00"));
    assert_eq!(path, "scenario.events[0].lanes");
    assert_words(
        &message,
        &[
            "unstable: the outage taking 2 lanes out (day 1 23:00 to day 2 00:00)",
            "30/h arriving against about 0/h",
            "about 30 vehicles are still there at the horizon",
        ],
    );
    // The same hour at 10:00 builds 30 vehicles that drain by 11:00 the next hour: the
    // run sees it whole, nothing to warn.
    assert!(warnings(&outage(2, "day 1 10:00", "day 1 11:00")).is_empty());
    // One lane out leaves 1 lane for a load of exactly 1: no queue builds.
    assert!(warnings(&outage(1, "day 1 23:00", "day 2 00:00")).is_empty());
}
fn warnings(input: &str) -> Vec<String> {
    ok(input).warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn a_station_overloaded_all_run_says_when_it_reaches_the_cap_in_its_unstable_warning() {
    // 1e6/h into one 2-min lane: 999,970 more an hour than it serves, past the million
    // just after 01:00.
    let input = scenario("", "")
        .replacen("servers = 2", "servers = 1", 1)
        .replacen("rate = \"30/h\"", "rate = \"1000000/h\"", 1);
    let (path, message) = one_warning(&input);
    assert_eq!(path, "stations[0].servers");
    assert_words(
        &message,
        &[
            "unstable: offered load 33333.33 per server",
            "the queue grows until the run stops at its vehicle cap by day 1 01:00 (more than \
             the 1000000 vehicles `max_in_system` allows)",
        ],
    );
}
