//! The x–y chart's geometry read back from its SVG.
use super::*;

/// The subpaths of every `<path>` in `svg` whose tag contains `marker`, each as its
/// vertices in pixels.
pub(crate) fn subpaths(svg: &str, marker: &str) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    for tag in svg.split("<path").skip(1) {
        let tag = &tag[..tag.find("/>").expect("closed path")];
        if !tag.contains(marker) {
            continue;
        }
        let d = &tag[tag.find(" d=\"").expect("d") + 4..];
        let d = &d[..d.find('"').expect("end of d")];
        for sub in d.split('M').filter(|s| !s.trim().is_empty()) {
            // Commands: the move's "x,y", then L x,y, H x or V y.
            let mut vertices: Vec<(f64, f64)> = Vec::new();
            let mut cmd = 'L';
            let mut arg = String::new();
            for ch in sub.chars().chain(std::iter::once('Z')) {
                if matches!(ch, 'L' | 'H' | 'V' | 'Z' | ' ') {
                    if !arg.is_empty() {
                        let (lx, ly) = vertices.last().copied().unwrap_or((0.0, 0.0));
                        vertices.push(match cmd {
                            'H' => (arg.parse().expect("x"), ly),
                            'V' => (lx, arg.parse().expect("y")),
                            _ => {
                                let (a, b) = arg.split_once(',').expect("x,y");
                                (a.parse().expect("x"), b.parse().expect("y"))
                            }
                        });
                        arg.clear();
                    }
                    if ch != ' ' {
                        cmd = ch;
                    }
                } else {
                    arg.push(ch);
                }
            }
            out.push(vertices);
        }
    }
    out
}

/// The x extent (smallest, largest) of each subpath.
pub(crate) fn extents(paths: &[Vec<(f64, f64)>]) -> Vec<(f64, f64)> {
    paths
        .iter()
        .map(|p| {
            p.iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(v.0), b.max(v.0))
                })
        })
        .collect()
}

/// Bins `[h, h + 1)` with a value each and a gap, as a step series with its band: the
/// line of every run covers what its band covers, the bin before a gap and the last bin
/// included.
#[test]
fn a_step_line_covers_its_last_bin_before_a_gap_and_at_the_end() {
    let values = [Some(1.0), Some(2.0), None, Some(3.0), Some(4.0)];
    let mut points: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(h, v)| (h as f64, v.unwrap_or(f64::NAN)))
        .collect();
    points.push((5.0, 4.0));
    let mut band = Vec::new();
    for (h, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                band.push((h as f64, v - 0.5, v + 0.5));
                band.push((h as f64 + 1.0, v - 0.5, v + 0.5));
            }
            None => band.push((h as f64, f64::NAN, f64::NAN)),
        }
    }
    let chart = XyChart {
        series: vec![Series {
            name: "a".into(),
            points,
            band,
            step: true,
            ..Series::default()
        }],
        x_range: Some((0.0, 5.0)),
        ..XyChart::default()
    };
    let svg = chart.render();
    let lines = extents(&subpaths(&svg, "fill=\"none\" stroke=\"#0072B2\""));
    let bands = extents(&subpaths(&svg, "class=\"band\""));
    // 680 px over 5 hours: a bin is 136 px.
    assert_eq!(lines, vec![(64.0, 336.0), (472.0, 744.0)]);
    assert_eq!(lines, bands);
    // A lone bin between two gaps is a full step too.
    let chart = XyChart {
        series: vec![Series {
            points: vec![(0.0, f64::NAN), (1.0, 2.0), (2.0, f64::NAN)],
            step: true,
            ..Series::default()
        }],
        x_range: Some((0.0, 3.0)),
        ..XyChart::default()
    };
    let lines = extents(&subpaths(&chart.render(), "fill=\"none\""));
    assert_eq!(lines, vec![(290.7, 517.3)]);
}

