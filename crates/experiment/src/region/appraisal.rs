//! What a region's border delay costs, and what a reform is worth to its users.
//!
//! Two different values of time, on purpose: the **users' benefit** of a reform is the
//! change of the logit model's logsum (the consumer surplus of the crossing choice), in
//! money at each flow's *behavioural* value of time — what travellers act on
//! ([`bordersim_trade::accounting::user_benefit`]); the **money cost of delay** values the
//! vehicle-hours at the border at each crossing class's *resource* cost (driver and vehicle
//! operating cost, `resource_cost_per_h`) plus the cargo's time cost (the flow's cargo value
//! × the class's `cargo_time_cost_share_per_day` / 24), as an appraisal does.
//!
//! Per year: each crossing's figures per day × its `annualisation_days` (the days of the
//! week its own sources' demand gives, [`crate::report::costs::annualisation_days`]; 365
//! when its file gives every day of the week alike — a file of weekday volumes without a
//! weekly pattern is then annualised as if every day were a weekday); region totals use
//! the crossings' factors weighted by the vehicles each carries.

use bordersim_trade::accounting::user_benefit;
use bordersim_trade::{Assignment, HOURS, HourlyBorder, RegionModel, SIDES};
use serde::Serialize;

use super::intervals::ci95_of;
use super::report::direction_label;
use crate::report::costs::annualisation_days;

/// The money cost of the time spent at one crossing in one direction, per day and per year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrossingDelayCost {
    /// The crossing's id in the region.
    pub crossing: String,
    /// `<side>_to_<side>`.
    pub direction: String,
    /// Vehicles per day assigned.
    pub vehicles_per_day: f64,
    /// Vehicle-hours per day at the border (arrival to exit, the border time the choice
    /// used, hour by hour).
    pub border_vehicle_hours_per_day: f64,
    /// Those hours at the class's resource cost, money per day.
    pub resource_cost_per_day: f64,
    /// The cargo's time cost of those hours, money per day.
    pub cargo_time_cost_per_day: f64,
    /// Days per year the crossing's figures per day are multiplied by.
    pub annualisation_days: f64,
    /// `resource_cost_per_day × annualisation_days`.
    pub resource_cost_per_year: f64,
    /// `cargo_time_cost_per_day × annualisation_days`.
    pub cargo_time_cost_per_year: f64,
}

/// The money cost of border time at the region's equilibrium.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionCosts {
    /// One row per crossing × direction, crossing-major.
    pub by_crossing: Vec<CrossingDelayCost>,
    /// Every crossing's vehicle-hours per day at the border.
    pub border_vehicle_hours_per_day: f64,
    /// Resource cost of those hours, money per day.
    pub resource_cost_per_day: f64,
    /// Cargo time cost of those hours, money per day.
    pub cargo_time_cost_per_day: f64,
    /// The crossings' annualisation days weighted by their vehicles per day (365 without
    /// traffic).
    pub annualisation_days: f64,
    /// Σ of the crossings' resource cost per year.
    pub resource_cost_per_year: f64,
    /// Σ of the crossings' cargo time cost per year.
    pub cargo_time_cost_per_year: f64,
    /// Half-width of the 95% interval of `border_vehicle_hours_per_day` (the
    /// replications' own best responses at their own border times, `docs/region.md`);
    /// `None` with fewer than two replications.
    pub border_vehicle_hours_per_day_ci95: Option<f64>,
    /// Half-width of the 95% interval of `resource_cost_per_day`.
    pub resource_cost_per_day_ci95: Option<f64>,
    /// Half-width of the 95% interval of `cargo_time_cost_per_day`.
    pub cargo_time_cost_per_day_ci95: Option<f64>,
    /// Half-width of the 95% interval of `resource_cost_per_year`.
    pub resource_cost_per_year_ci95: Option<f64>,
    /// Half-width of the 95% interval of `cargo_time_cost_per_year`.
    pub cargo_time_cost_per_year_ci95: Option<f64>,
}

