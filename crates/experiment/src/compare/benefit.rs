//! The net benefit of a variant, and what it cannot say: a one-off event is not a yearly
//! figure, and what is not priced counts for nothing.
//!
//! **One-off events.** A variant whose dated events (`[[scenario.events]]`: outages,
//! closures, surges, holidays) differ from the baseline's differs by something that happens
//! once in the observation window, not every day of its kind. Annualising its per-day
//! difference by the day-of-week factor would count the event as recurring every week. So
//! its net benefit is given *per occurrence* — the total over the observation window, the
//! per-day figure × the window's days — and its per-year figure is null (not annualised);
//! its `*_per_year` differences carry a note saying so.
//!
//! **Not priced.** A station whose staffed lane-hours change but that has no staff cost rate
//! (`staff_cost_per_lane_h`), or a class whose delay changes but that has no resource cost
//! (`resource_cost_per_h`), is counted as 0 in the net benefit: `not_priced` names each.

use bordersim_model::{Scenario, StaffCostRate};
use serde::Serialize;

use super::Difference;

/// The net benefit of a variant, from the paired differences of its costs: positive when
/// the time and cargo cost it saves exceed the staff cost it adds. Per-year figures use the
/// baseline's [`annualisation_days`](crate::costs::annualisation_days).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NetBenefit {
    /// Resource and cargo time cost saved (baseline − variant), money per day.
    pub time_and_cargo_cost_saved_per_day: f64,
    /// Half-width of its 95% paired interval.
    pub time_and_cargo_cost_saved_per_day_ci95: Option<f64>,
    /// Staff cost added (variant − baseline), money per day.
    pub staff_cost_added_per_day: f64,
    /// Half-width of its 95% paired interval.
    pub staff_cost_added_per_day_ci95: Option<f64>,
    /// Saved minus added, money per day: baseline total cost − variant total cost.
    pub net_benefit_per_day: f64,
    /// Half-width of its 95% paired interval (from the paired differences of the total,
    /// not the sum of the parts' half-widths).
    pub net_benefit_per_day_ci95: Option<f64>,
    /// `net_benefit_per_day` × the baseline's annualisation days, money per year; null when
    /// the variant differs by one-off events (`annualised` false).
    pub net_benefit_per_year: Option<f64>,
    /// Half-width of the 95% interval of `net_benefit_per_year`.
    pub net_benefit_per_year_ci95: Option<f64>,
    /// Days per year used.
    pub annualisation_days: f64,
    /// Whether the per-day figures may be annualised: false when the variant's dated events
    /// differ from the baseline's (a one-off event does not recur every week).
    pub annualised: bool,
    /// Days of the observation window.
    pub window_days: f64,
    /// The net benefit over the whole observation window, money: the effect of one
    /// occurrence of the events the variant differs by (`net_benefit_per_day` ×
    /// `window_days`); null when `annualised`.
    pub net_benefit_per_occurrence: Option<f64>,
    /// Half-width of the 95% interval of `net_benefit_per_occurrence`.
    pub net_benefit_per_occurrence_ci95: Option<f64>,
    /// What changes but is counted as 0 because no rate prices it: a station whose staffed
    /// lane-hours change without a staff cost rate, a class whose delay changes without a
    /// resource cost per hour. One sentence each; empty when everything that changed is
    /// priced.
    pub not_priced: Vec<String>,
}

fn system(differences: &[Difference], metric: &str) -> Option<(f64, Option<f64>)> {
    differences
        .iter()
        .find(|d| d.metric == metric && d.entity == "system")
        .and_then(|d| Some((d.delta?, d.ci95)))
}

/// The net benefit read off a variant's differences (see [`NetBenefit`]); `days_per_year`
/// annualises it. Nothing is known here of the scenarios: the figures are annualised and
/// nothing is said to be unpriced (the comparison itself knows the scenarios).
pub fn net_benefit(differences: &[Difference], days_per_year: f64) -> Option<NetBenefit> {
    let (user, user_ci) = system(differences, "time_and_cargo_cost_per_day")?;
    let (staff, staff_ci) = system(differences, "staff_cost_per_day")?;
    let (total, total_ci) = system(differences, "total_cost_per_day")?;
    Some(NetBenefit {
        time_and_cargo_cost_saved_per_day: -user,
        time_and_cargo_cost_saved_per_day_ci95: user_ci,
        staff_cost_added_per_day: staff,
        staff_cost_added_per_day_ci95: staff_ci,
        net_benefit_per_day: -total,
        net_benefit_per_day_ci95: total_ci,
        net_benefit_per_year: Some(-total * days_per_year),
        net_benefit_per_year_ci95: total_ci.map(|c| c * days_per_year),
        annualisation_days: days_per_year,
        annualised: true,
        window_days: 0.0,
        net_benefit_per_occurrence: None,
        net_benefit_per_occurrence_ci95: None,
        not_priced: Vec::new(),
    })
}

