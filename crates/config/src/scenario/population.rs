//! `[[classes]]`: vehicle length, priority, programme shares, risk channels.

use std::collections::BTreeMap;

use bordersim_model::{
    DirectionId, IdleEmissions, PROBABILITY_SUM_TOLERANCE, StaffCostRate, VehicleClass,
};

use super::shape::Document;
use super::{Cx, Names};
use crate::raw::{RawChannels, RawClass};
use crate::spans::{child, index};
use crate::units::format_number;

fn is_probability(p: f64) -> bool {
    p.is_finite() && (0.0..=1.0).contains(&p)
}

/// Builds a class. Values found wrong are reported and replaced by usable ones (normalised
/// shares, the defaults), so that the structural checks can still run on the rest.
pub(super) fn class(
    cx: &mut Cx<'_>,
    i: usize,
    raw: &RawClass,
    programmes: &Names<'_>,
    directions: &Names<'_>,
    stations: &Names<'_>,
    programme_count: usize,
) -> VehicleClass {
    let path = index("classes", i);
    // Defaults: 10 m, priority 0, programme `none`, all green, no random inspection.
    let mut class = VehicleClass::simple(raw.id.clone(), programme_count);
    scalars(cx, &path, raw, &mut class);
    class.pre_lodged_release_on_arrival = raw.pre_lodged_release_on_arrival.unwrap_or(true);
    if let Some(names) = &raw.pre_lodged_directions {
        let field = child(&path, "pre_lodged_directions");
        if names.is_empty() {
            cx.error(
                &field,
                "name at least one direction, or leave pre_lodged_directions out for every \
                 direction",
            );
        }
        let mut ids = Vec::with_capacity(names.len());
        for (k, name) in names.iter().enumerate() {
            match directions.resolve(name, &[]) {
                Ok(d) => ids.push(DirectionId(d as u8)),
                Err(Some(message)) => cx.error(&index(&field, k), message),
                Err(None) => {}
            }
        }
        class.pre_lodged_directions = Some(ids);
    }
    if let Some(shares) = &raw.programmes
        && let Some(values) = programme_shares(cx, &path, shares, programmes, programme_count)
    {
        class.programme_shares = values;
    }
    channels(cx, &path, raw, programmes, &mut class);
    costs(cx, &path, raw, &mut class);
    class.patience = super::patience::patience(cx, &path, raw, stations);
    class
}

/// The largest money amount or rate a file may state (per vehicle-hour, per vehicle, per
/// staffed lane-hour): a billion units of the currency. Far above any real cost (ATRI's
/// 2023 trucking cost is about $91 an hour) and small enough that a year of costs stays a
/// number a table prints in full.
pub(crate) const MAX_MONEY_RATE: f64 = 1e9;

/// The largest idle emission rate a file may state, grams per vehicle-hour: ten tonnes an
/// hour, a thousand times a heavy diesel truck's idle CO2 (about 8 kg an hour, EPA MOVES).
pub(crate) const MAX_EMISSION_G_PER_H: f64 = 1e7;

/// A money amount or rate that must be finite, not negative and at most `max`; `None`
/// (reported) if not.
fn non_negative(
    cx: &mut Cx<'_>,
    path: &str,
    key: &str,
    v: f64,
    (what, max): (&str, f64),
) -> Option<f64> {
    if v.is_finite() && v > max {
        cx.error(
            &child(path, key),
            format!(
                "{key} is {} {what}, more than the largest accepted, {}: check the \
                 value and its unit",
                if v < 1e15 {
                    format_number(v)
                } else {
                    format!("{v:e}")
                },
                format_number(max)
            ),
        );
        None
    } else if v.is_finite() && v >= 0.0 {
        Some(v)
    } else {
        cx.error(
            &child(path, key),
            format!(
                "{key} is {what}: use zero or more, got {}",
                format_number(v)
            ),
        );
        None
    }
}

