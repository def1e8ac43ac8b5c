//! The `[[classes]]` entries: what each class's demand takes when its own entry says
//! nothing (value of time, cargo value, elasticity, hourly profile).

use super::raw::RawRegionClass;
use super::values::{elasticity, non_negative, profile};
use crate::diagnostic::Collector;
use crate::spans::{child, index};

/// A class's defaults for its demand.
pub(super) struct ClassDefaults {
    /// Value of time, per vehicle-hour.
    pub(super) vot: Option<f64>,
    /// Cargo value per vehicle.
    pub(super) cargo: f64,
    /// Relative change in volume per day of border delay.
    pub(super) elasticity: f64,
    /// Hour-of-day shares (sum 1), midnight first.
    pub(super) profile: Option<[f64; 24]>,
}

/// `[[classes]]`, with `region_elasticity` for the classes that give none.
pub(super) fn class_defaults(
    cx: &mut Collector<'_>,
    classes: &[RawRegionClass],
    region_elasticity: f64,
) -> Vec<ClassDefaults> {
    let mut class_defaults = Vec::new();
    for (k, class) in classes.iter().enumerate() {
        let path = index("classes", k);
        let vot = class.value_of_time_per_h.map(|v| {
            non_negative(
                cx,
                &child(&path, "value_of_time_per_h"),
                v,
                "the value of time",
            )
        });
        let cargo = class.cargo_value.map_or(0.0, |v| {
            non_negative(cx, &child(&path, "cargo_value"), v, "the cargo value")
        });
        let e = class.elasticity_per_day.map_or(region_elasticity, |e| {
            elasticity(cx, &child(&path, "elasticity_per_day"), e)
        });
        let shape = class
            .profile
            .as_ref()
            .and_then(|w| profile(cx, &child(&path, "profile"), w));
        class_defaults.push(ClassDefaults {
            vot,
            cargo,
            elasticity: e,
            profile: shape,
        });
    }
    class_defaults
}
