//! The JSON Schema of a sweep plan (`bordersim schema sweep`), written out by hand from
//! the plan's fields (the plan's reader keeps where each value is written, types no schema
//! generator reads); a test checks that every field the reader takes is in it.

use serde_json::{Value, json};

/// The schema of a sweep plan, without its title.
pub(crate) fn sweep_schema() -> Value {
    let files = |what: &str| {
        json!({
            "type": "array",
            "items": { "type": "string" },
            "minItems": 1,
            "description": what,
        })
    };
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "description": "A sweep plan: a study as one file, run by `bordersim sweep PLAN` (docs/sweeps.md).",
        "type": "object",
        "additionalProperties": false,
        "required": ["sweep"],
        "properties": {
            "sweep": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "replications"],
                "description": "The study: its name, base scenario, replications, seed and how its axes combine.",
                "properties": {
                    "name": { "type": "string", "description": "The study's name." },
                    "scenario": {
                        "type": "string",
                        "description": "The base scenario file, relative to the plan file (or give an axis of `scenario` files instead).",
                    },
                    "region": {
                        "type": "string",
                        "description": "A base region file instead of a scenario, relative to the plan file: each point is one equilibrium of the region over all its replications.",
                    },
                    "replications": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "Replications of every point.",
                    },
                    "block": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "Replications per work unit [default: all of a point's].",
                    },
                    "seed": {
                        "type": "integer",
                        "minimum": 0,
                        "description": "The master seed [default: the base scenario's]; replication r of every point is seeded from it and r alone (common random numbers).",
                    },
                    "combine": {
                        "type": "string",
                        "enum": ["grid", "zip"],
                        "default": "grid",
                        "description": "\"grid\": every combination of the axes' values (the first axis varies slowest); \"zip\": the axes' values in pairs.",
                    },
                    "outputs": {
                        "type": "array",
                        "items": { "type": "string", "enum": crate::sweep::OUTPUTS },
                        "minItems": 1,
                        "default": ["time_in_system"],
                        "description": "The metrics drawn as response curves and written as rows of the CSV: time_in_system (the crossing's time in system), wait and wait_p95 (each station's mean wait and 95th percentile), queue (each station's mean queue length), throughput (each station's vehicles per hour), utilization (each station's busy share of its staffed lanes), cost (the crossing's total cost per day).",
                    },
                    "baseline": {
                        "type": "object",
                        "additionalProperties": true,
                        "description": "The point every point is compared with: axis name = value (axes not named: their first value) [default: the first point].",
                    },
                },
            },
            "axis": {
                "type": "array",
                "description": "The axes, in order.",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name"],
                    "description": "One axis: `path` with `values` or `range`; or `policy`; or `demand` (with `class`); or `scenario`; or `region`.",
                    "properties": {
                        "name": { "type": "string", "description": "The axis's name (a column of the output)." },
                        "path": {
                            "type": "string",
                            "description": "A scenario parameter, by its [[override]] path (docs/policies.md), e.g. \"stations.nb-primary.servers\".",
                        },
                        "values": {
                            "type": "array",
                            "minItems": 1,
                            "description": "The parameter's values, written as in a scenario file.",
                        },
                        "range": {
                            "type": "array",
                            "items": { "type": "integer" },
                            "minItems": 2,
                            "maxItems": 3,
                            "description": "[from, to] or [from, to, step] (whole numbers, inclusive, ascending).",
                        },
                        "policy": files("Policy files, relative to the plan file; \"none\": no policy."),
                        "demand": {
                            "type": "array",
                            "items": { "type": "number", "exclusiveMinimum": 0 },
                            "minItems": 1,
                            "description": "Factors by which every source's arrival rate (`rate`, each hour of `profile`) is multiplied; 1 = as the scenario has it.",
                        },
                        "class": {
                            "type": "string",
                            "description": "With `demand`: scale only the sources of this vehicle class.",
                        },
                        "scenario": files("Base scenario files, relative to the plan file (instead of [sweep] scenario)."),
                        "crossing": {
                            "type": "string",
                            "description": "With `path`, in a region plan: the id of the crossing whose parameter the axis varies (or write the path as `crossings.<id>.<path>`).",
                        },
                        "region": files("Base region files, relative to the plan file (instead of [sweep] region)."),
                    },
                },
            },
        },
    })
}
