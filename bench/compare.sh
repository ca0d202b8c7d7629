#!/usr/bin/env bash
# Measures postbud against stock Maroto, in one run on this machine.
#
#   bench/compare.sh [N]          (default N=1000; R=3 bench/compare.sh for 3 interleaved rounds)
#
# Environment: R rounds (default 1; every round measures everything once and prints its own rows,
# then a last block gives the range over the rounds), PEERS (default ../shared/bench/peers).
# N=1000, R=1 takes 1½-2 minutes on 2 quiet cores (most of it stock Maroto's 2 x N reference
# letters), each further round as long again: R=3 about 5 minutes, R=3 with N=500 about 2½.
#
# Stock Maroto is the Go peer of ../shared/bench/peers/go (maroto v2.3.3, Liberation Sans from
# fonts-liberation2, one letter at a time) on its reference letter (peers/letter.json), as in
# ../shared/bench/peers/RESULTS.md. postbud renders bench/data/boligstoette-varied.ndjson through the
# boligstoette-afgoerelse bundle (merge + render): 384 different letters (names from across Europe,
# twelve senders, 1-12 table rows, 4-6 paragraphs; on average the reference letter's size), each
# letter from the next record, so that no cache gains from a repeated letter. "letters/s/core" is
# letters per CPU-second (user+system); ratio = postbud / stock Maroto (above 1: postbud does more
# letters per CPU-second).
#
# Two settings, because they differ a lot for Go programs that render one letter at a time:
#   default   GOMAXPROCS = all cores, as RESULTS.md ran the peer. A single-threaded loop leaves
#             the other core idle, and Go's garbage collector then runs idle mark workers there,
#             which count as CPU time.
#   1core     GOMAXPROCS=1 for both: no idle workers, the per-letter cost itself.
# postbud is measured single-threaded (concurrency 1) in both settings, and additionally with
# every core busy (concurrency = cores), which is how a worker pool runs.
#
# Per page: both tools render bench/data/letter-5p.json and letter-40p.json, the same content for
# both (postbud fills 5 and 40 pages; stock Maroto's layout is less dense and makes more pages;
# the page counts are measured with pdfinfo and printed). The marginal CPU cost of a page is
# (ms40 - ms5) / (pages40 - pages5), single-threaded, for each tool with its own page counts;
# "ratio a page" = postbud / stock (below 1: postbud's page costs less), and "ratio, same content" =
# postbud's (ms40 - ms5) / stock's, the cost of the same 35 pages of postbud content.
# Data: go run ./bench/gendata (deterministic; see bench/gendata/main.go).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
peers=${PEERS:-$top/../shared/bench/peers}
n=${1:-1000}
rounds=${R:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -d /usr/share/fonts/truetype/liberation2 ] || { echo "apt-get install fonts-liberation2 (the peer reads Liberation Sans from there)" >&2; exit 1; }
command -v pdfinfo >/dev/null || { echo "apt-get install poppler-utils (pdfinfo counts the pages)" >&2; exit 1; }
(cd "$peers/go" && GOFLAGS=-mod=mod go build -o "$tmp/gopeers" .)
(cd "$top" && go build -o "$tmp/postbud" ./cmd/postbud)

bundle=$top/samples/templates/boligstoette-afgoerelse
varied=$top/bench/data/boligstoette-varied.ndjson
long5=$top/bench/data/letter-5p.json
long40=$top/bench/data/letter-40p.json
cores=$(nproc)
n5=$((n / 5 > 5 ? n / 5 : 5))     # 5-page letters a per-page measurement
n40=$((n / 25 > 3 ? n / 25 : 3))  # 40-page letters

