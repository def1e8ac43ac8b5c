//! The chart of categories: horizontal bars, grouped or stacked, or dots with interval
//! whiskers (a forest plot).

use std::fmt::Write as _;

use super::{
    REST, Scale, Swatch, WIDTH, axes, c, colour, label_text, legend, legend_rows, min_max,
    open_svg, text_width, ticks,
};

/// The widest a row label may be, px: a longer one is cut with an ellipsis.
const MAX_LABEL: f64 = 300.0;
use crate::format::number;

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
    /// Each series' palette index (a station's own colour across the page); series past
    /// its end take their place in `series`.
    pub colours: Vec<usize>,
    /// Rows: label and one value per series (`None`: no value).
    pub rows: Vec<(String, Vec<Option<Value>>)>,
    /// How values are drawn.
    pub style: Style,
    /// Draw the x range from 0 even if every value is larger.
    pub from_zero: bool,
    /// Dots filled when significant, hollow when not, with a legend saying so.
    pub significance: bool,
    /// Every value is of a quantity that cannot be negative (vehicles, minutes): whiskers
    /// are drawn clipped at 0 and the axis starts there; the numbers table beside the
    /// chart keeps each interval as computed.
    pub non_negative: bool,
}

impl CategoryChart {
    /// The chart as an `<svg>` element.
    pub fn render(&self) -> String {
        let n = self.series.len().max(1);
        let row_h = match self.style {
            Style::Grouped => 12.0 * n as f64 + 10.0,
            Style::Stacked => 22.0,
            // Several series' dots side by side in a row, 8 px apart: two equal values
            // would otherwise draw one dot on the other.
            Style::Dots => 22.0 + 8.0 * (n - 1) as f64,
        };
        let mut values = Vec::new();
        for (_, vs) in &self.rows {
            if self.style == Style::Stacked {
                values.push(vs.iter().flatten().map(|v| v.value.max(0.0)).sum::<f64>());
            } else {
                for v in vs.iter().flatten() {
                    values.push(v.value);
                    if let Some((a, b)) = self.drawn_interval(v) {
                        values.push(a);
                        values.push(b);
                    }
                }
            }
        }
        if self.from_zero || self.style != Style::Dots {
            values.push(0.0);
        }
        let (mut lo, mut hi) = min_max(values.into_iter());
        if self.style == Style::Dots {
            // Room on both sides, so that no dot or whisker end sits on the frame and the
            // zero line is inside it (an axis that starts at 0 keeps its origin).
            let pad = if hi > lo { 0.05 * (hi - lo) } else { 0.5 };
            let starts_at_zero = lo == 0.0 && (self.from_zero || self.non_negative);
            if !starts_at_zero {
                lo -= pad;
            }
            hi += pad;
        }
        let (t, dec) = ticks(lo, hi, 6);
        // Row labels take the room they need up to a limit; a longer one is cut with an
        // ellipsis (its whole text in a tooltip). The first and last tick labels, centred
        // on the frame's ends, get the margin they overhang.
        let label_w = self
            .rows
            .iter()
            .map(|(l, _)| text_width(l))
            .fold(40.0, f64::max)
            .min(MAX_LABEL);
        let overhang = |v: f64| text_width(&number(v, dec)) / 2.0 + 4.0;
        let left = (label_w + 16.0).max(overhang(t[0]));
        let right = overhang(t[t.len() - 1]).max(24.0);
        let items = self.legend((t[t.len() - 1] - t[0]) / (WIDTH - left - right));
        let top = 14.0 + 18.0 * legend_rows(&items, left) as f64 + 4.0;
        let height = row_h * self.rows.len().max(1) as f64;
        let bottom = 46.0;
        let total_h = top + height + bottom;
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
            label_text(
                &mut out,
                (left - 8.0, y0 + row_h / 2.0 + 4.0),
                label,
                MAX_LABEL,
            );
            let mut stack = 0.0;
            for (s, v) in vs.iter().enumerate() {
                let Some(v) = v else { continue };
                let fill = self.fill(s);
                match self.style {
                    Style::Grouped => {
                        let by = y0 + 5.0 + 12.0 * s as f64;
                        bar(&mut out, &x, v.value, 0.0, by, 10.0, fill);
                        whisker(&mut out, &x, self.drawn_interval(v), by + 5.0, 4.0);
                    }
                    Style::Stacked => {
                        let w = v.value.max(0.0);
                        bar(&mut out, &x, w, stack, y0 + 4.0, row_h - 8.0, fill);
                        stack += w;
                    }
                    Style::Dots => {
                        let cy = y0 + row_h / 2.0 + 8.0 * (s as f64 - (n - 1) as f64 / 2.0);
                        whisker(&mut out, &x, self.drawn_interval(v), cy, 5.0);
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

    /// A value's interval as drawn: clipped at 0 for a non-negative quantity.
    fn drawn_interval(&self, v: &Value) -> Option<(f64, f64)> {
        let clip = |a: f64| if self.non_negative { a.max(0.0) } else { a };
        v.interval.map(|(a, b)| (clip(a), clip(b)))
    }

    /// The fill of series `i`: the palette's, grey for a remainder (`other…`).
    fn fill(&self, i: usize) -> &'static str {
        if self.series.get(i).is_some_and(|s| s.starts_with("other")) {
            REST
        } else {
            colour(self.colours.get(i).copied().unwrap_or(i))
        }
    }

    /// Legend entries; `per_px` is the data a pixel of the x axis stands for. A series of
    /// bars every one of which is under 2 px wide (exports lost beside trade in the
    /// hundreds of millions) would be in the legend and nowhere to be seen: its entry
    /// gives its values.
    fn legend(&self, per_px: f64) -> Vec<(String, String, Swatch)> {
        let mut items: Vec<(String, String, Swatch)> = if self.series.len() > 1 {
            self.series
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let values: Vec<f64> = self
                        .rows
                        .iter()
                        .filter_map(|(_, vs)| vs.get(i)?.as_ref().map(|v| v.value))
                        .collect();
                    let unseen = self.style != Style::Dots
                        && !values.is_empty()
                        && values.iter().all(|v| v.abs() / per_px < 2.0);
                    let label = if unseen {
                        let shown: Vec<String> = values
                            .iter()
                            .map(|v| number(*v, if v.abs() < 10.0 { 2 } else { 0 }))
                            .collect();
                        format!("{s} ({}; too small to see)", shown.join(", "))
                    } else {
                        s.clone()
                    };
                    (label, self.fill(i).to_owned(), Swatch::Box)
                })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The x pixels of the dots and of the zero line, and the frame's two ends.
    fn forest(rows: Vec<(String, Vec<Option<Value>>)>) -> (Vec<f64>, f64, (f64, f64)) {
        let svg = CategoryChart {
            title: "t".into(),
            x_title: "change (min)".into(),
            rows,
            style: Style::Dots,
            significance: true,
            ..CategoryChart::default()
        }
        .render();
        let attr = |tag: &str, name: &str| -> f64 {
            let at = tag.find(&format!(" {name}=\"")).expect("attribute") + name.len() + 3;
            tag[at..at + tag[at..].find('"').expect("end")]
                .parse()
                .expect("number")
        };
        let dots = svg
            .split("<circle")
            .skip(1)
            .map(|t| attr(t, "cx"))
            .collect();
        let zero = svg
            .split("<line")
            .skip(1)
            .find(|t| t.contains("stroke=\"#444\"") && t.contains("text-anchor"))
            .map(|t| attr(t, "x1"))
            .expect("zero line");
        let frame = svg.split("<line").last().expect("frame");
        (dots, zero, (attr(frame, "x1"), WIDTH - 24.0))
    }

    /// Two series with one value in a row: two dots, one above the other.
    #[test]
    fn dots_of_several_series_do_not_hide_each_other() {
        let svg = CategoryChart {
            series: vec!["= 3".into(), "= 4".into()],
            rows: vec![(
                "none".into(),
                vec![
                    Some(Value::with_ci(16.54, None)),
                    Some(Value::with_ci(16.52, None)),
                ],
            )],
            style: Style::Dots,
            ..CategoryChart::default()
        }
        .render();
        let cys: Vec<&str> = svg
            .split("<circle")
            .skip(1)
            .map(|t| {
                let at = t.find(" cy=\"").expect("cy") + 5;
                &t[at..at + t[at..].find('"').expect("end")]
            })
            .collect();
        assert_eq!(cys.len(), 2);
        assert_ne!(cys[0], cys[1]);
    }

    /// A forest plot whose values reach round numbers (0 and 10) keeps them off the frame;
    /// its zero line is inside.
    #[test]
    fn a_forest_plot_has_room_around_its_values() {
        let v = |value: f64, lo: f64, hi: f64| {
            Some(Value {
                value,
                interval: Some((lo, hi)),
                marked: true,
            })
        };
        let (dots, zero, (x0, x1)) = forest(vec![
            ("a".into(), vec![v(10.0, 6.0, 10.0)]),
            ("b".into(), vec![v(2.0, 0.0, 4.0)]),
        ]);
        let (legend, dots) = dots.split_at(2);
        assert_eq!(legend.len(), 2);
        for d in dots {
            assert!(
                *d > x0 + 10.0 && *d < x1 - 10.0,
                "dot at {d} on the frame {x0}–{x1}"
            );
        }
        assert!(
            zero > x0 + 10.0 && zero < x1,
            "zero line at {zero}, frame {x0}"
        );
    }
}
