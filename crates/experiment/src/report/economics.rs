//! The cost of delay: vehicle-hours spent waiting per day, valued at each class's value of
//! time (the behavioural value; the resource cost used for appraisal is in `costs`).

use bordersim_model::{ClassId, ReplicationStats, Scenario};

use super::DelayCost;
use super::appointments::{area_hours_per_day, value_of_time};
use super::costs::annualisation_days;
use super::summarise::mean_ci;

/// Per replication, vehicle-hours of waiting per day of class `class` (all classes: `None`)
/// and their value.
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
        let h = rep.class_wait_ms(ClassId(c as u16)) as f64 / 3_600_000.0 / days;
        hours += h;
        value += h * cls.value_of_time_per_h;
    }
    (hours, value)
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
