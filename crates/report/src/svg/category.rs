//! The chart of categories: horizontal bars, grouped or stacked, or dots with interval
//! whiskers (a forest plot).

use std::fmt::Write as _;

use super::{
    REST, Scale, Swatch, WIDTH, axes, c, colour, legend, legend_rows, min_max, open_svg,
    text_width, ticks,
};
use crate::format::number;
use crate::html::escape;

/// One value of a category chart.
#[derive(Clone, Debug, Default)]
pub struct Value {
    /// The value.
    pub value: f64,
    /// Its interval, low and high, if any.
    pub interval: Option<(f64, f64)>,
    /// Marked (a significant difference: a filled dot; otherwise hollow).
    pub marked: bool,
}

impl Value {
    /// A value with a symmetric interval of half-width `ci95`, if any.
    pub fn with_ci(value: f64, ci95: Option<f64>) -> Value {
        Value {
            value,
            interval: ci95.map(|h| (value - h, value + h)),
            marked: true,
        }
    }
}

/// How a category chart draws its values.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Style {
    /// One bar per series side by side in each row.
    #[default]
    Grouped,
    /// The series' bars stacked end to end in each row.
    Stacked,
    /// A dot per value with its interval as a whisker (a forest plot).
    Dots,
}

/// A chart of categories, one row each, values along x.
#[derive(Clone, Debug, Default)]
pub struct CategoryChart {
    /// Accessible title.
    pub title: String,
    /// The x axis title, with its unit.
    pub x_title: String,
    /// The series' names (legend); one series needs none.
    pub series: Vec<String>,
    /// Rows: label and one value per series (`None`: no value).
    pub rows: Vec<(String, Vec<Option<Value>>)>,
    /// How values are drawn.
    pub style: Style,
    /// Draw the x range from 0 even if every value is larger.
    pub from_zero: bool,
    /// Dots filled when significant, hollow when not, with a legend saying so.
    pub significance: bool,
}

impl CategoryChart {
    /// The chart as an `<svg>` element.
    pub fn render(&self) -> String {
        let n = self.series.len().max(1);
        let row_h = match self.style {
            Style::Grouped => 12.0 * n as f64 + 10.0,
            Style::Stacked | Style::Dots => 22.0,
        };
        let label_w = self
            .rows
            .iter()
            .map(|(l, _)| text_width(l))
            .fold(40.0, f64::max)
            .min(300.0);
        let left = label_w + 16.0;
        let right = 24.0;
        let items = self.legend();
        let top = 14.0 + 18.0 * legend_rows(items.clone()) as f64 + 4.0;
        let height = row_h * self.rows.len().max(1) as f64;
        let bottom = 46.0;
        let total_h = top + height + bottom;
        let mut values = Vec::new();
        for (_, vs) in &self.rows {
            if self.style == Style::Stacked {
                values.push(vs.iter().flatten().map(|v| v.value.max(0.0)).sum::<f64>());
            } else {
                for v in vs.iter().flatten() {
                    values.push(v.value);
                    if let Some((a, b)) = v.interval {
                        values.push(a);
                        values.push(b);
                    }
                }
            }
        }
        if self.from_zero || self.style != Style::Dots {
            values.push(0.0);
        }
        let (lo, hi) = min_max(values.into_iter());
        let (t, dec) = ticks(lo, hi, 6);
        let x = Scale {
            lo: t[0],
            hi: t[t.len() - 1],
            p0: left,
            p1: WIDTH - right,
            log: false,
        };
        let mut out = open_svg(&self.title, total_h);
        legend(&mut out, &items, left);
        for v in &t {
            let px = x.map(*v);
            let _ = writeln!(
                out,
                "<line x1=\"{px:.1}\" x2=\"{px:.1}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\"/>\
                 <text x=\"{px:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                c(top),
                c(top + height + 5.0),
                if *v == 0.0 { "#444" } else { "#e0e0e0" },
                c(top + height + 18.0),
                number(*v, dec)
            );
        }
        for (r, (label, vs)) in self.rows.iter().enumerate() {
            let y0 = top + row_h * r as f64;
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                c(left - 8.0),
                c(y0 + row_h / 2.0 + 4.0),
                escape(label)
            );
            let mut stack = 0.0;
            for (s, v) in vs.iter().enumerate() {
                let Some(v) = v else { continue };
                let fill = self.fill(s);
                match self.style {
                    Style::Grouped => {
                        let by = y0 + 5.0 + 12.0 * s as f64;
                        bar(&mut out, &x, v.value, 0.0, by, 10.0, fill);
                        whisker(&mut out, &x, v.interval, by + 5.0, 4.0);
                    }
                    Style::Stacked => {
                        let w = v.value.max(0.0);
                        bar(&mut out, &x, w, stack, y0 + 4.0, row_h - 8.0, fill);
                        stack += w;
                    }
                    Style::Dots => {
                        let cy = y0 + row_h / 2.0;
                        whisker(&mut out, &x, v.interval, cy, 5.0);
                        let _ = writeln!(
                            out,
                            "<circle cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{}\" stroke=\"{fill}\" \
                             stroke-width=\"1.5\"/>",
                            c(x.map(v.value)),
                            c(cy),
                            if v.marked { fill } else { "#fff" }
                        );
                    }
                }
            }
        }
        axes(
            &mut out,
            (left, top, WIDTH - right, top + height),
            &self.x_title,
            "",
        );
        out.push_str("</svg>\n");
        out
    }

    /// The fill of series `i`: the palette's, grey for a remainder (`other…`).
    fn fill(&self, i: usize) -> &'static str {
        if self.series.get(i).is_some_and(|s| s.starts_with("other")) {
            REST
        } else {
            colour(i)
        }
    }

    /// Legend entries.
    fn legend(&self) -> Vec<(String, String, Swatch)> {
        let mut items: Vec<(String, String, Swatch)> = if self.series.len() > 1 {
            self.series
                .iter()
                .enumerate()
                .map(|(i, s)| (s.clone(), self.fill(i).to_owned(), Swatch::Box))
                .collect()
        } else {
            Vec::new()
        };
        if self.style == Style::Dots && self.significance {
            items.push((
                "significant (filled)".to_owned(),
                colour(0).to_owned(),
                Swatch::Dot,
            ));
            items.push((
                "not significant (hollow)".to_owned(),
                colour(0).to_owned(),
                Swatch::Hollow,
            ));
        }
        items
    }
}

/// A horizontal bar from `start` to `start + value` at row position `y`.
fn bar(out: &mut String, x: &Scale, value: f64, start: f64, y: f64, h: f64, fill: &str) {
    let (a, b) = (x.map(start), x.map(start + value));
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"/>",
        c(a.min(b)),
        c(y),
        c((b - a).abs()),
        c(h)
    );
}

/// An interval whisker at height `y`, with end ticks of half-height `h`.
fn whisker(out: &mut String, x: &Scale, interval: Option<(f64, f64)>, y: f64, h: f64) {
    if let Some((a, b)) = interval {
        let (pa, pb) = (x.map(a), x.map(b));
        let _ = writeln!(
            out,
            "<path d=\"M{},{} L{},{} M{},{} L{},{} M{},{} L{},{}\" stroke=\"#1b1b1b\" \
             stroke-width=\"1.3\" fill=\"none\"/>",
            c(pa),
            c(y),
            c(pb),
            c(y),
            c(pa),
            c(y - h),
            c(pa),
            c(y + h),
            c(pb),
            c(y - h),
            c(pb),
            c(y + h)
        );
    }
}
