//! Costs and emissions by hand on a recorded trace with known waits, annualisation by hand
//! over a week profile, emissions linear in queue time, and comparisons.

use super::*;
use crate::test_support::options;
use crate::{compare, run};
use bordersim_des::SimTime;
use bordersim_model::{
    Crossing, IdleEmissions, Population, RateProfile, ServiceDist, Source, StaffCostRate, Station,
    StationId, TraceArrival,
};

const TRUCK_RESOURCE: f64 = 91.0;
/// 100,000 of goods at 1.2% a day: 50 per vehicle-hour.
const CARGO_VALUE: f64 = 100_000.0;
const CARGO_SHARE: f64 = 0.012;
const CAR_RESOURCE: f64 = 20.0;
const STAFF_PER_LANE_H: f64 = 60.0;

/// One station of `lanes` lanes, 10-minute service for everyone, one day observed from
/// Monday midnight; three trucks arrive together at 00:00 and two cars together at 01:00.
/// With one lane the trucks wait 0, 10 and 20 minutes and the cars 0 and 10; with two the
/// trucks wait 0, 0 and 10 and the cars nothing.
fn traced(lanes: u32, service_min: f64) -> Scenario {
    let mut population = Population::simple(&["truck", "car"]);
    let truck = &mut population.classes[0];
    truck.resource_cost_per_h = TRUCK_RESOURCE;
    truck.cargo_value_per_vehicle = CARGO_VALUE;
    truck.cargo_time_cost_share_per_day = CARGO_SHARE;
    truck.idle_emissions = IdleEmissions::HEAVY_DUTY_DIESEL_TRUCK;
    let car = &mut population.classes[1];
    car.resource_cost_per_h = CAR_RESOURCE;
    car.idle_emissions = IdleEmissions::PASSENGER_CAR;
    let service = Some(ServiceDist::Deterministic {
        value_ms: service_min * 60_000.0,
    });
    let station = Station::simple("primary", lanes, vec![service.clone(), service], vec![]);
    let at = |min: u64, class: u16| TraceArrival {
        time: SimTime::from_mins(min),
        class: ClassId(class),
        programme: None,
    };
    let source = Source {
        id: "trace".into(),
        entry: StationId(0),
        arrivals: Arrivals::Trace {
            arrivals: vec![at(0, 0), at(0, 0), at(0, 0), at(60, 1), at(60, 1)],
        },
    };
    let crossing = Crossing::new("traced", &population, vec![station], vec![source])
        .expect("valid")
        .with_staff_costs(vec![StaffCostRate {
            station: "primary".into(),
            lane_group: None,
            per_lane_h: STAFF_PER_LANE_H,
        }]);
    Scenario {
        name: "traced".into(),
        crossing,
        horizon: SimTime::from_hours(24),
        warmup: SimTime::ZERO,
        replications: 2,
        seed: 1,
        start_weekday: 0,
    }
}

fn line<'a>(costs: &'a Costs, entity: &str) -> &'a CostLine {
    costs
        .costs
        .iter()
        .find(|l| l.entity == entity)
        .unwrap_or_else(|| panic!("no cost line {entity}"))
}

fn emission<'a>(costs: &'a Costs, entity: &str) -> &'a EmissionLine {
    costs
        .emissions
        .iter()
        .find(|l| l.entity == entity)
        .unwrap_or_else(|| panic!("no emission line {entity}"))
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} != {b}");
}

