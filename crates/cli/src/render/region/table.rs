//! The region reports as text: the equilibrium's iterations, flows per crossing, direction
//! and class (border times in minutes), trade per side, crossing and commodity (money per
//! day); for a comparison, the traffic shift and the trade created and diverted.

use std::fmt::Write as _;

use bordersim_experiment::region::{
    CountryShift, FlowShift, RegionComparison, RegionReport, TradeChange,
};

use super::convergence_line;
use crate::render::columns::Table;
use crate::render::numbers::{decimal, fixed, minutes, money, percent, signed_money, thousands};

/// A table whose first `left` columns are left-aligned, as text.
fn columns(titles: &[&str], rows: &[Vec<String>], left: usize) -> String {
    let mut table = Table::with_left(titles, left);
    for row in rows {
        table.row(row.clone());
    }
    table.render_text()
}

/// `text` (a formatted value) followed by `± half-width` formatted by `format`; the value
/// alone without an interval (fewer than two replications).
fn pm(text: String, ci95: Option<f64>, format: fn(f64) -> String) -> String {
    match ci95 {
        Some(ci) if ci.is_finite() => format!("{text} ± {}", format(ci)),
        _ => text,
    }
}

/// An interval's half-width in its own column: `-` without one.
fn ci_cell(ci95: Option<f64>, format: fn(f64) -> String) -> String {
    ci95.filter(|c| c.is_finite())
        .map_or_else(|| "-".to_owned(), format)
}

fn whole(x: f64) -> String {
    decimal(x, 0)
}

fn points(share: f64) -> String {
    format!("{} pts", fixed(100.0 * share, 1))
}

