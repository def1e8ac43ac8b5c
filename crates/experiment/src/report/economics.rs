//! The cost of delay: vehicle-hours spent waiting per day, valued at each class's value of
//! time (the behavioural value; the resource cost used for appraisal is in `costs`).
//!
//! The waiting counted is that of every vehicle that stood in a queue in the window: those
//! whose service started there, and those that gave up waiting (reneging) — their time was
//! lost all the same, and leaving it out would make a crossing where people give up look
//! cheaper. So the vehicle-hours equal the time-weighted queue × the window's hours
//! (Little's law), up to the vehicles queueing across the window's edges.

use bordersim_model::{ClassId, ReplicationStats, Scenario};
use bordersim_stats::Tally;

use super::DelayCost;
use super::appointments::{area_hours_per_day, value_of_time};
use super::costs::annualisation_days;
use super::summarise::mean_ci;

/// Per replication, vehicle-hours of waiting per day of class `class` (all classes: `None`)
/// and their value: the waits of the vehicles served and of those that gave up.
pub fn delay_per_day(
    scenario: &Scenario,
    rep: &ReplicationStats,
    class: Option<usize>,
) -> (f64, f64) {
    let days = rep.window_days();
    if days <= 0.0 {
        return (0.0, 0.0);
    }
    let classes = &scenario.population().classes;
    let mut hours = 0.0;
    let mut value = 0.0;
    for (c, cls) in classes.iter().enumerate() {
        if class.is_some_and(|k| k != c) {
            continue;
        }
        let waited = rep.class_wait_ms(ClassId(c as u16)) + abandoned_wait_ms(rep, c);
        let h = waited as f64 / 3_600_000.0 / days;
        hours += h;
        value += h * cls.value_of_time_per_h;
    }
    (hours, value)
}

/// The waits (ms, from reaching the station to giving up) of the vehicles of class `class`
/// that gave up at station `station` in the window, every direction together.
pub fn abandoned_waits(rep: &ReplicationStats, station: usize, class: usize) -> Tally {
    let mut all = Tally::new();
    for d in 0..rep.shape.directions {
        if rep.abandonment.count(station, d, class) > 0 {
            all.merge(&rep.abandonment.waits(station, d, class));
        }
    }
    all
}

/// Total time waited by the vehicles of class `class` that gave up in the window, at every
/// station, ms.
pub fn abandoned_wait_ms(rep: &ReplicationStats, class: usize) -> u128 {
    let mut ms = 0u128;
    for s in 0..rep.abandonment.stations() {
        for d in 0..rep.shape.directions {
            if rep.abandonment.count(s, d, class) > 0 {
                ms += rep.abandonment.waits(s, d, class).sum_ms();
            }
        }
    }
    ms
}

/// Per replication, how many vehicles gave up waiting per day and their share of the
/// vehicles that arrived in the window, for the whole crossing: the measures `compare`
/// differences as `abandoned_per_day` and `abandoned_share` (`None` without arrivals).
pub fn abandonment_measures(rep: &ReplicationStats) -> (f64, Option<f64>) {
    let days = rep.window_days();
    let gave_up = rep.vehicles.abandoned as f64;
    let per_day = if days > 0.0 { gave_up / days } else { 0.0 };
    let share = (rep.vehicles.arrived > 0).then(|| gave_up / rep.vehicles.arrived as f64);
    (per_day, share)
}

