//! The observation file: a tidy CSV, one observation per row, keyed by the scenario's own
//! names (`docs/calibration.md`).
//!
//! ```csv
//! station,lane_group,hour,wait_min,volume,open_lanes
//! primary,general,0,72,215.3,4
//! primary,ready,0,54,180,3
//! ```
//!
//! Required columns: `station`, `hour` (0–23, the hour of day of arrival), `wait_min`
//! (observed mean wait, minutes; an empty cell where only the volume was observed).
//! Optional: `lane_group`, `direction`, `class`, `programme` (empty or absent: all of them),
//! `day` (`mon`…`sun`, a weekday name, or a date `YYYY-MM-DD`), `volume` (vehicles processed
//! in the hour), `open_lanes`, `wait_p95_min`, `weight` (of the row in a fit, default 1).
//! Lines starting with `#` are comments. Every problem is reported at once, located by the
//! file's line and column and the data row (1-based), as the scenario's trace files are.

use std::collections::BTreeMap;

use bordersim_experiment::hourly_groups::row_key;
use bordersim_model::Scenario;

/// At most this many problems are listed; the rest are counted.
const MAX_PROBLEMS: usize = 20;

const REQUIRED: [&str; 3] = ["station", "hour", "wait_min"];
const OPTIONAL: [&str; 10] = [
    "lane_group",
    "direction",
    "class",
    "programme",
    "day",
    "volume",
    "open_lanes",
    "wait_p95_min",
    "weight",
    "comment",
];

/// One row of an observation file, checked against the scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// The data row (1-based, comments and header not counted).
    pub row: usize,
    /// The file's line of the row (1-based).
    pub line: usize,
    /// The station's id.
    pub station: String,
    /// A lane group of the station (`None`: every one).
    pub lane_group: Option<String>,
    /// A class id (`None`: every class).
    pub class: Option<String>,
    /// A programme id (`None`: every programme).
    pub programme: Option<String>,
    /// The day as written (`None`: a typical day).
    pub day: Option<String>,
    /// Hour of day of arrival, 0–23.
    pub hour: u8,
    /// Observed mean wait, minutes (`None`: not observed in this row).
    pub wait_min: Option<f64>,
    /// Observed 95th percentile of the wait, minutes.
    pub wait_p95_min: Option<f64>,
    /// Vehicles processed in the hour.
    pub volume: Option<f64>,
    /// Lanes open in the hour.
    pub open_lanes: Option<u32>,
    /// Weight of the row in a fit (> 0; 1 unless given).
    pub weight: f64,
}

/// The observations of one group: a station and a selection of its lane groups, classes
/// and programmes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct GroupKey {
    /// The station's id.
    pub station: String,
    /// A lane group (`None`: all).
    pub lane_group: Option<String>,
    /// A class (`None`: all).
    pub class: Option<String>,
    /// A programme (`None`: all).
    pub programme: Option<String>,
}

impl GroupKey {
    /// `station/lane_group/class/programme`, `all` for a dimension not given.
    pub fn name(&self) -> String {
        let part = |v: &Option<String>| v.clone().unwrap_or_else(|| "all".to_owned());
        format!(
            "{}/{}/{}/{}",
            self.station,
            part(&self.lane_group),
            part(&self.class),
            part(&self.programme)
        )
    }
}

/// The observations of one group in one hour of day, averaged over the days observed.
#[derive(Clone, Debug, PartialEq)]
pub struct HourObservation {
    /// Hour of day, 0–23.
    pub hour: u8,
    /// Mean of the observed mean waits of the days observed, minutes.
    pub wait_min: Option<f64>,
    /// Mean of the observed 95th percentiles, minutes.
    pub wait_p95_min: Option<f64>,
    /// Mean observed volume, vehicles per hour.
    pub volume: Option<f64>,
    /// Mean of the open lanes observed.
    pub open_lanes: Option<f64>,
    /// Sum of the rows' weights.
    pub weight: f64,
}

/// A checked observation file.
#[derive(Clone, Debug, PartialEq)]
pub struct Observations {
    /// Every row, in file order.
    pub rows: Vec<Observation>,
}

