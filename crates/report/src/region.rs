//! The pages of `region` (volumes and shares per crossing × direction × class, border times
//! with intervals, the convergence of the equilibrium, trade by side) and of a region
//! compared with a reform (the same before and after, and the shift of trade by side and by
//! country, transit apart).

use bordersim_experiment::DelayStats;
use bordersim_experiment::region::{FlowReport, FlowShift, RegionComparison, RegionReport};

use crate::format::{count, minutes, number, opt, percent, signed};
use crate::html::{Page, Table};
use crate::svg::{CategoryChart, Series, Style, Value, XyChart};

/// The label of a flow: crossing, direction, class.
fn flow_label(f: &FlowReport) -> String {
    format!("{} · {} · {}", f.crossing, f.direction, f.class)
}

/// A value with the half-width of its 95% interval (none with one replication).
fn with_interval(value: f64, ci95: Option<f64>) -> Option<Value> {
    Some(Value {
        value,
        interval: ci95.map(|h| (value - h, value + h)),
        ..Value::default()
    })
}

/// The half-width of a 95% interval as a cell: `–` without one.
fn half(ci95: Option<f64>, decimals: usize) -> String {
    opt(ci95, decimals)
}

/// `value ± half-width` as a card's text (the value alone without an interval).
fn pm(value: String, ci95: Option<f64>, decimals: usize) -> String {
    match ci95 {
        Some(h) => format!("{value} ± {}", number(h, decimals)),
        None => value,
    }
}

/// A mean border time in minutes with its 95% interval, when one was measured.
fn border_time(d: &DelayStats) -> Option<Value> {
    d.mean_s
        .map(|m| Value::with_ci(m / 60.0, d.ci95_s.map(|c| c / 60.0)))
}

/// A table of flows: crossing, direction and class, then `titles`.
fn flow_table(titles: &[&str]) -> Table {
    let mut all = vec!["crossing", "direction", "class"];
    all.extend_from_slice(titles);
    Table::new(&all, 3)
}

/// A row of a flow table: the flow's crossing, direction and class, then `cells`.
fn flow_row(table: &mut Table, key: [&str; 3], cells: Vec<String>) {
    let mut row: Vec<String> = key.iter().map(|k| (*k).to_owned()).collect();
    row.extend(cells);
    table.row(row);
}

/// A chart of each flow's value before and after a reform.
fn before_after(
    title: &str,
    x_title: &str,
    rows: Vec<(String, Vec<Option<Value>>)>,
) -> CategoryChart {
    CategoryChart {
        title: title.into(),
        x_title: x_title.into(),
        series: vec!["baseline".into(), "reform".into()],
        rows,
        non_negative: true,
        ..CategoryChart::default()
    }
}

/// The verdict on an equilibrium.
fn verdict(r: &RegionReport) -> String {
    let n = r.iterations.len();
    let gap = r.iterations.last().map_or(f64::NAN, |i| i.gap);
    format!(
        "{} after {} iteration{} (gap {} against tolerance {})",
        if r.converged {
            "converged"
        } else {
            "NOT converged"
        },
        n,
        if n == 1 { "" } else { "s" },
        number(gap, 4),
        number(r.tolerance, 4)
    )
}

/// The page of a region's equilibrium.
pub fn page(r: &RegionReport) -> String {
    let mut page = Page::new(
        &format!("{} — region equilibrium", r.region),
        &format!(
            "{} crossings, {} replications per crossing and iteration, seed {}.",
            r.crossings.len(),
            r.replications,
            r.seed
        ),
    );
    page.section("summary", "Summary");
    if !r.converged {
        page.warning(&format!(
            "{}: the flows are the last averaged iterate, not an equilibrium.",
            verdict(r)
        ));
    }
    page.card(
        "summary-card",
        &[
            ("region", r.region.clone()),
            ("equilibrium", verdict(r)),
            ("crossings", count(r.crossings.len() as u64)),
            (
                "vehicles per day",
                number(r.flows.iter().map(|f| f.volume_per_day).sum(), 0),
            ),
            (
                "trade per day",
                pm(
                    number(r.trade.total_per_day, 0),
                    r.trade.total_per_day_ci95,
                    0,
                ),
            ),
            ("crossing simulations", count(r.simulations)),
        ],
    );
    convergence(&mut page, &[("equilibrium", r)]);
    flows(&mut page, r);
    trade(&mut page, r);
    page.finish()
}

