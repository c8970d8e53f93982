#!/usr/bin/env bash
# Measures dagrun's SHA-256 and tree hashing against OpenSSL, sha256sum and git, side by side
# in one run, and writes the figures to docs/benchmarks-hashing.md.
#
# Usage: bench/hashing/run.sh [WORK_DIR]      (default: bench/work, which git ignores)
# Needs: swift, python3, hyperfine, openssl, sha256sum, git. Takes a few minutes, mostly in
# `git add -A`, and about 3.5 GB of disk for the generated tree.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mkdir -p "${1:-$repo/bench/work}" && cd "${1:-$repo/bench/work}" && pwd)
tree=$work/tree
results=$work/results
bench=$work/hash-bench
cores=$(nproc)
mkdir -p "$results"
cat /proc/loadavg > "$results/load-start.txt"
cd "$repo"

echo "== building (release)"
swift build -c release --target Hashing
build=$repo/.build/release
swiftc -O bench/hashing/main.swift -module-name HashBench -o "$bench" \
    -I "$build/Modules" \
    -Xcc -fmodule-map-file="$build/CSHA256.build/module.modulemap" -Xcc -I"$repo/Sources/CSHA256/include" \
    -Xcc -fmodule-map-file="$repo/Sources/CSQLite/module.modulemap" \
    -Xcc -fmodule-map-file="$build/CSystem.build/module.modulemap" -Xcc -I"$repo/Sources/CSystem/include" \
    "$build"/Hashing.build/*.o "$build"/Basics.build/*.o "$build"/CSHA256.build/*.o "$build"/CSystem.build/*.o \
    -lsqlite3

if [[ ! -e $work/tree.complete ]]; then
    echo "== generating the tree (fixed seed)"
    rm -rf "$tree"
    python3 bench/hashing/make_tree.py "$tree"
    touch "$work/tree.complete"
fi

echo "== raw SHA-256"
"$bench" sha256 1024 | tee "$results/sha-preferred.txt"
"$bench" sha256 256 portable | tee "$results/sha-portable.txt"
openssl speed -evp sha256 -bytes 16384 -seconds 5 2>/dev/null | tail -1 | tee "$results/openssl-speed.txt"

echo "== warming the page cache"
find "$tree" -type f -print0 | xargs -0 cat > /dev/null

echo "== cold tree hash"
hyperfine --style basic --warmup 1 --runs 5 --export-json "$results/cold-dagrun.json" \
    --prepare "rm -f $work/index.db $work/index.db-wal $work/index.db-shm" \
    -n "dagrun index (cold)" "$bench tree $tree $work/index.db"
hyperfine --style basic --warmup 1 --runs 5 --export-json "$results/cold-tools.json" \
    -n "openssl via xargs" "find $tree -type f -print0 | xargs -0 -P$cores -n 500 openssl dgst -sha256 > /dev/null" \
    -n "sha256sum via xargs" "find $tree -type f -print0 | xargs -0 -P$cores -n 500 sha256sum > /dev/null"
hyperfine --style basic --runs 2 --export-json "$results/cold-git.json" \
    --prepare "rm -rf $work/gitdir && git --git-dir=$work/gitdir init -q" \
    -n "git add -A (fresh repo)" "git --git-dir=$work/gitdir --work-tree=$tree add -A"

echo "== no-change check"
rm -f "$work/index.db" "$work/index.db-wal" "$work/index.db-shm"
"$bench" tree "$tree" "$work/index.db" | tee "$results/cold-run.txt"
# gc.auto=0: the commit would otherwise start a background `git gc --auto`, which packs the
# 3 GB of objects on both cores while the no-change check below is measured.
git --git-dir="$work/gitdir" --work-tree="$tree" -c user.name=bench -c user.email=bench@localhost \
    -c gc.auto=0 commit -q -m tree
"$bench" tree "$tree" "$work/index.db" | tee "$results/warm-run.txt"
# -N: both commands run without a shell in between, whose start-up would add to both; 30 runs,
# because a tenth of a second on a shared machine swings by several milliseconds.
hyperfine --style basic -N --warmup 3 --runs 30 --export-json "$results/warm.json" \
    -n "dagrun index (no change)" "$bench tree $tree $work/index.db" \
    -n "git status --porcelain" "git --git-dir=$work/gitdir --work-tree=$tree status --porcelain"

echo "== writing docs/benchmarks-hashing.md"
mkdir -p "$repo/docs"
python3 bench/hashing/report.py "$results" "$repo/docs/benchmarks-hashing.md" "$tree"