#[test]
fn each_cost_by_hand_on_a_trace_with_known_waits() {
    let out = run(&traced(1, 10.0), &options(2)).expect("runs");
    let c = &out.report.costs;
    // A trace has no weekly pattern: a day is a 365th of the year.
    close(c.annualisation_days, 365.0);
    // Trucks wait 0 + 10 + 20 min = 0.5 h; cars 0 + 10 min = 1/6 h, on one observed day.
    let truck = line(c, "class:truck");
    close(truck.queue_vehicle_hours.per_day, 0.5);
    close(truck.resource_cost.per_day, 0.5 * 91.0);
    close(
        truck.cargo_time_cost.per_day,
        0.5 * 100_000.0 * 0.012 / 24.0,
    );
    assert_eq!(truck.resource_cost.per_day_ci95, Some(0.0));
    close(truck.resource_cost.per_year, 0.5 * 91.0 * 365.0);
    assert_eq!(truck.staff_cost.per_day, 0.0);
    let car = line(c, "class:car");
    close(car.queue_vehicle_hours.per_day, 1.0 / 6.0);
    close(car.resource_cost.per_day, 20.0 / 6.0);
    assert_eq!(car.cargo_time_cost.per_day, 0.0);
    // One lane open all day at 60 an hour.
    let station = line(c, "station:primary");
    close(station.lane_hours.per_day, 24.0);
    close(station.staff_cost.per_day, 24.0 * 60.0);
    let system = line(c, "system");
    close(system.staff_cost.per_day, 1440.0);
    close(system.total_cost.per_day, 45.5 + 25.0 + 20.0 / 6.0 + 1440.0);
    close(
        line(c, "direction:inbound").queue_vehicle_hours.per_day,
        0.5 + 1.0 / 6.0,
    );
    // Emissions: hours in queue × the class's idle rate, plus the stops: one on joining
    // per vehicle that waited (2 trucks, 1 car), and its wait × the station's 5 services
    // in 24 hours; each stop worth 35 s of idle CO2 and 60 s of idle NOx and PM2.5.
    let truck_stops = 2.0 + 0.5 * 5.0 / 24.0;
    let car_stops = 1.0 + 5.0 / 6.0 / 24.0;
    let e = emission(c, "class:truck");
    close(e.stops_in_queue.per_day, truck_stops);
    close(
        e.co2_kg.per_day,
        (0.5 * 8_144.0 + truck_stops * 8_144.0 * 35.0 / 3600.0) / 1000.0,
    );
    close(e.nox_g.per_day, (0.5 + truck_stops / 60.0) * 33.8);
    close(e.pm25_g.per_day, (0.5 + truck_stops / 60.0) * 1.12);
    close(e.nox_g_of_stops.per_day, truck_stops / 60.0 * 33.8);
    let e = emission(c, "system");
    close(e.stops_in_queue.per_day, truck_stops + car_stops);
    close(
        e.co2_kg.per_day,
        (0.5 * 8_144.0
            + 1_777.4 / 6.0
            + (truck_stops * 8_144.0 + car_stops * 1_777.4) * 35.0 / 3600.0)
            / 1000.0,
    );
    close(
        e.nox_g.per_day,
        (0.5 + truck_stops / 60.0) * 33.8 + (1.0 / 6.0 + car_stops / 60.0) * 3.5,
    );
    close(
        e.pm25_g.per_day,
        (0.5 + truck_stops / 60.0) * 1.12 + (1.0 / 6.0 + car_stops / 60.0) * 0.03,
    );
    close(
        emission(c, "station:primary").nox_g.per_day,
        e.nox_g.per_day,
    );
}

