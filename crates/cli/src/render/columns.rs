//! The one column aligner of every human-readable table: titles, a rule, rows; text
//! columns left-aligned, numbers right-aligned, optional group labels spanning several
//! columns above the titles, and rules between rows (before a total).

/// Spaces between columns.
const GAP: usize = 2;

/// Spaces before every line of a table.
const INDENT: &str = "  ";

/// A plain-text table: by default the first column left-aligned, the others
/// right-aligned.
#[derive(Debug)]
pub struct Table {
    /// Column titles, one per column.
    titles: Vec<String>,
    /// Whether each column is left-aligned (else right-aligned).
    left: Vec<bool>,
    /// Group labels: first and last column (inclusive, 0-based) and the label.
    groups: Vec<(usize, usize, String)>,
    /// Rows of cells; `None` is a rule.
    rows: Vec<Option<Vec<String>>>,
}

impl Table {
    /// A table with these column titles, the first column left-aligned.
    pub fn new(titles: &[&str]) -> Table {
        Table::with_left(titles, 1)
    }

    /// A table with these column titles, the first `left` columns left-aligned.
    pub fn with_left(titles: &[&str], left: usize) -> Table {
        Table {
            titles: titles.iter().map(|t| (*t).to_owned()).collect(),
            left: (0..titles.len()).map(|i| i < left).collect(),
            groups: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Aligns `column` (0-based) to the left.
    pub fn left_aligned(&mut self, column: usize) {
        self.left[column] = true;
    }

    /// Labels columns `first..=last` (0-based) together.
    pub fn group(&mut self, first: usize, last: usize, label: &str) {
        self.groups.push((first, last, label.to_owned()));
    }

    /// Appends a row: one cell per column.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(Some(cells));
    }

    /// A horizontal rule before the next row (e.g. before a total).
    pub fn rule(&mut self) {
        self.rows.push(None);
    }

    /// The table as lines without line ends.
    pub fn render(&self) -> Vec<String> {
        let n = self.titles.len();
        let mut widths: Vec<usize> = self.titles.iter().map(|t| width(t)).collect();
        for cells in self.rows.iter().flatten() {
            for (w, c) in widths.iter_mut().zip(cells) {
                *w = (*w).max(width(c));
            }
        }
        // Widen the columns of a group whose label does not fit, sharing the extra width
        // out from the right.
        for (first, last, label) in &self.groups {
            let span: usize = widths[*first..=*last].iter().sum::<usize>() + GAP * (last - first);
            let need = width(label) + 4;
            if need > span {
                let extra = need - span;
                let n = last - first + 1;
                for (k, w) in widths[*first..=*last].iter_mut().rev().enumerate() {
                    *w += extra / n + usize::from(k < extra % n);
                }
            }
        }

        let mut lines = Vec::new();
        if !self.groups.is_empty() {
            lines.push(self.group_line(&widths));
        }
        lines.push(self.line(&self.titles, &widths));
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        lines.push(self.line(&rule, &widths));
        for row in &self.rows {
            match row {
                Some(cells) => lines.push(self.line(cells, &widths)),
                None => lines.push(self.line(&rule, &widths)),
            }
        }
        debug_assert!(self.rows.iter().flatten().all(|r| r.len() == n));
        lines
    }

    /// The table as text, every line ended by a newline.
    pub fn render_text(&self) -> String {
        let mut text = String::new();
        for line in self.render() {
            text.push_str(&line);
            text.push('\n');
        }
        text
    }

    /// The line of group labels above the titles: ` label ` centred in dashes over the
    /// columns it spans.
    fn group_line(&self, widths: &[usize]) -> String {
        let mut line = String::new();
        let mut column = 0;
        for (first, last, label) in &self.groups {
            while column < *first {
                line.push_str(&" ".repeat(widths[column] + GAP));
                column += 1;
            }
            let span: usize = widths[*first..=*last].iter().sum::<usize>() + GAP * (last - first);
            let text = format!(" {label} ");
            let fill = span - width(&text);
            line.push_str(&"-".repeat(fill / 2));
            line.push_str(&text);
            line.push_str(&"-".repeat(fill - fill / 2));
            line.push_str(&" ".repeat(GAP));
            column = last + 1;
        }
        indent(line.trim_end())
    }

    /// One line of cells, each padded to its column's width and aligned.
    fn line(&self, cells: &[String], widths: &[usize]) -> String {
        let mut line = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i > 0 {
                line.push_str(&" ".repeat(GAP));
            }
            let pad = " ".repeat(w.saturating_sub(width(cell)));
            if self.left[i] {
                line.push_str(cell);
                line.push_str(&pad);
            } else {
                line.push_str(&pad);
                line.push_str(cell);
            }
        }
        indent(line.trim_end())
    }
}

/// `line` after the table's indent.
fn indent(line: &str) -> String {
    format!("{INDENT}{line}")
}

/// Display width of plain text (every character one column; no wide characters here).
fn width(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align() {
        // The group label is wider than its columns: they widen to fit it.
        let mut t = Table::new(&["name", "a", "b"]);
        t.group(1, 2, "group label");
        t.row(vec!["x".into(), "1.00".into(), "22".into()]);
        t.rule();
        t.row(vec!["longer".into(), "3".into(), "4".into()]);
        let lines = t.render();
        assert_eq!(
            lines,
            [
                "          - group label -",
                "  name          a       b",
                "  ------  -------  ------",
                "  x          1.00      22",
                "  ------  -------  ------",
                "  longer        3       4",
            ]
        );
    }

    #[test]
    fn numbers_can_lead() {
        let mut t = Table::with_left(&["n", "label"], 0);
        t.row(vec!["10".into(), "x".into()]);
        assert_eq!(t.render_text(), "   n  label\n  --  -----\n  10      x\n");
    }
}
