//! Charts drawn as inline SVG by hand: an x–y chart (lines, steps, bands, shaded ranges,
//! a reference line; linear or logarithmic y) and a chart of categories (horizontal bars,
//! grouped or stacked, or dots with interval whiskers: a forest plot). Every coordinate is
//! printed with fixed decimals, so the same data give the same bytes.

use std::fmt::Write as _;

use crate::format::Fixed;
use crate::html::escape;

mod category;
mod titles;
mod xy;

pub use category::{CategoryChart, Style, Value};
pub use xy::{Series, XyChart};

/// Reading a chart's geometry back from its SVG, for the tests of every page's charts.
#[cfg(test)]
pub(crate) use xy::tests::{extents, subpaths};

/// Colours that stay distinct for colour-blind readers (Okabe and Ito, with Tol's wine in
/// place of a grey, which would read as the grey of a remainder, [`REST`]), then black.
pub const PALETTE: [&str; 12] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#882255", "#000000",
    "#8C564B", "#BCBD22", "#17BECF", "#1F3A93",
];

/// The colour of what is left over (a stack's remainder).
pub const REST: &str = "#C8C8C8";

/// The colour of series `i`.
pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// Width of every chart, px (it scales down with the page).
const WIDTH: f64 = 760.0;

/// Estimated width of `text` at the tick font size, px.
fn text_width(text: &str) -> f64 {
    6.4 * text.chars().count() as f64
}

/// `text` as it fits in `room` px by [`text_width`]: whole, or cut with an ellipsis.
fn fit_label(text: &str, room: f64) -> std::borrow::Cow<'_, str> {
    if text_width(text) <= room {
        return std::borrow::Cow::Borrowed(text);
    }
    let keep = ((room / 6.4).floor() as usize).saturating_sub(1);
    let cut: String = text.chars().take(keep).collect();
    std::borrow::Cow::Owned(format!("{}…", cut.trim_end()))
}

/// A label right-aligned at `(x, y)`, cut to `room` px with an ellipsis when longer; a cut
/// label carries its whole text as a tooltip (`<title>`).
fn label_text(out: &mut String, (x, y): (f64, f64), text: &str, room: f64) {
    let shown = fit_label(text, room);
    let tooltip = if shown.len() == text.len() {
        String::new()
    } else {
        format!("<title>{}</title>", escape(text))
    };
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{tooltip}{}</text>",
        c(x),
        c(y),
        escape(&shown)
    );
}

/// A coordinate with one decimal, written straight into the output (no string of its own).
fn c(v: f64) -> Fixed {
    Fixed(v, 1)
}

/// Evenly spaced "nice" ticks covering `lo..=hi`, about `target` of them, and the decimals
/// their labels need.
pub fn ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, usize) {
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
    let raw = (hi - lo) / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let step = magnitude
        * if norm < 1.5 {
            1.0
        } else if norm < 3.0 {
            2.0
        } else if norm < 7.0 {
            5.0
        } else {
            10.0
        };
    let first = (lo / step + 1e-9).floor() as i64;
    let last = (hi / step - 1e-9).ceil() as i64;
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    ((first..=last).map(|k| k as f64 * step).collect(), decimals)
}

/// One axis: data range to pixels.
#[derive(Clone, Debug)]
struct Scale {
    /// Data at the start.
    lo: f64,
    /// Data at the end.
    hi: f64,
    /// Pixel of `lo`.
    p0: f64,
    /// Pixel of `hi`.
    p1: f64,
    /// Logarithmic (base 10).
    log: bool,
}

impl Scale {
    fn map(&self, v: f64) -> f64 {
        let (lo, hi, v) = if self.log {
            (self.lo.log10(), self.hi.log10(), v.max(self.lo).log10())
        } else {
            (self.lo, self.hi, v)
        };
        self.p0 + (v - lo) / (hi - lo) * (self.p1 - self.p0)
    }
}

