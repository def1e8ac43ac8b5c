//! A region and a policy that write every field of their schemas (checked in `schema`), and
//! the scan of each with a value of every wrong type in place of each of their values: no
//! message names an internal type or speaks serde.

use super::messages::{EVERY_FIELD, EVERY_FIELD_TRACE, scan};
use crate::{apply_policy_with, parse_region_with};

/// A policy with every measure of the catalogue and every field of each, for
/// [`EVERY_FIELD`] as its baseline.
pub(crate) const EVERY_FIELD_POLICY: &str = r#"
[policy]
name = "every field"
measure = "all of them"
description = "every measure, every field"
crossing = "west"
baseline = "every_field.toml"

[[single_window]]
stations = ["xray", "docs"]
service_factor = 0.9
servers = 2

[[one_stop_border_post]]
stations = ["primary", "docs"]
service_factor = 0.8
servers = 3

[[authorised_operators]]
programme = "aeo"
share = 0.3
classes = ["truck"]
channels = { green = 0.95, yellow = 0.03, red = 0.02 }
faster = { primary = 0.7 }
dedicated_lanes = [{ station = "primary", servers = 1, share_when_idle = true }]

[[authorised_operators]]
programme = "green-lane"
share = 0.1
classes = ["car"]
inspection_factor = 0.5
dedicated_lanes = [{ station = "primary", servers_by_hour = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] }]

[[staffing]]
station = "primary"
lanes = "general"
add = 1
all_day = true

[[equipment]]
station = "out-booth"
add = 1
service_factor = 0.9

[[lane_rule]]
station = "primary"
lanes = "fast"
min_wait = "5min"
max_wait = "20min"
min_lanes = 1
max_lanes = 3
review = "10min"
start = 1

[[risk_management]]
class = "car"
channels = { green = 0.9, red = 0.1 }
random_inspection = 0.01

[[pre_arrival_processing]]
share = 0.4
classes = ["car"]
skip = ["xray"]
service_factor = { primary = 0.5 }
release_on_arrival = false
directions = ["in"]

[[events]]
kind = "outage"
description = "a booth fails"
station = "primary"
lane_group = "general"
lanes = 1
from = "day 1 10:00"
to = "day 1 12:00"

[[events]]
kind = "demand"
factor = 1.2
classes = ["car"]
from = "10h"
to = "14h"

[[events]]
kind = "schedule"
station = "out-booth"
day = 2
servers_by_hour = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]

[[appointments]]
id = "slots"
description = "replaces the baseline's booking system"
station = "primary"
class = "truck"
programme = "fast"
share = 0.8
slot = "1h"
capacity = 20
horizon = "1d"
waiting_area = 100
when_full = "road"
value_of_time_per_hour = 25.0

[[appointments]]
id = "cars"
station = "primary"
class = "car"
share = 0.3
capacity_by_hour = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]

[[override]]
path = "scenario.seed"
value = 7
"#;

/// A region with every field, its crossings reading [`EVERY_FIELD`] (with its trace) or
/// written inline.
pub(crate) const EVERY_FIELD_REGION: &str = r#"
[region]
name = "every field"
sides = ["a", "b"]
replications = 2
seed = 3
horizon = "2d"
warmup = "1h"
elasticity_per_day = -0.02
description = "every field"

[equilibrium]
max_iterations = 10
tolerance = 0.05
averaging = "msa"
exponent = 1.0
worse = 1.5
better = 0.3

[choice]
time_coefficient = -0.02
border_weight = 2.0
toll_weight = 1.0

[[zones]]
id = "west-a"
side = "a"
country = "xa"
description = "west of side a"
travel = { west = "20min", east = "40min" }
travel_from = { west = "25min" }

[[zones]]
id = "east-b"
side = "b"
travel = { west = "30min", east = "10min" }

[[classes]]
id = "truck"
value_of_time_per_h = 30.0
cargo_value = 50000
elasticity_per_day = -0.01
profile = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1]

[[crossings]]
id = "west"
file = "every_field.toml"
directions = { a = "in", b = "out" }
entries = { a = "primary", b = "out-booth" }
constant = 0.5
description = "the crossing with every field"

[[crossings]]
id = "east"
closed = true
directions = { a = "inbound" }
scenario = '''
[scenario]
name = "east"
horizon = "2d"

[[classes]]
id = "truck"

[[stations]]
id = "booth"
servers = 1
service = { dist = "exponential", mean = "1min" }

[[sources]]
id = "trucks"
class = "truck"
rate = "1/h"
entry = "booth"
'''

[[tolls]]
crossing = "west"
class = "truck"
from = "a"
amount = 5.0

[[demand]]
from = "west-a"
to = "east-b"
class = "truck"
commodity = "electronics"
vehicles_per_day = 100
cargo_value = 60000
value_of_time_per_h = 35.0
elasticity_per_day = -0.05
profile = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1]
"#;

fn read(path: &str) -> Result<String, String> {
    match path {
        "every_field.toml" => Ok(EVERY_FIELD.to_owned()),
        "t.csv" => Ok(EVERY_FIELD_TRACE.to_owned()),
        other => Err(format!("no file {other}")),
    }
}

/// The region is valid; the policy applies apart from the conflicts of its merges (the
/// baseline has too few stations for both kinds of merge and every other measure to touch
/// different fields), so its shape is checked in full.
#[test]
fn the_every_field_policy_and_region_are_valid() {
    let err = apply_policy_with(
        EVERY_FIELD,
        "every_field.toml",
        EVERY_FIELD_POLICY,
        "p.toml",
        &read,
    )
    .unwrap_err();
    for d in &err.config_error().diagnostics {
        assert!(
            d.message.contains("conflicts with") || d.message.contains("already merged into"),
            "{d}"
        );
    }
    if let Err(e) = parse_region_with(EVERY_FIELD_REGION, "r.toml", &read) {
        panic!("{e}");
    }
}

/// Every value of the policy and the region with every field, replaced by a value of each
/// wrong type.
#[test]
fn no_message_of_a_policy_or_region_with_every_field_names_an_internal_type() {
    let policy = scan("every field policy", EVERY_FIELD_POLICY, &|t| {
        apply_policy_with(EVERY_FIELD, "every_field.toml", t, "p.toml", &read)
            .map(drop)
            .map_err(Into::into)
    });
    let region = scan("every field region", EVERY_FIELD_REGION, &|t| {
        parse_region_with(t, "r.toml", &read).map(drop)
    });
    assert!(policy > 500 && region > 300, "{policy} {region}");
}
