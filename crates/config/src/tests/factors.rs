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