impl Observations {
    /// The observations by group, each group's hours in order (days averaged, each value
    /// over the rows that give it).
    pub fn by_group(&self) -> BTreeMap<GroupKey, Vec<HourObservation>> {
        let mut groups: BTreeMap<GroupKey, BTreeMap<u8, Vec<&Observation>>> = BTreeMap::new();
        for o in &self.rows {
            let key = GroupKey {
                station: o.station.clone(),
                lane_group: o.lane_group.clone(),
                class: o.class.clone(),
                programme: o.programme.clone(),
            };
            groups
                .entry(key)
                .or_default()
                .entry(o.hour)
                .or_default()
                .push(o);
        }
        groups
            .into_iter()
            .map(|(key, hours)| {
                let hours = hours
                    .into_iter()
                    .map(|(hour, rows)| {
                        let mean = |f: &dyn Fn(&Observation) -> Option<f64>| {
                            let v: Vec<f64> = rows.iter().filter_map(|o| f(o)).collect();
                            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
                        };
                        HourObservation {
                            hour,
                            wait_min: mean(&|o| o.wait_min),
                            wait_p95_min: mean(&|o| o.wait_p95_min),
                            volume: mean(&|o| o.volume),
                            open_lanes: mean(&|o| o.open_lanes.map(f64::from)),
                            weight: rows.iter().map(|o| o.weight).sum(),
                        }
                    })
                    .collect();
                (key, hours)
            })
            .collect()
    }
}

/// Why an observation file was refused: every problem, each located.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", .problems.join("\n"))]
pub struct ObservationError {
    /// One message per problem: `file:line:column: row N, column NAME: what is wrong`.
    pub problems: Vec<String>,
}

