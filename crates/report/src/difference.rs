//! One difference of a comparison as people read it, shared by the comparison page and the
//! `compare` table of the command line: the metric's display unit (times in minutes,
//! utilisation in percent), each side present or not, the change and its interval in that
//! unit, and whether it is marked significant as printed. Each renderer only formats the
//! numbers.

use bordersim_experiment::{Difference, Status};

/// How a metric is shown: its label, unit, the factor from its stored unit and decimals.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    /// The metric for people.
    pub label: String,
    /// The unit shown.
    pub unit: &'static str,
    /// Shown value = stored value × `factor`.
    pub factor: f64,
    /// Decimals shown on the page.
    pub decimals: usize,
}

/// The display of `metric`: times (stored in seconds, `*_s`) in minutes, utilisation (a
/// share) in percent, lane-hours and vehicle-hours per day, money as it is.
pub fn unit(metric: &str) -> Unit {
    let (label, unit, factor, decimals) = if let Some(m) = metric.strip_suffix("_s") {
        (m.replace('_', " "), "min", 1.0 / 60.0, 2)
    } else {
        match metric {
            "utilization" => ("utilisation".into(), "%", 100.0, 1),
            "queue_length_mean" => ("queue length mean".into(), "vehicles", 1.0, 2),
            "lane_hours_per_day" => ("lane-hours per day".into(), "lane-h/day", 1.0, 1),
            "delay_vehicle_hours_per_day" => ("delay per day".into(), "vehicle-h/day", 1.0, 1),
            "delay_vehicle_hours_per_year" => ("delay per year".into(), "vehicle-h/year", 1.0, 0),
            "delay_value_per_day" => ("delay value per day".into(), "money/day", 1.0, 0),
            "delay_value_per_year" => ("delay value per year".into(), "money/year", 1.0, 0),
            "road_queue_mean" => ("road queue mean".into(), "vehicles", 1.0, 2),
            "booked_per_day" => ("bookings per day".into(), "vehicles/day", 1.0, 1),
            "not_booked_per_day" => ("not booked per day".into(), "vehicles/day", 1.0, 1),
            "waiting_area_vehicle_hours_per_day" => {
                ("waiting area per day".into(), "vehicle-h/day", 1.0, 1)
            }
            "waiting_area_value_per_day" => {
                ("waiting area value per day".into(), "money/day", 1.0, 0)
            }
            other => match other_unit(other) {
                Some((unit, factor, decimals)) => (other.replace('_', " "), unit, factor, decimals),
                None => (other.replace('_', " "), "", 1.0, 2),
            },
        }
    };
    Unit {
        label,
        unit,
        factor,
        decimals,
    }
}

/// The unit of every other metric `compare` measures (costs, emissions, inspections,
/// vehicles that gave up): (unit, factor, decimals); `None` for a metric not known here.
fn other_unit(metric: &str) -> Option<(&'static str, f64, usize)> {
    Some(match metric {
        // The vehicles that gave up waiting: how many a day and their share of arrivals.
        "abandoned_per_day" => ("vehicles/day", 1.0, 1),
        "abandoned_share" => ("%", 100.0, 2),
        "inspections_per_day" => ("inspections/day", 1.0, 1),
        "detections_per_day" => ("detections/day", 1.0, 2),
        "co2_kg_per_day" => ("kg/day", 1.0, 1),
        "nox_g_per_day" | "pm25_g_per_day" => ("g/day", 1.0, 1),
        m if m.ends_with("_cost_per_day") => ("money/day", 1.0, 0),
        m if m.ends_with("_cost_per_year") => ("money/year", 1.0, 0),
        // A count per day or year not listed above still says what it is per.
        m if m.ends_with("_per_day") => ("per day", 1.0, 2),
        m if m.ends_with("_per_year") => ("per year", 1.0, 0),
        _ => return None,
    })
}

/// One side of a difference (the baseline's or the variant's value).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Side {
    /// The value, in the display unit.
    Value(f64),
    /// The entity is not in that run.
    NotPresent,
    /// The entity is there but the run measured no value (e.g. no vehicle waited).
    NoValue,
}

/// One difference in its display unit, as every renderer prints it.
#[derive(Clone, Debug, PartialEq)]
pub struct DifferenceRow<'a> {
    /// The difference itself (entity, metric, replications, note).
    pub difference: &'a Difference,
    /// The metric's display unit.
    pub unit: Unit,
    /// The baseline's value.
    pub baseline: Side,
    /// The variant's value.
    pub variant: Side,
    /// Variant − baseline, the mean of the paired replications, in the display unit.
    pub change: Option<f64>,
    /// The half-width of the change's 95% interval, in the display unit.
    pub ci95: Option<f64>,
    /// The change relative to the baseline, in percent.
    pub relative_percent: Option<f64>,
    /// A discovery at false-discovery rate 5% whose change is non-zero as printed with the
    /// renderer's decimals and whose interval, as printed, excludes zero.
    pub marked: bool,
}

impl<'a> DifferenceRow<'a> {
    /// The row of `d` for a renderer that prints it with `decimals` decimals in the display
    /// unit (which decides whether it is marked).
    pub fn new(d: &'a Difference, decimals: usize) -> Self {
        let unit = unit(&d.metric);
        let factor = unit.factor;
        let side = |v: Option<f64>, absent: Status| match v {
            Some(v) => Side::Value(v * factor),
            None if d.status == absent => Side::NotPresent,
            None => Side::NoValue,
        };
        let p = 10f64.powi(decimals as i32);
        DifferenceRow {
            difference: d,
            baseline: side(d.baseline, Status::NotInBaseline),
            variant: side(d.variant, Status::NotInVariant),
            change: d.delta.map(|v| v * factor),
            ci95: d.ci95.map(|v| v * factor),
            relative_percent: d.relative.map(|r| 100.0 * r),
            marked: d.significant_as_printed(|v| (v * factor * p).round() / p),
            unit,
        }
    }

