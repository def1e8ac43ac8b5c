//! The x–y chart: lines, steps, interval bands, shaded x ranges and a reference line, on a
//! linear or logarithmic y axis.

use std::fmt::Write as _;

use super::{
    Scale, Swatch, WIDTH, axes, c, colour, legend, legend_rows, min_max, open_svg, text_width,
    ticks,
};
use crate::format::{number, push_fixed};
use crate::html::escape;

/// Where the legend starts, px (the frame's left end moves right for wide y labels).
const LEGEND_LEFT: f64 = 64.0;

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
    /// A dash pattern of its own (1, 2, …: each a different pattern; 0: solid, or dashed
    /// when `dashed`), so that lines of one chart that lie on each other stay told apart.
    pub pattern: usize,
    /// Small circles on the points.
    pub markers: bool,
    /// Palette index.
    pub colour: usize,
    /// A quantity that cannot be negative (a queue, a wait, a count): its band is drawn
    /// clipped at 0, so that an interval of mean ± half-width reaching below zero neither
    /// draws impossible values nor stretches the axis below 0. The numbers table beside the
    /// chart keeps the interval as computed.
    pub non_negative: bool,
}

/// The dash patterns of [`Series::pattern`] 1, 2, …
const DASHES: [&str; 4] = ["5 3", "2 2", "8 3 2 3", "1 3"];

