//! Tidy CSV: one row per entity and statistic, `scenario,entity_type,entity,statistic,value`,
//! times in seconds. Missing values (a confidence interval from one replication, a
//! percentile of nothing) are empty cells, which pandas and polars read as null. Every value
//! is a number except the `direction` statistic of a station, which names its direction, and
//! the `kind` of a recovery event.
//!
//! Entity types and their entities:
//!
//! | entity_type    | entity                                    |
//! |----------------|-------------------------------------------|
//! | `system`       | `all`                                     |
//! | `vehicles`     | `all`                                     |
//! | `station`      | station id                                |
//! | `lane_group`   | `station/group`                           |
//! | `class`        | class id                                  |
//! | `direction`    | direction id                              |
//! | `trs_interval` | `interval|dimension|segment`              |
//! | `trs_hourly`   | `direction|hour` (hour of arrival, 0..23) |
//! | `channel`      | `green`, `yellow` or `red`                |
//! | `economics`    | class id, `all` or `waiting_area:<booking id>` |
//! | `cost`         | `class:<id>`, `direction:<id>`, `station:<id>`, `lane_group:<station>/<group>`, `system` |
//! | `emission`     | as `cost`, without lane groups            |
//! | `detection`    | `<channel>/<selection>` or `system`       |
//! | `appointment`  | booking system id                         |
//! | `recovery`     | `all`, `event|<i>` (the scenario's events in order) or `hour|<h>` (hour of the run from time zero) |
//! | `hourly_group` | `station/lane_group/class/programme|hour` (`all` for every one; hour of joining the queue) |
//! | `open_lanes`   | `station/lane_group|hour` (`all`: every lane group of the station; hour of the day) |
//! | `performance`  | `all`                                     |

use anyhow::{Context, Result};
use bordersim_experiment::{DelayStats, Report};

/// The entity of rows that describe the whole run rather than one station or class.
const WHOLE_RUN: &str = "all";

/// The report as tidy CSV, rows in the order of the table above.
///
/// # Errors
///
/// When the CSV cannot be assembled.
pub fn render(report: &Report) -> Result<Vec<u8>> {
    let mut rows = Rows { rows: Vec::new() };
    system_rows(&mut rows, report);
    station_rows(&mut rows, report);
    class_and_direction_rows(&mut rows, report);
    trs_rows(&mut rows, report);
    hourly_group_rows(&mut rows, report);
    open_lanes_rows(&mut rows, report);
    economics_rows(&mut rows, report);
    costs_rows(&mut rows, report);
    appointment_rows(&mut rows, report);
    abandonment_rows(&mut rows, report);
    recovery_rows(&mut rows, report);
    performance_rows(&mut rows, report);

    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(["scenario", "entity_type", "entity", "statistic", "value"])
        .context("cannot write CSV")?;
    for row in &rows.rows {
        writer
            .write_record([
                report.scenario.as_str(),
                row.entity_type,
                row.entity.as_str(),
                row.statistic.as_str(),
                row.value.to_string().as_str(),
            ])
            .context("cannot write CSV")?;
    }
    writer.into_inner().context("cannot write CSV")
}

/// The whole run (`system`) and the vehicle counts (`vehicles`).
fn system_rows(rows: &mut Rows, report: &Report) {
    rows.push("system", WHOLE_RUN, "seed", Value::Int(report.seed));
    rows.push(
        "system",
        WHOLE_RUN,
        "replications",
        Value::Int(report.replications.into()),
    );
    rows.push(
        "system",
        WHOLE_RUN,
        "horizon_s",
        Value::Float(report.horizon_s),
    );
    rows.push(
        "system",
        WHOLE_RUN,
        "warmup_s",
        Value::Float(report.warmup_s),
    );
    rows.delay(
        "system",
        WHOLE_RUN,
        "time_in_system",
        &report.system.time_in_system,
    );
    rows.delay("system", WHOLE_RUN, "release", &report.system.release);

    let v = &report.vehicles;
    for (statistic, n) in [
        ("arrived", v.arrived),
        ("departed", v.departed),
        ("balked", v.balked),
        ("in_system_at_start", v.in_system_at_start),
        ("in_system_at_end", v.in_system_at_end),
    ] {
        rows.push("vehicles", WHOLE_RUN, statistic, Value::Int(n));
    }
}

