//! The region reports as tidy CSV: `region,entity_type,entity,statistic,value` for an
//! equilibrium, `region,entity_type,entity,statistic,baseline,reform,change` for a
//! comparison; times in seconds, money per day, missing values as empty cells.

use anyhow::{Context, Result};
use bordersim_experiment::region::{RegionComparison, RegionReport};

/// A value as written in a cell: empty when missing or not finite.
fn opt(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(String::new, |x| x.to_string())
}

/// The equilibrium as tidy CSV.
pub(super) fn csv(r: &RegionReport) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["region", "entity_type", "entity", "statistic", "value"])?;
    let mut row = |entity_type: &str, entity: &str, statistic: &str, value: String| {
        w.write_record([r.region.as_str(), entity_type, entity, statistic, &value])
    };
    row(
        "equilibrium",
        "all",
        "converged",
        u8::from(r.converged).to_string(),
    )?;
    row(
        "equilibrium",
        "all",
        "iterations",
        r.iterations.len().to_string(),
    )?;
    row("equilibrium", "all", "tolerance", r.tolerance.to_string())?;
    row("equilibrium", "all", "seed", r.seed.to_string())?;
    row(
        "equilibrium",
        "all",
        "replications",
        r.replications.to_string(),
    )?;
    for i in &r.iterations {
        let entity = i.iteration.to_string();
        row("iteration", &entity, "gap", opt(Some(i.gap)))?;
        row(
            "iteration",
            &entity,
            "vehicles_per_day",
            i.vehicles_per_day.to_string(),
        )?;
    }
    for f in &r.flows {
        let entity = format!("{}|{}|{}", f.crossing, f.direction, f.class);
        row("flow", &entity, "open", u8::from(f.open).to_string())?;
        row(
            "flow",
            &entity,
            "volume_per_day",
            f.volume_per_day.to_string(),
        )?;
        row(
            "flow",
            &entity,
            "volume_per_day_ci95",
            opt(f.volume_per_day_ci95),
        )?;
        row("flow", &entity, "share", f.share.to_string())?;
        row("flow", &entity, "share_ci95", opt(f.share_ci95))?;
        row("flow", &entity, "border_mean_s", opt(f.border_time.mean_s))?;
        row("flow", &entity, "border_p95_s", opt(f.border_time.p95_s))?;
        row("flow", &entity, "border_ci95_s", opt(f.border_time.ci95_s))?;
        row(
            "flow",
            &entity,
            "border_count",
            f.border_time.count.to_string(),
        )?;
        row("flow", &entity, "border_used_s", opt(f.border_time_used_s))?;
        for h in &f.hourly {
            let entity = format!("{entity}|{:02}", h.hour);
            row("flow_hour", &entity, "volume", h.volume.to_string())?;
            row("flow_hour", &entity, "observed", h.observed.to_string())?;
            row(
                "flow_hour",
                &entity,
                "border_used_s",
                opt(h.border_time_used_s),
            )?;
        }
    }
    for s in &r.trade.sides {
        row(
            "side",
            &s.side,
            "exports_per_day",
            s.exports_per_day.to_string(),
        )?;
        row(
            "side",
            &s.side,
            "imports_per_day",
            s.imports_per_day.to_string(),
        )?;
        row(
            "side",
            &s.side,
            "balance_per_day",
            s.balance_per_day.to_string(),
        )?;
        row(
            "side",
            &s.side,
            "exports_lost_to_delay_per_day",
            s.exports_lost_to_delay_per_day.to_string(),
        )?;
        for (statistic, v) in [
            ("exports_per_day_ci95", s.exports_per_day_ci95),
            ("imports_per_day_ci95", s.imports_per_day_ci95),
            ("balance_per_day_ci95", s.balance_per_day_ci95),
            (
                "exports_lost_to_delay_per_day_ci95",
                s.exports_lost_to_delay_per_day_ci95,
            ),
        ] {
            row("side", &s.side, statistic, opt(v))?;
        }
    }
    for t in &r.trade.by_crossing {
        let entity = format!("{}|{}", t.crossing, t.direction);
        row(
            "crossing_trade",
            &entity,
            "value_per_day",
            t.value_per_day.to_string(),
        )?;
        row(
            "crossing_trade",
            &entity,
            "value_per_day_ci95",
            opt(t.value_per_day_ci95),
        )?;
    }
    for t in &r.trade.by_commodity {
        let entity = format!("{}|{}", t.commodity, t.direction);
        row(
            "commodity_trade",
            &entity,
            "value_per_day",
            t.value_per_day.to_string(),
        )?;
        row(
            "commodity_trade",
            &entity,
            "value_per_day_ci95",
            opt(t.value_per_day_ci95),
        )?;
    }
    for c in &r.trade.by_country {
        for (statistic, v) in [
            ("exports_per_day", c.exports),
            ("imports_per_day", c.imports),
            ("balance_per_day", c.balance),
            ("transit_per_day", c.transit),
        ] {
            row("country_trade", &c.country, statistic, v.to_string())?;
        }
    }
    row(
        "trade",
        "all",
        "total_per_day",
        r.trade.total_per_day.to_string(),
    )?;
    row(
        "trade",
        "all",
        "total_per_day_ci95",
        opt(r.trade.total_per_day_ci95),
    )?;
    for k in &r.costs.by_crossing {
        let entity = format!("{}|{}", k.crossing, k.direction);
        for (statistic, v) in [
            (
                "border_vehicle_hours_per_day",
                k.border_vehicle_hours_per_day,
            ),
            ("resource_cost_per_day", k.resource_cost_per_day),
            ("cargo_time_cost_per_day", k.cargo_time_cost_per_day),
            ("annualisation_days", k.annualisation_days),
        ] {
            row("crossing_cost", &entity, statistic, v.to_string())?;
        }
    }
    let k = &r.costs;
    for (statistic, v) in [
        (
            "border_vehicle_hours_per_day",
            k.border_vehicle_hours_per_day,
        ),
        ("resource_cost_per_day", k.resource_cost_per_day),
        ("cargo_time_cost_per_day", k.cargo_time_cost_per_day),
        ("annualisation_days", k.annualisation_days),
        ("resource_cost_per_year", k.resource_cost_per_year),
        ("cargo_time_cost_per_year", k.cargo_time_cost_per_year),
    ] {
        row("cost", "all", statistic, v.to_string())?;
    }
    for (statistic, v) in [
        (
            "border_vehicle_hours_per_day_ci95",
            k.border_vehicle_hours_per_day_ci95,
        ),
        ("resource_cost_per_day_ci95", k.resource_cost_per_day_ci95),
        (
            "cargo_time_cost_per_day_ci95",
            k.cargo_time_cost_per_day_ci95,
        ),
        ("resource_cost_per_year_ci95", k.resource_cost_per_year_ci95),
        (
            "cargo_time_cost_per_year_ci95",
            k.cargo_time_cost_per_year_ci95,
        ),
    ] {
        row("cost", "all", statistic, opt(v))?;
    }
    w.into_inner().context("cannot assemble the CSV")
}

