//! Durations and rates as written: a string with a unit, or a bare number kept so that
//! validation can say which unit to add and where.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// A duration as written: a string with a unit (`"90s"`). A bare number is kept (not
/// rejected by serde) so that validation can say which unit to add and where.
#[derive(Clone, Debug, PartialEq)]
pub enum RawDuration {
    /// A number and a unit, e.g. `"90s"`, `"2.5min"`.
    Text(String),
    /// A bare number: an error (no unit), kept to say so precisely.
    Number(f64),
}

/// A rate as written: a string with a time unit (`"30/h"`). A bare number is kept so that
/// validation can say which unit to add and where.
#[derive(Clone, Debug, PartialEq)]
pub enum RawRate {
    /// A count per unit of time, e.g. `"30/h"`.
    Text(String),
    /// A bare number: an error (no unit), kept to say so precisely.
    Number(f64),
}

pub(super) enum Quantity {
    Text(String),
    Number(f64),
}

pub(super) struct QuantityVisitor(pub(super) &'static str);

impl Visitor<'_> for QuantityVisitor {
    type Value = Quantity;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Quantity, E> {
        Ok(Quantity::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Quantity, E> {
        Ok(Quantity::Text(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
        Ok(Quantity::Number(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
        Ok(Quantity::Number(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Quantity, E> {
        Ok(Quantity::Number(v))
    }
}

impl<'de> Deserialize<'de> for RawDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let q = d.deserialize_any(QuantityVisitor(
            "a duration: a string with a unit, like \"90s\" or \"2.5min\"",
        ))?;
        Ok(match q {
            Quantity::Text(s) => RawDuration::Text(s),
            Quantity::Number(n) => RawDuration::Number(n),
        })
    }
}

impl<'de> Deserialize<'de> for RawRate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let q = d.deserialize_any(QuantityVisitor(
            "a rate: a string with a time unit, like \"30/h\"",
        ))?;
        Ok(match q {
            Quantity::Text(s) => RawRate::Text(s),
            Quantity::Number(n) => RawRate::Number(n),
        })
    }
}