fn convergence(page: &mut Page, runs: &[(&str, &RegionReport)]) {
    page.section("convergence", "Convergence");
    let series = runs
        .iter()
        .enumerate()
        .map(|(i, (name, r))| Series {
            name: (*name).to_owned(),
            points: r
                .iterations
                .iter()
                .map(|it| (f64::from(it.iteration), it.gap))
                .collect(),
            markers: true,
            colour: i,
            ..Series::default()
        })
        .collect();
    let tolerance = runs[0].1.tolerance;
    let max_n = runs
        .iter()
        .map(|(_, r)| r.iterations.len())
        .max()
        .unwrap_or(1)
        .max(2);
    let chart = XyChart {
        title: "Gap per iteration".into(),
        x_title: "equilibrium iteration (number)".into(),
        y_title: "relative gap (ratio, log scale)".into(),
        series,
        x_range: Some((1.0, max_n as f64)),
        x_ticks: Some(iteration_ticks(max_n)),
        y_log: true,
        reference: Some((tolerance, format!("tolerance {}", number(tolerance, 4)))),
        ..XyChart::default()
    };
    let mut titles = vec!["iteration".to_owned()];
    for (name, _) in runs {
        titles.push(format!("{name}: gap"));
        titles.push(format!("{name}: vehicles per day"));
    }
    let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
    let mut data = Table::new(&refs, 0);
    for n in 0..max_n {
        let mut row = vec![(n + 1).to_string()];
        for (_, r) in runs {
            match r.iterations.get(n) {
                Some(it) => {
                    row.push(number(it.gap, 4));
                    row.push(number(it.vehicles_per_day, 0));
                }
                None => {
                    row.push("–".into());
                    row.push("–".into());
                }
            }
        }
        data.row(row);
    }
    page.figure(
        "convergence-gap",
        &chart.render(),
        &format!(
            "Relative gap of each iteration (Σ|best response − current flows| / Σ current \
             flows, every flow at every crossing), with the tolerance it must fall below; each \
             iteration simulates every crossing over {} replications.",
            runs[0].1.replications
        ),
        &data,
    );
}

/// About eight whole-number ticks from 1 to `n`.
fn iteration_ticks(n: usize) -> Vec<f64> {
    let step = n.div_ceil(8).max(1);
    let mut t: Vec<f64> = (1..=n).step_by(step).map(|k| k as f64).collect();
    if t.last() != Some(&(n as f64)) {
        t.push(n as f64);
    }
    t
}

fn flows(page: &mut Page, r: &RegionReport) {
    page.section("flows", "Flows at the crossings");
    let open: Vec<&FlowReport> = r.flows.iter().filter(|f| f.open).collect();
    let chart = CategoryChart {
        title: "Vehicles per day per crossing".into(),
        x_title: "vehicles per day assigned (vehicles/day)".into(),
        rows: open
            .iter()
            .map(|f| {
                (
                    flow_label(f),
                    vec![with_interval(f.volume_per_day, f.volume_per_day_ci95)],
                )
            })
            .collect(),
        non_negative: true,
        ..CategoryChart::default()
    };
    let mut data = flow_table(&["vehicles per day", "±95%", "share", "±95% (points)"]);
    for f in &r.flows {
        flow_row(
            &mut data,
            [&f.crossing, &f.direction, &f.class],
            vec![
                if f.open {
                    number(f.volume_per_day, 0)
                } else {
                    "closed".into()
                },
                half(f.volume_per_day_ci95.filter(|_| f.open), 0),
                percent(f.share),
                half(f.share_ci95.filter(|_| f.open).map(|h| 100.0 * h), 1),
            ],
        );
    }
    page.figure(
        "volumes",
        &chart.render(),
        &format!(
            "Vehicles per day assigned to each crossing, direction and class at the \
             equilibrium (border times measured over {} replications per crossing), with each \
             one's share of its direction and class's traffic in the table; the 95% intervals \
             are the spread of each replication's best response to its own border times; an \
             interval reaching below zero is drawn to 0 (the table gives it whole).",
            r.replications
        ),
        &data,
    );

    let chart = CategoryChart {
        title: "Border time per crossing".into(),
        x_title: "border time: arrival to exit, mean (min)".into(),
        rows: open
            .iter()
            .filter_map(|f| border_time(&f.border_time).map(|v| (flow_label(f), vec![Some(v)])))
            .collect(),
        style: Style::Dots,
        from_zero: true,
        non_negative: true,
        ..CategoryChart::default()
    };
    let mut data = flow_table(&[
        "vehicles observed",
        "mean (min)",
        "±95%",
        "p95 (min)",
        "used by the choice (min)",
    ]);
    for f in &open {
        flow_row(
            &mut data,
            [&f.crossing, &f.direction, &f.class],
            vec![
                count(f.border_time.count),
                minutes(f.border_time.mean_s),
                minutes(f.border_time.ci95_s),
                minutes(f.border_time.p95_s),
                minutes(f.border_time_used_s),
            ],
        );
    }
    page.figure(
        "border-times",
        &chart.render(),
        &format!(
            "Mean time from arrival to exit at each crossing, direction and class in the last \
             iteration, with its 95% interval over {} replications; an interval reaching below \
             zero is drawn to 0 (the table gives it whole).",
            r.replications
        ),
        &data,
    );
}