/// Reneging (only when some class has a patience): the vehicles that gave up, in all and
/// per station and class (entity `station:class`), with their waits.
fn abandonment_rows(rows: &mut Rows, report: &Report) {
    if report.abandonment.is_empty() {
        return;
    }
    rows.push(
        "vehicles",
        WHOLE_RUN,
        "abandoned",
        Value::Int(report.vehicles.abandoned),
    );
    for a in &report.abandonment {
        let entity = format!("{}:{}", a.station, a.class);
        rows.push("abandonment", &entity, "abandoned", Value::Int(a.abandoned));
        rows.push("abandonment", &entity, "served", Value::Int(a.served));
        rows.push("abandonment", &entity, "share", Value::Float(a.share));
        rows.push(
            "abandonment",
            &entity,
            "share_ci95",
            Value::opt(a.share_ci95),
        );
        rows.push("abandonment", &entity, "per_day", Value::Float(a.per_day));
        rows.push(
            "abandonment",
            &entity,
            "per_day_ci95",
            Value::opt(a.per_day_ci95),
        );
        rows.delay("abandonment", &entity, "wait", &a.wait);
    }
}

/// Stations and their lane groups.
fn station_rows(rows: &mut Rows, report: &Report) {
    for st in &report.stations {
        let id = st.id.as_str();
        rows.push(
            "station",
            id,
            "direction",
            Value::Text(st.direction.clone()),
        );
        rows.push("station", id, "servers", Value::Int(st.servers));
        rows.delay("station", id, "wait", &st.wait);
        rows.delay("station", id, "stage", &st.stage);
        rows.push("station", id, "utilization", Value::opt(st.utilization));
        rows.push(
            "station",
            id,
            "utilization_ci95",
            Value::opt(st.utilization_ci95),
        );
        rows.push(
            "station",
            id,
            "throughput_per_h",
            Value::Float(st.throughput_per_h),
        );
        rows.push(
            "station",
            id,
            "queue_length_mean",
            Value::Float(st.queue_length.mean),
        );
        rows.push(
            "station",
            id,
            "queue_length_ci95",
            Value::opt(st.queue_length.ci95),
        );
        rows.push(
            "station",
            id,
            "queue_length_max",
            Value::Int(st.queue_length.max),
        );
        rows.push("station", id, "offered_load", Value::Float(st.offered_load));
        rows.push("station", id, "lane_hours", Value::Float(st.lane_hours));
        let s = &st.spillback;
        rows.push("station", id, "spillback_vehicles", Value::Int(s.vehicles));
        rows.push("station", id, "spillback_balked", Value::Int(s.balked));
        rows.push(
            "station",
            id,
            "spillback_outside_at_end",
            Value::Int(s.outside_at_end),
        );
        rows.delay("station", id, "time_outside", &s.time_outside);
        rows.push(
            "station",
            id,
            "queue_km_mean",
            Value::Float(s.queue_km_mean),
        );
        rows.push("station", id, "queue_km_max", Value::Float(s.queue_km_max));
        rows.push(
            "station",
            id,
            "passed_without_stopping",
            Value::Int(st.passed_without_stopping),
        );
        let b = &st.blocking;
        let held = &b.time_held;
        rows.push("station", id, "blocked_vehicles", Value::Int(held.count));
        for (statistic, value) in [
            ("time_held_mean_s", held.mean_s),
            ("time_held_p95_s", held.p95_s),
            ("time_held_max_s", held.max_s),
        ] {
            rows.push("station", id, statistic, Value::opt(value));
        }
        rows.push(
            "station",
            id,
            "blocked_lane_hours",
            Value::Float(b.lane_hours),
        );
        rows.push("station", id, "held_at_end", Value::Int(b.held_at_end));

        for g in &st.lane_groups {
            let entity = format!("{}/{}", st.id, g.id);
            for (statistic, value) in [
                ("servers_max", Value::Int(g.servers_max.into())),
                ("servers_mean", Value::Float(g.servers_mean)),
                ("lane_hours", Value::Float(g.lane_hours)),
                ("utilization", Value::opt(g.utilization)),
                ("utilization_ci95", Value::opt(g.utilization_ci95)),
                ("served", Value::Float(g.served)),
            ] {
                rows.push("lane_group", entity.as_str(), statistic, value);
            }
            if let (Some(opened), Some(closed)) = (g.rule_openings, g.rule_closings) {
                rows.push(
                    "lane_group",
                    entity.as_str(),
                    "rule_openings",
                    Value::Float(opened),
                );
                rows.push(
                    "lane_group",
                    entity.as_str(),
                    "rule_closings",
                    Value::Float(closed),
                );
            }
        }
    }
}

