//! Any text as a scenario file: the loader returns a scenario or located diagnostics,
//! never panics. Trace files it names read as a small valid trace.
#![no_main]

use libfuzzer_sys::fuzz_target;

const TRACE: &str = "time,class,direction,programme\n0,truck,in,fast\n60,car,out,\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let read = |_: &str| Ok(TRACE.to_owned());
    if let Err(e) = bordersim_config::parse_scenario_with(text, "fuzz.toml", &read) {
        // Rendering the diagnostics (line:column from byte offsets) must not panic either.
        let _ = e.to_string();
    }
});
