//! Overload the station-level load hides: a lane group that serves some vehicles alone (no
//! other group may take them, none shares when idle) and cannot keep up with them over the
//! week, whatever the station's other lanes do. Its queue grows until the horizon while the
//! station's load may read 0.90. The warning names the group and the hours of the week its
//! vehicles bring more work than its open lanes can do.

use bordersim_des::SimTime;
use bordersim_model::{
    Arrivals, ClassId, Crossing, HOURS_PER_WEEK, LaneGroup, PreLodged, ProgrammeId, Source,
    Station, StationId, VehicleKey, lane_filter_matches,
};

use super::Cx;
use super::station::StationMeta;
use super::warnings::{hours_in_run, mean_in_run, readable_ratio};
use crate::spans::index;

/// Per vehicle kind (class × programme), per hour of the week: ms of service arriving.
type KindWork = Vec<[f64; HOURS_PER_WEEK]>;
/// Mean visits per station and vehicle kind of vehicles entering at (station, class), 1/h.
type Probe = ((StationId, ClassId), Vec<Vec<f64>>);

const MS_PER_HOUR: f64 = SimTime::MS_PER_HOUR as f64;
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Warns, at the lane group, when the vehicles only that group may serve bring at least as
/// much work over the week as its open lanes can do (load ≥ 1: its queue grows without
/// bound), naming the hours of the week in which they bring more than it can do. Arrival
/// rates follow each source's profile hour by hour (a trace at its mean rate over the
/// run), carried to every station by the routes' mean visits.
///
/// After a loss system (see `carried`: the crossing with the flows past each loss system
/// reduced to those it carries), the work is that of the carried flow, and the message
/// says so.
pub(super) fn lane_groups(
    cx: &mut Cx<'_>,
    crossing: &Crossing,
    carried: Option<&Crossing>,
    metas: &[StationMeta],
    horizon: SimTime,
) {
    let stations = crossing.stations();
    if !stations.iter().any(|s| s.lanes.len() > 1) {
        return;
    }
    let offered_work = carried.map(|_| hourly_work(crossing, horizon));
    let work = hourly_work(carried.unwrap_or(crossing), horizon);
    let weights = hours_in_run(horizon, cx.start_weekday);
    let programmes = crossing.population().programmes.len();
    for (i, st) in stations.iter().enumerate() {
        if st.lanes.len() < 2 || st.merged_into.is_some() {
            continue;
        }
        let Some(work) = &work[i] else { continue };
        for (g, group) in st.lanes.iter().enumerate() {
            let (own, kinds) = own_work(st, g, work, programmes);
            if kinds == 0 {
                continue;
            }
            // Less work than offered reaches the group: a loss system upstream lost some.
            let is_carried = offered_work
                .as_ref()
                .and_then(|w| w[i].as_ref())
                .is_some_and(|offered| {
                    let offered: f64 = own_work(st, g, offered, programmes).0.iter().sum();
                    own.iter().sum::<f64>() < offered * (1.0 - 1e-9)
                });
            let capacity: [f64; HOURS_PER_WEEK] =
                std::array::from_fn(|h| lanes_open(group, h) * MS_PER_HOUR);
            // Only the hours the run covers count: a peak in hours it never reaches
            // overloads nothing.
            let (total_work, total_capacity) = (
                mean_in_run(&weights, |h| own[h]),
                mean_in_run(&weights, |h| capacity[h]),
            );
            // A group never open is the warning about vehicles whose lanes never open.
            if total_work < total_capacity || total_capacity == 0.0 {
                continue;
            }
            let over: Vec<bool> = own
                .iter()
                .zip(&capacity)
                .zip(&weights)
                .map(|((w, c), in_run)| *in_run > 0.0 && *w > 0.0 && w > c)
                .collect();
            let load = format!(
                "{} load {} per open lane over {}",
                if is_carried {
                    "carried (after the vehicles lost at a loss system upstream)"
                } else {
                    "offered"
                },
                readable_ratio(total_work / total_capacity, 2),
                if weights.iter().all(|w| *w == weights[0]) {
                    "the week"
                } else {
                    "the run"
                }
            );
            let path = &metas[i].servers_path;
            let path = if path.ends_with("lanes") {
                index(path, g)
            } else {
                path.clone()
            };
            cx.warn(
                &path,
                format!(
                    "unstable: lane group `{}` of station `{}` alone serves some of its \
                     vehicles (no other group may take them) and cannot keep up with them: \
                     {load}; its queue grows until the horizon, whatever the station's \
                     other lanes do. Its vehicles bring more work than its open lanes can do \
                     {}. Give it more lanes in those hours, or let another group serve or \
                     share with its vehicles",
                    group.id,
                    st.id,
                    hours_text(&over)
                ),
            );
        }
    }
}

