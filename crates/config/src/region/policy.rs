//! Policies applied to one crossing of a region.

use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::{RegionPolicyApplied, Replacement, parse, parse_region_with};
use crate::diagnostic::{ConfigError, single};
use crate::policy::apply_policy_with;
use crate::scenario::FileReader;
use crate::suggest::{did_you_mean, list};

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
        return Ok(None);
    };
    let Some((_, value)) = table.iter().find(|(k, _)| k.get_ref() == "crossing") else {
        return Ok(None);
    };
    let DeValue::String(name) = value.get_ref() else {
        return Err(single(
            policy_file,
            policy,
            value.span().start,
            "policy.crossing".into(),
            "wrong type: expected the id of one of the region's crossings, as a string".into(),
        ));
    };
    Ok(Some((name.to_string(), value.span().start)))
}

/// Applies a policy file to the crossing it names (`[policy] crossing = "id"`; optional when
/// the region has one crossing) and loads the region with that crossing changed.
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
    let base = parse_region_with(region, region_file, read)?;
    let named = policy_crossing(policy, policy_file)?;
    let ids: Vec<String> = base.model.crossings.iter().map(|c| c.id.clone()).collect();
    let target = match &named {
        Some((name, offset)) => ids.iter().position(|id| id == name).ok_or_else(|| {
            single(
                policy_file,
                policy,
                *offset,
                "policy.crossing".into(),
                format!(
                    "unknown crossing `{name}`{}; the region has {}",
                    did_you_mean(name, ids.iter().map(String::as_str)),
                    list(ids.iter().map(String::as_str))
                ),
            )
        })?,
        None if ids.len() == 1 => 0,
        None => {
            let offset = policy.find("[policy]").unwrap_or(0);
            return Err(single(
                policy_file,
                policy,
                offset,
                "policy".into(),
                format!(
                    "the region has several crossings: name the one this policy changes with \
                     crossing = \"id\" in [policy] (one of {})",
                    list(ids.iter().map(String::as_str))
                ),
            ));
        }
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
    )?;
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
