//! Stations loaded past their servers, as the run table reports them: a queue that grows
//! without bound is UNSTABLE; a loss system (no waiting room, the excess balks) is bounded.

mod common;

use common::*;

/// The tiny crossing with 230 vehicles/h into primary's 2 one-minute booths (offered load
/// 230 / 60 / 2 = 1.92 per server), and `storage` written at primary. Secondary serves in
/// 1 min, so that even the whole 20% of 230/h would load it 0.77.
fn overloaded(storage: &str) -> String {
    let s = scenario_with("rate = \"40/h\"", "rate = \"200/h\"");
    let s = s.replacen("mean = \"3min\"", "mean = \"1min\"", 1);
    s.replacen("servers = 2\n", &format!("servers = 2\n{storage}"), 1)
}

#[test]
fn a_loss_system_past_its_servers_is_bounded_not_unstable() {
    let dir = scratch("loss-system");
    let file = write(
        &dir,
        "s.toml",
        &overloaded("queue_capacity = 0\nwhen_full = \"balk\"\n"),
    );
    let t = run_ok(&["run".as_ref(), file.as_os_str()]);
    assert!(!t.contains("UNSTABLE"), "{t}");
    assert!(t.contains("OVERLOADED, BALKS"), "{t}");
    assert!(
        t.contains("the queue stays bounded and the excess leaves"),
        "{t}"
    );
    // Erlang B: a = 230/60 = 3.83 erlangs on 2 servers, B = (a²/2) / (1 + a + a²/2) =
    // 0.603 of arrivals balk (Poisson arrivals see time averages).
    let a: f64 = 230.0 / 60.0;
    let erlang_b = (a * a / 2.0) / (1.0 + a + a * a / 2.0);
    let v = json_of(&file, &[]);
    let classes = v["classes"].as_array().expect("classes");
    let balked: u64 = classes.iter().map(|c| c["balked"].as_u64().unwrap()).sum();
    let arrived: u64 = classes.iter().map(|c| c["arrived"].as_u64().unwrap()).sum();
    let share = balked as f64 / arrived as f64;
    // About 6,200 arrivals over 3 replications: a binomial standard error of 0.006.
    assert!((share - erlang_b).abs() < 0.03, "{share} vs {erlang_b}");
}

#[test]
fn an_unlimited_queue_past_its_servers_is_unstable() {
    let dir = scratch("unstable");
    let file = write(&dir, "s.toml", &overloaded(""));
    let t = run_ok(&["run".as_ref(), file.as_os_str()]);
    assert!(t.contains("UNSTABLE"), "{t}");
    assert!(!t.contains("OVERLOADED, BALKS"), "{t}");
}

#[test]
fn max_in_system_on_the_command_line_overrides_the_scenario() {
    // Unlimited queue at load 1.92: about 100 vehicles/h pile up, so a cap of 50 stops the
    // first replication; the scenario's own cap (the default) lets it run.
    let dir = scratch("max-in-system");
    let file = write(&dir, "s.toml", &overloaded(""));
    let file = file.to_str().expect("UTF-8 path");
    for args in [&["run", file][..], &["compare", file, "--variant", file]] {
        let out = bordersim(args.iter().chain(&["--max-in-system", "50"]));
        assert_ne!(out.code, 0, "{out:#?}");
        assert!(
            out.stderr.contains("more than 50 vehicles"),
            "{}",
            out.stderr
        );
    }
    // Out of range: refused before anything runs.
    for bad in ["0", "100000001", "many"] {
        let out = bordersim(["run", file, "--max-in-system", bad]);
        assert_eq!(out.code, 2, "{out:#?}");
        assert!(out.stderr.contains("from 1 to 100000000"), "{}", out.stderr);
    }
}