/// The money cost of the time `assignment`'s vehicles spend at the border, the border
/// minutes of each hour taken from `border` (those the choice used).
pub fn region_costs(
    model: &RegionModel,
    assignment: &Assignment,
    border: &HourlyBorder,
) -> RegionCosts {
    let region = &model.region;
    let mut by_crossing = Vec::new();
    for (c, rc) in model.crossings.iter().enumerate() {
        let year = annualisation_days(&rc.scenario);
        for d in 0..SIDES {
            let mut row = CrossingDelayCost {
                crossing: rc.id.clone(),
                direction: direction_label(region, d),
                vehicles_per_day: 0.0,
                border_vehicle_hours_per_day: 0.0,
                resource_cost_per_day: 0.0,
                cargo_time_cost_per_day: 0.0,
                annualisation_days: year,
                resource_cost_per_year: 0.0,
                cargo_time_cost_per_year: 0.0,
            };
            for (i, od) in region.demand.iter().enumerate() {
                if region.direction(od) != d {
                    continue;
                }
                let class = rc
                    .classes
                    .get(od.class)
                    .copied()
                    .flatten()
                    .and_then(|k| rc.scenario.population().classes.get(usize::from(k.0)));
                for h in 0..HOURS {
                    let v = assignment.hourly_volume(i, h, c);
                    if v <= 0.0 {
                        continue;
                    }
                    row.vehicles_per_day += v;
                    let Some(minutes) = border.get(c, d, od.class)[h] else {
                        continue;
                    };
                    let hours = v * minutes / 60.0;
                    row.border_vehicle_hours_per_day += hours;
                    if let Some(class) = class {
                        row.resource_cost_per_day += hours * class.resource_cost_per_h;
                        row.cargo_time_cost_per_day +=
                            hours * od.cargo_value * class.cargo_time_cost_share_per_day / 24.0;
                    }
                }
            }
            row.resource_cost_per_year = row.resource_cost_per_day * year;
            row.cargo_time_cost_per_year = row.cargo_time_cost_per_day * year;
            by_crossing.push(row);
        }
    }
    let sum = |f: fn(&CrossingDelayCost) -> f64| by_crossing.iter().map(f).sum::<f64>();
    let vehicles = sum(|r| r.vehicles_per_day);
    let annualisation = if vehicles > 0.0 {
        sum(|r| r.vehicles_per_day * r.annualisation_days) / vehicles
    } else {
        crate::report::costs::CALENDAR_DAYS
    };
    RegionCosts {
        border_vehicle_hours_per_day: sum(|r| r.border_vehicle_hours_per_day),
        resource_cost_per_day: sum(|r| r.resource_cost_per_day),
        cargo_time_cost_per_day: sum(|r| r.cargo_time_cost_per_day),
        annualisation_days: annualisation,
        resource_cost_per_year: sum(|r| r.resource_cost_per_year),
        cargo_time_cost_per_year: sum(|r| r.cargo_time_cost_per_year),
        by_crossing,
        border_vehicle_hours_per_day_ci95: None,
        resource_cost_per_day_ci95: None,
        cargo_time_cost_per_day_ci95: None,
        resource_cost_per_year_ci95: None,
        cargo_time_cost_per_year_ci95: None,
    }
}

/// `costs` with the intervals of its totals from each replication's costs (in replication
/// order).
pub(super) fn with_cost_intervals(costs: RegionCosts, replicates: &[RegionCosts]) -> RegionCosts {
    RegionCosts {
        border_vehicle_hours_per_day_ci95: ci95_of(replicates, |c| c.border_vehicle_hours_per_day),
        resource_cost_per_day_ci95: ci95_of(replicates, |c| c.resource_cost_per_day),
        cargo_time_cost_per_day_ci95: ci95_of(replicates, |c| c.cargo_time_cost_per_day),
        resource_cost_per_year_ci95: ci95_of(replicates, |c| c.resource_cost_per_year),
        cargo_time_cost_per_year_ci95: ci95_of(replicates, |c| c.cargo_time_cost_per_year),
        ..costs
    }
}

/// One flow's users' benefit of a reform.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FlowBenefitReport {
    /// Origin zone id.
    pub origin: String,
    /// Destination zone id.
    pub destination: String,
    /// The region's class id.
    pub class: String,
    /// The commodity group (empty without one).
    pub commodity: String,
    /// Vehicles per day in the baseline.
    pub volume_baseline: f64,
    /// Vehicles per day in the reform.
    pub volume_reform: f64,
    /// Change of the consumer surplus (logsum), money per day at the flow's behavioural
    /// value of time (positive: users gain).
    pub user_benefit_per_day: f64,
    /// Half-width of the 95% interval of `user_benefit_per_day` (paired over the
    /// replications, `docs/region.md`); `None` with fewer than two replications.
    pub user_benefit_per_day_ci95: Option<f64>,
}

