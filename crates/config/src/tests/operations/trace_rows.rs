//! Operations loader tests: traces: bad rows.

use super::*;
use crate::tests::at;

#[test]
fn trace_with_a_malformed_time() {
    let trace = TRACE.replace("90.5,", "1:75,");
    let d = trace_one(
        &trace,
        "row 2, column time",
        &[
            "arrivals.csv:3:1: row 2, column time:",
            "seconds from time zero",
        ],
    );
    assert_eq!(d.column, 1);
    let trace = TRACE.replace("90.5,", "soon,");
    trace_one(&trace, "row 2, column time", &["`soon` is not a time"]);
    let trace = TRACE.replace("90.5,", "-5,");
    trace_one(&trace, "row 2, column time", &["`-5` is negative"]);
    let trace = TRACE.replace("90.5,", ",");
    trace_one(&trace, "row 2, column time", &["the time is empty"]);
}

#[test]
fn trace_with_unknown_names() {
    let d = trace_one(
        &TRACE.replace("600s,reefer", "600s,lorry"),
        "row 3, column class",
        &["unknown class `lorry`", "known classes: `truck`, `reefer`"],
    );
    assert_eq!(d.column, 6);
    let d = trace_one(
        &TRACE.replace("0,truck,northbound,fast", "0,truck,northbound,fats"),
        "row 1, column programme",
        &["unknown programme `fats` (did you mean `fast`?)"],
    );
    assert_eq!(d.column, 20);
    trace_one(
        &TRACE.replace("90.5,truck,southbound", "90.5,truck,soutbound"),
        "row 2, column direction",
        &["unknown direction `soutbound` (did you mean `southbound`?)"],
    );
}

#[test]
fn trace_with_unsorted_times() {
    let trace = TRACE.replace("1.5h,", "60,");
    let d = trace_one(
        &trace,
        "row 4, column time",
        &["time `60` is earlier than row 3's `600s`", "sorted by time"],
    );
    assert_eq!(d.column, 1);
}

#[test]
fn trace_with_a_wrong_number_of_fields() {
    let trace = TRACE.replace("600s,reefer,northbound,none", "600s,reefer,northbound");
    trace_one(
        &trace,
        "row 3",
        &[
            "arrivals.csv:4:1: row 3: 3 fields, but the header has 4 (`time`, `class`, `direction`, `programme`)",
        ],
    );
}

#[test]
fn trace_header_problems() {
    let err = check_ops(
        OPS,
        &TRACE.replace(
            "time,class,direction,programme",
            "class,tme,direction,programme",
        ),
        &[
            "arrivals.csv:1:7: header: unknown column `tme` (did you mean `time`?)",
            "arrivals.csv:1:1: header: the header has no `time` column",
        ],
    );
    assert_eq!(err.diagnostics.len(), 2, "{err}");
    let err = check_ops(
        OPS,
        &TRACE.replace(
            "time,class,direction,programme",
            "when,class,direction,programme",
        ),
        &["unknown column `when`", "the header has no `time` column"],
    );
    assert_eq!(err.diagnostics.len(), 2, "{err}");
    trace_one(
        &TRACE.replace(
            "time,class,direction,programme",
            "time,class,class,programme",
        ),
        "header",
        &["column `class` appears twice"],
    );
    trace_one("", "", &["the trace file is empty", "header row"]);
    trace_one(
        "time,class\n",
        "",
        &["the trace has a header but no arrivals"],
    );
}

#[test]
fn trace_rows_and_entries_by_direction() {
    // With `entry` per direction, every row names its direction.
    trace_one(
        &TRACE.replace("90.5,truck,southbound,", "90.5,truck,,"),
        "row 2, column direction",
        &["no direction: source `recorded` enters at a station per direction"],
    );
    // A direction without an entry station.
    let input = ops_edit(
        "entry = { northbound = \"nb-primary\", southbound = \"sb-primary\" }",
        "entry = { northbound = \"nb-primary\" }",
    );
    let err = check_ops(
        &input,
        TRACE,
        &["direction `southbound` has no entry station: add southbound = \"<station>\""],
    );
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    at(&err.diagnostics, "row 2, column direction");
    // A single entry: rows of the other direction do not fit.
    let input = ops_edit(
        "entry = { northbound = \"nb-primary\", southbound = \"sb-primary\" }",
        "entry = \"nb-primary\"",
    );
    let err = check_ops(
        &input,
        TRACE,
        &[
            "direction `southbound`, but source `recorded` enters at station `nb-primary`, which serves `northbound`",
        ],
    );
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    // ... but rows without a direction do.
    let s = ok_trace(&input, "time,class\n0,truck\n5,reefer\n").scenario;
    assert_eq!(s.crossing.sources().len(), 3);
}

#[test]
fn trace_entry_table_problems() {
    ops_one(
        &ops_edit(
            "{ northbound = \"nb-primary\", southbound = \"sb-primary\" }",
            "{ northbound = \"nb-primary\", southbound = \"nb-xray\" }",
        ),
        "sources[2].entry.southbound",
        &["station `nb-xray` serves direction `northbound`, not `southbound`"],
    );
    ops_one(
        &ops_edit(
            "southbound = \"sb-primary\" }",
            "sothbound = \"sb-primary\" }",
        ),
        "sources[2].entry.sothbound",
        &["unknown direction `sothbound` (did you mean `southbound`?)"],
    );
    ops_one(
        &ops_edit(
            "entry = { northbound = \"nb-primary\", southbound = \"sb-primary\" }",
            "entry = {}",
        ),
        "sources[2].entry",
        &["`entry` is an empty table"],
    );
    ops_one(
        &ops_edit(
            "entry = \"nb-primary\"\nrate",
            "entry = { northbound = \"nb-primary\" }\nrate",
        ),
        "sources[1].entry",
        &["a table of entry stations by direction is only for a `trace`"],
    );
}

#[test]
fn many_bad_rows_are_capped() {
    let mut trace = String::from("time,class\n");
    for _ in 0..25 {
        trace.push_str("x,truck\n");
    }
    let input = ops_edit(
        "entry = { northbound = \"nb-primary\", southbound = \"sb-primary\" }",
        "entry = \"nb-primary\"",
    );
    let err = check_ops(&input, &trace, &["5 more problems in this file not shown"]);
    assert_eq!(err.diagnostics.len(), 21, "{err}");
}

#[test]
fn scenario_problems_come_before_trace_problems() {
    let input = ops_edit("mean = \"72s\"", "mean = \"72\"");
    let err = check_ops(&input, &TRACE.replace("600s,reefer", "600s,lorry"), &[]);
    let files: Vec<&str> = err.diagnostics.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(files, vec!["ops.toml", "arrivals.csv"], "{err}");
}

#[test]
fn an_unknown_column_comes_with_the_rows_problems() {
    // The column is not read; the rows still are, and their problems come with it.
    let trace = TRACE
        .replace(
            "time,class,direction,programme",
            "time,class,direction,programme,colour",
        )
        .replace("0,truck,northbound,fast", "0,truck,northbound,fast,red")
        .replace("90.5,truck,southbound,", "90.5,truck,southbound,,blue")
        .replace(
            "600s,reefer,northbound,none",
            "600s,lorry,northbound,none,green",
        )
        .replace("1.5h,truck,northbound,", "1.5h,truck,northbound,,grey");
    let err = check_ops(
        OPS,
        &trace,
        &[
            "arrivals.csv:1:32: header: unknown column `colour`",
            "arrivals.csv:4:6: row 3, column class: unknown class `lorry`",
        ],
    );
    assert_eq!(err.diagnostics.len(), 2, "{err}");
}
