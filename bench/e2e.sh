#!/usr/bin/env bash
# Measures the whole pipeline against render alone, in one run on this machine.
#
#   bench/e2e.sh [N]        (default N=3000; R=3 bench/e2e.sh for 3 interleaved rounds)
#
# Each round runs, on the same data (bench/data/boligstoette-varied.ndjson through the
# boligstoette-afgoerelse bundle, PDF and DOCX):
#   render   postbud bench --format both: merge and render only, every core busy;
#   e2e      postbud bench --e2e: N letters submitted as one batch through the Go client, queued
#            on a real Redis, rendered by a worker pool of concurrency C (default 16), stored in a
#            file blob store and delivered to an outbox with its flushes to disk;
# and prints both rates and e2e / render. The Redis is a private redis-server (port PORT, default
# 6390, no persistence) started by this script and stopped at the end, so no other client's
# commands count; it shares the machine's cores with postbud, as a one-machine installation does.
# Environment: R rounds (default 1), C worker concurrency (default 16), PORT.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-3000}
rounds=${R:-1}
conc=${C:-16}
port=${PORT:-6390}
tmp=$(mktemp -d)
command -v redis-server >/dev/null || { echo "apt-get install redis-server" >&2; exit 1; }
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log" >/dev/null
stop() {
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  while [ -e "$tmp/redis.pid" ] && kill -0 "$(cat "$tmp/redis.pid")" 2>/dev/null; do sleep 0.1; done
  rm -rf "$tmp"
}
trap stop EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
(cd "$top" && go build -o "$tmp/postbud" ./cmd/postbud)

bundle=$top/samples/templates/boligstoette-afgoerelse
varied=$top/bench/data/boligstoette-varied.ndjson
field() { sed -n "s/^$1: //p"; }
echo "# N=$n, R=$rounds, worker concurrency $conc, $(nproc) cores, $(go version | cut -d' ' -f3), $(redis-server --version | cut -d' ' -f3)"
echo
echo "| round | render only letters/s | e2e letters/s | e2e / render | e2e cores used | e2e ms CPU a letter (postbud + redis-server) | Redis commands a letter | peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
: >"$tmp/rows"
for round in $(seq 1 "$rounds"); do
  r=$("$tmp/postbud" bench "$bundle" "$varied" -n "$n" --format both | field 'letters\/s')
  out=$("$tmp/postbud" bench --e2e "$bundle" "$varied" -n "$n" --concurrency "$conc" --redis "redis://127.0.0.1:$port/3" 2>/dev/null)
  e=$(field 'letters\/s' <<<"$out")
  cores=$(sed -n 's/.*(\([0-9.]*\) cores used).*/\1/p' <<<"$out")
  rss=$(sed -n 's/.*peak RSS \([0-9]*\) MB.*/\1/p' <<<"$out")
  cmds=$(sed -n 's/^Redis: \([0-9.]*\) commands a letter.*/\1/p' <<<"$out")
  ms=$(sed -n 's/.*postbud and redis-server \([0-9.]*\) ms CPU a letter.*/\1/p' <<<"$out")
  pct=$(awk -v a="$e" -v b="$r" 'BEGIN { printf "%.0f%%", 100 * a / b }')
  echo "| $round | $r | $e | $pct | $cores | $ms | $cmds | $rss MB |"
  echo "$r $e $(awk -v a="$e" -v b="$r" 'BEGIN { printf "%.1f", 100 * a / b }') $cores $ms $cmds $rss" >>"$tmp/rows"
done
if [ "$rounds" -gt 1 ]; then
  awk '{ for (i = 1; i <= NF; i++) { v = $i + 0; if (NR == 1 || v < lo[i]) lo[i] = v; if (NR == 1 || v > hi[i]) hi[i] = v } }
    END { printf "| range | %s-%s | %s-%s | %s-%s%% | %s-%s | %s-%s | %s-%s | %s-%s MB |\n", lo[1], hi[1], lo[2], hi[2], lo[3], hi[3], lo[4], hi[4], lo[5], hi[5], lo[6], hi[6], lo[7], hi[7] }' "$tmp/rows"
fi