impl Series {
    /// The line's dash pattern, if it is not solid.
    fn dash(&self) -> Option<&'static str> {
        match self.pattern {
            0 if self.dashed => Some(DASHES[0]),
            0 => None,
            k => Some(DASHES[(k - 1) % DASHES.len()]),
        }
    }

    /// The band as drawn: clipped at 0 for a non-negative quantity (a gap stays a gap).
    fn drawn_band(&self) -> impl Iterator<Item = (f64, f64, f64)> + '_ {
        let clip = |v: f64| if self.non_negative && v < 0.0 { 0.0 } else { v };
        self.band
            .iter()
            .map(move |&(bx, lo, hi)| (bx, clip(lo), clip(hi)))
    }
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
        let legend_rows = legend_rows(&self.legend(), LEGEND_LEFT);
        let top = 14.0 + 18.0 * legend_rows as f64;
        let bottom = 46.0;
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
                    .chain(s.drawn_band().flat_map(|b| [b.1, b.2]))
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
        // Margins wide enough for the tick labels: the widest y label right of the y
        // title, and half the last x label, centred on the frame's right end.
        let left = y_ticks
            .iter()
            .map(|t| text_width(&number(*t, y_dec)) + 30.0)
            .fold(64.0, f64::max);
        let right = x_ticks
            .iter()
            .rfind(|t| **t <= x_scale_hi + 1e-9)
            .map_or(16.0, |t| {
                (text_width(&number(*t, x_dec)) / 2.0 + 2.0).max(16.0)
            });
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
        legend(&mut out, &self.legend(), LEGEND_LEFT);
        // Nothing is drawn outside the frame: a fixed x range may cover less than the data.
        let inside = |px: f64| px >= x.lo - 1e-9 && px <= x.hi + 1e-9;
        for &(a, b) in &self.shaded {
            let (a, b) = (a.max(x.lo), b.min(x.hi));
            if b <= a {
                continue;
            }
            let _ = writeln!(
                out,
                "<rect class=\"shaded\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#e9e9e9\"/>",
                c(x.map(a)),
                c(top),
                c(x.map(b) - x.map(a)),
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
        let overlapping = self.series.iter().filter(|s| !s.band.is_empty()).count() > 1;
        for s in &self.series {
            // One polygon per run of points with a finite interval: a missing value (no
            // vehicle in that hour, one replication) leaves a gap, not a spike.
            let finite = |b: &(f64, f64, f64)| b.1.is_finite() && b.2.is_finite();
            let band: Vec<(f64, f64, f64)> = s.drawn_band().filter(|b| inside(b.0)).collect();
            for run in band.split(|b| !finite(b)).filter(|r| r.len() >= 2) {
                let at = |bx: f64, by: f64| (pixel(x.map(bx)), pixel(y.map(by)));
                let upper: Vec<(f64, f64)> = run.iter().map(|b| at(b.0, b.2)).collect();
                let lower: Vec<(f64, f64)> = run.iter().rev().map(|b| at(b.0, b.1)).collect();
                out.push_str("<path class=\"band\" d=\"");
                let mut last = None;
                for p in corners(&upper).into_iter().chain(corners(&lower)) {
                    path_to(&mut out, last, p);
                    last = Some(p);
                }
                if overlapping {
                    // Paler, each edged in its own colour: bands that overlap stay
                    // readable instead of blending into a colour of no series.
                    let _ = writeln!(
                        out,
                        "Z\" fill=\"{0}\" fill-opacity=\"0.1\" stroke=\"{0}\" \
                         stroke-opacity=\"0.5\" stroke-width=\"0.8\"/>",
                        colour(s.colour)
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "Z\" fill=\"{}\" fill-opacity=\"0.18\" stroke=\"none\"/>",
                        colour(s.colour)
                    );
                }
            }
        }
        let shown = |py: f64| py.is_finite() && (!self.y_log || py > 0.0);
        // Every series' line as the corners of its runs, in pixels: drawn below, and kept
        // out of the reference line's label.
        let drawn: Vec<Vec<Vec<(f64, f64)>>> = self
            .series
            .iter()
            .map(|s| {
                line_runs(&s.points, s.step, (x.lo, x.hi), shown)
                    .iter()
                    .map(|run| {
                        let mapped: Vec<(f64, f64)> = run
                            .iter()
                            .map(|&(px, py)| (pixel(x.map(px)), pixel(y.map(py))))
                            .collect();
                        corners(&mapped)
                    })
                    .collect()
            })
            .collect();
        if let Some((v, label)) = &self.reference {
            let py = y.map(*v);
            let _ = writeln!(
                out,
                "<line x1=\"{}\" x2=\"{}\" y1=\"{py:.1}\" y2=\"{py:.1}\" stroke=\"#D55E00\" \
                 stroke-dasharray=\"6 4\"/>",
                c(left),
                c(WIDTH - right)
            );
            let marks: Vec<(f64, f64)> = self.marker_pixels(&x, &y, inside).collect();
            let (lx, ly, anchor) = reference_label_at(
                (left, top, WIDTH - right, top + height),
                py,
                text_width(label),
                &drawn,
                &marks,
            );
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"#D55E00\" \
                 stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
                c(lx),
                c(ly),
                escape(label)
            );
        }
        let mut shape = 0;
        for (s, runs) in self.series.iter().zip(&drawn) {
            let mut d = String::new();
            for run in runs {
                let mut last = None;
                for &p in run {
                    path_to(&mut d, last, p);
                    last = Some(p);
                }
            }
            if !d.is_empty() {
                let _ = write!(
                    out,
                    "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"",
                    d,
                    colour(s.colour)
                );
                if let Some(dash) = s.dash() {
                    let _ = write!(out, " stroke-dasharray=\"{dash}\"");
                }
                out.push_str("/>\n");
            }
            if s.markers {
                for &(px, py) in &s.points {
                    if shown(py) && inside(px) {
                        marker(&mut out, shape, (x.map(px), y.map(py)), colour(s.colour));
                    }
                }
                shape += 1;
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

    /// The pixels of every marker drawn.
    fn marker_pixels<'a>(
        &'a self,
        x: &'a Scale,
        y: &'a Scale,
        inside: impl Fn(f64) -> bool + 'a,
    ) -> impl Iterator<Item = (f64, f64)> + 'a {
        self.series
            .iter()
            .filter(|s| s.markers)
            .flat_map(|s| s.points.iter())
            .filter(move |p| p.1.is_finite() && (!self.y_log || p.1 > 0.0) && inside(p.0))
            .map(|p| (x.map(p.0), y.map(p.1)))
    }

    /// Legend entries: (label, colour, kind).
    fn legend(&self) -> Vec<(String, String, Swatch)> {
        let mut shape = 0;
        let mut items: Vec<(String, String, Swatch)> = self
            .series
            .iter()
            .map(|s| {
                let swatch = match (s.markers, s.dash()) {
                    (true, dash) => {
                        shape += 1;
                        Swatch::Marked(dash, shape - 1)
                    }
                    (false, Some(dash)) => Swatch::Dashed(dash),
                    (false, None) => Swatch::Line,
                };
                (s.name.clone(), colour(s.colour).to_owned(), swatch)
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

/// The vertices of each unbroken run of a series' line within the x range `lo..=hi`, in
/// data units. A step series holds each value from its point's x to the next point's x,
/// whether that next point has a value or is a gap: the bin before a gap (or before the
/// closing point at the end of the data) is drawn whole, over the same extent as its band,
/// not cut at its start. A step held across an end of the range is cut there; other points
/// outside the range are left out (a chart over the hours a short run covers draws nothing
/// outside its frame).
fn line_runs(
    points: &[(f64, f64)],
    step: bool,
    (lo, hi): (f64, f64),
    shown: impl Fn(f64) -> bool,
) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    // The value a step holds from its last point on (`None`: a gap, or not a step).
    let mut held: Option<f64> = None;
    for &(px, py) in points {
        if px < lo {
            held = (step && shown(py)).then_some(py);
            continue;
        }
        if let Some(prev) = held {
            if run.is_empty() {
                run.push((lo, prev));
            }
            run.push((px.min(hi), prev));
        }
        if px > hi {
            break;
        }
        if shown(py) {
            run.push((px, py));
            held = step.then_some(py);
        } else {
            held = None;
            if !run.is_empty() {
                runs.push(std::mem::take(&mut run));
            }
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// Where the reference line's label goes: (x, baseline y, text anchor) of the first place
/// beside the line at `py` — right, left or middle of the frame, above the line then
/// below — where its box (`width` px wide) crosses no line of `runs` and holds no marker of
/// `marks`; the right end above the line if every place is crossed (the label has a white
/// halo there).
fn reference_label_at(
    (x0, y0, x1, y1): (f64, f64, f64, f64),
    py: f64,
    width: f64,
    runs: &[Vec<Vec<(f64, f64)>>],
    marks: &[(f64, f64)],
) -> (f64, f64, &'static str) {
    let places = [
        (x1 - 4.0, py - 5.0, "end"),
        (x1 - 4.0, py + 14.0, "end"),
        (x0 + 4.0, py - 5.0, "start"),
        (x0 + 4.0, py + 14.0, "start"),
        ((x0 + x1) / 2.0, py - 5.0, "middle"),
        ((x0 + x1) / 2.0, py + 14.0, "middle"),
    ];
    let free = |&(lx, ly, anchor): &(f64, f64, &str)| {
        let a = match anchor {
            "end" => lx - width,
            "middle" => lx - width / 2.0,
            _ => lx,
        };
        let (bx0, bx1, by0, by1) = (a - 2.0, a + width + 2.0, ly - 11.0, ly + 3.0);
        let hits = |&(px, py): &(f64, f64)| {
            px >= bx0 - 4.0 && px <= bx1 + 4.0 && py >= by0 - 4.0 && py <= by1 + 4.0
        };
        by0 >= y0
            && by1 <= y1
            && !marks.iter().any(hits)
            && !runs.iter().flatten().any(|run| {
                run.windows(2)
                    .any(|w| crosses(w[0], w[1], (bx0, by0, bx1, by1)))
            })
    };
    places.into_iter().find(free).unwrap_or(places[0])
}

/// Whether the segment from `a` to `b` passes through the box (x0, y0, x1, y1).
fn crosses(a: (f64, f64), b: (f64, f64), (x0, y0, x1, y1): (f64, f64, f64, f64)) -> bool {
    let (lo, hi) = (a.0.min(b.0), a.0.max(b.0));
    if hi < x0 || lo > x1 {
        return false;
    }
    let at = |x: f64| {
        if b.0 == a.0 {
            a.1
        } else {
            a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0)
        }
    };
    let (ya, yb) = if b.0 == a.0 {
        (a.1, b.1)
    } else {
        (at(lo.max(x0)), at(hi.min(x1)))
    };
    ya.min(yb) <= y1 && ya.max(yb) >= y0
}

/// Marker `shape` at pixel (`cx`, `cy`): the first marker series gets filled dots, the
/// next hollow squares, triangles, diamonds, … so that points of two series at one place
/// both show.
pub(super) fn marker(out: &mut String, shape: usize, (cx, cy): (f64, f64), fill: &str) {
    let hollow =
        format!("fill=\"#fff\" fill-opacity=\"0.6\" stroke=\"{fill}\" stroke-width=\"1.5\"");
    let _ = match shape % 5 {
        0 => writeln!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{fill}\"/>",
            c(cx),
            c(cy)
        ),
        1 => writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"7\" height=\"7\" {hollow}/>",
            c(cx - 3.5),
            c(cy - 3.5)
        ),
        2 => writeln!(
            out,
            "<path d=\"M{},{} L{},{} L{},{} Z\" {hollow}/>",
            c(cx),
            c(cy - 5.0),
            c(cx + 4.5),
            c(cy + 3.0),
            c(cx - 4.5),
            c(cy + 3.0)
        ),
        3 => writeln!(
            out,
            "<path d=\"M{},{} L{},{} L{},{} L{},{} Z\" {hollow}/>",
            c(cx),
            c(cy - 5.0),
            c(cx + 5.0),
            c(cy),
            c(cx),
            c(cy + 5.0),
            c(cx - 5.0),
            c(cy)
        ),
        _ => writeln!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"5\" {hollow}/>",
            c(cx),
            c(cy)
        ),
    };
}

/// A pixel coordinate rounded to the 0.1 px a path prints, so that vertices that print
/// alike are seen as alike when repeats and straight runs are dropped.
fn pixel(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A path's command to the pixel `p` from the point `last` (none: a move), coordinates
/// with one decimal: `M` to start, `H` along a level, `V` straight up or down, else `L`.
/// Written by hand, as a chart's paths hold thousands of them, most of them a step's
/// level or rise (half the characters of an `L`).
fn path_to(out: &mut String, last: Option<(f64, f64)>, (px, py): (f64, f64)) {
    match last {
        None => {
            out.push('M');
            push_fixed(out, px, 1);
            out.push(',');
            push_fixed(out, py, 1);
        }
        Some((_, ly)) if ly == py => {
            out.push('H');
            push_fixed(out, px, 1);
        }
        Some((lx, _)) if lx == px => {
            out.push('V');
            push_fixed(out, py, 1);
        }
        Some(_) => {
            out.push('L');
            push_fixed(out, px, 1);
            out.push(',');
            push_fixed(out, py, 1);
        }
    }
}

/// The points of a polyline that are corners: the first and the last, and every other one
/// that is not a repeat of the one before nor in the middle of a horizontal or vertical run
/// (a step function held over many bins draws the same shape from two points). A page
/// draws series of hundreds of bins, mostly flat, and each point costs two numbers.
fn corners(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(points.len());
    for &p in points {
        if out.last() == Some(&p) {
            continue;
        }
        if let [.., a, m] = out[..] {
            // `m` in the middle of a horizontal or vertical run from `a` to `p` that goes
            // one way (a spike up and back at one x is a corner).
            let flat = a.1 == m.1 && m.1 == p.1 && (a.0 - m.0) * (m.0 - p.0) >= 0.0;
            let upright = a.0 == m.0 && m.0 == p.0 && (a.1 - m.1) * (m.1 - p.1) >= 0.0;
            if flat || upright {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

#[cfg(test)]
#[path = "xy_tests.rs"]
pub(crate) mod tests;
