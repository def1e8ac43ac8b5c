//! Phases 3 and 4 put together: every section validated, then the station graph checked by
//! [`Crossing::new`] and the scenario assembled.

use bordersim_model::{
    Crossing, Direction, DirectionId, Population, Programme, Scenario, Source, Station,
    VehicleClass,
};

use super::settings::{Settings, settings};
use super::shape::Document;
use super::source::Kind;
use super::station::StationMeta;
use super::{Cx, DEFAULT_DIRECTION, EXIT, Labels, NO_PROGRAMME, Names, Refs};
use super::{inspection, population, source, station, structure, warnings};
use crate::raw::{RawClass, RawDirection, RawProgramme, RawSource, RawStation};
use crate::spans::{child, index};

/// Hourly service factors, standing queues and `[[scenario.events]]`.
#[path = "events.rs"]
mod events;

/// Phases 3 and 4: `None` when something is wrong (every problem reported).
pub(super) fn build(cx: &mut Cx<'_>, doc: &Document) -> Option<Scenario> {
    let settings = settings(cx, doc);
    let refs = names(cx, doc);
    if !sections_fit(cx, doc) {
        // Indices would not fit the model's ids.
        return None;
    }
    let programme_count = 1 + doc.programmes.len();
    let built_classes: Vec<Option<VehicleClass>> = doc
        .classes
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.raw.as_ref().map(|raw| {
                population::class(
                    cx,
                    i,
                    raw,
                    &refs.programmes,
                    &refs.directions,
                    &refs.stations,
                    programme_count,
                )
            })
        })
        .collect();
    let class_count = doc.classes.len();
    let built_stations: Vec<Option<(Station, StationMeta)>> = doc
        .stations
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.raw
                .as_ref()
                .map(|raw| station::station(cx, i, raw, &refs, class_count))
        })
        .collect();
    let station_directions: Vec<Option<DirectionId>> = built_stations
        .iter()
        .map(|s| s.as_ref().and_then(|(_, meta)| meta.direction))
        .collect();
    let built_sources: Vec<Option<(Kind, Vec<Source>)>> = doc
        .sources
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.raw.as_ref().and_then(|raw| {
                let weekday = settings.as_ref().map(|s| s.start_weekday);
                source::source(cx, i, raw, &refs, &station_directions, weekday)
            })
        })
        .collect();

    let shortest_means: Vec<Option<f64>> = built_stations
        .iter()
        .map(|s| s.as_ref().and_then(|(_, meta)| meta.shortest_mean_ms))
        .collect();
    let horizon = settings.as_ref().map(|s| s.horizon);
    let operations = events::read(cx, doc, &refs, horizon, &shortest_means);
    let appointments = super::appointments::read(cx, doc, &refs);

    // Phase 4 only on a fully known station graph (see `Cx::structure_ok`).
    if !cx.structure_ok {
        return None;
    }
    let settings = settings?;
    let staff_costs = population::staff_costs(cx, doc);
    assemble(
        cx,
        settings,
        &refs,
        built_classes,
        (built_stations, staff_costs),
        built_sources,
        (operations, appointments),
    )
}

/// The events and booking systems of `doc`'s `[scenario]` checked on their own (when the
/// table could only be read with stand-ins), against `horizon` when it is known.
pub(super) fn check_scenario_lists(
    cx: &mut Cx<'_>,
    doc: &Document,
    refs: &Refs<'_>,
    horizon: Option<bordersim_des::SimTime>,
) {
    let _ = events::read(cx, doc, refs, horizon, &[]);
    let _ = super::appointments::read(cx, doc, refs);
}

