//! What delay costs and what it emits, kept apart: the resource cost of the vehicles' time,
//! the time cost of their cargo, the staff cost of the lanes kept open, and the exhaust of
//! vehicles idling in queue and of their stop-and-go cycles there. Each is computed per replication (for paired comparisons) and
//! summarised per day and per year, with an explicit annualisation over the days of the
//! week (see [`annualisation_days`]).

use bordersim_des::SimTime;
use bordersim_model::{Arrivals, ClassId, ReplicationStats, Scenario, StaffCostRate, hour_of_week};
use serde::Serialize;

use super::summarise::mean_ci;

const MS_PER_HOUR: f64 = 3_600_000.0;
const MS_PER_DAY: u64 = 86_400_000;

/// Days in a calendar year.
pub const CALENDAR_DAYS: f64 = 365.0;

/// Days of the observation window's kind in a year: what a per-day figure of the window
/// is multiplied by to give a per-year figure.
///
/// Each day of the week `d` has a demand `D_d`, the vehicles per day the sources generate
/// on it (a Poisson source: 24 × its rate every day; an hourly profile: the sum of its hourly
/// rates times the day's factor; a recorded trace has no weekly pattern and counts for
/// nothing). The window covers `w_d` days of each day of the week (hours of the window on
/// that day / 24). A day's costs are taken as proportional to its demand, so
///
/// `annualisation_days = 365 × (Σ_d D_d / 7) / (Σ_d w_d D_d / Σ_d w_d)`:
///
/// 365 when demand is the same every day or the window covers whole weeks; fewer when the
/// window is a busy weekday and weekends are quiet. Without any demand the result is 365.
pub fn annualisation_days(scenario: &Scenario) -> f64 {
    let mut demand = [0.0f64; 7];
    for source in scenario.crossing.sources() {
        match &source.arrivals {
            Arrivals::Poisson { rate_per_hour, .. } => {
                demand.iter_mut().for_each(|d| *d += 24.0 * rate_per_hour);
            }
            Arrivals::Profile { profile, .. } | Arrivals::Thinned { profile, .. } => {
                let daily: f64 = profile.hourly_per_hour.iter().sum();
                for (d, f) in demand.iter_mut().zip(profile.day_factors) {
                    *d += daily * f;
                }
            }
            Arrivals::Trace { .. } => {}
        }
    }
    let covered = window_days_by_weekday(scenario);
    annualisation_from(&demand, &covered)
}

/// [`annualisation_days`] from the demand on each day of the week (Monday first) and the
/// days of the window falling on each.
pub fn annualisation_from(demand: &[f64; 7], covered: &[f64; 7]) -> f64 {
    let week_mean = demand.iter().sum::<f64>() / 7.0;
    let days: f64 = covered.iter().sum();
    let window: f64 = demand.iter().zip(covered).map(|(d, w)| d * w).sum::<f64>();
    if week_mean <= 0.0 || days <= 0.0 || window <= 0.0 {
        return CALENDAR_DAYS;
    }
    CALENDAR_DAYS * week_mean / (window / days)
}

/// Days (fractions included) of the observation window on each day of the week, Monday
/// first.
pub fn window_days_by_weekday(scenario: &Scenario) -> [f64; 7] {
    let mut covered = [0.0; 7];
    let (start, end) = (scenario.warmup.as_millis(), scenario.horizon.as_millis());
    let mut t = start;
    while t < end {
        let next = ((t / MS_PER_DAY) + 1) * MS_PER_DAY;
        let until = next.min(end);
        let day = hour_of_week(SimTime::from_millis(t), scenario.start_weekday) / 24;
        covered[day] += (until - t) as f64 / MS_PER_DAY as f64;
        t = until;
    }
    covered
}

/// The costs and emissions of one replication, per day of its observation window.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplicationCosts {
    /// Per class, in the population's order.
    pub classes: Vec<Amounts>,
    /// Per station, in the crossing's order.
    pub stations: Vec<Amounts>,
    /// Per station, per lane group in the station's order (`lane_groups[s][g]`).
    pub lane_groups: Vec<Vec<Amounts>>,
}

