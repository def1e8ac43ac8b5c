//! The changed scenario's diagnostics, located where the user can fix them: at the change
//! of the policy that wrote the field concerned (its line in the policy file), else at the
//! field in the baseline file. Never a line of the generated text, which no one has seen.
//!
//! A diagnostic of the changed scenario names a field by its position (`stations[2].service
//! .mean`); entries of lists are matched by `id`, which the policy's changes use too
//! (`stations.nb-xray.service.mean`), so the field can be matched with what each change
//! declares it writes ([`Measure::writes`](super::measure::Measure::writes)).

use toml::{Table, Value};

use super::measure::Section;
use crate::diagnostic::{Collector, Diagnostic};
use crate::spans::index;

/// One segment of a diagnostic's field path: a key, or a position in a list.
#[derive(Clone, Debug, PartialEq)]
enum Segment {
    Key(String),
    At(usize),
}

/// Splits a diagnostic's field path (`a.b[2]."c d"`) into segments.
fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut chars = path.chars().peekable();
    let mut key = String::new();
    let flush = |key: &mut String, out: &mut Vec<Segment>| {
        if !key.is_empty() {
            out.push(Segment::Key(std::mem::take(key)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '.' => flush(&mut key, &mut out),
            '"' => {
                // A quoted key, as `spans::child` writes it (Rust's escapes).
                let mut quoted = String::new();
                while let Some(q) = chars.next() {
                    match q {
                        '\\' => quoted.extend(chars.next()),
                        '"' => break,
                        _ => quoted.push(q),
                    }
                }
                key.push_str(&quoted);
            }
            '[' => {
                flush(&mut key, &mut out);
                let mut digits = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    digits.push(d);
                }
                match digits.parse() {
                    Ok(n) => out.push(Segment::At(n)),
                    Err(_) => key.push_str(&digits),
                }
            }
            _ => key.push(c),
        }
    }
    flush(&mut key, &mut out);
    out
}

/// The field `path` of document `doc` as the policy's changes name fields: entries of lists
/// of tables by their `id`, other list positions dropped (`stations.nb-xray.lanes.fast
/// .servers_by_hour`).
fn id_path(doc: &Table, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at: Option<&Value> = None;
    for segment in segments(path) {
        match segment {
            Segment::Key(key) => {
                let next = match at {
                    None => doc.get(&key),
                    Some(Value::Table(t)) => t.get(&key),
                    _ => None,
                };
                out.push(key);
                at = next;
            }
            Segment::At(i) => {
                let entry = match at {
                    Some(Value::Array(a)) => a.get(i),
                    _ => None,
                };
                if let Some(id) = entry.and_then(|e| e.get("id")).and_then(Value::as_str) {
                    out.push(id.to_owned());
                }
                at = entry;
            }
        }
    }
    out
}

/// The path, in `doc`, of the field named by `ids` (as [`id_path`] gives it): list entries
/// found by `id`; `None` when `doc` lacks some step (a field the policy created).
fn position_path(doc: &Table, ids: &[String]) -> Option<String> {
    let mut path = String::new();
    let mut at: Option<&Value> = None;
    let mut rest = ids.iter();
    while let Some(key) = rest.next() {
        let next = match at {
            None => doc.get(key),
            Some(Value::Table(t)) => t.get(key),
            _ => return Some(path),
        }?;
        path = crate::spans::child(&path, key);
        if let Value::Array(list) = next
            && list.iter().any(|e| e.get("id").is_some())
        {
            let Some(id) = rest.next() else {
                return Some(path);
            };
            let i = list
                .iter()
                .position(|e| e.get("id").and_then(Value::as_str) == Some(id))?;
            path = index(&path, i);
            at = Some(&list[i]);
        } else {
            at = Some(next);
        }
    }
    Some(path)
}