/// Whether `variant` differs from `baseline` by its dated events: then its differences are
/// those of a one-off occurrence, not of every day of its kind.
pub fn differs_by_events(baseline: &Scenario, variant: &Scenario) -> bool {
    baseline.crossing.operations().events != variant.crossing.operations().events
}

/// The note of a `*_per_year` difference of a variant that differs by one-off events.
pub const ONE_OFF_NOTE: &str = "annualised as if the variant's dated events recurred every \
     week: not a yearly figure of a one-off event (see the net benefit per occurrence)";

/// The net benefit of `variant` against `baseline` from their `differences` (see
/// [`NetBenefit`]): per occurrence and not annualised when the variant differs by dated
/// events, with what is not priced named. Marks the `*_per_year` differences of such a
/// variant with [`ONE_OFF_NOTE`].
pub fn net_benefit_of(
    baseline: &Scenario,
    variant: &Scenario,
    differences: &mut [Difference],
) -> Option<NetBenefit> {
    let one_off = differs_by_events(baseline, variant);
    if one_off {
        for d in differences.iter_mut() {
            if d.metric.ends_with("_per_year") && d.note.is_none() {
                d.note = Some(ONE_OFF_NOTE.to_string());
            }
        }
    }
    let mut nb = net_benefit(differences, crate::costs::annualisation_days(baseline))?;
    nb.window_days = baseline.horizon.since(baseline.warmup).as_hours_f64() / 24.0;
    if one_off {
        nb.annualised = false;
        nb.net_benefit_per_year = None;
        nb.net_benefit_per_year_ci95 = None;
        nb.net_benefit_per_occurrence = Some(nb.net_benefit_per_day * nb.window_days);
        nb.net_benefit_per_occurrence_ci95 =
            nb.net_benefit_per_day_ci95.map(|c| c * nb.window_days);
    }
    nb.not_priced = not_priced(baseline, variant, differences);
    Some(nb)
}

/// The change of `metric` of `entity` (0 when not measured in both runs).
fn change(differences: &[Difference], metric: &str, entity: &str) -> f64 {
    differences
        .iter()
        .find(|d| d.metric == metric && d.entity == entity)
        .and_then(|d| d.delta)
        .unwrap_or(0.0)
}

/// The change of the vehicle-hours a day that class `class` spends in booking systems'
/// waiting areas (those of either run, each counted once).
fn waiting_area_change(
    baseline: &Scenario,
    variant: &Scenario,
    differences: &[Difference],
    class: &str,
) -> f64 {
    let mut seen: Vec<&str> = Vec::new();
    let mut sum = 0.0;
    for s in [baseline, variant] {
        let classes = &s.population().classes;
        for a in s.crossing.appointments() {
            if classes[a.class.index()].id != class || seen.contains(&a.id.as_str()) {
                continue;
            }
            seen.push(&a.id);
            sum += change(
                differences,
                "waiting_area_vehicle_hours_per_day",
                &format!("appointment:{}", a.id),
            );
        }
    }
    sum
}

/// The stations and classes whose change the net benefit counts as 0 for want of a rate.
fn not_priced(baseline: &Scenario, variant: &Scenario, differences: &[Difference]) -> Vec<String> {
    let mut out = Vec::new();
    // A station of either run: the variant's rates where it has the station.
    let mut stations: Vec<(&Scenario, &bordersim_model::Station)> = variant
        .crossing
        .stations()
        .iter()
        .map(|s| (variant, s))
        .collect();
    for s in baseline.crossing.stations() {
        if !stations.iter().any(|(_, v)| v.id == s.id) {
            stations.push((baseline, s));
        }
    }
    for (scenario, st) in stations {
        let delta = change(
            differences,
            "lane_hours_per_day",
            &format!("station:{}", st.id),
        );
        let Some(delta) = printed_change(delta).filter(|_| st.merged_into.is_none()) else {
            continue;
        };
        let rates = scenario.crossing.staff_costs();
        let unpriced: Vec<&str> = st
            .lanes
            .iter()
            .filter(|g| StaffCostRate::lookup(rates, &st.id, &g.id) == 0.0)
            .map(|g| g.id.as_str())
            .collect();
        if unpriced.len() == st.lanes.len() {
            out.push(format!(
                "station {}: staffed lane-hours {} a day with no staff cost rate \
                 (staff_cost_per_lane_h): counted as 0",
                st.id, delta
            ));
        } else if !unpriced.is_empty() {
            out.push(format!(
                "station {}: staffed lane-hours {} a day, lane groups {} with no staff cost \
                 rate (staff_cost_per_lane_h): counted as 0",
                st.id,
                delta,
                unpriced.join(", ")
            ));
        }
    }
    let mut classes: Vec<&bordersim_model::VehicleClass> =
        variant.population().classes.iter().collect();
    for c in &baseline.population().classes {
        if !classes.iter().any(|v| v.id == c.id) {
            classes.push(c);
        }
    }
    for class in classes {
        let delta = change(
            differences,
            "delay_vehicle_hours_per_day",
            &format!("class:{}", class.id),
        );
        let area = waiting_area_change(baseline, variant, differences, &class.id);
        let (delta, area) = (printed_change(delta), printed_change(area));
        if (delta.is_some() || area.is_some()) && class.resource_cost_per_h == 0.0 {
            let area = area.map_or_else(String::new, |a| format!(" and waiting area {a}"));
            out.push(format!(
                "class {}: delay {}{area} vehicle-hours a day with no resource cost \
                 (resource_cost_per_h): counted as 0",
                class.id,
                delta.as_deref().unwrap_or("0.0")
            ));
        }
    }
    out
}

