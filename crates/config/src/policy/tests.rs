//! The policy pipeline end to end: each measure applied to small baselines, errors located
//! in the policy file, conflicts, and the catalogue.

use super::*;
use crate::diagnostic::Collector;

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

// ---------------------------------------------------------------------------------------
// The catalogue
// ---------------------------------------------------------------------------------------

#[test]
fn the_catalogue_lists_every_measure_once_in_application_order() {
    let names: Vec<&str> = policy_catalogue().iter().map(|m| m.name).collect();
    // The order of application is part of the behaviour (see `measures::catalogue`).
    assert_eq!(
        names,
        [
            "single_window",
            "one_stop_border_post",
            "authorised_operators",
            "staffing",
            "equipment",
            "lane_rule",
            "risk_management",
            "pre_arrival_processing",
            "events",
            "appointments",
            "override",
        ]
    );
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "a measure is listed twice");
    for m in policy_catalogue() {
        assert!(!m.help.is_empty() && !m.help.contains('\n'), "{m:?}");
        if let Some(article) = m.article {
            assert!(
                article.split('.').all(|n| n.parse::<u32>().is_ok()),
                "{m:?}"
            );
        }
    }
    let article = |name: &str| {
        policy_catalogue()
            .into_iter()
            .find(|m| m.name == name)
            .and_then(|m| m.article)
    };
    assert_eq!(article("pre_arrival_processing"), Some("7.1"));
    assert_eq!(article("risk_management"), Some("7.4"));
    assert_eq!(article("authorised_operators"), Some("7.7"));
    assert_eq!(article("one_stop_border_post"), Some("8"));
    assert_eq!(article("single_window"), Some("10.4"));
    assert_eq!(article("staffing"), None);
}

#[test]
fn every_measure_of_the_catalogue_is_a_section_of_the_schema_and_documented() {
    let docs = include_str!("../../../../docs/policies.md");
    for m in policy_catalogue() {
        let policy = format!("{} = []\n[policy]\nname = \"x\"\n", m.name);
        let raw: schema::RawPolicy = toml::from_str(&policy).expect(m.name);
        let section = raw
            .sections
            .iter()
            .find(|s| s.name == m.name)
            .expect("a section per measure");
        assert!(section.changes.is_empty());
        assert!(
            docs.contains(&format!("`[[{}]]`", m.name)),
            "docs/policies.md does not document `[[{}]]`",
            m.name
        );
    }
    let raw: schema::RawPolicy = toml::from_str("[policy]\nname = \"x\"\n").unwrap();
    let names: Vec<&str> = raw.sections.iter().map(|s| s.name).collect();
    let catalogue: Vec<&str> = policy_catalogue().iter().map(|m| m.name).collect();
    assert_eq!(names, catalogue);
    // An unknown section names the known ones, from the catalogue.
    let e = apply_policy(BASE, "[policy]\nname = \"x\"\n\n[[staffng]]\n", "p.toml").unwrap_err();
    let d = &e.diagnostics[0];
    assert_eq!((d.line, d.column), (4, 3), "{d}");
    assert!(
        d.message.starts_with(&format!(
            "unknown field `staffng` (did you mean `staffing`?); expected one of `policy`, `{}`",
            catalogue.join("`, `")
        )),
        "{d}"
    );
}

#[test]
fn the_help_list_is_generated_from_the_catalogue() {
    let names: Vec<&str> = policy_catalogue().iter().map(|m| m.name).collect();
    assert_eq!(catalogue_help(), names.join(", "));
    assert_eq!(
        catalogue_help(),
        "single_window, one_stop_border_post, authorised_operators, staffing, equipment, \
         lane_rule, risk_management, pre_arrival_processing, events, appointments, override"
    );
}

// ---------------------------------------------------------------------------------------
// Conflicts follow the fields each measure declares it writes
// ---------------------------------------------------------------------------------------

/// A measure that writes the fields its entry lists, and changes nothing.
struct Writes;

impl measure::Measure for Writes {
    const NAME: &'static str = "writes";
    const ARTICLE: Option<&'static str> = None;
    const HELP: &'static str = "writes the fields it lists";
    type Raw = Vec<String>;

