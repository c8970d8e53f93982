#!/usr/bin/env bash
# Measures `dagrun status` with no change on the 100,000-file generated tree against
# `git status --porcelain` on the same tree, side by side in one run, and writes the figures to
# docs/benchmarks-status.md.
#
# Usage: bench/status/run.sh [WORK_DIR]      (default: bench/work, which git ignores)
# With DAGRUN_BASELINE set to another dagrun binary (and DAGRUN_BASELINE_SOURCE to the commit or
# source folder it was built from), it also times that binary's status and no-op run, on its own
# copy of the workspace, beside this build's.
# Needs: swift, python3, hyperfine, git, strace, perf. Reuses the tree of bench/hashing/run.sh when it
# is there (WORK_DIR/tree); otherwise generates it, about 3 GiB, with bench/hashing/make_tree.py.
# The workspace links the tree's files (cp -al), so it costs no extra file contents.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mkdir -p "${1:-$repo/bench/work}" && cd "${1:-$repo/bench/work}" && pwd)
tree=$work/tree
workspace=$work/status-workspace
results=$work/status-results
mkdir -p "$results"
cut -d' ' -f1-3 /proc/loadavg > "$results/load-start.txt"
cd "$repo"

echo "== building dagrun (release)"
swift build -c release --product dagrun
dagrun=$repo/.build/release/dagrun

if [[ ! -e $work/tree.complete ]]; then
    echo "== generating the tree (fixed seed)"
    rm -rf "$tree"
    python3 bench/hashing/make_tree.py "$tree"
    touch "$work/tree.complete"
fi

if [[ ! -e $work/status-workspace.complete ]]; then
    echo "== building the workspace: the tree as src/, a workflow, a committed git repository"
    rm -rf "$workspace"
    mkdir -p "$workspace"
    cp -al "$tree" "$workspace/src"
    cat > "$workspace/workflow.yml" <<'YAML'
