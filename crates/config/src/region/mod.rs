//! The region file format: several crossings, zones on both sides of the border, travel
//! times, tolls and origin–destination demand. TOML in, a
//! validated [`RegionModel`] out.
//!
//! ```toml
//! [region]
//! name = "San Diego–Tijuana"
//! sides = ["mx", "us"]          # exactly two; a direction is named by the side it leaves
//! replications = 4              # optional, default 4
//! seed = 1                      # optional, default 1
//! horizon = "2d"                # optional: every crossing's run length (else its own)
//! warmup = "1d"                 # optional: every crossing's warm-up (else its own)
//! elasticity_per_day = -0.01    # optional, default −0.01 (Djankov, Freund & Pham 2010)
//!
//! [equilibrium]                 # optional
//! max_iterations = 50           # default 50
//! tolerance = 0.02              # default 0.02: converged when the gap is below it
//! averaging = "self_regulated"  # default; or "msa" (steps 1/n, or k^d-weighted)
//! worse = 1.5                   # self_regulated: β grows by this when the gap rose
//! better = 0.3                  #                 and by this when it fell
//! exponent = 0                  # msa: response k weighs k^exponent
//!
//! [choice]                      # optional; defaults from the SANDAG SR-11 OME model
//! time_coefficient = -0.025     # utils per generalized minute (the logit scale)
//! border_weight = 2.5           # a border minute weighs 2.5 driving minutes
//! toll_weight = 1.0             # a toll's minutes (toll / value of time) weigh this much
//!
//! [[zones]]
//! id = "tijuana_east"
//! side = "mx"
//! travel = { otay_mesa = "20min", otay_mesa_east = "12min" }   # zone ⇄ crossing
//! travel_from = { otay_mesa = "25min" }   # optional: crossing → zone where it differs
//!
//! [[classes]]
//! id = "truck"                  # the crossings' class of the same id
//! value_of_time_per_h = 20.64   # default for its demand; needed where tolls apply
//! cargo_value = 45000           # per vehicle, default 0
//! elasticity_per_day = -0.01    # optional, else the region's
//! profile = [24 weights]        # optional hour-of-day shape of its demand
//!
//! [[crossings]]
//! id = "otay_mesa"
//! file = "otay_mesa.toml"       # a scenario file, relative to this file; or inline:
//! # scenario = '''  …a whole scenario file…  '''
//! directions = { mx = "northbound", us = "southbound" }  # the crossing's direction for
//!                                                        # traffic leaving each side
//! entries = { mx = "nb-primary" }   # optional: else where its own sources enter
//! constant = 0.0                # alternative-specific constant (utils), default 0
//! closed = false                # true: not an alternative (e.g. not built)
//!
//! [[tolls]]
//! crossing = "otay_mesa_east"
//! class = "truck"               # optional: every class
//! from = "mx"                   # optional: both directions
//! amount = 5.0
//!
//! [[demand]]
//! from = "tijuana_east"         # a zone on one side
//! to = "san_diego_south"        # a zone on the other
//! class = "truck"
//! commodity = "electronics"     # optional group, reported separately
//! vehicles_per_day = 900        # with no border delay
//! cargo_value = 60000           # optional, else the class's
//! value_of_time_per_h = 35.82   # optional, else the class's
//! elasticity_per_day = -0.07    # optional, else the class's, else the region's
//! profile = [24 weights]        # optional, else the class's, else the crossing's own
//! ```
//!
//! Crossing files (and the trace files they name) are read through the caller's reader,
//! with paths relative to the region file (traces: relative to their crossing file).
//! Every problem is reported with the file, the field path and `line:column`; problems in a
//! crossing file are reported in that file.

mod choice;
mod classes;
mod crossings;
mod demand;
mod policy;
pub(crate) mod raw;
mod settings;
mod tolls;
mod values;
mod zones;

use bordersim_trade::Region;
use bordersim_trade::{RegionCrossing, RegionModel};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub use self::policy::{apply_region_policy, policy_crossing};
use self::raw::RawRegionFile;
use self::values::ids;
use crate::diagnostic::{Collector, ConfigError, single};
use crate::scenario::FileReader;
use crate::scenario::shape::{read_recovering, report_serde_errors};
use crate::spans::SpanIndex;

