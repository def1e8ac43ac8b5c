//! The x–y chart: lines, steps, interval bands, shaded x ranges and a reference line, on a
//! linear or logarithmic y axis.

use std::fmt::Write as _;

use super::{Scale, Swatch, WIDTH, axes, c, colour, legend, legend_rows, min_max, open_svg, ticks};
use crate::format::{number, push_fixed};
use crate::html::escape;

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
                let upper: Vec<(f64, f64)> = run.iter().map(|b| (b.0, b.2)).collect();
                let lower: Vec<(f64, f64)> = run.iter().rev().map(|b| (b.0, b.1)).collect();
                out.push_str("<path class=\"band\" d=\"");
                let mut first = true;
                for (bx, by) in corners(&upper).into_iter().chain(corners(&lower)) {
                    move_or_line(&mut out, first, x.map(bx), y.map(by));
                    out.push(' ');
                    first = false;
                }
                let _ = writeln!(
                    out,
                    "Z\" fill=\"{}\" fill-opacity=\"0.18\" stroke=\"none\"/>",
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
            let shown = |py: f64| py.is_finite() && (!self.y_log || py > 0.0);
            // Each run of points without a gap, as the vertices of its line (a step holds
            // each value until the next point).
            for run in s.points.split(|p| !shown(p.1)).filter(|r| !r.is_empty()) {
                let mut vertices =
                    Vec::with_capacity(if s.step { 2 * run.len() } else { run.len() });
                for (i, &(px, py)) in run.iter().enumerate() {
                    if s.step && i > 0 {
                        vertices.push((px, run[i - 1].1));
                    }
                    vertices.push((px, py));
                }
                let mapped: Vec<(f64, f64)> = vertices
                    .iter()
                    .map(|&(px, py)| (x.map(px), y.map(py)))
                    .collect();
                for (i, (sx, sy)) in corners(&mapped).into_iter().enumerate() {
                    if !d.is_empty() {
                        d.push(' ');
                    }
                    move_or_line(&mut d, i == 0, sx, sy);
                }
            }
            if !d.is_empty() {
                let _ = writeln!(
                    out,
                    "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>",
                    d,
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

/// A path's `M` (when `first`) or `L` command to the pixel (`px`, `py`), coordinates with
/// one decimal: written by hand, as a chart's paths hold thousands of them.
fn move_or_line(out: &mut String, first: bool, px: f64, py: f64) {
    out.push(if first { 'M' } else { 'L' });
    push_fixed(out, px, 1);
    out.push(',');
    push_fixed(out, py, 1);
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
mod tests {
    use super::*;

    #[test]
    fn only_corners_are_drawn() {
        // A step held over three bins, a rise, a repeat, a spike at one x.
        let points = [
            (0.0, 1.0),
            (1.0, 1.0),
            (2.0, 1.0),
            (2.0, 3.0),
            (2.0, 3.0),
            (3.0, 3.0),
            (3.0, 5.0),
            (3.0, 4.0),
            (4.0, 4.0),
        ];
        let kept = corners(&points);
        assert_eq!(
            kept,
            vec![
                (0.0, 1.0),
                (2.0, 1.0),
                (2.0, 3.0),
                (3.0, 3.0),
                (3.0, 5.0),
                (3.0, 4.0),
                (4.0, 4.0),
            ]
        );
        assert_eq!(corners(&[(0.0, 1.0), (0.0, 1.0)]), vec![(0.0, 1.0)]);
        assert!(corners(&[]).is_empty());
    }
}