/// Vehicle classes and directions.
fn class_and_direction_rows(rows: &mut Rows, report: &Report) {
    for class in &report.classes {
        let id = class.id.as_str();
        rows.push("class", id, "arrived", Value::Int(class.arrived));
        rows.push("class", id, "count", Value::Int(class.count));
        rows.push("class", id, "balked", Value::Int(class.balked));
        rows.delay("class", id, "time_in_system", &class.time_in_system);
    }

    for d in &report.directions {
        let id = d.id.as_str();
        rows.push("direction", id, "arrived", Value::Int(d.arrived));
        rows.push("direction", id, "departed", Value::Int(d.departed));
        rows.delay("direction", id, "time_in_system", &d.time_in_system);
        rows.delay("direction", id, "release", &d.release);
    }
}

/// The Time Release Study: intervals, hourly profile, channels, pre-arrival processing.
fn trs_rows(rows: &mut Rows, report: &Report) {
    for i in &report.trs.intervals {
        let entity = format!("{}|{}|{}", i.interval, i.dimension, i.segment);
        rows.delay("trs_interval", entity.as_str(), "", &i.stats);
    }
    for h in &report.trs.hourly {
        let entity = format!("{}|{}", h.direction, h.hour);
        rows.push("trs_hourly", entity.as_str(), "count", Value::Int(h.count));
        // The JSON's statistics, intervals across replications included.
        for (statistic, value) in [
            ("mean_s", h.mean_s),
            ("mean_ci95_s", h.mean_ci95_s),
            ("p95_s", h.p95_s),
            ("p95_rep_mean_s", h.p95_rep_mean_s),
            ("p95_rep_mean_ci95_s", h.p95_rep_mean_ci95_s),
        ] {
            rows.push("trs_hourly", entity.as_str(), statistic, Value::opt(value));
        }
    }
    for c in &report.trs.channels {
        rows.push("channel", c.channel.as_str(), "count", Value::Int(c.count));
        rows.push(
            "channel",
            c.channel.as_str(),
            "share",
            Value::Float(c.share),
        );
    }

    for p in &report.trs.pre_arrival {
        let id = p.direction.as_str();
        rows.push("pre_arrival", id, "pre_lodged", Value::Int(p.pre_lodged));
        rows.push(
            "pre_arrival",
            id,
            "released_on_arrival",
            Value::Int(p.released_on_arrival),
        );
        rows.push(
            "pre_arrival",
            id,
            "share_released_on_arrival",
            Value::Float(p.share_released_on_arrival),
        );
    }
    for w in &report.trs.first_inspection {
        let id = w.direction.as_str();
        rows.push("first_inspection", id, "count", Value::Int(w.count));
        for (statistic, value) in [
            ("mean_s", w.mean_s),
            ("mean_ci95_s", w.mean_ci95_s),
            ("p95_s", w.p95_s),
            ("p95_rep_mean_s", w.p95_rep_mean_s),
            ("p95_rep_mean_ci95_s", w.p95_rep_mean_ci95_s),
            ("buffer_time_s", w.buffer_time_s),
            ("buffer_time_ci95_s", w.buffer_time_ci95_s),
            ("buffer_index", w.buffer_index),
        ] {
            rows.push("first_inspection", id, statistic, Value::opt(value));
        }
    }
}

/// The cost of delay per class (value of time per hour, vehicle-hours and value per day).
fn economics_rows(rows: &mut Rows, report: &Report) {
    for e in &report.economics {
        let id = e.id.as_str();
        if let Some(vot) = e.value_of_time_per_h {
            rows.push("economics", id, "value_of_time_per_h", Value::Float(vot));
        }
        for (statistic, value) in [
            (
                "delay_vehicle_hours_per_day",
                Some(e.delay_vehicle_hours_per_day),
            ),
            (
                "delay_vehicle_hours_per_day_ci95",
                e.delay_vehicle_hours_per_day_ci95,
            ),
            ("value_per_day", Some(e.value_per_day)),
            ("value_per_day_ci95", e.value_per_day_ci95),
            ("value_per_year", Some(e.value_per_year)),
        ] {
            rows.push("economics", id, statistic, Value::opt(value));
        }
    }
}

