#!/usr/bin/env bash
# Renders every sample bundle (samples/templates/*/sample.json), in each of its languages, to PDF
# and DOCX and writes its pages as PNG under docs/pages/: <bundle>-<n>.png from postbud's PDF,
# and <bundle>-docx-<n>.png from the DOCX as LibreOffice lays it out, so that both can be looked
# at side by side (<bundle>.<lang>-<n>.png for the letter.<lang>.md of a bundle).
#
#   docs/pages.sh [DPI]     (default 60)
#
# Needs pdftoppm (poppler-utils) and soffice (libreoffice-writer-nogui). The README shows page 1
# of each sample from here.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dpi=${1:-60}
out=$top/docs/pages
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v pdftoppm >/dev/null || { echo "apt-get install poppler-utils" >&2; exit 1; }
command -v soffice >/dev/null || { echo "apt-get install libreoffice-writer-nogui" >&2; exit 1; }
(cd "$top" && go build -o "$tmp/postbud" ./cmd/postbud)
rm -rf "$out"
mkdir -p "$out"
# pages NAME DIR DATA [LANG]: the pages of one letter as NAME-<n>.png and NAME-docx-<n>.png.
pages() {
  local name=$1 dir=$2 data=$3 lang=${4:-}
  mkdir -p "$tmp/$name"
  "$tmp/postbud" render "$dir" "$data" -o "$tmp/$name" ${lang:+--lang "$lang"} >/dev/null
  pdf=$(ls "$tmp/$name"/*.pdf) docx=$(ls "$tmp/$name"/*.docx)
  pdftoppm -r "$dpi" -png "$pdf" "$out/$name"
  soffice --headless --convert-to pdf --outdir "$tmp/$name/lo" "$docx" >/dev/null 2>&1
  pdftoppm -r "$dpi" -png "$tmp/$name/lo/"*.pdf "$out/$name-docx"
}
for dir in "$top"/samples/templates/*/; do
  name=$(basename "$dir")
  pages "$name" "$dir" "$dir/sample.json"
  # The bundle's letters in other languages (letter.<lang>.md): <bundle>.<lang>-<n>.png, with
  # the language's sample data when there is one.
  for other in "$dir"letter.*.md; do
    [ -e "$other" ] || continue
    lang=$(basename "$other" .md); lang=${lang#letter.}
    data=$dir/sample.json
    [ -e "$dir/sample.$lang.json" ] && data=$dir/sample.$lang.json
    pages "$name.$lang" "$dir" "$data" "$lang"
  done
done
# pdftoppm numbers pages with as many digits as the last page needs; name them plainly.
for f in "$out"/*.png; do
  mv "$f" "$(sed -E 's/-0*([0-9]+)\.png$/-\1.png/' <<<"$f")" 2>/dev/null || true
done
ls "$out"
