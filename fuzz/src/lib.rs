//! Shared pieces of the fuzz targets: small fixed files the parsers need beside the fuzzed
//! one, and the generator of runnable scenarios for the `run` target.

use std::fmt::Write as _;

use arbitrary::{Result, Unstructured};

/// A valid scenario: the baseline the `policy` target applies policies to, and the crossing
/// every path of the `region` target reads.
pub const BASE: &str = r#"[scenario]
name = "fuzz"
horizon = "6h"

[[directions]]
id = "northbound"

[[directions]]
id = "southbound"

[[programmes]]
id = "fast"

[[classes]]
id = "truck"
programmes = { fast = 0.2, none = 0.8 }
channels = { green = 0.8, yellow = 0.1, red = 0.1 }

[[classes]]
id = "car"

[[stations]]
id = "nb-primary"
direction = "northbound"
service = { dist = "lognormal", mean = "2min", cv = 0.5 }
queue_length = "1km"
routes = [
  { channel = "red", to = "nb-xray", p = 1 },
  { to = "exit", p = 1 },
]

[[stations.lanes]]
id = "general"
servers_by_hour = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1]

[[stations.lanes]]
id = "fast"
serves = { programmes = ["fast"] }
servers = 1

[[stations]]
id = "nb-xray"
direction = "northbound"
servers = 1
service = { dist = "exponential", mean = "10min" }

[[stations]]
id = "sb-primary"
direction = "southbound"
servers = 2
service = { dist = "exponential", mean = "1min" }

[[sources]]
id = "trucks"
class = "truck"
rate = "20/h"
entry = "nb-primary"

[[sources]]
id = "cars"
class = "car"
rate = "30/h"
entry = "sb-primary"
"#;

/// A scenario replaying `trace.csv`: the `trace` target fuzzes that file.
pub const TRACE_SCENARIO: &str = r#"[scenario]
name = "fuzz trace"
horizon = "1d"

[[directions]]
id = "in"

[[directions]]
id = "out"

[[programmes]]
id = "fast"

[[classes]]
id = "truck"
programmes = { fast = 0.5, none = 0.5 }

[[classes]]
id = "car"

[[stations]]
id = "in-booth"
direction = "in"
servers = 1
service = { dist = "exponential", mean = "1min" }

[[stations]]
id = "out-booth"
direction = "out"
servers = 1
service = { dist = "exponential", mean = "1min" }

[[sources]]
id = "recorded"
trace = "trace.csv"
start = "2024-03-04"
entry = { in = "in-booth", out = "out-booth" }
"#;

/// The durations the generator writes, from none to a day.
const DURATIONS: [&str; 12] = [
    "0s", "1ms", "1.5ms", "1s", "30s", "1min", "2.5min", "5min", "15min", "1h", "3h", "1d",
];

