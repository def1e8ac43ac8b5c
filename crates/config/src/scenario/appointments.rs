//! `[[scenario.appointments]]`: booked arrival slots. Names and values are read in phase 3,
//! each problem located at its field; the model's check that the class enters the crossing
//! at the station runs when the crossing is built, located at the entry's `station`.

use bordersim_des::SimTime;
use bordersim_model::appointments::{Appointment, AppointmentError, value_errors};
use bordersim_model::{ClassId, Crossing, StationId, WaitingAreaFull};

use super::settings::sim_time;
use super::shape::Document;
use super::station::{resolve_class, resolve_programme};
use super::{Cx, Refs};
use crate::raw::{RawAppointment, RawDuration};
use crate::spans::{child, index};
use crate::suggest::did_you_mean;

/// What a vehicle finding the waiting area full may do.
pub(crate) const WHEN_FULL: [&str; 2] = ["road", "balk"];

/// Booking systems read from a file, with the field path of each.
#[derive(Default)]
pub(super) struct Pending {
    list: Vec<Appointment>,
    paths: Vec<String>,
}

/// Reads every `[[scenario.appointments]]` entry.
pub(super) fn read(cx: &mut Cx<'_>, doc: &Document, refs: &Refs<'_>) -> Pending {
    let mut pending = Pending::default();
    let Some(scenario) = &doc.scenario else {
        return pending;
    };
    let list_path = child("scenario", "appointments");
    for (i, raw) in scenario.appointments.iter().enumerate() {
        let path = index(&list_path, i);
        if let Some(first) = scenario.appointments[..i]
            .iter()
            .position(|a| a.id == raw.id)
        {
            cx.error(
                &child(&path, "id"),
                format!(
                    "appointment id `{}` is taken twice (appointments[{first}] and \
                     appointments[{i}]); reports name each booking system by its id",
                    raw.id
                ),
            );
        }
        if let Some(a) = appointment(cx, &path, raw, refs, pending.list.len()) {
            pending.list.push(a);
            pending.paths.push(path);
        }
    }
    pending
}

/// The crossing with the booking systems read, the model's findings located at their field.
pub(super) fn attach(cx: &mut Cx<'_>, crossing: Crossing, pending: Pending) -> Option<Crossing> {
    if pending.list.is_empty() {
        return Some(crossing);
    }
    match crossing.with_appointments(pending.list) {
        Ok(c) => Some(c),
        Err(errors) => {
            for e in &errors {
                report(cx, &pending.paths[e.index], e);
            }
            None
        }
    }
}

/// A model error at its field of the appointment at `path` (a zero capacity given by
/// hour at `capacity_by_hour`).
fn report(cx: &mut Cx<'_>, path: &str, e: &AppointmentError) {
    cx.error(&child(path, e.field), e.message.clone());
}

/// A duration field with its default.
fn duration(
    cx: &mut Cx<'_>,
    path: &str,
    field: &str,
    raw: Option<&RawDuration>,
    default: SimTime,
) -> Option<SimTime> {
    match raw {
        None => Some(default),
        Some(raw) => sim_time(cx, &child(path, field), raw),
    }
}

