"""Writes docs/benchmarks-hashing.md from the files that bench/hashing/run.sh leaves in RESULTS."""
import datetime
import json
import os
import platform
import subprocess
import sys


def figures(path):
    """Parses a `key=value key=value` line of hash-bench output."""
    with open(path) as file:
        return dict(part.split("=", 1) for part in file.read().split())


def means(path):
    with open(path) as file:
        return {result["command"]: result for result in json.load(file)["results"]}


def tool_version(*command):
    return subprocess.run(command, capture_output=True, text=True).stdout.splitlines()[0].strip()


def cpu_model():
    with open("/proc/cpuinfo") as file:
        for line in file:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def load_average():
    with open("/proc/loadavg") as file:
        return " ".join(file.read().split()[:3])


def seconds(result):
    return f"{result['median']:.3f} s ({result['min']:.3f} to {result['max']:.3f}, {len(result['times'])} runs)"


def starting_load(results):
    """The load average that run.sh saved before the first measurement, if it did."""
    try:
        with open(f"{results}/load-start.txt") as file:
            return " ".join(file.read().split()[:3])
    except FileNotFoundError:
        return "not recorded"


def main(results, output, tree):
    preferred = figures(f"{results}/sha-preferred.txt")
    portable = figures(f"{results}/sha-portable.txt")
    with open(f"{results}/openssl-speed.txt") as file:
        openssl_kilobytes = float(file.read().split()[-1].rstrip("k"))
    openssl_rate = openssl_kilobytes / 1000
    ours_rate = float(preferred["megabytes_per_second"])

    cold = means(f"{results}/cold-dagrun.json") | means(f"{results}/cold-tools.json") | means(f"{results}/cold-git.json")
    warm = means(f"{results}/warm.json")
    cold_run = figures(f"{results}/cold-run.txt")
    warm_run = figures(f"{results}/warm-run.txt")
    ours_cold = cold["dagrun index (cold)"]["median"]
    openssl_cold = cold["openssl via xargs"]["median"]
    ours_warm = warm["dagrun index (no change)"]["median"]
    git_warm = warm["git status --porcelain"]["median"]
    memory_mib = int(warm_run["peak_rss_kib"]) / 1024
    cold_memory_mib = int(cold_run["peak_rss_kib"]) / 1024
    tree_bytes = int(cold_run["bytes_read"])

    def verdict(met):
        return "met" if met else "not met"

    lines = [
        "# Hashing benchmarks",
        "",
        f"Measured on {datetime.date.today().isoformat()} by `bench/hashing/run.sh`, all in one run.",
        "",
        f"- Machine: {cpu_model()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB RAM, Linux {platform.release()}",
        f"- Tools: {tool_version('swift', '--version')}; {tool_version('openssl', 'version')}; "
        f"{tool_version('git', '--version')}; {tool_version('sha256sum', '--version')}; {tool_version('hyperfine', '--version')}",
        f"- SHA-256 kernel used by dagrun: {preferred['backend']}",
        f"- Load average before the first measurement: {starting_load(results)}; when the report was written: "
        f"{load_average()}. The machine's 2 cores were shared with other processes during the run, so times are "
        "medians and spreads are wide; the individual times are in the hyperfine JSON files",
        f"- Tree: `bench/hashing/make_tree.py` (fixed seed), {cold_run['files']} files in {int(cold_run['folders']) - 1} folders, "
        f"{tree_bytes / 2**30:.2f} GiB; page cache warm before every measurement",
        "",
        "## Raw SHA-256, one core",
        "",
        "| implementation | throughput | share of OpenSSL |",
        "| --- | --- | --- |",
        f"| OpenSSL `openssl speed -evp sha256 -bytes 16384` | {openssl_rate:.0f} MB/s | 100% |",
        f"| dagrun, {preferred['backend']}, one 1 GiB buffer, best of 3 | {ours_rate:.0f} MB/s | {100 * ours_rate / openssl_rate:.0f}% |",
        f"| dagrun, portable C, one 256 MiB buffer, best of 3 | {float(portable['megabytes_per_second']):.0f} MB/s | "
        f"{100 * float(portable['megabytes_per_second']) / openssl_rate:.0f}% |",
        "",
        f"Goal: at least 95% of OpenSSL on one core: {verdict(ours_rate >= 0.95 * openssl_rate)}.",
        "",
        "## Cold tree hash",
        "",
        "dagrun walks the tree, hashes every file on all cores and writes a fresh index",
        "(`hash-bench tree` with no `index.db`). The others hash or store the same files.",
        "",
        "| command | median time (range, runs) | relative to openssl via xargs |",
        "| --- | --- | --- |",
    ]
    for name, result in cold.items():
        lines.append(f"| {name} | {seconds(result)} | {result['median'] / openssl_cold:.2f} |")
    others = [cold[name]["median"] for name in cold if name != "dagrun index (cold)"]
    lines += [
        "",
        f"Goal: faster than all three and at most 2/3 of the openssl-through-xargs time: "
        f"{verdict(ours_cold < min(others) and ours_cold <= openssl_cold * 2 / 3)} "
        f"(dagrun takes {ours_cold / openssl_cold:.2f} of the openssl time).",
        "",
        "## No-change check",
        "",
        "dagrun checks every folder's and every file's stat data against the folder listings",
        "that the index stored. It reads no content and no folder (in the measured run: "
        f"{warm_run['read']} files read, {warm_run.get('folders_read', '?')} folders read, "
        f"{warm_run.get('unchanged_trees', '?')} tree hash built from the stored listings alone). git runs",
        "`status --porcelain` on a repository where the tree is committed and the index is warm",
        "(git's own folder cache, `core.untrackedCache`, is off, as it is by default).",
        "",
        "| command | median time (range, runs) | relative to git |",
        "| --- | --- | --- |",
    ]
    for name, result in warm.items():
        lines.append(f"| {name} | {seconds(result)} | {result['median'] / git_warm:.2f} |")
    lines += [
        "",
        f"Goal: at most 3/4 of git's time: {verdict(ours_warm <= 0.75 * git_warm)} "
        f"(dagrun takes {ours_warm / git_warm:.2f} of git's time).",
        "",
        "## Memory",
        "",
        f"Peak resident memory of the whole `hash-bench` process, index, records and walk included:",
        f"{memory_mib:.0f} MiB for the no-change check and {cold_memory_mib:.0f} MiB for the cold hash of",
        f"{cold_run['files']} files. Goal: under 100 MiB: {verdict(max(memory_mib, cold_memory_mib) < 100)}.",
        "",
        "## Commands",
        "",
        "```",
        f"hash-bench sha256 1024; hash-bench sha256 256 portable",
        "openssl speed -evp sha256 -bytes 16384 -seconds 5",
        "hash-bench tree TREE INDEX            # cold: INDEX removed first; no change: INDEX kept",
        "find TREE -type f -print0 | xargs -0 -P$(nproc) -n 500 openssl dgst -sha256 > /dev/null",
        "find TREE -type f -print0 | xargs -0 -P$(nproc) -n 500 sha256sum > /dev/null",
        "git --git-dir=GITDIR --work-tree=TREE add -A     # after a fresh git init",
        "git --git-dir=GITDIR --work-tree=TREE status --porcelain",
        "```",
        "",
    ]
    # The analysis is written by hand and kept next to this script, so a new run keeps it.
    analysis = os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")
    if os.path.exists(analysis):
        with open(analysis) as file:
            lines += [file.read()]
    with open(output, "w") as file:
        file.write("\n".join(lines))


if __name__ == "__main__":
    main(*sys.argv[1:4])
