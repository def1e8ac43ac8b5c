//! The shape of a type's `Deserialize`, found by asking it: a deserializer that records
//! what the type asks for (a table and its keys, an array, an optional value, a string, a
//! number…) and then stops it with an error. Used for the policy file, whose sections come
//! from the reform catalogue: each measure's entry type is read this way, so the policy
//! schema lists exactly the keys the loader accepts.
//!
//! One probe follows one path of keys from the root: at each table it offers only the next
//! key of the path, and where the path ends it records what it finds. Walking every key of
//! every table found gives the whole tree.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value, json};

/// The struct name and value field through which `toml::Spanned` deserializes (a value
/// with its place in the file, written in the file as the value alone).
const SPANNED: &str = "$__serde_spanned_private_Spanned";
const SPANNED_VALUE: &str = "$__serde_spanned_private_value";

/// What a type asks for at one place, innermost last: `[Optional, Array, Table{..}]` for an
/// `Option<Vec<Struct>>`.
#[derive(Clone, Debug, PartialEq)]
enum Layer {
    Optional,
    Array,
    /// A table of values of the same kind, by any key.
    KeyedBy,
    /// A table with these keys.
    Table(&'static [&'static str]),
    /// One of these words.
    Words(&'static [&'static str]),
    Boolean,
    Integer,
    Number,
    Text,
    /// Anything the type's visitor accepts, described by what it expects.
    Any(String),
}

#[derive(Debug)]
struct Stop(String);

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Stop(msg.to_string())
    }
}

/// Follows `path` (table keys) and records the layers found where it ends.
struct Probe<'p> {
    path: &'p [&'static str],
    layers: &'p RefCell<Vec<Layer>>,
}

impl Probe<'_> {
    /// Records a layer of the place the path leads to (not of the tables on the way).
    fn push(&self, layer: Layer) {
        if self.path.is_empty() {
            self.layers.borrow_mut().push(layer);
        }
    }

    fn stop<T>(&self, layer: Layer) -> Result<T, Stop> {
        self.push(layer);
        Err(Stop("probed".into()))
    }
}

macro_rules! leaf {
    ($($method:ident => $layer:expr),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Stop> {
                self.stop($layer)
            }
        )*
    };
}

impl<'de> Deserializer<'de> for Probe<'_> {
    type Error = Stop;

    leaf! {
        deserialize_bool => Layer::Boolean,
        deserialize_i8 => Layer::Integer,
        deserialize_i16 => Layer::Integer,
        deserialize_i32 => Layer::Integer,
        deserialize_i64 => Layer::Integer,
        deserialize_u8 => Layer::Integer,
        deserialize_u16 => Layer::Integer,
        deserialize_u32 => Layer::Integer,
        deserialize_u64 => Layer::Integer,
        deserialize_f32 => Layer::Number,
        deserialize_f64 => Layer::Number,
        deserialize_char => Layer::Text,
        deserialize_str => Layer::Text,
        deserialize_string => Layer::Text,
        deserialize_identifier => Layer::Text,
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.stop(Layer::Any(expecting(&visitor)))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.push(Layer::Optional);
        visitor.visit_some(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.push(Layer::Array);
        visitor.visit_seq(de::value::SeqDeserializer::new(std::iter::once(self)))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.push(Layer::KeyedBy);
        keyed("key", self, visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        // A `toml::Spanned<T>` is written as its `T`: probe the value inside.
        if name == SPANNED {
            return keyed(SPANNED_VALUE, self, visitor);
        }
        match self.path.split_first() {
            None => self.stop(Layer::Table(fields)),
            Some((first, rest)) => keyed(
                first,
                Probe {
                    path: rest,
                    layers: self.layers,
                },
                visitor,
            ),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Stop> {
        self.stop(Layer::Words(variants))
    }

    serde::forward_to_deserialize_any! {
        i128 u128 bytes byte_buf unit unit_struct newtype_struct tuple tuple_struct
        ignored_any
    }
}

fn expecting<'de, V: Visitor<'de>>(visitor: &V) -> String {
    struct Expecting<'v, V>(&'v V);
    impl<'de, V: Visitor<'de>> fmt::Display for Expecting<'_, V> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)
        }
    }
    Expecting(visitor).to_string()
}