fn duration(u: &mut Unstructured<'_>) -> Result<&'static str> {
    u.choose(&DURATIONS).copied()
}

/// A duration longer than zero (a mean).
fn positive(u: &mut Unstructured<'_>) -> Result<&'static str> {
    u.choose(&DURATIONS[1..]).copied()
}

/// `n` durations in increasing order (as `DURATIONS` is).
fn ordered(u: &mut Unstructured<'_>, n: usize) -> Result<Vec<&'static str>> {
    let mut picks: Vec<usize> = (0..n)
        .map(|_| u.choose_index(DURATIONS.len()))
        .collect::<Result<_>>()?;
    picks.sort_unstable();
    Ok(picks.into_iter().map(|i| DURATIONS[i]).collect())
}

/// A whole number in `0..=max` from the input.
fn small(u: &mut Unstructured<'_>, max: u32) -> Result<u32> {
    u.int_in_range(0..=max)
}

/// Probabilities in quarters that sum to exactly 1, `n` of them.
fn shares(u: &mut Unstructured<'_>, n: usize) -> Result<Vec<f64>> {
    shares_of(u, n, 4)
}

/// `n` probabilities in quarters, the first `n - 1` summing to at most `quarters` / 4 and
/// the last taking the rest of 1.
fn shares_of(u: &mut Unstructured<'_>, n: usize, quarters: u32) -> Result<Vec<f64>> {
    let mut left = quarters;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let q = if i + 1 == n {
            left + 4 - quarters
        } else {
            small(u, left)?
        };
        left -= q.min(left);
        out.push(f64::from(q) / 4.0);
    }
    Ok(out)
}

fn service(u: &mut Unstructured<'_>, depth: u32) -> Result<String> {
    Ok(match small(u, if depth == 0 { 7 } else { 6 })? {
        0 => format!("{{ dist = \"exponential\", mean = \"{}\" }}", positive(u)?),
        1 => format!("{{ dist = \"deterministic\", value = \"{}\" }}", duration(u)?),
        2 => {
            let d = ordered(u, 2)?;
            format!(
                "{{ dist = \"uniform\", min = \"{}\", max = \"{}\" }}",
                d[0], d[1]
            )
        }
        3 => {
            let d = ordered(u, 3)?;
            format!(
                "{{ dist = \"triangular\", min = \"{}\", mode = \"{}\", max = \"{}\" }}",
                d[0], d[1], d[2]
            )
        }
        4 => format!(
            "{{ dist = \"lognormal\", mean = \"{}\", cv = {} }}",
            positive(u)?,
            u.choose(&["0.0", "0.3", "1.0", "4.0"])?
        ),
        5 => format!(
            "{{ dist = \"gamma\", mean = \"{}\", cv = {} }}",
            positive(u)?,
            u.choose(&["0.0", "0.3", "1.0", "4.0"])?
        ),
        6 => {
            let n = 1 + small(u, 3)? as usize;
            let values: Vec<String> = (0..n)
                .map(|_| duration(u).map(|d| format!("\"{d}\"")))
                .collect::<Result<_>>()?;
            format!("{{ dist = \"empirical\", values = [{}] }}", values.join(", "))
        }
        _ => format!(
            "{{ dist = \"sum\", scale = {}, parts = [{}, {}] }}",
            u.choose(&["0.5", "1", "2"])?,
            service(u, depth + 1)?,
            service(u, depth + 1)?
        ),
    })
}

fn hours(u: &mut Unstructured<'_>, max: u32) -> Result<String> {
    let values: Vec<String> = (0..24)
        .map(|_| small(u, max).map(|v| v.to_string()))
        .collect::<Result<_>>()?;
    Ok(format!("[{}]", values.join(", ")))
}

/// A scenario the loader may accept, from the fuzzer's bytes, with a short horizon (at
/// most two days) and small rates (at most 120 vehicles/h per source, at most three
/// sources), so that a run that validates stays within a few tens of thousands of events
/// unless the engine itself misbehaves. Returns the scenario and the trace file its
/// `trace` source (if any) reads.
///
/// # Errors
///
/// When the input runs out of bytes in a way `arbitrary` reports.
pub fn runnable_scenario(u: &mut Unstructured<'_>) -> Result<(String, String)> {
    let mut s = String::new();
    let horizon_h = 1 + small(u, 47)?;
    let warmup_h = small(u, horizon_h - 1)?;
    let _ = writeln!(
        s,
        "[scenario]\nname = \"generated\"\nhorizon = \"{horizon_h}h\"\nwarmup = \"{warmup_h}h\"\n\
         replications = 1\nseed = {}\nstart_weekday = \"{}\"\n",
        u.arbitrary::<u16>()?,
        u.choose(&["mon", "tue", "wed", "thu", "fri", "sat", "sun"])?
    );
    let two_ways = u.arbitrary::<bool>()?;
    let directions: &[&str] = if two_ways { &["in", "out"] } else { &["inbound"] };
    if two_ways {
        s.push_str("[[directions]]\nid = \"in\"\n\n[[directions]]\nid = \"out\"\n\n");
    }
    let programmes = small(u, 2)? as usize;
    for p in 0..programmes {
        let _ = writeln!(s, "[[programmes]]\nid = \"p{p}\"\n");
    }
    let classes = 1 + small(u, 2)? as usize;
    for c in 0..classes {
        let _ = writeln!(
            s,
            "[[classes]]\nid = \"c{c}\"\nlength_m = {}\npriority = {}",
            1 + small(u, 30)?,
            small(u, 2)?
        );
        if programmes > 0 {
            let sh = shares(u, programmes + 1)?;
            let mut parts = vec![format!("none = {}", sh[0])];
            for p in 0..programmes {
                parts.push(format!("p{p} = {}", sh[p + 1]));
            }
            let _ = writeln!(s, "programmes = {{ {} }}", parts.join(", "));
        }
        if u.arbitrary::<bool>()? {
            let ch = shares(u, 3)?;
            let _ = writeln!(
                s,
                "channels = {{ green = {}, yellow = {}, red = {} }}",
                ch[0], ch[1], ch[2]
            );
        }
        let _ = writeln!(
            s,
            "random_inspection = {}\npre_lodged_share = {}\n",
            u.choose(&["0", "0.1", "1"])?,
            u.choose(&["0", "0.5", "1"])?
        );
    }
    let stations = 1 + small(u, 3)? as usize;
    let direction_of = |i: usize| directions[i % directions.len()];
    for i in 0..stations {
        let dir = direction_of(i);
        let _ = writeln!(s, "[[stations]]\nid = \"s{i}\"");
        if two_ways {
            let _ = writeln!(s, "direction = \"{dir}\"");
        }
        let _ = writeln!(s, "service = {}", service(u, 0)?);
        if u.arbitrary::<bool>()? {
            let _ = writeln!(s, "service_by_class = {{ c0 = {} }}", service(u, 0)?);
        }
        match small(u, 3)? {
            0 => {
                // No waiting room is a loss system: only with balking.
                let capacity = small(u, 5)?;
                let _ = writeln!(s, "queue_capacity = {capacity}");
                let when = if capacity == 0 {
                    "balk"
                } else {
                    u.choose(&["spillback", "balk"])?
                };
                let _ = writeln!(s, "when_full = \"{when}\"");
            }
            1 => {
                let _ = writeln!(s, "queue_length = \"{}m\"", 30 + 100 * small(u, 10)?);
                let _ = writeln!(s, "when_full = \"{}\"", u.choose(&["spillback", "balk"])?);
            }
            _ => {}
        }
        let _ = writeln!(s, "releases = {}", u.arbitrary::<bool>()?);
        if u.arbitrary::<bool>()? {
            let _ = writeln!(s, "pre_lodged = {}", u.choose(&["\"skip\"", "0.5", "1"])?);
        }
        // Routes to stations of the same direction; a route back (or to itself) is taken
        // with probability at most 3/4, so every vehicle leaves after a few visits.
        let same: Vec<usize> = (0..stations).filter(|&j| direction_of(j) == dir).collect();
        let mut routes = Vec::new();
        let ahead: Vec<usize> = same.iter().copied().filter(|&j| j > i).collect();
        if !ahead.is_empty() && u.arbitrary::<bool>()? {
            let to = u.choose(&ahead)?;
            routes.push(format!("{{ channel = \"red\", to = \"s{to}\", p = 1 }}"));
        }
        let n = small(u, 2)? as usize;
        let targets: Vec<usize> = (0..n).map(|_| u.choose(&same).copied()).collect::<Result<_>>()?;
        // Quarters for the routes; when one goes back (or to the station itself), "exit"
        // keeps at least a quarter.
        let quarters = if targets.iter().any(|&to| to <= i) { 3 } else { 4 };
        let sh = shares_of(u, n + 1, quarters)?;
        for (to, share) in targets.iter().zip(&sh) {
            routes.push(format!("{{ to = \"s{to}\", p = {share} }}"));
        }
        if !routes.is_empty() {
            let taken: f64 = sh.iter().take(n).sum();
            routes.push(format!("{{ to = \"exit\", p = {} }}", 1.0 - taken));
            let _ = writeln!(s, "routes = [{}]", routes.join(", "));
        }
        match small(u, 2)? {
            0 => {
                let _ = writeln!(s, "servers = {}", 1 + small(u, 3)?);
            }
            1 => {
                let _ = writeln!(s, "servers_by_hour = {}", hours(u, 3)?);
            }
            _ => {
                let groups = 1 + small(u, 2)?;
                for g in 0..groups {
                    let _ = writeln!(s, "\n[[stations.lanes]]\nid = \"g{g}\"");
                    match small(u, 3)? {
                        0 => {
                            let _ = writeln!(
                                s,
                                "serves = {{ class = \"c{}\" }}",
                                small(u, classes as u32 - 1)?
                            );
                        }
                        1 if programmes > 0 => {
                            let _ = writeln!(
                                s,
                                "serves = {{ programmes = [\"p{}\"] }}",
                                small(u, programmes as u32 - 1)?
                            );
                        }
                        _ => {}
                    }
                    let _ = writeln!(s, "share_when_idle = {}", u.arbitrary::<bool>()?);
                    if u.arbitrary::<bool>()? {
                        let _ = writeln!(s, "servers_by_hour = {}", hours(u, 2)?);
                    } else {
                        let servers = 1 + small(u, 2)?;
                        let _ = writeln!(s, "servers = {servers}");
                        if u.arbitrary::<bool>()? {
                            let _ = writeln!(
                                s,
                                "lane_rule = {{ min_wait = \"1min\", max_wait = \"{}\", \
                                 max_lanes = {}, review = \"{}\" }}",
                                u.choose(&["2min", "10min"])?,
                                servers + small(u, 3)?,
                                u.choose(&["1min", "15min"])?
                            );
                        }
                    }
                }
            }
        }
        s.push('\n');
    }
    let sources = 1 + small(u, 2)? as usize;
    let mut trace = String::from("time,class,direction\n");
    let mut has_trace = false;
    for k in 0..sources {
        let entry = u.int_in_range(0..=stations - 1)?;
        let class = small(u, classes as u32 - 1)?;
        let _ = writeln!(s, "[[sources]]\nid = \"src{k}\"");
        match small(u, 2)? {
            0 => {
                let _ = writeln!(
                    s,
                    "class = \"c{class}\"\nentry = \"s{entry}\"\nrate = \"{}/h\"",
                    u.choose(&["0.5", "6", "30", "120"])?
                );
            }
            1 => {
                let _ = writeln!(
                    s,
                    "class = \"c{class}\"\nentry = \"s{entry}\"\nprofile = {}\n\
                     day_factors = [1, 1, 1, 1, 1, {}, {}]",
                    hours(u, 120)?,
                    u.choose(&["0", "0.5"])?,
                    u.choose(&["0", "1"])?
                );
            }
            _ if !has_trace => {
                has_trace = true;
                // Each direction with a station enters at its first; rows name only those.
                let served: Vec<(&str, usize)> = directions
                    .iter()
                    .filter_map(|d| {
                        (0..stations)
                            .find(|&j| direction_of(j) == *d)
                            .map(|j| (*d, j))
                    })
                    .collect();
                let entries: Vec<String> = served
                    .iter()
                    .map(|(d, j)| format!("{d} = \"s{j}\""))
                    .collect();
                let _ = writeln!(
                    s,
                    "trace = \"trace.csv\"\nentry = {{ {} }}",
                    entries.join(", ")
                );
                let rows = 1 + small(u, 40)?;
                let mut t = 0u64;
                for _ in 0..rows {
                    t += u64::from(small(u, 3600)?);
                    let _ = writeln!(
                        trace,
                        "{t},c{},{}",
                        small(u, classes as u32 - 1)?,
                        u.choose(&served)?.0
                    );
                }
            }
            _ => {
                let _ = writeln!(s, "class = \"c{class}\"\nentry = \"s{entry}\"\nrate = \"1/h\"");
            }
        }
        s.push('\n');
    }
    Ok((s, trace))
}

#[cfg(test)]
mod tests {
    /// Most generated scenarios validate (the `run` target would test little otherwise).
    #[test]
    fn generated_scenarios_mostly_validate() {
        let mut ok = 0;
        let mut state = 0x1234_5678_9abc_def0_u64;
        let mut first_error = None;
        let mut kinds = std::collections::BTreeMap::new();
        for _ in 0..500 {
            let bytes: Vec<u8> = (0..4096)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                })
                .collect();
            let mut u = arbitrary::Unstructured::new(&bytes);
            let (scenario, trace) = super::runnable_scenario(&mut u).unwrap();
            let read = |_: &str| Ok(trace.clone());
            match bordersim_config::parse_scenario_with(&scenario, "gen.toml", &read) {
                Ok(_) => ok += 1,
                Err(e) => {
                    for d in &e.diagnostics {
                        let words: String = d.message.split(' ').take(6).collect::<Vec<_>>().join(" ");
                        *kinds.entry(format!("{}: {words}", d.path.split('.').last().unwrap_or(""))).or_insert(0) += 1;
                    }
                    first_error.get_or_insert_with(|| format!("{e}\n{scenario}"));
                }
            }
        }
        assert!(ok > 400, "{ok} of 500 validate; {kinds:#?} first error:\n{}", first_error.unwrap_or_default());
    }
}
