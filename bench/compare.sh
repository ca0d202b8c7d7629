#!/usr/bin/env bash
# Measures postbud against stock Maroto on the reference letter, in one run on this machine.
#
#   bench/compare.sh [N]      (default N=1000)
#
# Stock Maroto is the Go peer of ../shared/bench/peers/go (maroto v2.3.3, Liberation Sans from
# fonts-liberation2, one letter at a time). postbud renders the same data through the
# boligstoette-afgoerelse bundle (merge + render). "letters/s/core" is letters per CPU-second
# (user+system), as in ../shared/bench/peers/RESULTS.md.
#
# Two settings, because they differ a lot for Go programs that render one letter at a time:
#   default   GOMAXPROCS = all cores, as RESULTS.md ran the peer. A single-threaded loop leaves
#             the other core idle, and Go's garbage collector then runs idle mark workers there,
#             which count as CPU time: stock Maroto gets ~55 letters/s/core this way.
#   1 core    GOMAXPROCS=1 for both: no idle workers, the per-letter cost itself.
# postbud is measured single-threaded (concurrency 1) in both settings, and additionally with
# every core busy (concurrency = cores), which is how a worker pool runs.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
peers=${PEERS:-$top/../shared/bench/peers}
n=${1:-1000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -d /usr/share/fonts/truetype/liberation2 ] || { echo "apt-get install fonts-liberation2 (the peer reads Liberation Sans from there)" >&2; exit 1; }
(cd "$peers/go" && GOFLAGS=-mod=mod go build -o "$tmp/gopeers" .)
(cd "$top" && go build -o "$tmp/postbud" ./cmd/postbud)

bundle=$top/samples/templates/boligstoette-afgoerelse
cores=$(nproc)
maroto() { "$tmp/gopeers" -tool maroto -n "$n" -max 300 "$1" "$tmp/maroto.pdf" | sed -n 's/.*"letters_per_cpu_s":\([0-9.]*\).*/\1/p'; }
postbud() { "$tmp/postbud" bench "$bundle" "$@" | sed -n 's/^letters\/s\/core: //p'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
num() { awk -v a="$1" 'BEGIN { printf "%.1f", a }'; }

echo "# N=$n, $cores cores, $(go version | cut -d' ' -f3); letters per CPU-second (letters/s/core)"
echo "| letter | setting | stock maroto | postbud pdf, 1 at a time | ratio | postbud pdf, $cores at a time | ratio | postbud docx | postbud pdf+docx |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for variant in letter letter-long; do
  for setting in default 1core; do
    if [ "$setting" = 1core ]; then export GOMAXPROCS=1; else unset GOMAXPROCS; fi
    data=$peers/$variant.json
    m=$(maroto "$data")
    p1=$(postbud "$data" -n "$n" --format pdf --concurrency 1)
    pc=$(postbud "$data" -n "$n" --format pdf --concurrency "$cores")
    d=$(postbud "$data" -n "$((n * 5))" --format docx --concurrency "$cores")
    b=$(postbud "$data" -n "$n" --format both --concurrency "$cores")
    echo "| $variant | $setting | $(num "$m") | $p1 | $(ratio "$p1" "$m") | $pc | $(ratio "$pc" "$m") | $d | $b |"
  done
done
