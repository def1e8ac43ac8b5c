//! The headline statistics of one replication that a comparison differences.

use bordersim_model::{ClassId, ReplicationStats, Scenario};
use bordersim_stats::Tally;

use super::Measure;
use crate::report::costs::{annualisation_days, entity_amounts, replication_costs};
use crate::report::{delay_per_day, release_tally};

pub(super) fn seconds(t: &Tally, q: Option<f64>) -> Option<f64> {
    match q {
        None => t.mean_ms(),
        Some(q) => t.quantile_ms(q),
    }
    .map(|ms| ms / 1000.0)
}

/// The headline statistics of one replication: per station the mean wait and the
/// replication's 95th percentile of waits (`wait_p95_rep_s`, averaged over replications as
/// [`DelayStats::p95_rep_mean_s`](crate::DelayStats) is), the mean queue length, the
/// utilization and the staffed lane-hours per day; per class, direction and for the whole
/// crossing the mean and replication p95 of the time in system; per direction and for the
/// whole crossing the mean arrival to release; the cost of delay.
///
/// Every metric of every entity is listed. A per-vehicle statistic without observations is
/// `None`, except a station's wait where no vehicle stopped in this replication and the
/// station is merged into a joint stop: 0 (vehicles pass it without waiting). A merged
/// control's staffed lane-hours are 0 (its officers are counted at the joint stop) and its
/// utilization `None`.
pub fn headline_measures(scenario: &Scenario, rep: &ReplicationStats) -> Vec<Measure> {
    headline_measures_against(scenario, rep, &[])
}