/// One entry, every problem reported at its field; `None` when anything is wrong.
fn appointment(
    cx: &mut Cx<'_>,
    path: &str,
    raw: &RawAppointment,
    refs: &Refs<'_>,
    position: usize,
) -> Option<Appointment> {
    let errors_before = cx.error_count();
    let station = match refs.stations.resolve(&raw.station, &[]) {
        Ok(s) => Some(StationId(s as u32)),
        Err(message) => {
            if let Some(message) = message {
                cx.error(&child(path, "station"), message);
            }
            None
        }
    };
    let class = resolve_class(cx, &child(path, "class"), &raw.class, &refs.classes);
    let programme = raw
        .programme
        .as_ref()
        .map(|name| resolve_programme(cx, &child(path, "programme"), name, &refs.programmes));
    let slot = duration(cx, path, "slot", raw.slot.as_ref(), SimTime::from_mins(15));
    let horizon = duration(
        cx,
        path,
        "horizon",
        raw.horizon.as_ref(),
        SimTime::from_hours(72),
    );
    let capacity_by_hour = capacity(cx, path, raw);
    let waiting_area = match raw.waiting_area {
        None => Some(None),
        Some(n) => match u32::try_from(n) {
            Ok(n) => Some(Some(n)),
            Err(_) => {
                cx.error(
                    &child(path, "waiting_area"),
                    format!(
                        "waiting_area is a number of vehicles, from 1 to {}; got {n}",
                        u32::MAX
                    ),
                );
                None
            }
        },
    };
    let when_full = match raw.when_full.as_deref() {
        None | Some("road") => Some(WaitingAreaFull::Road),
        Some("balk") => Some(WaitingAreaFull::Balk),
        Some(other) => {
            cx.error(
                &child(path, "when_full"),
                format!(
                    "unknown when_full `{other}`{}; a vehicle finding the waiting area full \
                     either queues on the road (\"road\") or leaves (\"balk\")",
                    did_you_mean(other, WHEN_FULL)
                ),
            );
            None
        }
    };
    let a = Appointment {
        id: raw.id.clone(),
        station: station.unwrap_or(StationId(0)),
        class: class.unwrap_or(ClassId(0)),
        programme: programme.flatten(),
        share: raw.share,
        // A field that failed (already reported) stands in valid, so that the value checks
        // below still report every other problem in this pass.
        slot: slot.unwrap_or(SimTime::from_mins(15)),
        capacity_by_hour: capacity_by_hour.unwrap_or([1; 24]),
        horizon: horizon.unwrap_or(SimTime::from_hours(72)),
        waiting_area: waiting_area.flatten(),
        when_full: when_full.unwrap_or_default(),
        value_of_time_per_hour: raw.value_of_time_per_hour,
    };
    for e in value_errors(&a, position) {
        let field = match (e.field, &raw.capacity_by_hour) {
            ("capacity", Some(_)) => "capacity_by_hour",
            (field, _) => field,
        };
        cx.error(&child(path, field), e.message);
    }
    (cx.error_count() == errors_before).then_some(a)
}