/// Costs (money per day with their 95% half-width, and per year), emissions (kg or g per
/// day) and detections (per day), each under a name that says its unit.
fn costs_rows(rows: &mut Rows, report: &Report) {
    use bordersim_experiment::costs::PerDay;
    let c = &report.costs;
    rows.push(
        "cost",
        "system",
        "annualisation_days",
        Value::Float(c.annualisation_days),
    );
    let per_day = |rows: &mut Rows, t: &'static str, e: &str, name: &str, p: &PerDay| {
        rows.push(t, e, format!("{name}_per_day"), Value::Float(p.per_day));
        rows.push(
            t,
            e,
            format!("{name}_per_day_ci95"),
            Value::opt(p.per_day_ci95),
        );
        rows.push(t, e, format!("{name}_per_year"), Value::Float(p.per_year));
    };
    for l in &c.costs {
        for (name, p) in [
            ("queue_vehicle_hours", &l.queue_vehicle_hours),
            ("resource_cost", &l.resource_cost),
            ("cargo_time_cost", &l.cargo_time_cost),
            ("lane_hours", &l.lane_hours),
            ("staff_cost", &l.staff_cost),
            ("total_cost", &l.total_cost),
        ] {
            per_day(rows, "cost", &l.entity, name, p);
        }
    }
    for l in &c.emissions {
        for (name, p) in [
            ("co2_kg", &l.co2_kg),
            ("nox_g", &l.nox_g),
            ("pm25_g", &l.pm25_g),
            ("stops_in_queue", &l.stops_in_queue),
            ("co2_kg_of_stops", &l.co2_kg_of_stops),
            ("nox_g_of_stops", &l.nox_g_of_stops),
            ("pm25_g_of_stops", &l.pm25_g_of_stops),
        ] {
            per_day(rows, "emission", &l.entity, name, p);
        }
    }
    let d = &c.detections;
    for k in &d.by_kind {
        let entity = format!("{}/{}", k.channel, k.selection);
        for (statistic, value) in [
            ("probability_of_finding", Some(k.probability_of_finding)),
            ("inspections_per_day", Some(k.inspections_per_day)),
            ("inspections_per_day_ci95", k.inspections_per_day_ci95),
            ("detections_per_day", Some(k.detections.per_day)),
            ("detections_per_day_ci95", k.detections.per_day_ci95),
        ] {
            rows.push("detection", &entity, statistic, Value::opt(value));
        }
    }
    for (statistic, value) in [
        ("inspections_per_day", Some(d.inspections_per_day)),
        ("detections_per_day", Some(d.detections.per_day)),
        ("detections_per_day_ci95", d.detections.per_day_ci95),
        ("detection_rate", Some(d.detection_rate)),
        ("detections_per_year", Some(d.detections_per_year)),
    ] {
        rows.push("detection", "system", statistic, Value::opt(value));
    }
}

/// The event count, then the speed of the run when it was measured (wall-clock seconds,
/// events per second, threads).
fn performance_rows(rows: &mut Rows, report: &Report) {
    rows.push(
        "performance",
        WHOLE_RUN,
        "events",
        Value::Int(report.events),
    );
    if let Some(p) = &report.performance {
        rows.push("performance", WHOLE_RUN, "wall_s", Value::Float(p.wall_s));
        rows.push(
            "performance",
            WHOLE_RUN,
            "events_per_s",
            Value::Float(p.events_per_s),
        );
        rows.push(
            "performance",
            WHOLE_RUN,
            "threads",
            Value::Int(p.threads as u64),
        );
    }
}