/// The work (ms per hour, by hour of the week) of the vehicle kinds only group `g` of
/// `st` may serve, and how many kinds bring some.
fn own_work(
    st: &Station,
    g: usize,
    work: &KindWork,
    programmes: usize,
) -> ([f64; HOURS_PER_WEEK], usize) {
    let mut own = [0.0f64; HOURS_PER_WEEK];
    let mut kinds = 0;
    for (k, per_hour) in work.iter().enumerate() {
        let key = VehicleKey {
            class: ClassId((k / programmes) as u16),
            programme: ProgrammeId((k % programmes) as u8),
            channel: bordersim_model::Channel::Green,
        };
        if per_hour.iter().all(|w| *w == 0.0) || !served_only_by(st, g, key) {
            continue;
        }
        kinds += 1;
        for (o, w) in own.iter_mut().zip(per_hour) {
            *o += w;
        }
    }
    (own, kinds)
}

/// Whether vehicles of `key` at `station` may be served by group `g` and no other (no other
/// group serves them, none shares when idle).
fn served_only_by(station: &Station, g: usize, key: VehicleKey) -> bool {
    station.lanes.iter().enumerate().all(|(h, group)| {
        let may = group.share_when_idle || lane_filter_matches(&group.serves, key);
        may == (h == g)
    })
}

/// Lanes `group` has open in hour `h` of the week (a group under a lane rule: its most).
fn lanes_open(group: &LaneGroup, h: usize) -> f64 {
    match &group.rule {
        Some(rule) => f64::from(rule.max_lanes),
        None => f64::from(group.schedule.servers_at(SimTime::from_hours(h as u64), 0)),
    }
}

