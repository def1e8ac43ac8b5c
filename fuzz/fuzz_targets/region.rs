//! Any text as a region file whose crossing files all read as one fixed valid scenario: a
//! region model or located diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let read = |_: &str| Ok(bordersim_fuzz::BASE.to_owned());
    let _ = bordersim_config::is_region(text);
    if let Err(e) = bordersim_config::parse_region_with(text, "region.toml", &read) {
        let _ = e.to_string();
    }
});