/// Per-day amounts of one entity in one replication. A class's and a station's queue time
/// (and so emissions) are its vehicles' waits, those of the vehicles that gave up waiting
/// included; staff figures belong to stations and lane
/// groups, time and cargo costs to classes (0 elsewhere).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Amounts {
    /// Vehicle-hours spent waiting in queue per day, by the vehicles served and by those
    /// that gave up.
    pub queue_vehicle_hours: f64,
    /// Vehicle-hours per day that booked vehicles spent in a booking system's waiting area,
    /// off the road (a class's, and the station's the slots are for).
    pub waiting_area_vehicle_hours: f64,
    /// Resource cost of the time in queue and in a waiting area (driver and vehicle),
    /// money per day.
    pub resource_cost: f64,
    /// Time cost of the cargo, money per day.
    pub cargo_time_cost: f64,
    /// Staffed lane-hours per day.
    pub lane_hours: f64,
    /// Staff cost, money per day.
    pub staff_cost: f64,
    /// CO2 from idling in queue and from its stops, kg per day.
    pub co2_kg: f64,
    /// NOx from idling in queue and from its stops, g per day.
    pub nox_g: f64,
    /// PM2.5 from idling in queue and from its stops, g per day.
    pub pm25_g: f64,
    /// Stop-and-go cycles in queue per day (see [`emissions::stops`]).
    pub stops: f64,
    /// The part of `co2_kg` from the stops, kg per day.
    pub stop_co2_kg: f64,
    /// The part of `nox_g` from the stops, g per day.
    pub stop_nox_g: f64,
    /// The part of `pm25_g` from the stops, g per day.
    pub stop_pm25_g: f64,
}

impl Amounts {
    /// The sum of two.
    pub fn plus(self, o: Amounts) -> Amounts {
        Amounts {
            queue_vehicle_hours: self.queue_vehicle_hours + o.queue_vehicle_hours,
            waiting_area_vehicle_hours: self.waiting_area_vehicle_hours
                + o.waiting_area_vehicle_hours,
            resource_cost: self.resource_cost + o.resource_cost,
            cargo_time_cost: self.cargo_time_cost + o.cargo_time_cost,
            lane_hours: self.lane_hours + o.lane_hours,
            staff_cost: self.staff_cost + o.staff_cost,
            co2_kg: self.co2_kg + o.co2_kg,
            nox_g: self.nox_g + o.nox_g,
            pm25_g: self.pm25_g + o.pm25_g,
            stops: self.stops + o.stops,
            stop_co2_kg: self.stop_co2_kg + o.stop_co2_kg,
            stop_nox_g: self.stop_nox_g + o.stop_nox_g,
            stop_pm25_g: self.stop_pm25_g + o.stop_pm25_g,
        }
    }

    /// Resource, cargo and staff cost together, money per day: what a reform should lower.
    pub fn total_cost(&self) -> f64 {
        self.resource_cost + self.cargo_time_cost + self.staff_cost
    }
}

impl ReplicationCosts {
    /// Every class together (equal to every station together, but for the staff figures,
    /// which only stations carry).
    pub fn system(&self) -> Amounts {
        let mut a = self
            .classes
            .iter()
            .fold(Amounts::default(), |a, b| a.plus(*b));
        let staff = self
            .stations
            .iter()
            .fold(Amounts::default(), |a, b| a.plus(*b));
        a.lane_hours = staff.lane_hours;
        a.staff_cost = staff.staff_cost;
        a
    }

    /// The stations of direction `d` together.
    pub fn direction(&self, scenario: &Scenario, d: usize) -> Amounts {
        scenario
            .crossing
            .stations()
            .iter()
            .zip(&self.stations)
            .filter(|(st, _)| st.direction.index() == d)
            .fold(Amounts::default(), |a, (_, b)| a.plus(*b))
    }
}

