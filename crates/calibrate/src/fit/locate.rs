//! Places in the fit file: a byte span turned into `file:line:column`, as the observation
//! file's problems and every other loader's are written.

use std::ops::Range;

/// The fit file's name and text, to locate its problems.
pub(super) struct FitFile<'t> {
    pub(super) name: &'t str,
    pub(super) text: &'t str,
}

impl FitFile<'_> {
    /// `file:line:column` of the byte `span.start` (line and column 1-based, columns in
    /// characters).
    pub(super) fn at(&self, span: &Range<usize>) -> String {
        let offset = self
            .text
            .floor_char_boundary(span.start.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{}:{line}:{column}", self.name)
    }

    /// A TOML or serde error of the fit file, located; a wrong type names the key it is
    /// written under (serde's message names only the type it expected).
    pub(super) fn toml_error(&self, e: &toml::de::Error) -> String {
        let message = e.message().trim_end();
        let Some(span) = e.span() else {
            return format!("{}: {message}", self.name);
        };
        let key = if message.contains("field `") {
            None
        } else {
            key_before(self.text, span.start)
        };
        match key {
            Some(k) => format!("{}: field {k}: {message}", self.at(&span)),
            None => format!("{}: {message}", self.at(&span)),
        }
    }
}

/// The key of the `key = value` whose value holds `offset`: the bare key before the last
/// `=` ahead of it (inline tables and arrays included).
fn key_before(text: &str, offset: usize) -> Option<&str> {
    let before = &text[..text.floor_char_boundary(offset.min(text.len()))];
    let eq = before.rfind('=')?;
    let head = before[..eq].trim_end();
    let start = head
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |i| i + 1);
    let key = &head[start..];
    (!key.is_empty()).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_become_lines_and_columns_and_values_name_their_key() {
        let text = "[[shortcuts.standing_queue]]\nlane_group = 3\nwait_bands = [0, \"6\"]\n";
        let f = FitFile {
            name: "fit.toml",
            text,
        };
        let three = text.find('3').expect("the value");
        assert_eq!(f.at(&(three..three + 1)), "fit.toml:2:14");
        assert_eq!(key_before(text, three), Some("lane_group"));
        let six = text.find("\"6\"").expect("the value");
        assert_eq!(key_before(text, six), Some("wait_bands"));
        assert_eq!(key_before("x", 1), None);
    }
}
