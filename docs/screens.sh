#!/usr/bin/env bash
# Takes the screenshot of the template preview the README shows, docs/preview.png: starts
# `postbud preview` on the samples on a free loopback port, opens a bundle's page in headless
# Chromium (1400 × 1000 pixels) and stops the server again. The page PNGs of every sample
# (docs/pages/) are made by docs/pages.sh; `docs/screens.sh --pages` runs that too.
#
#   docs/screens.sh [--pages] [BUNDLE]     (default boligstoette-afgoerelse)
#
# Needs chromium (Debian package chromium) and pdftoppm (poppler-utils).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pages=false
if [ "${1:-}" = --pages ]; then pages=true; shift; fi
bundle=${1:-boligstoette-afgoerelse}
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "screens.sh: no Chromium at $chromium: apt-get install chromium" >&2; exit 1; }
command -v pdftoppm >/dev/null || { echo "screens.sh: apt-get install poppler-utils" >&2; exit 1; }
tmp=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
(cd "$top" && go build -o "$tmp/postbud" ./cmd/postbud)
# A free port: bind port 0 and read back what the kernel chose.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$tmp/postbud" preview --templates "$top/samples" --addr "127.0.0.1:$port" >"$tmp/preview.log" 2>&1 &
server=$!
url=http://127.0.0.1:$port/
for _ in $(seq 100); do
  curl -fsS -o /dev/null "$url" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$tmp/preview.log" >&2; exit 1; }
  sleep 0.1
done
timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$tmp/chromium" --hide-scrollbars --window-size=1400,1000 \
  --screenshot="$top/docs/preview.png" "$url""b/$bundle" 2>"$tmp/chromium.log" ||
  { cat "$tmp/chromium.log" >&2; exit 1; }
echo "wrote $top/docs/preview.png"
if $pages; then "$top/docs/pages.sh"; else echo "page images of the samples: docs/pages.sh"; fi
