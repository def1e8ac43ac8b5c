//! The region: sides, zones, crossings, travel times, tolls, demand, choice parameters.

use serde::Serialize;

/// A border has two sides; a direction of travel is named by the side it leaves.
pub const SIDES: usize = 2;

/// Minutes in a day: the unit of the demand elasticity's delay (per day of delay).
pub const MINUTES_PER_DAY: f64 = 1440.0;

/// A place where trips start or end, on one side of the border.
#[derive(Clone, Debug, PartialEq)]
pub struct Zone {
    /// The zone's id (e.g. `tijuana`).
    pub id: String,
    /// Index into [`Region::sides`].
    pub side: usize,
    /// The country the zone's trade starts or ends in, when it is not its side's (e.g.
    /// `za` for South Africa behind Zimbabwe's side): its flows are transit for the side,
    /// not the side's exports or imports. `None`: the side's own country.
    pub country: Option<String>,
}

/// A crossing as an alternative in the choice: what the traveller knows about it besides
/// its border time.
#[derive(Clone, Debug, PartialEq)]
pub struct CrossingAlternative {
    /// The crossing's id in the region.
    pub id: String,
    /// Alternative-specific constant (utils), e.g. the preference for a familiar crossing
    /// that travel time and tolls do not explain.
    pub constant: f64,
}

/// The crossing-choice parameters (SANDAG SR-11 Otay Mesa East model by default).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ChoiceParams {
    /// Utils per generalized minute; negative (the logit scale). SANDAG: −0.025.
    pub time_coefficient: f64,
    /// How many driving minutes one minute at the border weighs. SANDAG: 2.5.
    pub border_weight: f64,
    /// How many driving minutes one minute's worth of toll (toll / value of time) weighs.
    /// 1 in the plain definition of generalized cost (time + toll / value of time); SANDAG
    /// prices tolls at the border weight (2.5).
    pub toll_weight: f64,
}

impl Default for ChoiceParams {
    fn default() -> Self {
        ChoiceParams {
            time_coefficient: -0.025,
            border_weight: 2.5,
            toll_weight: 1.0,
        }
    }
}

/// Vehicles per day from one zone to another (on the other side), of one class and,
/// optionally, one commodity group.
#[derive(Clone, Debug, PartialEq)]
pub struct OdDemand {
    /// Index into [`Region::zones`].
    pub origin: usize,
    /// Index into [`Region::zones`], on the other side.
    pub destination: usize,
    /// Index into [`Region::classes`].
    pub class: usize,
    /// The commodity group, for trade by commodity (`None`: not given).
    pub commodity: Option<String>,
    /// The volume the flow would have if the border added no delay.
    pub vehicles_per_day: f64,
    /// Value of the cargo of one vehicle (0 for passengers or empties).
    pub cargo_value: f64,
    /// Money per vehicle-hour, to turn tolls into minutes.
    pub value_of_time_per_h: f64,
    /// Relative change in volume per day of border delay (≤ 0; 0 = fixed demand).
    pub elasticity_per_day: f64,
}

/// A value per crossing × direction × class, stored flat.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Grid<T> {
    crossings: usize,
    classes: usize,
    values: Vec<T>,
}

impl<T: Clone> Grid<T> {
    /// A grid of `crossings` × [`SIDES`] × `classes` cells, each `fill`.
    pub fn new(crossings: usize, classes: usize, fill: T) -> Self {
        Grid {
            crossings,
            classes,
            values: vec![fill; crossings * SIDES * classes],
        }
    }
}

impl<T> Grid<T> {
    fn at(&self, crossing: usize, direction: usize, class: usize) -> usize {
        assert!(crossing < self.crossings && direction < SIDES && class < self.classes);
        (crossing * SIDES + direction) * self.classes + class
    }

    /// The cell of `crossing` × `direction` × `class`.
    ///
    /// # Panics
    ///
    /// If an index is out of range.
    pub fn get(&self, crossing: usize, direction: usize, class: usize) -> &T {
        &self.values[self.at(crossing, direction, class)]
    }

    /// The cell of `crossing` × `direction` × `class`, writable.
    ///
    /// # Panics
    ///
    /// If an index is out of range.
    pub fn get_mut(&mut self, crossing: usize, direction: usize, class: usize) -> &mut T {
        let i = self.at(crossing, direction, class);
        &mut self.values[i]
    }

    /// Replaces the cell of `crossing` × `direction` × `class`.
    ///
    /// # Panics
    ///
    /// If an index is out of range.
    pub fn set(&mut self, crossing: usize, direction: usize, class: usize, value: T) {
        *self.get_mut(crossing, direction, class) = value;
    }

    /// Crossings in the grid.
    pub fn crossings(&self) -> usize {
        self.crossings
    }

    /// Classes in the grid.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// Every cell with its (crossing, direction, class), crossing-major.
    pub fn iter(&self) -> impl Iterator<Item = ((usize, usize, usize), &T)> {
        let classes = self.classes;
        self.values.iter().enumerate().map(move |(i, v)| {
            let class = i % classes;
            let rest = i / classes;
            ((rest / SIDES, rest % SIDES, class), v)
        })
    }
}

/// A border region: everything the choice and demand models need besides border times.
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    /// The region's name, as reports show it.
    pub name: String,
    /// The two sides' ids (e.g. `us`, `mx`).
    pub sides: [String; SIDES],
    /// Every zone, on either side.
    pub zones: Vec<Zone>,
    /// The crossings, as alternatives of the choice.
    pub crossings: Vec<CrossingAlternative>,
    /// Vehicle class ids (they match the crossing models' class ids).
    pub classes: Vec<String>,
    /// Driving minutes from each zone to each crossing, `[zone][crossing]`; `None` where
    /// no road is given.
    pub to_crossing: Vec<Vec<Option<f64>>>,
    /// Driving minutes from each crossing to each zone, `[zone][crossing]`.
    pub from_crossing: Vec<Vec<Option<f64>>>,
    /// Toll per vehicle, by crossing × direction × class.
    pub tolls: Grid<f64>,
    /// The origin–destination flows.
    pub demand: Vec<OdDemand>,
    /// The crossing-choice parameters.
    pub choice: ChoiceParams,
}

impl Region {
    /// The direction of a flow: the index of the side it leaves.
    pub fn direction(&self, od: &OdDemand) -> usize {
        self.zones[od.origin].side
    }

    /// Driving minutes of a flow via a crossing (to it, then from it to the destination);
    /// `None` if either leg is not given.
    pub fn travel_minutes(&self, od: &OdDemand, crossing: usize) -> Option<f64> {
        let to = self.to_crossing[od.origin][crossing]?;
        let from = self.from_crossing[od.destination][crossing]?;
        Some(to + from)
    }

    /// The toll a flow pays at a crossing.
    pub fn toll(&self, od: &OdDemand, crossing: usize) -> f64 {
        *self.tolls.get(crossing, self.direction(od), od.class)
    }
}
