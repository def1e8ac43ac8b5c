//! Policies applied to one crossing of a region.

use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::{RegionPolicyApplied, Replacement, parse, parse_region_with};
use crate::diagnostic::{Collector, ConfigError, single};
use crate::policy::{apply_policy_with, schema_problems};
use crate::scenario::FileReader;
use crate::suggest::{closest, did_you_mean, list};

/// What a policy's `[policy] crossing` says.
enum Named {
    /// No `crossing` field (or no `[policy]` table).
    Absent,
    /// A crossing id, with the offset of its value in the policy text.
    Id(String, usize),
    /// A value that is not a string, at this offset.
    WrongType(usize),
}

/// Reads `[policy] crossing` from the policy text.
///
/// # Errors
///
/// A [`ConfigError`] when the policy is not TOML.
fn named_crossing(policy: &str, policy_file: &str) -> Result<Named, ConfigError> {
    let root = DeTable::parse(policy).map_err(|e| {
        single(
            policy_file,
            policy,
            e.span().map_or(0, |s| s.start),
            String::new(),
            format!("TOML syntax error: {}", e.message()),
        )
    })?;
    let Some(table) = root
        .get_ref()
        .get("policy")
        .and_then(|v| v.get_ref().as_table())
    else {
        return Ok(Named::Absent);
    };
    let Some((_, value)) = table.iter().find(|(k, _)| k.get_ref() == "crossing") else {
        return Ok(Named::Absent);
    };
    Ok(match value.get_ref() {
        DeValue::String(name) => Named::Id(name.to_string(), value.span().start),
        _ => Named::WrongType(value.span().start),
    })
}

/// The crossing a policy names in its `[policy]` table (`crossing = "id"`), with the offset
/// of its value in the policy text (for messages); `None` when it names none.
///
/// # Errors
///
/// A [`ConfigError`] when the policy is not TOML or its `crossing` is not a string.
pub fn policy_crossing(
    policy: &str,
    policy_file: &str,
) -> Result<Option<(String, usize)>, ConfigError> {
    match named_crossing(policy, policy_file)? {
        Named::Absent => Ok(None),
        Named::Id(name, offset) => Ok(Some((name, offset))),
        Named::WrongType(offset) => Err(single(
            policy_file,
            policy,
            offset,
            "policy.crossing".into(),
            "wrong type: expected the id of one of the region's crossings, as a string".into(),
        )),
    }
}

/// Applies a policy file to the crossing it names (`[policy] crossing = "id"`; optional when
/// the region has one crossing) and loads the region with that crossing changed.
///
/// Every problem comes in one pass: the region's, and the policy's. A policy naming an
/// unknown crossing is checked against the crossing it most likely means (the one the
/// message suggests), so its other problems come with that one; when no crossing can be
/// told (none named, none close, or a region that does not load), the problems that need
/// no baseline (syntax, unknown fields, wrong types) come with it.
///
/// # Errors
///
/// A [`ConfigError`] when the region does not load, the policy names no crossing (and the
/// region has several) or an unknown one, the policy does not apply to that crossing's
/// scenario, or the changed scenario does not load.
pub fn apply_region_policy(
    region: &str,
    region_file: &str,
    read: FileReader<'_>,
    policy: &str,
    policy_file: &str,
) -> Result<RegionPolicyApplied, ConfigError> {
    let base = match parse_region_with(region, region_file, read) {
        Ok(base) => base,
        Err(mut e) => {
            e.diagnostics.extend(schema_problems(policy, policy_file));
            return Err(e);
        }
    };
    let named = named_crossing(policy, policy_file)?;
    let ids: Vec<String> = base.model.crossings.iter().map(|c| c.id.clone()).collect();
    let position = |name: &str| ids.iter().position(|id| id == name);
    let mut cx = Collector::new(policy_file, policy);
    let target = match &named {
        Named::Id(name, offset) => position(name).or_else(|| {
            let meant = closest(name, ids.iter().map(String::as_str));
            cx.error_at(
                *offset,
                "policy.crossing",
                format!(
                    "unknown crossing `{name}`{}; the region has {}",
                    did_you_mean(name, ids.iter().map(String::as_str)),
                    list(ids.iter().map(String::as_str))
                ),
            );
            meant.and_then(position)
        }),
        // A wrong type is the schema's to report, once.
        Named::Absent | Named::WrongType(_) if ids.len() == 1 => Some(0),
        Named::WrongType(_) => None,
        Named::Absent => {
            cx.error_at(
                policy.find("[policy]").unwrap_or(0),
                "policy",
                format!(
                    "the region has several crossings: name the one this policy changes with \
                     crossing = \"id\" in [policy] (one of {})",
                    list(ids.iter().map(String::as_str))
                ),
            );
            None
        }
    };
    let Some(target) = target else {
        cx.extend(schema_problems(policy, policy_file));
        return Err(cx.into_error());
    };
    let crossing_text = &base.crossing_texts[target];
    // The files the crossing names (traces) are relative to its own directory.
    let read_crossing = |name: &str| {
        if crossing_text.dir.is_empty() {
            read(name)
        } else {
            read(&Path::new(&crossing_text.dir).join(name).to_string_lossy())
        }
    };
    // The same pipeline as a scenario's policy: it ends in the validated changed crossing.
    let applied = apply_policy_with(
        &crossing_text.text,
        &crossing_text.file,
        policy,
        policy_file,
        &read_crossing,
    );
    let applied = match applied {
        Ok(applied) if !cx.has_errors() => applied,
        Ok(_) => return Err(cx.into_error()),
        Err(e) => {
            cx.extend(ConfigError::from(e).diagnostics);
            return Err(cx.into_error());
        }
    };
    let replacement = Replacement {
        crossing: target,
        scenario: applied.loaded.scenario,
        text: applied.applied.scenario_text,
        label: applied.label,
    };
    let region = parse(region, region_file, read, Some(replacement))?;
    Ok(RegionPolicyApplied {
        name: applied.applied.name,
        crossing: ids[target].clone(),
        region,
    })
}