/// [`headline_measures`] of a run compared with the runs of `others`: with, besides its
/// own, the booking systems only they have, measured here as absent (nobody booked, 0 in
/// the waiting area; see `absent_appointment_measures`), so that a reform adding or
/// removing a booking system is differenced against 0 rather than left unmeasured.
pub fn headline_measures_against(
    scenario: &Scenario,
    rep: &ReplicationStats,
    others: &[&Scenario],
) -> Vec<Measure> {
    let mut out = Vec::new();
    let mut push = |metric: &'static str, entity: &str, value: Option<f64>, note: Option<&str>| {
        out.push(Measure {
            metric,
            entity: entity.to_string(),
            value,
            note: note.map(str::to_string),
        });
    };
    let end = rep.window_end_ms;
    let stations = scenario.crossing.stations();
    for (st, s) in stations.iter().zip(&rep.stations) {
        let entity = format!("station:{}", st.id);
        let wait = s.wait();
        let merged = st.merged_into.map(|j| {
            format!(
                "merged into {}: vehicles pass without stopping; its staffed lane-hours are 0, its \
                 officers pooled at the joint stop (unless the policy warned that it could \
                 not pool them)",
                stations[j.index()].id
            )
        });
        let merged = merged.as_deref();
        let or_zero = |v: Option<f64>| v.or(merged.map(|_| 0.0));
        push(
            "wait_mean_s",
            &entity,
            or_zero(seconds(&wait, None)),
            merged,
        );
        push(
            "wait_p95_rep_s",
            &entity,
            or_zero(seconds(&wait, Some(0.95))),
            merged,
        );
        push(
            "queue_length_mean",
            &entity,
            Some(s.queue_length.mean_until(end)),
            merged,
        );
        let staffed = if merged.is_some() {
            0
        } else {
            s.staffed_area(end)
        };
        push(
            "utilization",
            &entity,
            (staffed > 0 && s.open_servers.area_until(end) > 0)
                .then(|| s.busy_servers.area_until(end) as f64 / staffed as f64),
            merged,
        );
        // What staffing costs: the lane-hours a reform adds or saves.
        let days = rep.window_days();
        push(
            "lane_hours_per_day",
            &entity,
            (days > 0.0).then(|| staffed as f64 / 3_600_000.0 / days),
            merged,
        );
    }
    let population = scenario.population();
    for (c, class) in population.classes.iter().enumerate() {
        let t = rep.class_time_in_system(ClassId(c as u16));
        let entity = format!("class:{}", class.id);
        push("time_in_system_mean_s", &entity, seconds(&t, None), None);
        push(
            "time_in_system_p95_rep_s",
            &entity,
            seconds(&t, Some(0.95)),
            None,
        );
    }
    for (d, direction) in population.directions.iter().enumerate() {
        let shape = rep.shape;
        let t = rep
            .exit
            .merged(|k| shape.decode_system_cell(k).0.index() == d);
        let entity = format!("direction:{}", direction.id);
        push("time_in_system_mean_s", &entity, seconds(&t, None), None);
        push(
            "time_in_system_p95_rep_s",
            &entity,
            seconds(&t, Some(0.95)),
            None,
        );
        // The Time Release Study's measure: arrival to release, 0 s for a vehicle
        // released on arrival, whether or not a station releases.
        let r = release_tally(rep, Some(d));
        push("release_mean_s", &entity, seconds(&r, None), None);
    }
    let t = rep.time_in_system();
    push("time_in_system_mean_s", "system", seconds(&t, None), None);
    push(
        "time_in_system_p95_rep_s",
        "system",
        seconds(&t, Some(0.95)),
        None,
    );
    push(
        "release_mean_s",
        "system",
        seconds(&release_tally(rep, None), None),
        None,
    );
    for (c, class) in population.classes.iter().enumerate() {
        let (hours, value) = delay_per_day(scenario, rep, Some(c));
        let entity = format!("class:{}", class.id);
        push("delay_vehicle_hours_per_day", &entity, Some(hours), None);
        push("delay_value_per_day", &entity, Some(value), None);
    }
    let year = annualisation_days(scenario);
    let (hours, value) = delay_per_day(scenario, rep, None);
    push("delay_vehicle_hours_per_day", "system", Some(hours), None);
    push("delay_value_per_day", "system", Some(value), None);
    push(
        "delay_vehicle_hours_per_year",
        "system",
        Some(hours * year),
        None,
    );
    push("delay_value_per_year", "system", Some(value * year), None);
    // Costs and emissions, each separately, per day of the window; lane groups only where
    // a station has several.
    for (entity, a) in entity_amounts(scenario, &replication_costs(scenario, rep)) {
        let emits = !entity.starts_with("lane_group:");
        let pays = entity.starts_with("station:") || entity.starts_with("lane_group:");
        let travels = entity.starts_with("class:") || entity == "system";
        if travels {
            push(
                "resource_cost_per_day",
                &entity,
                Some(a.resource_cost),
                None,
            );
            push(
                "cargo_time_cost_per_day",
                &entity,
                Some(a.cargo_time_cost),
                None,
            );
        }
        if pays || entity == "system" {
            push("staff_cost_per_day", &entity, Some(a.staff_cost), None);
        }
        if emits {
            push("co2_kg_per_day", &entity, Some(a.co2_kg), None);
            push("nox_g_per_day", &entity, Some(a.nox_g), None);
            push("pm25_g_per_day", &entity, Some(a.pm25_g), None);
        }
        if entity == "system" {
            push(
                "time_and_cargo_cost_per_day",
                &entity,
                Some(a.resource_cost + a.cargo_time_cost),
                None,
            );
            push("total_cost_per_day", &entity, Some(a.total_cost()), None);
        }
    }
    // The vehicles that gave up waiting: their waits are in the delay above, their number here.
    let (per_day, share) = crate::report::abandonment_measures(rep);
    push("abandoned_per_day", "system", Some(per_day), None);
    push("abandoned_share", "system", share, None);
    // What a risk-management reform gives up or gains in detections, beside the time it saves.
    for (metric, entity, value) in
        crate::report::costs::detections::detection_measures(scenario, rep)
    {
        push(metric, &entity, Some(value), None);
    }
    // Booked slots: the waiting area, the road queue and the bookings, per booking system.
    for (metric, entity, value) in crate::report::appointments::appointment_measures(scenario, rep)
    {
        push(metric, &entity, value, None);
    }
    for (metric, entity, value) in
        crate::report::appointments::absent_appointment_measures(scenario, rep, others)
    {
        push(
            metric,
            &entity,
            value,
            Some(crate::report::appointments::ABSENT_NOTE),
        );
    }
    out
}
