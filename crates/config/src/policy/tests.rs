//! The policy pipeline end to end: each measure applied to small baselines, errors located
//! in the policy file, conflicts, and the catalogue.

use super::*;

const BASE: &str = r#"[scenario]
name = "base"
horizon = "1d"

[[classes]]
id = "truck"

[[stations]]
id = "primary"
servers_by_hour = [1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0]
service = { dist = "exponential", mean = "2min" }

[[sources]]
id = "trucks"
class = "truck"
rate = "40/h"
entry = "primary"
"#;

fn applied(policy: &str) -> crate::Loaded {
    let p = apply_policy(BASE, policy, "p.toml").expect("policy applies");
    crate::parse_scenario(&p.scenario_text, "base+p").expect("valid scenario")
}

#[test]
fn staffing_adds_lanes_in_open_hours_or_all_day() {
    let add = applied("[policy]\nname = \"more\"\n[[staffing]]\nstation = \"primary\"\nadd = 1\n");
    let st = &add.scenario.crossing.stations()[0];
    assert_eq!(st.max_servers(), 4);
    assert_eq!(add.scenario.name, "more");
    let all =
        applied("[policy]\nname = \"24h\"\n[[staffing]]\nstation = \"primary\"\nall_day = true\n");
    let st = &all.scenario.crossing.stations()[0];
    assert!((st.mean_servers() - 3.0).abs() < 1e-12);
}

#[test]
fn risk_management_and_overrides() {
    let p = applied(
        "[policy]\nname = \"r\"\n[[risk_management]]\nclass = \"truck\"\nchannels = { green = 0.9, red = 0.1 }\nrandom_inspection = 0.02\n[[override]]\npath = \"stations.primary.service.mean\"\nvalue = \"1min\"\n",
    );
    let class = &p.scenario.population().classes[0];
    assert_eq!(class.channel_probabilities[0], [0.9, 0.0, 0.1]);
    assert_eq!(class.random_inspection, 0.02);
    let st = &p.scenario.crossing.stations()[0];
    assert_eq!(
        st.service[0],
        Some(bordersim_model::ServiceDist::Exponential { mean_ms: 60_000.0 })
    );
}

#[test]
fn equipment_adds_scanners_and_scales_service() {
    let p = applied(
        "[policy]\nname = \"nii\"\n[[equipment]]\nstation = \"primary\"\nadd = 1\nservice_factor = 0.5\n",
    );
    let st = &p.scenario.crossing.stations()[0];
    assert_eq!(st.max_servers(), 4);
    assert_eq!(
        st.service[0],
        Some(bordersim_model::ServiceDist::Exponential { mean_ms: 60_000.0 })
    );
    let e = apply_policy(
        BASE,
        "[policy]\nname = \"x\"\n[[equipment]]\nstation = \"primary\"\nservice_factor = 0\n",
        "p.toml",
    )
    .unwrap_err();
    assert!(e.diagnostics[0].message.contains("positive"), "{e}");
    assert_eq!(e.diagnostics[0].line, 5);
}

#[test]
fn an_empty_policy_changes_nothing_but_the_name() {
    let p = applied("[policy]\nname = \"nothing\"\n");
    let base = crate::parse_scenario(BASE, "base").unwrap().scenario;
    assert_eq!(p.scenario.crossing.stations(), base.crossing.stations());
    assert_eq!(p.scenario.crossing.sources(), base.crossing.sources());
}

