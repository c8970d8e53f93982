"""Drives `dagrun watch` and `inotifywait -r` on a prepared workspace and prints the figures.

Usage: measure.py DAGRUN WORKSPACE RESULTS_DIR EDITS

The job of the workspace's workflow writes the time it started (nanoseconds since the epoch) to
the file named by BENCH_STARTED, so a write's latency is that time minus the time just before
the write. Every edit waits for the cycle before it to end. CPU time comes from
/proc/PID/stat (utime + stime of every thread of the process).
"""
import os
import statistics
import subprocess
import sys
import time


def wait_for(predicate, limit, what):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.002)
    raise SystemExit(f"timed out waiting for {what}")


def read(path):
    try:
        with open(path) as file:
            return file.read()
    except FileNotFoundError:
        return ""


def cpu_seconds(pid):
    fields = read(f"/proc/{pid}/stat").rsplit(")", 1)[1].split()
    # Fields 14 and 15 of the whole line (utime, stime) are 12 and 13 after the name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def inotifywait_setup(workspace, runs=3):
    times = []
    for _ in range(runs):
        start = time.monotonic()
        process = subprocess.Popen(
            ["inotifywait", "-m", "-r", "-e", "close_write", workspace + "/"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        # inotifywait prints "Watches established." on standard error once every watch is added.
        for line in process.stderr:
            if "Watches established" in line:
                break
        times.append(time.monotonic() - start)
        process.terminate()
        process.wait()
    return times


def main(dagrun, workspace, results, edits):
    started = os.path.join(results, "started")
    log = os.path.join(results, "watch.log")
    environment = dict(os.environ, BENCH_STARTED=started, NO_COLOR="1")

    print("== inotifywait -r setup")
    inotify_times = inotifywait_setup(workspace)
    print("inotifywait -r: " + ", ".join(f"{t:.2f}s" for t in inotify_times))

    print("== dagrun watch: first run")
    with open(log, "w") as output:
        start = time.monotonic()
        process = subprocess.Popen([dagrun, "watch"], cwd=workspace, env=environment,
                                   stdout=output, stderr=subprocess.STDOUT)
    waiting = lambda count: read(log).count("waiting for changes") >= count
    wait_for(lambda: waiting(1), 900, "the first run")
    print(f"first run done after {time.monotonic() - start:.1f}s")
    setup = [line for line in read(log).splitlines() if "set up in" in line]
    print("dagrun watch: " + (setup[0] if setup else "no setup line"))

    print(f"== {edits} edits")
    edit = os.path.join(workspace, "d00", "s00", "bench-edit.dat")
    latencies = []
    for number in range(edits):
        before = read(started)
        cycles = read(log).count("waiting for changes")
        written = time.time_ns()
        with open(edit, "w") as file:
            file.write(f"edit {number} {written}\n")
        wait_for(lambda: read(started) != before and read(started).strip(), 60, "the job to start")
        latencies.append((int(read(started)) - written) / 1e6)
        wait_for(lambda: waiting(cycles + 1), 60, "the cycle to end")
    print("latency ms: " + ", ".join(f"{value:.0f}" for value in latencies))
    print(f"median {statistics.median(latencies):.0f} ms, min {min(latencies):.0f}, max {max(latencies):.0f}")

    print("== idle minute")
    time.sleep(2)
    before = cpu_seconds(process.pid)
    time.sleep(60)
    after = cpu_seconds(process.pid)
    print(f"CPU time while idle for 60 s: {after - before:.2f} s")

    process.send_signal(2)
    print(f"exit status after SIGINT: {process.wait(timeout=30)}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
