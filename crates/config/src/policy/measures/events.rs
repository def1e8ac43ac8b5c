//! `[[events]]`: an event on a date and time — a lane or scanner outage, a closure, a
//! demand surge or drop, a slowdown, a date-specific schedule — added to the scenario's
//! `[[scenario.events]]`. As a policy, `compare` measures a disruption's cost against the
//! run without it, or a contingency plan's benefit against a disrupted baseline, on the same
//! vehicles (docs/events.md).

use crate::diagnostic::Collector;
use toml::{Table, Value};

use crate::policy::lookup::station_exists;
use crate::policy::measure::Measure;
use crate::raw::RawEvent;
use crate::spans::child;
use crate::suggest::did_you_mean;

/// Events added to the scenario.
pub(crate) struct Events;

/// The kinds of event, as `[[scenario.events]]` takes them.
const KINDS: [&str; 5] = ["outage", "closure", "demand", "slowdown", "schedule"];

impl Measure for Events {
    const NAME: &'static str = "events";
    const ARTICLE: Option<&'static str> = None;
    const HELP: &'static str =
        "an outage, closure, demand surge or drop, slowdown or date-specific schedule on a date";
    type Raw = RawEvent;

    /// Each entry adds its own event, so two never write the same field: the event is named
    /// by what it is and when.
    fn writes(r: &RawEvent, _baseline: &Table) -> Vec<String> {
        let at = |x: &Option<String>| x.clone().unwrap_or_default();
        vec![format!(
            "scenario.events.{} {} {} {} {} {}",
            r.kind,
            at(&r.station),
            at(&r.lane_group),
            at(&r.from),
            at(&r.to),
            r.day.map(|d| d.to_string()).unwrap_or_default()
        )]
    }

    /// Checks the kind and the station here (the rest — window, horizon, lane group,
    /// factors — is checked with the changed scenario) and appends the event.
    fn apply(r: &RawEvent, cx: &mut Collector<'_>, doc: &mut Table, path: &str) {
        let mut ok = true;
        if !KINDS.contains(&r.kind.as_str()) {
            cx.error(
                &child(path, "kind"),
                format!(
                    "unknown event kind `{}`{}; the kinds are {}",
                    r.kind,
                    did_you_mean(&r.kind, KINDS),
                    KINDS.join(", ")
                ),
            );
            ok = false;
        }
        if let Some(station) = &r.station
            && !station_exists(cx, doc, &child(path, "station"), station)
        {
            ok = false;
        }
        if !ok {
            return;
        }
        let mut event = Table::new();
        let text = |s: &String| Value::String(s.clone());
        event.insert("kind".into(), text(&r.kind));
        for (key, value) in [
            ("description", &r.description),
            ("from", &r.from),
            ("to", &r.to),
            ("station", &r.station),
            ("lane_group", &r.lane_group),
        ] {
            if let Some(v) = value {
                event.insert(key.into(), text(v));
            }
        }
        for (key, value) in [("day", r.day), ("lanes", r.lanes)] {
            if let Some(v) = value {
                event.insert(key.into(), Value::Integer(v));
            }
        }
        if let Some(f) = r.factor {
            event.insert("factor".into(), Value::Float(f));
        }
        if let Some(classes) = &r.classes {
            event.insert(
                "classes".into(),
                Value::Array(classes.iter().map(text).collect()),
            );
        }
        if let Some(hours) = &r.servers_by_hour {
            event.insert(
                "servers_by_hour".into(),
                Value::Array(hours.iter().map(|&h| Value::Integer(h)).collect()),
            );
        }
        let scenario = doc
            .entry("scenario")
            .or_insert_with(|| Value::Table(Table::new()));
        if let Value::Table(scenario) = scenario {
            let events = scenario
                .entry("events")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(events) = events {
                events.push(Value::Table(event));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::BASE;

    fn raw(text: &str) -> RawEvent {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn an_event_is_appended_to_the_scenario_and_loads() {
        let mut doc: Table = toml::from_str(BASE).unwrap();
        let mut cx = Collector::new("p.toml", "");
        let outage = raw("kind = \"outage\"\nstation = \"xray\"\nfrom = \"2h\"\nto = \"3h\"\n");
        let surge = raw("kind = \"demand\"\nfactor = 1.4\nfrom = \"4h\"\nto = \"6h\"\n");
        Events::apply(&outage, &mut cx, &mut doc, "events[0]");
        Events::apply(&surge, &mut cx, &mut doc, "events[1]");
        assert!(!cx.has_errors());
        assert_ne!(Events::writes(&outage, &doc), Events::writes(&surge, &doc));
        let text = toml::to_string(&doc).unwrap();
        let loaded = crate::parse_scenario(&text, "changed.toml").unwrap();
        assert_eq!(loaded.scenario.crossing.operations().events.len(), 2);
    }

    #[test]
    fn an_unknown_kind_or_station_is_located_in_the_policy() {
        let mut doc: Table = toml::from_str(BASE).unwrap();
        let mut cx = Collector::new("p.toml", "");
        let bad = raw("kind = \"outgae\"\nstation = \"xrya\"\nfrom = \"2h\"\nto = \"3h\"\n");
        Events::apply(&bad, &mut cx, &mut doc, "events[0]");
        let errors = cx.into_errors();
        let paths: Vec<&str> = errors.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["events[0].kind", "events[0].station"], "{errors:?}");
        assert!(errors[0].message.contains("did you mean `outage`"));
        assert!(!doc.contains_key("events"));
    }
}