    fn writes(raw: &Vec<String>, _baseline: &Table) -> Vec<String> {
        raw.clone()
    }

    fn apply(_: &Vec<String>, _: &mut Collector<'_>, _: &mut Table, _: &str) {}
}

/// The conflicts between sections `a` and `b`, each one entry writing the fields given.
fn conflicts_between(a: &[&str], b: &[&str]) -> Vec<Diagnostic> {
    let section = |name: &'static str, fields: &[&str]| {
        measure::Section::whole(
            name,
            vec![measure::Entry::<Writes>::boxed(
                fields.iter().map(|f| f.to_string()).collect(),
            )],
        )
    };
    let mut cx = Collector::new("p.toml", "");
    let sections = [section("a", a), section("b", b)];
    conflicts::check_conflicts(&mut cx, &Table::new(), &sections);
    cx.into_errors()
}

#[test]
fn measures_writing_the_same_field_conflict_and_disjoint_ones_do_not() {
    let same = conflicts_between(&["stations.x.servers"], &["stations.x.servers"]);
    assert_eq!(same.len(), 1);
    assert_eq!(same[0].path, "b[0]");
    assert!(
        same[0]
            .message
            .starts_with("conflicts with a[0]: both change `stations.x.servers`"),
        "{}",
        same[0]
    );
    // A whole station and one of its fields overlap; the shorter path is named.
    let whole = conflicts_between(&["stations.x.servers"], &["stations.x"]);
    assert!(whole[0].message.contains("`stations.x`"), "{}", whole[0]);
    for (a, b) in [
        (&["stations.x.servers"][..], &["stations.y.servers"][..]),
        (&["stations.x"], &["stations.xy"]),
        (&["classes.c.channels"], &["classes.c.random_inspection"]),
        (&[], &["stations.x"]),
    ] {
        assert!(conflicts_between(a, b).is_empty(), "{a:?} {b:?}");
    }
}

#[test]
fn the_catalogue_measures_conflict_by_their_declared_fields() {
    // Staffing and equipment both add servers to the station: conflict.
    let d = error_of(
        "[policy]\nname = \"x\"\n[[staffing]]\nstation = \"docs\"\nadd = 1\n[[equipment]]\nstation = \"docs\"\nadd = 1\n",
    );
    assert_eq!((d.path.as_str(), d.line), ("equipment[0]", 6));
    assert!(d.message.contains("stations.docs.servers"), "{d}");
    // Equipment that only scales service times writes `service`, not `servers`.
    let p = applied_two(
        "[policy]\nname = \"x\"\n[[staffing]]\nstation = \"docs\"\nadd = 1\n[[equipment]]\nstation = \"docs\"\nservice_factor = 0.5\n[[risk_management]]\nclass = \"truck\"\nrandom_inspection = 0.1\n",
    );
    assert_eq!(p.scenario.crossing.stations()[1].max_servers(), 2);
    assert_eq!(p.scenario.population().classes[0].random_inspection, 0.1);
}

// ---------------------------------------------------------------------------------------
// The pipeline ends in a validated scenario
// ---------------------------------------------------------------------------------------

fn no_files(name: &str) -> Result<String, String> {
    Err(format!("no file `{name}` here"))
}

#[test]
fn apply_policy_with_returns_the_validated_scenario_and_the_changed_text() {
    let policy = "[policy]\nname = \"more\"\nmeasure = \"staffing\"\n[[staffing]]\nstation = \"primary\"\nadd = 1\n";
    let s = apply_policy_with(BASE, "base.toml", policy, "p.toml", &no_files).expect("valid");
    assert_eq!(s.label, "base.toml with p.toml");
    assert_eq!(s.applied.name, "more");
    assert_eq!(s.applied.measure.as_deref(), Some("staffing"));
    let text = apply_policy(BASE, policy, "p.toml").unwrap().scenario_text;
    assert_eq!(s.applied.scenario_text, text);
    let reparsed = crate::parse_scenario(&text, "base.toml with p.toml").unwrap();
    assert_eq!(
        format!("{:?}", s.loaded.scenario),
        format!("{:?}", reparsed.scenario)
    );
    assert_eq!(s.loaded.warnings, reparsed.warnings);
    assert_eq!(s.loaded.scenario.crossing.stations()[0].max_servers(), 4);
}

