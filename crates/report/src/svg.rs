//! Charts drawn as inline SVG by hand: an x–y chart (lines, steps, bands, shaded ranges,
//! a reference line; linear or logarithmic y) and a chart of categories (horizontal bars,
//! grouped or stacked, or dots with interval whiskers: a forest plot). Every coordinate is
//! printed with fixed decimals, so the same data give the same bytes.

use std::fmt::Write as _;

use crate::format::number;
use crate::html::escape;

/// Colours that stay distinct for colour-blind readers (Okabe and Ito), then greys.
pub const PALETTE: [&str; 12] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7F7F7F", "#000000",
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

/// A coordinate with one decimal.
fn c(v: f64) -> String {
    format!("{v:.1}")
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

/// One series of an x–y chart.
#[derive(Clone, Debug, Default)]
pub struct Series {
    /// The legend's label.
    pub name: String,
    /// Points, in x order.
    pub points: Vec<(f64, f64)>,
    /// An interval band: (x, low, high), in x order.
    pub band: Vec<(f64, f64, f64)>,
    /// Drawn as a step function (each value holds until the next x).
    pub step: bool,
    /// Dashed line.
    pub dashed: bool,
    /// Small circles on the points.
    pub markers: bool,
    /// Palette index.
    pub colour: usize,
}

/// An x–y chart.
#[derive(Clone, Debug, Default)]
pub struct XyChart {
    /// Accessible title (the SVG's `<title>`).
    pub title: String,
    /// The x axis title, with its unit.
    pub x_title: String,
    /// The y axis title, with its unit.
    pub y_title: String,
    /// The series.
    pub series: Vec<Series>,
    /// Fixed x range; else the data's.
    pub x_range: Option<(f64, f64)>,
    /// Fixed x ticks (e.g. every 3 hours); else nice ticks.
    pub x_ticks: Option<Vec<f64>>,
    /// Logarithmic y axis (positive values only).
    pub y_log: bool,
    /// Shaded x ranges and the legend label of the shading.
    pub shaded: Vec<(f64, f64)>,
    /// What the shading means (legend).
    pub shaded_label: String,
    /// A horizontal reference line and its label.
    pub reference: Option<(f64, String)>,
}

impl XyChart {
    /// The chart as an `<svg>` element.
    pub fn render(&self) -> String {
        let height = 300.0;
        let legend_rows = legend_rows(self.legend());
        let top = 14.0 + 18.0 * legend_rows as f64;
        let (left, right, bottom) = (64.0, 16.0, 46.0);
        let total_h = top + height + bottom;
        let xs = self.series.iter().flat_map(|s| {
            s.points
                .iter()
                .map(|p| p.0)
                .chain(s.band.iter().map(|b| b.0))
        });
        let (x_lo, x_hi) = self.x_range.unwrap_or_else(|| min_max(xs));
        let ys: Vec<f64> = self
            .series
            .iter()
            .flat_map(|s| {
                s.points
                    .iter()
                    .map(|p| p.1)
                    .chain(s.band.iter().flat_map(|b| [b.1, b.2]))
            })
            .chain(self.reference.iter().map(|r| r.0))
            .filter(|v| v.is_finite() && (!self.y_log || *v > 0.0))
            .collect();
        let (y_lo, y_hi) = min_max(ys.iter().copied());
        let (y_ticks, y_dec, y_scale_lo, y_scale_hi) = if self.y_log {
            let lo = 10f64.powf(y_lo.max(1e-12).log10().floor());
            let hi = 10f64.powf(y_hi.max(lo * 10.0).log10().ceil());
            let mut t = Vec::new();
            let mut v = lo;
            while v <= hi * 1.0001 {
                t.push(v);
                v *= 10.0;
            }
            let dec = (-lo.log10()).max(0.0) as usize;
            (t, dec, lo, hi)
        } else {
            let (t, d) = ticks(y_lo.min(0.0), y_hi, 5);
            let (a, b) = (t[0], t[t.len() - 1]);
            (t, d, a, b)
        };
        let (x_ticks, x_dec) = match &self.x_ticks {
            Some(t) => (t.clone(), 0),
            None => ticks(x_lo, x_hi, 8),
        };
        let (x_scale_lo, x_scale_hi) = if self.x_ticks.is_some() || self.x_range.is_some() {
            (x_lo, x_hi)
        } else {
            (x_ticks[0], x_ticks[x_ticks.len() - 1])
        };
        let x = Scale {
            lo: x_scale_lo,
            hi: x_scale_hi,
            p0: left,
            p1: WIDTH - right,
            log: false,
        };
        let y = Scale {
            lo: y_scale_lo,
            hi: y_scale_hi,
            p0: top + height,
            p1: top,
            log: self.y_log,
        };
        let mut out = open_svg(&self.title, total_h);
        legend(&mut out, &self.legend(), left);
        for (a, b) in &self.shaded {
            let _ = writeln!(
                out,
                "<rect class=\"shaded\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#e9e9e9\"/>",
                c(x.map(*a)),
                c(top),
                c(x.map(*b) - x.map(*a)),
                c(height)
            );
        }
        for t in &y_ticks {
            let py = y.map(*t);
            let _ = writeln!(
                out,
                "<line x1=\"{}\" x2=\"{}\" y1=\"{py:.1}\" y2=\"{py:.1}\" stroke=\"#e0e0e0\"/>\
                 <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                c(left),
                c(WIDTH - right),
                c(left - 6.0),
                py + 4.0,
                number(*t, y_dec)
            );
        }
        for t in &x_ticks {
            if *t < x.lo - 1e-9 || *t > x.hi + 1e-9 {
                continue;
            }
            let px = x.map(*t);
            let _ = writeln!(
                out,
                "<line x1=\"{px:.1}\" x2=\"{px:.1}\" y1=\"{}\" y2=\"{}\" stroke=\"#888\"/>\
                 <text x=\"{px:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                c(top + height),
                c(top + height + 5.0),
                c(top + height + 18.0),
                number(*t, x_dec)
            );
        }
        for s in &self.series {
            // One polygon per run of points with a finite interval: a missing value (no
            // vehicle in that hour, one replication) leaves a gap, not a spike.
            let finite = |b: &&(f64, f64, f64)| b.1.is_finite() && b.2.is_finite();
            for run in s.band.split(|b| !finite(&b)).filter(|r| r.len() >= 2) {
                let mut d = String::new();
                for (i, (bx, _, hi)) in run.iter().enumerate() {
                    let _ = write!(
                        d,
                        "{}{},{} ",
                        if i == 0 { "M" } else { "L" },
                        c(x.map(*bx)),
                        c(y.map(*hi))
                    );
                }
                for (bx, lo, _) in run.iter().rev() {
                    let _ = write!(d, "L{},{} ", c(x.map(*bx)), c(y.map(*lo)));
                }
                let _ = writeln!(
                    out,
                    "<path class=\"band\" d=\"{}Z\" fill=\"{}\" fill-opacity=\"0.18\" stroke=\"none\"/>",
                    d,
                    colour(s.colour)
                );
            }
        }
        if let Some((v, label)) = &self.reference {
            let py = y.map(*v);
            let _ = writeln!(
                out,
                "<line x1=\"{}\" x2=\"{}\" y1=\"{py:.1}\" y2=\"{py:.1}\" stroke=\"#D55E00\" \
                 stroke-dasharray=\"6 4\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" \
                 fill=\"#D55E00\">{}</text>",
                c(left),
                c(WIDTH - right),
                c(WIDTH - right - 4.0),
                py - 5.0,
                escape(label)
            );
        }
        for s in &self.series {
            let mut d = String::new();
            let mut previous: Option<(f64, f64)> = None;
            for &(px, py) in &s.points {
                if !py.is_finite() || (self.y_log && py <= 0.0) {
                    previous = None;
                    continue;
                }
                let (sx, sy) = (x.map(px), y.map(py));
                match previous {
                    None => {
                        let _ = write!(d, "M{},{} ", c(sx), c(sy));
                    }
                    Some((_, prev_y)) if s.step => {
                        let _ = write!(d, "L{},{} L{},{} ", c(sx), c(prev_y), c(sx), c(sy));
                    }
                    Some(_) => {
                        let _ = write!(d, "L{},{} ", c(sx), c(sy));
                    }
                }
                previous = Some((sx, sy));
            }
            if !d.is_empty() {
                let _ = writeln!(
                    out,
                    "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>",
                    d.trim_end(),
                    colour(s.colour),
                    if s.dashed {
                        " stroke-dasharray=\"5 3\""
                    } else {
                        ""
                    }
                );
            }
            if s.markers {
                for &(px, py) in &s.points {
                    if py.is_finite() && (!self.y_log || py > 0.0) {
                        let _ = writeln!(
                            out,
                            "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"/>",
                            c(x.map(px)),
                            c(y.map(py)),
                            colour(s.colour)
                        );
                    }
                }
            }
        }
        axes(
            &mut out,
            (left, top, WIDTH - right, top + height),
            &self.x_title,
            &self.y_title,
        );
        out.push_str("</svg>\n");
        out
    }

    /// Legend entries: (label, colour, kind).
    fn legend(&self) -> Vec<(String, String, Swatch)> {
        let mut items: Vec<(String, String, Swatch)> = self
            .series
            .iter()
            .map(|s| {
                (
                    s.name.clone(),
                    colour(s.colour).to_owned(),
                    if s.dashed {
                        Swatch::Dashed
                    } else {
                        Swatch::Line
                    },
                )
            })
            .collect();
        if self.series.iter().any(|s| !s.band.is_empty()) {
            items.push((
                "95% interval".to_owned(),
                "#7F7F7F".to_owned(),
                Swatch::Band,
            ));
        }
        if !self.shaded.is_empty() {
            items.push((self.shaded_label.clone(), "#e9e9e9".to_owned(), Swatch::Box));
        }
        items
    }
}

/// How a legend entry is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Swatch {
    /// A solid line.
    Line,
    /// A dashed line.
    Dashed,
    /// A pale band.
    Band,
    /// A filled box.
    Box,
    /// A filled dot.
    Dot,
    /// A hollow dot.
    Hollow,
}

/// Rows the legend takes at the chart's width.
fn legend_rows(items: Vec<(String, String, Swatch)>) -> usize {
    if items.is_empty() {
        return 0;
    }
    let mut rows = 1;
    let mut x = 64.0;
    for (label, _, _) in &items {
        let w = 28.0 + text_width(label) + 14.0;
        if x + w > WIDTH - 16.0 && x > 64.0 {
            rows += 1;
            x = 64.0;
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
            Swatch::Dashed => format!(
                "<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{fill}\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>",
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
    let _ = writeln!(
        out,
        "<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" \
         font-weight=\"600\">{}</text>",
        c((x0 + x1) / 2.0),
        c(y1 + 38.0),
        escape(x_title)
    );
    if !y_title.is_empty() {
        let _ = writeln!(
            out,
            "<text class=\"axis-title\" transform=\"translate(14,{}) rotate(-90)\" \
             text-anchor=\"middle\" font-size=\"12\" font-weight=\"600\">{}</text>",
            c((y0 + y1) / 2.0),
            escape(y_title)
        );
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
