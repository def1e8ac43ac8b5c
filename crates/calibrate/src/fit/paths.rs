//! Reading and writing the values a parameter path names in a scenario's TOML.

use bordersim_config::parse_duration;
use toml::{Table, Value};

use super::spec::Parameter;
use crate::observed::suggestion;

/// The value at `path` in `doc` (an entry of a list of tables named by its `id`).
pub(super) fn get<'a>(doc: &'a Table, path: &str) -> Result<&'a Value, String> {
    let parts: Vec<&str> = path.split('.').collect();
    let mut table = doc;
    let mut i = 0;
    while i < parts.len() {
        let key = parts[i];
        let value = table.get(key).ok_or_else(|| {
            format!(
                "no `{key}` at `{}`{}",
                parts[..i].join("."),
                suggestion(key, table.keys().map(String::as_str))
            )
        })?;
        if i + 1 == parts.len() {
            return Ok(value);
        }
        match value {
            Value::Table(t) => table = t,
            Value::Array(entries) if entries.iter().all(Value::is_table) => {
                let id = parts[i + 1];
                let ids: Vec<&str> = entries
                    .iter()
                    .filter_map(|e| e.get("id").and_then(Value::as_str))
                    .collect();
                let entry = entries
                    .iter()
                    .find(|e| e.get("id").and_then(Value::as_str) == Some(id))
                    .ok_or_else(|| format!("`{key}` has no entry `{id}`{}", suggestion(id, ids)))?;
                if i + 2 == parts.len() {
                    return Ok(entry);
                }
                table = entry.as_table().ok_or("not a table")?;
                i += 1;
            }
            _ => {
                return Err(format!(
                    "`{key}` is not a table: `{path}` goes through a value"
                ));
            }
        }
        i += 1;
    }
    Err("the path is empty".into())
}

/// The value at `path` in `doc`, for writing (the path exists: checked by [`get`]).
pub(super) fn get_mut<'a>(doc: &'a mut Table, path: &str) -> Option<&'a mut Value> {
    let parts: Vec<&str> = path.split('.').collect();
    let mut table = doc;
    let mut i = 0;
    loop {
        let key = parts[i];
        if i + 1 == parts.len() {
            return table.get_mut(key);
        }
        match table.get_mut(key)? {
            Value::Table(t) => table = t,
            Value::Array(entries) => {
                let id = parts[i + 1];
                let entry = entries
                    .iter_mut()
                    .find(|e| e.get("id").and_then(Value::as_str) == Some(id))?;
                if i + 2 == parts.len() {
                    return Some(entry);
                }
                table = entry.as_table_mut()?;
                i += 1;
            }
            _ => return None,
        }
        i += 1;
    }
}

/// The number a value holds: seconds of a duration string, else the number.
pub(super) fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::String(s) => parse_duration(s).ok().map(|ms| ms / 1000.0),
        _ => None,
    }
}

/// Writes `x` (seconds or a number) as the kind of value `like` is.
pub(super) fn like(like: &Value, x: f64) -> Value {
    match like {
        Value::String(_) => Value::String(format!("{}ms", (x * 1000.0).round().max(0.0))),
        Value::Integer(_) => Value::Integer(x.round().max(0.0) as i64),
        _ => Value::Float(x),
    }
}

/// Sets parameter `p` to `x` in `doc` (its initial values read from `base`).
pub(super) fn set(doc: &mut Table, base: &Table, p: &Parameter, x: f64) {
    let Ok(original) = get(base, &p.path).cloned() else {
        return;
    };
    let Some(target) = get_mut(doc, &p.path) else {
        return;
    };
    let value = |old: &Value| {
        if p.scale {
            like(old, number_of(old).unwrap_or(0.0) * x)
        } else {
            like(old, x)
        }
    };
    match (&original, p.hours) {
        (Value::Array(values), Some([a, b])) => {
            let new: Vec<Value> = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let h = (i % 24) as u8;
                    if (a..=b).contains(&h) {
                        value(v)
                    } else {
                        v.clone()
                    }
                })
                .collect();
            *target = Value::Array(new);
        }
        (Value::Array(values), None) => {
            *target = Value::Array(values.iter().map(value).collect());
        }
        (v, _) => *target = value(v),
    }
}

/// The initial value of parameter `p` in `doc`, within its bounds: the value there (the
/// band's mean for an hour band), or 1 for a factor.
pub(super) fn initial(doc: &Table, p: &Parameter) -> f64 {
    let x = if p.scale {
        1.0
    } else {
        match (get(doc, &p.path), p.hours) {
            (Ok(Value::Array(v)), Some([a, b])) => {
                let band: Vec<f64> = v
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| (a..=b).contains(&((i % 24) as u8)))
                    .filter_map(|(_, x)| number_of(x))
                    .collect();
                band.iter().sum::<f64>() / band.len().max(1) as f64
            }
            (Ok(v), _) => number_of(v).unwrap_or(p.min),
            _ => p.min,
        }
    };
    x.clamp(p.min, p.max)
}
