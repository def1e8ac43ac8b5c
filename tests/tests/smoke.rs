use bordersim_des::SimTime;
use bordersim_model::{CompiledScenario, ServiceDist, run_replication};
use bordersim_tests::{mmc_wq, single_station};

#[test]
fn mm4_smoke() {
    let s = single_station(3.6, 4, ServiceDist::Exponential { mean_ms: 60_000.0 }, SimTime::from_mins(277_778), SimTime::ZERO);
    let m = CompiledScenario::new(&s).unwrap();
    let r = run_replication(&m, 1, 0);
    let w = r.stations[0].wait().mean_ms().unwrap() / 60_000.0;
    eprintln!("wait {w} exact {} events {} counts {:?}", mmc_wq(3.6, 1.0, 4), r.events, r.vehicles);
}