#[test]
fn apply_policy_with_tells_a_bad_policy_from_a_bad_changed_scenario() {
    // The policy names a station the baseline lacks: located in the policy file.
    let e = apply_policy_with(
        BASE,
        "base.toml",
        "[policy]\nname = \"x\"\n[[staffing]]\nstation = \"gate\"\n",
        "p.toml",
        &no_files,
    )
    .unwrap_err();
    let PolicyError::Policy(error) = &e else {
        panic!("{e:?}");
    };
    assert_eq!(error.diagnostics[0].file, "p.toml");
    assert_eq!(e.to_string(), error.to_string());
    // The policy applies, but the changed scenario is invalid: located at the change that
    // wrote the value, in the policy file, never in the generated text.
    let e = apply_policy_with(
        BASE,
        "base.toml",
        "[policy]\nname = \"x\"\n[[override]]\npath = \"stations.primary.service.mean\"\nvalue = \"soon\"\n",
        "p.toml",
        &no_files,
    )
    .unwrap_err();
    let PolicyError::Scenario {
        applied,
        label,
        error,
    } = &e
    else {
        panic!("{e:?}");
    };
    assert_eq!(label, "base.toml with p.toml");
    assert_eq!(applied.name, "x");
    assert_eq!(error.diagnostics.len(), 1, "{error}");
    let d = &error.diagnostics[0];
    assert_eq!(
        (d.file.as_str(), d.path.as_str(), d.line, d.column),
        ("p.toml", "override[0].value", 5, 9),
        "{d}"
    );
    assert!(
        d.message
            .starts_with("the changed scenario's `stations.primary.service.mean`: \"soon\""),
        "{d}"
    );
    let config: ConfigError = e.clone().into();
    assert_eq!(&config, error);
}

// ---------------------------------------------------------------------------------------
// Every problem of a policy in one pass, located in the policy file
// ---------------------------------------------------------------------------------------

/// Each diagnostic as `(file, path, line, column)`.
fn places(e: &ConfigError) -> Vec<(String, String, usize, usize)> {
    e.diagnostics
        .iter()
        .map(|d| (d.file.clone(), d.path.clone(), d.line, d.column))
        .collect()
}

#[test]
fn every_problem_of_a_policy_comes_in_one_pass() {
    // A misspelt field, an unknown station, a share out of range, a conflict, and an
    // override the changed scenario rejects: all five at once, each at its line.
    let policy = "[policy]\nname = \"x\"\n\n\
        [[staffing]]\nstation = \"primary\"\nad = 1\n\n\
        [[staffing]]\nstation = \"primray\"\nadd = 1\n\n\
        [[risk_management]]\nclass = \"truck\"\nrandom_inspection = 1.5\n\n\
        [[lane_rule]]\nstation = \"docs\"\nmin_wait = \"2min\"\nmax_wait = \"10min\"\nmax_lanes = 3\n\n\
        [[override]]\npath = \"stations.docs.servers\"\nvalue = 2\n\n\
        [[override]]\npath = \"stations.primary.service.mean\"\nvalue = \"soon\"\n";
    let e = apply_policy_with(TWO_STATIONS, "base.toml", policy, "p.toml", &no_files).unwrap_err();
    let PolicyError::Policy(error) = &e else {
        panic!("{e:?}");
    };
    let p = |path: &str, line: usize, column: usize| {
        ("p.toml".to_owned(), path.to_owned(), line, column)
    };
    assert_eq!(
        places(error),
        [
            p("staffing[0].ad", 6, 1),
            p("staffing[1].station", 9, 11),
            p("risk_management[0].random_inspection", 14, 21),
            p("override[0]", 22, 1),
            p("override[1].value", 28, 9),
        ],
        "{error}"
    );
    assert!(
        error.diagnostics[0]
            .message
            .contains("unknown field `ad` (did you mean `add`?)")
    );
    assert!(
        error.diagnostics[1]
            .message
            .contains("unknown station `primray` (did you mean `primary`?)")
    );
    assert!(
        error.diagnostics[3]
            .message
            .contains("conflicts with lane_rule[0] (line 16)")
    );
    // Without the bad entries, the rest applies.
    let e = apply_policy(TWO_STATIONS, policy, "p.toml").unwrap_err();
    assert_eq!(e.diagnostics.len(), 4, "{e}");
}

