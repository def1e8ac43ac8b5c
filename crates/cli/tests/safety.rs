//! What the program refuses before it simulates anything, and what it leaves behind: files
//! with syntax errors, replication counts past the memory bound, input files past the size
//! limit or not UTF-8, outputs that would overwrite an input or cannot be written,
//! interrupted event logs; and help texts that state the real defaults.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;

/// The largest replication count accepted (as documented in `--help` and README).
const MAX_REPLICATIONS: u32 = 1000;

const REGION: &str = r#"[region]
name = "r"
sides = ["mx", "us"]

[[zones]]
id = "tijuana"
side = "mx"
travel = { x = "20min" }

[[zones]]
id = "san_diego"
side = "us"
travel = { x = "10min" }

[[classes]]
id = "truck"

[[crossings]]
id = "x"
file = "crossing.toml"
directions = { mx = "northbound" }

[[demand]]
from = "tijuana"
to = "san_diego"
class = "truck"
vehicles_per_day = 100
"#;

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

// ---- syntax errors -------------------------------------------------------------------

#[test]
fn every_command_locates_a_syntax_error() {
    let dir = scratch("syntax-everywhere");
    region_files(&dir, REGION);
    // Line 5 is an unterminated table header: a TOML syntax error there.
    let broken = REGION.replacen("[[zones]]", "[[zones]\nid = 1", 1);
    assert_eq!(line_of(&broken, "[[zones]\n"), 5);
    let file = write(&dir, "broken.toml", &broken);
    let location = format!("{}:5:", file.display());
    let mut messages = Vec::new();
    for command in [
        &["validate"][..],
        &["run"],
        &["region"],
        &["compare", "--variant"],
    ] {
        let mut args: Vec<&OsStr> = vec![os(command[0]), file.as_os_str()];
        if command.len() > 1 {
            args.push(os(command[1]));
            args.push(dir.join("crossing.toml").into_os_string().leak());
        }
        let out = bordersim(&args);
        assert_eq!(out.code, 2, "{command:?}: {out:#?}");
        assert!(
            out.stderr.contains(&location),
            "{command:?}: {location} not in {out:#?}"
        );
        assert!(!out.stderr.contains("not a region file"), "{out:#?}");
        messages.push(out.stderr);
    }
    // The same located message from every command.
    assert!(messages.windows(2).all(|w| w[0] == w[1]), "{messages:#?}");

    // A policy with a syntax error is located in the policy file.
    let scenario = write(&dir, "s.toml", SCENARIO);
    let policy = write(&dir, "p.toml", "[policy]\nname = \"p\"\n[[measures]\n");
    let out = bordersim([
        os("compare"),
        scenario.as_os_str(),
        os("--policy"),
        policy.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.contains(&format!("{}:3:", policy.display())),
        "{out:#?}"
    );

    // Valid TOML that is no region is still called so by `region`.
    let out = bordersim([os("region"), scenario.as_os_str()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("not a region file"), "{out:#?}");
}

// ---- replications --------------------------------------------------------------------

#[test]
fn replication_counts_past_the_bound_are_refused_before_running() {
    let dir = scratch("replications-bound");
    let file = write(&dir, "s.toml", SCENARIO);
    let region = region_files(&dir, REGION);
    let output = dir.join("out.json");
    for n in ["1001", "1000000", "1000000000", "4294967296"] {
        for command in ["run", "compare", "region"] {
            let input = if command == "region" { &region } else { &file };
            let mut args: Vec<&OsStr> = vec![os(command), input.as_os_str()];
            if command == "compare" {
                args.extend([os("--variant"), file.as_os_str()]);
            }
            args.extend([os("-r"), os(n), os("-o"), output.as_os_str()]);
            let out = bordersim(&args);
            assert_eq!(out.code, 2, "{command} -r {n}: {out:#?}");
            assert!(out.stderr.contains("--replications"), "{out:#?}");
            if n != "4294967296" {
                assert!(
                    out.stderr
                        .contains(&format!("above the limit of {MAX_REPLICATIONS}")),
                    "{out:#?}"
                );
            }
            assert!(!output.exists());
        }
    }
    // The same bound on the files' `replications`, in every command, validate included.
    let big = write(
        &dir,
        "big.toml",
        &scenario_with("replications = 3", "replications = 1000000000"),
    );
    let big_region = write(
        &dir,
        "big-region.toml",
        &REGION.replace("sides = [", "replications = 1001\nsides = ["),
    );
    for (command, input, value) in [
        ("validate", &big, "1000000000"),
        ("run", &big, "1000000000"),
        ("compare", &big, "1000000000"),
        ("validate", &big_region, "1001"),
        ("region", &big_region, "1001"),
    ] {
        let mut args: Vec<&OsStr> = vec![os(command), input.as_os_str()];
        if command == "compare" {
            args.extend([os("--variant"), file.as_os_str()]);
        }
        let out = bordersim(&args);
        assert_eq!(out.code, 2, "{command} {input:?}: {out:#?}");
        let expected = format!(
            "{}: `replications = {value}` is above the limit of {MAX_REPLICATIONS}",
            input.display()
        );
        assert!(out.stderr.contains(&expected), "{expected} not in {out:#?}");
    }
    // The command line overrides the file's count; the bound itself is accepted.
    let short = write(
        &dir,
        "short.toml",
        &scenario_with(
            "horizon = \"10h\"\nwarmup = \"1h\"",
            "horizon = \"5min\"\nwarmup = \"0s\"",
        )
        .replace("replications = 3", "replications = 1000000000"),
    );
    let report = json_of(&short, &["-r", &MAX_REPLICATIONS.to_string()]);
    assert_eq!(report["replications"], MAX_REPLICATIONS);
}

// ---- input size and encoding ---------------------------------------------------------

/// Runs `args`, expects exit 2 with `needle` in the message.
fn refused(args: &[&OsStr], needle: &str) {
    let out = bordersim(args);
    assert_eq!(out.code, 2, "{args:?}: {out:#?}");
    assert!(
        out.stderr.contains(needle),
        "{args:?}: {needle} not in {out:#?}"
    );
}

#[cfg(unix)]
#[test]
fn endless_and_oversized_inputs_are_refused_at_once() {
    let dir = scratch("input-cap");
    let good = write(&dir, "s.toml", SCENARIO);
    let zero = os("/dev/zero");
    let limit = "more than 64 MiB (67108864 bytes), the limit for an input file";
    // A sparse regular file one byte over the limit, and the endless device.
    let huge = dir.join("huge.toml");
    fs::File::create(&huge)
        .and_then(|f| f.set_len(64 * 1024 * 1024 + 1))
        .expect("sparse file");
    for big in [zero, huge.as_os_str()] {
        let name = Path::new(big).display().to_string();
        let scenario_msg = format!("cannot read scenario file '{name}': it holds {limit}");
        refused(&[os("run"), big], &scenario_msg);
        refused(&[os("validate"), big], &scenario_msg);
        refused(
            &[os("compare"), big, os("--variant"), good.as_os_str()],
            &scenario_msg,
        );
        refused(
            &[os("compare"), good.as_os_str(), os("--variant"), big],
            &scenario_msg,
        );
        refused(
            &[os("compare"), good.as_os_str(), os("--policy"), big],
            &format!("cannot read policy file '{name}': it holds {limit}"),
        );
        refused(
            &[os("region"), big],
            &format!("cannot read region file '{name}': it holds {limit}"),
        );
        // Files named inside other files: a trace and a crossing file.
        let traced = write(
            &dir,
            "traced.toml",
            &traced_scenario().replace("counts/cars.csv", &name),
        );
        refused(&[os("run"), traced.as_os_str()], limit);
        refused(&[os("validate"), traced.as_os_str()], limit);
        region_files(&dir, REGION);
        let region = write(
            &dir,
            "region-big.toml",
            &REGION.replace("file = \"crossing.toml\"", &format!("file = \"{name}\"")),
        );
        refused(&[os("region"), region.as_os_str()], limit);
        refused(&[os("validate"), region.as_os_str()], limit);
    }
}

#[test]
fn invalid_utf8_is_located_in_its_file() {
    let dir = scratch("utf8");
    // Line 3, after `name = "ti` (10 characters): column 11, byte offset of that point.
    let mut bytes = SCENARIO.as_bytes().to_vec();
    let at = SCENARIO.find("name = \"tiny").expect("name") + "name = \"ti".len();
    assert_eq!(line_of(SCENARIO, "name = \"tiny"), 3);
    bytes[at] = 0xff;
    let file = dir.join("bad.toml");
    fs::write(&file, &bytes).expect("write");
    let expected = format!(
        "{}:3:11: not valid UTF-8 (byte offset {at}, line 3)",
        file.display()
    );
    for command in ["run", "validate", "region"] {
        refused(&[os(command), file.as_os_str()], &expected);
    }
    refused(
        &[
            os("compare"),
            file.as_os_str(),
            os("--variant"),
            file.as_os_str(),
        ],
        &expected,
    );
    let good = write(&dir, "good.toml", SCENARIO);
    refused(
        &[
            os("compare"),
            good.as_os_str(),
            os("--policy"),
            file.as_os_str(),
        ],
        &format!("cannot read policy file '{}': {expected}", file.display()),
    );

    // A trace: the trace file, its row (line) and column.
    let traced = write(&dir, "traced.toml", &traced_scenario());
    fs::create_dir_all(dir.join("counts")).expect("mkdir");
    let trace = dir.join("counts").join("cars.csv");
    fs::write(&trace, b"time\n60\n1\xe920\n").expect("write trace");
    let expected = format!(
        "{}:3:2: not valid UTF-8 (byte offset 9, line 3)",
        trace.display()
    );
    refused(&[os("run"), traced.as_os_str()], &expected);
    refused(&[os("validate"), traced.as_os_str()], &expected);
}

// ---- outputs -------------------------------------------------------------------------

/// `args` exits 2 naming `output` as an input, and `input` keeps its bytes.
fn refused_overwrite(args: &[&OsStr], output: &Path, input: &Path) {
    let before = fs::read(input).expect("input");
    let out = bordersim(args);
    assert_eq!(out.code, 2, "{args:?}: {out:#?}");
    let named = format!("'{}' is an input of this command", output.display());
    assert!(out.stderr.contains(&named), "{named} not in {out:#?}");
    if output != input {
        assert!(
            out.stderr.contains(&input.display().to_string()),
            "{out:#?}"
        );
    }
    assert_eq!(fs::read(input).expect("input"), before, "{args:?}");
}

#[test]
fn no_output_may_overwrite_an_input() {
    let dir = scratch("output-is-input");
    let scenario = write(&dir, "s.toml", SCENARIO);
    let policy = write(
        &dir,
        "p.toml",
        "[policy]\nname = \"more booths\"\n\n[[measures]]\nadd_servers = { station = \"primary\", servers = 1 }\n",
    );
    let variant = write(&dir, "v.toml", SCENARIO);
    for (flag, target) in [
        ("--output", &scenario),
        ("--output", &policy),
        ("--output", &variant),
    ] {
        refused_overwrite(
            &[
                os("compare"),
                scenario.as_os_str(),
                os("--policy"),
                policy.as_os_str(),
                os("--variant"),
                variant.as_os_str(),
                os(flag),
                target.as_os_str(),
            ],
            target,
            target,
        );
    }
    // Traces a scenario names, for --output and --event-log.
    let traced = write(&dir, "traced.toml", &traced_scenario());
    fs::create_dir_all(dir.join("counts")).expect("mkdir");
    let trace = write(&dir, "counts/cars.csv", "time,class\n60,car\n120,car\n");
    for flag in ["--output", "--event-log"] {
        refused_overwrite(
            &[os("run"), traced.as_os_str(), os(flag), trace.as_os_str()],
            &trace,
            &trace,
        );
    }
    // Another name for the same file: a symbolic link and a hard link to the trace.
    #[cfg(unix)]
    {
        let soft = dir.join("soft.csv");
        std::os::unix::fs::symlink(&trace, &soft).expect("symlink");
        let hard = dir.join("hard.csv");
        fs::hard_link(&trace, &hard).expect("hard link");
        for other in [&soft, &hard] {
            refused_overwrite(
                &[os("run"), traced.as_os_str(), os("-o"), other.as_os_str()],
                other,
                &trace,
            );
        }
    }
    // The crossing files of a region (and the region itself).
    let region = region_files(&dir, REGION);
    let crossing = dir.join("crossing.toml");
    for target in [&crossing, &region] {
        refused_overwrite(
            &[
                os("region"),
                region.as_os_str(),
                os("-o"),
                target.as_os_str(),
            ],
            target,
            target,
        );
    }
}

#[test]
fn unwritable_destinations_are_refused_before_simulating() {
    let dir = scratch("destinations");
    let scenario = write(&dir, "s.toml", SCENARIO);
    let existing_dir = dir.join("sub");
    fs::create_dir(&existing_dir).expect("mkdir");
    let mut targets = vec![
        // A path ending in '/' names a directory.
        (format!("{}/r.json/", dir.display()), "a path ending in '/'"),
        (
            format!("{}/", existing_dir.display()),
            "a path ending in '/'",
        ),
        (existing_dir.display().to_string(), "it is a directory"),
        (
            dir.join("missing").join("r.json").display().to_string(),
            "cannot open directory",
        ),
    ];
    // A directory nobody may create files in (/proc refuses even the superuser).
    if Path::new("/proc/self").exists() {
        targets.push(("/proc/bordersim-r.json".to_owned(), "cannot create a file"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.join("locked");
        fs::create_dir(&locked).expect("mkdir");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).expect("chmod");
        // The superuser writes anywhere: the check only applies to other users.
        if fs::write(locked.join("probe"), "x").is_err() {
            targets.push((
                locked.join("r.json").display().to_string(),
                "cannot create a file",
            ));
        }
    }
    for (target, message) in &targets {
        for flag in ["--output", "--event-log"] {
            // A failure found after simulating would exit 1: exit 2 means before.
            let out = bordersim([os("run"), scenario.as_os_str(), os(flag), os(target)]);
            assert_eq!(out.code, 2, "{flag} {target}: {out:#?}");
            assert!(out.stderr.contains(message), "{message}: {out:#?}");
            assert!(out.stderr.contains(flag), "{out:#?}");
            assert!(out.stdout.is_empty(), "{out:#?}");
        }
    }
    assert!(!dir.join("r.json").exists());
    assert_eq!(entries(&existing_dir), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_output_is_written_through() {
    let dir = scratch("dangling");
    let scenario = write(&dir, "s.toml", SCENARIO);
    fs::create_dir(dir.join("results")).expect("mkdir");
    let link = dir.join("latest.json");
    std::os::unix::fs::symlink("results/r.json", &link).expect("symlink");
    let log_link = dir.join("latest.csv");
    std::os::unix::fs::symlink("results/e.csv", &log_link).expect("symlink");
    run_ok(&[
        os("run"),
        scenario.as_os_str(),
        os("-o"),
        link.as_os_str(),
        os("--event-log"),
        log_link.as_os_str(),
    ]);
    for (link, target) in [(&link, "r.json"), (&log_link, "e.csv")] {
        assert!(
            fs::symlink_metadata(link).expect("link").is_symlink(),
            "the link is kept"
        );
        let written = dir.join("results").join(target);
        assert!(fs::metadata(&written).expect("target").is_file());
    }
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("results/r.json")).expect("read"))
            .expect("JSON");
    assert_eq!(report["replications"], 3);
    assert!(
        fs::read_to_string(dir.join("results/e.csv"))
            .expect("log")
            .starts_with("replication,vehicle,")
    );
    assert_eq!(entries(&dir.join("results")), ["e.csv", "r.json"]);
}

// ---- interrupted event logs ----------------------------------------------------------

/// A scenario busy enough to run for a long time (a year of heavy traffic, many
/// replications), so that it is still running when interrupted.
fn long_scenario() -> String {
    scenario_with("horizon = \"10h\"", "horizon = \"365d\"")
        .replace("replications = 3", "replications = 64")
}

/// Every path under `dir`, recursively (relative names).
fn tree(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            found.push(
                path.strip_prefix(dir)
                    .expect("under dir")
                    .display()
                    .to_string(),
            );
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Starts `run --event-log` on the long scenario in `dir`, waits (a bounded number of short
/// polls) until a part file exists, then sends `signal` with `kill`; returns the exit code.
#[cfg(unix)]
fn interrupt(dir: &Path, signal: &str) -> Option<i32> {
    let scenario = dir.join("long.toml");
    let log = dir.join("events.csv");
    let mut child = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args([
            os("run"),
            scenario.as_os_str(),
            os("-j"),
            os("2"),
            os("--event-log"),
            log.as_os_str(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn bordersim");
    let mut seen = false;
    for _ in 0..6000 {
        if tree(dir).iter().any(|p| p.ends_with(".part")) {
            seen = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let code = child.wait().expect("wait").code();
    assert!(seen, "no part file appeared before the signal");
    code
}

#[cfg(unix)]
#[test]
fn interrupted_event_logs_leave_no_part_files() {
    let dir = scratch("interrupted");
    write(&dir, "long.toml", &long_scenario());
    for (signal, code) in [("-TERM", 143), ("-INT", 130)] {
        assert_eq!(interrupt(&dir, signal), Some(code), "{signal}");
        assert_eq!(tree(&dir), ["long.toml"], "after {signal}");
    }
    // SIGKILL cannot be caught: it leaves one hidden parts directory, which the next run
    // logging to the same file removes.
    assert_eq!(interrupt(&dir, "-KILL"), None);
    let left: Vec<String> = fs::read_dir(&*dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "long.toml")
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(
        left[0].starts_with(".events.csv.") && left[0].ends_with(".parts"),
        "{left:?}"
    );
    let short = write(&dir, "short.toml", SCENARIO);
    run_ok(&[
        os("run"),
        short.as_os_str(),
        os("--event-log"),
        dir.join("events.csv").as_os_str(),
    ]);
    assert_eq!(tree(&dir), ["events.csv", "long.toml", "short.toml"]);
}

// ---- help ----------------------------------------------------------------------------

fn help(command: &str) -> String {
    let out = bordersim([command, "--help"]);
    assert_eq!(out.code, 0, "{out:#?}");
    // clap wraps nothing when not on a terminal: one paragraph per line.
    out.stdout
}

#[test]
fn help_states_the_real_defaults() {
    let region = bordersim_config::DEFAULT_REGION_REPLICATIONS;
    let iterations = bordersim_config::DEFAULT_MAX_ITERATIONS;
    let tolerance = bordersim_config::DEFAULT_TOLERANCE;
    for (command, stated) in [
        (
            "run",
            format!("at most {MAX_REPLICATIONS} [default: the scenario's `replications`, else 10]"),
        ),
        (
            "compare",
            format!(
                "at most {MAX_REPLICATIONS} [default: the baseline's `replications`, else 10; \
                 for a region, its `replications` per iteration, else {region}]"
            ),
        ),
        (
            "region",
            format!(
                "at most {MAX_REPLICATIONS} [default: the region's `replications` ([region] \
                 table), else {region}]"
            ),
        ),
    ] {
        let text = help(command);
        assert!(text.contains(&stated), "{command}: {text}");
    }
    let text = help("region");
    assert!(text.contains("self-regulated by default"), "{text}");
    assert!(
        !text.contains("(method of successive averages) until"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{region} replications per iteration")),
        "{text}"
    );
    assert!(text.contains(&format!("tolerance ({tolerance}")), "{text}");
    assert!(
        text.contains(&format!(
            "the region's `max_iterations`, else {iterations}]"
        )),
        "{text}"
    );
    // The user docs state the same numbers.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = fs::read_to_string(root.join("README.md")).expect("README");
    for stated in [
        format!("else 10 for a scenario\n  and {region} per equilibrium iteration for a region"),
        format!("`max_iterations`, else {iterations}."),
        format!("At most {MAX_REPLICATIONS} replications"),
        "read up to 64 MiB".to_owned(),
    ] {
        assert!(readme.contains(&stated), "README does not say {stated:?}");
    }
    let region_doc = fs::read_to_string(root.join("docs/region.md")).expect("docs/region.md");
    assert!(region_doc.contains(&format!("(default {region}; -r overrides)")));
    assert!(region_doc.contains(&format!(
        "default {iterations} (--max-iterations overrides)"
    )));
    assert!(region_doc.contains("averaging = \"self_regulated\"  # default"));

    let text = help("validate");
    assert!(
        text.contains("Any file bordersim reads: scenario, region, policy"),
        "{text}"
    );
    assert!(text.contains("--baseline <BASE>"), "{text}");

    // The defaults the help states are the ones applied: a scenario and a region that give
    // no `replications`.
    let dir = scratch("help-defaults");
    let bare = write(
        &dir,
        "bare.toml",
        &scenario_with("replications = 3\n", "").replace(
            "horizon = \"10h\"\nwarmup = \"1h\"",
            "horizon = \"1h\"\nwarmup = \"0s\"",
        ),
    );
    assert_eq!(json_of(&bare, &[])["replications"], 10);
    let file = region_files(&dir, REGION);
    let table = run_ok(&[os("region"), file.as_os_str()]);
    assert!(
        table.contains(&format!("{region} replications per crossing")),
        "{table}"
    );
}
