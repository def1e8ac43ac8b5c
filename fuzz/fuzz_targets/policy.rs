//! Any text as a policy applied to a fixed baseline: a changed scenario (then validated) or
//! located diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let read = |_: &str| Err("no files here".to_owned());
    if let Err(e) = bordersim_config::apply_policy_with(
        bordersim_fuzz::BASE,
        "base.toml",
        text,
        "policy.toml",
        &read,
    ) {
        let _ = e.to_string();
    }
});
