//! From byte offsets to `line:column`, and between field paths and the places in the text
//! where those fields are written.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Line starts of a text, to turn byte offsets into 1-based `(line, column)` pairs. Columns
/// count characters, not bytes.
#[derive(Debug)]
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        (line + 1, column)
    }
}

/// A field path segment as written in diagnostics: bare keys stay bare, other keys are
/// quoted like TOML does.
pub(crate) fn child(parent: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if bare {
        key.to_owned()
    } else {
        format!("{key:?}")
    };
    if parent.is_empty() {
        key
    } else {
        format!("{parent}.{key}")
    }
}

pub(crate) fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// The path one level up: `a.b[2]` → `a.b` → `a` → ``.
pub(crate) fn parent(path: &str) -> &str {
    if path.ends_with(']') {
        return path.rfind('[').map_or("", |i| &path[..i]);
    }
    if path.ends_with('"') {
        // A quoted key: find its opening quote (escaped quotes are preceded by a backslash).
        let bytes = path.as_bytes();
        let mut i = path.len() - 1;
        while i > 0 {
            i -= 1;
            if bytes[i] == b'"' && (i == 0 || bytes[i - 1] != b'\\') {
                return path[..i].strip_suffix('.').unwrap_or(&path[..i]);
            }
        }
        return "";
    }
    path.rfind('.').map_or("", |i| &path[..i])
}

#[derive(Clone, Debug)]
struct Place {
    key: Option<Range<usize>>,
    value: Range<usize>,
}

/// Every field of a parsed document, by path, with the spans of its key and its value.
///
/// A table written under a `[header]` or `[[header]]` has the header as its span.
#[derive(Debug, Default)]
pub(crate) struct SpanIndex {
    places: BTreeMap<String, Place>,
}

impl SpanIndex {
    pub(crate) fn build(root: &Spanned<DeTable<'_>>) -> Self {
        let mut index = SpanIndex::default();
        index.places.insert(
            String::new(),
            Place {
                key: None,
                value: root.span(),
            },
        );
        index.walk_table("", root.get_ref());
        index
    }

    fn walk_table(&mut self, path: &str, table: &DeTable<'_>) {
        for (key, value) in table.iter() {
            let p = child(path, key.get_ref());
            self.walk(p, Some(key.span()), value);
        }
    }

    fn walk(&mut self, path: String, key: Option<Range<usize>>, value: &Spanned<DeValue<'_>>) {
        match value.get_ref() {
            DeValue::Table(t) => self.walk_table(&path, t),
            DeValue::Array(a) => {
                for (i, item) in a.iter().enumerate() {
                    self.walk(index(&path, i), None, item);
                }
            }
            _ => {}
        }
        self.places.insert(
            path,
            Place {
                key,
                value: value.span(),
            },
        );
    }

    /// The closest place written in the file for `path`: the path itself, else its nearest
    /// ancestor (a missing field is reported at its table).
    fn place(&self, mut path: &str) -> Option<&Place> {
        loop {
            if let Some(p) = self.places.get(path) {
                return Some(p);
            }
            if path.is_empty() {
                return None;
            }
            path = parent(path);
        }
    }

    /// Where the value of `path` starts (or its nearest ancestor's).
    pub(crate) fn value_start(&self, path: &str) -> usize {
        self.place(path).map_or(0, |p| p.value.start)
    }

    /// Where the key of `path` starts, for problems with a name rather than a value.
    pub(crate) fn key_start(&self, path: &str) -> usize {
        self.place(path)
            .map_or(0, |p| p.key.as_ref().unwrap_or(&p.value).start)
    }