#[test]
fn emissions_are_linear_in_queue_time() {
    // Doubling the service doubles every wait (0, 20, 40 and 0, 20 minutes).
    let one = run(&traced(1, 10.0), &options(1))
        .expect("runs")
        .report
        .costs;
    let two = run(&traced(1, 20.0), &options(1))
        .expect("runs")
        .report
        .costs;
    // Idling is linear in queue time; the stops are the vehicles that waited plus their
    // waits × the services started an hour (the same 5 in 24 hours).
    let idle = |p: &PerDay, stops: &PerDay| p.per_day - stops.per_day;
    for entity in ["class:truck", "class:car", "system"] {
        let (a, b) = (emission(&one, entity), emission(&two, entity));
        close(
            idle(&b.co2_kg, &b.co2_kg_of_stops),
            2.0 * idle(&a.co2_kg, &a.co2_kg_of_stops),
        );
        close(
            idle(&b.nox_g, &b.nox_g_of_stops),
            2.0 * idle(&a.nox_g, &a.nox_g_of_stops),
        );
        close(
            idle(&b.pm25_g, &b.pm25_g_of_stops),
            2.0 * idle(&a.pm25_g, &a.pm25_g_of_stops),
        );
    }
    close(
        emission(&two, "class:truck").stops_in_queue.per_day,
        2.0 + 1.0 * 5.0 / 24.0,
    );
    close(
        emission(&two, "class:car").stops_in_queue.per_day,
        1.0 + (2.0 / 6.0) * 5.0 / 24.0,
    );
    let truck = IdleEmissions::HEAVY_DUTY_DIESEL_TRUCK;
    let class = bordersim_model::VehicleClass {
        idle_emissions: truck,
        ..bordersim_model::VehicleClass::simple("t", 1)
    };
    for h in [0.0, 0.25, 1.0, 7.5] {
        let a = queue_amounts(&class, h);
        close(a.co2_kg, h * truck.co2_g_per_h / 1000.0);
        close(a.nox_g, h * truck.nox_g_per_h);
        close(a.pm25_g, h * truck.pm25_g_per_h);
    }
}

#[test]
fn annualisation_by_hand_over_a_week_profile() {
    // Weekdays at full demand, weekends at half: the week's mean day is 6/7 of a weekday.
    let factors = [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5];
    let demand = factors.map(|f| 240.0 * f);
    let monday = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    close(annualisation_from(&demand, &monday), 365.0 * 6.0 / 7.0);
    close(annualisation_from(&demand, &[1.0; 7]), 365.0);
    let friday_noon_to_saturday_noon = [0.0, 0.0, 0.0, 0.0, 0.5, 0.5, 0.0];
    close(
        annualisation_from(&demand, &friday_noon_to_saturday_noon),
        365.0 * (6.0 / 7.0) / 0.75,
    );
    close(annualisation_from(&[0.0; 7], &monday), 365.0);

    // The same from a scenario: a profile source observed over Monday 02:00 – Tuesday 02:00.
    let population = Population::simple(&["truck"]);
    let station = Station::simple(
        "primary",
        1,
        vec![Some(ServiceDist::Deterministic { value_ms: 1.0 })],
        vec![],
    );
    let source = Source {
        id: "profile".into(),
        entry: StationId(0),
        arrivals: Arrivals::Profile {
            class: ClassId(0),
            profile: RateProfile {
                hourly_per_hour: [10.0; 24],
                day_factors: factors,
            },
        },
    };
    let scenario = Scenario {
        name: "week".into(),
        crossing: Crossing::new("week", &population, vec![station], vec![source]).expect("valid"),
        horizon: SimTime::from_hours(26),
        warmup: SimTime::from_hours(2),
        replications: 1,
        seed: 1,
        start_weekday: 0,
    };
    let covered = window_days_by_weekday(&scenario);
    close(covered[0], 22.0 / 24.0);
    close(covered[1], 2.0 / 24.0);
    close(annualisation_days(&scenario), 365.0 * 6.0 / 7.0);
    // Starting on a Saturday, the window is a weekend day: more days of its kind a year.
    let saturday = Scenario {
        start_weekday: 5,
        ..scenario.clone()
    };
    close(annualisation_days(&saturday), 365.0 * (6.0 / 7.0) / 0.5);
    // Seven whole days: 365.
    let week = Scenario {
        horizon: SimTime::from_hours(2 + 7 * 24),
        ..scenario
    };
    close(annualisation_days(&week), 365.0);
}