/// Gives `visitor` a table of the one key `key`, whose value is `probe`.
fn keyed<'de, V: Visitor<'de>>(
    key: &'static str,
    probe: Probe<'_>,
    visitor: V,
) -> Result<V::Value, Stop> {
    let entry = (de::value::BorrowedStrDeserializer::new(key), probe);
    visitor.visit_map(de::value::MapDeserializer::new(std::iter::once(entry)))
}

impl<'de> de::IntoDeserializer<'de, Stop> for Probe<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

/// The layers `T` asks for at `path`.
fn layers_at<T: DeserializeOwned>(path: &[&'static str]) -> Vec<Layer> {
    let layers = RefCell::new(Vec::new());
    let _ = T::deserialize(Probe {
        path,
        layers: &layers,
    });
    layers.into_inner()
}

/// The JSON Schema of what `T` reads at `path`, its tables described recursively; whether
/// the value may be left out is the second value.
fn schema_at<T: DeserializeOwned>(path: &mut Vec<&'static str>) -> (Value, bool) {
    let layers = layers_at::<T>(path);
    let optional = layers.first() == Some(&Layer::Optional);
    (schema_of::<T>(&layers, path), optional)
}

fn schema_of<T: DeserializeOwned>(layers: &[Layer], path: &mut Vec<&'static str>) -> Value {
    let Some((layer, inner)) = layers.split_first() else {
        return json!({});
    };
    match layer {
        Layer::Optional => schema_of::<T>(inner, path),
        Layer::Array => json!({ "type": "array", "items": schema_of::<T>(inner, path) }),
        Layer::KeyedBy => {
            json!({ "type": "object", "additionalProperties": schema_of::<T>(inner, path) })
        }
        Layer::Table(fields) => table::<T>(fields, path),
        Layer::Words(words) => json!({ "type": "string", "enum": words }),
        Layer::Boolean => json!({ "type": "boolean" }),
        Layer::Integer => json!({ "type": "integer" }),
        Layer::Number => json!({ "type": "number" }),
        Layer::Text => json!({ "type": "string" }),
        Layer::Any(expected) if expected == "a table" => json!({ "type": "object" }),
        Layer::Any(expected) => {
            // What the type's visitor expects, as a sentence: "Any valid TOML value."
            let mut sentence: String = expected
                .chars()
                .take(1)
                .flat_map(char::to_uppercase)
                .collect();
            sentence.extend(expected.chars().skip(1));
            json!({ "description": format!("{sentence}.") })
        }
    }
}

/// A table with `fields`, each described by probing it.
fn table<T: DeserializeOwned>(fields: &[&'static str], path: &mut Vec<&'static str>) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for &field in fields {
        path.push(field);
        let (schema, optional) = schema_at::<T>(path);
        path.pop();
        // A field that is neither optional nor defaulted makes the type fail without it:
        // find out by reading a table without it (the error names the missing field).
        if !optional && missing_is_an_error::<T>(path, field) {
            required.push(Value::String(field.into()));
        }
        properties.insert(field.into(), schema);
    }
    let mut table = json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        table["required"] = Value::Array(required);
    }
    table
}

macro_rules! fill {
    ($($method:ident $_t:ident => $visit:ident($value:expr)),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
                visitor.$visit($value)
            }
        )*
    };
}

/// Whether the table at `path` of `T` reports `field` missing when given every other key
/// (each with a value its type accepts).
fn missing_is_an_error<T: DeserializeOwned>(path: &[&'static str], field: &str) -> bool {
    match T::deserialize(Filler { path, omit: field }) {
        Ok(_) => false,
        Err(Stop(message)) => message == format!("missing field `{field}`"),
    }
}

/// Gives every type a value it accepts (false, 0, "x", empty arrays and tables, the first
/// word of an enum), following `path` to the table where `omit` is left out; every other
/// table gets all its keys.
#[derive(Clone, Copy)]
struct Filler<'p> {
    path: &'p [&'static str],
    omit: &'p str,
}

