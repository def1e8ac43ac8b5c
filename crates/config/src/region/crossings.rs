//! The `[[crossings]]` entries: each crossing's scenario (a file, or inline), loaded with its
//! problems reported in the right file, and the region's sides mapped onto its directions
//! and entry stations.

use std::path::Path;

use bordersim_model::{ClassId, DirectionId, Scenario, StationId};
use bordersim_trade::{CrossingAlternative, SIDES};

use super::raw::{RawRegionCrossing, RawRegionFile};
use super::settings::Settings;
use super::values::lookup;
use super::{CrossingText, RegionCrossing, Replacement};
use crate::diagnostic::{Collector, Diagnostic};
use crate::scenario::{FileReader, parse_scenario_with};
use crate::spans::{LineIndex, child, index};
use crate::suggest::list;

/// The crossings that loaded, in file order, with what the region keeps of each.
pub(super) struct Crossings {
    pub(super) crossings: Vec<RegionCrossing>,
    pub(super) texts: Vec<CrossingText>,
    /// One per `[[crossings]]` entry, loaded or not.
    pub(super) alternatives: Vec<CrossingAlternative>,
    /// Problems inside the crossings' own files, added after the region's own checks.
    pub(super) diagnostics: Vec<Diagnostic>,
}

/// Loads each crossing's model, then maps the region's sides and classes onto it.
pub(super) fn crossings(
    cx: &mut Collector<'_>,
    raw: &RawRegionFile,
    source: &str,
    read: FileReader<'_>,
    replacement: Option<&Replacement>,
    settings: &Settings,
    class_ids: &[String],
) -> Crossings {
    let (horizon, warmup, sides) = (settings.horizon, settings.warmup, &settings.sides);
    let mut crossing_diagnostics = Vec::new();
    let mut crossings = Vec::new();
    let mut texts = Vec::new();
    let mut alternatives = Vec::new();
    for (c, raw_crossing) in raw.crossings.iter().enumerate() {
        let path = index("crossings", c);
        let constant = raw_crossing.constant.unwrap_or(0.0);
        if !constant.is_finite() {
            cx.error(
                &child(&path, "constant"),
                "the constant must be a finite number",
            );
        }
        alternatives.push(CrossingAlternative {
            id: raw_crossing.id.clone(),
            constant,
        });
        let replaced = replacement.filter(|r| r.crossing == c);
        let Some((mut scenario, text)) = load_crossing(
            cx,
            c,
            raw_crossing,
            source,
            read,
            replaced,
            &mut crossing_diagnostics,
        ) else {
            continue;
        };
        if let Some(h) = horizon {
            scenario.horizon = h;
        }
        if let Some(w) = warmup {
            scenario.warmup = w;
        }
        if scenario.warmup >= scenario.horizon {
            cx.error(
                if warmup.is_some() {
                    "region.warmup"
                } else {
                    "region.horizon"
                },
                format!(
                    "crossing `{}`: the warm-up must end before the horizon",
                    raw_crossing.id
                ),
            );
        }
        let population = scenario.population().clone();
        let (directions, entries) = sides_of(cx, &path, raw_crossing, &scenario, sides);
        let classes: Vec<Option<ClassId>> =
            class_ids.iter().map(|k| population.class_id(k)).collect();
        crossings.push(RegionCrossing {
            id: raw_crossing.id.clone(),
            scenario,
            directions,
            entries,
            classes,
            closed: raw_crossing.closed.unwrap_or(false),
        });
        texts.push(text);
    }
    Crossings {
        crossings,
        texts,
        alternatives,
        diagnostics: crossing_diagnostics,
    }
}

/// The crossing's direction for traffic leaving each side, and where that traffic enters
/// (given, else where the crossing's own sources in that direction enter).
fn sides_of(
    cx: &mut Collector<'_>,
    path: &str,
    raw_crossing: &RawRegionCrossing,
    scenario: &Scenario,
    sides: &[String],
) -> ([Option<DirectionId>; SIDES], [Option<StationId>; SIDES]) {
    let population = scenario.population();
    let direction_names: Vec<String> = population.directions.iter().map(|d| d.id.clone()).collect();
    let mut directions = [None; SIDES];
    if raw_crossing.directions.is_empty() {
        cx.error(
            path,
            format!(
                "say which of the crossing's directions ({}) traffic leaving each side takes: \
                 directions = {{ {} = \"…\", {} = \"…\" }}",
                list(direction_names.iter().map(String::as_str)),
                sides[0],
                sides[1]
            ),
        );
    }
    for (side, dir) in &raw_crossing.directions {
        let p = child(&child(path, "directions"), side);
        let s = lookup(cx, &p, "side", side, sides, true);
        let d = lookup(
            cx,
            &p,
            "direction of this crossing",
            dir,
            &direction_names,
            false,
        );
        if let (Some(s), Some(d)) = (s, d) {
            if directions.contains(&Some(DirectionId(d as u8))) {
                cx.error(
                    &p,
                    format!(
                        "both sides take direction `{dir}`: traffic leaving each side needs \
                         its own direction of the crossing (its own stations and statistics)"
                    ),
                );
            }
            directions[s] = Some(DirectionId(d as u8));
        }
    }
    let mut entries: [Option<StationId>; SIDES] = [None; SIDES];
    for (side, station) in &raw_crossing.entries {
        let p = child(&child(path, "entries"), side);
        let Some(s) = lookup(cx, &p, "side", side, sides, true) else {
            continue;
        };
        let station_ids: Vec<String> = scenario
            .crossing
            .stations()
            .iter()
            .map(|st| st.id.clone())
            .collect();
        if let Some(st) = lookup(cx, &p, "station", station, &station_ids, false) {
            let id = StationId(st as u32);
            if Some(scenario.crossing.station(id).direction) != directions[s] {
                cx.error(
                    &p,
                    format!(
                        "station `{station}` is not in the direction traffic from `{side}` takes"
                    ),
                );
            }
            entries[s] = Some(id);
        }
    }
    for s in 0..SIDES {
        let Some(direction) = directions[s] else {
            continue;
        };
        if entries[s].is_none() {
            let own = (0..scenario.crossing.sources().len())
                .find(|&i| scenario.crossing.source_direction(i) == direction)
                .map(|i| scenario.crossing.sources()[i].entry);
            match own {
                Some(e) => entries[s] = Some(e),
                None => cx.error(
                    &child(&child(path, "directions"), &sides[s]),
                    format!(
                        "the crossing has no source in direction `{}` to say where vehicles \
                         enter: give entries = {{ {} = \"station\" }}",
                        direction_names[direction.index()],
                        sides[s]
                    ),
                ),
            }
        }
    }
    (directions, entries)
}