/// How a legend entry is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Swatch {
    /// A solid line.
    Line,
    /// A dashed line, with its dash pattern.
    Dashed(&'static str),
    /// A pale band.
    Band,
    /// A filled box.
    Box,
    /// A filled dot.
    Dot,
    /// A hollow dot.
    Hollow,
    /// A line (dashed with its pattern, if any) through a marker of shape `usize` (as an
    /// x–y chart draws its points).
    Marked(Option<&'static str>, usize),
}

/// Rows the legend takes at the chart's width, starting at `left` as [`legend`] draws it.
fn legend_rows(items: &[(String, String, Swatch)], left: f64) -> usize {
    if items.is_empty() {
        return 0;
    }
    let mut rows = 1;
    let mut x = left;
    for (label, _, _) in items {
        let w = 28.0 + text_width(label) + 14.0;
        if x + w > WIDTH - 16.0 && x > left {
            rows += 1;
            x = left;
        }
        x += w;
    }
    rows
}

/// Draws the legend along the top, wrapping at the chart's width.
fn legend(out: &mut String, items: &[(String, String, Swatch)], left: f64) {
    let mut x = left;
    let mut y = 14.0;
    for (label, fill, swatch) in items {
        let w = 28.0 + text_width(label) + 14.0;
        if x + w > WIDTH - 16.0 && x > left {
            x = left;
            y += 18.0;
        }
        let mark = match swatch {
            Swatch::Line => format!(
                "<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{fill}\" stroke-width=\"2\"/>",
                c(x),
                c(x + 22.0),
                c(y - 4.0),
                c(y - 4.0)
            ),
            Swatch::Dashed(dash) => format!(
                "<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{fill}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/>",
                c(x),
                c(x + 22.0),
                c(y - 4.0),
                c(y - 4.0)
            ),
            Swatch::Band => format!(
                "<rect x=\"{}\" y=\"{}\" width=\"22\" height=\"10\" fill=\"{fill}\" fill-opacity=\"0.25\"/>",
                c(x),
                c(y - 9.0)
            ),
            Swatch::Box => format!(
                "<rect x=\"{}\" y=\"{}\" width=\"22\" height=\"10\" fill=\"{fill}\" stroke=\"#bbb\"/>",
                c(x),
                c(y - 9.0)
            ),
            Swatch::Dot => format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{fill}\"/>",
                c(x + 11.0),
                c(y - 4.0)
            ),
            Swatch::Hollow => format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"#fff\" stroke=\"{fill}\" stroke-width=\"1.5\"/>",
                c(x + 11.0),
                c(y - 4.0)
            ),
            Swatch::Marked(dash, shape) => {
                let mut m = format!(
                    "<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{fill}\" stroke-width=\"2\"{}/>",
                    c(x),
                    c(x + 22.0),
                    c(y - 4.0),
                    c(y - 4.0),
                    dash.map_or_else(String::new, |d| format!(" stroke-dasharray=\"{d}\""))
                );
                xy::marker(&mut m, *shape, (x + 11.0, y - 4.0), fill);
                m.truncate(m.trim_end().len());
                m
            }
        };
        let _ = writeln!(
            out,
            "{mark}<text x=\"{}\" y=\"{}\">{}</text>",
            c(x + 28.0),
            c(y),
            escape(label)
        );
        x += w;
    }
}

/// The `<svg>` start tag, its style and accessible title.
fn open_svg(title: &str, height: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height:.0}\" \
         width=\"{WIDTH}\" height=\"{height:.0}\" role=\"img\" font-size=\"11\" \
         font-family=\"system-ui,'DejaVu Sans',Arial,sans-serif\" fill=\"#1b1b1b\">\n\
         <title>{}</title>\n",
        escape(title)
    )
}

/// The plot frame's left and bottom axes and their titles.
fn axes(out: &mut String, (x0, y0, x1, y1): (f64, f64, f64, f64), x_title: &str, y_title: &str) {
    let _ = writeln!(
        out,
        "<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#444\"/>\
         <line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#444\"/>",
        c(x0),
        c(x1),
        c(y1),
        c(y1),
        c(x0),
        c(x0),
        c(y0),
        c(y1)
    );
    let (x_room, y_room) = title_room((x0, y0, x1, y1));
    let _ = writeln!(
        out,
        "<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" \
         font-weight=\"600\">{}</text>",
        c((x0 + x1) / 2.0),
        c(y1 + 38.0),
        escape(&titles::fit_title(x_title, x_room))
    );
    if !y_title.is_empty() {
        let _ = writeln!(
            out,
            "<text class=\"axis-title\" transform=\"translate(14,{}) rotate(-90)\" \
             text-anchor=\"middle\" font-size=\"12\" font-weight=\"600\">{}</text>",
            c((y0 + y1) / 2.0),
            escape(&titles::fit_title(y_title, y_room))
        );
    }
}