# maroto FILE N: "letters/s/core ms-CPU-a-letter" of stock Maroto.
maroto() {
  "$tmp/gopeers" -tool maroto -n "$2" -max 300 "$1" "$tmp/maroto.pdf" |
    sed -n 's/.*"cpu_ms":\([0-9.]*\).*"letters_per_cpu_s":\([0-9.]*\).*"n":\([0-9]*\).*/\2 \1 \3/p' |
    awk '{ printf "%.1f %.2f\n", $1, $2 / $3 }'
}
# postbud ARGS...: the output of postbud bench on the bundle.
postbud() { "$tmp/postbud" bench "$bundle" "$@"; }
field() { sed -n "s/^$1: //p"; }
rate() { postbud "$@" | field 'letters\/s\/core'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
perpage() { awk -v a="$1" -v b="$2" -v p="$3" -v q="$4" 'BEGIN { printf "%.2f", (b - a) / (q - p) }'; }
pages() { pdfinfo "$1" | sed -n 's/^Pages: *//p'; }

# Page counts, from one render of each letter by each tool.
"$tmp/gopeers" -tool maroto "$long5" "$tmp/m5.pdf" >/dev/null
"$tmp/gopeers" -tool maroto "$long40" "$tmp/m40.pdf" >/dev/null
"$tmp/postbud" render "$bundle" "$long5" -o "$tmp" --format pdf >/dev/null
"$tmp/postbud" render "$bundle" "$long40" -o "$tmp" --format pdf >/dev/null
mp5=$(pages "$tmp/m5.pdf") mp40=$(pages "$tmp/m40.pdf")
pp5=$(pages "$tmp/boligstoette-afgoerelse-letter-5p.pdf") pp40=$(pages "$tmp/boligstoette-afgoerelse-letter-40p.pdf")
"$tmp/gopeers" -tool maroto "$peers/letter.json" "$tmp/ref.pdf" >/dev/null
refpages=$(pages "$tmp/ref.pdf")
records=$(grep -c . "$varied")

echo "# N=$n, R=$rounds, $cores cores, $(go version | cut -d' ' -f3); letters per CPU-second (letters/s/core)"
echo "# stock maroto: peers/letter.json ($refpages page); postbud: bench/data/boligstoette-varied.ndjson ($records different letters, pages a letter: see the pdf rows)"
echo
echo "| round | setting | stock maroto | postbud pdf, 1 at a time | ratio | postbud pdf, $cores at a time | ratio | postbud docx | postbud pdf+docx | postbud pages a letter |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
: >"$tmp/letters" >"$tmp/pages"
for round in $(seq 1 "$rounds"); do
  for setting in default 1core; do
    if [ "$setting" = 1core ]; then export GOMAXPROCS=1; else unset GOMAXPROCS; fi
    read -r m _ < <(maroto "$peers/letter.json" "$n")
    out=$(postbud "$varied" -n "$n" --format pdf --concurrency 1)
    p1=$(field 'letters\/s\/core' <<<"$out") pg=$(field 'pages a letter' <<<"$out")
    pc=$(rate "$varied" -n "$n" --format pdf --concurrency "$cores")
    d=$(rate "$varied" -n "$((n * 5))" --format docx --concurrency "$cores")
    b=$(rate "$varied" -n "$n" --format both --concurrency "$cores")
    echo "| $round | $setting | $m | $p1 | $(ratio "$p1" "$m") | $pc | $(ratio "$pc" "$m") | $d | $b | $pg |"
    echo "$setting $m $p1 $(ratio "$p1" "$m") $pc $(ratio "$pc" "$m") $d $b" >>"$tmp/letters"
  done
done

echo
echo "# per page: bench/data/letter-5p.json and letter-40p.json (same content for both tools), ms CPU a letter, 1 at a time;"
echo "# pages (pdfinfo): stock maroto $mp5 and $mp40, postbud $pp5 and $pp40; $n5 and $n40 letters a measurement"
echo
echo "| round | setting | stock ms 5p | stock ms 40p | stock ms a page | postbud ms 5p | postbud ms 40p | postbud ms a page | ratio a page | ratio, same content |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for round in $(seq 1 "$rounds"); do
  for setting in default 1core; do
    if [ "$setting" = 1core ]; then export GOMAXPROCS=1; else unset GOMAXPROCS; fi
    read -r _ m5 < <(maroto "$long5" "$n5")
    read -r _ m40 < <(maroto "$long40" "$n40")
    q5=$(postbud "$long5" -n "$n5" --warmup 3 --concurrency 1 | field 'ms CPU a letter')
    q40=$(postbud "$long40" -n "$n40" --warmup 2 --concurrency 1 | field 'ms CPU a letter')
    mpp=$(perpage "$m5" "$m40" "$mp5" "$mp40") qpp=$(perpage "$q5" "$q40" "$pp5" "$pp40")
    same=$(awk -v a="$q5" -v b="$q40" -v c="$m5" -v d="$m40" 'BEGIN { printf "%.2f", (b - a) / (d - c) }')
    echo "| $round | $setting | $m5 | $m40 | $mpp | $q5 | $q40 | $qpp | $(ratio "$qpp" "$mpp") | $same |"
    echo "$setting $m5 $m40 $mpp $q5 $q40 $qpp $(ratio "$qpp" "$mpp") $same" >>"$tmp/pages"
  done
done

if [ "$rounds" -gt 1 ]; then
  # The range (min-max) of every column over the rounds.
  range() {
    awk -v hdr="$2" '
      { s = $1; if (!(s in k)) { k[s] = 1; order[++ns] = s }
        for (i = 2; i <= NF; i++) { v = $i + 0
          if (!((s, i) in lo) || v < lo[s, i]) lo[s, i] = v
          if (!((s, i) in hi) || v > hi[s, i]) hi[s, i] = v }; nf = NF }
      END { print ""; print hdr; for (j = 1; j <= ns; j++) { s = order[j]; line = "| range | " s
          for (i = 2; i <= nf; i++) line = line " | " lo[s, i] "-" hi[s, i]
          print line " |" } }' "$1"
  }
  range "$tmp/letters" "# range over $rounds rounds, letters/s/core: stock maroto | postbud pdf 1 | ratio | postbud pdf $cores | ratio | docx | pdf+docx"
  range "$tmp/pages" "# range over $rounds rounds, per page: stock ms 5p | 40p | a page | postbud ms 5p | 40p | a page | ratio a page | ratio, same content"
fi