/// The class's appraisal costs and idle emissions into `class`; a value found wrong is
/// reported and the default kept.
fn costs(cx: &mut Cx<'_>, path: &str, raw: &RawClass, class: &mut VehicleClass) {
    let money = [
        (
            raw.resource_cost_per_h,
            "resource_cost_per_h",
            ("money per vehicle-hour", MAX_MONEY_RATE),
            &mut class.resource_cost_per_h,
        ),
        (
            raw.cargo_value_per_vehicle,
            "cargo_value_per_vehicle",
            ("money per vehicle", MAX_MONEY_RATE),
            &mut class.cargo_value_per_vehicle,
        ),
    ];
    for (v, key, what, slot) in money {
        if let Some(v) = v.and_then(|v| non_negative(cx, path, key, v, what)) {
            *slot = v;
        }
    }
    if let Some(p) = raw.cargo_time_cost_share_per_day {
        if is_probability(p) {
            class.cargo_time_cost_share_per_day = p;
            // The share prices the goods' value, so without a value it prices nothing.
            if p > 0.0 && raw.cargo_value_per_vehicle.is_none() {
                cx.warn(
                    &child(path, "cargo_time_cost_share_per_day"),
                    "cargo_time_cost_share_per_day is set but cargo_value_per_vehicle is \
                     not: the cargo's time cost is a share of the goods' value, so it is 0 \
                     when this file runs on its own; state the class's \
                     cargo_value_per_vehicle (in a region, the demand's cargo_value prices \
                     it)",
                );
            }
        } else {
            cx.error(
                &child(path, "cargo_time_cost_share_per_day"),
                format!(
                    "cargo_time_cost_share_per_day is a share of the goods' value per day \
                     (e.g. 0.006 for 0.6%): use a value between 0 and 1, got {}",
                    format_number(p)
                ),
            );
        }
    }
    if let Some(name) = &raw.idle_emissions {
        match IdleEmissions::named(name) {
            Some(e) => class.idle_emissions = e,
            None => {
                let known: Vec<&str> = IdleEmissions::NAMED.iter().map(|(n, _)| *n).collect();
                cx.error(
                    &child(path, "idle_emissions"),
                    format!(
                        "idle_emissions `{name}` is not a profile: use one of {}",
                        known.join(", ")
                    ),
                );
            }
        }
    }
    let e = &mut class.idle_emissions;
    let rates = [
        (raw.idle_co2_g_per_h, "idle_co2_g_per_h", &mut e.co2_g_per_h),
        (raw.idle_nox_g_per_h, "idle_nox_g_per_h", &mut e.nox_g_per_h),
        (
            raw.idle_pm25_g_per_h,
            "idle_pm25_g_per_h",
            &mut e.pm25_g_per_h,
        ),
    ];
    for (v, key, slot) in rates {
        if let Some(v) = v.and_then(|v| {
            non_negative(
                cx,
                path,
                key,
                v,
                ("grams per vehicle-hour", MAX_EMISSION_G_PER_H),
            )
        }) {
            *slot = v;
        }
    }
}

/// The staff cost per lane-hour of every station and lane group that states one; a value
/// found wrong is reported and left out.
pub(super) fn staff_costs(cx: &mut Cx<'_>, doc: &Document) -> Vec<StaffCostRate> {
    let mut out = Vec::new();
    for (i, item) in doc.stations.iter().enumerate() {
        let Some(raw) = &item.raw else { continue };
        let path = index("stations", i);
        const WHAT: (&str, f64) = ("money per staffed lane-hour", MAX_MONEY_RATE);
        const KEY: &str = "staff_cost_per_lane_h";
        if let Some(v) = raw
            .staff_cost_per_lane_h
            .and_then(|v| non_negative(cx, &path, KEY, v, WHAT))
        {
            out.push(StaffCostRate {
                station: raw.id.clone(),
                lane_group: None,
                per_lane_h: v,
            });
        }
        for (g, group) in raw.lanes.iter().flatten().enumerate() {
            let gpath = index(&child(&path, "lanes"), g);
            if let Some(v) = group
                .staff_cost_per_lane_h
                .and_then(|v| non_negative(cx, &gpath, KEY, v, WHAT))
            {
                out.push(StaffCostRate {
                    station: raw.id.clone(),
                    lane_group: Some(group.id.clone()),
                    per_lane_h: v,
                });
            }
        }
    }
    out
}