/// The changes that wrote the field `field` (an [`id_path`]): those whose written fields
/// share the longest prefix with it, of at least an entity (`stations.X`, `classes.C`).
/// Each is `(its path in the policy file, the field to point at)`.
fn writers(
    sections: &[Section],
    baseline: &Table,
    field: &[String],
) -> Vec<(String, Option<&'static str>)> {
    let mut best = 2;
    let mut found: Vec<(String, Option<&'static str>)> = Vec::new();
    for section in sections {
        for (path, change) in section.entries() {
            let common = change
                .writes(baseline)
                .iter()
                .map(|w| {
                    w.split('.')
                        .zip(field)
                        .take_while(|(a, b)| *a == b.as_str())
                        .count()
                })
                .max()
                .unwrap_or(0);
            let at = (path, change.value_field());
            if common > best {
                best = common;
                found = vec![at];
            } else if common == best {
                found.push(at);
            }
        }
    }
    found
}

/// Locates the diagnostics of the changed scenario (`changed`, whose diagnostics name the
/// file `label`): at the change that wrote the field, in the policy file (`cx`), else at the
/// field in the baseline file (`baseline_file`, its text `baseline_text`), else at the
/// policy's `[policy]` table. Diagnostics of other files (traces) are kept as they are.
pub(crate) struct Locator<'a> {
    pub(crate) sections: &'a [Section],
    pub(crate) baseline: &'a Table,
    pub(crate) baseline_file: &'a str,
    pub(crate) baseline_text: &'a str,
    pub(crate) changed: &'a Table,
    pub(crate) label: &'a str,
}

impl Locator<'_> {
    /// `d`, located as the type's doc says.
    pub(crate) fn locate(&self, cx: &Collector<'_>, d: Diagnostic) -> Vec<Diagnostic> {
        if d.file != self.label {
            return vec![d];
        }
        let field = id_path(self.changed, &d.path);
        let named = field.join(".");
        let writers = writers(self.sections, self.baseline, &field);
        if !writers.is_empty() {
            let what = if named.is_empty() {
                "the changed scenario".to_owned()
            } else {
                format!("the changed scenario's `{named}`")
            };
            return writers
                .into_iter()
                .map(|(change, value)| {
                    // A misspelt last key of an override's path is the path's fault.
                    let value = match value {
                        Some("value") if d.message.starts_with("unknown field") => Some("path"),
                        other => other,
                    };
                    let path = match value {
                        Some(v) => crate::spans::child(&change, v),
                        None => change,
                    };
                    cx.located(
                        cx.value_start(&path),
                        &path,
                        format!("{what}: {}", d.message),
                    )
                })
                .collect();
        }
        if let Some(path) = position_path(self.baseline, &field)
            && let Ok(root) = toml::de::DeTable::parse(self.baseline_text)
        {
            let spans = crate::spans::SpanIndex::build(&root);
            let base = Collector::with_spans(self.baseline_file, self.baseline_text, spans);
            return vec![base.located(
                base.value_start(&path),
                &path,
                format!("{} (with the policy applied)", d.message),
            )];
        }
        let path = "policy";
        let message = if named.is_empty() {
            format!("the changed scenario: {}", d.message)
        } else {
            format!("the changed scenario's `{named}`: {}", d.message)
        };
        vec![cx.located(cx.value_start(path), path, message)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_become_paths_by_id_and_back() {
        assert_eq!(
            segments(r#"stations[2].service_by_class."a b".mean"#),
            [
                Segment::Key("stations".into()),
                Segment::At(2),
                Segment::Key("service_by_class".into()),
                Segment::Key("a b".into()),
                Segment::Key("mean".into()),
            ]
        );
        let doc: Table = toml::from_str(
            "[[stations]]\nid = \"a\"\n[[stations]]\nid = \"b\"\nservers_by_hour = [1, 2]\n\
             [[stations.lanes]]\nid = \"fast\"\nservers = 1\n",
        )
        .unwrap();
        assert_eq!(
            id_path(&doc, "stations[1].servers_by_hour[1]").join("."),
            "stations.b.servers_by_hour"
        );
        assert_eq!(
            id_path(&doc, "stations[1].lanes[0].servers").join("."),
            "stations.b.lanes.fast.servers"
        );
        let ids = id_path(&doc, "stations[1].lanes[0].servers");
        assert_eq!(
            position_path(&doc, &ids).as_deref(),
            Some("stations[1].lanes[0].servers")
        );
        assert_eq!(position_path(&doc, &["stations".into(), "c".into()]), None);
    }
}