/// The room for the x and the y axis title of a plot frame, px: a title is centred on its
/// axis, so it has twice the distance from that centre to the nearer edge of the chart (the
/// x title: the chart's width; the y title, turned upright: from the top to the bottom
/// margin of at least 30 px below the frame), less a little air.
fn title_room((x0, y0, x1, y1): (f64, f64, f64, f64)) -> (f64, f64) {
    let cx = (x0 + x1) / 2.0;
    let cy = (y0 + y1) / 2.0;
    let x_room = 2.0 * cx.min(WIDTH - cx) - 8.0;
    let y_room = 2.0 * cy.min(y1 + 30.0 - cy) - 8.0;
    (x_room, y_room)
}

/// The smallest and largest finite value (0 and 1 when there is none).
fn min_max(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi { (0.0, 1.0) } else { (lo, hi) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text of `svg` (but rotated titles) lies within the chart's width by the width
    /// estimate: (left, right) edge of each.
    fn text_spans(svg: &str) -> Vec<(f64, f64, String)> {
        let mut out = Vec::new();
        for t in svg.split("<text ").skip(1) {
            if t.starts_with("class=\"axis-title\" transform") {
                continue;
            }
            let attr = |name: &str| -> Option<f64> {
                let at = t.find(&format!("{name}=\""))? + name.len() + 2;
                t[at..at + t[at..].find('"')?].parse().ok()
            };
            let x = attr("x").expect("x");
            let body = &t[t.find('>').expect("tag") + 1..t.find("</text>").expect("end")];
            let body = match body.find("</title>") {
                Some(at) => &body[at + "</title>".len()..],
                None => body,
            };
            let w = if t.contains("font-size=\"12\"") {
                titles::title_width(body)
            } else {
                text_width(body)
            };
            let (a, b) = if t.contains("text-anchor=\"end\"") {
                (x - w, x)
            } else if t.contains("text-anchor=\"middle\"") {
                (x - w / 2.0, x + w / 2.0)
            } else {
                (x, x + w)
            };
            out.push((a, b, body.to_owned()));
        }
        out
    }

    /// Long row labels, wide tick labels at both ends: nothing runs off the chart; a cut
    /// label keeps its whole text in a tooltip.
    #[test]
    fn labels_stay_inside_the_chart() {
        let long = format!("[{}]", ["2"; 40].join(", "));
        let bars = CategoryChart {
            title: "t".into(),
            x_title: "trade (money/day)".into(),
            series: vec!["exports".into(), "exports lost to delay".into()],
            rows: vec![
                (
                    long.clone(),
                    vec![
                        Some(Value::with_ci(118_000_000.0, None)),
                        Some(Value::with_ci(28_957.0, None)),
                    ],
                ),
                (
                    "b".into(),
                    vec![Some(Value::with_ci(-3_000_000.0, None)), None],
                ),
            ],
            ..CategoryChart::default()
        }
        .render();
        let lines = XyChart {
            title: "t".into(),
            x_title: "x (vehicles/day)".into(),
            y_title: "y (money/day)".into(),
            series: vec![Series {
                name: "a".into(),
                points: vec![(0.0, 1.0), (1_234_567.0, 120_000_000.0)],
                ..Series::default()
            }],
            ..XyChart::default()
        }
        .render();
        for svg in [&bars, &lines] {
            for (a, b, text) in text_spans(svg) {
                assert!(a >= 0.0 && b <= WIDTH, "{text} spans {a}–{b}");
            }
        }
        assert!(bars.contains(&format!("<title>{long}</title>")));
        assert!(bars.contains(">[2, 2, 2"));
        // The exports lost, 29 thousand beside 118 million, are under a pixel: the legend
        // gives the value.
        assert!(bars.contains("exports lost to delay (28,957; too small to see)"));
        assert!(!bars.contains("exports (118"));
    }

    /// No series colour is a grey that could pass for the remainder's.
    #[test]
    fn no_series_colour_is_grey() {
        for c in PALETTE {
            let rgb: Vec<u8> = (0..3)
                .map(|i| u8::from_str_radix(&c[1 + 2 * i..3 + 2 * i], 16).expect("hex"))
                .collect();
            let spread = rgb.iter().max().expect("rgb") - rgb.iter().min().expect("rgb");
            assert!(spread > 40 || c == "#000000", "{c} is a grey");
        }
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(
            ticks(0.0, 10.0, 5),
            (vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0], 0)
        );
        let (t, d) = ticks(0.0, 0.93, 5);
        assert_eq!(t.first(), Some(&0.0));
        assert!(*t.last().expect("ticks") >= 0.93);
        assert_eq!(d, 1);
        let (t, _) = ticks(-3.2, 4.1, 5);
        assert!(t[0] <= -3.2 && t[t.len() - 1] >= 4.1);
        // An empty range still has an axis.
        assert!(ticks(5.0, 5.0, 5).0.len() >= 2);
    }

    /// The axis titles of every chart fit their room by the width estimate, with their unit.
    #[test]
    fn axis_titles_fit_their_plot() {
        let long = "wait in queue of the vehicles starting service, mean per bin (min)";
        let very_long = format!("{long} {long} {long} (vehicles)");
        let chart = XyChart {
            title: "t".into(),
            x_title: very_long.clone(),
            y_title: long.into(),
            series: vec![Series {
                name: "a".into(),
                points: vec![(0.0, 1.0), (1.0, 2.0)],
                ..Series::default()
            }],
            ..XyChart::default()
        };
        let bars = CategoryChart {
            title: "t".into(),
            x_title: very_long.clone(),
            series: vec!["s".into()],
            rows: vec![("a".into(), vec![Some(Value::with_ci(1.0, None))])],
            style: Style::Dots,
            from_zero: true,
            significance: false,
            ..CategoryChart::default()
        };
        for svg in [chart.render(), bars.render()] {
            let frame = svg.split("class=\"axis-title\"").skip(1);
            for (i, title) in frame.enumerate() {
                let text = &title[title.find('>').unwrap() + 1..title.find("</text>").unwrap()];
                assert!(text.ends_with(')'), "unit lost: {text}");
                // The x title has the chart's width, the y title the plot's height (300 px)
                // and its margins, as `title_room` gives them for the smallest top margin.
                let (x_room, y_room) = title_room((64.0, 14.0, WIDTH - 16.0, 314.0));
                assert_eq!((x_room, y_room), (704.0, 320.0));
                // The y title's room for this chart's own top margin (its legend's rows),
                // read off the title's centre.
                let room = if i == 0 {
                    // The x title's room for this chart's own frame, read off its centre.
                    let at = title.find(" x=\"").unwrap() + " x=\"".len();
                    let cx: f64 = title[at..at + title[at..].find('"').unwrap()]
                        .parse()
                        .unwrap();
                    let room = title_room((cx - 1.0, 0.0, cx + 1.0, 300.0)).0;
                    assert!(room <= x_room + 1e-9 || cx != 404.0);
                    room
                } else {
                    let at = title.find("translate(14,").unwrap() + "translate(14,".len();
                    let cy: f64 = title[at..at + title[at..].find(')').unwrap()]
                        .parse()
                        .unwrap();
                    let room = title_room((64.0, cy - 150.0, WIDTH - 16.0, cy + 150.0)).1;
                    assert!(room >= y_room);
                    room
                };
                assert!(titles::title_width(text) <= room, "{text}");
            }
        }
        assert!(chart.render().contains("(vehicles)</text>"));
        assert!(chart.render().contains("… (min)</text>"));
    }

    #[test]
    fn charts_are_deterministic_svg() {
        let chart = XyChart {
            title: "t".into(),
            x_title: "x (h)".into(),
            y_title: "y (min)".into(),
            series: vec![Series {
                name: "a".into(),
                points: vec![(0.0, 1.0), (1.0, 2.0)],
                ..Series::default()
            }],
            ..XyChart::default()
        };
        let svg = chart.render();
        assert_eq!(svg, chart.render());
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert!(svg.contains(">x (h)</text>") && svg.contains(">y (min)</text>"));
    }
}
