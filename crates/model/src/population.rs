//! Who crosses: vehicle classes, trusted-trader / traveller programmes, directions, and the
//! risk channels customs assigns.

use crate::ids::{ClassId, DirectionId, ProgrammeId};

/// The outcome of risk assessment for one vehicle (WCO terms).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    /// Released without further control.
    Green = 0,
    /// Documentary check.
    Yellow = 1,
    /// Physical inspection (X-ray / NII, examination).
    Red = 2,
}

impl Channel {
    /// Every channel, in index order.
    pub const ALL: [Channel; 3] = [Channel::Green, Channel::Yellow, Channel::Red];

    /// The channel's name (`green`, `yellow`, `red`).
    pub fn name(self) -> &'static str {
        match self {
            Channel::Green => "green",
            Channel::Yellow => "yellow",
            Channel::Red => "red",
        }
    }

    /// The channel named `s`, if any.
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.name() == s)
    }

    /// Index of the channel in tables (green 0, yellow 1, red 2).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The channel of index `i` (red for any index above 2).
    pub fn from_index(i: usize) -> Channel {
        Channel::ALL[i.min(2)]
    }
}

/// A traffic direction through the crossing (inbound/outbound, northbound/southbound): each
/// has its own stations and its own demand.
#[derive(Clone, Debug, PartialEq)]
pub struct Direction {
    /// Name of the direction.
    pub id: String,
}

/// A trusted-trader or traveller programme (FAST, AEO, SENTRI, Ready, …). Programme 0 is
/// conventionally "none".
#[derive(Clone, Debug, PartialEq)]
pub struct Programme {
    /// Name of the programme.
    pub id: String,
}

/// A user-defined kind of vehicle (truck, car, bus, pedestrian, …).
#[derive(Clone, Debug, PartialEq)]
pub struct VehicleClass {
    /// Name of the class.
    pub id: String,
    /// Road space one vehicle takes in a queue, metres (queue storage and queue length in km).
    pub length_m: f64,
    /// Served before lower priorities within a queue (non-preemptive); 0 is ordinary.
    pub priority: u8,
    /// Share of each programme among this class's vehicles, indexed by [`ProgrammeId`].
    pub programme_shares: Vec<f64>,
    /// Risk-channel probabilities `[green, yellow, red]` for each programme.
    pub channel_probabilities: Vec<[f64; 3]>,
    /// Probability of being picked at random for physical inspection, whatever the risk
    /// assessment said (TFA Art. 7.4 allows random selection beside targeting).
    pub random_inspection: f64,
    /// Value of one vehicle-hour of delay (currency of the user's choosing), for the
    /// economic translation of waits; 0 leaves it out.
    pub value_of_time_per_h: f64,
    /// Share of this class's shipments whose declaration is lodged and processed before the
    /// vehicle arrives (pre-arrival processing, WTO TFA Art. 7.1). Stations say what a
    /// pre-lodged vehicle does there ([`crate::PreLodged`]); 0 leaves every vehicle as is.
    pub pre_lodged_share: f64,
    /// Pre-lodged shipments that risk assessment puts in the green channel are released on
    /// arrival: the release decision was taken before the vehicle reached the border.
    pub pre_lodged_release_on_arrival: bool,
    /// The directions whose vehicles may be pre-lodged (a rule of one country's customs,
    /// such as the U.S. e-manifest for northbound trucks); `None`: every direction.
    pub pre_lodged_directions: Option<Vec<DirectionId>>,
    /// Resource cost of one vehicle-hour of delay for appraisal: driver and vehicle operating
    /// cost per hour (money per vehicle-hour); 0 leaves it out. Distinct from
    /// `value_of_time_per_h`, the behavioural value that choice models use.
    pub resource_cost_per_h: f64,
    /// Value of the goods one vehicle carries (money per vehicle); 0 leaves cargo out.
    pub cargo_value_per_vehicle: f64,
    /// Time cost of the goods as a share of their value per day of delay (e.g. 0.006 for
    /// 0.6% a day); 0 leaves cargo out.
    pub cargo_time_cost_share_per_day: f64,
    /// What one vehicle of the class emits per hour idling and creeping in a queue.
    pub idle_emissions: IdleEmissions,
    /// How long its vehicles wait in a queue before giving up (reneging); `None`: they
    /// never do.
    pub patience: Option<crate::patience::Patience>,
}

/// Exhaust emissions of one vehicle per hour idling (and creeping) in a queue.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct IdleEmissions {
    /// Carbon dioxide, grams per vehicle-hour.
    pub co2_g_per_h: f64,
    /// Nitrogen oxides, grams per vehicle-hour.
    pub nox_g_per_h: f64,
    /// Fine particulate matter (PM2.5), grams per vehicle-hour.
    pub pm25_g_per_h: f64,
}