#[test]
fn a_misspelt_override_path_is_located_at_the_path_and_a_bad_value_at_the_value() {
    // The last key of a path may be new, so a misspelt one is only found by the changed
    // scenario's validation; it is reported at the override's `path`, not a generated line.
    let policy =
        "[policy]\nname = \"x\"\n[[override]]\npath = \"stations.primary.servrs\"\nvalue = 2\n";
    let e = apply_policy_with(BASE, "base.toml", policy, "p.toml", &no_files).unwrap_err();
    let d = &e.config_error().diagnostics;
    assert_eq!(
        places(e.config_error()),
        [("p.toml".to_owned(), "override[0].path".to_owned(), 4, 8)],
        "{e}"
    );
    assert!(
        d[0].message.starts_with(
            "the changed scenario's `stations.primary.servrs`: unknown field `servrs` (did you \
             mean `servers`?)"
        ),
        "{e}"
    );
    // A value of the wrong type: at the value.
    let policy = "[policy]\nname = \"x\"\n[[override]]\npath = \"stations.primary.servers_by_hour\"\nvalue = \"many\"\n";
    let e = apply_policy_with(BASE, "base.toml", policy, "p.toml", &no_files).unwrap_err();
    assert_eq!(
        places(e.config_error()),
        [("p.toml".to_owned(), "override[0].value".to_owned(), 5, 9)],
        "{e}"
    );
    // A field no change wrote is located in the baseline file, at its own line.
    let policy =
        "[policy]\nname = \"x\"\n[[override]]\npath = \"sources.trucks.rate\"\nvalue = \"0/h\"\n";
    let e = apply_policy_with(BASE, "base.toml", policy, "p.toml", &no_files).unwrap_err();
    assert!(
        e.config_error()
            .diagnostics
            .iter()
            .all(|d| d.file == "p.toml" || d.file == "base.toml"),
        "{e}"
    );
    assert!(!e.to_string().contains(" with "), "{e}");
}

#[test]
fn unknown_names_suggest_the_closest() {
    for (policy, expected) in [
        (
            "[[risk_management]]\nclass = \"truk\"\nrandom_inspection = 0.1\n",
            "unknown class `truk` (did you mean `truck`?); known classes: `truck`",
        ),
        (
            "[[staffing]]\nstation = \"dosc\"\nadd = 1\n",
            "unknown station `dosc` (did you mean `docs`?)",
        ),
        (
            "[[pre_arrival_processing]]\nshare = 0.5\nclasses = [\"trucks\"]\nskip = [\"docs\"]\n",
            "unknown class `trucks` (did you mean `truck`?)",
        ),
        (
            "[[override]]\npath = \"stations.primery.servers\"\nvalue = 2\n",
            "`stations` has no entry `primery` (did you mean `primary`?)",
        ),
        (
            "[[staffng]]\nstation = \"docs\"\n",
            "unknown field `staffng` (did you mean `staffing`?)",
        ),
    ] {
        let e = apply_policy(
            TWO_STATIONS,
            &format!("[policy]\nname = \"x\"\n{policy}"),
            "p.toml",
        )
        .unwrap_err();
        assert!(
            e.to_string().contains(expected),
            "{e}\nexpected: {expected}"
        );
    }
}

const TWO_WAYS: &str = r#"[scenario]
name = "base"
horizon = "1d"

[[directions]]
id = "northbound"

[[directions]]
id = "southbound"

[[classes]]
id = "truck"
channels = { green = 0.8, yellow = 0.1, red = 0.1 }