/// The equilibrium as text.
pub(super) fn table(r: &RegionReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "bordersim region | {} | {} replications per crossing, seed {}",
        r.region, r.replications, r.seed
    );
    let _ = writeln!(out, "\nEquilibrium: {}", convergence_line(r));
    let rows: Vec<Vec<String>> = r
        .iterations
        .iter()
        .map(|i| {
            vec![
                i.iteration.to_string(),
                format!("{:.4}", i.gap),
                decimal(i.vehicles_per_day, 0),
            ]
        })
        .collect();
    out.push_str(&columns(&["iteration", "gap", "vehicles/day"], &rows, 0));

    let _ = writeln!(
        out,
        "\nFlows at the crossings (border time: arrival to exit, minutes)"
    );
    let rows: Vec<Vec<String>> = r
        .flows
        .iter()
        .map(|f| {
            vec![
                f.crossing.clone(),
                f.direction.clone(),
                f.class.clone(),
                if f.open {
                    decimal(f.volume_per_day, 0)
                } else {
                    "closed".into()
                },
                ci_cell(f.volume_per_day_ci95.filter(|_| f.open), whole),
                format!("{:.1}%", 100.0 * f.share),
                ci_cell(f.share_ci95.filter(|_| f.open), percent),
                minutes(f.border_time.mean_s),
                minutes(f.border_time.ci95_s),
                minutes(f.border_time.p95_s),
            ]
        })
        .collect();
    out.push_str(&columns(
        &[
            "crossing",
            "direction",
            "class",
            "vehicles/day",
            "±95%",
            "share",
            "±95%",
            "mean",
            "±95%",
            "p95",
        ],
        &rows,
        3,
    ));

    let _ = writeln!(
        out,
        "\nTrade per day (cargo value; ± the 95% interval from the border times' sampling error)"
    );
    let rows: Vec<Vec<String>> = r
        .trade
        .sides
        .iter()
        .map(|s| {
            vec![
                s.side.clone(),
                pm(money(s.exports_per_day), s.exports_per_day_ci95, money),
                pm(money(s.imports_per_day), s.imports_per_day_ci95, money),
                pm(
                    signed_money(s.balance_per_day),
                    s.balance_per_day_ci95,
                    money,
                ),
                pm(
                    money(s.exports_lost_to_delay_per_day),
                    s.exports_lost_to_delay_per_day_ci95,
                    money,
                ),
            ]
        })
        .collect();
    out.push_str(&columns(
        &[
            "side",
            "exports",
            "imports",
            "balance",
            "exports lost to delay",
        ],
        &rows,
        1,
    ));
    let rows: Vec<Vec<String>> = r
        .trade
        .by_crossing
        .iter()
        .filter(|t| t.value_per_day != 0.0)
        .map(|t| {
            vec![
                t.crossing.clone(),
                t.direction.clone(),
                pm(money(t.value_per_day), t.value_per_day_ci95, money),
            ]
        })
        .collect();
    out.push('\n');
    out.push_str(&columns(&["crossing", "direction", "value"], &rows, 2));
    let rows: Vec<Vec<String>> = r
        .trade
        .by_commodity
        .iter()
        .map(|t| {
            vec![
                if t.commodity.is_empty() {
                    "(none)".into()
                } else {
                    t.commodity.clone()
                },
                t.direction.clone(),
                pm(money(t.value_per_day), t.value_per_day_ci95, money),
            ]
        })
        .collect();
    out.push('\n');
    out.push_str(&columns(&["commodity", "direction", "value"], &rows, 2));
    // Only when some zone names a country of its own: otherwise every country is a side.
    if r.trade.by_country.len() > r.trade.sides.len() {
        let rows: Vec<Vec<String>> = r
            .trade
            .by_country
            .iter()
            .map(|c| {
                vec![
                    c.country.clone(),
                    money(c.exports),
                    money(c.imports),
                    signed_money(c.balance),
                    money(c.transit),
                ]
            })
            .collect();
        let _ = writeln!(
            out,
            "\nTrade per country (a flow through a side whose country neither sends nor \
             receives it is that country's transit)"
        );
        out.push_str(&columns(
            &["country", "exports", "imports", "balance", "transit"],
            &rows,
            1,
        ));
    }
    let k = &r.costs;
    let _ = writeln!(
        out,
        "\nCost of border time per day: {} vehicle-hours, resource cost {}, cargo time cost {} \
         ({} days a year: resource {} and cargo {} a year)",
        pm(
            decimal(k.border_vehicle_hours_per_day, 0),
            k.border_vehicle_hours_per_day_ci95,
            whole
        ),
        pm(
            money(k.resource_cost_per_day),
            k.resource_cost_per_day_ci95,
            money
        ),
        pm(
            money(k.cargo_time_cost_per_day),
            k.cargo_time_cost_per_day_ci95,
            money
        ),
        decimal(k.annualisation_days, 1),
        pm(
            money(k.resource_cost_per_year),
            k.resource_cost_per_year_ci95,
            money
        ),
        pm(
            money(k.cargo_time_cost_per_year),
            k.cargo_time_cost_per_year_ci95,
            money
        ),
    );
    let _ = writeln!(
        out,
        "\n  {} crossing simulations, {} events.",
        thousands(r.simulations),
        thousands(r.events)
    );
    out
}

/// The half-width of the 95% interval of the mean border time of `flow`'s crossing,
/// direction and class in `run`, seconds (`None` where that run has no such flow or too
/// few replications).
fn border_ci(run: &RegionReport, flow: &FlowShift) -> Option<f64> {
    run.flows
        .iter()
        .find(|f| {
            f.crossing == flow.crossing && f.direction == flow.direction && f.class == flow.class
        })
        .and_then(|f| f.border_time.ci95_s)
}

/// The share of all traffic a reform moves, `Σ |reform − baseline| / Σ baseline` over
/// every flow: the measure of the equilibria's gap, so comparable with their tolerance.
fn traffic_moved(flows: &[FlowShift]) -> f64 {
    let moved: f64 = flows.iter().map(|f| f.volume_change.abs()).sum();
    let total: f64 = flows.iter().map(|f| f.volume_baseline).sum();
    if total > 0.0 { moved / total } else { 0.0 }
}

/// A note when the reform moves less traffic than the equilibria's tolerance: each
/// equilibrium stopped once less than that share of traffic would still move, so a shift
/// this small (printed as 0) is not resolved by them.
pub(super) fn within_tolerance_note(c: &RegionComparison) -> Option<String> {
    tolerance_note(
        traffic_moved(&c.shift.flows),
        c.baseline.tolerance.max(c.reform.tolerance),
    )
}