/// A change (vehicle-hours or lane-hours a day) as the warnings print it, signed with one
/// decimal; `None` when it rounds to zero there, so that no warning names a change it
/// prints as `0.0` or `-0.0`.
fn printed_change(change: f64) -> Option<String> {
    let text = format!("{change:+.1}");
    match text.parse::<f64>() {
        Ok(v) if v != 0.0 && v.is_finite() => Some(text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use bordersim_des::SimTime;
    use bordersim_model::scenario::{EventKind, Operations, ScenarioEvent};
    use bordersim_model::{Scenario, StaffCostRate, StationId};

    use crate::compare;
    use crate::test_support::{one_station, options};

    /// Trucks costing 50 an hour at a station of 2 lanes priced at 40 a lane-hour.
    fn priced(servers: u32, staff: bool) -> Scenario {
        let mut s = one_station("priced", servers, 10.0, 10.0);
        let mut population = s.population().clone();
        population.classes[0].resource_cost_per_h = 50.0;
        let sources = s.crossing.sources().to_vec();
        let stations = s.crossing.stations().to_vec();
        let mut crossing = bordersim_model::Crossing::new("priced", &population, stations, sources)
            .expect("valid");
        if staff {
            crossing = crossing.with_staff_costs(vec![StaffCostRate {
                station: "primary".into(),
                lane_group: None,
                per_lane_h: 40.0,
            }]);
        }
        s.crossing = crossing;
        s
    }

    /// `s` with every lane of the primary out for 4 hours on the first observed day.
    fn with_outage(mut s: Scenario) -> Scenario {
        let outage = ScenarioEvent {
            from: SimTime::from_hours(14),
            to: SimTime::from_hours(18),
            kind: EventKind::Outage {
                station: StationId(0),
                group: None,
                lanes: None,
            },
        };
        s.crossing = s
            .crossing
            .with_operations(Operations {
                events: vec![outage],
                ..Operations::default()
            })
            .expect("valid events");
        s
    }

    #[test]
    fn a_one_off_event_is_given_per_occurrence_not_per_year() {
        let base = priced(2, true);
        let (cmp, _) = compare(
            &base,
            &[("outage".into(), with_outage(priced(2, true)))],
            &options(4),
        )
        .expect("runs");
        let nb = cmp.variants[0].net_benefit.as_ref().expect("net benefit");
        assert!(!nb.annualised);
        assert_eq!(
            (nb.net_benefit_per_year, nb.net_benefit_per_year_ci95),
            (None, None)
        );
        // 36 observed hours: the window is 1.5 days, the occurrence the whole of it.
        assert_eq!(nb.window_days, 1.5);
        assert!(nb.net_benefit_per_day < 0.0, "an outage costs: {nb:?}");
        assert_eq!(
            nb.net_benefit_per_occurrence,
            Some(nb.net_benefit_per_day * 1.5)
        );
        assert_eq!(
            nb.net_benefit_per_occurrence_ci95,
            nb.net_benefit_per_day_ci95.map(|c| c * 1.5)
        );
        let yearly = cmp.variants[0]
            .differences
            .iter()
            .filter(|d| d.metric.ends_with("_per_year"))
            .collect::<Vec<_>>();
        assert!(!yearly.is_empty());
        assert!(
            yearly
                .iter()
                .all(|d| d.note.as_deref() == Some(super::ONE_OFF_NOTE))
        );
        // The same events on both sides: an ordinary, annualised comparison.
        let (cmp, _) = compare(
            &with_outage(priced(2, true)),
            &[("three lanes".into(), with_outage(priced(3, true)))],
            &options(4),
        )
        .expect("runs");
        let nb = cmp.variants[0].net_benefit.as_ref().expect("net benefit");
        assert!(nb.annualised && nb.net_benefit_per_occurrence.is_none());
        assert!(nb.net_benefit_per_year.is_some());
    }

    #[test]
    fn lanes_and_delay_without_a_rate_are_named_as_not_priced() {
        let (cmp, _) = compare(
            &priced(2, false),
            &[("three lanes".into(), priced(3, false))],
            &options(4),
        )
        .expect("runs");
        let nb = cmp.variants[0].net_benefit.as_ref().expect("net benefit");
        assert_eq!(nb.staff_cost_added_per_day, 0.0);
        assert_eq!(nb.not_priced.len(), 1, "{:?}", nb.not_priced);
        assert!(
            nb.not_priced[0].starts_with("station primary: staffed lane-hours +24.0 a day")
                && nb.not_priced[0].contains("staff_cost_per_lane_h"),
            "{:?}",
            nb.not_priced
        );
        // Priced lanes, an unpriced class: the class is named.
        let mut base = priced(2, true);
        let mut variant = priced(3, true);
        for s in [&mut base, &mut variant] {
            let mut population = s.population().clone();
            population.classes[0].resource_cost_per_h = 0.0;
            let crossing = bordersim_model::Crossing::new(
                "unpriced",
                &population,
                s.crossing.stations().to_vec(),
                s.crossing.sources().to_vec(),
            )
            .expect("valid")
            .with_staff_costs(s.crossing.staff_costs().to_vec());
            s.crossing = crossing;
        }
        let (cmp, _) =
            compare(&base, &[("three lanes".into(), variant)], &options(4)).expect("runs");
        let nb = cmp.variants[0].net_benefit.as_ref().expect("net benefit");
        assert_eq!(nb.not_priced.len(), 1, "{:?}", nb.not_priced);
        assert!(
            nb.not_priced[0].starts_with("class truck: delay -"),
            "{:?}",
            nb.not_priced
        );
        assert!(nb.not_priced[0].contains("resource_cost_per_h"));
    }

    #[test]
    fn a_change_that_rounds_to_zero_is_not_named_and_never_printed_as_minus_zero() {
        assert_eq!(super::printed_change(-0.0019), None);
        assert_eq!(super::printed_change(0.049), None);
        assert_eq!(super::printed_change(-0.0), None);
        assert_eq!(super::printed_change(f64::NAN), None);
        assert_eq!(super::printed_change(-0.06).as_deref(), Some("-0.1"));
        assert_eq!(super::printed_change(24.0).as_deref(), Some("+24.0"));
        // Unpriced lanes and an unpriced class whose changes all round to zero at the
        // printed precision: nothing to warn about.
        let base = priced(2, false);
        let variant = priced(3, false);
        let (cmp, _) = compare(
            &base,
            &[("three lanes".into(), variant.clone())],
            &options(2),
        )
        .expect("runs");
        let mut differences = cmp.variants[0].differences.clone();
        fn set(differences: &mut [crate::Difference], metric: &str, entity: &str, delta: f64) {
            for d in differences
                .iter_mut()
                .filter(|d| d.metric == metric && d.entity == entity)
            {
                d.delta = Some(delta);
            }
        }
        set(
            &mut differences,
            "lane_hours_per_day",
            "station:primary",
            -0.0019,
        );
        set(
            &mut differences,
            "delay_vehicle_hours_per_day",
            "class:truck",
            0.0,
        );
        let mut unpriced = variant.clone();
        let mut population = unpriced.population().clone();
        population.classes[0].resource_cost_per_h = 0.0;
        unpriced.crossing = bordersim_model::Crossing::new(
            "unpriced",
            &population,
            unpriced.crossing.stations().to_vec(),
            unpriced.crossing.sources().to_vec(),
        )
        .expect("valid");
        assert_eq!(
            super::not_priced(&base, &unpriced, &differences),
            Vec::<String>::new()
        );
        set(
            &mut differences,
            "lane_hours_per_day",
            "station:primary",
            -0.06,
        );
        set(
            &mut differences,
            "delay_vehicle_hours_per_day",
            "class:truck",
            -0.04,
        );
        let named = super::not_priced(&base, &unpriced, &differences);
        assert_eq!(named.len(), 1, "{named:?}");
        assert!(
            named[0].starts_with("station primary: staffed lane-hours -0.1 a day"),
            "{named:?}"
        );
        set(
            &mut differences,
            "delay_vehicle_hours_per_day",
            "class:truck",
            -0.06,
        );
        let named = super::not_priced(&base, &unpriced, &differences);
        assert!(
            named[1].starts_with("class truck: delay -0.1 vehicle-hours a day"),
            "{named:?}"
        );
        assert!(named.iter().all(|n| !n.contains("-0.0")), "{named:?}");
    }
}