/// Where the text of a (multi-line) string value starts, for mapping the positions of an
/// inline scenario back into the region file.
fn string_content_start(source: &str, value_start: usize) -> usize {
    let rest = &source[value_start.min(source.len())..];
    let skip = if rest.starts_with("'''") || rest.starts_with("\"\"\"") {
        let after = &rest[3..];
        3 + if after.starts_with("\r\n") {
            2
        } else {
            usize::from(after.starts_with('\n'))
        }
    } else {
        usize::from(rest.starts_with('\'') || rest.starts_with('"'))
    };
    value_start + skip
}

/// Joins a path written in a file to that file's directory.
fn relative_to(file: &str, path: &str) -> String {
    match Path::new(file).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(path).to_string_lossy().into_owned(),
        _ => path.to_owned(),
    }
}

/// Loads one crossing's scenario (file or inline), reporting its problems in the right file.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the pieces are all distinct"
)]
fn load_crossing(
    cx: &mut Collector<'_>,
    i: usize,
    raw: &RawRegionCrossing,
    source: &str,
    read: FileReader<'_>,
    replacement: Option<&Replacement>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Scenario, CrossingText)> {
    let path = index("crossings", i);
    // Where relative paths inside the crossing (traces) start from, relative to the region.
    let (text, label, base, inline_offset) = match (&raw.file, &raw.scenario) {
        (Some(_), Some(_)) => {
            cx.error(
                &child(&path, "scenario"),
                "give either `file` or an inline `scenario`, not both",
            );
            return None;
        }
        (None, None) => {
            cx.error(
                &path,
                "a crossing needs its model: `file = \"crossing.toml\"` or an inline \
                 `scenario = '''…'''`",
            );
            return None;
        }
        (Some(file), None) => {
            let label = relative_to(cx.file(), file);
            let text = match read(file) {
                Ok(text) => text,
                Err(reason) => {
                    cx.error(
                        &child(&path, "file"),
                        format!("cannot read crossing file `{file}`: {reason}"),
                    );
                    return None;
                }
            };
            let base = Path::new(file)
                .parent()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            (text, label, base, None)
        }
        (None, Some(text)) => {
            let start = cx.value_start(&child(&path, "scenario"));
            (
                text.clone(),
                cx.file().to_owned(),
                String::new(),
                Some(string_content_start(source, start)),
            )
        }
    };
    // A crossing changed by a policy was validated when the policy was applied.
    if let Some(r) = replacement {
        return Some((
            r.scenario.clone(),
            CrossingText {
                id: raw.id.clone(),
                file: r.label.clone(),
                text: r.text.clone(),
                dir: base,
            },
        ));
    }
    let read_inside = |name: &str| {
        if base.is_empty() {
            read(name)
        } else {
            read(&Path::new(&base).join(name).to_string_lossy())
        }
    };
    match parse_scenario_with(&text, &label, &read_inside) {
        // The crossing's own warnings concern its own sources, which the region replaces.
        Ok(loaded) => Some((
            loaded.scenario,
            CrossingText {
                id: raw.id.clone(),
                file: label,
                text,
                dir: base.clone(),
            },
        )),
        Err(error) => {
            let region_lines = LineIndex::new(source);
            for mut d in error.diagnostics {
                if let Some(offset) = inline_offset
                    && d.file == label
                {
                    let (line, column) = region_lines.line_col(offset);
                    if d.line == 1 {
                        d.column += column - 1;
                    }
                    d.line += line - 1;
                    d.path = if d.path.is_empty() {
                        child(&path, "scenario")
                    } else {
                        format!("{}.{}", child(&path, "scenario"), d.path)
                    };
                }
                diagnostics.push(d);
            }
            None
        }
    }
}