#[test]
fn a_reform_that_changes_nothing_changes_no_cost() {
    let base = traced(1, 10.0);
    let (cmp, _) = compare(&base, &[("same".into(), base.clone())], &options(3)).expect("runs");
    let v = &cmp.variants[0];
    let cost_metrics = [
        "resource_cost_per_day",
        "cargo_time_cost_per_day",
        "staff_cost_per_day",
        "co2_kg_per_day",
        "nox_g_per_day",
        "pm25_g_per_day",
        "total_cost_per_day",
    ];
    let mut seen = 0;
    for d in v
        .differences
        .iter()
        .filter(|d| cost_metrics.contains(&d.metric.as_str()))
    {
        assert_eq!(d.delta, Some(0.0), "{} {}", d.metric, d.entity);
        assert_eq!(d.ci95, Some(0.0), "{} {}", d.metric, d.entity);
        seen += 1;
    }
    assert!(seen >= 14, "only {seen} cost differences");
    let n = v.net_benefit.as_ref().expect("net benefit");
    assert_eq!(n.net_benefit_per_day, 0.0);
    assert_eq!(n.net_benefit_per_day_ci95, Some(0.0));
    assert_eq!(n.net_benefit_per_year, Some(0.0));
    assert!(n.annualised && n.not_priced.is_empty());
}

#[test]
fn net_benefit_of_a_second_lane_by_hand() {
    let base = traced(1, 10.0);
    let (cmp, _) = compare(&base, &[("two".into(), traced(2, 10.0))], &options(2)).expect("runs");
    let n = cmp.variants[0].net_benefit.as_ref().expect("net benefit");
    // Trucks' waits fall from 0.5 h to 1/6 h, cars' from 1/6 h to 0.
    let saved = (0.5 - 1.0 / 6.0) * (91.0 + 50.0) + 20.0 / 6.0;
    close(n.time_and_cargo_cost_saved_per_day, saved);
    close(n.staff_cost_added_per_day, 24.0 * 60.0);
    close(n.net_benefit_per_day, saved - 1440.0);
    close(
        n.net_benefit_per_year.expect("annualised"),
        (saved - 1440.0) * 365.0,
    );
    assert_eq!(n.net_benefit_per_day_ci95, Some(0.0));
    let nox = cmp.variants[0]
        .differences
        .iter()
        .find(|d| d.metric == "nox_g_per_day" && d.entity == "system")
        .expect("nox");
    // Idling, and the stops: with two lanes one truck waits (1 + 1/6 h × 5/24 starts an
    // hour over 2 open lanes) and no car.
    let truck_stops = (2.0 + 0.5 * 5.0 / 24.0) - (1.0 + 5.0 / 6.0 / 24.0 / 2.0);
    let car_stops = 1.0 + 5.0 / 6.0 / 24.0;
    close(
        nox.delta.expect("delta"),
        -((0.5 - 1.0 / 6.0) * 33.8 + 3.5 / 6.0)
            - (truck_stops / 60.0 * 33.8 + car_stops / 60.0 * 3.5),
    );
}

#[test]
fn staff_cost_per_lane_group_by_hand() {
    let mut s = traced(1, 10.0);
    let mut station = s.crossing.stations()[0].clone();
    let general = station.lanes[0].clone();
    station.lanes = vec![
        bordersim_model::LaneGroup {
            id: "b".into(),
            schedule: bordersim_model::LaneSchedule::Constant(2),
            ..general.clone()
        },
        bordersim_model::LaneGroup {
            id: "a".into(),
            ..general
        },
    ];
    s.crossing = Crossing::new(
        "groups",
        s.crossing.population(),
        vec![station],
        s.crossing.sources().to_vec(),
    )
    .expect("valid")
    .with_staff_costs(vec![
        StaffCostRate {
            station: "primary".into(),
            lane_group: None,
            per_lane_h: 50.0,
        },
        StaffCostRate {
            station: "primary".into(),
            lane_group: Some("b".into()),
            per_lane_h: 80.0,
        },
    ]);
    let c = run(&s, &options(1)).expect("runs").report.costs;
    close(
        line(&c, "lane_group:primary/a").staff_cost.per_day,
        24.0 * 50.0,
    );
    close(
        line(&c, "lane_group:primary/b").staff_cost.per_day,
        48.0 * 80.0,
    );
    close(line(&c, "station:primary").lane_hours.per_day, 72.0);
    close(line(&c, "system").staff_cost.per_day, 1200.0 + 3840.0);
    // Listed by group id, whatever the order they are written in.
    let groups: Vec<&str> = c
        .costs
        .iter()
        .filter(|l| l.entity.starts_with("lane_group:"))
        .map(|l| l.entity.as_str())
        .collect();
    assert_eq!(groups, ["lane_group:primary/a", "lane_group:primary/b"]);
}

