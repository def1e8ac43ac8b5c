//! A crossing's booked arrival slots ([`Appointment`]), checked against its sources.

use crate::appointments::{Appointment, AppointmentError, check};
use crate::source::Arrivals;

use super::Crossing;

impl Crossing {
    /// The crossing with these booking systems (see [`crate::appointments`]).
    ///
    /// # Errors
    ///
    /// Every problem found, each with the appointment's index and field: a share outside
    /// [0, 1], a slot that does not divide an hour, a capacity of zero in every hour with a
    /// share above zero, a horizon shorter than a slot (or too long), an empty waiting area,
    /// a bad value of time, a station where no source of the class enters, a class or
    /// programme or station that does not exist.
    pub fn with_appointments(
        mut self,
        appointments: Vec<Appointment>,
    ) -> Result<Self, Vec<AppointmentError>> {
        let mut errors = Vec::new();
        for (i, a) in appointments.iter().enumerate() {
            let mut missing = |field, what: String| {
                errors.push(AppointmentError {
                    index: i,
                    field,
                    message: format!("{what} does not exist"),
                });
            };
            if a.station.index() >= self.stations.len() {
                missing("station", format!("station {}", a.station.index()));
                continue;
            }
            if a.class.index() >= self.population.classes.len() {
                missing("class", format!("class {}", a.class.index()));
                continue;
            }
            if a.programme
                .is_some_and(|p| p.index() >= self.population.programmes.len())
            {
                missing("programme", "the programme".to_owned());
                continue;
            }
            let entry_ok = self.sources.iter().any(|s| {
                s.entry == a.station
                    && match &s.arrivals {
                        Arrivals::Poisson { class, .. }
                        | Arrivals::Profile { class, .. }
                        | Arrivals::Thinned { class, .. } => *class == a.class,
                        Arrivals::Trace { arrivals } => arrivals.iter().any(|r| r.class == a.class),
                    }
            });
            errors.extend(check(a, i, entry_ok));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        self.appointments = appointments;
        Ok(self)
    }

    /// The booking systems (empty: nobody books).
    pub fn appointments(&self) -> &[Appointment] {
        &self.appointments
    }
}
