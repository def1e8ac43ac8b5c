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