fn trade(page: &mut Page, r: &RegionReport) {
    page.section("trade", "Trade by side");
    let columns = [
        SideColumn::charted("exports", "exports", false),
        SideColumn::charted("imports", "imports", false),
        SideColumn {
            series: None,
            title: "balance",
            signed: true,
        },
        SideColumn::charted("exports lost to delay", "exports lost to delay", false),
    ];
    let sides = r
        .trade
        .sides
        .iter()
        .map(|s| {
            (
                s.side.clone(),
                vec![
                    (s.exports_per_day, s.exports_per_day_ci95),
                    (s.imports_per_day, s.imports_per_day_ci95),
                    (s.balance_per_day, s.balance_per_day_ci95),
                    (
                        s.exports_lost_to_delay_per_day,
                        s.exports_lost_to_delay_per_day_ci95,
                    ),
                ],
            )
        })
        .collect();
    sides_figure(
        page,
        ("Trade per side", "cargo value per day (money/day)"),
        &columns,
        sides,
        &format!(
            "Cargo value per day leaving and entering each side with the equilibrium flows \
             (border times measured over {} replications per crossing), and the exports delay \
             costs a side through the demand response (in the unit of the region's cargo \
             values), with 95% intervals from the border times' sampling error.",
            r.replications
        ),
    );
    let mut t = Table::new(&["crossing", "direction", "value per day", "±95%"], 2);
    for c in r
        .trade
        .by_crossing
        .iter()
        .filter(|c| c.value_per_day != 0.0)
    {
        t.row(vec![
            c.crossing.clone(),
            c.direction.clone(),
            number(c.value_per_day, 0),
            half(c.value_per_day_ci95, 0),
        ]);
    }
    page.heading("Trade per crossing");
    page.table(&t);
    // Only when some zone names a country of its own: otherwise every country is a side
    // and the table repeats the one above.
    if r.trade.by_country.len() > r.trade.sides.len() {
        let mut t = Table::new(&["country", "exports", "imports", "balance", "transit"], 1);
        for c in &r.trade.by_country {
            t.row(vec![
                c.country.clone(),
                number(c.exports, 0),
                number(c.imports, 0),
                signed(c.balance, 0),
                number(c.transit, 0),
            ]);
        }
        page.heading("Trade per country, transit apart");
        page.table(&t);
    }
}

/// A side's name and its (value, 95% half-width) per column of the trade-by-side figure.
type SideValues = (String, Vec<(f64, Option<f64>)>);

/// A measure of the trade-by-side figure: its series in the chart (`None`: in the table
/// only), its column in the table, and whether the column shows the sign of every value.
struct SideColumn {
    series: Option<&'static str>,
    title: &'static str,
    signed: bool,
}

impl SideColumn {
    fn charted(series: &'static str, title: &'static str, signed: bool) -> Self {
        SideColumn {
            series: Some(series),
            title,
            signed,
        }
    }
}

/// The `trade-sides` figure: a bar of each charted measure per side with its 95% interval,
/// and a table of every measure (money per day, whole units) with its half-width. `sides`
/// holds each side's name and its (value, half-width) per column of `columns`; `titles` is
/// the chart's title and its axis title.
fn sides_figure(
    page: &mut Page,
    titles: (&str, &str),
    columns: &[SideColumn],
    sides: Vec<SideValues>,
    caption: &str,
) {
    let mut headings = vec!["side"];
    for c in columns {
        headings.extend([c.title, "±95%"]);
    }
    let mut data = Table::new(&headings, 1);
    for (side, values) in &sides {
        let mut row = vec![side.clone()];
        for (c, &(value, ci95)) in columns.iter().zip(values) {
            row.push(if c.signed {
                signed(value, 0)
            } else {
                number(value, 0)
            });
            row.push(half(ci95, 0));
        }
        data.row(row);
    }
    let chart = CategoryChart {
        title: titles.0.into(),
        x_title: titles.1.into(),
        series: columns
            .iter()
            .filter_map(|c| c.series.map(str::to_owned))
            .collect(),
        rows: sides
            .into_iter()
            .map(|(side, values)| {
                let charted = columns
                    .iter()
                    .zip(values)
                    .filter(|(c, _)| c.series.is_some())
                    .map(|(_, (value, ci95))| with_interval(value, ci95))
                    .collect();
                (side, charted)
            })
            .collect(),
        ..CategoryChart::default()
    };
    page.figure("trade-sides", &chart.render(), caption, &data);
}