[[stations]]
id = "nb-documents"
direction = "northbound"
servers = 2
service = { dist = "exponential", mean = "3min" }

[[stations]]
id = "sb-aduana"
direction = "southbound"
servers = 2
service = { dist = "exponential", mean = "3min" }

[[sources]]
id = "nb"
class = "truck"
rate = "20/h"
entry = "nb-documents"

[[sources]]
id = "sb"
class = "truck"
rate = "20/h"
entry = "sb-aduana"
"#;

#[test]
fn pre_arrival_processing_can_be_limited_to_a_direction() {
    let policy = "[policy]\nname = \"nb\"\n[[pre_arrival_processing]]\nshare = 0.8\ndirections = [\"northbound\"]\nskip = [\"nb-documents\"]\n";
    let applied = apply_policy(TWO_WAYS, policy, "p.toml").expect("applies");
    let doc: Table = toml::from_str(&applied.scenario_text).unwrap();
    let class = &doc["classes"].as_array().unwrap()[0];
    assert_eq!(
        class.get("pre_lodged_directions"),
        Some(&Value::Array(vec![Value::String("northbound".into())]))
    );
    assert_eq!(class.get("pre_lodged_share"), Some(&Value::Float(0.8)));
    // Without `directions`, every direction (the field is not written).
    let policy = "[policy]\nname = \"all\"\n[[pre_arrival_processing]]\nshare = 0.8\nskip = [\"nb-documents\"]\n";
    let applied = apply_policy(TWO_WAYS, policy, "p.toml").expect("applies");
    assert!(!applied.scenario_text.contains("pre_lodged_directions"));
    // A station of the other direction, an unknown direction, an empty list: errors, all at
    // once.
    let e = apply_policy(
        TWO_WAYS,
        "[policy]\nname = \"x\"\n[[pre_arrival_processing]]\nshare = 0.8\ndirections = [\"northbound\", \"nortbound\"]\nskip = [\"sb-aduana\"]\n",
        "p.toml",
    )
    .unwrap_err();
    assert_eq!(
        places(&e),
        [
            (
                "p.toml".to_owned(),
                "pre_arrival_processing[0].directions[1]".to_owned(),
                5,
                29
            ),
            (
                "p.toml".to_owned(),
                "pre_arrival_processing[0].skip[0]".to_owned(),
                6,
                9
            ),
        ],
        "{e}"
    );
    assert!(
        e.diagnostics[0]
            .message
            .starts_with("unknown direction `nortbound` (did you mean `northbound`?)"),
        "{e}"
    );
    let e = apply_policy(
        TWO_WAYS,
        "[policy]\nname = \"x\"\n[[pre_arrival_processing]]\nshare = 0.8\ndirections = [\"northbound\"]\nskip = [\"sb-aduana\"]\n",
        "p.toml",
    )
    .unwrap_err();
    assert_eq!(
        e.diagnostics[0].message,
        "station `sb-aduana` serves direction `southbound`, but this change is limited to \
         `northbound`"
    );
    let e = apply_policy(
        TWO_WAYS,
        "[policy]\nname = \"x\"\n[[pre_arrival_processing]]\nshare = 0.8\ndirections = []\nskip = [\"nb-documents\"]\n",
        "p.toml",
    )
    .unwrap_err();
    assert!(
        e.diagnostics[0]
            .message
            .starts_with("name at least one direction"),
        "{e}"
    );
    // Two entries for one class conflict whatever their directions: one share per class.
    let e = apply_policy(
        TWO_WAYS,
        "[policy]\nname = \"x\"\n[[pre_arrival_processing]]\nshare = 0.8\ndirections = [\"northbound\"]\nskip = [\"nb-documents\"]\n[[pre_arrival_processing]]\nshare = 0.5\ndirections = [\"southbound\"]\nskip = [\"sb-aduana\"]\n",
        "p.toml",
    )
    .unwrap_err();
    assert!(
        e.diagnostics[0]
            .message
            .contains("conflicts with pre_arrival_processing[0]"),
        "{e}"
    );
}