/// What a reform is worth in a region: the users' benefit (logsum) and the change of the
/// money cost of border time.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RegionAppraisal {
    /// Σ of the flows' change of consumer surplus, money per day (behavioural value of
    /// time; positive: users gain).
    pub user_benefit_per_day: f64,
    /// `user_benefit_per_day × annualisation_days`.
    pub user_benefit_per_year: f64,
    /// The baseline's annualisation days (its crossings' factors weighted by their
    /// vehicles).
    pub annualisation_days: f64,
    /// Baseline resource cost minus the reform's, money per day (positive: saved).
    pub resource_cost_saved_per_day: f64,
    /// Baseline cargo time cost minus the reform's, money per day.
    pub cargo_time_cost_saved_per_day: f64,
    /// Resource and cargo time cost saved, money per day.
    pub delay_cost_saved_per_day: f64,
    /// Baseline minus reform of the crossings' per-year delay costs.
    pub delay_cost_saved_per_year: f64,
    /// Per flow, in the region's order of demand.
    pub by_flow: Vec<FlowBenefitReport>,
    /// Half-width of the 95% interval of `user_benefit_per_day`: the appraisal of each
    /// replication's best response in the reform against the same replication's in the
    /// baseline (common random numbers), Student's t over the replications; `None` with
    /// fewer than two replications.
    pub user_benefit_per_day_ci95: Option<f64>,
    /// Half-width of the 95% interval of `user_benefit_per_year`.
    pub user_benefit_per_year_ci95: Option<f64>,
    /// Half-width of the 95% interval of `resource_cost_saved_per_day`.
    pub resource_cost_saved_per_day_ci95: Option<f64>,
    /// Half-width of the 95% interval of `cargo_time_cost_saved_per_day`.
    pub cargo_time_cost_saved_per_day_ci95: Option<f64>,
    /// Half-width of the 95% interval of `delay_cost_saved_per_day`.
    pub delay_cost_saved_per_day_ci95: Option<f64>,
    /// Half-width of the 95% interval of `delay_cost_saved_per_year`.
    pub delay_cost_saved_per_year_ci95: Option<f64>,
}

/// `appraisal` with its intervals from the appraisal of each replication (in replication
/// order, each of the reform's replication against the baseline's of the same number).
pub(super) fn with_appraisal_intervals(
    appraisal: RegionAppraisal,
    replicates: &[RegionAppraisal],
) -> RegionAppraisal {
    let by_flow = appraisal
        .by_flow
        .into_iter()
        .enumerate()
        .map(|(i, f)| FlowBenefitReport {
            user_benefit_per_day_ci95: ci95_of(replicates, |a| a.by_flow[i].user_benefit_per_day),
            ..f
        })
        .collect();
    RegionAppraisal {
        by_flow,
        user_benefit_per_day_ci95: ci95_of(replicates, |a| a.user_benefit_per_day),
        user_benefit_per_year_ci95: ci95_of(replicates, |a| a.user_benefit_per_year),
        resource_cost_saved_per_day_ci95: ci95_of(replicates, |a| a.resource_cost_saved_per_day),
        cargo_time_cost_saved_per_day_ci95: ci95_of(replicates, |a| {
            a.cargo_time_cost_saved_per_day
        }),
        delay_cost_saved_per_day_ci95: ci95_of(replicates, |a| a.delay_cost_saved_per_day),
        delay_cost_saved_per_year_ci95: ci95_of(replicates, |a| a.delay_cost_saved_per_year),
        ..appraisal
    }
}

/// The appraisal of `reform` against `base` (same region), each given as its final
/// assignment, the border minutes its choice used, and its delay costs.
pub fn appraise(
    model: &RegionModel,
    base: (&Assignment, &HourlyBorder, &RegionCosts),
    reform: (&Assignment, &HourlyBorder, &RegionCosts),
) -> RegionAppraisal {
    let region = &model.region;
    let flows = user_benefit(region, base.1, base.0, reform.1, reform.0);
    let by_flow: Vec<FlowBenefitReport> = flows
        .iter()
        .map(|f| {
            let od = &region.demand[f.od];
            FlowBenefitReport {
                origin: region.zones[od.origin].id.clone(),
                destination: region.zones[od.destination].id.clone(),
                class: region.classes[od.class].clone(),
                commodity: od.commodity.clone().unwrap_or_default(),
                volume_baseline: f.volume_baseline,
                volume_reform: f.volume_reform,
                user_benefit_per_day: f.consumer_surplus_change,
                user_benefit_per_day_ci95: None,
            }
        })
        .collect();
    let per_day: f64 = by_flow.iter().map(|f| f.user_benefit_per_day).sum();
    let year = base.2.annualisation_days;
    let resource = base.2.resource_cost_per_day - reform.2.resource_cost_per_day;
    let cargo = base.2.cargo_time_cost_per_day - reform.2.cargo_time_cost_per_day;
    let per_year = (base.2.resource_cost_per_year + base.2.cargo_time_cost_per_year)
        - (reform.2.resource_cost_per_year + reform.2.cargo_time_cost_per_year);
    RegionAppraisal {
        user_benefit_per_day: per_day,
        user_benefit_per_year: per_day * year,
        annualisation_days: year,
        resource_cost_saved_per_day: resource,
        cargo_time_cost_saved_per_day: cargo,
        delay_cost_saved_per_day: resource + cargo,
        delay_cost_saved_per_year: per_year,
        by_flow,
        ..RegionAppraisal::default()
    }
}