/// Replications of each crossing per equilibrium iteration when `[region]` gives none.
pub const DEFAULT_REGION_REPLICATIONS: u32 = 4;
/// Equilibrium iterations at most, when `[equilibrium]` gives none.
pub const DEFAULT_MAX_ITERATIONS: u32 = 50;
/// The equilibrium has converged when the gap (share of traffic that would still change
/// crossing) is below this; used when `[equilibrium]` gives none.
pub const DEFAULT_TOLERANCE: f64 = 0.02;
/// Self-regulated averaging: the step shrinks by `β += WORSE` when the gap rose and by
/// `β += BETTER` when it fell (Liu, He & He 2009 suggest 1.5-2 and 0.01-0.5).
pub const DEFAULT_SRA_WORSE: f64 = 1.5;
/// See [`DEFAULT_SRA_WORSE`].
pub const DEFAULT_SRA_BETTER: f64 = 0.3;
/// Relative change in traffic per day of border delay, when neither the demand nor its class
/// nor `[region]` gives one. Djankov, Freund & Pham (2010), "Trading on time": each extra
/// day of delay reduces trade by at least 1%.
pub const DEFAULT_ELASTICITY_PER_DAY: f64 = -0.01;

/// The text of one crossing's scenario, as loaded (policies are applied to it).
#[derive(Clone, Debug)]
pub struct CrossingText {
    /// The crossing's id in the region file.
    pub id: String,
    /// The name its diagnostics use.
    pub file: String,
    /// The whole scenario file, TOML.
    pub text: String,
    /// The directory the files it names (traces) are read from, relative to the region
    /// file's directory (empty: the region file's own).
    pub dir: String,
}

/// A region that passed validation.
#[derive(Clone, Debug)]
pub struct LoadedRegion {
    /// The region and its crossings' scenarios, ready to run.
    pub model: RegionModel,
    /// Replications of each crossing per equilibrium iteration.
    pub replications: u32,
    /// The seed of every crossing's random streams.
    pub seed: u64,
    /// Each crossing's scenario text, in `model.crossings` order.
    pub crossing_texts: Vec<CrossingText>,
}

/// A region with a policy applied to one of its crossings.
#[derive(Clone, Debug)]
pub struct RegionPolicyApplied {
    /// The policy's name, from its `[policy]` table.
    pub name: String,
    /// The crossing the policy changed.
    pub crossing: String,
    /// The region with that crossing changed, validated.
    pub region: LoadedRegion,
}

/// Whether a TOML text is a region file (it has a `[region]` table) rather than a
/// scenario. Text that is not TOML is not a region.
pub fn is_region(text: &str) -> bool {
    DeTable::parse(text).is_ok_and(|root| root.get_ref().contains_key("region"))
}

/// Parses and validates a region file. `read` returns the text of a file named in it (a
/// crossing file, or a trace named by a crossing), given its path relative to the region
/// file.
///
/// # Errors
///
/// A [`ConfigError`]: the first TOML syntax error of the region file, or every problem of
/// its shape (wrong types, unknown or missing fields), values, names and references, and of
/// each crossing's scenario (reported in the crossing's file, or at its place in the region
/// file for an inline scenario), all in one pass.
pub fn parse_region_with(
    source: &str,
    file_name: &str,
    read: FileReader<'_>,
) -> Result<LoadedRegion, ConfigError> {
    parse(source, file_name, read, None)
}

/// A crossing whose scenario text replaces its file's (a policy applied to it).
struct Replacement {
    crossing: usize,
    /// The changed scenario, validated when the policy was applied.
    scenario: bordersim_model::Scenario,
    text: String,
    label: String,
}

