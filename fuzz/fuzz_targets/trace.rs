//! Any text as the CSV trace of a fixed scenario: replayed rows or located diagnostics,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let read = |_: &str| Ok(text.to_owned());
    if let Err(e) =
        bordersim_config::parse_scenario_with(bordersim_fuzz::TRACE_SCENARIO, "fuzz.toml", &read)
    {
        let _ = e.to_string();
    }
});