    /// After a syntax error at `offset`: the innermost array or inline table that opened on
    /// an earlier byte, runs past `offset` and does not end with its closing bracket, i.e.
    /// the container the parser was still inside. Returns its path, start and closer.
    pub(crate) fn unclosed_container_at(
        &self,
        text: &str,
        offset: usize,
    ) -> Option<(&str, usize, char)> {
        let bytes = text.as_bytes();
        self.places
            .iter()
            .filter_map(|(path, p)| {
                let closer = match bytes.get(p.value.start) {
                    Some(b'[') => b']',
                    Some(b'{') => b'}',
                    _ => return None,
                };
                let closed = p.value.end > 0 && bytes.get(p.value.end - 1) == Some(&closer);
                (p.value.start < offset && offset <= p.value.end && !closed).then_some((
                    path.as_str(),
                    p.value.start,
                    char::from(closer),
                ))
            })
            .max_by_key(|&(_, start, _)| start)
    }

    /// The innermost field whose key or value covers `span`.
    pub(crate) fn path_at(&self, span: &Range<usize>) -> Option<String> {
        let covers = |r: &Range<usize>| {
            r.start <= span.start && (span.end <= r.end) && (span.start < r.end || r == span)
        };
        let mut best: Option<(usize, &String)> = None;
        for (path, place) in &self.places {
            let width = if place.key.as_ref().is_some_and(covers) {
                0
            } else if covers(&place.value) {
                place.value.len()
            } else {
                continue;
            };
            // Narrowest first; among equals (an array and its first `[[table]]` share a
            // header), the deeper path.
            let better = match best {
                None => true,
                Some((w, p)) => width < w || (width == w && path.len() > p.len()),
            };
            if better {
                best = Some((width, path));
            }
        }
        best.map(|(_, p)| p.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "ab\ncdé\n\nx";
        let lines = LineIndex::new(text);
        assert_eq!(lines.line_col(0), (1, 1));
        assert_eq!(lines.line_col(2), (1, 3));
        assert_eq!(lines.line_col(3), (2, 1));
        assert_eq!(lines.line_col(7), (2, 4)); // after the two-byte é
        assert_eq!(lines.line_col(6), (2, 3)); // inside é: snaps back
        assert_eq!(lines.line_col(9), (4, 1));
        assert_eq!(lines.line_col(99), (4, 2));
    }

    #[test]
    fn paths_go_up_one_level_at_a_time() {
        assert_eq!(parent("stations[2].routes[1].to"), "stations[2].routes[1]");
        assert_eq!(parent("stations[2].routes[1]"), "stations[2].routes");
        assert_eq!(parent("stations"), "");
        assert_eq!(parent(""), "");
        let quoted = child("s.service_by_class", "heavy.truck");
        assert_eq!(quoted, "s.service_by_class.\"heavy.truck\"");
        assert_eq!(parent(&quoted), "s.service_by_class");
        assert_eq!(child("", "a-b_c"), "a-b_c");
    }

    #[test]
    fn spans_map_to_paths_and_back() {
        let text = "[scenario]\nname = \"x\"\n\n[[stations]]\nid = \"a\"\nroutes = [{ to = \"b\", p = 1 }]\n\n[[stations]]\nid = \"b\"\n";
        let root = DeTable::parse(text).unwrap();
        let spans = SpanIndex::build(&root);
        let lines = LineIndex::new(text);
        let at = |path: &str| lines.line_col(spans.value_start(path));
        assert_eq!(at("scenario.name"), (2, 8));
        assert_eq!(at("stations[0]"), (4, 1));
        assert_eq!(at("stations[1]"), (8, 1));
        assert_eq!(at("stations[0].routes[0].to"), (6, 18));
        assert_eq!(at("stations[0].routes[0].class"), (6, 11)); // missing: its table
        assert_eq!(at("stations[1].servers"), (8, 1));
        assert_eq!(at("nothing.here"), (1, 1));
        let to = spans.value_start("stations[0].routes[0].to");
        assert_eq!(
            spans.path_at(&(to..to + 3)).as_deref(),
            Some("stations[0].routes[0].to")
        );
        let header = spans.value_start("stations[0]");
        assert_eq!(
            spans.path_at(&(header..header + 12)).as_deref(),
            Some("stations[0]")
        );
        let key = spans.key_start("stations[1].id");
        assert_eq!(lines.line_col(key), (9, 1));
        assert_eq!(
            spans.path_at(&(key..key + 2)).as_deref(),
            Some("stations[1].id")
        );
    }
}