/// The gap of a convergence plot falls through its tolerance at the right end: the
/// tolerance's label goes where the line does not cross it.
#[test]
fn the_reference_label_is_not_crossed_by_a_line() {
    let chart = XyChart {
        series: vec![Series {
            name: "gap".into(),
            points: (0..=10)
                .map(|k| (f64::from(k), 0.2 - 0.018 * f64::from(k)))
                .collect(),
            markers: true,
            ..Series::default()
        }],
        reference: Some((0.02, "tolerance 0.0200".into())),
        ..XyChart::default()
    }
    .render();
    let text = chart
        .split("<text")
        .find(|t| t.contains("tolerance 0.0200"))
        .expect("label");
    let attr = |name: &str| -> f64 {
        let at = text.find(&format!(" {name}=\"")).expect("attr") + name.len() + 3;
        text[at..at + text[at..].find('"').expect("end")]
            .parse()
            .expect("number")
    };
    let (lx, ly) = (attr("x"), attr("y"));
    let w = super::super::text_width("tolerance 0.0200");
    let a = if text.contains("anchor=\"end\"") {
        lx - w
    } else if text.contains("anchor=\"middle\"") {
        lx - w / 2.0
    } else {
        lx
    };
    let lines = subpaths(&chart, "fill=\"none\"");
    for w2 in lines[0].windows(2) {
        assert!(
            !crosses(w2[0], w2[1], (a, ly - 11.0, a + w, ly + 3.0)),
            "label at {a}–{}, {ly} crossed by {w2:?}",
            a + w
        );
    }
    // Where the line does not pass, the label keeps its place: right end, above.
    let flat = XyChart {
        series: vec![Series {
            points: vec![(0.0, 1.0), (10.0, 1.0)],
            ..Series::default()
        }],
        reference: Some((0.02, "tolerance".into())),
        ..XyChart::default()
    }
    .render();
    assert!(flat.contains("text-anchor=\"end\" fill=\"#D55E00\""));
}

/// Two series with the same values: different dashes and marker shapes, so one does
/// not hide the other; their bands are pale and edged.
#[test]
fn series_on_each_other_stay_apart() {
    let series = |i: usize| Series {
        name: format!("booths = {}", 3 + i),
        points: vec![(1.0, 16.54), (2.0, 16.0)],
        band: vec![(1.0, 16.0, 17.0), (2.0, 15.5, 16.5)],
        markers: true,
        colour: i,
        pattern: i,
        ..Series::default()
    };
    let chart = XyChart {
        series: vec![series(0), series(1)],
        ..XyChart::default()
    }
    .render();
    assert_eq!(
        chart.matches("<circle").count(),
        1 + 2,
        "legend and two dots"
    );
    assert_eq!(
        chart.matches("<rect x").count(),
        2 + 2,
        "legend (a square, the band) and two squares"
    );
    assert!(chart.contains("stroke-dasharray=\"5 3\""));
    assert_eq!(chart.matches("fill-opacity=\"0.1\"").count(), 2);
}

/// A step series prints a vertex only where its value changes, at 0.1 px.
#[test]
fn a_flat_step_series_is_two_vertices() {
    let chart = XyChart {
        series: vec![Series {
            points: (0..=100)
                .map(|k| (f64::from(k), 5.0 + 1e-9 * f64::from(k)))
                .collect(),
            step: true,
            ..Series::default()
        }],
        ..XyChart::default()
    };
    let lines = subpaths(&chart.render(), "fill=\"none\"");
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].len(), 2, "{:?}", lines[0]);
}

/// The band of a non-negative quantity stops at 0 and the axis starts there.
#[test]
fn a_non_negative_band_is_clipped_at_zero() {
    let series = |non_negative| Series {
        points: vec![(0.0, 1.0), (1.0, 1.0)],
        band: vec![(0.0, -3.0, 5.0), (1.0, -3.0, 5.0)],
        non_negative,
        ..Series::default()
    };
    let chart = |non_negative| {
        XyChart {
            series: vec![series(non_negative)],
            ..XyChart::default()
        }
        .render()
    };
    let clipped = chart(true);
    assert!(!clipped.contains(">-"), "a negative tick: {clipped}");
    let band = subpaths(&clipped, "class=\"band\"");
    let bottom = band[0].iter().map(|v| v.1).fold(0.0, f64::max);
    // The plot's bottom (y = 0): the top margin of one legend row and its 300 px.
    assert_eq!(bottom, 14.0 + 18.0 + 300.0);
    assert!(
        chart(false).contains(">-4</text>")
            || chart(false).contains(">-3</text>")
            || chart(false).contains(">-5</text>")
    );
}

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
