//! Bundled scenarios mutated as a hostile user would: each value line replaced by an
//! extreme or mistyped value, and the whole file with other line endings, a byte-order mark
//! or cut short. Whatever the input, loading never panics, every error is located at a line
//! and column of a file, and no warning prints an infinite or undefined number. Bounded and
//! deterministic: one value per line, taken in turn from the list.

use super::messages::configs;
use crate::parse_scenario_with;

/// Values tried in place of a value: extremes of every kind a field takes.
const VALUES: [&str; 16] = [
    "0",
    "-0",
    "1e-300",
    "1e300",
    "nan",
    "-inf",
    "18446744073709551616",
    "-1",
    "\"\"",
    "[]",
    "{}",
    "\"ü€𝕏\"",
    "\"1e300/h\"",
    "\"inf min\"",
    "4294967296",
    "[1e308]",
];

/// The bundled scenario files, relative to `configs/`.
const FILES: [&str; 6] = [
    "examples/commercial_truck_crossing.toml",
    "examples/passenger_car_crossing.toml",
    "examples/disruption_scanner_outage.toml",
    "examples/trace_replay.toml",
    "examples/booked_slots.toml",
    "regions/crossings/chirundu.toml",
];

/// Loads `text` as the file `file` (its traces read beside it) and checks what comes out.
fn load_checked(file: &str, text: &str, what: &str) {
    let dir = configs()
        .join(file)
        .parent()
        .expect("a directory")
        .to_owned();
    let read = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    match parse_scenario_with(text, file, &read) {
        Ok(loaded) => {
            for w in &loaded.warnings {
                let words: Vec<&str> = w.message.split(|c: char| !c.is_alphanumeric()).collect();
                assert!(
                    !words
                        .iter()
                        .any(|t| ["inf", "NaN", "infinite", "undefined"].contains(t)),
                    "{what}: {w}"
                );
            }
        }
        Err(e) => {
            assert!(!e.diagnostics.is_empty(), "{what}");
            for d in &e.diagnostics {
                assert!(d.line >= 1 && d.column >= 1, "{what}: {d}");
                assert!(!d.message.is_empty() && !d.file.is_empty(), "{what}: {d}");
            }
        }
    }
}

#[test]
fn mutated_bundled_scenarios_load_or_fail_located_never_panic() {
    let mut tried = 0;
    for file in FILES {
        let text = std::fs::read_to_string(configs().join(file)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let keyed = lines.iter().enumerate().filter(|(_, l)| {
            let key = l.split('=').next().unwrap_or_default().trim();
            l.contains('=')
                && !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_alphanumeric() || "_-.".contains(c))
                && !l.trim_end().ends_with('[')
                && !l.contains("'''")
        });
        for (k, (i, line)) in keyed.enumerate() {
            let key = line.split('=').next().unwrap_or_default();
            let value = VALUES[k % VALUES.len()];
            let mut changed = lines.clone();
            let new = format!("{key}= {value}");
            changed[i] = &new;
            load_checked(
                file,
                &changed.join("\n"),
                &format!("{file}:{}: {new}", i + 1),
            );
            tried += 1;
        }
        let cuts = (1..6).map(|n| n * text.len() / 6);
        let whole = [
            ("CRLF".to_owned(), text.replace('\n', "\r\n")),
            ("CR only".to_owned(), text.replace('\n', "\r")),
            ("BOM".to_owned(), format!("\u{feff}{text}")),
        ]
        .into_iter()
        .chain(cuts.map(|at| {
            let at = (0..=at)
                .rev()
                .find(|&b| text.is_char_boundary(b))
                .unwrap_or(0);
            (format!("cut at byte {at}"), text[..at].to_owned())
        }));
        for (what, changed) in whole {
            load_checked(file, &changed, &format!("{file}: {what}"));
            tried += 1;
        }
    }
    assert!(tried > 400, "{tried}");
}
