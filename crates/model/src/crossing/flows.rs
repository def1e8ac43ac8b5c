//! The traffic equations of a crossing: mean arrival rates at each station (λ = λ₀ + λP),
//! offered loads, and the time through an empty crossing.

use bordersim_des::SimTime;

use super::Crossing;
use crate::ids::{ClassId, ProgrammeId, StationId, decode_queue_key};
use crate::population::{Channel, VehicleKey};
use crate::station::PreLodged;

impl Crossing {
    /// Mean arrival rate at each station per class (vehicles per hour), from the traffic
    /// equations λ = λ₀ + λP over every vehicle kind, solved by fixed-point iteration
    /// (converges because every station leads to an exit). `horizon` spreads trace arrivals.
    pub fn arrival_rates_per_hour(&self, horizon: SimTime) -> Vec<Vec<f64>> {
        let programmes = self.population.programmes.len().max(1);
        self.arrival_rates_by_kind(horizon)
            .into_iter()
            .map(|per_kind| {
                per_kind
                    .chunks(programmes)
                    .map(|per_programme| per_programme.iter().sum())
                    .collect()
            })
            .collect()
    }

    /// Mean arrival rate at each station per (class, programme), indexed
    /// `class × programmes + programme`, vehicles per hour.
    pub fn arrival_rates_by_kind(&self, horizon: SimTime) -> Vec<Vec<f64>> {
        let n = self.stations.len();
        let classes = self.class_count();
        let programmes = self.population.programmes.len();
        let mut rates = vec![vec![0.0; classes * programmes]; n];
        for src in &self.sources {
            let per_class = src.mean_rates_per_hour(classes, horizon);
            for (c, rate) in per_class.into_iter().enumerate() {
                if rate <= 0.0 {
                    continue;
                }
                let class = &self.population.classes[c];
                for (p, share) in class.programme_shares.iter().enumerate() {
                    for ch in Channel::ALL {
                        let mut pc = class.channel_probabilities[p][ch.index()];
                        // Random selection turns a share of every channel into red.
                        pc = if ch == Channel::Red {
                            pc + (1.0 - pc) * class.random_inspection
                        } else {
                            pc * (1.0 - class.random_inspection)
                        };
                        let lam0 = rate * share * pc;
                        if lam0 <= 0.0 {
                            continue;
                        }
                        let key = VehicleKey {
                            class: ClassId(c as u16),
                            programme: ProgrammeId(p as u8),
                            channel: ch,
                        };
                        let flow = self.flow_of(key, src.entry, lam0);
                        for (s, f) in flow.into_iter().enumerate() {
                            rates[s][c * programmes + p] += f;
                        }
                    }
                }
            }
        }
        rates
    }

    fn flow_of(&self, key: VehicleKey, entry: StationId, lam0: f64) -> Vec<f64> {
        crate::validation::station_flows(&self.stations, key, entry, lam0)
    }

    /// Offered work at each station per vehicle kind (`class × programmes + programme`, as
    /// [`Crossing::arrival_rates_by_kind`]), in erlangs (hours of service per hour),
    /// averaged over the week: λ E\[S\], with pre-lodged vehicles skipping the station or
    /// served faster as it treats them. 0 at a station merged into a joint stop (vehicles
    /// pass without stopping) and for a kind the station does not serve.
    pub fn offered_work_by_kind(&self, horizon: SimTime) -> Vec<Vec<f64>> {
        let rates = self.arrival_rates_by_kind(horizon);
        let programmes = self.population.programmes.len().max(1);
        self.stations
            .iter()
            .zip(rates)
            .enumerate()
            .map(|(i, (st, mut per_kind))| {
                for (k, lam) in per_kind.iter_mut().enumerate() {
                    if st.merged_into.is_some() {
                        *lam = 0.0;
                        continue;
                    }
                    let (class, programme) = decode_queue_key(k, programmes);
                    let share =
                        self.population.classes[class.index()].pre_lodged_share_in(st.direction);
                    let work = match st.pre_lodged {
                        PreLodged::Same => 1.0,
                        PreLodged::Skip => 1.0 - share,
                        PreLodged::Scale(f) => 1.0 - share + share * f,
                    };
                    // In hours of work per hour (erlangs): a rate near the largest float
                    // times a service in ms would overflow where the load does not.
                    *lam = self
                        .effective_service(StationId(i as u32), class, programme)
                        .map_or(0.0, |d| {
                            *lam * work * (d.mean_ms() / SimTime::MS_PER_HOUR as f64)
                        });
                }
                per_kind
            })
            .collect()
    }

    /// Offered load per open server at each station, averaged over the week:
    /// Σ λ E\[S\] over (class, programme) / mean open servers
    /// ([`Crossing::offered_work_by_kind`] over the station's mean servers). A value ≥ 1
    /// means the queue grows without bound.
    pub fn offered_loads(&self, horizon: SimTime) -> Vec<f64> {
        self.stations
            .iter()
            .zip(self.offered_work_by_kind(horizon))
            .map(|(st, per_kind)| {
                if st.merged_into.is_some() {
                    return 0.0; // vehicles pass without stopping
                }
                let erlangs: f64 = per_kind.iter().sum();
                let servers = st.mean_servers();
                if servers <= 0.0 {
                    f64::INFINITY
                } else {
                    erlangs / servers
                }
            })
            .collect()
    }
}
