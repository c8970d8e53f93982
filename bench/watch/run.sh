#!/usr/bin/env bash
# Measures `dagrun watch` on the 100,000-file tree of bench/hashing/make_tree.py. It times
# the setup of its watches against `inotifywait -r` and the time from a file write to the
# start of the affected job (median of repeated edits). It also reads the CPU time that an idle
# watch uses in a minute. Prints the figures; docs/benchmarks-watch.md records one run of it.
#
# Usage: bench/watch/run.sh [WORK_DIR]      (default: bench/work, which git ignores)
# Needs: swift, python3, inotifywait (Debian inotify-tools). SOURCE_TREE=DIR reuses a tree that
# make_tree.py generated before, through hard links: the benchmark only reads those files and
# writes its edits to a file of its own. Takes about five minutes, most of it the idle minute
# and the first run's hashing of the 3.3 GB tree.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mkdir -p "${1:-$repo/bench/work}" && cd "${1:-$repo/bench/work}" && pwd)
workspace=$work/watch-workspace
results=$work/watch-results
edits=${EDITS:-21}
mkdir -p "$results"
cd "$repo"

echo "== building dagrun (release)"
swift build -c release --product dagrun
dagrun=$repo/.build/release/dagrun

if [[ ! -e $workspace/tree.complete ]]; then
    rm -rf "$workspace"
    mkdir -p "$workspace"
    if [[ -n ${SOURCE_TREE:-} ]]; then
        echo "== linking the tree from $SOURCE_TREE"
        cp -al "$SOURCE_TREE/." "$workspace/"
    else
        echo "== generating the tree (fixed seed)"
        python3 bench/hashing/make_tree.py "$workspace"
    fi
    touch "$workspace/tree.complete"
fi
cat > "$workspace/workflow.yml" <<'YAML'
# One job whose inputs are the whole generated tree; it only records when it started.
jobs:
  - name: stamp
    runs: date +%s%N > "$BENCH_STARTED"
    inputs: ["d*/**"]
YAML
rm -rf "$workspace/.dagrun"

echo "== warming the page cache"
find "$workspace" -type d -name 'd*' -prune -print0 | xargs -0 -I{} find {} -type d > /dev/null

python3 bench/watch/measure.py "$dagrun" "$workspace" "$results" "$edits"