fn parse(
    source: &str,
    file_name: &str,
    read: FileReader<'_>,
    replacement: Option<Replacement>,
) -> Result<LoadedRegion, ConfigError> {
    let root = DeTable::parse(source).map_err(|e| {
        single(
            file_name,
            source,
            e.span().map_or(0, |s| s.start),
            String::new(),
            format!("TOML syntax error: {}", e.message()),
        )
    })?;
    // Every problem of the file's shape comes in one pass (a fault is set aside and the
    // reading goes on), and the values written right are checked in the same pass: on the
    // file read with stand-ins, whose own findings are left out.
    let table = Spanned::new(root.span(), DeValue::Table(root.get_ref().clone()));
    let recovered = read_recovering::<RawRegionFile>(&table);
    let mut cx = Collector::with_spans(file_name, source, SpanIndex::build(&root));
    report_serde_errors(&mut cx, &recovered.errors);
    let Some(raw) = recovered.value.as_ref() else {
        return Err(cx.into_error());
    };
    if recovered.errors.is_empty() {
        let built = build(&mut cx, raw, source, read, replacement);
        return match built {
            Some(loaded) if !cx.has_errors() => Ok(loaded),
            _ => Err(cx.into_error()),
        };
    }
    let mut checks = Collector::with_spans(file_name, source, SpanIndex::build(&root));
    let _ = build(&mut checks, raw, source, read, replacement);
    cx.extend(
        checks
            .into_errors()
            .into_iter()
            .filter(|d| d.file != file_name || !recovered.explains("", &d.path, &d.message)),
    );
    Err(cx.into_error())
}

/// The ids of the sections other sections refer to, in file order.
struct Ids {
    zones: Vec<String>,
    classes: Vec<String>,
    crossings: Vec<String>,
}

/// One pass over the sections, in file order (so the problems are found in the same order
/// whatever the file holds); the region is built only when none was found.
fn build(
    cx: &mut Collector<'_>,
    raw: &RawRegionFile,
    source: &str,
    read: FileReader<'_>,
    replacement: Option<Replacement>,
) -> Option<LoadedRegion> {
    let settings = settings::settings(cx, raw)?;
    let choice = choice::choice(cx, raw.choice.as_ref());

    // [[zones]], [[classes]], [[crossings]]: ids first, so references resolve.
    let ids = Ids {
        zones: ids(cx, "zones", raw.zones.iter().map(|z| z.id.as_str())),
        classes: ids(cx, "classes", raw.classes.iter().map(|c| c.id.as_str())),
        crossings: ids(cx, "crossings", raw.crossings.iter().map(|c| c.id.as_str())),
    };
    if raw.crossings.is_empty() {
        cx.error("region", "a region needs at least one [[crossings]] entry");
    }
    if raw.classes.is_empty() {
        cx.error("region", "a region needs at least one [[classes]] entry");
    }
    let travel = zones::zones(cx, raw, &settings.sides, &ids.crossings);
    let class_defaults = classes::class_defaults(cx, &raw.classes, settings.elasticity);
    let loaded = crossings::crossings(
        cx,
        raw,
        source,
        read,
        replacement.as_ref(),
        &settings,
        &ids.classes,
    );
    let crossings_ok = loaded.crossings.len() == raw.crossings.len();
    let tolls = tolls::tolls(cx, raw, &settings.sides, &ids.crossings, &ids.classes);
    let demand = demand::demand(
        cx,
        raw,
        &ids,
        &settings.sides,
        &travel,
        &class_defaults,
        &tolls,
        crossings_ok.then_some(loaded.crossings.as_slice()),
    );
    demand::check_reachable(
        cx,
        &ids,
        &travel,
        &demand.zones_with_demand,
        raw.crossings.len(),
    );

    cx.extend(loaded.diagnostics);
    if cx.has_errors() || !crossings_ok {
        return None;
    }
    let sides = settings.sides;
    let region = Region {
        name: raw.region.name.clone(),
        sides: [sides[0].clone(), sides[1].clone()],
        zones: travel.zones,
        crossings: loaded.alternatives,
        classes: ids.classes,
        to_crossing: travel.to_crossing,
        from_crossing: travel.from_crossing,
        tolls,
        demand: demand.demand,
        choice,
    };
    Some(LoadedRegion {
        model: RegionModel {
            region,
            crossings: loaded.crossings,
            profiles: demand.profiles,
            max_iterations: settings.max_iterations,
            tolerance: settings.tolerance,
            averaging: settings.averaging,
        },
        replications: settings.replications,
        seed: raw.region.seed.unwrap_or(1),
        crossing_texts: loaded.texts,
    })
}
