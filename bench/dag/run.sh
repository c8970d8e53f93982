#!/usr/bin/env bash
# Times a DAG of 1,000 trivial jobs (10 layers of 100, each job needing two jobs of the layer
# before) with dagrun, ninja and GNU make, on the same machine in one run: the first run from
# a clean folder and the no-op rerun. Writes the figures and ratios to docs/benchmarks-dag.md.
#
# Needs: hyperfine (Debian), ninja (pip install ninja), make. Run from the repository root:
#   bash bench/dag/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
work="$repo/bench/work/dag"
layers=10
width=100
jobs=$(nproc)
runs=${RUNS:-5}

for tool in hyperfine ninja make; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing; see the header of $0" >&2; exit 2; }
done

swift build -c release --product dagrun >/dev/null
dagrun="$(swift build -c release --show-bin-path)/dagrun"

rm -rf "$work"
mkdir -p "$work/dagrun" "$work/ninja" "$work/ninja-bash" "$work/make"

# Job L_I writes out/L_I.txt; in layers after the first it needs jobs (L-1)_I and (L-1)_(I+1 mod width).
python3 - "$work" "$layers" "$width" <<'PY'
import sys
work, layers, width = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def name(layer, index): return f"j{layer}_{index}"
def needs(layer, index):
    if layer == 0: return []
    return [name(layer - 1, index), name(layer - 1, (index + 1) % width)]
with open(f"{work}/dagrun/workflow.yml", "w") as f:
    f.write("jobs:\n")
    for layer in range(layers):
        for index in range(width):
            n = name(layer, index)
            f.write(f"  - name: {n}\n    runs: echo {n} > out/{n}.txt\n")
            f.write(f"    artifacts: [out/{n}.txt]\n")
            deps = needs(layer, index)
            if deps: f.write(f"    needs: [{', '.join(deps)}]\n")
with open(f"{work}/ninja/build.ninja", "w") as f:
    f.write("rule job\n  command = echo $name > $out\n")
    for layer in range(layers):
        for index in range(width):
            n = name(layer, index)
            deps = " ".join(f"out/{d}.txt" for d in needs(layer, index))
            f.write(f"build out/{n}.txt: job {deps}\n  name = {n}\n")
# The same graph with each edge run by bash -e -o pipefail, the shell every dagrun job runs in,
# so that the shell's start-up cost is separated from dagrun's own overhead.
with open(f"{work}/ninja-bash/build.ninja", "w") as f:
    f.write("rule job\n  command = bash -e -o pipefail -c 'echo $name > $out'\n")
    for layer in range(layers):
        for index in range(width):
            n = name(layer, index)
            deps = " ".join(f"out/{d}.txt" for d in needs(layer, index))
            f.write(f"build out/{n}.txt: job {deps}\n  name = {n}\n")
with open(f"{work}/make/Makefile", "w") as f:
    targets = [f"out/{name(l, i)}.txt" for l in range(layers) for i in range(width)]
    f.write("all: " + " ".join(targets) + "\n")
    for layer in range(layers):
        for index in range(width):
            n = name(layer, index)
            deps = " ".join(f"out/{d}.txt" for d in needs(layer, index))
            f.write(f"out/{n}.txt: {deps} | out\n\techo {n} > $@\n")
    f.write("out:\n\tmkdir -p out\n")
PY
mkdir -p "$work/dagrun/out"

export NO_COLOR=1
hyperfine --runs "$runs" --warmup 1 --export-json "$work/first.json" \
    --prepare "rm -rf $work/dagrun/.dagrun $work/dagrun/artifacts $work/dagrun/out/*" \
    --command-name dagrun "cd $work/dagrun && $dagrun -q run -j $jobs" \
    --prepare "rm -rf $work/ninja/out $work/ninja/.ninja_log $work/ninja/.ninja_deps" \
    --command-name ninja "cd $work/ninja && ninja -j $jobs >/dev/null" \
    --prepare "rm -rf $work/ninja-bash/out $work/ninja-bash/.ninja_log $work/ninja-bash/.ninja_deps" \
    --command-name ninja-bash "cd $work/ninja-bash && ninja -j $jobs >/dev/null" \
    --prepare "rm -rf $work/make/out" \
    --command-name make "cd $work/make && make -s -j $jobs >/dev/null"

hyperfine --runs $((runs * 4)) --warmup 2 --export-json "$work/noop.json" \
    --command-name dagrun "cd $work/dagrun && $dagrun -q run -j $jobs" \
    --command-name ninja "cd $work/ninja && ninja -j $jobs >/dev/null" \
    --command-name ninja-bash "cd $work/ninja-bash && ninja -j $jobs >/dev/null" \
    --command-name make "cd $work/make && make -s -j $jobs >/dev/null"

python3 - "$work" "$repo/docs/benchmarks-dag.md" "$jobs" "$runs" <<'PY'
import json, sys, platform, subprocess, datetime
work, out, jobs, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def load(kind):
    data = json.load(open(f"{work}/{kind}.json"))["results"]
    return {r["command"]: (r["median"], r["stddev"] or 0.0) for r in data}
first, noop = load("first"), load("noop")
load = open("/proc/loadavg").read().split()[:3]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
ninja_version = subprocess.run(["ninja", "--version"], capture_output=True, text=True).stdout.strip()
make_version = subprocess.run(["make", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
lines = [
    "## A DAG of 1,000 trivial jobs: dagrun against ninja and GNU make",
    "",
    f"Measured {datetime.date.today()} by `bench/dag/run.sh` on {cpu}, {jobs} parallel jobs, "
    f"ninja {ninja_version}, {make_version}, with hyperfine (median of {runs} first runs and {int(runs) * 4} no-op reruns).",
    "10 layers of 100 jobs, each needing two jobs of the layer before; each job writes one small file "
    "(for dagrun it is also collected as the job's artifact and cached).",
    "ninja runs each edge with `/bin/sh` (dash here); `ninja-bash` runs the same graph with "
    "`bash -e -o pipefail`, the shell every dagrun job runs in, which is slower to start than dash.",
    f"Load average when the report was written: {' '.join(load)}.",
    "",
    "| case | dagrun | ninja | ninja-bash | make | dagrun / ninja | dagrun / ninja-bash | dagrun / make |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
]
for label, table in (("first run", first), ("no-op rerun", noop)):
    d, n, b, m = table["dagrun"][0], table["ninja"][0], table["ninja-bash"][0], table["make"][0]
    lines.append(f"| {label} | {d * 1000:.0f} ms | {n * 1000:.0f} ms | {b * 1000:.0f} ms | {m * 1000:.0f} ms "
                 f"| {d / n:.2f}x | {d / b:.2f}x | {d / m:.2f}x |")
lines += ["", "Targets: first run within 1.5x of ninja, no-op rerun within 3x of ninja.", ""]
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
PY
