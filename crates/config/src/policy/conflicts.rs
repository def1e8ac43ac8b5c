//! Conflict detection: two changes of one policy that write the same scenario field.
//!
//! Each measure declares what an entry writes ([`Measure::writes`](super::measure::Measure::writes)),
//! as dot paths into the scenario (`stations.X.servers`, `classes.C.channels`, `stations.X`
//! for a whole station). Two changes whose paths overlap (one equals the other or lies
//! under it) conflict: which one should win is the analyst's call, not the order of
//! application's.

use crate::diagnostic::Collector;
use toml::Table;

use super::measure::Section;

/// Reports every change of `sections` (in catalogue order, entries in file order) that
/// writes a field an earlier change writes, at the later change with the line of the
/// earlier one (when known); at most one problem per change.
pub(crate) fn check_conflicts(cx: &mut Collector<'_>, baseline: &Table, sections: &[Section]) {
    let changes = sections.iter().flat_map(|section| {
        section
            .entries()
            .map(|(path, change)| (path, change.writes(baseline)))
    });
    report_overlaps(cx, changes);
}

/// Whether two written paths overlap: equal, or one a field of the other.
fn overlaps(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}.")) || b.starts_with(&format!("{a}."))
}

/// Reports each change (its path in the policy file, the fields it writes) that writes a
/// field an earlier one writes.
fn report_overlaps(
    cx: &mut Collector<'_>,
    changes: impl IntoIterator<Item = (String, Vec<String>)>,
) {
    let mut claims: Vec<(String, String)> = Vec::new(); // (change path, target)
    for (path, targets) in changes {
        let earlier = targets.iter().find_map(|target| {
            claims
                .iter()
                .find(|(p, t)| *p != path && overlaps(t, target))
                .map(|(earlier, theirs)| (earlier, theirs, target))
        });
        if let Some((earlier, theirs, target)) = earlier {
            // The earlier change's line, when the policy file's spans know it.
            let line = cx
                .line_of(earlier)
                .map(|line| format!(" (line {line})"))
                .unwrap_or_default();
            let what = if theirs.len() < target.len() {
                theirs
            } else {
                target
            };
            cx.error(
                &path,
                format!(
                    "conflicts with {earlier}{line}: both change `{what}`; say what you want \
                     in one change"
                ),
            );
        }
        claims.extend(targets.into_iter().map(|t| (path.clone(), t)));
    }
}