impl IdleEmissions {
    /// No emissions (a pedestrian, an electric vehicle, or emissions left out).
    pub const NONE: IdleEmissions = IdleEmissions {
        co2_g_per_h: 0.0,
        nox_g_per_h: 0.0,
        pm25_g_per_h: 0.0,
    };
    /// Heavy-duty diesel truck (tractor-trailer) at idle: CO2 from 0.8 US gal/h of diesel
    /// (Gaines, Vyas & Anderson 2006, TRR 1983; primary not read, a secondary account agrees)
    /// at 10,180 g CO2/gal (EPA); NOx 33.8 g/h and PM2.5 1.12 g/h, attributed to U.S. EPA,
    /// EPA420-F-08-025 (October 2008; MOBILE6.2, in-use fleet of July 2008), whose table
    /// could not be read: **assumptions**, not confirmed against it. McCormick et al. (2000,
    /// JAWMA 50:1992) measured older trucks at 85 g/h NOx and 1.8 g/h PM. See
    /// `docs/economics.md`.
    pub const HEAVY_DUTY_DIESEL_TRUCK: IdleEmissions = IdleEmissions {
        co2_g_per_h: 8_144.0,
        nox_g_per_h: 33.8,
        pm25_g_per_h: 1.12,
    };
    /// Diesel bus at idle: the heavy-duty diesel NOx and PM2.5 rates (assumed; McCormick et
    /// al. 2000 measured buses 1.4 times the trucks' NOx, 1.6 times their PM), CO2 from an
    /// assumed 0.6 US gal/h.
    pub const BUS: IdleEmissions = IdleEmissions {
        co2_g_per_h: 6_108.0,
        nox_g_per_h: 33.8,
        pm25_g_per_h: 1.12,
    };
    /// Gasoline passenger car at idle: CO2 from an assumed 0.2 US gal/h at 8,887 g CO2/gal
    /// (EPA); NOx 3.5 g/h and PM2.5 0.03 g/h, assumed of the order of EPA's light-duty idle
    /// factors (EPA420-F-08-025, 2008, table not read).
    pub const PASSENGER_CAR: IdleEmissions = IdleEmissions {
        co2_g_per_h: 1_777.4,
        nox_g_per_h: 3.5,
        pm25_g_per_h: 0.03,
    };
    /// The names a configuration may give a profile, with the profile.
    pub const NAMED: [(&'static str, IdleEmissions); 4] = [
        ("none", IdleEmissions::NONE),
        (
            "heavy_duty_diesel_truck",
            IdleEmissions::HEAVY_DUTY_DIESEL_TRUCK,
        ),
        ("bus", IdleEmissions::BUS),
        ("passenger_car", IdleEmissions::PASSENGER_CAR),
    ];

    /// The profile named `name` (one of [`IdleEmissions::NAMED`]), if any.
    pub fn named(name: &str) -> Option<IdleEmissions> {
        IdleEmissions::NAMED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, e)| *e)
    }
}

/// The probability that one inspection finds an irregularity, per channel and selection
/// kind (each 0 to 1). An appraisal input: the simulation does not read it.
///
/// The defaults ([`DetectionRates::ILLUSTRATIVE`]) are **illustrative**, not measured at any
/// crossing: 2% for a documentary check (yellow) and for a random physical inspection, and
/// 5.4% for a targeted one. The ratio, targeted ≈ 2.7 × random, is from Grigoriou (2019,
/// *World Customs Journal* 13(2)): scoring declarations on past controls, 80% of offences
/// lay in the 30% of declarations scored riskiest (80/30 = 2.7 times the average rate, which
/// a random pick finds). The base rate of 2% is assumed. Every administration's own hit
/// rates should replace them (see `docs/economics.md`).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct DetectionRates {
    /// A documentary check (yellow channel).
    pub documentary_check: f64,
    /// A physical inspection selected by risk targeting (red channel).
    pub targeted_inspection: f64,
    /// A physical inspection selected at random (red channel).
    pub random_inspection: f64,
}

impl DetectionRates {
    /// Illustrative defaults: 2% documentary, 5.4% targeted (80/30 × 2%), 2% random.
    pub const ILLUSTRATIVE: DetectionRates = DetectionRates {
        documentary_check: 0.02,
        targeted_inspection: 0.054,
        random_inspection: 0.02,
    };
}

impl Default for DetectionRates {
    fn default() -> Self {
        DetectionRates::ILLUSTRATIVE
    }
}

/// What one staffed lane-hour costs at a station, or at one of its lane groups.
#[derive(Clone, Debug, PartialEq)]
pub struct StaffCostRate {
    /// The station's id.
    pub station: String,
    /// A lane group of the station; `None`: every group without its own rate.
    pub lane_group: Option<String>,
    /// Money per staffed lane-hour (officers' pay and overheads of one open lane).
    pub per_lane_h: f64,
}