/// The comparison's rows: `region,entity_type,entity,statistic,baseline,reform,change`.
struct Rows {
    w: csv::Writer<Vec<u8>>,
    region: String,
}

impl Rows {
    /// One row with its three value cells as given.
    fn put(
        &mut self,
        entity_type: &str,
        entity: &str,
        statistic: &str,
        [b, r, change]: [Option<f64>; 3],
    ) -> csv::Result<()> {
        self.w.write_record([
            self.region.as_str(),
            entity_type,
            entity,
            statistic,
            &opt(b),
            &opt(r),
            &opt(change),
        ])
    }

    /// One row of a baseline and a reform value, the change their difference.
    fn pair(
        &mut self,
        entity_type: &str,
        entity: &str,
        statistic: &str,
        b: Option<f64>,
        r: Option<f64>,
    ) -> csv::Result<()> {
        let change = b.zip(r).map(|(b, r)| r - b);
        self.put(entity_type, entity, statistic, [b, r, change])
    }

    /// A change alone (the baseline and reform cells empty).
    fn change(
        &mut self,
        entity_type: &str,
        entity: &str,
        statistic: &str,
        change: Option<f64>,
    ) -> csv::Result<()> {
        self.put(entity_type, entity, statistic, [None, None, change])
    }
}

/// The comparison of two equilibria as tidy CSV. Each `<statistic>_ci95` row holds the
/// half-widths of the 95% intervals of the baseline's, the reform's and the paired
/// change's value of `<statistic>`.
pub(super) fn comparison_csv(c: &RegionComparison) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "region",
        "entity_type",
        "entity",
        "statistic",
        "baseline",
        "reform",
        "change",
    ])?;
    let mut rows = Rows {
        w,
        region: c.baseline.region.clone(),
    };
    rows.pair(
        "equilibrium",
        "all",
        "converged",
        Some(f64::from(u8::from(c.baseline.converged))),
        Some(f64::from(u8::from(c.reform.converged))),
    )?;
    rows.pair(
        "equilibrium",
        "all",
        "iterations",
        Some(c.baseline.iterations.len() as f64),
        Some(c.reform.iterations.len() as f64),
    )?;
    let flow_of = |run: &'_ RegionReport, f: &bordersim_experiment::region::FlowShift| {
        run.flows
            .iter()
            .find(|x| x.crossing == f.crossing && x.direction == f.direction && x.class == f.class)
            .map(|x| (x.volume_per_day_ci95, x.share_ci95))
            .unwrap_or((None, None))
    };
    for f in &c.shift.flows {
        let entity = format!("{}|{}|{}", f.crossing, f.direction, f.class);
        let (b, r) = (flow_of(&c.baseline, f), flow_of(&c.reform, f));
        rows.pair(
            "flow",
            &entity,
            "volume_per_day",
            Some(f.volume_baseline),
            Some(f.volume_reform),
        )?;
        rows.put(
            "flow",
            &entity,
            "volume_per_day_ci95",
            [b.0, r.0, f.volume_change_ci95],
        )?;
        rows.pair(
            "flow",
            &entity,
            "share",
            Some(f.share_baseline),
            Some(f.share_reform),
        )?;
        rows.put(
            "flow",
            &entity,
            "share_ci95",
            [b.1, r.1, f.share_change_ci95],
        )?;
        rows.pair(
            "flow",
            &entity,
            "border_mean_s",
            f.border_mean_baseline_s,
            f.border_mean_reform_s,
        )?;
    }
    for ((b, r), s) in c
        .baseline
        .trade
        .sides
        .iter()
        .zip(&c.reform.trade.sides)
        .zip(&c.shift.trade.sides)
    {
        for (statistic, baseline, reform) in [
            ("exports_per_day", b.exports_per_day, r.exports_per_day),
            ("imports_per_day", b.imports_per_day, r.imports_per_day),
            ("balance_per_day", b.balance_per_day, r.balance_per_day),
        ] {
            rows.pair("side", &b.side, statistic, Some(baseline), Some(reform))?;
        }
        for (statistic, values) in [
            (
                "exports_per_day_ci95",
                [
                    b.exports_per_day_ci95,
                    r.exports_per_day_ci95,
                    s.exports_change_per_day_ci95,
                ],
            ),
            (
                "imports_per_day_ci95",
                [
                    b.imports_per_day_ci95,
                    r.imports_per_day_ci95,
                    s.imports_change_per_day_ci95,
                ],
            ),
            (
                "balance_per_day_ci95",
                [
                    b.balance_per_day_ci95,
                    r.balance_per_day_ci95,
                    s.balance_change_per_day_ci95,
                ],
            ),
        ] {
            rows.put("side", &b.side, statistic, values)?;
        }
    }
    // Each country's own trade and, apart, its transit; the intervals are those of the
    // paired change (a single run gives none by country).
    for k in &c.shift.trade.by_country {
        for (statistic, x) in [
            ("exports_per_day", &k.exports),
            ("imports_per_day", &k.imports),
            ("balance_per_day", &k.balance),
            ("transit_per_day", &k.transit),
        ] {
            rows.put(
                "country_trade",
                &k.country,
                statistic,
                [
                    Some(x.baseline_per_day),
                    Some(x.reform_per_day),
                    Some(x.change_per_day),
                ],
            )?;
            rows.change(
                "country_trade",
                &k.country,
                &format!("{statistic}_ci95"),
                x.change_per_day_ci95,
            )?;
        }
    }
    for ((b, r), s) in c
        .baseline
        .trade
        .by_crossing
        .iter()
        .zip(&c.reform.trade.by_crossing)
        .zip(&c.shift.trade.by_crossing)
    {
        let entity = format!("{}|{}", b.crossing, b.direction);
        rows.pair(
            "crossing_trade",
            &entity,
            "value_per_day",
            Some(b.value_per_day),
            Some(r.value_per_day),
        )?;
        rows.put(
            "crossing_trade",
            &entity,
            "value_per_day_ci95",
            [
                b.value_per_day_ci95,
                r.value_per_day_ci95,
                s.value_per_day_ci95,
            ],
        )?;
    }
    let (bk, rk, a) = (&c.baseline.costs, &c.reform.costs, &c.shift.appraisal);
    rows.pair(
        "cost",
        "all",
        "resource_cost_per_day",
        Some(bk.resource_cost_per_day),
        Some(rk.resource_cost_per_day),
    )?;
    rows.put(
        "cost",
        "all",
        "resource_cost_per_day_ci95",
        [
            bk.resource_cost_per_day_ci95,
            rk.resource_cost_per_day_ci95,
            a.resource_cost_saved_per_day_ci95,
        ],
    )?;
    rows.pair(
        "cost",
        "all",
        "cargo_time_cost_per_day",
        Some(bk.cargo_time_cost_per_day),
        Some(rk.cargo_time_cost_per_day),
    )?;
    rows.put(
        "cost",
        "all",
        "cargo_time_cost_per_day_ci95",
        [
            bk.cargo_time_cost_per_day_ci95,
            rk.cargo_time_cost_per_day_ci95,
            a.cargo_time_cost_saved_per_day_ci95,
        ],
    )?;
    let t = &c.shift.trade;
    for (statistic, v) in [
        ("created_per_day", Some(t.created_per_day)),
        ("created_per_day_ci95", t.created_per_day_ci95),
        ("diverted_per_day", Some(t.diverted_per_day)),
        ("diverted_per_day_ci95", t.diverted_per_day_ci95),
    ] {
        rows.change("trade", "all", statistic, v)?;
    }
    for f in &a.by_flow {
        let entity = format!("{}|{}|{}|{}", f.origin, f.destination, f.class, f.commodity);
        rows.change(
            "flow_benefit",
            &entity,
            "user_benefit_per_day",
            Some(f.user_benefit_per_day),
        )?;
        rows.change(
            "flow_benefit",
            &entity,
            "user_benefit_per_day_ci95",
            f.user_benefit_per_day_ci95,
        )?;
    }
    for (statistic, v) in [
        ("user_benefit_per_day", Some(a.user_benefit_per_day)),
        ("user_benefit_per_day_ci95", a.user_benefit_per_day_ci95),
        ("user_benefit_per_year", Some(a.user_benefit_per_year)),
        ("user_benefit_per_year_ci95", a.user_benefit_per_year_ci95),
        ("delay_cost_saved_per_day", Some(a.delay_cost_saved_per_day)),
        (
            "delay_cost_saved_per_day_ci95",
            a.delay_cost_saved_per_day_ci95,
        ),
        (
            "delay_cost_saved_per_year",
            Some(a.delay_cost_saved_per_year),
        ),
        (
            "delay_cost_saved_per_year_ci95",
            a.delay_cost_saved_per_year_ci95,
        ),
        ("annualisation_days", Some(a.annualisation_days)),
    ] {
        rows.change("appraisal", "all", statistic, v)?;
    }
    rows.w.into_inner().context("cannot assemble the CSV")
}