#[test]
fn unknown_names_are_located_in_the_policy() {
    let e = apply_policy(
        BASE,
        "[policy]\nname = \"x\"\n\n[[staffing]]\nstation = \"primray\"\nadd = 1\n",
        "p.toml",
    )
    .unwrap_err();
    let d = &e.diagnostics[0];
    assert_eq!(
        (d.file.as_str(), d.path.as_str(), d.line),
        ("p.toml", "staffing[0].station", 5)
    );
    assert!(d.message.contains("unknown station `primray`"), "{d}");
    let e = apply_policy(
        BASE,
        "[policy]\nname = \"x\"\n[[override]]\npath = \"stations.gate.servers\"\nvalue = 2\n",
        "p.toml",
    )
    .unwrap_err();
    assert!(e.diagnostics[0].message.contains("no entry `gate`"), "{e}");
    assert_eq!(e.diagnostics[0].line, 4);
    let e = apply_policy(BASE, "[policy]\nname = \"x\"\nbogus = 1\n", "p.toml").unwrap_err();
    assert!(e.to_string().contains("bogus"), "{e}");
    let e = apply_policy(
        BASE,
        "[policy]\nname = \"x\"\n[[risk_management]]\nclass = \"truck\"\nrandom_inspection = 1.5\n",
        "p.toml",
    )
    .unwrap_err();
    assert!(e.diagnostics[0].message.contains("[0, 1]"), "{e}");
}

const TWO_STATIONS: &str = r#"[scenario]
name = "base"
horizon = "1d"

[[classes]]
id = "truck"
programmes = { none = 1.0 }
channels = { green = 0.8, yellow = 0.1, red = 0.1 }

[[stations]]
id = "primary"
servers = 3
service = { dist = "exponential", mean = "2min" }
routes = [{ to = "docs", p = 1 }]

[[stations]]
id = "docs"
servers = 1
service = { dist = "exponential", mean = "3min" }

[[sources]]
id = "trucks"
class = "truck"
rate = "20/h"
entry = "primary"
"#;

fn error_of(policy: &str) -> Diagnostic {
    let e = apply_policy(TWO_STATIONS, policy, "p.toml").unwrap_err();
    assert_eq!(e.diagnostics.len(), 1, "{e}");
    e.diagnostics[0].clone()
}

fn applied_two(policy: &str) -> crate::Loaded {
    let p = apply_policy(TWO_STATIONS, policy, "p.toml").expect("policy applies");
    crate::parse_scenario(&p.scenario_text, "base+p")
        .unwrap_or_else(|e| panic!("{e}\n{}", p.scenario_text))
}

#[test]
fn pre_arrival_processing_marks_classes_and_stations() {
    let p = applied_two(
        "[policy]\nname = \"pre\"\n[[pre_arrival_processing]]\nshare = 0.7\nskip = [\"docs\"]\nservice_factor = { primary = 0.5 }\n",
    );
    let class = &p.scenario.population().classes[0];
    assert_eq!(class.pre_lodged_share, 0.7);
    assert!(class.pre_lodged_release_on_arrival);
    let st = p.scenario.crossing.stations();
    assert_eq!(st[0].pre_lodged, bordersim_model::PreLodged::Scale(0.5));
    assert_eq!(st[1].pre_lodged, bordersim_model::PreLodged::Skip);
    let d = error_of(
        "[policy]\nname = \"x\"\n[[pre_arrival_processing]]\nshare = 1.5\nskip = [\"docs\"]\n",
    );
    assert_eq!(
        (d.path.as_str(), d.line),
        ("pre_arrival_processing[0].share", 4)
    );
    assert!(d.message.contains("[0, 1]"), "{d}");
    let d = error_of(
        "[policy]\nname = \"x\"\n[[pre_arrival_processing]]\nshare = 0.5\nskip = [\"dox\"]\n",
    );
    assert_eq!(d.path, "pre_arrival_processing[0].skip[0]");
    assert!(d.message.contains("unknown station `dox`"), "{d}");
    let d = error_of(
        "[policy]\nname = \"x\"\n[[pre_arrival_processing]]\nshare = 0.5\nclasses = [\"car\"]\nskip = [\"docs\"]\n",
    );
    assert!(d.message.contains("unknown class `car`"), "{d}");
}

