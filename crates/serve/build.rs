//! Lists every file under `configs/` for the bundle compiled into the server, so a config
//! added to the repository is served without editing a list by hand.

#![allow(
    clippy::print_stdout,
    reason = "a build script talks to cargo on standard output"
)]

use std::path::{Path, PathBuf};

fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, base, out);
        } else {
            let rel = path.strip_prefix(base).expect("under configs/");
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let configs = manifest.join("../../configs");
    // A directory here makes cargo rerun the script when any file beneath it changes.
    println!("cargo:rerun-if-changed={}", configs.display());
    let mut files = Vec::new();
    walk(&configs, &configs, &mut files);
    files.sort();
    let mut code = String::from(
        "/// Every bundled file, sorted by name.\npub const BUNDLE: &[Bundled] = &[\n",
    );
    for name in &files {
        code.push_str(&format!(
            "    Bundled {{ name: {name:?}, text: include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../../configs/\", {name:?})) }},\n"
        ));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("bundle.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