/// The costs and emissions of replication `rep` of `scenario`, per day of its window (all
/// zero for an empty window).
pub fn replication_costs(scenario: &Scenario, rep: &ReplicationStats) -> ReplicationCosts {
    let classes = &scenario.population().classes;
    let stations = scenario.crossing.stations();
    let rates = scenario.crossing.staff_costs();
    let days = rep.window_days();
    let mut out = ReplicationCosts {
        classes: vec![Amounts::default(); classes.len()],
        stations: vec![Amounts::default(); stations.len()],
        lane_groups: stations
            .iter()
            .map(|s| vec![Amounts::default(); s.lanes.len()])
            .collect(),
    };
    if days <= 0.0 {
        return out;
    }
    let shape = rep.shape;
    let end = rep.window_end_ms;
    for (s, (st, stats)) in stations.iter().zip(&rep.stations).enumerate() {
        let starts_per_hour =
            emissions::starts_per_lane_hour(stats, rep.window_hours(), rep.window_end_ms);
        for (cell, tally) in stats.waits.iter() {
            let ClassId(c) = shape.decode_station_cell(cell).0;
            let c = usize::from(c);
            let Some(class) = classes.get(c) else {
                continue;
            };
            let hours = tally.sum_ms() as f64 / MS_PER_HOUR / days;
            let stops = emissions::stops(tally, starts_per_hour) / days;
            let a = queue_amounts(class, hours).plus(emissions::stop_amounts(class, stops));
            out.classes[c] = out.classes[c].plus(a);
            out.stations[s] = out.stations[s].plus(a);
        }
        // The vehicles that gave up waited, idled and stopped in the queue too.
        for (c, class) in classes.iter().enumerate() {
            let tally = super::economics::abandoned_waits(rep, s, c);
            if tally.count() == 0 {
                continue;
            }
            let hours = tally.sum_ms() as f64 / MS_PER_HOUR / days;
            let stops = emissions::stops(&tally, starts_per_hour) / days;
            let a = queue_amounts(class, hours).plus(emissions::stop_amounts(class, stops));
            out.classes[c] = out.classes[c].plus(a);
            out.stations[s] = out.stations[s].plus(a);
        }
        // A booked vehicle's time in the waiting area is time its driver, vehicle and cargo
        // lose as much as time in the road queue: priced at the class's resource and cargo
        // cost. Parked with the engine off, it emits nothing (docs/economics.md).
        for (i, a) in scenario.crossing.appointments().iter().enumerate() {
            let c = a.class.index();
            if a.station.index() != s {
                continue;
            }
            let Some(class) = classes.get(c) else {
                continue;
            };
            let a = waiting_area_amounts(class, super::appointments::area_hours_per_day(rep, i));
            out.classes[c] = out.classes[c].plus(a);
            out.stations[s] = out.stations[s].plus(a);
        }
        // A control merged into a joint stop has its officers counted there.
        if st.merged_into.is_some() {
            continue;
        }
        // In the order of the groups' ids, so that the sums do not depend on the order the
        // groups are listed in.
        let mut groups: Vec<usize> = (0..st.lanes.len().min(stats.lanes.len())).collect();
        groups.sort_by(|&a, &b| st.lanes[a].id.cmp(&st.lanes[b].id));
        for g in groups {
            let (group, lane) = (&st.lanes[g], &stats.lanes[g]);
            let lane_hours = lane.staffed.area_until(end) as f64 / MS_PER_HOUR / days;
            let rate = StaffCostRate::lookup(rates, &st.id, &group.id);
            let a = Amounts {
                lane_hours,
                staff_cost: lane_hours * rate,
                ..Amounts::default()
            };
            out.lane_groups[s][g] = a;
            out.stations[s].lane_hours += a.lane_hours;
            out.stations[s].staff_cost += a.staff_cost;
        }
    }
    out
}

/// What `hours` vehicle-hours in queue per day of a vehicle of `class` cost and emit.
pub fn queue_amounts(class: &bordersim_model::VehicleClass, hours: f64) -> Amounts {
    let e = class.idle_emissions;
    Amounts {
        queue_vehicle_hours: hours,
        resource_cost: hours * class.resource_cost_per_h,
        cargo_time_cost: hours * cargo_time_cost_per_h(class),
        co2_kg: hours * e.co2_g_per_h / 1000.0,
        nox_g: hours * e.nox_g_per_h,
        pm25_g: hours * e.pm25_g_per_h,
        ..Amounts::default()
    }
}

/// What `hours` vehicle-hours per day in a booking system's waiting area of a vehicle of
/// `class` cost: its resource cost and its cargo's time cost, as an hour in queue; no
/// emissions (parked with the engine off).
pub fn waiting_area_amounts(class: &bordersim_model::VehicleClass, hours: f64) -> Amounts {
    Amounts {
        waiting_area_vehicle_hours: hours,
        resource_cost: hours * class.resource_cost_per_h,
        cargo_time_cost: hours * cargo_time_cost_per_h(class),
        ..Amounts::default()
    }
}

/// The time cost of one vehicle's cargo per hour of delay: its value × the daily share / 24.
pub fn cargo_time_cost_per_h(class: &bordersim_model::VehicleClass) -> f64 {
    class.cargo_value_per_vehicle * class.cargo_time_cost_share_per_day / 24.0
}

/// One figure per day: the mean over replications, its 95% half-width, and per year.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PerDay {
    /// Mean over replications, per day of the observation window.
    pub per_day: f64,
    /// Half-width of the 95% confidence interval of `per_day` (null with one replication).
    pub per_day_ci95: Option<f64>,
    /// `per_day` × [`Costs::annualisation_days`].
    pub per_year: f64,
}