pub(super) fn economics(scenario: &Scenario, reps: &[ReplicationStats]) -> Vec<DelayCost> {
    let classes = &scenario.population().classes;
    let year = annualisation_days(scenario);
    let row = |id: String, vot: Option<f64>, class: Option<usize>| {
        let (hours, values): (Vec<f64>, Vec<f64>) = reps
            .iter()
            .map(|r| delay_per_day(scenario, r, class))
            .unzip();
        let (h, h_ci) = mean_ci(&hours);
        let (v, v_ci) = mean_ci(&values);
        DelayCost {
            id,
            value_of_time_per_h: vot,
            delay_vehicle_hours_per_day: h,
            delay_vehicle_hours_per_day_ci95: h_ci,
            value_per_day: v,
            value_per_day_ci95: v_ci,
            value_per_year: v * year,
        }
    };
    let mut out: Vec<DelayCost> = classes
        .iter()
        .enumerate()
        .map(|(c, cls)| row(cls.id.clone(), Some(cls.value_of_time_per_h), Some(c)))
        .collect();
    out.push(row("all".into(), None, None));
    // The time booked vehicles spend in a waiting area, off the road and apart from the
    // border wait above: one entry per booking system, at its own value of time.
    for (i, a) in scenario.crossing.appointments().iter().enumerate() {
        let vot = value_of_time(scenario, i);
        let hours: Vec<f64> = reps.iter().map(|r| area_hours_per_day(r, i)).collect();
        let values: Vec<f64> = hours.iter().map(|h| h * vot).collect();
        let (h, h_ci) = mean_ci(&hours);
        let (v, v_ci) = mean_ci(&values);
        out.push(DelayCost {
            id: format!("waiting_area:{}", a.id),
            value_of_time_per_h: Some(vot),
            delay_vehicle_hours_per_day: h,
            delay_vehicle_hours_per_day_ci95: h_ci,
            value_per_day: v,
            value_per_day_ci95: v_ci,
            value_per_year: v * year,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::options;
    use crate::{compare, run};
    use bordersim_des::SimTime;
    use bordersim_model::{
        Crossing, Patience, Population, ServiceDist, Source, Station, StationId,
    };

    /// Palm's M/M/1+M: 1 arrival a minute, 50 s mean service, exponential patience of mean 2
    /// minutes; 5 days observed after one of warm-up, on `servers` lanes.
    fn palm(servers: u32) -> Scenario {
        let mut population = Population::simple(&["car"]);
        population.classes[0].patience = Some(Patience {
            dist: ServiceDist::Exponential { mean_ms: 120_000.0 },
            stations: None,
        });
        population.classes[0].value_of_time_per_h = 10.0;
        population.classes[0].resource_cost_per_h = 10.0;
        let service = Some(ServiceDist::Exponential { mean_ms: 50_000.0 });
        let station = Station::simple("booth", servers, vec![service], vec![]);
        let cars = Source::poisson("cars", ClassId(0), 60.0, StationId(0));
        Scenario {
            name: "palm".into(),
            crossing: Crossing::new("palm", &population, vec![station], vec![cars]).expect("valid"),
            horizon: SimTime::from_hours(6 * 24),
            warmup: SimTime::from_hours(24),
            replications: 6,
            seed: 1,
            start_weekday: 0,
        }
    }

    #[test]
    fn delay_counts_the_waits_of_those_who_gave_up_as_littles_law_says() {
        let scenario = palm(1);
        let outcome = run(&scenario, &options(6)).expect("runs");
        for rep in &outcome.replications {
            let (hours, value) = delay_per_day(&scenario, rep, None);
            let end = rep.window_end_ms;
            // Little's law: vehicle-hours waited per day = time-weighted queue × 24 h, up to
            // the few vehicles in queue across the window's edges.
            let queue = rep.stations[0].queue_length.mean_until(end) * 24.0;
            assert!(
                (hours - queue).abs() < 2e-3 * queue,
                "delay {hours} vehicle-h/day against queue × 24 h {queue}"
            );
            assert!(rep.vehicles.abandoned > 0);
            let served = rep.class_wait_ms(ClassId(0)) as f64 / 3_600_000.0 / rep.window_days();
            assert!(
                hours > served * 1.3,
                "the abandoned waits are in: {hours} {served}"
            );
            assert!((value - hours * 10.0).abs() < 1e-9 * hours);
            // Costs and emissions count the same vehicle-hours.
            let costs = super::super::costs::replication_costs(&scenario, rep);
            let system = costs.system();
            assert!((system.queue_vehicle_hours - hours).abs() < 1e-9 * hours);
            assert!((system.resource_cost - hours * 10.0).abs() < 1e-6 * hours);
        }
        let all = outcome.report.economics.last().expect("all");
        let queue = outcome.report.stations[0].queue_length.mean * 24.0;
        assert!((all.delay_vehicle_hours_per_day - queue).abs() < 2e-3 * queue);
    }

    #[test]
    fn compare_measures_the_vehicles_that_gave_up_with_a_paired_interval() {
        let (comparison, outcomes) =
            compare(&palm(1), &[("two lanes".into(), palm(2))], &options(4)).expect("runs");
        let find = |metric: &str| {
            comparison.variants[0]
                .differences
                .iter()
                .find(|d| d.metric == metric && d.entity == "system")
                .unwrap_or_else(|| panic!("{metric} compared"))
                .clone()
        };
        let per_day = find("abandoned_per_day");
        let share = find("abandoned_share");
        // The baseline's values are the replications' own counts.
        let reps = &outcomes[0].replications;
        let mean = |f: &dyn Fn(&ReplicationStats) -> f64| {
            reps.iter().map(f).sum::<f64>() / reps.len() as f64
        };
        let expected_day = mean(&|r| r.vehicles.abandoned as f64 / r.window_days());
        let expected_share = mean(&|r| r.vehicles.abandoned as f64 / r.vehicles.arrived as f64);
        assert!((per_day.baseline.expect("measured") - expected_day).abs() < 1e-9);
        assert!((share.baseline.expect("measured") - expected_share).abs() < 1e-12);
        // A second lane: far fewer give up, and the interval says so.
        let (delta, ci) = (
            per_day.delta.expect("paired"),
            per_day.ci95.expect("interval"),
        );
        assert!(delta < 0.0 && delta + ci < 0.0, "{delta} ± {ci}");
        assert!(share.delta.expect("paired") < 0.0);
    }
}
