//! Phase 3, names: the ids of each section (non-empty, unique) and the references to
//! them, with "did you mean".

use std::collections::BTreeMap;

use super::Cx;
use super::shape::Item;
use crate::spans::{child, index};
use crate::suggest::{did_you_mean, list};

/// The ids of one section, checked (non-empty, unique) and indexed for references.
pub(super) struct Names<'d> {
    pub(super) what: &'static str,
    pub(super) plural: &'static str,
    pub(super) known: Vec<&'d str>,
    pub(super) index: BTreeMap<&'d str, usize>,
    /// Some entry's id could not be read (already reported): an unknown name may be that
    /// one, so it is not reported again.
    pub(super) incomplete: bool,
}

impl<'d> Names<'d> {
    pub(super) fn collect<T>(
        cx: &mut Cx<'_>,
        section: &'static str,
        what: &'static str,
        items: &'d [Item<T>],
        malformed: bool,
        raw_id: impl Fn(&'d T) -> &'d str,
    ) -> Self {
        Self::collect_after(cx, section, what, &[], items, malformed, raw_id)
    }

    /// Like [`Names::collect`], with built-in names taking the first indices (programme
    /// `none`); an entry may not declare one of them.
    pub(super) fn collect_after<T>(
        cx: &mut Cx<'_>,
        section: &'static str,
        what: &'static str,
        builtin: &[&'static str],
        items: &'d [Item<T>],
        malformed: bool,
        raw_id: impl Fn(&'d T) -> &'d str,
    ) -> Self {
        let mut names = Names {
            what,
            plural: section,
            known: builtin.to_vec(),
            index: builtin.iter().enumerate().map(|(i, b)| (*b, i)).collect(),
            incomplete: malformed,
        };
        let offset = builtin.len();
        for (i, item) in items.iter().enumerate() {
            let Some(id) = item.raw.as_ref().map(&raw_id).or(item.id.as_deref()) else {
                names.incomplete = true;
                continue;
            };
            let path = child(&index(section, i), "id");
            if id.trim().is_empty() {
                cx.structural(&path, format!("a {what} id must not be empty"));
                continue;
            }
            if builtin.contains(&id) {
                cx.structural(
                    &path,
                    format!(
                        "`{id}` is built in (the vehicles in no {what}) and must not be \
                         declared; remove this entry"
                    ),
                );
                continue;
            }
            if let Some(&first) = names.index.get(id) {
                let first = first - offset;
                let first_path = child(&index(section, first), "id");
                let line = cx.line_of(&first_path).unwrap_or(1);
                cx.structural(
                    &path,
                    format!(
                        "duplicate {what} id `{id}`: {section}[{first}] (line {line}) already \
                         uses it; ids must be unique"
                    ),
                );
                continue;
            }
            names.index.insert(id, offset + i);
            names.known.push(id);
        }
        names
    }

    /// The index of `name`, or the message saying it is unknown (`None` when that may be
    /// a consequence of an earlier error and should not be reported).
    pub(super) fn resolve(&self, name: &str, extra: &[&'d str]) -> Result<usize, Option<String>> {
        if let Some(&i) = self.index.get(name) {
            return Ok(i);
        }
        if self.incomplete {
            return Err(None);
        }
        let known: Vec<&str> = self.known.iter().chain(extra).copied().collect();
        let (what, plural) = (self.what, self.plural);
        if known.is_empty() {
            return Err(Some(format!(
                "unknown {what} `{name}`: no {plural} are defined"
            )));
        }
        let suggestion = did_you_mean(name, known.iter().copied());
        // Directions and programmes have built-in names: a new one may just be undeclared.
        let declare = if suggestion.is_empty() && matches!(plural, "directions" | "programmes") {
            format!(" (declare it in a [[{plural}]] table)")
        } else {
            String::new()
        };
        Err(Some(format!(
            "unknown {what} `{name}`{suggestion}; known {plural}: {}{declare}",
            list(known.iter().copied())
        )))
    }
}

/// The names every section may refer to.
pub(super) struct Refs<'d> {
    pub(super) directions: Names<'d>,
    pub(super) programmes: Names<'d>,
    pub(super) classes: Names<'d>,
    pub(super) stations: Names<'d>,
}

/// The names of the built model's parts, by index, for messages.
pub(super) struct Labels {
    pub(super) classes: Vec<String>,
    pub(super) programmes: Vec<String>,
    pub(super) directions: Vec<String>,
}

/// Programme 0, the vehicles in no programme.
pub(super) const NO_PROGRAMME: &str = "none";
/// The direction of a file that declares none.
pub(super) const DEFAULT_DIRECTION: &str = "inbound";
