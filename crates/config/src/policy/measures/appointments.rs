//! `[[appointments]]`: booked arrival slots for a share of a class — a booking system added
//! to the scenario's `[[scenario.appointments]]`, or one of the same `id` replaced (a new
//! share, capacity, horizon or waiting area). `compare` then measures what booking moves
//! from the road queue into the waiting area, on the same vehicles (docs/planning.md).

use toml::{Table, Value};

use crate::diagnostic::Collector;
use crate::policy::lookup::station_exists;
use crate::policy::measure::Measure;
use crate::raw::{RawAppointment, RawDuration};
use crate::spans::child;

/// Booking systems added or replaced.
pub(crate) struct Appointments;

impl Measure for Appointments {
    const NAME: &'static str = "appointments";
    const ARTICLE: Option<&'static str> = None;
    const HELP: &'static str =
        "booked arrival slots: a share of a class books a slot and waits off the road";
    type Raw = RawAppointment;

    /// The booking system, by its id.
    fn writes(r: &RawAppointment, _baseline: &Table) -> Vec<String> {
        vec![format!("scenario.appointments.{}", r.id)]
    }

    /// Checks the station here (the class, programme and values are checked with the
    /// changed scenario), then adds the booking system or replaces the one with its id.
    fn apply(r: &RawAppointment, cx: &mut Collector<'_>, doc: &mut Table, path: &str) {
        if !station_exists(cx, doc, &child(path, "station"), &r.station) {
            return;
        }
        let entry = table_of(r);
        let scenario = doc
            .entry("scenario")
            .or_insert_with(|| Value::Table(Table::new()));
        let Value::Table(scenario) = scenario else {
            return;
        };
        let list = scenario
            .entry("appointments")
            .or_insert_with(|| Value::Array(Vec::new()));
        let Value::Array(list) = list else { return };
        let same = list.iter().position(|v| {
            v.get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| id == r.id)
        });
        match same {
            Some(i) => list[i] = Value::Table(entry),
            None => list.push(Value::Table(entry)),
        }
    }
}

/// The entry as a `[[scenario.appointments]]` table.
fn table_of(r: &RawAppointment) -> Table {
    let mut t = Table::new();
    let text = |s: &str| Value::String(s.to_owned());
    let duration = |d: &RawDuration| match d {
        RawDuration::Text(s) => Value::String(s.clone()),
        RawDuration::Number(n) => Value::Float(*n),
    };
    t.insert("id".into(), text(&r.id));
    t.insert("station".into(), text(&r.station));
    t.insert("class".into(), text(&r.class));
    t.insert("share".into(), Value::Float(r.share));
    for (key, value) in [
        ("description", &r.description),
        ("programme", &r.programme),
        ("when_full", &r.when_full),
    ] {
        if let Some(v) = value {
            t.insert(key.into(), text(v));
        }
    }
    for (key, value) in [("slot", &r.slot), ("horizon", &r.horizon)] {
        if let Some(v) = value {
            t.insert(key.into(), duration(v));
        }
    }
    for (key, value) in [("capacity", r.capacity), ("waiting_area", r.waiting_area)] {
        if let Some(v) = value {
            t.insert(key.into(), Value::Integer(v));
        }
    }
    if let Some(hours) = &r.capacity_by_hour {
        t.insert(
            "capacity_by_hour".into(),
            Value::Array(hours.iter().map(|&h| Value::Integer(h)).collect()),
        );
    }
    if let Some(v) = r.value_of_time_per_hour {
        t.insert("value_of_time_per_hour".into(), Value::Float(v));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::BASE;

    fn raw(text: &str) -> RawAppointment {
        toml::from_str(text).unwrap()
    }

    const BOOKING: &str = "id = \"slots\"\nstation = \"primary\"\nclass = \"truck\"\n\
                           share = 0.5\ncapacity = 10\n";

    #[test]
    fn a_booking_system_is_added_then_replaced_by_its_id_and_loads() {
        let mut doc: Table = toml::from_str(BASE).unwrap();
        let mut cx = Collector::new("p.toml", "");
        Appointments::apply(&raw(BOOKING), &mut cx, &mut doc, "appointments[0]");
        let more = BOOKING.replace("share = 0.5", "share = 1.0");
        Appointments::apply(&raw(&more), &mut cx, &mut doc, "appointments[1]");
        assert!(!cx.has_errors(), "{:?}", cx.into_errors());
        let text = toml::to_string(&doc).unwrap();
        let loaded = crate::parse_scenario(&text, "changed.toml").unwrap();
        let list = loaded.scenario.crossing.appointments();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].share, 1.0);
        assert_eq!(list[0].capacity_by_hour, [10; 24]);
    }

    #[test]
    fn an_unknown_station_is_located_in_the_policy() {
        let mut doc: Table = toml::from_str(BASE).unwrap();
        let mut cx = Collector::new("p.toml", "");
        let bad = BOOKING.replace("\"primary\"", "\"primry\"");
        Appointments::apply(&raw(&bad), &mut cx, &mut doc, "appointments[0]");
        let errors = cx.into_errors();
        let paths: Vec<&str> = errors.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["appointments[0].station"], "{errors:?}");
    }
}