#[cfg(test)]
mod tests {
    use bordersim_model::{Crossing, Scenario};

    use super::*;
    use crate::region::{compare_regions, run_region};
    use crate::test_support::{one_station, one_way_region, options};

    /// `one_station` with a resource cost of $90/h and a cargo time cost of 1% a day.
    fn priced(name: &str, servers: u32, mean_min: f64) -> Scenario {
        let s = one_station(name, servers, mean_min, 10.0);
        let mut population = s.population().clone();
        population.classes[0].resource_cost_per_h = 90.0;
        population.classes[0].cargo_time_cost_share_per_day = 0.01;
        Scenario {
            crossing: Crossing::new(
                name,
                &population,
                s.crossing.stations().to_vec(),
                s.crossing.sources().to_vec(),
            )
            .expect("valid"),
            ..s
        }
    }

    #[test]
    fn delay_costs_by_hand_from_the_border_minutes_used() {
        let model = one_way_region(vec![priced("x", 2, 4.0)], 240.0, 0.0);
        let outcome = run_region(&model, &options(2)).expect("runs");
        let costs = &outcome.report.costs;
        // Σ over hours of the hour's vehicles × its border minutes / 60.
        let hourly = outcome.border.get(0, 0, 0);
        let hours: f64 = (0..HOURS)
            .map(|h| outcome.assignment.hourly_volume(0, h, 0) * hourly[h].unwrap_or(0.0) / 60.0)
            .sum();
        assert!(hours > 0.0);
        let row = &costs.by_crossing[0];
        assert_eq!(row.direction, "a_to_b");
        assert!((row.vehicles_per_day - 240.0).abs() < 1e-9, "{row:?}");
        assert!((row.border_vehicle_hours_per_day - hours).abs() < 1e-9);
        assert!((row.resource_cost_per_day - 90.0 * hours).abs() < 1e-6);
        // $10,000 of cargo at 1% a day: $100 a day, $4.1667 an hour.
        assert!((row.cargo_time_cost_per_day - hours * 100.0 / 24.0).abs() < 1e-6);
        // A Poisson source every day alike: 365 days, not a weekday's pattern.
        assert_eq!(row.annualisation_days, 365.0);
        assert!((row.resource_cost_per_year - 365.0 * row.resource_cost_per_day).abs() < 1e-6);
        // The other direction carries nothing.
        assert_eq!(costs.by_crossing[1].border_vehicle_hours_per_day, 0.0);
        assert_eq!(costs.resource_cost_per_day, row.resource_cost_per_day);
    }

    /// `priced` with its own trucks (10 an hour) on a weekly pattern: `day_factors`, Monday
    /// first. The region replaces them by its flows; they set the days of its year.
    fn weekly(name: &str, day_factors: [f64; 7]) -> Scenario {
        let s = priced(name, 2, 4.0);
        let own = bordersim_model::Source {
            id: "own".into(),
            entry: bordersim_model::StationId(0),
            arrivals: bordersim_model::Arrivals::Profile {
                class: bordersim_model::ClassId(0),
                profile: bordersim_model::RateProfile {
                    hourly_per_hour: [10.0; 24],
                    day_factors,
                },
            },
        };
        let population = s.population().clone();
        Scenario {
            crossing: Crossing::new(name, &population, s.crossing.stations().to_vec(), vec![own])
                .expect("valid"),
            ..s
        }
    }

