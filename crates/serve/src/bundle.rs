//! The bundled configs: every file under `configs/`, compiled into the binary. The server
//! opens no file named in a request: a config is loaded by its name in this list, and the
//! files a config names (a policy's baseline, a region's crossings, a scenario's trace) are
//! looked up here too, by a path resolved lexically inside the bundle.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One bundled file: its path under `configs/` and its text.
#[derive(Clone, Copy, Debug)]
pub struct Bundled {
    /// The path under `configs/`, with `/` separators (`examples/commercial_truck_crossing.toml`).
    pub name: &'static str,
    /// The file's text.
    pub text: &'static str,
}

// The list is written by `build.rs` from the files under `configs/`.
include!(concat!(env!("OUT_DIR"), "/bundle.rs"));

/// What a config file is, read from its tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConfigKind {
    /// A scenario: one crossing (`[scenario]`).
    Scenario,
    /// A policy: changes to a baseline (`[policy]`).
    Policy,
    /// A region: several crossings and the traffic that chooses between them (`[region]`).
    Region,
    /// A sweep plan (`[sweep]`); listed, not run by the server.
    Sweep,
    /// A calibration's fit file (`[fit]` or `[[parameter]]`), for a calibration job's `fit`.
    Fit,
    /// A staffing plan (`[plan]`) of `bordersim optimise-staffing`; listed, not run by the
    /// server.
    StaffingPlan,
    /// Anything else (a recorded trace, observations, CSV).
    Data,
}

/// The kind of config `text` holds, from its top-level tables.
pub fn kind_of(text: &str) -> ConfigKind {
    let Ok(root) = toml::de::DeTable::parse(text) else {
        return ConfigKind::Data;
    };
    let root = root.get_ref();
    if root.contains_key("region") {
        ConfigKind::Region
    } else if root.contains_key("policy") && !root.contains_key("scenario") {
        ConfigKind::Policy
    } else if root.contains_key("sweep") {
        ConfigKind::Sweep
    } else if root.contains_key("scenario") {
        ConfigKind::Scenario
    } else if root.contains_key("fit") || root.contains_key("parameter") {
        ConfigKind::Fit
    } else if root.contains_key("plan") {
        ConfigKind::StaffingPlan
    } else {
        ConfigKind::Data
    }
}

/// The bundled file named `name` exactly.
pub fn get(name: &str) -> Option<&'static Bundled> {
    BUNDLE.iter().find(|b| b.name == name)
}

/// `name` (a path as a config writes it, relative to the directory `dir` of the file that
/// names it) resolved lexically inside the bundle: `.` is dropped, `..` climbs one
/// directory. `None` for an absolute path, a backslash, or a climb above `configs/`.
pub fn resolve(dir: &str, name: &str) -> Option<String> {
    if name.starts_with('/') || name.contains('\\') || name.contains('\0') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The directory part of a bundle path (`examples` of `examples/x.toml`; empty at the top).
pub fn dir_of(name: &str) -> &str {
    name.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// A reader for the config loaders: the files named by the config whose (bundle) name is
/// `file`, looked up in the bundle, never on disk.
pub fn reader(file: &str) -> impl Fn(&str) -> Result<String, String> + use<> {
    let dir = dir_of(file).to_owned();
    move |name: &str| {
        resolve(&dir, name)
            .and_then(|path| get(&path))
            .map(|b| b.text.to_owned())
            .ok_or_else(|| {
                format!(
                    "not a bundled file: the server reads only the bundled configs (`{name}` from `{dir}/`)"
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_under_configs_is_bundled_in_order() {
        fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, base, out);
                } else {
                    let rel = path.strip_prefix(base).unwrap().to_string_lossy();
                    out.push(rel.replace('\\', "/"));
                }
            }
        }
        let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs");
        let mut found = Vec::new();
        walk(&base, &base, &mut found);
        found.sort();
        let bundled: Vec<&str> = BUNDLE.iter().map(|b| b.name).collect();
        assert_eq!(found, bundled);
    }

    #[test]
    fn paths_resolve_inside_the_bundle_only() {
        assert_eq!(
            resolve("policies", "../examples/commercial_truck_crossing.toml").as_deref(),
            Some("examples/commercial_truck_crossing.toml")
        );
        assert_eq!(
            resolve("examples", "./traces/a.csv").as_deref(),
            Some("examples/traces/a.csv")
        );
        assert_eq!(resolve("examples", "../../etc/passwd"), None);
        assert_eq!(resolve("", ".."), None);
        assert_eq!(resolve("examples", "/etc/passwd"), None);
        assert_eq!(resolve("examples", "..\\..\\x"), None);
        let read = reader("examples/x.toml");
        assert!(read("../../Cargo.toml").is_err());
        assert!(read("traces/two_way_day.csv").is_ok());
    }

    #[test]
    fn kinds_are_read_from_the_tables() {
        assert_eq!(
            kind_of(get("examples/commercial_truck_crossing.toml").unwrap().text),
            ConfigKind::Scenario
        );
        assert_eq!(
            kind_of(get("policies/lane_rule.toml").unwrap().text),
            ConfigKind::Policy
        );
        assert_eq!(
            kind_of(get("regions/corridor_osbp.toml").unwrap().text),
            ConfigKind::Region
        );
        assert_eq!(
            kind_of(get("examples/traces/two_way_day.csv").unwrap().text),
            ConfigKind::Data
        );
        assert_eq!(
            kind_of(get("calibration/san_ysidro_fit.toml").unwrap().text),
            ConfigKind::Fit
        );
        assert_eq!(
            kind_of(get("planning/commercial_primary.toml").unwrap().text),
            ConfigKind::StaffingPlan
        );
    }
}