/// Booked arrival slots: per booking system, the counts, the time in the waiting area
/// (`area_*_s`), the vehicles in it and on the road (time-weighted means) and its value.
fn appointment_rows(rows: &mut Rows, report: &Report) {
    for a in &report.appointments {
        let e = a.id.as_str();
        for (statistic, n) in [
            ("booked", a.booked),
            ("area_full", a.area_full),
            ("no_slot", a.no_slot),
            ("in_area_max", a.in_area_max),
        ] {
            rows.push("appointment", e, statistic, Value::Int(n));
        }
        rows.delay("appointment", e, "area", &a.waiting_area);
        for (statistic, value) in [
            ("share", Some(a.share)),
            ("in_area_mean", Some(a.in_area_mean)),
            ("in_area_ci95", a.in_area_ci95),
            ("road_queue_mean", Some(a.road_queue_mean)),
            ("road_queue_ci95", a.road_queue_ci95),
            ("value_of_time_per_h", Some(a.value_of_time_per_h)),
            (
                "area_vehicle_hours_per_day",
                Some(a.area_vehicle_hours_per_day),
            ),
            (
                "area_vehicle_hours_per_day_ci95",
                a.area_vehicle_hours_per_day_ci95,
            ),
            ("area_value_per_day", Some(a.area_value_per_day)),
            ("area_value_per_day_ci95", a.area_value_per_day_ci95),
            ("area_value_per_year", Some(a.area_value_per_year)),
        ] {
            rows.push("appointment", e, statistic, Value::opt(value));
        }
    }
}

/// The recovery from the scenario's events (only with events): the extra vehicle-hours,
/// when the last event ends, when the crossing is back to normal for good (mean instant over
/// the replications back by the horizon, hours, with its interval), the time that took and
/// the share of replications not back; the same per event (first back after it); then the
/// extra vehicles in the crossing per hour of the run.
fn recovery_rows(rows: &mut Rows, report: &Report) {
    let Some(r) = &report.recovery else {
        return;
    };
    for (statistic, value) in [
        ("extra_vehicle_hours", Some(r.extra_vehicle_hours)),
        ("extra_vehicle_hours_ci95", r.extra_vehicle_hours_ci95),
        ("events_end_h", Some(r.events_end_h)),
    ] {
        rows.push("recovery", WHOLE_RUN, statistic, Value::opt(value));
    }
    back_rows(rows, WHOLE_RUN, &r.back);
    for (i, e) in r.events.iter().enumerate() {
        let entity = format!("event|{i}");
        rows.push("recovery", &entity, "kind", Value::Text(e.kind.to_owned()));
        rows.push("recovery", &entity, "from_h", Value::Float(e.from_h));
        rows.push("recovery", &entity, "to_h", Value::Float(e.to_h));
        back_rows(rows, &entity, &e.back);
    }
    for (h, (m, ci)) in r
        .extra_by_hour
        .iter()
        .zip(&r.extra_by_hour_ci95)
        .enumerate()
    {
        let entity = format!("hour|{h}");
        rows.push("recovery", &entity, "extra_vehicles", Value::Float(*m));
        rows.push("recovery", &entity, "extra_vehicles_ci95", Value::opt(*ci));
    }
}

/// When `entity` is back to normal: `recovered_h`, `recovery_h` with their intervals and
/// `not_recovered_share`.
fn back_rows(rows: &mut Rows, entity: &str, b: &bordersim_experiment::BackToNormal) {
    for (statistic, value) in [
        ("recovered_h", b.recovered_h),
        ("recovered_h_ci95", b.recovered_h_ci95),
        ("recovery_h", b.recovery_h),
        ("recovery_h_ci95", b.recovery_h_ci95),
        ("not_recovered_share", Some(b.not_recovered_share)),
    ] {
        rows.push("recovery", entity, statistic, Value::opt(value));
    }
}

/// Waits and throughput by hour for each station by lane group, class and programme.
fn hourly_group_rows(rows: &mut Rows, report: &Report) {
    for g in &report.hourly_groups {
        for h in &g.hours {
            let entity = format!(
                "{}/{}/{}/{}|{}",
                g.station, g.lane_group, g.class, g.programme, h.hour
            );
            let e = entity.as_str();
            rows.push("hourly_group", e, "count", Value::Int(h.count));
            for (statistic, value) in [
                ("wait_mean_s", h.wait_mean_s),
                ("wait_mean_ci95_s", h.wait_mean_ci95_s),
                ("wait_p95_s", h.wait_p95_s),
                ("wait_p95_ci95_s", h.wait_p95_ci95_s),
                ("throughput_per_h", h.throughput_per_h),
                ("throughput_ci95_per_h", h.throughput_ci95_per_h),
            ] {
                rows.push("hourly_group", e, statistic, Value::opt(value));
            }
        }
    }
}