# The generated tree is the input of one job; two more jobs depend on it.
jobs:
  - name: build
    runs: |
      mkdir -p out
      find src -type f | wc -l > out/count.txt
    inputs: [src/**]
    artifacts: [out/**]
  - name: test
    needs: [build]
    runs: test -s artifacts/build/count.txt
  - name: package
    needs: [test]
    runs: |
      mkdir -p dist
      cp artifacts/build/count.txt dist/
    artifacts: [dist/**]
YAML
    printf '.dagrun/\nartifacts/\nout/\ndist/\n' > "$workspace/.gitignore"
    git -C "$workspace" init -q
    git -C "$workspace" add -A
    git -C "$workspace" -c user.name=bench -c user.email=bench@localhost commit -q -m tree
    touch "$work/status-workspace.complete"
fi

echo "== first run: hashes every input and records the results"
rm -rf "$workspace/.dagrun" "$workspace/artifacts"
/usr/bin/time -f "%e s, %M KiB max resident" "$dagrun" -f "$workspace/workflow.yml" run 2>&1 | tee "$results/first-run.txt"

echo "== warming the page cache and both indexes"
find "$workspace/src" -type f -print0 | xargs -0 cat > /dev/null
git -C "$workspace" status --porcelain > /dev/null
"$dagrun" -f "$workspace/workflow.yml" status > "$results/status-output.txt"
cat "$results/status-output.txt"

echo "== files (not folders) opened under src/ by one status (expected: none)"
strace -f -e trace=openat,open -o "$results/strace.txt" "$dagrun" -f "$workspace/workflow.yml" status > /dev/null
grep "$workspace/src/" "$results/strace.txt" | grep -vc O_DIRECTORY > "$results/opened-inputs.txt" || true
grep "$workspace/src/" "$results/strace.txt" | grep -c O_DIRECTORY > "$results/opened-folders.txt" || true
cat "$results/opened-inputs.txt" "$results/opened-folders.txt"

echo "== no-change status, side by side"
hyperfine --style basic --warmup 2 --runs 10 --export-json "$results/status.json" \
    -n "dagrun status" "$dagrun -f $workspace/workflow.yml status" \
    -n "git status --porcelain" "git -C $workspace status --porcelain"

echo "== where one status spends its time (perf, share of samples including callees)"
perf record -q -F 999 -g -o "$results/status.perf" "$dagrun" -f "$workspace/workflow.yml" status > /dev/null 2>&1
perf report -i "$results/status.perf" --children --sort symbol --stdio 2>/dev/null \
    | grep -E '^ +[0-9.]+%' > "$results/perf-symbols.txt" || true
for part in InputScannerV6inputs JobStateStoreV5state; do
    # A part absent from the profile (too few samples) is left out, not an error.
    grep -m1 "$part" "$results/perf-symbols.txt" | awk -v part="$part" '{print part, $1}' || true
done > "$results/perf-shares.txt"
cat "$results/perf-shares.txt"

/usr/bin/time -f "%M" -o "$results/status-memory.txt" "$dagrun" -f "$workspace/workflow.yml" status > /dev/null

echo "== a run with nothing to do"
/usr/bin/time -f "%e s, %M KiB max resident" "$dagrun" -f "$workspace/workflow.yml" run 2>&1 | tee "$results/noop-run.txt"

if [[ -n ${DAGRUN_BASELINE:-} ]]; then
    echo "== the same status and no-op run with the baseline binary $DAGRUN_BASELINE, on its own copy"
    baseline=$work/status-workspace-baseline
    if [[ ! -e $baseline/src ]]; then
        mkdir -p "$baseline"
        cp -al "$tree" "$baseline/src"
    fi
    cp "$workspace/workflow.yml" "$baseline/workflow.yml"
    rm -rf "$baseline/.dagrun" "$baseline/artifacts"
    "$DAGRUN_BASELINE" -f "$baseline/workflow.yml" run > /dev/null
    "$DAGRUN_BASELINE" -f "$baseline/workflow.yml" status > /dev/null
    hyperfine --style basic --warmup 2 --runs 10 --export-json "$results/baseline.json" \
        -n "dagrun status, baseline" "$DAGRUN_BASELINE -f $baseline/workflow.yml status" \
        -n "dagrun status" "$dagrun -f $workspace/workflow.yml status" \
        -n "dagrun run with nothing to do, baseline" "$DAGRUN_BASELINE -f $baseline/workflow.yml run" \
        -n "dagrun run with nothing to do" "$dagrun -f $workspace/workflow.yml run"
    /usr/bin/time -f "%M" -o "$results/baseline-memory.txt" "$DAGRUN_BASELINE" -f "$baseline/workflow.yml" status > /dev/null
    git -C "$DAGRUN_BASELINE_SOURCE" log -1 --format='%h %s' > "$results/baseline-commit.txt" 2>/dev/null \
        || echo "${DAGRUN_BASELINE_SOURCE:-unknown}" > "$results/baseline-commit.txt"
else
    rm -f "$results/baseline.json"
fi

echo "== status and explain after adding one input: both read the last success's components file"
added=$workspace/src/added-by-bench.txt
trap 'rm -f "$added"' EXIT
echo added > "$added"
hyperfine --style basic --warmup 1 --runs 5 --export-json "$results/changed.json" \
    -n "dagrun status" "$dagrun -f $workspace/workflow.yml status" \
    -n "dagrun explain build" "$dagrun -f $workspace/workflow.yml explain build"
perf record -q -F 999 -g -o "$results/changed.perf" "$dagrun" -f "$workspace/workflow.yml" status > /dev/null 2>&1
perf report -i "$results/changed.perf" --children --sort symbol --stdio 2>/dev/null \
    | grep -E '^ +[0-9.]+%' > "$results/changed-symbols.txt" || true
for part in InputScannerV6inputs JobStateV14readComponents JSONDecoderC6decode ComponentsV11differences; do
    grep -m1 "$part" "$results/changed-symbols.txt" | awk -v part="$part" '{print part, $1}'
done > "$results/changed-shares.txt"
cat "$results/changed-shares.txt"
rm -f "$added"

python3 bench/status/report.py "$results" "$workspace" > docs/benchmarks-status.md
echo "== wrote docs/benchmarks-status.md"
