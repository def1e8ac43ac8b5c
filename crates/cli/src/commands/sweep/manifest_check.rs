//! The shards' manifests checked against each other and the plan before a merge: one
//! sharding (every manifest of the same shard count, each shard once, none missing), each
//! manifest named by its shard, and every unit listed by the shard it belongs to, in the
//! plan, and at most once. Each problem is a specific error naming the files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::anyhow;

use super::{Manifest, Study};
use crate::failure::Failure;

/// The file name of shard `index` of `count`'s manifest.
pub(crate) fn manifest_name(index: u64, count: u64) -> String {
    format!("manifest-{index:05}-of-{count:05}.json")
}

/// Checks `manifests` (each with the path it was read from, at least one) of directory
/// `dir` against each other and against `study`.
///
/// # Errors
///
/// [`Failure::BadInput`] naming the manifests: two shardings, a manifest whose name is not
/// its shard's, a shard listed twice or missing, a unit listed twice, a unit not in the
/// plan, or a unit listed by a shard it does not belong to.
pub(crate) fn check_manifests(
    dir: &Path,
    manifests: &[(PathBuf, Manifest)],
    study: &Study,
) -> Result<(), Failure> {
    let bad = |m: String| Failure::BadInput(anyhow!(m));
    let (first_path, first) = &manifests[0];
    let count = first.shard_count;
    // By index: a count may be anything a file says, so nothing is sized by it.
    let mut shards: BTreeMap<u64, &Path> = BTreeMap::new();
    for (path, m) in manifests {
        if m.shard_count != count {
            return Err(bad(format!(
                "'{}' mixes two shardings: {} is shard {} of {}, {} shard {} of {}; merge the \
                 shards of one run (remove the other's manifests and units)",
                dir.display(),
                first_path.display(),
                first.shard_index,
                count,
                path.display(),
                m.shard_index,
                m.shard_count
            )));
        }
        let named = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if m.shard_index >= count || named != manifest_name(m.shard_index, count) {
            return Err(bad(format!(
                "{}: holds the manifest of shard {} of {}, not of the shard its name says \
                 (a manifest was copied or renamed)",
                path.display(),
                m.shard_index,
                m.shard_count
            )));
        }
        if let Some(other) = shards.insert(m.shard_index, path) {
            return Err(bad(format!(
                "{} and {} are both the manifest of shard {} of {count}",
                other.display(),
                path.display(),
                m.shard_index
            )));
        }
    }
    if manifests.len() as u64 != count {
        const SHOWN: usize = 20;
        let missing: Vec<String> = (0..count)
            .filter(|i| !shards.contains_key(i))
            .take(SHOWN)
            .map(|i| manifest_name(i, count))
            .collect();
        let more = (count - manifests.len() as u64) as usize;
        let more = if more > missing.len() {
            format!(" and {} more", more - missing.len())
        } else {
            String::new()
        };
        return Err(bad(format!(
            "'{}' holds {} of the {count} shards' manifests; missing: {}{more}: run those \
             shards (they skip the units already there)",
            dir.display(),
            manifests.len(),
            missing.join(", ")
        )));
    }
    let position: BTreeMap<&str, usize> = study
        .units
        .iter()
        .enumerate()
        .map(|(k, u)| (u.id.as_str(), k))
        .collect();
    let mut listed: BTreeMap<&str, &Path> = BTreeMap::new();
    for (path, m) in manifests {
        for u in &m.units {
            let Some(&k) = position.get(u.id.as_str()) else {
                return Err(bad(format!(
                    "{}: lists unit `{}`, which is not in the plan",
                    path.display(),
                    u.id
                )));
            };
            if k as u64 % count != m.shard_index {
                return Err(bad(format!(
                    "{}: lists unit `{}`, which belongs to shard {} of {count}, not {}",
                    path.display(),
                    u.id,
                    k as u64 % count,
                    m.shard_index
                )));
            }
            if let Some(before) = listed.insert(u.id.as_str(), path) {
                return Err(bad(format!(
                    "unit `{}` is listed twice: in {} and in {}",
                    u.id,
                    before.display(),
                    path.display()
                )));
            }
        }
    }
    Ok(())
}
