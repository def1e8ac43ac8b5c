//! Factors on drawn service times: one that makes a mean service shorter than the clock's
//! millisecond is warned about where it is written.

use super::{edit, ok};

fn factor_warnings(from: &str, to: &str) -> Vec<(String, usize, usize)> {
    ok(&edit(from, to))
        .warnings
        .iter()
        .filter(|w| w.message.contains("shorter than the simulation clock"))
        .map(|w| (w.path.clone(), w.line, w.column))
        .collect()
}

#[test]
fn a_factor_that_makes_services_shorter_than_the_clock_is_warned_at_the_factor() {
    // The primary's shortest mean is the cars' 1 min = 60,000 ms: 1e-5 makes it 0.6 ms.
    let found = factor_warnings("servers = 4\n", "servers = 4\npre_lodged = 1e-5\n");
    assert_eq!(found, [("stations[0].pre_lodged".to_owned(), 15, 14)]);
    // At 1/60,000 the mean is exactly 1 ms: no warning.
    let found = factor_warnings(
        "servers = 4\n",
        "servers = 4\npre_lodged = 1.6666666666666667e-5\n",
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn each_factor_is_checked() {
    let found = factor_warnings(
        "id = \"xray\"\nservers = 1\n",
        "id = \"xray\"\nservers = 1\njoint_service_factor = 1e-5\n\
         service_factor_by_programme = { none = 1e-4 }\n",
    );
    // The X-ray's mean is 1.5 min = 90,000 ms: 0.9 ms and 9 ms.
    assert_eq!(
        found,
        [("stations[1].joint_service_factor".to_owned(), 25, 24)]
    );
}

/// The whole message of the one sub-millisecond warning of `input`.
fn the_warning(input: &str) -> String {
    let loaded = ok(input);
    let found: Vec<&crate::Diagnostic> = loaded
        .warnings
        .iter()
        .filter(|w| w.message.contains("shorter than the simulation clock"))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].to_string()
}

#[test]
fn hourly_factors_and_slowdowns_are_checked_as_the_other_factors_are() {
    // The primary's shortest mean is 60,000 ms: 1e-5 in hour 3 makes it 0.6 ms; the
    // smallest hour of the day is the one named.
    let mut hours = vec!["1"; 24];
    hours[3] = "1e-5";
    hours[7] = "0.5";
    let by_hour = format!(
        "servers = 4\nservice_factor_by_hour = [{}]\n",
        hours.join(", ")
    );
    let found = factor_warnings("servers = 4\n", &by_hour);
    assert_eq!(
        found,
        [("stations[0].service_factor_by_hour[3]".to_owned(), 15, 36)]
    );
    assert_eq!(
        the_warning(&edit("servers = 4\n", &by_hour)),
        "test.toml:15:36: stations[0].service_factor_by_hour[3]: this factor (0.00001) makes \
         the shortest mean service time of stations[0] 0.6 ms (60000 ms × 0.00001), shorter \
         than the simulation clock's 1 ms: each service then lasts 0 or 1 ms (the mean holds, \
         rounded without bias, but no single service lasts as long as written)"
    );
    // 1/60,000 makes exactly 1 ms: no warning.
    let exact = by_hour.replace("1e-5", "1.6666666666666667e-5");
    assert!(factor_warnings("servers = 4\n", &exact).is_empty());

    // A slowdown at the X-ray (90,000 ms) by 1e-5: 0.9 ms, warned at its factor.
    let slowdown = "warmup = \"1h\"\n\n[[scenario.events]]\nkind = \"slowdown\"\n\
                    station = \"xray\"\nfactor = 1e-5\nfrom = \"2h\"\nto = \"3h\"\n";
    let found = factor_warnings("warmup = \"1h\"\n", slowdown);
    assert_eq!(found, [("scenario.events[0].factor".to_owned(), 9, 10)]);
    let mild = slowdown.replace("1e-5", "1.2e-5");
    assert!(factor_warnings("warmup = \"1h\"\n", &mild).is_empty());
}

#[test]
fn a_lane_groups_hourly_factor_is_checked_against_its_stations_services() {
    let lanes = "servers = 4\n";
    let group = "[[stations.lanes]]\nid = \"all\"\nservers = 4\n\
                 service_factor_by_hour = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, \
                 1, 1, 1, 1, 1, 2e-6]\n";
    let input = edit(lanes, "");
    let input = super::edit_in(
        &input,
        "  { to = \"exit\", p = 0.85 },\n]\n",
        &format!("  {{ to = \"exit\", p = 0.85 }},\n]\n\n{group}"),
    );
    let found: Vec<String> = ok(&input)
        .warnings
        .iter()
        .filter(|w| w.message.contains("shorter than the simulation clock"))
        .map(|w| w.path.clone())
        .collect();
    assert_eq!(found, ["stations[0].lanes[0].service_factor_by_hour[23]"]);
}

#[test]
fn every_bad_hour_of_an_hourly_factor_is_reported() {
    let mut hours = vec!["1"; 24];
    hours[2] = "0";
    hours[5] = "-1";
    hours[9] = "nan";
    let input = edit(
        "servers = 4\n",
        &format!(
            "servers = 4\nservice_factor_by_hour = [{}]\n",
            hours.join(", ")
        ),
    );
    let e = super::check(&input, &["for hour 2", "for hour 5", "for hour 9"]);
    let paths: Vec<&str> = e.diagnostics.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "stations[0].service_factor_by_hour[2]",
            "stations[0].service_factor_by_hour[5]",
            "stations[0].service_factor_by_hour[9]",
        ]
    );
}
