//! Operations loader tests: traces: reading.

use std::path::Path;

use bordersim_des::SimTime;
use bordersim_model::{Arrivals, ClassId, ProgrammeId, TraceArrival};

use super::*;
use crate::tests::at;
use crate::{parse_scenario, parse_scenario_with};

#[test]
fn a_trace_needs_a_file_reader() {
    let err = parse_scenario(OPS, "ops.toml").unwrap_err();
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    let d = at(&err.diagnostics, "sources[2].trace");
    assert!(d.message.contains("trace files need a file reader"), "{d}");
    assert!(d.message.contains("parse_scenario_with"), "{d}");
    assert_eq!(d.column, 9);
}

#[test]
fn an_unreadable_trace_is_located_at_its_field() {
    let err = parse_with(OPS, &[]).unwrap_err();
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    let d = at(&err.diagnostics, "sources[2].trace");
    assert_eq!(
        d.message,
        "cannot read trace file `arrivals.csv`: no such file: arrivals.csv"
    );
}

#[test]
fn trace_problems_name_the_file_beside_the_scenario() {
    let read = |_: &str| Ok("time,class\nsoon,truck\n".to_owned());
    let err = parse_scenario_with(OPS, "configs/x/ops.toml", &read).unwrap_err();
    let expected = Path::new("configs/x")
        .join("arrivals.csv")
        .display()
        .to_string();
    assert_eq!(err.diagnostics[0].file, expected);
    assert!(
        err.to_string()
            .starts_with(&format!("{expected}:2:1: row 1, column time: "))
    );
}

#[test]
fn trace_columns_in_any_order_with_comments_and_spaces() {
    let trace = "# recorded at the plaza\nprogramme, time ,class\n,0,truck\nfast, 1h ,truck\n";
    let input = ops_edit(
        "entry = { northbound = \"nb-primary\", southbound = \"sb-primary\" }",
        "entry = \"nb-primary\"",
    );
    let s = ok_trace(&input, trace).scenario;
    let src = &s.crossing.sources()[2];
    assert_eq!(src.id, "recorded");
    assert_eq!(
        src.arrivals,
        Arrivals::Trace {
            arrivals: vec![
                TraceArrival {
                    time: SimTime::ZERO,
                    class: ClassId(0),
                    programme: None
                },
                TraceArrival {
                    time: SimTime::from_hours(1),
                    class: ClassId(0),
                    programme: Some(ProgrammeId(1))
                },
            ]
        }
    );
}
