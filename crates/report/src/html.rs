//! The page: one HTML document with its style sheet inline, built from sections, cards,
//! tables and figures. No script, no external resource: the file reads offline and prints.

use std::fmt::Write as _;

/// Text made safe for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// [`escape`]d `text` appended to `out`: most text (every number) has nothing to escape
/// and is copied as it is.
pub fn escape_into(out: &mut String, text: &str) {
    if !text
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// A name usable as an element id: letters, digits and `-`, everything else `-`.
pub fn slug(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// The style sheet: readable on screen, compact on paper, no web fonts.
const STYLE: &str = "\
:root{--ink:#1b1b1b;--muted:#5a5a5a;--rule:#d0d0d0;--band:#f3f5f8}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif;color:var(--ink);margin:0 auto;max-width:62rem;padding:1.5rem;line-height:1.45;font-size:15px}
h1{font-size:1.6rem;margin:.2rem 0 .3rem}
h2{font-size:1.25rem;border-bottom:2px solid var(--rule);padding-bottom:.2rem;margin-top:2.2rem}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem}
p.lead{color:var(--muted);margin-top:0}
.card{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.6rem;margin:1rem 0}
.card div{background:var(--band);border-radius:6px;padding:.55rem .75rem}
.card dt{font-size:.78rem;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.card dd{margin:0;font-size:1rem;font-weight:600;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
figure{margin:1.2rem 0 1.6rem;page-break-inside:avoid;break-inside:avoid}
figure svg{display:block;max-width:100%;height:auto}
figcaption{font-size:.88rem;color:var(--muted);margin:.3rem 0}
details{font-size:.85rem;margin-top:.3rem}
summary{cursor:pointer;color:var(--muted)}
details:not([open])+.data{display:none}
.wide{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0;font-variant-numeric:tabular-nums}
th,td{padding:.18rem .55rem;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
th{background:var(--band);font-weight:600}
td.n,th.n{text-align:right}
tr.sig td{font-weight:600}
.note{font-size:.85rem;color:var(--muted)}
.warn{background:#fff4e0;border-left:4px solid #e69f00;padding:.4rem .7rem}
footer{margin-top:3rem;font-size:.8rem;color:var(--muted)}
@media print{body{max-width:none;padding:0;font-size:11pt}details{display:none}details:not([open])+.data{display:block}.wide{overflow:visible}.wide table{table-layout:auto;width:100%;font-size:8pt}th,td{padding:.1rem .25rem;overflow-wrap:anywhere}h2{page-break-after:avoid}}
";

/// An HTML page under construction.
#[derive(Debug)]
pub struct Page {
    /// The document's title.
    title: String,
    /// The body so far.
    body: String,
}

impl Page {
    /// A page titled `title`, with `title` as its heading and `lead` below it.
    pub fn new(title: &str, lead: &str) -> Page {
        let mut body = String::new();
        let _ = writeln!(body, "<h1>{}</h1>", escape(title));
        let _ = writeln!(body, "<p class=\"lead\">{}</p>", escape(lead));
        Page {
            title: title.to_owned(),
            body,
        }
    }

    /// A section heading with an id.
    pub fn section(&mut self, id: &str, title: &str) {
        let _ = writeln!(
            self.body,
            "<h2 id=\"{}\">{}</h2>",
            escape(id),
            escape(title)
        );
    }

    /// A sub-heading.
    pub fn heading(&mut self, title: &str) {
        let _ = writeln!(self.body, "<h3>{}</h3>", escape(title));
    }

    /// A paragraph of plain text, in the muted style.
    pub fn note(&mut self, text: &str) {
        let _ = writeln!(self.body, "<p class=\"note\">{}</p>", escape(text));
    }

    /// A highlighted warning.
    pub fn warning(&mut self, text: &str) {
        let _ = writeln!(self.body, "<p class=\"warn\">{}</p>", escape(text));
    }

    /// A summary card: labelled values side by side.
    pub fn card(&mut self, id: &str, items: &[(&str, String)]) {
        let _ = writeln!(self.body, "<dl class=\"card\" id=\"{}\">", escape(id));
        for (label, value) in items {
            let _ = writeln!(
                self.body,
                "<div><dt>{}</dt><dd>{}</dd></div>",
                escape(label),
                escape(value)
            );
        }
        self.body.push_str("</dl>\n");
    }

    /// A table shown on the page.
    pub fn table(&mut self, table: &Table) {
        table.write_html(&mut self.body);
    }

    /// A figure: the chart, its caption, and the numbers behind it. The table follows a
    /// `<details>` that holds only its summary: on screen the table shows while the details
    /// are open, on paper always (a closed `<details>` hides its content from print style
    /// sheets too, so the table is not inside it).
    pub fn figure(&mut self, id: &str, svg: &str, caption: &str, data: &Table) {
        let _ = writeln!(self.body, "<figure class=\"plot\" id=\"{}\">", escape(id));
        self.body.push_str(svg);
        let _ = writeln!(self.body, "<figcaption>{}</figcaption>", escape(caption));
        self.body.push_str(
            "<details><summary>The numbers behind this plot</summary></details>\n\
             <div class=\"data\">\n",
        );
        data.write_html(&mut self.body);
        self.body.push_str("</div>\n</figure>\n");
    }

    /// The whole document.
    pub fn finish(self) -> String {
        let mut out = String::with_capacity(self.body.len() + STYLE.len() + 512);
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        let _ = writeln!(out, "<title>{}</title>", escape(&self.title));
        let _ = writeln!(out, "<style>\n{STYLE}</style>\n</head>\n<body>");
        out.push_str(&self.body);
        out.push_str(
            "<footer>Made by bordersim. Intervals are 95% Student-t intervals across \
             replications. This page is self-contained: it needs no network and no script.\
             </footer>\n</body>\n</html>\n",
        );
        out
    }
}

/// A table: titles, rows of cells, and which columns hold numbers (right-aligned). Rows
/// are written as HTML as they are added (a plot's numbers are thousands of cells).
#[derive(Debug, Default)]
pub struct Table {
    /// Column titles.
    titles: Vec<String>,
    /// Whether each column is numeric.
    numeric: Vec<bool>,
    /// The rows so far, as HTML.
    rows: String,
}

impl Table {
    /// A table with these titles; every column but the first `text` ones is numeric.
    pub fn new(titles: &[&str], text: usize) -> Table {
        Table {
            titles: titles.iter().map(|t| (*t).to_owned()).collect(),
            numeric: (0..titles.len()).map(|i| i >= text).collect(),
            rows: String::new(),
        }
    }

    /// Makes column `i` a text column (left-aligned). Before any row is added.
    pub fn text_column(&mut self, i: usize) {
        debug_assert!(
            self.rows.is_empty(),
            "a column's kind is set before its rows"
        );
        self.numeric[i] = false;
    }

    /// Appends a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.push_row(&cells, false);
    }

    /// Appends an emphasised row (a significant difference).
    pub fn strong_row(&mut self, cells: Vec<String>) {
        self.push_row(&cells, true);
    }

    /// Appends a row whose cells `write` writes one after the other, numbers straight into
    /// the table (no string of their own).
    pub fn row_with(&mut self, write: impl FnOnce(&mut Row<'_>)) {
        self.rows.push_str("<tr>");
        let mut row = Row {
            rows: &mut self.rows,
            numeric: &self.numeric,
            column: 0,
        };
        write(&mut row);
        self.rows.push_str("</tr>\n");
    }

    fn push_row(&mut self, cells: &[String], strong: bool) {
        self.rows
            .push_str(if strong { "<tr class=\"sig\">" } else { "<tr>" });
        let mut row = Row {
            rows: &mut self.rows,
            numeric: &self.numeric,
            column: 0,
        };
        for c in cells {
            row.text(c);
        }
        self.rows.push_str("</tr>\n");
    }

    /// The table as HTML, appended to `out`.
    pub fn write_html(&self, out: &mut String) {
        out.reserve(self.rows.len() + 64 * self.titles.len() + 64);
        // In a container that scrolls a table wider than the page on screen; printed, the
        // table fits the paper's width (smaller type, cells that wrap).
        out.push_str("<div class=\"wide\"><table>\n<thead><tr>");
        for (i, t) in self.titles.iter().enumerate() {
            out.push_str("<th");
            out.push_str(class(&self.numeric, i));
            out.push('>');
            escape_into(out, t);
            out.push_str("</th>");
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        out.push_str(&self.rows);
        out.push_str("</tbody>\n</table></div>\n");
    }
}

/// The class attribute of column `i` (a column past the titles is as the last one).
fn class(numeric: &[bool], i: usize) -> &'static str {
    if numeric[i.min(numeric.len() - 1)] {
        " class=\"n\""
    } else {
        ""
    }
}

/// The cells of a row being added to a [`Table`], left to right.
#[derive(Debug)]
pub struct Row<'a> {
    rows: &'a mut String,
    numeric: &'a [bool],
    column: usize,
}

impl Row<'_> {
    /// The next cell: `text`.
    pub fn text(&mut self, text: &str) {
        self.open();
        escape_into(self.rows, text);
        self.close();
    }

    /// The next cell: `x` as [`opt`](crate::format::opt) prints it.
    pub fn opt(&mut self, x: Option<f64>, decimals: usize) {
        self.open();
        crate::format::push_opt(self.rows, x, decimals);
        self.close();
    }

    fn open(&mut self) {
        self.rows.push_str("<td");
        self.rows.push_str(class(self.numeric, self.column));
        self.rows.push('>');
    }

    fn close(&mut self) {
        self.rows.push_str("</td>");
        self.column += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\"'"), "a&lt;b &amp; &quot;c&quot;&#39;");
        assert_eq!(slug("NB primary/FAST"), "nb-primary-fast");
        let mut t = Table::new(&["name", "value"], 1);
        t.row(vec!["<x>".into(), "1".into()]);
        let mut html = String::new();
        t.write_html(&mut html);
        assert!(html.contains("<td>&lt;x&gt;</td><td class=\"n\">1</td>"));
    }

    /// The numbers behind a plot are outside the closed `<details>`, shown on paper: the
    /// print style sheet shows what follows a closed details, and hides the summary.
    #[test]
    fn the_numbers_behind_a_plot_print() {
        let mut page = Page::new("t", "l");
        let mut t = Table::new(&["x", "y"], 1);
        t.row(vec!["a".into(), "1".into()]);
        page.figure("f", "<svg></svg>", "cap", &t);
        let html = page.finish();
        let details = html.find("<details>").unwrap();
        let closed = html[details..].find("</details>").unwrap() + details;
        let table = html.find("<table>").unwrap();
        assert!(table > closed, "the table is inside the details");
        assert!(html[closed..].starts_with("</details>\n<div class=\"data\">"));
        let print = &html[html.find("@media print{").unwrap()..];
        let print = &print[..print.find("}}").unwrap()];
        assert!(
            print.contains("details:not([open])+.data{display:block}"),
            "{print}"
        );
        assert!(print.contains("details{display:none}"), "{print}");
        // On screen, the table shows only while the details are open.
        assert!(html.contains("details:not([open])+.data{display:none}"));
    }

    /// Every table sits in a container that scrolls on screen, and the print style sheet
    /// lets it wrap to the paper's width.
    #[test]
    fn wide_tables_scroll_on_screen_and_wrap_in_print() {
        let t = Table::new(&["a"; 12], 1);
        let mut html = String::new();
        t.write_html(&mut html);
        assert!(html.starts_with("<div class=\"wide\"><table>"), "{html}");
        assert!(html.ends_with("</table></div>\n"), "{html}");
        assert!(STYLE.contains(".wide{overflow-x:auto;max-width:100%}"));
        let print = &STYLE[STYLE.find("@media print{").unwrap()..];
        assert!(print.contains(".wide{overflow:visible}"));
        assert!(print.contains("overflow-wrap:anywhere"));
    }
}
