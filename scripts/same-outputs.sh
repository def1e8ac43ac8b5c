#!/usr/bin/env bash
# same-outputs.sh OLD_BIN NEW_BIN
#
# Checks that two bordersim binaries give the same results on every bundled config: a
# refactoring must leave the JSON and CSV outputs byte-identical, the `performance` block
# (wall time, events per second, threads) aside. Runs, on both binaries, with a fixed seed
# and few replications, each in `--format json` and `--format csv`:
#   - `run` on configs/examples/*.toml, configs/regions/crossings/*.toml (-r 2) and
#     configs/bench/*.toml (-r 1: about a million customers each, a second or so);
#   - `compare` of each configs/policies/*.toml against its `[policy] baseline`, and of each
#     configs/regions/policies/*.toml against the region holding its `[policy] crossing`;
#   - `region` on each configs/regions/*.toml;
# and `validate` on every scenario and region file (its messages, in text). Strips the
# `performance` block from JSON and the `performance` rows from CSV, compares the rest and
# the exit status, prints one line per case (SAME or DIFF, with the first lines of the
# difference) and exits 1 if any case differs, 2 on bad arguments.
#
#   cargo build --release -p bordersim-cli      # the new binary
#   scripts/same-outputs.sh /tmp/bordersim-old target/release/bordersim
#
# Environment: SEED (default 1), REPS (default 2), THREADS (default 2), ONLY (a regular
# expression: only the cases whose "label format" matches, e.g. ONLY="mm4.*json"). About
# 1 to 3 minutes on two busy cores.

set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 OLD_BIN NEW_BIN" >&2
    exit 2
fi
old_bin=$1
new_bin=$2
for bin in "$old_bin" "$new_bin"; do
    if [[ ! -x $bin ]]; then
        echo "error: $bin is not an executable" >&2
        exit 2
    fi
done

seed=${SEED:-1}
reps=${REPS:-2}
threads=${THREADS:-2}
only=${ONLY:-}

# Paths in the output (validate messages, trace files) are relative to the repository root.
cd "$(dirname "$0")/.."

work=$(mktemp -d "${TMPDIR:-/tmp}/same-outputs.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Drops what depends on the clock or the machine: the `performance` object wherever it
# appears in JSON, the rows whose entity type (second column) is `performance` in CSV.
# Anything that is not valid JSON or CSV is left as it is (an error message, say).
normalise() { # FORMAT FILE
    python3 - "$1" "$2" <<'PY'
import csv, json, sys

fmt, path = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()

def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k != "performance"}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value

if fmt == "json":
    try:
        text = json.dumps(strip(json.loads(text)), indent=1, ensure_ascii=False) + "\n"
    except ValueError:
        pass
elif fmt == "csv":
    # Line by line, keeping the bytes of the kept lines; each line is parsed only to find
    # its entity type (a quoted scenario name may hold a comma).
    def is_performance(line):
        try:
            row = next(csv.reader([line]), [])
        except csv.Error:
            return False
        return len(row) > 1 and row[1] == "performance"

    text = "".join(l for l in text.splitlines(keepends=True) if not is_performance(l))
sys.stdout.write(text)
PY
}

# run_side SIDE BIN FORMAT ARGS...: writes the exit status and the normalised output to
# $work/SIDE.out (for `text`, standard error is part of the output).
run_side() {
    local side=$1 bin=$2 fmt=$3
    shift 3
    local status=0
    if [[ $fmt == text ]]; then
        "$bin" "$@" >"$work/$side.raw" 2>&1 || status=$?
    else
        "$bin" "$@" >"$work/$side.raw" 2>"$work/$side.err" || status=$?
    fi
    {
        echo "exit status $status"
        normalise "$fmt" "$work/$side.raw"
    } >"$work/$side.out"
}

total=0
differ=0

# check LABEL FORMAT ARGS...: runs ARGS on both binaries (with --format FORMAT unless the
# format is `text`), normalises and compares.
check() {
    local label=$1 fmt=$2
    shift 2
    if [[ -n $only && ! "$label $fmt" =~ $only ]]; then
        return
    fi
    local args=("$@")
    [[ $fmt != text ]] && args+=(--format "$fmt")
    # Both binaries at once: on a busy machine this halves the wall time.
    run_side old "$old_bin" "$fmt" "${args[@]}" &
    run_side new "$new_bin" "$fmt" "${args[@]}" &
    wait
    total=$((total + 1))
    if cmp -s "$work/old.out" "$work/new.out"; then
        printf 'SAME  %-5s %s\n' "$fmt" "$label"
    else
        differ=$((differ + 1))
        printf 'DIFF  %-5s %s\n' "$fmt" "$label"
        diff "$work/old.out" "$work/new.out" | head -n 12 | sed 's/^/      /' || true
    fi
}

common=(-s "$seed" -j "$threads")

for file in configs/examples/*.toml configs/regions/crossings/*.toml; do
    for fmt in json csv; do
        check "run $file" "$fmt" run "$file" -r "$reps" "${common[@]}"
    done
done
for file in configs/bench/*.toml; do
    for fmt in json csv; do
        check "run $file -r 1" "$fmt" run "$file" -r 1 "${common[@]}"
    done
done

# A policy's baseline is its `baseline = "..."` field, relative to the policy file.
for policy in configs/policies/*.toml; do
    baseline=$(sed -n 's/^baseline *= *"\(.*\)".*/\1/p' "$policy" | head -n 1)
    if [[ -z $baseline ]]; then
        echo "error: $policy has no [policy] baseline" >&2
        exit 2
    fi
    base=$(realpath --relative-to=. "$(dirname "$policy")/$baseline")
    for fmt in json csv; do
        check "compare $base --policy $policy" "$fmt" \
            compare "$base" --policy "$policy" -r "$reps" "${common[@]}"
    done
done

# A region policy applies to the region that has a crossing with its `crossing = "..."` id.
for policy in configs/regions/policies/*.toml; do
    crossing=$(sed -n 's/^crossing *= *"\(.*\)".*/\1/p' "$policy" | head -n 1)
    region=$(grep -l -E "^id *= *\"$crossing\"" configs/regions/*.toml | head -n 1 || true)
    if [[ -z $region ]]; then
        echo "error: no region in configs/regions/ has the crossing '$crossing' of $policy" >&2
        exit 2
    fi
    for fmt in json csv; do
        check "compare $region --policy $policy" "$fmt" \
            compare "$region" --policy "$policy" -r "$reps" "${common[@]}"
    done
done

for file in configs/regions/*.toml; do
    for fmt in json csv; do
        check "region $file" "$fmt" region "$file" -r "$reps" "${common[@]}"
    done
done

for file in configs/examples/*.toml configs/bench/*.toml configs/regions/crossings/*.toml \
    configs/regions/*.toml; do
    check "validate $file" text validate "$file"
done

echo "$((total - differ)) of $total cases the same"
if ((differ > 0)); then
    exit 1
fi