/// Phase 4: the parts, all valid, put together; [`Crossing::new`] checks the station graph.
fn assemble(
    cx: &mut Cx<'_>,
    settings: Settings,
    refs: &Refs<'_>,
    built_classes: Vec<Option<VehicleClass>>,
    (built_stations, staff_costs): (
        Vec<Option<(Station, StationMeta)>>,
        Vec<bordersim_model::StaffCostRate>,
    ),
    built_sources: Vec<Option<(Kind, Vec<Source>)>>,
    (operations, appointments): (events::Pending, super::appointments::Pending),
) -> Option<Scenario> {
    let classes: Vec<VehicleClass> = built_classes.into_iter().collect::<Option<_>>()?;
    let (stations, metas): (Vec<Station>, Vec<StationMeta>) = built_stations
        .into_iter()
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .unzip();
    let mut sources = Vec::new();
    let mut origins = Vec::new();
    for (i, built) in built_sources.into_iter().enumerate() {
        let (kind, parts) = built?;
        for part in parts {
            origins.push((i, kind));
            sources.push(part);
        }
    }
    // A trace split by direction names its parts `{id}/{direction}`: each source's name
    // seeds its random stream, so two must never share one.
    for (k, src) in sources.iter().enumerate() {
        if let Some(first) = sources[..k].iter().position(|s| s.id == src.id) {
            let (a, b) = (origins[first].0, origins[k].0);
            cx.error(
                &child(&index("sources", b), "id"),
                format!(
                    "source name `{}` is taken twice: sources[{a}] and sources[{b}] both use it \
                     (a trace with an entry per direction names its parts `<id>/<direction>`); \
                     rename one",
                    src.id
                ),
            );
        }
    }
    let labels = Labels {
        classes: classes.iter().map(|c| c.id.clone()).collect(),
        programmes: refs
            .programmes
            .known
            .iter()
            .map(|p| (*p).to_owned())
            .collect(),
        directions: refs
            .directions
            .known
            .iter()
            .map(|d| (*d).to_owned())
            .collect(),
    };
    let population = Population {
        classes,
        programmes: labels
            .programmes
            .iter()
            .map(|id| Programme { id: id.clone() })
            .collect(),
        directions: labels
            .directions
            .iter()
            .map(|id| Direction { id: id.clone() })
            .collect(),
    };
    let crossing = match Crossing::new(
        settings.name.clone(),
        &population,
        stations.clone(),
        sources,
    ) {
        Ok(c) => c
            .with_staff_costs(staff_costs)
            .with_detection_rates(settings.detection_rates)
            // The warnings compare queues with the scenario's own cap, not the default.
            .with_max_in_system(settings.max_in_system),
        Err(errors) => {
            structure::report_model_errors(cx, &errors, &stations, &metas, &origins, &labels);
            return None;
        }
    };
    let crossing = events::attach(cx, crossing, operations)?;
    let crossing = super::appointments::attach(cx, crossing, appointments)?;
    if cx.has_errors() {
        return None;
    }
    warnings::warn(
        cx,
        &crossing,
        &metas,
        &origins,
        &labels,
        settings.horizon,
        settings.warmup,
    );
    inspection::uninspected(cx, &crossing, &labels);
    Some(Scenario {
        name: settings.name,
        start_weekday: settings.start_weekday,
        crossing: crossing.with_series_bin_ms(settings.series_bin_ms),
        horizon: settings.horizon,
        warmup: settings.warmup,
        replications: settings.replications,
        seed: settings.seed,
    })
}

/// The ids of every section, checked and indexed.
fn names<'d>(cx: &mut Cx<'_>, doc: &'d Document) -> Refs<'d> {
    let malformed = &doc.malformed;
    let no_directions = doc.directions.is_empty() && !malformed.contains(&"directions");
    let directions = Names::collect_after(
        cx,
        "directions",
        "direction",
        if no_directions {
            &[DEFAULT_DIRECTION]
        } else {
            &[]
        },
        &doc.directions,
        malformed.contains(&"directions"),
        |d: &RawDirection| &d.id,
    );
    let programmes = Names::collect_after(
        cx,
        "programmes",
        "programme",
        &[NO_PROGRAMME],
        &doc.programmes,
        malformed.contains(&"programmes"),
        |p: &RawProgramme| &p.id,
    );
    let classes = Names::collect(
        cx,
        "classes",
        "class",
        &doc.classes,
        malformed.contains(&"classes"),
        |c: &RawClass| &c.id,
    );
    let stations = Names::collect(
        cx,
        "stations",
        "station",
        &doc.stations,
        malformed.contains(&"stations"),
        |s: &RawStation| &s.id,
    );
    let _sources = Names::collect(
        cx,
        "sources",
        "source",
        &doc.sources,
        malformed.contains(&"sources"),
        |s: &RawSource| &s.id,
    );
    Refs {
        directions,
        programmes,
        classes,
        stations,
    }
}

/// Section-wide checks: the reserved station id, empty sections, and section sizes the
/// model's ids can index. `false` when a section is too large to go on.
fn sections_fit(cx: &mut Cx<'_>, doc: &Document) -> bool {
    let malformed = &doc.malformed;
    for (i, item) in doc.stations.iter().enumerate() {
        if let Some(raw) = &item.raw
            && raw.id == EXIT
        {
            cx.structural(
                &child(&index("stations", i), "id"),
                "`exit` is reserved for leaving the crossing (routes use `to = \"exit\"`); \
                 rename the station",
            );
        }
    }
    let sections = [
        (
            doc.classes.is_empty(),
            "classes",
            "no vehicle classes: add a [[classes]] table with an `id`",
        ),
        (
            doc.stations.is_empty(),
            "stations",
            "no stations: add a [[stations]] table with an `id`, `servers`, `service` and `routes`",
        ),
        (
            doc.sources.is_empty(),
            "sources",
            "no sources of vehicles: add a [[sources]] table with an `id`, `class`, `rate` and `entry`",
        ),
    ];
    for (empty, path, message) in sections {
        // A section written in the wrong form was reported when it was read.
        if empty && !malformed.contains(&path) {
            cx.structural(path, message);
        }
    }
    let limits = [
        ("classes", doc.classes.len(), usize::from(u16::MAX)),
        ("programmes", doc.programmes.len(), usize::from(u8::MAX)),
        ("directions", doc.directions.len(), usize::from(u8::MAX) + 1),
    ];
    let mut too_many = false;
    for (section, count, max) in limits {
        if count > max {
            cx.structural(section, format!("at most {max} {section} are supported"));
            too_many = true;
        }
    }
    !too_many
}