    /// The row of `d` as the page prints it (the unit's own decimals).
    pub fn on_page(d: &'a Difference) -> Self {
        Self::new(d, unit(&d.metric).decimals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn difference(metric: &str, delta: f64, ci95: f64) -> Difference {
        Difference {
            metric: metric.into(),
            entity: "system".into(),
            status: Status::Compared,
            baseline: Some(600.0),
            variant: Some(600.0 + delta),
            delta: Some(delta),
            ci95: Some(ci95),
            relative: Some(delta / 600.0),
            replications: 10,
            p_value: Some(0.0),
            significant_unadjusted: true,
            significant: true,
            note: None,
        }
    }

    #[test]
    fn a_change_that_rounds_to_zero_is_never_marked() {
        let page = |m, delta, ci| DifferenceRow::on_page(&difference(m, delta, ci)).marked;
        let table = |m, delta, ci| DifferenceRow::new(&difference(m, delta, ci), 2).marked;
        // -0.1 s is -0.00 min: not marked though significant.
        assert!(!page("wait_mean_s", -0.1, 0.0));
        // -0.6 s is -0.01 min against an interval of 0.00: marked.
        assert!(page("wait_mean_s", -0.6, 0.0));
        // Utilisation in percentage points with one decimal on the page: 0.0004 is 0.0
        // points; with two in the table, -0.00001 is -0.00 and -0.001 is -0.10.
        assert!(!page("utilization", 0.0004, 0.0));
        assert!(page("utilization", 0.002, 0.0));
        assert!(!table("utilization", -0.000_01, 0.0));
        assert!(table("utilization", -0.001, 0.0));
        // An interval reaching zero as printed: not marked.
        assert!(!page("wait_mean_s", -18.0, 18.0));
        let mut d = difference("wait_mean_s", -120.0, 6.0);
        assert!(DifferenceRow::on_page(&d).marked);
        d.significant = false;
        assert!(!DifferenceRow::on_page(&d).marked);
    }

    #[test]
    fn sides_are_in_the_display_unit_or_said_absent() {
        let mut d = difference("wait_mean_s", -60.0, 6.0);
        let row = DifferenceRow::on_page(&d);
        assert_eq!(row.baseline, Side::Value(10.0));
        assert_eq!(row.variant, Side::Value(9.0));
        assert_eq!(row.change, Some(-1.0));
        assert_eq!(row.ci95, Some(0.1));
        d.status = Status::NotInVariant;
        d.variant = None;
        assert_eq!(DifferenceRow::on_page(&d).variant, Side::NotPresent);
        d.status = Status::Compared;
        assert_eq!(DifferenceRow::on_page(&d).variant, Side::NoValue);
    }

    #[test]
    fn one_unit_per_quantity() {
        assert_eq!(unit("wait_mean_s").unit, "min");
        assert_eq!(unit("utilization").unit, "%");
        assert_eq!(unit("lane_hours_per_day").unit, "lane-h/day");
        assert_eq!(unit("delay_vehicle_hours_per_day").unit, "vehicle-h/day");
        // Booked slots: the waiting area in minutes, as the border wait.
        assert_eq!(unit("waiting_area_mean_s").unit, "min");
        assert_eq!(unit("road_queue_mean").unit, "vehicles");
        assert_eq!(unit("booked_per_day").unit, "vehicles/day");
        assert_eq!(unit("waiting_area_value_per_day").unit, "money/day");
        assert_eq!(unit("abandoned_per_day").unit, "vehicles/day");
        assert_eq!(unit("abandoned_share").unit, "%");
        assert_eq!(unit("resource_cost_per_day").unit, "money/day");
        assert_eq!(unit("co2_kg_per_day").unit, "kg/day");
        assert_eq!(unit("inspections_per_day").unit, "inspections/day");
    }

    #[test]
    fn every_metric_compare_measures_has_a_unit() {
        for metric in [
            "wait_mean_s",
            "wait_p95_rep_s",
            "queue_length_mean",
            "utilization",
            "lane_hours_per_day",
            "time_in_system_mean_s",
            "time_in_system_p95_rep_s",
            "release_mean_s",
            "delay_vehicle_hours_per_day",
            "delay_value_per_day",
            "delay_vehicle_hours_per_year",
            "delay_value_per_year",
            "resource_cost_per_day",
            "cargo_time_cost_per_day",
            "staff_cost_per_day",
            "co2_kg_per_day",
            "nox_g_per_day",
            "pm25_g_per_day",
            "time_and_cargo_cost_per_day",
            "total_cost_per_day",
            "inspections_per_day",
            "detections_per_day",
            "abandoned_per_day",
            "abandoned_share",
        ] {
            assert!(!unit(metric).unit.is_empty(), "{metric} has no unit");
        }
        assert_eq!(unit("pm25_g_per_day").unit, "g/day");
        assert_eq!(unit("total_cost_per_day").unit, "money/day");
        assert_eq!(unit("abandoned_share").factor, 100.0);
    }
}