impl Filler<'_> {
    /// Whether this value leads to the table with the key left out (so arrays, tables and
    /// optional values on the way hold one value).
    fn leads_on(&self) -> bool {
        !self.path.is_empty() || !self.omit.is_empty()
    }
}

impl<'de> Deserializer<'de> for Filler<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_str("x")
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_bool(false)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_u64(0)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_f64(0.0)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        if !self.leads_on() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        let items = if self.leads_on() { vec![self] } else { vec![] };
        visitor.visit_seq(de::value::SeqDeserializer::new(items.into_iter()))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        let entries = if self.leads_on() {
            vec![("key", self)]
        } else {
            vec![]
        };
        visitor.visit_map(de::value::MapDeserializer::new(entries.into_iter()))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        if name == SPANNED {
            // A place in the file (0..0) and the value, which follows the path on.
            return visitor.visit_map(SpannedFill {
                fields: fields.iter(),
                current: "",
                value: self,
            });
        }
        let next = self.path.split_first();
        let entries: Vec<(&'static str, Filler<'_>)> = fields
            .iter()
            .filter(|f| next.is_some() || **f != self.omit)
            .map(|&f| {
                let path = match next {
                    Some((first, rest)) if *first == f => rest,
                    _ => &[],
                };
                let omit = if next.is_some_and(|(first, _)| *first == f) {
                    self.omit
                } else {
                    ""
                };
                (f, Filler { path, omit })
            })
            .collect();
        visitor.visit_map(de::value::MapDeserializer::new(entries.into_iter()))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        let first = variants.first().copied().unwrap_or_default();
        visitor.visit_enum(de::IntoDeserializer::<Stop>::into_deserializer(first))
    }

    fill! {
        deserialize_i8 i16 => visit_u64(0),
        deserialize_i16 i16 => visit_u64(0),
        deserialize_i32 i32 => visit_u64(0),
        deserialize_u8 u8 => visit_u64(0),
        deserialize_u16 u16 => visit_u64(0),
        deserialize_u32 u32 => visit_u64(0),
        deserialize_u64 u64 => visit_u64(0),
        deserialize_f32 f32 => visit_f64(0.0),
        deserialize_char char => visit_str("x"),
        deserialize_str str => visit_str("x"),
        deserialize_string string => visit_str("x"),
        deserialize_identifier identifier => visit_str("x"),
    }

    serde::forward_to_deserialize_any! {
        i128 u128 bytes byte_buf unit unit_struct newtype_struct tuple tuple_struct
        ignored_any
    }
}

/// A `Spanned` as the filler gives it: a place in the file (0..0), then the value.
struct SpannedFill<'p> {
    fields: std::slice::Iter<'static, &'static str>,
    current: &'static str,
    value: Filler<'p>,
}

impl<'de> MapAccess<'de> for SpannedFill<'_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        match self.fields.next() {
            Some(&field) => {
                self.current = field;
                seed.deserialize(de::value::BorrowedStrDeserializer::new(field))
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        if self.current == SPANNED_VALUE {
            seed.deserialize(self.value)
        } else {
            seed.deserialize(de::IntoDeserializer::<Stop>::into_deserializer(0u64))
        }
    }
}

impl<'de> de::IntoDeserializer<'de, Stop> for Filler<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