/// `" (did you mean `x`?)"` for the closest known name, or ``"; known: `a`, `b`"``.
pub(crate) fn suggestion<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let known: Vec<&str> = known.into_iter().collect();
    match bordersim_config::closest(word, known.iter().copied()) {
        Some(k) => format!(" (did you mean `{k}`?)"),
        None => format!(
            "; known: {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn valid_day(day: &str) -> bool {
    let d = day.to_lowercase();
    if WEEKDAYS
        .iter()
        .any(|w| *w == d || (d.len() == 3 && w.starts_with(&d)))
    {
        return true;
    }
    // YYYY-MM-DD with a plausible month and day.
    let parts: Vec<&str> = day.split('-').collect();
    if let [y, m, dd] = parts.as_slice()
        && y.len() == 4
        && m.len() == 2
        && dd.len() == 2
        && let (Ok(_), Ok(m), Ok(dd)) = (y.parse::<u32>(), m.parse::<u32>(), dd.parse::<u32>())
    {
        return (1..=12).contains(&m) && (1..=31).contains(&dd);
    }
    false
}

/// Reads and checks an observation file against `scenario`; `file` names the file in
/// messages.
///
/// # Errors
///
/// [`ObservationError`] with every problem located by line, column and row: a missing
/// required column or an unknown one, an unknown station, lane group, class, programme or
/// direction (with the closest known name), a direction other than the station's, an hour
/// outside 0–23 or not whole, a negative or non-numeric wait, volume, open lanes or 95th
/// percentile, a weight that is not positive, a row with neither a wait nor a volume, a
/// selection that takes no vehicle, or two rows with the same key (station, lane group,
/// class, programme, day, hour). An empty file (no data row) is refused too.
pub fn parse_observations(
    text: &str,
    file: &str,
    scenario: &Scenario,
) -> Result<Observations, ObservationError> {
    // Lone CR line endings (old Mac tools) read as LF, byte for byte: offsets unchanged.
    let text = &bordersim_config::lone_cr_to_lf(text);
    let mut problems = Problems::default();
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(ObservationError {
                problems: vec![format!("{file}: cannot read the header row: {e}")],
            });
        }
    };
    let header_line = text
        .lines()
        .position(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map_or(1, |i| i + 1);
    let mut column: BTreeMap<&str, usize> = BTreeMap::new();
    let known: Vec<&str> = REQUIRED.iter().chain(OPTIONAL.iter()).copied().collect();
    for (i, name) in headers.iter().enumerate() {
        if let Some(k) = known.iter().find(|k| **k == name) {
            if column.insert(k, i).is_some() {
                problems.add(format!(
                    "{file}:{header_line}:{}: column `{name}` appears twice",
                    i + 1
                ));
            }
        } else {
            problems.add(format!(
                "{file}:{header_line}:{}: unknown column `{name}`{}",
                i + 1,
                suggestion(name, known.iter().copied())
            ));
        }
    }
    for r in REQUIRED {
        if !column.contains_key(r) {
            problems.add(format!(
                    "{file}:{header_line}:1: the required column `{r}` is missing (the header row names {})",
                    headers
                        .iter()
                        .map(|h| format!("`{h}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
    // An unknown column hides nothing: the rows are still read. Without a required column,
    // or with one twice, they cannot be.
    let unreadable = REQUIRED.iter().any(|r| !column.contains_key(r))
        || headers
            .iter()
            .enumerate()
            .any(|(i, h)| known.contains(&h) && headers.iter().position(|g| g == h) != Some(i));
    if unreadable {
        return Err(problems.into_error(file));
    }
    let population = scenario.population();
    let stations = scenario.crossing.stations();
    let mut rows = Vec::new();
    let mut seen: BTreeMap<(GroupKey, Option<String>, u8), usize> = BTreeMap::new();
    for (n, record) in reader.records().enumerate() {
        let row = n + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.add(format!("{file}:{line}:1: row {row}: {e}"));
                continue;
            }
        };
        // The line from the byte offset: the reader's own line count skips comment lines.
        let line = record.position().map_or(0, |p| line_of(text, p.byte()));
        // The reader places a record after a comment at the comment's start.
        let line = text
            .lines()
            .enumerate()
            .skip(line.saturating_sub(1))
            .find(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
            .map_or(line, |(i, _)| i + 1);
        let before = problems.count();
        let cell = |name: &str| -> Option<&str> {
            column
                .get(name)
                .and_then(|&i| record.get(i))
                .filter(|s| !s.is_empty())
        };
        let at = |name: &str| -> String {
            let col = column.get(name).map_or(1, |i| i + 1);
            format!("{file}:{line}:{col}: row {row}, column {name}")
        };
        // Numbers: non-negative and finite.
        let number = |problems: &mut Problems, name: &str| -> Option<f64> {
            let s = cell(name)?;
            match s.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
                Ok(v) if v.is_finite() => {
                    problems.add(format!(
                        "{}: `{s}` is negative; a {} cannot be",
                        at(name),
                        describe(name)
                    ));
                    None
                }
                _ => {
                    problems.add(format!("{}: `{s}` is not a number", at(name)));
                    None
                }
            }
        };
        let station = cell("station").unwrap_or("");
        let st = stations.iter().find(|s| s.id == station);
        if st.is_none() {
            let msg = if station.is_empty() {
                format!("{}: a station is required", at("station"))
            } else {
                format!(
                    "{}: unknown station `{station}`{}",
                    at("station"),
                    suggestion(station, stations.iter().map(|s| s.id.as_str()))
                )
            };
            problems.add(msg);
        }
        let lane_group = cell("lane_group").map(str::to_owned);
        if let (Some(st), Some(g)) = (st, &lane_group)
            && !st.lanes.iter().any(|l| l.id == *g)
        {
            problems.add(format!(
                "{}: station `{}` has no lane group `{g}`{}",
                at("lane_group"),
                st.id,
                suggestion(g, st.lanes.iter().map(|l| l.id.as_str()))
            ));
        }
        let class = cell("class").map(str::to_owned);
        if let Some(c) = &class
            && population.class_id(c).is_none()
        {
            problems.add(format!(
                "{}: unknown class `{c}`{}",
                at("class"),
                suggestion(c, population.classes.iter().map(|c| c.id.as_str()))
            ));
        }
        let programme = cell("programme").map(str::to_owned);
        if let Some(p) = &programme
            && !population.programmes.iter().any(|q| q.id == *p)
        {
            problems.add(format!(
                "{}: unknown programme `{p}`{}",
                at("programme"),
                suggestion(p, population.programmes.iter().map(|p| p.id.as_str()))
            ));
        }
        if let Some(d) = cell("direction") {
            match population.directions.iter().position(|x| x.id == d) {
                None => problems.add(format!(
                    "{}: unknown direction `{d}`{}",
                    at("direction"),
                    suggestion(d, population.directions.iter().map(|d| d.id.as_str()))
                )),
                Some(di) => {
                    if let Some(st) = st
                        && st.direction.index() != di
                    {
                        problems.add(format!(
                            "{}: station `{}` serves `{}`, not `{d}`",
                            at("direction"),
                            st.id,
                            population.directions[st.direction.index()].id
                        ));
                    }
                }
            }
        }
        let day = cell("day").map(str::to_owned);
        if let Some(d) = &day
            && !valid_day(d)
        {
            problems.add(format!(
                    "{}: `{d}` is not a day: write a weekday (`mon`…`sun` or its full name) or a date (YYYY-MM-DD)",
                    at("day")
                ),
            );
        }
        let hour = match cell("hour") {
            None => {
                problems.add(format!("{}: an hour (0–23) is required", at("hour")));
                None
            }
            Some(s) => match s.parse::<i64>() {
                Ok(h) if (0..=23).contains(&h) => Some(h as u8),
                Ok(h) => {
                    problems.add(format!("{}: hour {h} is outside 0–23 (the hour of day of arrival, 0 = 00:00–01:00)", at("hour")),
                    );
                    None
                }
                Err(_) => {
                    problems.add(format!("{}: `{s}` is not a whole hour 0–23", at("hour")));
                    None
                }
            },
        };
        let wait_min = number(&mut problems, "wait_min");
        let wait_p95_min = number(&mut problems, "wait_p95_min");
        let volume = number(&mut problems, "volume");
        let open_lanes = number(&mut problems, "open_lanes").and_then(|v| {
            if v.fract() == 0.0 && v <= f64::from(u32::MAX) {
                Some(v as u32)
            } else {
                problems.add(format!(
                    "{}: `{v}` is not a whole number of lanes",
                    at("open_lanes")
                ));
                None
            }
        });
        let weight = match number(&mut problems, "weight") {
            Some(w) if w > 0.0 => w,
            Some(_) => {
                problems.add(format!("{}: a weight must be positive", at("weight")));
                1.0
            }
            None => 1.0,
        };
        if problems.count() > before {
            continue;
        }
        if cell("wait_min").is_none() && cell("volume").is_none() {
            problems.add(format!(
                "{}: the row gives neither a wait nor a volume",
                at("wait_min")
            ));
            continue;
        }
        let Some(hour) = hour else { continue };
        let key = GroupKey {
            station: station.to_owned(),
            lane_group: lane_group.clone(),
            class: class.clone(),
            programme: programme.clone(),
        };
        if row_key(
            scenario,
            station,
            lane_group.as_deref(),
            class.as_deref(),
            programme.as_deref(),
        )
        .is_none()
        {
            problems.add(format!(
                    "{}: `{}` takes no vehicle: no lane group of it serves the class and programme given",
                    at("station"),
                    key.name()
                ),
            );
            continue;
        }
        if let Some(first) = seen.insert((key.clone(), day.clone(), hour), row) {
            problems.add(format!(
                    "{}: duplicate observation: row {first} has the same station, lane group, class, programme, day and hour ({}, hour {hour})",
                    at("hour"),
                    key.name()
                ),
            );
            continue;
        }
        rows.push(Observation {
            row,
            line,
            station: station.to_owned(),
            lane_group,
            class,
            programme,
            day,
            hour,
            wait_min,
            wait_p95_min,
            volume,
            open_lanes,
            weight,
        });
    }
    if problems.count() == 0 && rows.is_empty() {
        problems.add(format!(
            "{file}: no observations (the file has a header row only)"
        ));
    }
    if problems.count() == 0 {
        Ok(Observations { rows })
    } else {
        Err(problems.into_error(file))
    }
}

/// The 1-based line of byte `byte` of `text` (a lone CR ends a line too).
fn line_of(text: &str, byte: u64) -> usize {
    let end = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
    let head = &text.as_bytes()[..end];
    let crlf = head.windows(2).filter(|w| *w == b"\r\n").count();
    let breaks = head.iter().filter(|&&b| b == b'\n' || b == b'\r').count() - crlf;
    breaks + 1
}

/// The problems found so far; past [`MAX_PROBLEMS`], only counted.
#[derive(Default)]
struct Problems {
    list: Vec<String>,
    more: usize,
}

impl Problems {
    fn add(&mut self, message: String) {
        if self.list.len() >= MAX_PROBLEMS {
            self.more += 1;
        } else {
            self.list.push(message);
        }
    }

    fn count(&self) -> usize {
        self.list.len() + self.more
    }

    fn into_error(mut self, file: &str) -> ObservationError {
        if self.more > 0 {
            self.list
                .push(format!("{file}: … and {} more problems", self.more));
        }
        ObservationError {
            problems: self.list,
        }
    }
}

fn describe(column: &str) -> &'static str {
    match column {
        "wait_min" => "wait",
        "wait_p95_min" => "95th percentile of the wait",
        "volume" => "volume",
        "open_lanes" => "number of open lanes",
        "weight" => "weight",
        _ => "value",
    }
}