/// `traced` with every truck targeted for the red channel and every car picked at random.
fn inspected() -> Scenario {
    let s = traced(1, 10.0);
    let mut population = s.population().clone();
    population.classes[0].channel_probabilities = vec![[0.0, 0.0, 1.0]];
    population.classes[1].random_inspection = 1.0;
    Scenario {
        crossing: Crossing::new(
            "traced",
            &population,
            s.crossing.stations().to_vec(),
            s.crossing.sources().to_vec(),
        )
        .expect("valid")
        .with_staff_costs(s.crossing.staff_costs().to_vec()),
        ..s
    }
}

#[test]
fn detections_by_hand_per_channel_and_selection() {
    let out = run(&inspected(), &options(2)).expect("runs");
    let d = &out.report.costs.detections;
    assert_eq!(d.rates, detections::DetectionRates::ILLUSTRATIVE);
    let kind = |selection: &str| {
        d.by_kind
            .iter()
            .find(|k| k.selection == selection)
            .expect("a kind")
            .clone()
    };
    // One observed day: 3 trucks targeted (5.4% each), 2 cars at random (2% each).
    let targeted = kind("targeted");
    close(targeted.inspections_per_day, 3.0);
    close(targeted.detections.per_day, 3.0 * 0.054);
    let random = kind("random");
    close(random.inspections_per_day, 2.0);
    close(random.detections.per_day, 0.04);
    assert_eq!(kind("documentary").inspections_per_day, 0.0);
    let all = 3.0 * 0.054 + 0.04;
    close(d.inspections_per_day, 5.0);
    close(d.detections.per_day, all);
    close(d.detection_rate, all / 5.0);
    close(d.detections_per_year, all * 365.0);
    // Same counts in both replications: the interval is the binomial one alone,
    // t(1) × sqrt((3 × 0.054 × 0.946 + 2 × 0.02 × 0.98) / 2).
    let binomial = (3.0 * 0.054 * 0.946 + 2.0 * 0.02 * 0.98) / 2.0;
    close(
        d.detections.per_day_ci95.expect("an interval"),
        bordersim_stats::student_t_quantile_975(1).expect("t") * f64::sqrt(binomial),
    );
}

#[test]
fn a_random_share_splits_the_red_channel_exactly() {
    // Targeting sends 30% to red; random selection picks 10% first: of the red vehicles,
    // 0.1 / (0.1 + 0.9 × 0.3) are random.
    let s = traced(1, 10.0);
    let mut population = s.population().clone();
    population.classes[0].channel_probabilities = vec![[0.7, 0.0, 0.3]];
    population.classes[0].random_inspection = 0.1;
    let scenario = Scenario {
        crossing: Crossing::new(
            "traced",
            &population,
            s.crossing.stations().to_vec(),
            s.crossing.sources().to_vec(),
        )
        .expect("valid"),
        ..s
    };
    let out = run(&scenario, &options(1)).expect("runs");
    let reds: u64 = out
        .report
        .trs
        .channels
        .iter()
        .filter(|c| c.channel == "red")
        .map(|c| c.count)
        .sum();
    let d = &out.report.costs.detections;
    let random_share = 0.1 / (0.1 + 0.9 * 0.3);
    let red = reds as f64;
    close(d.by_kind[1].inspections_per_day, red * (1.0 - random_share));
    close(d.by_kind[2].inspections_per_day, red * random_share);
}