/// Per station (`None` for one with a single lane group), per vehicle kind (class ×
/// programme), per hour of the week: the work arriving, in ms of service per hour.
fn hourly_work(crossing: &Crossing, horizon: SimTime) -> Vec<Option<KindWork>> {
    let stations = crossing.stations();
    let population = crossing.population();
    let programmes = population.programmes.len();
    let kinds = population.classes.len() * programmes;
    let mut work: Vec<Option<KindWork>> = stations
        .iter()
        .map(|s| (s.lanes.len() > 1).then(|| vec![[0.0; HOURS_PER_WEEK]; kinds]))
        .collect();
    // Mean service of each kind at each multi-group station, pre-lodged treatment included.
    let service: Vec<Vec<f64>> = stations
        .iter()
        .enumerate()
        .map(|(i, st)| {
            if st.lanes.len() < 2 {
                return Vec::new();
            }
            (0..kinds)
                .map(|k| {
                    let (class, programme) = (ClassId((k / programmes) as u16), k % programmes);
                    let share = population.classes[class.index()].pre_lodged_share;
                    let factor = match st.pre_lodged {
                        PreLodged::Same => 1.0,
                        PreLodged::Skip => 1.0 - share,
                        PreLodged::Scale(f) => 1.0 - share + share * f,
                    };
                    crossing
                        .effective_service(StationId(i as u32), class, ProgrammeId(programme as u8))
                        .map_or(0.0, |d| d.mean_ms() * factor)
                })
                .collect()
        })
        .collect();
    // Visits per vehicle entering at (entry, class): the traffic equations of the crossing
    // fed by 1 vehicle/h there alone.
    let mut probes: Vec<Probe> = Vec::new();
    for source in crossing.sources() {
        for class in 0..population.classes.len() {
            let class = ClassId(class as u16);
            let hourly = hourly_rates(source, class, horizon);
            if hourly.iter().all(|r| *r == 0.0) {
                continue;
            }
            let probe_key = (source.entry, class);
            if !probes.iter().any(|(k, _)| *k == probe_key) {
                let probe = Crossing::new(
                    crossing.name.clone(),
                    population,
                    stations.to_vec(),
                    vec![Source::poisson("probe", class, 1.0, source.entry)],
                )
                .map(|alone| alone.arrival_rates_by_kind(horizon))
                .unwrap_or_default();
                probes.push((probe_key, probe));
            }
            let Some((_, visits)) = probes.iter().find(|(k, _)| *k == probe_key) else {
                continue;
            };
            for (s, per_kind) in visits.iter().enumerate() {
                let Some(station_work) = work.get_mut(s).and_then(Option::as_mut) else {
                    continue;
                };
                for (k, v) in per_kind.iter().enumerate() {
                    if *v <= 0.0 {
                        continue;
                    }
                    let ms = v * service[s][k];
                    for (w, r) in station_work[k].iter_mut().zip(&hourly) {
                        *w += r * ms;
                    }
                }
            }
        }
    }
    work
}

/// Arrivals of `class` per hour from `source`, by hour of the week (Monday 00:00 first); a
/// trace at its mean rate over the run.
fn hourly_rates(source: &Source, class: ClassId, horizon: SimTime) -> [f64; HOURS_PER_WEEK] {
    match &source.arrivals {
        Arrivals::Poisson {
            class: c,
            rate_per_hour,
        } if *c == class => [*rate_per_hour; HOURS_PER_WEEK],
        Arrivals::Profile { class: c, profile }
        | Arrivals::Thinned {
            class: c, profile, ..
        } if *c == class => {
            std::array::from_fn(|h| profile.rate_per_hour_at(SimTime::from_hours(h as u64), 0))
        }
        Arrivals::Trace { .. } => {
            let classes = usize::from(class.0) + 1;
            [source.mean_rates_per_hour(classes, horizon)[class.index()]; HOURS_PER_WEEK]
        }
        _ => [0.0; HOURS_PER_WEEK],
    }
}

/// The hours flagged, as ranges: `"every day 06:00–22:00"` when every day has the same
/// hours, else by day of the week (`"Mon 06:00–09:00, Fri 16:00–19:00"`); hours of the
/// week from Monday 00:00, as schedules and profiles count them.
fn hours_text(over: &[bool]) -> String {
    let day = |d: usize| &over[d * 24..(d + 1) * 24];
    let ranges = |hours: &[bool]| -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut h = 0;
        while h < hours.len() {
            if hours[h] {
                let start = h;
                while h < hours.len() && hours[h] {
                    h += 1;
                }
                out.push((start, h));
            } else {
                h += 1;
            }
        }
        out
    };
    let clock = |(a, b): (usize, usize)| format!("{:02}:00–{:02}:00", a, b);
    if !over.contains(&true) {
        return "in no single hour (it falls behind over the week as a whole)".to_owned();
    }
    if (1..7).all(|d| day(d) == day(0)) {
        let list: Vec<String> = ranges(day(0)).into_iter().map(clock).collect();
        return format!("every day {}", list.join(", "));
    }
    let list: Vec<String> = (0..7)
        .flat_map(|d| {
            ranges(day(d))
                .into_iter()
                .map(move |r| format!("{} {}", DAYS[d], clock(r)))
        })
        .collect();
    format!("on {}", list.join(", "))
}

#[cfg(test)]
mod tests {
    use super::hours_text;
    use crate::tests::{edit, ok};

