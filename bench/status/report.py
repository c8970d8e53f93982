"""Writes docs/benchmarks-status.md from the files that bench/status/run.sh leaves in RESULTS."""
import datetime
import json
import os
import subprocess
import sys


def tool_version(*command):
    return subprocess.run(command, capture_output=True, text=True).stdout.splitlines()[0].strip()


def cpu_model():
    with open("/proc/cpuinfo") as file:
        for line in file:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def cpu_time(result):
    """Returns a hyperfine result's mean user plus system time in seconds."""
    return result["user"] + result["system"]


def read(path):
    with open(path) as file:
        return file.read().strip()


def main(results, workspace):
    with open(os.path.join(results, "status.json")) as file:
        runs = {result["command"]: result for result in json.load(file)["results"]}
    dagrun = runs["dagrun status"]
    git = runs["git status --porcelain"]
    ratio = dagrun["mean"] / git["mean"]
    files = sum(len(names) for _, _, names in os.walk(os.path.join(workspace, "src")))
    memory_mib = int(read(os.path.join(results, "status-memory.txt"))) / 1024
    opened = read(os.path.join(results, "opened-inputs.txt")) or "0"
    folders = read(os.path.join(results, "opened-folders.txt")) or "0"
    with open("/proc/loadavg") as file:
        load = " ".join(file.read().split()[:3])

    print("# Status benchmark")
    print()
    print(f"Measured on {datetime.date.today()} by `bench/status/run.sh`, both commands in one run.")
    print()
    print(f"- Machine: {cpu_model()}, {os.cpu_count()} cores, Linux {os.uname().release}")
    print(f"- Tools: {tool_version('swift', '--version')}; {tool_version('git', '--version')}; "
          f"{tool_version('hyperfine', '--version')}")
    print(f"- Load average (1, 5, 15 minutes) when the benchmark started: {read(os.path.join(results, 'load-start.txt'))}, "
          f"when the report was written: {load} (the cores were shared with other processes, so spreads can be wide)")
    print(f"- Tree: `bench/hashing/make_tree.py` (fixed seed), {files} files under `src/`, the "
          "input of one job of a three-job workflow; committed to git, page cache warm")
    print()
    print("Both commands report what changed in an unchanged tree with a warm index. dagrun walks")
    print("the input globs and checks each file's stat data against `.dagrun/index.db`. It then")
    print("compares each job's cache key with its last run and each artifacts folder with its")
    print("manifest. git compares the tree with its own index. Release build, 2 warm-up runs, 10 measured.")
    print()
    print("| command | mean time | min | max | relative to git | mean CPU time (user + system) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, result in (("dagrun status", dagrun), ("git status --porcelain", git)):
        print(f"| {name} | {result['mean']:.3f} ± {result['stddev']:.3f} s | {result['min']:.3f} s | "
              f"{result['max']:.3f} s | {result['mean'] / git['mean']:.2f} | {cpu_time(result):.3f} s |")
    print()
    print(f"Ratio: `dagrun status` takes {ratio:.2f} times as long as `git status --porcelain`, and "
          f"{cpu_time(dagrun) / cpu_time(git):.2f} times its CPU time.")
    print()
    print(f"Files under `src/` that one `dagrun status` opened, counted with strace: {opened} "
          f"(and {folders} folders, opened to list them).")
    print(f"Peak resident memory of one `dagrun status`: {memory_mib:.0f} MiB.")
    state = os.path.join(workspace, ".dagrun", "state")
    record_bytes = os.path.getsize(os.path.join(state, "build.json"))
    components_folder = os.path.join(state, "components", "build")
    components_mib = sum(os.path.getsize(os.path.join(components_folder, name))
                         for name in os.listdir(components_folder)) / (1 << 20)
    shares = dict(line.split() for line in read(os.path.join(results, "perf-shares.txt")).splitlines())
    print()
    print("Where one `dagrun status` spends its time, as shares of `perf` samples including callees:")
    print(f"listing and stat-checking the inputs (`InputScanner.inputs`) {shares.get('InputScannerV6inputs', '?')}, "
          f"reading the jobs' last-run records (`JobStateStore.state`) {shares.get('JobStateStoreV5state', '?')}. "
          f"The build job's state file is {record_bytes} bytes; the cache key components it refers to, "
          f"every input path and digest, are a separate file of {components_mib:.0f} MiB, which status "
          "reads only when the job's cache key changed.")
    baseline_path = os.path.join(results, "baseline.json")
    if os.path.exists(baseline_path):
        with open(baseline_path) as file:
            baseline = {result["command"]: result for result in json.load(file)["results"]}
        baseline_mib = int(read(os.path.join(results, "baseline-memory.txt"))) / 1024
        print()
        print("Against the baseline build "
              f"({read(os.path.join(results, 'baseline-commit.txt'))}), which kept every input path and "
              "digest in the state file, in the same run (10 measured runs each, each binary on its own "
              "copy of the workspace):")
        print()
        print("| command | mean time | min | max | mean CPU time (user + system) |")
        print("| --- | --- | --- | --- | --- |")
        for name, result in baseline.items():
            print(f"| {name} | {result['mean']:.3f} ± {result['stddev']:.3f} s | {result['min']:.3f} s | "
                  f"{result['max']:.3f} s | {cpu_time(result):.3f} s |")
        print()
        print(f"Peak resident memory of one baseline `dagrun status`: {baseline_mib:.0f} MiB.")
    with open(os.path.join(results, "changed.json")) as file:
        changed = {result["command"]: result for result in json.load(file)["results"]}
    changed_shares = dict(line.split() for line in read(os.path.join(results, "changed-shares.txt")).splitlines())
    print()
    print("After one input file is added, the build job's cache key differs from its last success, so")
    print("`status` and `explain build` read that run's components file to list what changed")
    print("(5 measured runs each):")
    print()
    print("| command | mean time | min | max | mean CPU time (user + system) |")
    print("| --- | --- | --- | --- | --- |")
    for name in ("dagrun status", "dagrun explain build"):
        result = changed[name]
        print(f"| {name} | {result['mean']:.3f} ± {result['stddev']:.3f} s | {result['min']:.3f} s | "
              f"{result['max']:.3f} s | {cpu_time(result):.3f} s |")
    print()
    print("Shares of `perf` samples of that `status`, including callees: listing and stat-checking the "
          f"inputs {changed_shares.get('InputScannerV6inputs', '?')}, reading the components file "
          f"(`JobState.readComponents`) {changed_shares.get('JobStateV14readComponents', '?')}, of which "
          f"JSON decoding {changed_shares.get('JSONDecoderC6decode', '?')}, and comparing the components "
          f"(`CacheKey.Components.differences`) {changed_shares.get('ComponentsV11differences', '?')}.")
    print()
    print("A `dagrun run` with nothing to do (every job restored from its stored result, no file written")
    print("under `.dagrun/state/`):")
    print()
    print("```")
    print(read(os.path.join(results, "noop-run.txt")))
    print("```")
    print()
    print("The first `dagrun run`, which hashes every input and records the results:")
    print()
    print("```")
    print(read(os.path.join(results, "first-run.txt")))
    print("```")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