#[test]
fn compare_takes_max_iterations_for_a_region_and_says_why_not_for_a_scenario() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let region = root.join("configs/regions/corridor_osbp.toml");
    let policy = root.join("configs/regions/policies/chirundu_24h_joint_exit.toml");
    let out = bordersim([
        "compare".as_ref(),
        region.as_os_str(),
        "--policy".as_ref(),
        policy.as_os_str(),
        "--max-iterations".as_ref(),
        "1".as_ref(),
        "-r".as_ref(),
        "1".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["baseline"]["max_iterations"], 1, "{}", out.stdout);
    assert_eq!(
        v["baseline"]["iterations"].as_array().map(Vec::len),
        Some(1)
    );
    let dir = scratch("max-iterations");
    let file = write(&dir, "s.toml", SCENARIO);
    let out = bordersim([
        "compare".as_ref(),
        file.as_os_str(),
        "--variant".as_ref(),
        file.as_os_str(),
        "--max-iterations".as_ref(),
        "3".as_ref(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.contains("is a scenario, not a region"),
        "{}",
        out.stderr
    );
}

/// One station of two 2-min lanes at 30 trucks/h over a day, with `events` after
/// `[scenario]` and `station` after the station's fields.
fn windowed(events: &str, station: &str) -> String {
    format!(
        "[scenario]\nname = \"windows\"\nhorizon = \"1d\"\nreplications = 1\n{events}\n\
         [[classes]]\nid = \"truck\"\n\n[[stations]]\nid = \"primary\"\nservers = 2\n\
         service = {{ dist = \"exponential\", mean = \"2min\" }}\n{station}\n\
         [[sources]]\nid = \"trucks\"\nclass = \"truck\"\nrate = \"30/h\"\nentry = \"primary\"\n"
    )
}

#[test]
fn validate_warns_of_the_vehicle_cap_exactly_when_run_stops_there() {
    let demand = |factor: &str| {
        windowed(
            &format!(
                "\n[[scenario.events]]\nkind = \"demand\"\nfactor = {factor}\n\
                 from = \"day 1 10:00\"\nto = \"day 1 11:00\"\n"
            ),
            "",
        )
    };
    let mut hours = vec!["1"; 24];
    hours[10] = "1e308";
    let factor = format!("service_factor_by_hour = [{}]\n", hours.join(", "));
    let outage = "\n[[scenario.events]]\nkind = \"outage\"\nstation = \"primary\"\nlanes = 2\n\
                  from = \"day 1 23:00\"\nto = \"day 2 00:00\"\n";
    // (input, whether the run stops at its cap, words validate warns with)
    let cases = [
        (demand("4294967296"), true, "scenario.events[0].factor"),
        (demand("1e6"), true, "scenario.events[0].factor"),
        (demand("1e4"), false, "scenario.events[0].factor: unstable"),
        (
            windowed("", &factor),
            false,
            "stations[0].service_factor_by_hour[10]: unstable",
        ),
        (
            windowed(outage, ""),
            false,
            "scenario.events[0].lanes: unstable",
        ),
    ];
    let dir = scratch("cap-predicted");
    for (i, (text, capped, words)) in cases.iter().enumerate() {
        let file = write(&dir, &format!("s{i}.toml"), text);
        let validated = bordersim(["validate".as_ref(), file.as_os_str()]);
        assert_eq!(validated.code, 0, "{validated:#?}");
        assert!(
            validated.stderr.contains(words),
            "{i}: {}",
            validated.stderr
        );
        let warned = validated
            .stderr
            .contains("the run will stop at its vehicle cap");
        let ran = bordersim([
            "run".as_ref(),
            file.as_os_str(),
            "-r".as_ref(),
            "1".as_ref(),
        ]);
        let stopped = ran.stderr.contains("more than 1000000 vehicles");
        assert_eq!(stopped, *capped, "{i}: {ran:#?}");
        assert_eq!(warned, stopped, "{i}: {}\n{}", validated.stderr, ran.stderr);
        assert_eq!(ran.code != 0, stopped, "{i}: {ran:#?}");
    }
}
