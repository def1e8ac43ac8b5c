//! What one replication measures. Fixed-size: memory depends on the model (stations ×
//! classes), never on the number of vehicles.

use bordersim_stats::{Tally, TimeWeighted};

/// Vehicle counts over the observation window (after warm-up). Conservation:
/// `in_system_at_start + arrived == departed + balked + in_system_at_end`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VehicleCounts {
    /// In the system when the window opened (at the end of warm-up).
    pub in_system_at_start: u64,
    pub arrived: u64,
    pub departed: u64,
    pub balked: u64,
    pub in_system_at_end: u64,
}

impl VehicleCounts {
    pub fn is_conserved(&self) -> bool {
        self.in_system_at_start + self.arrived
            == self.departed + self.balked + self.in_system_at_end
    }

    pub fn add(&mut self, other: &VehicleCounts) {
        self.in_system_at_start += other.in_system_at_start;
        self.arrived += other.arrived;
        self.departed += other.departed;
        self.balked += other.balked;
        self.in_system_at_end += other.in_system_at_end;
    }
}

/// One station over the observation window.
#[derive(Clone, Debug)]
pub struct StationStats {
    /// Waiting time in queue (end of queue to start of service), per class.
    pub wait_by_class: Vec<Tally>,
    /// Vehicles in queue (not in service).
    pub queue_length: TimeWeighted,
    /// Servers busy.
    pub busy_servers: TimeWeighted,
    /// Servers open (staffed); constant today, follows lane schedules when they exist.
    pub open_servers: TimeWeighted,
    /// Vehicles that finished service here.
    pub served: u64,
    /// Vehicles that joined this station's queue.
    pub entered: u64,
}

impl StationStats {
    pub fn new(classes: usize, servers: u32) -> Self {
        let mut open_servers = TimeWeighted::new();
        open_servers.set(0, u64::from(servers));
        StationStats {
            wait_by_class: (0..classes).map(|_| Tally::new()).collect(),
            queue_length: TimeWeighted::new(),
            busy_servers: TimeWeighted::new(),
            open_servers,
            served: 0,
            entered: 0,
        }
    }

    /// Waiting times of every class together.
    pub fn wait(&self) -> Tally {
        let mut all = Tally::new();
        for t in &self.wait_by_class {
            all.merge(t);
        }
        all
    }

    fn reset(&mut self, now_ms: u64) {
        self.wait_by_class.iter_mut().for_each(Tally::reset);
        self.queue_length.reset(now_ms);
        self.busy_servers.reset(now_ms);
        self.open_servers.reset(now_ms);
        self.served = 0;
        self.entered = 0;
    }
}

/// One vehicle class over the observation window.
#[derive(Clone, Debug, Default)]
pub struct ClassStats {
    /// Arrival at the crossing to exit, for vehicles that left during the window.
    pub time_in_system: Tally,
    pub arrived: u64,
    pub departed: u64,
}

impl ClassStats {
    fn reset(&mut self) {
        self.time_in_system.reset();
        self.arrived = 0;
        self.departed = 0;
    }
}

/// Everything one replication measured.
#[derive(Clone, Debug)]
pub struct ReplicationStats {
    pub replication: u64,
    /// Start and end of the observation window, ms.
    pub window_start_ms: u64,
    pub window_end_ms: u64,
    pub stations: Vec<StationStats>,
    pub classes: Vec<ClassStats>,
    pub vehicles: VehicleCounts,
    /// Events processed over the whole run (warm-up included).
    pub events: u64,
}

impl ReplicationStats {
    pub(crate) fn new(replication: u64, classes: usize, servers: &[u32]) -> Self {
        ReplicationStats {
            replication,
            window_start_ms: 0,
            window_end_ms: 0,
            stations: servers
                .iter()
                .map(|&c| StationStats::new(classes, c))
                .collect(),
            classes: (0..classes).map(|_| ClassStats::default()).collect(),
            vehicles: VehicleCounts::default(),
            events: 0,
        }
    }

    /// Opens the observation window at `now_ms` with `in_system` vehicles present.
    pub(crate) fn reset(&mut self, now_ms: u64, in_system: u64) {
        self.window_start_ms = now_ms;
        self.stations.iter_mut().for_each(|s| s.reset(now_ms));
        self.classes.iter_mut().for_each(ClassStats::reset);
        self.vehicles = VehicleCounts {
            in_system_at_start: in_system,
            ..VehicleCounts::default()
        };
    }

    /// Length of the observation window in hours.
    pub fn window_hours(&self) -> f64 {
        (self.window_end_ms - self.window_start_ms) as f64 / 3_600_000.0
    }

    /// Time in system of every class together.
    pub fn time_in_system(&self) -> Tally {
        let mut all = Tally::new();
        for c in &self.classes {
            all.merge(&c.time_in_system);
        }
        all
    }
}