impl PerDay {
    fn of(samples: &[f64], days_per_year: f64) -> PerDay {
        let (m, ci) = mean_ci(samples);
        PerDay {
            per_day: m,
            per_day_ci95: ci,
            per_year: m * days_per_year,
        }
    }
}

/// Costs of one entity (a class, a station, a lane group, a direction, or the whole
/// crossing), each separately.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CostLine {
    /// `class:<id>`, `station:<id>`, `lane_group:<station>/<group>`, `direction:<id>` or
    /// `system`.
    pub entity: String,
    /// Vehicle-hours waiting in queue.
    pub queue_vehicle_hours: PerDay,
    /// Vehicle-hours booked vehicles spent in a booking system's waiting area (priced in
    /// the costs below as queue time is; no emissions: parked, engine off).
    pub waiting_area_vehicle_hours: PerDay,
    /// Resource cost of the vehicles' time in queue and in a waiting area (driver and
    /// vehicle operating cost), money.
    pub resource_cost: PerDay,
    /// Time cost of the cargo, money.
    pub cargo_time_cost: PerDay,
    /// Staffed lane-hours.
    pub lane_hours: PerDay,
    /// Staff cost of the staffed lane-hours, money.
    pub staff_cost: PerDay,
    /// Resource, cargo and staff cost together, money.
    pub total_cost: PerDay,
}

/// Emissions of vehicles idling in queue of one entity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EmissionLine {
    /// `class:<id>`, `station:<id>`, `direction:<id>` or `system`.
    pub entity: String,
    /// Carbon dioxide, kg.
    pub co2_kg: PerDay,
    /// Nitrogen oxides, g.
    pub nox_g: PerDay,
    /// Fine particulate matter (PM2.5), g.
    pub pm25_g: PerDay,
    /// Stop-and-go cycles in queue (see [`emissions::stops`]).
    pub stops_in_queue: PerDay,
    /// The part of `co2_kg` from the stops, kg.
    pub co2_kg_of_stops: PerDay,
    /// The part of `nox_g` from the stops, g.
    pub nox_g_of_stops: PerDay,
    /// The part of `pm25_g` from the stops, g.
    pub pm25_g_of_stops: PerDay,
}

/// Per-class rates the costs and emissions were computed with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassRates {
    /// The class id.
    pub class: String,
    /// Resource cost, money per vehicle-hour.
    pub resource_cost_per_h: f64,
    /// Cargo value × daily time-cost share / 24, money per vehicle-hour.
    pub cargo_time_cost_per_h: f64,
    /// CO2 at idle, g per vehicle-hour.
    pub idle_co2_g_per_h: f64,
    /// CO2 of one stop-and-go cycle in queue, g per stop.
    pub stop_co2_g: f64,
    /// NOx of one stop-and-go cycle in queue, g per stop.
    pub stop_nox_g: f64,
    /// PM2.5 of one stop-and-go cycle in queue, g per stop.
    pub stop_pm25_g: f64,
    /// NOx at idle, g per vehicle-hour.
    pub idle_nox_g_per_h: f64,
    /// PM2.5 at idle, g per vehicle-hour.
    pub idle_pm25_g_per_h: f64,
}

/// The costs of delay, staff and the emissions of queueing, each separately.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Costs {
    /// What a per-day figure is multiplied by for a per-year one (see
    /// [`annualisation_days`]).
    pub annualisation_days: f64,
    /// Days of the observation window on each day of the week, Monday first.
    pub window_days_by_weekday: [f64; 7],
    /// The rates used, per class.
    pub rates: Vec<ClassRates>,
    /// Per class, per direction, per station, per lane group (stations with several, by
    /// group id), then `system`.
    pub costs: Vec<CostLine>,
    /// Per class, per direction, per station, then `system`.
    pub emissions: Vec<EmissionLine>,
    /// What inspections find: per channel and selection kind, and in all.
    pub detections: detections::Detections,
}

impl Costs {
    /// Whether the scenario sets any cost or emission rate (otherwise every cost and emission
    /// figure is 0 and the tables and page leave them out).
    pub fn any_rate(&self) -> bool {
        self.rates.iter().any(|r| {
            r.resource_cost_per_h > 0.0
                || r.cargo_time_cost_per_h > 0.0
                || r.idle_co2_g_per_h > 0.0
                || r.idle_nox_g_per_h > 0.0
                || r.idle_pm25_g_per_h > 0.0
        }) || self.costs.iter().any(|l| l.staff_cost.per_day > 0.0)
    }
}