/// The class's single values (length, priority, value of time, random inspection,
/// pre-lodged share) into `class`; a value found wrong is reported and the default kept.
fn scalars(cx: &mut Cx<'_>, path: &str, raw: &RawClass, class: &mut VehicleClass) {
    if let Some(length) = raw.length_m {
        if length.is_finite() && length > crate::units::MAX_VEHICLE_LENGTH_M {
            cx.error(
                &child(path, "length_m"),
                format!(
                    "length_m is {} m; a vehicle is at most {} m long (the metres of road one \
                     vehicle takes in a queue: e.g. 20 for a truck, 5 for a car)",
                    format_number(length),
                    format_number(crate::units::MAX_VEHICLE_LENGTH_M)
                ),
            );
        } else if length.is_finite() && length > 0.0 {
            class.length_m = length;
        } else {
            cx.error(
                &child(path, "length_m"),
                format!(
                    "length_m must be positive: the metres of road one vehicle takes in a queue \
                     (e.g. 20 for a truck, 5 for a car), got {}",
                    format_number(length)
                ),
            );
        }
    }
    if let Some(priority) = raw.priority {
        match u8::try_from(priority) {
            Ok(p) => class.priority = p,
            Err(_) => cx.error(
                &child(path, "priority"),
                format!(
                    "priority must be between 0 and 255 (higher is served first within a \
                     queue; 0 is ordinary), got {priority}"
                ),
            ),
        }
    }
    if let Some(v) = raw.value_of_time_per_h {
        if v.is_finite() && v >= 0.0 {
            class.value_of_time_per_h = v;
        } else {
            cx.error(
                &child(path, "value_of_time_per_h"),
                format!(
                    "value_of_time_per_h is money per vehicle-hour: use zero or more, got {}",
                    format_number(v)
                ),
            );
        }
    }
    if let Some(p) = raw.random_inspection {
        if is_probability(p) {
            class.random_inspection = p;
        } else {
            cx.error(
                &child(path, "random_inspection"),
                format!(
                    "random_inspection is a probability: use a value between 0 and 1, got {}",
                    format_number(p)
                ),
            );
        }
    }
    if let Some(p) = raw.pre_lodged_share {
        if is_probability(p) {
            class.pre_lodged_share = p;
        } else {
            cx.error(
                &child(path, "pre_lodged_share"),
                format!(
                    "pre_lodged_share is a share of shipments: use a value between 0 and 1, got {}",
                    format_number(p)
                ),
            );
        }
    }
}

/// The programme shares of class `path`, indexed by programme: as written when they are
/// valid, normalised when only their sum is off, `None` when unusable (each problem
/// reported).
fn programme_shares(
    cx: &mut Cx<'_>,
    path: &str,
    shares: &BTreeMap<String, f64>,
    programmes: &Names<'_>,
    programme_count: usize,
) -> Option<Vec<f64>> {
    let shares_path = child(path, "programmes");
    let mut values = vec![0.0; programme_count];
    let mut ok = true;
    for (name, &share) in shares {
        let p = child(&shares_path, name);
        match programmes.resolve(name, &[]) {
            Ok(k) => values[k] = share,
            Err(message) => {
                cx.structure_ok = false;
                ok = false;
                if let Some(message) = message {
                    cx.error_at_key(&p, message);
                }
            }
        }
        if !is_probability(share) {
            cx.error(
                &p,
                format!(
                    "the share of programme `{name}` must be between 0 and 1, got {}",
                    format_number(share)
                ),
            );
            ok = false;
        }
    }
    let sum: f64 = values.iter().sum();
    if ok && (sum - 1.0).abs() > PROBABILITY_SUM_TOLERANCE {
        let hint = if sum < 1.0 && !shares.contains_key("none") {
            format!(
                "; vehicles in no programme are not implied: add none = {}",
                format_number(1.0 - sum)
            )
        } else {
            String::new()
        };
        cx.error(
            &shares_path,
            format!(
                "programme shares sum to {}, not 1{hint}",
                format_number(sum)
            ),
        );
        ok = false;
    }
    if ok {
        Some(values)
    } else if ok_to_normalise(&values) {
        let sum: f64 = values.iter().sum();
        Some(values.iter().map(|v| v / sum).collect())
    } else {
        None
    }
}

/// The channel probabilities of class `path` (`channels`, then `channels_by_programme`)
/// into `class`.
fn channels(
    cx: &mut Cx<'_>,
    path: &str,
    raw: &RawClass,
    programmes: &Names<'_>,
    class: &mut VehicleClass,
) {
    if let Some(channels) = &raw.channels {
        let split = channel_split(cx, &child(path, "channels"), channels);
        for c in &mut class.channel_probabilities {
            *c = split;
        }
    }
    let by_programme_path = child(path, "channels_by_programme");
    for (name, channels) in &raw.channels_by_programme {
        let p = child(&by_programme_path, name);
        let split = channel_split(cx, &p, channels);
        match programmes.resolve(name, &[]) {
            Ok(k) => class.channel_probabilities[k] = split,
            Err(message) => {
                cx.structure_ok = false;
                if let Some(message) = message {
                    cx.error_at_key(&p, message);
                }
            }
        }
    }
}

