//! Any scenario that validates runs to its horizon: no panic, no abort, no hang (libFuzzer's
//! `-timeout` catches one). The engine has no event budget of its own, so the generated
//! scenarios keep it small instead: horizons of at most two days, at most three sources of
//! at most 120 vehicles/h, routes back to a station taken with probability at most 3/4.
#![no_main]

use arbitrary::Unstructured;
use bordersim_model::{CompiledScenario, run_replication};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok((scenario, trace)) = bordersim_fuzz::runnable_scenario(&mut u) else {
        return;
    };
    let read = |_: &str| Ok(trace.clone());
    let Ok(loaded) = bordersim_config::parse_scenario_with(&scenario, "gen.toml", &read) else {
        return;
    };
    let model = CompiledScenario::new(&loaded.scenario)
        .unwrap_or_else(|e| panic!("validated but does not compile: {e}\n{scenario}"));
    let stats = run_replication(&model, loaded.scenario.seed, 0);
    assert!(
        stats.vehicles.is_conserved(),
        "vehicles not conserved: {:?}\n{scenario}",
        stats.vehicles
    );
});
