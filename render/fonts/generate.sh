#!/bin/sh
# generate.sh regenerates the font files postbud embeds in PDF and DOCX (run via `go generate ./render/fonts`).
#
# It copies the four Liberation Sans 2 styles from the system (Debian: fonts-liberation2) and
# makes Latin subsets of them with pyftsubset (Debian: python3-fonttools): Basic Latin, Latin-1
# Supplement, Latin Extended-A, the Romanian comma-below letters, general punctuation, the euro
# sign, trade mark and minus sign, without hinting or OpenType layout tables. The subsets are
# Modified Versions under the SIL OFL 1.1 and may not carry the Reserved Font Name "Liberation",
# so their name table is rewritten to "Postbud Sans Latin".
set -eu
src=${LIBERATION_DIR:-/usr/share/fonts/truetype/liberation2}
dst=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-/usr/bin/python3}
unicodes="U+0020-007E,U+00A0-00FF,U+0100-017F,U+0218-021B,U+2000-206F,U+20AC,U+2122,U+2212"
for style in Regular Bold Italic BoldItalic; do
	cp "$src/LiberationSans-$style.ttf" "$dst/LiberationSans-$style.ttf"
	out="$dst/PostbudSansLatin-$style.ttf"
	pyftsubset "$src/LiberationSans-$style.ttf" --output-file="$out" \
		--unicodes="$unicodes" --no-hinting --layout-features='' \
		--drop-tables+=GSUB,GPOS,GDEF,kern,DSIG,gasp,FFTM --name-IDs=0,1,2,3,4,5,6,13,14 \
		--notdef-outline --recalc-bounds
	"$py" - "$out" "$style" <<'PY'
import sys
from fontTools.ttLib import TTFont
path, style = sys.argv[1], sys.argv[2]
human = {"Regular": "Regular", "Bold": "Bold", "Italic": "Italic", "BoldItalic": "Bold Italic"}[style]
font = TTFont(path)
name = font["name"]
family = "Postbud Sans Latin"
values = {
    1: family if style in ("Regular", "Bold", "Italic", "BoldItalic") else family,
    3: "Postbud Sans Latin %s (subset of Liberation Sans 2)" % human,
    4: "%s %s" % (family, human),
    6: "PostbudSansLatin-%s" % style,
}
for rec in list(name.names):
    if rec.nameID in values:
        rec.string = values[rec.nameID]
    elif rec.nameID in (16, 17, 18, 21, 22):
        name.removeNames(nameID=rec.nameID)
font.save(path)
PY
done
ls -l "$dst"/*.ttf