/// The slot capacity by hour of day, from `capacity` or `capacity_by_hour` (exactly one).
fn capacity(cx: &mut Cx<'_>, path: &str, raw: &RawAppointment) -> Option<[u32; 24]> {
    let one = |cx: &mut Cx<'_>, p: &str, n: i64| -> Option<u32> {
        u32::try_from(n)
            .map_err(|_| {
                cx.error(
                    p,
                    format!(
                        "a slot capacity is a number of bookings, from 0 to {}; got {n}",
                        u32::MAX
                    ),
                );
            })
            .ok()
    };
    match (raw.capacity, &raw.capacity_by_hour) {
        (Some(_), Some(_)) => {
            cx.error_at_key(
                &child(path, "capacity_by_hour"),
                "give `capacity` (the same every hour) or `capacity_by_hour`, not both",
            );
            None
        }
        (None, None) => {
            cx.error(
                path,
                "an appointment needs its slot `capacity` (bookings per slot), or \
                 `capacity_by_hour` (24 values from midnight)",
            );
            None
        }
        (Some(n), None) => one(cx, &child(path, "capacity"), n).map(|c| [c; 24]),
        (None, Some(values)) => {
            let p = child(path, "capacity_by_hour");
            if values.len() != 24 {
                cx.error(
                    &p,
                    format!(
                        "capacity_by_hour needs 24 values, one per hour of the day from \
                         midnight; got {}",
                        values.len()
                    ),
                );
                return None;
            }
            let mut hours = [0; 24];
            for (h, &n) in values.iter().enumerate() {
                hours[h] = one(cx, &index(&p, h), n)?;
            }
            Some(hours)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::tests::{BASE, ok};

    /// `BASE` with these `[[scenario.appointments]]` entries (each a TOML body).
    fn with(entries: &[&str]) -> String {
        let mut text = BASE.to_owned();
        for e in entries {
            text.push_str("\n[[scenario.appointments]]\n");
            text.push_str(e);
        }
        text
    }

    const GOOD: &str = "id = \"slots\"\nstation = \"primary\"\nclass = \"truck\"\nshare = 0.8\n\
                        capacity = 12\n";

    /// Every diagnostic as (path, line, message).
    fn problems(text: &str) -> Vec<(String, usize, String)> {
        let err = crate::parse_scenario(text, "b.toml").expect_err("an error");
        err.diagnostics
            .into_iter()
            .map(|d| (d.path, d.line, d.message))
            .collect()
    }

    #[test]
    fn a_booking_system_loads_with_its_defaults() {
        let loaded = ok(&with(&[GOOD]));
        let a = &loaded.scenario.crossing.appointments()[0];
        assert_eq!(a.id, "slots");
        assert_eq!(a.share, 0.8);
        assert_eq!(a.slot.as_millis(), 15 * 60_000);
        assert_eq!(a.horizon.as_millis(), 72 * 3_600_000);
        assert_eq!(a.capacity_by_hour, [12; 24]);
        assert_eq!(a.waiting_area, None);
    }

    #[test]
    fn bad_values_are_each_located_at_their_field_in_one_pass() {
        let base_lines = BASE.lines().count();
        let bad = GOOD.replace("share = 0.8", "share = 1.5").replace(
            "capacity = 12",
            "capacity = 12\nslot = \"7min\"\nwaiting_area = -3",
        );
        let zero = GOOD
            .replace("slots", "zero")
            .replace("capacity = 12", "capacity = 0");
        let names = "id = \"names\"\nstation = \"primray\"\nclass = \"truk\"\nshare = 0.5\n\
                     capacity = 1\nwhen_full = \"bulk\"\n";
        let got = problems(&with(&[&bad, &zero, names]));
        let paths: Vec<&str> = got.iter().map(|(p, _, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "scenario.appointments[0].share",
                "scenario.appointments[0].slot",
                "scenario.appointments[0].waiting_area",
                "scenario.appointments[1].capacity",
                "scenario.appointments[2].station",
                "scenario.appointments[2].class",
                "scenario.appointments[2].when_full",
            ],
            "{got:#?}"
        );
        // The share is on the fourth line of the first entry (after its header).
        assert_eq!(got[0].1, base_lines + 2 + 4);
        assert!(got[0].2.contains("from 0 to 1, got 1.5"), "{}", got[0].2);
        assert!(got[3].2.contains("slot capacity is zero"), "{}", got[3].2);
        assert!(got[4].2.contains("did you mean `primary`"), "{}", got[4].2);
        assert!(got[5].2.contains("did you mean `truck`"), "{}", got[5].2);
        assert!(got[6].2.contains("did you mean `balk`"), "{}", got[6].2);
    }

    #[test]
    fn a_station_where_the_class_does_not_enter_and_a_capacity_given_twice_are_refused() {
        let xray = GOOD.replace("\"primary\"", "\"xray\"");
        let got = problems(&with(&[&xray]));
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!(got[0].0, "scenario.appointments[0].station");
        assert!(
            got[0].2.contains("no source of this class enters"),
            "{}",
            got[0].2
        );
        let twice = GOOD.replace("capacity = 12", "capacity = 12\ncapacity_by_hour = [1]");
        let got = problems(&with(&[&twice]));
        assert_eq!(got[0].0, "scenario.appointments[0].capacity_by_hour");
        let hours = format!(
            "{}\ncapacity_by_hour = [{}]\n",
            GOOD.replace("capacity = 12\n", ""),
            ["0"; 24].join(", ")
        );
        let got = problems(&with(&[&hours]));
        assert_eq!(got[0].0, "scenario.appointments[0].capacity_by_hour");
        assert!(got[0].2.contains("slot capacity is zero"), "{}", got[0].2);
    }
}