    fn warnings(input: &str) -> Vec<(String, String)> {
        ok(input)
            .warnings
            .iter()
            .map(|d| (d.path.clone(), d.message.clone()))
            .collect()
    }

    /// The base scenario's primary with a general group of `general` lanes and a FAST-like
    /// dedicated group for cars with `cars` lanes, neither sharing.
    fn dedicated(general: &str, cars: &str) -> String {
        edit(
            "servers = 4\n",
            &format!(
                "lanes = [\n  {{ id = \"general\", servers = {general}, serves = {{ classes = [\"truck\"] }} }},\n  {{ id = \"cars\", servers = {cars}, serves = {{ classes = [\"car\"] }} }},\n]\n"
            ),
        )
    }

    #[test]
    fn a_dedicated_group_past_capacity_is_named_with_its_hours() {
        // Trucks: 30/h × 2 min = 1 lane-hour of work per hour, on 1 general lane: load 1.00,
        // though the station's 2 lanes carry (1 + 20/60) / 2 = 0.67.
        let found = warnings(&dedicated("1", "1"));
        let general: Vec<_> = found
            .iter()
            .filter(|(_, m)| m.contains("lane group `general`"))
            .collect();
        assert_eq!(general.len(), 1, "{found:?}");
        assert_eq!(general[0].0, "stations[0].lanes[0]");
        assert!(
            general[0].1.contains("offered load 1 per open lane"),
            "{}",
            general[0].1
        );
        assert!(
            general[0].1.contains("in no single hour"),
            "{}",
            general[0].1
        );
        assert!(
            !found.iter().any(|(_, m)| m.contains("station `primary` (")),
            "{found:?}"
        );
        // Two general lanes keep up: no warning.
        assert!(
            warnings(&dedicated("2", "1"))
                .iter()
                .all(|(_, m)| !m.contains("lane group"))
        );
    }

    #[test]
    fn the_hours_past_capacity_are_named() {
        let mut over = vec![false; 168];
        for d in 0..7 {
            for h in 6..22 {
                over[d * 24 + h] = true;
            }
        }
        assert_eq!(hours_text(&over), "every day 06:00–22:00");
        over[3 * 24 + 23] = true;
        assert!(hours_text(&over).starts_with("on Mon 06:00–22:00, Tue 06:00–22:00"));
        assert!(hours_text(&over).contains("Thu 06:00–22:00, Thu 23:00–24:00"));
    }

    #[test]
    fn a_dedicated_group_closed_at_night_names_the_hours_it_falls_behind() {
        // Trucks at 30/h × 2 min bring 1 lane-hour of work every hour; the general group has
        // 1 lane, closed 00:00–04:00: 20 lane-hours a day for 24 of work (load 1.2), short
        // in the four closed hours.
        let mut hours = vec!["1"; 24];
        hours[..4].fill("0");
        let text = format!("servers_by_hour = [{}]", hours.join(", "));
        let input = dedicated("1", "1").replacen(
            "id = \"general\", servers = 1,",
            &format!("id = \"general\", {text},"),
            1,
        );
        // A one-day run covers Monday only: the hours named are Monday's.
        let one_day = warnings(&input);
        assert!(
            one_day.iter().any(|(_, m)| m.contains("over the run")
                && m.contains("offered load 1.2 per open lane")
                && m.contains("on Mon 00:00–04:00.")),
            "{one_day:?}"
        );
        let input = input.replacen("horizon = \"1d\"", "horizon = \"7d\"", 1);
        let found = warnings(&input);
        let general: Vec<_> = found
            .iter()
            .filter(|(_, m)| m.contains("lane group `general`"))
            .collect();
        assert_eq!(general.len(), 1, "{found:?}");
        assert!(
            general[0].1.contains("offered load 1.2 per open lane"),
            "{}",
            general[0].1
        );
        assert!(
            general[0].1.contains("every day 00:00–04:00."),
            "{}",
            general[0].1
        );
    }
}