/// Lanes actually open by hour of the day, per station (`all`) and lane group: what the
/// schedules, lane rules, outages and closures opened, time-weighted, mean over
/// replications with its interval.
fn open_lanes_rows(rows: &mut Rows, report: &Report) {
    for g in &report.open_lanes {
        for h in &g.hours {
            let entity = format!("{}/{}|{}", g.station, g.lane_group, h.hour);
            rows.push(
                "open_lanes",
                &entity,
                "lanes_mean",
                Value::opt(h.lanes_mean),
            );
            rows.push(
                "open_lanes",
                &entity,
                "lanes_ci95",
                Value::opt(h.lanes_ci95),
            );
        }
    }
}

/// One row of the CSV (the scenario column is the same for all).
struct Row {
    /// What kind of thing the row describes (the table in the module docs).
    entity_type: &'static str,
    /// Which one (station id, class id, …).
    entity: String,
    /// The statistic's name; `_s` ends names of times in seconds.
    statistic: String,
    /// Its value.
    value: Value,
}

/// The rows of the CSV, in order.
struct Rows {
    /// Every row so far.
    rows: Vec<Row>,
}

impl Rows {
    /// Appends one row.
    fn push(
        &mut self,
        entity_type: &'static str,
        entity: &str,
        statistic: impl Into<String>,
        value: Value,
    ) {
        self.rows.push(Row {
            entity_type,
            entity: entity.to_owned(),
            statistic: statistic.into(),
            value,
        });
    }

    /// The delay statistics under `prefix`: `{prefix}_mean_s`, `{prefix}_p95_s`, … (without
    /// a prefix: `mean_s`, `p95_s`, …).
    fn delay(&mut self, entity_type: &'static str, entity: &str, prefix: &str, d: &DelayStats) {
        let name = |statistic: &str| {
            if prefix.is_empty() {
                statistic.to_owned()
            } else {
                format!("{prefix}_{statistic}")
            }
        };
        for (statistic, value) in [
            ("mean_s", d.mean_s),
            ("ci95_s", d.ci95_s),
            ("p50_s", d.p50_s),
            ("p90_s", d.p90_s),
            ("p95_s", d.p95_s),
            ("p95_rep_mean_s", d.p95_rep_mean_s),
            ("p95_rep_mean_ci95_s", d.p95_rep_mean_ci95_s),
            ("p99_s", d.p99_s),
            ("min_s", d.min_s),
            ("max_s", d.max_s),
            ("buffer_time_s", d.buffer_time_s),
            ("buffer_index", d.buffer_index),
        ] {
            self.push(entity_type, entity, name(statistic), Value::opt(value));
        }
        self.push(entity_type, entity, name("count"), Value::Int(d.count));
    }
}

/// A cell of the `value` column.
enum Value {
    /// A count, a seed or another whole number.
    Int(u64),
    /// A name (a station's direction).
    Text(String),
    /// Written in Rust's shortest round-trip form; non-finite values become empty cells.
    Float(f64),
    /// No value (an empty cell).
    Missing,
}

impl Value {
    /// A float, or an empty cell when there is none.
    fn opt(v: Option<f64>) -> Value {
        v.map_or(Value::Missing, Value::Float)
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Int(n) => write!(f, "{n}"),
            Value::Text(s) => f.write_str(s),
            // -0.0 (a mean of differences that cancel) is written 0, never -0.
            Value::Float(x) if *x == 0.0 => f.write_str("0"),
            Value::Float(x) if x.is_finite() => write!(f, "{x}"),
            Value::Float(_) | Value::Missing => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_plain_numbers_or_empty() {
        assert_eq!(Value::Int(42).to_string(), "42");
        assert_eq!(Value::Float(0.25).to_string(), "0.25");
        assert_eq!(Value::Float(3.0).to_string(), "3");
        assert_eq!(Value::Float(f64::NAN).to_string(), "");
        assert_eq!(Value::Float(-0.0).to_string(), "0");
        assert_eq!(Value::opt(None).to_string(), "");
    }
}