fn tolerance_note(moved: f64, tolerance: f64) -> Option<String> {
    (moved < tolerance).then(|| {
        format!(
            "\n  Note: the reform moves {:.2}% of all traffic, less than the equilibria's \
             tolerance ({}%):\n  each stopped once less than that would still move, so the \
             shift and trade below are within\n  what they resolve — a change of 0 is not \
             evidence of no effect. Lower `tolerance` in\n  the region file to measure it \
             (docs/economics.md, \"Region appraisal\").\n",
            100.0 * moved,
            100.0 * tolerance
        )
    })
}

/// The comparison of two equilibria as text.
pub(super) fn comparison_table(c: &RegionComparison) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "bordersim compare | region: {} | reform: {} | {} replications per crossing, seed {}",
        c.baseline.region, c.reform_name, c.baseline.replications, c.baseline.seed
    );
    let _ = writeln!(
        out,
        "\nBaseline equilibrium: {}",
        convergence_line(&c.baseline)
    );
    let _ = writeln!(out, "Reform equilibrium:   {}", convergence_line(&c.reform));
    if let Some(note) = within_tolerance_note(c) {
        out.push_str(&note);
    }
    let _ = writeln!(
        out,
        "\nTraffic shift (vehicles/day; border time: mean arrival to exit, minutes)"
    );
    let rows: Vec<Vec<String>> = c
        .shift
        .flows
        .iter()
        .map(|f| {
            vec![
                f.crossing.clone(),
                f.direction.clone(),
                f.class.clone(),
                decimal(f.volume_baseline, 0),
                decimal(f.volume_reform, 0),
                format!("{:+.0}", f.volume_change),
                ci_cell(f.volume_change_ci95, whole),
                format!("{:+.1} pts", 100.0 * f.share_change),
                ci_cell(f.share_change_ci95, points),
                minutes(f.border_mean_baseline_s),
                minutes(border_ci(&c.baseline, f)),
                minutes(f.border_mean_reform_s),
                minutes(border_ci(&c.reform, f)),
            ]
        })
        .collect();
    out.push_str(&columns(
        &[
            "crossing",
            "direction",
            "class",
            "baseline",
            "reform",
            "change",
            "±95%",
            "share",
            "±95%",
            "border base",
            "±95%",
            "border reform",
            "±95%",
        ],
        &rows,
        3,
    ));
    let t = &c.shift.trade;
    let _ = writeln!(
        out,
        "\nTrade per day (± the 95% interval of the paired change, from the border times' \
         sampling error)"
    );
    let _ = writeln!(
        out,
        "  created (net change of all trade): {}",
        pm(
            signed_money(t.created_per_day),
            t.created_per_day_ci95,
            money
        )
    );
    let _ = writeln!(
        out,
        "  diverted between crossings:        {}",
        pm(money(t.diverted_per_day), t.diverted_per_day_ci95, money)
    );
    let rows: Vec<Vec<String>> = t
        .sides
        .iter()
        .map(|s| {
            vec![
                s.side.clone(),
                pm(
                    signed_money(s.exports_change_per_day),
                    s.exports_change_per_day_ci95,
                    money,
                ),
                pm(
                    signed_money(s.imports_change_per_day),
                    s.imports_change_per_day_ci95,
                    money,
                ),
                pm(
                    signed_money(s.balance_change_per_day),
                    s.balance_change_per_day_ci95,
                    money,
                ),
            ]
        })
        .collect();
    out.push('\n');
    out.push_str(&columns(
        &["side", "exports", "imports", "balance"],
        &rows,
        1,
    ));
    out.push_str(&country_shift_table(c));
    let rows: Vec<Vec<String>> = t
        .by_crossing
        .iter()
        .filter(|x| x.value_per_day != 0.0)
        .map(|x| {
            vec![
                x.crossing.clone(),
                x.direction.clone(),
                pm(signed_money(x.value_per_day), x.value_per_day_ci95, money),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out.push('\n');
        out.push_str(&columns(
            &["crossing", "direction", "value change"],
            &rows,
            2,
        ));
    }
    let a = &c.shift.appraisal;
    let _ = writeln!(
        out,
        "\nWhat the reform is worth ({} days a year)",
        decimal(a.annualisation_days, 1)
    );
    let _ = writeln!(
        out,
        "  users' benefit (logsum, behavioural value of time): {} a day, {} a year",
        pm(
            signed_money(a.user_benefit_per_day),
            a.user_benefit_per_day_ci95,
            money
        ),
        pm(
            signed_money(a.user_benefit_per_year),
            a.user_benefit_per_year_ci95,
            money
        )
    );
    let _ = writeln!(
        out,
        "  delay cost saved (resource {} + cargo {}):  {} a day, {} a year",
        signed_money(a.resource_cost_saved_per_day),
        signed_money(a.cargo_time_cost_saved_per_day),
        pm(
            signed_money(a.delay_cost_saved_per_day),
            a.delay_cost_saved_per_day_ci95,
            money
        ),
        pm(
            signed_money(a.delay_cost_saved_per_year),
            a.delay_cost_saved_per_year_ci95,
            money
        )
    );
    out.push_str(
        "\n  Both runs use the same seed and replications, and every regional source draws the \
         same\n  candidate vehicles, so the shift is measured on common random numbers.\n",
    );
    out
}

/// Each country's exports, imports, balance and transit in both runs and their change, when
/// some zone names a country of its own (otherwise every country is a side, and the side
/// table says it all); empty otherwise.
fn country_shift_table(c: &RegionComparison) -> String {
    let by_country = &c.shift.trade.by_country;
    if by_country.len() <= c.shift.trade.sides.len() {
        return String::new();
    }
    let row = |country: &CountryShift, what: &str, x: &TradeChange| {
        vec![
            country.country.clone(),
            what.to_owned(),
            money(x.baseline_per_day),
            money(x.reform_per_day),
            signed_money(x.change_per_day),
            ci_cell(x.change_per_day_ci95, money),
        ]
    };
    let rows: Vec<Vec<String>> = by_country
        .iter()
        .flat_map(|k| {
            [
                row(k, "exports", &k.exports),
                row(k, "imports", &k.imports),
                row(k, "balance", &k.balance),
                row(k, "transit", &k.transit),
            ]
        })
        .collect();
    let mut out = String::from(
        "\nTrade per country (a flow through a side whose country neither sends nor receives \
         it is that country's transit, not its exports or imports)\n",
    );
    out.push_str(&columns(
        &["country", "trade", "baseline", "reform", "change", "±95%"],
        &rows,
        2,
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(baseline: f64, reform: f64) -> FlowShift {
        FlowShift {
            crossing: "a".into(),
            direction: "n_to_s".into(),
            class: "truck".into(),
            volume_baseline: baseline,
            volume_reform: reform,
            volume_change: reform - baseline,
            volume_change_ci95: None,
            share_baseline: 0.5,
            share_reform: 0.5,
            share_change: 0.0,
            share_change_ci95: None,
            border_mean_baseline_s: None,
            border_mean_reform_s: None,
        }
    }

    #[test]
    fn a_reform_within_the_tolerance_is_said_to_be_unresolved() {
        // 450 and 450 vehicles a day on both sides: nothing moved, within a 2% tolerance.
        let unchanged = [flow(450.0, 450.0), flow(450.0, 450.0)];
        assert_eq!(traffic_moved(&unchanged), 0.0);
        let note = tolerance_note(traffic_moved(&unchanged), 0.02).expect("a note");
        assert!(note.contains("moves 0.00% of all traffic"), "{note}");
        assert!(note.contains("tolerance (2%)"), "{note}");
        // 9 of 900 moved (1%): still within; 27 of 900 (3%): resolved, no note.
        let small = [flow(450.0, 459.0), flow(450.0, 450.0)];
        assert!((traffic_moved(&small) - 0.01).abs() < 1e-12);
        assert!(tolerance_note(traffic_moved(&small), 0.02).is_some());
        let large = [flow(450.0, 463.5), flow(450.0, 436.5)];
        assert!((traffic_moved(&large) - 0.03).abs() < 1e-12);
        assert!(tolerance_note(traffic_moved(&large), 0.02).is_none());
    }
}