    #[test]
    fn a_regions_year_is_each_crossings_week_by_hand() {
        // The window (Monday 12:00 to Wednesday 00:00) falls on weekdays. x: weekdays only,
        // 365 × 5/7 days; y: Saturday half a weekday, Sunday a quarter, 365 × 5.75/7.
        let (x_days, y_days) = (365.0 * 5.0 / 7.0, 365.0 * 5.75 / 7.0);
        let model = one_way_region(
            vec![
                weekly("x", [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]),
                weekly("y", [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.25]),
            ],
            300.0,
            0.0,
        );
        let outcome = run_region(&model, &options(2)).expect("runs");
        let costs = &outcome.report.costs;
        let close = |a: f64, b: f64| assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} {b}");
        let (x, y) = (&costs.by_crossing[0], &costs.by_crossing[2]);
        assert_eq!((x.crossing.as_str(), y.crossing.as_str()), ("x", "y"));
        close(x.annualisation_days, x_days);
        close(y.annualisation_days, y_days);
        assert!(x.resource_cost_per_day > 0.0 && y.resource_cost_per_day > 0.0);
        // Each crossing's year is its day × its own days; the region's is their sum.
        close(x.resource_cost_per_year, x.resource_cost_per_day * x_days);
        close(
            y.cargo_time_cost_per_year,
            y.cargo_time_cost_per_day * y_days,
        );
        close(
            costs.resource_cost_per_year,
            x.resource_cost_per_day * x_days + y.resource_cost_per_day * y_days,
        );
        // The region's days: the crossings' weighted by the vehicles each carries.
        close(
            costs.annualisation_days,
            (x.vehicles_per_day * x_days + y.vehicles_per_day * y_days)
                / (x.vehicles_per_day + y.vehicles_per_day),
        );
        assert!(costs.annualisation_days < 365.0);
        // A reform's benefit a year: its day × the baseline's days; its delay cost saved a
        // year: each crossing's saving at its own days.
        let mut reform = model.clone();
        let mut faster = weekly("x", [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]);
        faster.crossing = {
            let s = priced("x", 3, 4.0);
            Crossing::new(
                "x",
                s.population(),
                s.crossing.stations().to_vec(),
                faster.crossing.sources().to_vec(),
            )
            .expect("valid")
        };
        reform.crossings[0].scenario = faster;
        let c = compare_regions(&model, "a lane more at x", &reform, &options(2)).expect("runs");
        let a = &c.shift.appraisal;
        close(a.annualisation_days, c.baseline.costs.annualisation_days);
        close(
            a.user_benefit_per_year,
            a.user_benefit_per_day * a.annualisation_days,
        );
        let saved_year: f64 = c
            .baseline
            .costs
            .by_crossing
            .iter()
            .zip(&c.reform.costs.by_crossing)
            .map(|(b, r)| {
                (b.resource_cost_per_day + b.cargo_time_cost_per_day
                    - r.resource_cost_per_day
                    - r.cargo_time_cost_per_day)
                    * b.annualisation_days
            })
            .sum();
        assert!(a.delay_cost_saved_per_day > 0.0, "{a:?}");
        close(a.delay_cost_saved_per_year, saved_year);
    }

    #[test]
    fn a_reform_that_changes_nothing_is_worth_nothing() {
        let model = one_way_region(vec![priced("x", 2, 4.0), priced("y", 2, 4.0)], 300.0, 0.0);
        let c = compare_regions(&model, "same", &model, &options(2)).expect("runs");
        let a = &c.shift.appraisal;
        assert_eq!(a.user_benefit_per_day, 0.0);
        assert_eq!(a.delay_cost_saved_per_day, 0.0);
        assert_eq!(a.delay_cost_saved_per_year, 0.0);
        assert_eq!(a.by_flow.len(), 1);
        assert!(c.baseline.costs.resource_cost_per_day > 0.0);
    }

    #[test]
    fn a_faster_crossing_benefits_its_users_and_saves_delay_cost() {
        let base = one_way_region(vec![priced("x", 1, 5.0), priced("y", 2, 4.0)], 300.0, 0.0);
        let mut reform = base.clone();
        reform.crossings[0].scenario = priced("x", 3, 5.0);
        let c = compare_regions(&base, "more lanes at x", &reform, &options(2)).expect("runs");
        let a = &c.shift.appraisal;
        assert!(a.user_benefit_per_day > 0.0, "{a:?}");
        assert!(a.delay_cost_saved_per_day > 0.0, "{a:?}");
        assert_eq!(a.annualisation_days, 365.0);
        assert!((a.user_benefit_per_year - 365.0 * a.user_benefit_per_day).abs() < 1e-6);
    }
}