#[test]
fn warnings_of_the_changed_scenario_are_located_at_the_change() {
    let policy = "[policy]\nname = \"slow\"\n[[override]]\npath = \"stations.primary.service.mean\"\nvalue = \"30min\"\n";
    let s = apply_policy_with(BASE, "base.toml", policy, "p.toml", &no_files).expect("valid");
    assert!(!s.loaded.warnings.is_empty());
    for w in &s.loaded.warnings {
        assert_eq!(
            (w.file.as_str(), w.path.as_str(), w.line),
            ("p.toml", "override[0].value", 5),
            "{w}"
        );
        assert!(w.message.contains("unstable"), "{w}");
    }
}

#[test]
fn a_wrong_override_value_does_not_hide_a_misspelt_override_beside_it() {
    // Two overrides on one station: a value of the wrong type and a misspelt key. Both in
    // one pass, each at its own line of the policy file.
    let policy = "[policy]\nname = \"x\"\n\n\
        [[override]]\npath = \"stations.primary.servers\"\nvalue = \"two\"\n\n\
        [[override]]\npath = \"stations.primary.service.meen\"\nvalue = \"3min\"\n";
    let e = apply_policy_with(TWO_STATIONS, "base.toml", policy, "p.toml", &no_files).unwrap_err();
    let error = e.config_error();
    assert_eq!(
        places(error),
        [
            ("p.toml".to_owned(), "override[0].value".to_owned(), 6, 9),
            ("p.toml".to_owned(), "override[1].path".to_owned(), 9, 8),
        ],
        "{error}"
    );
    assert!(
        error.diagnostics[0].message.contains("wrong type"),
        "{error}"
    );
    assert!(
        error.diagnostics[1]
            .message
            .contains("unknown field `meen` (did you mean `mean`?)"),
        "{error}"
    );
}

#[test]
fn a_wrong_type_and_an_unknown_key_in_one_policy_entry_come_together() {
    // In the [policy] table and in one entry of a measure: a wrong type and a misspelt key
    // each, all four at once.
    let policy = "[policy]\nname = 1\nmesure = \"staffing\"\n\n\
        [[staffing]]\nstation = \"primary\"\nadd = \"one\"\nad = 1\n";
    let e = apply_policy_with(TWO_STATIONS, "base.toml", policy, "p.toml", &no_files).unwrap_err();
    let error = e.config_error();
    let paths: Vec<&str> = error.diagnostics.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "policy.name",
            "policy.mesure",
            "staffing[0].add",
            "staffing[0].ad"
        ],
        "{error}"
    );
    assert!(
        error.diagnostics.iter().all(|d| d.file == "p.toml"),
        "{error}"
    );
}

#[test]
fn a_joint_stop_pools_members_with_per_day_schedules_day_by_day() {
    // primary: 3 servers always; docs: 1, closed on Saturdays. The joint stop: 4, and 3 on
    // Saturdays: 6 × 24 × 4 + 24 × 3 = 648 lane-hours a week, 648 / 168 on average.
    let base = TWO_STATIONS.replacen(
        "servers = 1\n",
        &format!(
            "servers = 1\nservers_by_day = {{ sat = [{}] }}\n",
            ["0"; 24].join(", ")
        ),
        1,
    );
    let policy =
        "[policy]\nname = \"x\"\n[[one_stop_border_post]]\nstations = [\"primary\", \"docs\"]\n";
    let s = apply_policy_with(&base, "base.toml", policy, "p.toml", &no_files).expect("valid");
    let joint = &s.loaded.scenario.crossing.stations()[0];
    assert!(
        (joint.mean_servers() - 648.0 / 168.0).abs() < 1e-12,
        "{}",
        s.applied.scenario_text
    );
    assert!(s.loaded.warnings.is_empty(), "{:?}", s.loaded.warnings);
    // Both per hour and per day: primary 2 by day (06–22) and 1 at night, docs closed on
    // Sundays: Sunday's pooled hours are primary's alone.
    let mut hours = vec!["1"; 24];
    hours[6..22].fill("2");
    let base = TWO_STATIONS
        .replacen(
            "servers = 3\n",
            &format!("servers_by_hour = [{}]\n", hours.join(", ")),
            1,
        )
        .replacen(
            "servers = 1\n",
            &format!(
                "servers = 1\nservers_by_day = {{ sun = [{}] }}\n",
                ["0"; 24].join(", ")
            ),
            1,
        );
    let s = apply_policy_with(&base, "base.toml", policy, "p.toml", &no_files).expect("valid");
    let joint = &s.loaded.scenario.crossing.stations()[0];
    // A weekday: 16 × 3 + 8 × 2 = 64 lane-hours; Sunday: 16 × 2 + 8 × 1 = 40.
    assert!(
        (joint.mean_servers() - (6.0 * 64.0 + 40.0) / 168.0).abs() < 1e-12,
        "{}",
        s.applied.scenario_text
    );
}