fn ok_to_normalise(values: &[f64]) -> bool {
    values.iter().all(|v| is_probability(*v)) && values.iter().sum::<f64>() > 0.0
}

/// `[green, yellow, red]`; a channel left out has probability 0.
fn channel_split(cx: &mut Cx<'_>, path: &str, raw: &RawChannels) -> [f64; 3] {
    let named = [
        ("green", raw.green),
        ("yellow", raw.yellow),
        ("red", raw.red),
    ];
    let mut split = [0.0; 3];
    let mut ok = true;
    for (k, (name, value)) in named.iter().enumerate() {
        if let Some(v) = *value {
            if is_probability(v) {
                split[k] = v;
            } else {
                cx.error(
                    &child(path, name),
                    format!(
                        "the probability of the {name} channel must be between 0 and 1, got {}",
                        format_number(v)
                    ),
                );
                ok = false;
            }
        }
    }
    let sum: f64 = split.iter().sum();
    if ok && (sum - 1.0).abs() > PROBABILITY_SUM_TOLERANCE {
        let terms = named
            .iter()
            .filter_map(|(name, v)| v.map(|v| format!("{name} {}", format_number(v))))
            .collect::<Vec<_>>()
            .join(" + ");
        let terms = if terms.is_empty() {
            "no channel is given".to_owned()
        } else {
            terms
        };
        cx.error(
            path,
            format!(
                "channel probabilities sum to {} ({terms}), not 1; a channel left out has \
                 probability 0",
                format_number(sum)
            ),
        );
        ok = false;
    }
    if ok {
        split
    } else if ok_to_normalise(&split) {
        let sum: f64 = split.iter().sum();
        split.map(|v| v / sum)
    } else {
        [1.0, 0.0, 0.0]
    }
}

#[cfg(test)]
mod cost_tests {
    use bordersim_model::{IdleEmissions, StaffCostRate};

    use crate::tests::{check, check_one, edit, ok};

    #[test]
    fn class_costs_and_emission_profile_with_an_override() {
        let input = edit(
            "id = \"truck\"\n",
            "id = \"truck\"\nresource_cost_per_h = 91.27\ncargo_value_per_vehicle = \
             50000\ncargo_time_cost_share_per_day = 0.006\nidle_emissions = \
             \"heavy_duty_diesel_truck\"\nidle_nox_g_per_h = 20.0\n",
        );
        let loaded = ok(&input);
        let truck = &loaded.scenario.population().classes[0];
        assert_eq!(truck.resource_cost_per_h, 91.27);
        assert_eq!(truck.cargo_value_per_vehicle, 50_000.0);
        assert_eq!(truck.cargo_time_cost_share_per_day, 0.006);
        let e = truck.idle_emissions;
        assert_eq!(
            e.co2_g_per_h,
            IdleEmissions::HEAVY_DUTY_DIESEL_TRUCK.co2_g_per_h
        );
        assert_eq!(e.nox_g_per_h, 20.0);
        assert_eq!(
            e.pm25_g_per_h,
            IdleEmissions::HEAVY_DUTY_DIESEL_TRUCK.pm25_g_per_h
        );
        // Left out: no cost, no emissions.
        let car = &loaded.scenario.population().classes[1];
        assert_eq!(car.resource_cost_per_h, 0.0);
        assert_eq!(car.idle_emissions, IdleEmissions::NONE);
    }

    #[test]
    fn a_vehicle_longer_than_any_road_vehicle_is_refused_with_the_limit() {
        // Queued millimetres are summed in 64 bits: 1e300 m would overflow them.
        for length in ["1e300", "1000.5"] {
            let input = edit(
                "id = \"truck\"\n",
                &format!("id = \"truck\"\nlength_m = {length}\n"),
            );
            check(&input, &["classes[0].length_m", "at most 1000 m long"]);
        }
        let input = edit("id = \"truck\"\n", "id = \"truck\"\nlength_m = 1000\n");
        assert_eq!(ok(&input).scenario.population().classes[0].length_m, 1000.0);
    }