/// Every entity's amounts of one replication, keyed as the report lists them.
pub fn entity_amounts(scenario: &Scenario, costs: &ReplicationCosts) -> Vec<(String, Amounts)> {
    let population = scenario.population();
    let stations = scenario.crossing.stations();
    let mut out = Vec::new();
    for (c, class) in population.classes.iter().enumerate() {
        out.push((format!("class:{}", class.id), costs.classes[c]));
    }
    for (d, dir) in population.directions.iter().enumerate() {
        out.push((
            format!("direction:{}", dir.id),
            costs.direction(scenario, d),
        ));
    }
    for (s, st) in stations.iter().enumerate() {
        out.push((format!("station:{}", st.id), costs.stations[s]));
    }
    for (s, st) in stations.iter().enumerate() {
        if st.lanes.len() > 1 {
            // By group id: the report does not depend on the order groups are listed in.
            let mut groups: Vec<(usize, &bordersim_model::LaneGroup)> =
                st.lanes.iter().enumerate().collect();
            groups.sort_by(|a, b| a.1.id.cmp(&b.1.id));
            for (g, group) in groups {
                out.push((
                    format!("lane_group:{}/{}", st.id, group.id),
                    costs.lane_groups[s][g],
                ));
            }
        }
    }
    out.push(("system".into(), costs.system()));
    out
}

/// The report's costs and emissions over the replications `reps` of `scenario`.
pub fn costs(scenario: &Scenario, reps: &[ReplicationStats]) -> Costs {
    let year = annualisation_days(scenario);
    let per_rep: Vec<Vec<(String, Amounts)>> = reps
        .iter()
        .map(|r| entity_amounts(scenario, &replication_costs(scenario, r)))
        .collect();
    let keys: Vec<String> = per_rep
        .first()
        .map(|l| l.iter().map(|(k, _)| k.clone()).collect())
        .unwrap_or_default();
    let mut lines = Vec::new();
    let mut emissions = Vec::new();
    for (i, entity) in keys.into_iter().enumerate() {
        let field = |f: fn(&Amounts) -> f64| -> PerDay {
            let v: Vec<f64> = per_rep.iter().map(|l| f(&l[i].1)).collect();
            PerDay::of(&v, year)
        };
        if !entity.starts_with("lane_group:") {
            emissions.push(EmissionLine {
                entity: entity.clone(),
                co2_kg: field(|a| a.co2_kg),
                nox_g: field(|a| a.nox_g),
                pm25_g: field(|a| a.pm25_g),
                stops_in_queue: field(|a| a.stops),
                co2_kg_of_stops: field(|a| a.stop_co2_kg),
                nox_g_of_stops: field(|a| a.stop_nox_g),
                pm25_g_of_stops: field(|a| a.stop_pm25_g),
            });
        }
        lines.push(CostLine {
            entity,
            queue_vehicle_hours: field(|a| a.queue_vehicle_hours),
            waiting_area_vehicle_hours: field(|a| a.waiting_area_vehicle_hours),
            resource_cost: field(|a| a.resource_cost),
            cargo_time_cost: field(|a| a.cargo_time_cost),
            lane_hours: field(|a| a.lane_hours),
            staff_cost: field(|a| a.staff_cost),
            total_cost: field(Amounts::total_cost),
        });
    }
    Costs {
        annualisation_days: year,
        window_days_by_weekday: window_days_by_weekday(scenario),
        rates: scenario
            .population()
            .classes
            .iter()
            .map(|c| ClassRates {
                class: c.id.clone(),
                resource_cost_per_h: c.resource_cost_per_h,
                cargo_time_cost_per_h: cargo_time_cost_per_h(c),
                idle_co2_g_per_h: c.idle_emissions.co2_g_per_h,
                stop_co2_g: emissions::per_stop(c).co2_g,
                stop_nox_g: emissions::per_stop(c).nox_g,
                stop_pm25_g: emissions::per_stop(c).pm25_g,
                idle_nox_g_per_h: c.idle_emissions.nox_g_per_h,
                idle_pm25_g_per_h: c.idle_emissions.pm25_g_per_h,
            })
            .collect(),
        costs: lines,
        emissions,
        detections: detections::detections(
            scenario,
            reps,
            scenario.crossing.detection_rates(),
            year,
        ),
    }
}

#[path = "detections.rs"]
pub mod detections;

#[path = "emissions.rs"]
pub mod emissions;

#[cfg(test)]
#[path = "costs_tests.rs"]
mod tests;