#[test]
fn authorised_operators_join_a_programme() {
    let p = applied_two(
        "[policy]\nname = \"aeo\"\n[[authorised_operators]]\nprogramme = \"aeo\"\nshare = 0.25\ninspection_factor = 0.5\nfaster = { primary = 0.6 }\ndedicated_lanes = [{ station = \"primary\", servers = 1 }]\n",
    );
    let population = p.scenario.population();
    assert_eq!(population.programmes[1].id, "aeo");
    let class = &population.classes[0];
    assert_eq!(class.programme_shares, vec![0.75, 0.25]);
    let aeo = class.channel_probabilities[1];
    assert!((aeo[0] - 0.9).abs() < 1e-12 && (aeo[2] - 0.05).abs() < 1e-12);
    let primary = &p.scenario.crossing.stations()[0];
    assert_eq!(
        primary.programme_service_factor(bordersim_model::ProgrammeId(1)),
        0.6
    );
    assert_eq!(primary.lanes.len(), 2);
    assert!(primary.lanes[1].share_when_idle);
    let d = error_of(
        "[policy]\nname = \"x\"\n[[authorised_operators]]\nprogramme = \"aeo\"\nshare = 0.2\nchannels = { green = 0.5, red = 0.2 }\n",
    );
    assert_eq!(d.path, "authorised_operators[0].channels");
}

#[test]
fn merges_and_lane_rules_write_model_fields() {
    let p = applied_two(
        "[policy]\nname = \"sw\"\n[[single_window]]\nstations = [\"primary\", \"docs\"]\nservice_factor = 0.5\nservers = 4\n",
    );
    let st = p.scenario.crossing.stations();
    assert_eq!(st[1].merged_into, Some(bordersim_model::StationId(0)));
    assert_eq!(st[0].joint_service_factor, 0.5);
    assert_eq!(st[0].max_servers(), 4);
    // Without `servers`, the joint stop pools the members' officers: 3 + 1.
    let p = applied_two(
        "[policy]\nname = \"sw\"\n[[single_window]]\nstations = [\"docs\", \"primary\"]\n",
    );
    let st = p.scenario.crossing.stations();
    assert_eq!(st[0].merged_into, Some(bordersim_model::StationId(1)));
    assert_eq!(st[1].max_servers(), 4);
    let d =
        error_of("[policy]\nname = \"x\"\n[[one_stop_border_post]]\nstations = [\"primary\"]\n");
    assert!(d.message.contains("at least two"), "{d}");
    let p = applied_two(
        "[policy]\nname = \"rule\"\n[[lane_rule]]\nstation = \"primary\"\nmin_wait = \"2min\"\nmax_wait = \"10min\"\nmax_lanes = 6\n",
    );
    let rule = p.scenario.crossing.stations()[0].lanes[0]
        .rule
        .expect("a rule");
    assert_eq!((rule.min_lanes, rule.max_lanes), (1, 6));
    let d = error_of(
        "[policy]\nname = \"x\"\n[[lane_rule]]\nstation = \"primary\"\nmin_wait = \"20min\"\nmax_wait = \"10min\"\nmax_lanes = 6\n",
    );
    assert_eq!(d.path, "lane_rule[0].min_wait");
}

#[test]
fn conflicting_changes_are_errors_naming_both() {
    let d = error_of(
        "[policy]\nname = \"x\"\n\n[[staffing]]\nstation = \"primary\"\nadd = 1\n\n[[lane_rule]]\nstation = \"primary\"\nmin_wait = \"2min\"\nmax_wait = \"10min\"\nmax_lanes = 6\n",
    );
    assert_eq!((d.path.as_str(), d.line), ("lane_rule[0]", 8));
    assert!(
        d.message.contains("conflicts with staffing[0] (line 4)")
            && d.message.contains("stations.primary.servers"),
        "{d}"
    );
    let d = error_of(
        "[policy]\nname = \"x\"\n[[one_stop_border_post]]\nstations = [\"primary\", \"docs\"]\n[[equipment]]\nstation = \"docs\"\nservice_factor = 0.5\n",
    );
    assert!(
        d.message.contains("conflicts with one_stop_border_post[0]"),
        "{d}"
    );
    let d = error_of(
        "[policy]\nname = \"x\"\n[[risk_management]]\nclass = \"truck\"\nchannels = { green = 1.0 }\n[[override]]\npath = \"classes.truck.channels.red\"\nvalue = 0.2\n",
    );
    assert!(d.message.contains("classes.truck.channels"), "{d}");
}