/// The flow of `f`'s crossing, direction and class in `run`.
fn flow_in<'a>(run: &'a RegionReport, f: &FlowShift) -> Option<&'a FlowReport> {
    run.flows
        .iter()
        .find(|x| x.crossing == f.crossing && x.direction == f.direction && x.class == f.class)
}

/// The 95% half-width of the volume of `f`'s crossing, direction and class in `run`.
fn volume_ci(run: &RegionReport, f: &FlowShift) -> Option<f64> {
    flow_in(run, f).and_then(|x| x.volume_per_day_ci95)
}

/// The page of a region compared with a reform of one of its crossings.
pub fn comparison_page(c: &RegionComparison) -> String {
    let (b, r) = (&c.baseline, &c.reform);
    let mut page = Page::new(
        &format!("{} — {}", b.region, c.reform_name),
        &format!(
            "The region's equilibrium before and after the reform, both on the same candidate \
             vehicles: {} replications per crossing and iteration, seed {}.",
            b.replications, b.seed
        ),
    );
    page.section("summary", "Summary");
    let (t, a) = (&c.shift.trade, &c.shift.appraisal);
    // A change of money per day or year, signed, with its paired interval.
    let change = |value: f64, ci95: Option<f64>| pm(signed(value, 0), ci95, 0);
    for (name, rep) in [("baseline", b), ("reform", r)] {
        if !rep.converged {
            page.warning(&format!("{name}: {}", verdict(rep)));
        }
    }
    page.card(
        "summary-card",
        &[
            ("baseline equilibrium", verdict(b)),
            ("reform equilibrium", verdict(r)),
            (
                "trade created per day",
                change(t.created_per_day, t.created_per_day_ci95),
            ),
            (
                "trade diverted per day",
                pm(number(t.diverted_per_day, 0), t.diverted_per_day_ci95, 0),
            ),
            (
                "users' benefit per day (logsum, behavioural value of time)",
                change(a.user_benefit_per_day, a.user_benefit_per_day_ci95),
            ),
            (
                "users' benefit per year",
                change(a.user_benefit_per_year, a.user_benefit_per_year_ci95),
            ),
            (
                "delay cost saved per day (resource + cargo)",
                change(a.delay_cost_saved_per_day, a.delay_cost_saved_per_day_ci95),
            ),
            (
                "delay cost saved per year",
                change(
                    a.delay_cost_saved_per_year,
                    a.delay_cost_saved_per_year_ci95,
                ),
            ),
        ],
    );
    if t.diverted_per_day_ci95
        .is_some_and(|hw| hw >= t.diverted_per_day)
    {
        page.note(&format!(
            "The trade diverted's 95% interval reaches 0: with {} replications their best \
             responses disagree on how many vehicles change crossing. Diverted is a gross \
             figure (never negative); more replications narrow it.",
            b.replications
        ));
    }
    convergence(&mut page, &[("baseline", b), ("reform", r)]);

    page.section("flows", "Flows before and after");
    let label = |crossing: &str, direction: &str, class: &str| {
        format!("{crossing} · {direction} · {class}")
    };
    let chart = before_after(
        "Vehicles per day, baseline and reform",
        "vehicles per day assigned (vehicles/day)",
        c.shift
            .flows
            .iter()
            .map(|f| {
                (
                    label(&f.crossing, &f.direction, &f.class),
                    vec![
                        with_interval(f.volume_baseline, volume_ci(b, f)),
                        with_interval(f.volume_reform, volume_ci(r, f)),
                    ],
                )
            })
            .collect(),
    );
    let mut data = flow_table(&[
        "baseline (vehicles/day)",
        "reform",
        "change",
        "±95%",
        "share baseline",
        "share reform",
        "change (points)",
        "±95%",
    ]);
    for f in &c.shift.flows {
        flow_row(
            &mut data,
            [&f.crossing, &f.direction, &f.class],
            vec![
                number(f.volume_baseline, 0),
                number(f.volume_reform, 0),
                signed(f.volume_change, 0),
                half(f.volume_change_ci95, 0),
                percent(f.share_baseline),
                percent(f.share_reform),
                signed(100.0 * f.share_change, 1),
                half(f.share_change_ci95.map(|h| 100.0 * h), 1),
            ],
        );
    }
    page.figure(
        "volumes",
        &chart.render(),
        &format!(
            "Vehicles per day assigned to each crossing, direction and class at the baseline's \
             and at the reform's equilibrium (each with border times over {} replications per \
             crossing), each with its 95% interval; the table adds the shares of each \
             direction and class's traffic and the paired 95% interval of each change (the \
             spread, replication by replication on common random numbers, of the best \
             responses to each replication's own border times); an interval reaching below \
             zero is drawn to 0 (the table gives it whole).",
            b.replications
        ),
        &data,
    );

    let find = |rep: &RegionReport, f: &FlowShift| {
        flow_in(rep, f).and_then(|x| border_time(&x.border_time))
    };
    let chart = before_after(
        "Border time, baseline and reform",
        "border time: arrival to exit, mean (min)",
        c.shift
            .flows
            .iter()
            .map(|f| {
                (
                    label(&f.crossing, &f.direction, &f.class),
                    vec![find(b, f), find(r, f)],
                )
            })
            .collect(),
    );
    let mut data = flow_table(&["baseline mean (min)", "±95%", "reform mean (min)", "±95%"]);
    for f in &c.shift.flows {
        let bt = find(b, f);
        let rt = find(r, f);
        let show = |v: &Option<Value>| {
            v.as_ref().map_or(("–".to_owned(), "–".to_owned()), |v| {
                (
                    number(v.value, 2),
                    v.interval
                        .map_or("–".to_owned(), |(lo, hi)| number((hi - lo) / 2.0, 2)),
                )
            })
        };
        let (bm, bc) = show(&bt);
        let (rm, rc) = show(&rt);
        flow_row(
            &mut data,
            [&f.crossing, &f.direction, &f.class],
            vec![bm, bc, rm, rc],
        );
    }
    page.figure(
        "border-times",
        &chart.render(),
        &format!(
            "Mean time from arrival to exit at each crossing, direction and class, baseline and \
             reform, each with its 95% interval over {} replications of its last iteration; an \
             interval reaching below zero is drawn to 0 (the table gives it whole).",
            b.replications
        ),
        &data,
    );

    page.section("trade", "Trade shift by side");
    let columns = [
        SideColumn::charted("exports", "exports change", true),
        SideColumn::charted("imports", "imports change", true),
        SideColumn::charted("balance", "balance change", true),
    ];
    let sides = c
        .shift
        .trade
        .sides
        .iter()
        .map(|s| {
            (
                s.side.clone(),
                vec![
                    (s.exports_change_per_day, s.exports_change_per_day_ci95),
                    (s.imports_change_per_day, s.imports_change_per_day_ci95),
                    (s.balance_change_per_day, s.balance_change_per_day_ci95),
                ],
            )
        })
        .collect();
    sides_figure(
        &mut page,
        (
            "Change of trade per side",
            "change of cargo value per day, reform − baseline (money/day)",
        ),
        &columns,
        sides,
        &format!(
            "Change of each side's exports, imports and balance per day from the baseline's \
             equilibrium to the reform's, both on the same candidate vehicles over {} \
             replications per crossing (in the unit of the region's cargo values), with the \
             paired 95% interval of each change.",
            b.replications
        ),
    );
    country_shift(&mut page, c);
    page.finish()
}

/// Each country's exports, imports, balance and transit before and after the reform, when
/// some zone names a country of its own (otherwise every country is a side, and the side
/// figure says it all).
fn country_shift(page: &mut Page, c: &RegionComparison) {
    let by_country = &c.shift.trade.by_country;
    if by_country.len() <= c.shift.trade.sides.len() {
        return;
    }
    let mut t = Table::new(
        &["country", "trade", "baseline", "reform", "change", "±95%"],
        2,
    );
    for k in by_country {
        for (what, x) in [
            ("exports", &k.exports),
            ("imports", &k.imports),
            ("balance", &k.balance),
            ("transit", &k.transit),
        ] {
            t.row(vec![
                k.country.clone(),
                what.to_owned(),
                number(x.baseline_per_day, 0),
                number(x.reform_per_day, 0),
                signed(x.change_per_day, 0),
                half(x.change_per_day_ci95, 0),
            ]);
        }
    }
    page.heading("Trade shift per country, transit apart");
    page.note(
        "A flow is its origin country's export and its destination country's import; a side \
         of the border whose country neither sends nor receives it carries it as transit, \
         not as its own trade. Per day, in the unit of the region's cargo values, with the \
         paired 95% interval of each change.",
    );
    page.table(&t);
}