    #[test]
    fn wrong_costs_are_reported() {
        let input = edit(
            "id = \"truck\"\n",
            "id = \"truck\"\nresource_cost_per_h = -1\n",
        );
        check(&input, &["classes[0].resource_cost_per_h", "zero or more"]);
        let input = edit(
            "id = \"truck\"\n",
            "id = \"truck\"\ncargo_time_cost_share_per_day = 1.5\n",
        );
        check(
            &input,
            &["cargo_time_cost_share_per_day", "between 0 and 1"],
        );
        let input = edit(
            "id = \"truck\"\n",
            "id = \"truck\"\nidle_emissions = \"lorry\"\n",
        );
        check(
            &input,
            &["`lorry` is not a profile", "heavy_duty_diesel_truck"],
        );
        let input = edit(
            "id = \"truck\"\n",
            "id = \"truck\"\nidle_pm25_g_per_h = -0.1\n",
        );
        check(&input, &["idle_pm25_g_per_h", "zero or more"]);
        let input = edit("servers = 1\n", "servers = 1\nstaff_cost_per_lane_h = -5\n");
        check(
            &input,
            &["stations[1].staff_cost_per_lane_h", "zero or more"],
        );
    }

    /// Every money and emission rate above its bound is refused, located, with the bound;
    /// the bound itself is accepted.
    #[test]
    fn absurd_rates_are_refused_with_the_largest_accepted() {
        for key in ["resource_cost_per_h", "cargo_value_per_vehicle"] {
            for v in ["1e300", "1000000001"] {
                let input = edit(
                    "id = \"truck\"\n",
                    &format!("id = \"truck\"\n{key} = {v}\n"),
                );
                check_one(
                    &input,
                    &format!("classes[0].{key}"),
                    &["largest accepted, 1000000000", "test.toml:"],
                );
            }
            let input = edit(
                "id = \"truck\"\n",
                &format!("id = \"truck\"\n{key} = 1e9\n"),
            );
            ok(&input);
        }
        for key in ["idle_co2_g_per_h", "idle_nox_g_per_h", "idle_pm25_g_per_h"] {
            let input = edit(
                "id = \"truck\"\n",
                &format!("id = \"truck\"\n{key} = 1e300\n"),
            );
            check_one(
                &input,
                &format!("classes[0].{key}"),
                &["largest accepted, 10000000", "grams per vehicle-hour"],
            );
        }
        let input = edit(
            "servers = 1\n",
            "servers = 1\nstaff_cost_per_lane_h = 1e300\n",
        );
        check_one(
            &input,
            "stations[1].staff_cost_per_lane_h",
            &["largest accepted, 1000000000", "staffed lane-hour"],
        );
        let input = edit(
            "servers = 1\n",
            "lanes = [{ id = \"a\", servers = 1, staff_cost_per_lane_h = 2e9 }]\n",
        );
        check_one(
            &input,
            "stations[1].lanes[0].staff_cost_per_lane_h",
            &["largest accepted"],
        );
    }

    /// A cargo share without a cargo value prices nothing: a warning located at the share;
    /// none with the value, or with a share of 0.
    #[test]
    fn a_cargo_share_without_a_cargo_value_is_warned_at_the_share() {
        let input = edit(
            "id = \"truck\"\n",
            "id = \"truck\"\ncargo_time_cost_share_per_day = 0.006\n",
        );
        let loaded = ok(&input);
        let found: Vec<_> = loaded
            .warnings
            .iter()
            .filter(|w| w.path == "classes[0].cargo_time_cost_share_per_day")
            .collect();
        assert_eq!(found.len(), 1, "{:?}", loaded.warnings);
        let text = found[0].to_string();
        assert!(text.contains("cargo_value_per_vehicle is not"), "{text}");
        assert!(text.contains("test.toml:"), "{text}");
        for quiet in [
            "cargo_time_cost_share_per_day = 0.006\ncargo_value_per_vehicle = 50000\n",
            "cargo_time_cost_share_per_day = 0\n",
        ] {
            let input = edit("id = \"truck\"\n", &format!("id = \"truck\"\n{quiet}"));
            let loaded = ok(&input);
            assert!(
                !loaded.warnings.iter().any(|w| w.path.contains("cargo")),
                "{:?}",
                loaded.warnings
            );
        }
    }

    #[test]
    fn staff_costs_by_station_and_lane_group() {
        let input = edit(
            "servers = 1\n",
            "staff_cost_per_lane_h = 55.0\nlanes = [\n  { id = \"a\", servers = 1 },\n  { id \
             = \"b\", servers = 1, staff_cost_per_lane_h = 80.0 },\n]\n",
        );
        let loaded = ok(&input);
        let rates = loaded.scenario.crossing.staff_costs();
        assert_eq!(StaffCostRate::lookup(rates, "xray", "a"), 55.0);
        assert_eq!(StaffCostRate::lookup(rates, "xray", "b"), 80.0);
        assert_eq!(StaffCostRate::lookup(rates, "primary", "general"), 0.0);
    }
}