/// The JSON Schema of a policy file: `[policy]` and one section per measure of the
/// catalogue (an array of tables), each described by its help line and WTO article.
pub(crate) fn policy_schema() -> schemars::Schema {
    use crate::policy::schema::{RawPolicy, RawPolicyMeta};
    let mut root = file_schema::<RawPolicy>();
    let catalogue = crate::policy_catalogue();
    if let Some(Value::Object(properties)) = root.get_mut("properties") {
        for (name, schema) in properties.iter_mut() {
            let description = if name == "policy" {
                "`[policy]`: the policy's name, what it is, the baseline it was written for \
                 and, in a region, the crossing it changes."
                    .to_owned()
            } else if let Some(m) = catalogue.iter().find(|m| m.name == name) {
                match m.article {
                    Some(article) => format!(
                        "`[[{name}]]`: {} (WTO Trade Facilitation Agreement, Art. {article}).",
                        m.help
                    ),
                    None => format!("`[[{name}]]`: {}.", m.help),
                }
            } else {
                continue;
            };
            if let Value::Object(s) = schema {
                s.insert("description".into(), Value::String(description));
            }
        }
    }
    // What the probe cannot see — doc comments, defaults, closed sets of words, bounds —
    // from each entry type's own JSON Schema.
    let mut documented = Documented(Map::new());
    documented
        .0
        .insert("policy".into(), documented_schema::<RawPolicyMeta>(false));
    crate::policy::measures::catalogue(&mut documented);
    if let Some(Value::Object(properties)) = root.get_mut("properties") {
        for (name, schema) in properties.iter_mut() {
            if let Some(doc) = documented.0.get(name) {
                overlay(schema, doc);
            }
        }
    }
    schemars::Schema::try_from(root).unwrap_or_default()
}

/// Each measure's entry schema from its serde type's doc comments and attributes, by
/// section name.
struct Documented(Map<String, Value>);

impl crate::policy::measure::EachMeasure for Documented {
    fn measure<M: crate::policy::measure::Measure>(&mut self) {
        self.0
            .insert(M::NAME.into(), documented_schema::<M::Raw>(true));
    }
}

/// The JSON Schema schemars derives for `T` (every definition inlined, tidied as the other
/// schemas are), as an array of them when `array`.
fn documented_schema<T: schemars::JsonSchema>(array: bool) -> Value {
    let mut settings = schemars::generate::SchemaSettings::draft07();
    settings.inline_subschemas = true;
    let mut value = settings.into_generator().root_schema_for::<T>().to_value();
    crate::schema_export::tidy_value(&mut value);
    if array {
        json!({ "type": "array", "items": value })
    } else {
        value
    }
}

/// Copies into the probed `schema` what the documented one says and the probe cannot see
/// (description, default, enum, bounds, pattern, examples), field by field, recursively.
fn overlay(schema: &mut Value, documented: &Value) {
    let Value::Object(map) = schema else { return };
    // A documented field written through a reference or a one-element `allOf`.
    let doc = match documented.get("allOf").and_then(|a| a.get(0)) {
        Some(inner) if documented.get("properties").is_none() => {
            let mut merged = inner.clone();
            if let (Value::Object(m), Value::Object(outer)) = (&mut merged, documented) {
                for (k, v) in outer {
                    if k != "allOf" {
                        m.insert(k.clone(), v.clone());
                    }
                }
            }
            merged
        }
        _ => documented.clone(),
    };
    for key in [
        "description",
        "default",
        "enum",
        "minimum",
        "maximum",
        "pattern",
        "examples",
    ] {
        // `#[serde(default)]` on an optional field is a `null` default TOML cannot write.
        if let Some(v) = doc.get(key).filter(|v| !v.is_null())
            && !map.contains_key(key)
        {
            map.insert(key.into(), v.clone());
        }
    }
    if let (Some(Value::Object(props)), Some(Value::Object(doc_props))) =
        (map.get_mut("properties"), doc.get("properties"))
    {
        for (k, v) in props.iter_mut() {
            if let Some(d) = doc_props.get(k) {
                overlay(v, d);
            }
        }
    }
    for key in ["items", "additionalProperties"] {
        if let (Some(inner), Some(d)) = (map.get_mut(key), doc.get(key))
            && inner.is_object()
        {
            overlay(inner, d);
        }
    }
}

/// The JSON Schema of the file `T` reads, every table described by probing it.
pub(crate) fn file_schema<T: DeserializeOwned>() -> Value {
    let mut root = table::<T>(layers_root::<T>(), &mut Vec::new());
    root["$schema"] = json!("http://json-schema.org/draft-07/schema#");
    root
}

fn layers_root<T: DeserializeOwned>() -> &'static [&'static str] {
    match layers_at::<T>(&[]).as_slice() {
        [Layer::Table(fields)] => fields,
        _ => &[],
    }
}