/// SplitMix64, for the binomial draws of the coverage test.
fn splitmix(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[test]
fn detections_drawn_binomially_fall_within_their_interval() {
    // Poisson trucks, 40% red by targeting and 5% at random, over 6 replications: draw
    // each inspection's outcome, 400 times over, and count how often the mean detections
    // per day fall within the reported interval (95% nominal).
    let mut population = Population::simple(&["truck"]);
    population.classes[0].channel_probabilities = vec![[0.5, 0.1, 0.4]];
    population.classes[0].random_inspection = 0.05;
    let station = Station::simple(
        "primary",
        3,
        vec![Some(ServiceDist::Exponential { mean_ms: 600_000.0 })],
        vec![],
    );
    let source = Source::poisson("trucks", ClassId(0), 12.0, StationId(0));
    let scenario = Scenario {
        name: "poisson".into(),
        crossing: Crossing::new("poisson", &population, vec![station], vec![source])
            .expect("valid"),
        horizon: SimTime::from_hours(26),
        warmup: SimTime::from_hours(2),
        replications: 6,
        seed: 7,
        start_weekday: 0,
    };
    let rates = detections::DetectionRates::ILLUSTRATIVE;
    let reps = run(&scenario, &options(6)).expect("runs").replications;
    let report = detections::detections(&scenario, &reps, &rates, 365.0);
    let half = report.detections.per_day_ci95.expect("an interval");
    let expected = report.detections.per_day;
    assert!(expected > 0.0 && half > 0.0);
    let mut state = 17u64;
    let mut covered = 0;
    let trials = 400;
    for _ in 0..trials {
        let mut total = 0.0;
        for rep in &reps {
            let days = rep.window_days();
            for (cell, tally) in rep.exit.iter() {
                let (_, _, _, channel) = rep.shape.decode_system_cell(cell);
                use bordersim_model::Channel;
                for _ in 0..tally.count() {
                    let p = match channel {
                        Channel::Green => 0.0,
                        Channel::Yellow => rates.documentary_check,
                        Channel::Red => {
                            // Random with its exact share, else targeted.
                            let share = 0.05 / (0.05 + 0.95 * 0.4);
                            if splitmix(&mut state) < share {
                                rates.random_inspection
                            } else {
                                rates.targeted_inspection
                            }
                        }
                    };
                    if splitmix(&mut state) < p {
                        total += 1.0 / days;
                    }
                }
            }
        }
        let mean = total / reps.len() as f64;
        if (mean - expected).abs() <= half {
            covered += 1;
        }
    }
    let coverage = f64::from(covered) / f64::from(trials);
    assert!((0.9..=0.995).contains(&coverage), "coverage {coverage}");
}

#[test]
fn a_reform_that_changes_nothing_changes_no_detection() {
    let base = inspected();
    let a = run(&base, &options(3))
        .expect("runs")
        .report
        .costs
        .detections;
    let b = run(&base.clone(), &options(3))
        .expect("runs")
        .report
        .costs
        .detections;
    assert_eq!(a, b);
    for rep in run(&base, &options(3)).expect("runs").replications {
        let x = detections::detection_measures(&base, &rep);
        let y = detections::detection_measures(&base.clone(), &rep);
        assert_eq!(x, y);
        assert!(
            x.iter()
                .any(|(s, e, v)| *s == "detections_per_day" && e == "system" && *v > 0.0)
        );
    }
}

#[test]
fn the_scenarios_detection_rates_replace_the_illustrative_ones() {
    let rates = detections::DetectionRates {
        documentary_check: 0.5,
        targeted_inspection: 0.1,
        random_inspection: 0.25,
    };
    let base = inspected();
    let scenario = Scenario {
        crossing: base.crossing.clone().with_detection_rates(rates),
        ..base
    };
    let out = run(&scenario, &options(2)).expect("runs");
    let d = &out.report.costs.detections;
    assert_eq!(d.rates, rates);
    let kind = |selection: &str| {
        d.by_kind
            .iter()
            .find(|k| k.selection == selection)
            .expect("a kind")
            .clone()
    };
    // The same day as above: 3 trucks targeted, 2 cars at random.
    assert_eq!(kind("targeted").probability_of_finding, 0.1);
    close(kind("targeted").detections.per_day, 3.0 * 0.1);
    close(kind("random").detections.per_day, 2.0 * 0.25);
    close(d.detections.per_day, 0.3 + 0.5);
    close(d.detection_rate, 0.8 / 5.0);
    // The comparison's measures read the same rates.
    let measures = detections::detection_measures(&scenario, &out.replications[0]);
    let find = |stat: &str, entity: &str| {
        measures
            .iter()
            .find(|(s, e, _)| *s == stat && e == entity)
            .expect("a measure")
            .2
    };
    close(
        find("detections_per_day", "channel:red/targeted"),
        3.0 * 0.1,
    );
    close(find("detections_per_day", "channel:red/random"), 0.5);
    close(find("detections_per_day", "system"), 0.8);
}

/// [`traced`] with one lane of 10 minutes, every truck booking a slot of 15 minutes that
/// takes one truck: they are called forward at 00:00, 00:15 and 00:30.
fn booked_trucks() -> Scenario {
    let mut s = traced(1, 10.0);
    let booking = bordersim_model::Appointment {
        id: "slots".into(),
        station: StationId(0),
        class: ClassId(0),
        programme: None,
        share: 1.0,
        slot: SimTime::from_mins(15),
        capacity_by_hour: [1; 24],
        horizon: SimTime::from_hours(24),
        waiting_area: None,
        when_full: bordersim_model::WaitingAreaFull::Road,
        value_of_time_per_hour: None,
    };
    s.crossing = s
        .crossing
        .with_appointments(vec![booking])
        .expect("valid booking");
    s
}

#[test]
fn time_in_a_waiting_area_costs_the_resource_and_cargo_cost_of_the_class_waiting() {
    let out = run(&booked_trucks(), &options(2)).expect("runs");
    let c = &out.report.costs;
    // The trucks wait 0, 15 and 30 min in the waiting area (0.75 h) and nothing on the road
    // (each slot is longer than the 10-minute service); the cars at 01:00 find the lane free
    // and wait 0 and 10 min, as without booking.
    let truck = line(c, "class:truck");
    close(truck.queue_vehicle_hours.per_day, 0.0);
    close(truck.waiting_area_vehicle_hours.per_day, 0.75);
    close(truck.resource_cost.per_day, 0.75 * 91.0);
    close(truck.cargo_time_cost.per_day, 0.75 * 50.0);
    let station = line(c, "station:primary");
    close(station.waiting_area_vehicle_hours.per_day, 0.75);
    let system = line(c, "system");
    close(system.waiting_area_vehicle_hours.per_day, 0.75);
    close(
        system.total_cost.per_day,
        0.75 * (91.0 + 50.0) + 20.0 / 6.0 + 1440.0,
    );
    // Parked with the engine off: the waiting area emits nothing, and the trucks idle in
    // no queue.
    let e = emission(c, "class:truck");
    assert_eq!((e.co2_kg.per_day, e.nox_g.per_day), (0.0, 0.0));
}

#[test]
fn booking_is_worth_its_waiting_area_in_either_direction_of_a_comparison() {
    // Without booking the trucks wait 0.5 h on the road; with it 0.75 h in the waiting
    // area: 0.25 h a day more at 91 + 50 an hour; nothing else changes.
    let lost = 0.25 * (91.0 + 50.0);
    let (cmp, _) = compare(
        &traced(1, 10.0),
        &[("booked".into(), booked_trucks())],
        &options(3),
    )
    .expect("runs");
    let (back, _) = compare(
        &booked_trucks(),
        &[("unbooked".into(), traced(1, 10.0))],
        &options(3),
    )
    .expect("runs");
    let n = cmp.variants[0].net_benefit.as_ref().expect("net benefit");
    close(n.time_and_cargo_cost_saved_per_day, -lost);
    close(n.net_benefit_per_day, -lost);
    assert_eq!(n.net_benefit_per_day_ci95, Some(0.0));
    let m = back.variants[0].net_benefit.as_ref().expect("net benefit");
    close(m.net_benefit_per_day, lost);
    assert!(n.not_priced.is_empty() && m.not_priced.is_empty());
    // The booking system absent from one side has nobody in its waiting area there: each
    // of its figures is differenced against 0, replication by replication.
    let find = |c: &crate::Comparison, metric: &str| {
        c.variants[0]
            .differences
            .iter()
            .find(|d| d.metric == metric && d.entity == "appointment:slots")
            .unwrap_or_else(|| panic!("{metric} compared"))
            .clone()
    };
    // The road queue is the station's own on both sides: the trucks' 0.5 h of road
    // waiting a day leave it (Little's law over 24 h); the classes' value of time is 0.
    for (metric, value) in [
        ("waiting_area_vehicle_hours_per_day", 0.75),
        ("waiting_area_value_per_day", 0.0),
        ("booked_per_day", 3.0),
        ("waiting_area_mean_s", 15.0 * 60.0),
        ("road_queue_mean", -0.5 / 24.0),
    ] {
        let (there, back) = (find(&cmp, metric), find(&back, metric));
        assert_eq!(there.status, crate::Status::Compared, "{metric}");
        assert_eq!(there.replications, 3, "{metric}");
        assert_eq!(back.replications, 3, "{metric}");
        close(there.delta.expect("paired"), value);
        close(back.delta.expect("paired"), -value);
    }
    // A booking share of 0: nobody waits in the waiting area, whose mean time is then 0.
    let mut none = booked_trucks();
    let mut bookings = none.crossing.appointments().to_vec();
    bookings[0].share = 0.0;
    none.crossing = none.crossing.with_appointments(bookings).expect("valid");
    let (zero, _) = compare(&booked_trucks(), &[("none".into(), none)], &options(2)).expect("runs");
    let mean = find(&zero, "waiting_area_mean_s");
    assert_eq!(mean.status, crate::Status::Compared);
    assert_eq!((mean.variant, mean.delta), (Some(0.0), Some(-900.0)));
    assert!(
        mean.note
            .as_deref()
            .is_some_and(|n| n.contains("nobody waited"))
    );
    // Unpriced trucks: their time in the waiting area is named as not priced too.
    let unpriced = |mut s: Scenario| {
        let mut population = s.population().clone();
        population.classes[0].resource_cost_per_h = 0.0;
        population.classes[0].cargo_value_per_vehicle = 0.0;
        s.crossing = Crossing::new(
            "unpriced",
            &population,
            s.crossing.stations().to_vec(),
            s.crossing.sources().to_vec(),
        )
        .expect("valid")
        .with_staff_costs(s.crossing.staff_costs().to_vec())
        .with_appointments(s.crossing.appointments().to_vec())
        .expect("valid booking");
        s
    };
    let (cmp, _) = compare(
        &unpriced(traced(1, 10.0)),
        &[("booked".into(), unpriced(booked_trucks()))],
        &options(2),
    )
    .expect("runs");
    let n = cmp.variants[0].net_benefit.as_ref().expect("net benefit");
    assert_eq!(
        n.not_priced,
        [
            "class truck: delay -0.5 and waiting area +0.8 vehicle-hours a day with no resource \
          cost (resource_cost_per_h): counted as 0"
        ]
    );
}