impl StaffCostRate {
    /// Money per staffed lane-hour of lane group `group` of station `station` among `rates`:
    /// the group's own rate, else the station's, else 0.
    pub fn lookup(rates: &[StaffCostRate], station: &str, group: &str) -> f64 {
        let find = |g: Option<&str>| {
            rates
                .iter()
                .find(|r| r.station == station && r.lane_group.as_deref() == g)
                .map(|r| r.per_lane_h)
        };
        find(Some(group)).or_else(|| find(None)).unwrap_or(0.0)
    }
}

impl VehicleClass {
    /// The share of this class's vehicles travelling `direction` that are pre-lodged: the
    /// class's share, or 0 in a direction its pre-arrival processing leaves out.
    pub fn pre_lodged_share_in(&self, direction: DirectionId) -> f64 {
        match &self.pre_lodged_directions {
            Some(directions) if !directions.contains(&direction) => 0.0,
            _ => self.pre_lodged_share,
        }
    }

    /// A class with no programme but "none", everything green, ordinary priority.
    pub fn simple(id: impl Into<String>, programmes: usize) -> Self {
        let mut programme_shares = vec![0.0; programmes.max(1)];
        programme_shares[0] = 1.0;
        VehicleClass {
            id: id.into(),
            length_m: 10.0,
            priority: 0,
            programme_shares,
            channel_probabilities: vec![[1.0, 0.0, 0.0]; programmes.max(1)],
            random_inspection: 0.0,
            value_of_time_per_h: 0.0,
            pre_lodged_share: 0.0,
            pre_lodged_release_on_arrival: false,
            pre_lodged_directions: None,
            resource_cost_per_h: 0.0,
            cargo_value_per_vehicle: 0.0,
            cargo_time_cost_share_per_day: 0.0,
            idle_emissions: IdleEmissions::NONE,
            patience: None,
        }
    }
}

/// Everything about the vehicles that is not the crossing itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Population {
    /// The vehicle classes, indexed by [`ClassId`].
    pub classes: Vec<VehicleClass>,
    /// The programmes, indexed by [`ProgrammeId`] (at least "none").
    pub programmes: Vec<Programme>,
    /// The directions, indexed by [`DirectionId`].
    pub directions: Vec<Direction>,
}

impl Population {
    /// One direction ("inbound"), one programme ("none"), the given classes in their simplest
    /// form. Handy for textbook models.
    pub fn simple(class_ids: &[&str]) -> Self {
        Population {
            classes: class_ids
                .iter()
                .map(|c| VehicleClass::simple(*c, 1))
                .collect(),
            programmes: vec![Programme { id: "none".into() }],
            directions: vec![Direction {
                id: "inbound".into(),
            }],
        }
    }

    /// The class named `id`, if any.
    pub fn class_id(&self, id: &str) -> Option<ClassId> {
        self.classes
            .iter()
            .position(|c| c.id == id)
            .map(|i| ClassId(i as u16))
    }

    /// The programme named `id`, if any.
    pub fn programme_id(&self, id: &str) -> Option<ProgrammeId> {
        self.programmes
            .iter()
            .position(|p| p.id == id)
            .map(|i| ProgrammeId(i as u8))
    }

    /// Number of distinct (class, programme) queue keys.
    pub fn queue_keys(&self) -> usize {
        self.classes.len() * self.programmes.len()
    }
}

/// What a filter is matched against: the vehicle's class, programme and channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VehicleKey {
    /// The class.
    pub class: ClassId,
    /// The programme.
    pub programme: ProgrammeId,
    /// The risk channel.
    pub channel: Channel,
}

/// Which vehicles a route or a lane group applies to. `None` in a dimension means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VehicleFilter {
    /// The classes matched (`None`: any).
    pub classes: Option<Vec<ClassId>>,
    /// The programmes matched (`None`: any).
    pub programmes: Option<Vec<ProgrammeId>>,
    /// The channels matched (`None`: any).
    pub channels: Option<Vec<Channel>>,
}

impl VehicleFilter {
    /// Matches every vehicle.
    pub fn any() -> Self {
        Self::default()
    }

    /// Matches the vehicles of these classes (any programme, any channel).
    pub fn classes(classes: Vec<ClassId>) -> Self {
        VehicleFilter {
            classes: Some(classes),
            ..Self::default()
        }
    }

    /// Whether the filter matches vehicles of kind `key`.
    pub fn matches(&self, key: VehicleKey) -> bool {
        self.classes.as_ref().is_none_or(|c| c.contains(&key.class))
            && self
                .programmes
                .as_ref()
                .is_none_or(|p| p.contains(&key.programme))
            && self
                .channels
                .as_ref()
                .is_none_or(|c| c.contains(&key.channel))
    }

    /// How many dimensions the filter constrains: the most specific matching routes win.
    pub fn specificity(&self) -> u8 {
        u8::from(self.classes.is_some())
            + u8::from(self.programmes.is_some())
            + u8::from(self.channels.is_some())
    }

    /// Whether the filter matches every vehicle.
    pub fn is_any(&self) -> bool {
        self.specificity() == 0
    }
}