#[test]
fn a_joint_stop_that_cannot_pool_a_member_with_lane_groups_says_so_where_it_is_written() {
    // docs has lane groups: the joint stop keeps primary's 3 servers, and the warning says
    // the merged controls' officers are not added (at the member in the policy file).
    let base = TWO_STATIONS.replacen(
        "servers = 1\n",
        "lanes = [{ id = \"a\", servers = 1 }, { id = \"b\", servers = 1 }]\n",
        1,
    );
    let policy =
        "[policy]\nname = \"x\"\n[[one_stop_border_post]]\nstations = [\"primary\", \"docs\"]\n";
    let s = apply_policy_with(&base, "base.toml", policy, "p.toml", &no_files).expect("valid");
    assert_eq!(s.loaded.scenario.crossing.stations()[0].mean_servers(), 3.0);
    let w: Vec<_> = s
        .loaded
        .warnings
        .iter()
        .filter(|d| d.message.contains("keeps only its own lanes"))
        .collect();
    assert_eq!(w.len(), 1, "{:?}", s.loaded.warnings);
    assert_eq!(
        (w[0].file.as_str(), w[0].path.as_str(), w[0].line),
        ("p.toml", "one_stop_border_post[0].stations[1]", 4),
        "{}",
        w[0]
    );
    // With the joint stop's servers given, nothing to warn about.
    let policy = format!("{policy}servers = 5\n");
    let s = apply_policy_with(&base, "base.toml", &policy, "p.toml", &no_files).expect("valid");
    assert!(
        s.loaded
            .warnings
            .iter()
            .all(|d| !d.message.contains("keeps only")),
        "{:?}",
        s.loaded.warnings
    );
    assert_eq!(s.loaded.scenario.crossing.stations()[0].mean_servers(), 5.0);
}

#[test]
fn a_service_time_a_factor_makes_finer_than_the_clock_is_refused_at_the_factor() {
    // 1 ms × 0.5 = 0.5 ms: not silently rounded to the clock, refused at the measure's
    // entry in the policy file.
    let base = BASE.replacen("mean = \"2min\"", "mean = \"1ms\"", 1);
    let policy =
        "[policy]\nname = \"x\"\n[[equipment]]\nstation = \"primary\"\nservice_factor = 0.5\n";
    let e = apply_policy_with(&base, "base.toml", policy, "p.toml", &no_files).unwrap_err();
    let error = e.config_error();
    assert_eq!(
        places(error),
        [("p.toml".to_owned(), "equipment[0]".to_owned(), 3, 1)],
        "{error}"
    );
    assert!(
        error.diagnostics[0]
            .message
            .contains("0.5 ms, finer than the simulation clock"),
        "{error}"
    );
    // A factor that leaves whole milliseconds is kept exactly: 2 min × 0.7777 = 93,324 ms
    // (written with two decimals of seconds it would have been 93.32 s, 4 ms short).
    let policy = policy.replace("0.5", "0.7777");
    let s = apply_policy_with(BASE, "base.toml", &policy, "p.toml", &no_files).expect("valid");
    assert_eq!(
        s.loaded.scenario.crossing.stations()[0].service[0],
        Some(bordersim_model::ServiceDist::Exponential { mean_ms: 93_324.0 }),
        "{}",
        s.applied.scenario_text
    );
}
