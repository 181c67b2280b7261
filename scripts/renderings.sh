#!/usr/bin/env bash
# Renders the generated corpus (testdata/corpus: NNN.docx, NNN.html, NNN.pdf)
# the way other tools extract reports, so the reader is measured on text it
# was not generated with. Each rendering is written as OUT/NNN.TOOL.EXT:
#
#   layout.txt      pdftotext -layout of the PDF (aligned columns)
#   plain.txt       pandoc -t plain of the DOCX (simple and grid tables)
#   gfm.md          pandoc -t gfm of the DOCX (pipe tables or raw <table> HTML)
#   markdown.md     pandoc -t markdown of the DOCX
#   w3m.txt         w3m -dump of the HTML (box-drawing tables)
#   pdftohtml.html  pdftohtml -c of the PDF (absolutely positioned spans)
#
# and, with --untuned, renderings the reader was not tuned on, kept apart:
#
#   raw.txt         pdftotext without -layout (reading order)
#   rst.txt         pandoc -t rst of the DOCX (grid tables)
#   w3m60.txt       w3m -dump -cols 60 of the HTML (narrow, wrapped)
#   pdfnoc.html     pdftohtml without -c (no positions)
#   lo.txt          LibreOffice's text export of the DOCX (a table cell a
#                   line), when soffice is installed
#
# usage: scripts/renderings.sh [--untuned] CORPUS-DIR OUT-DIR [NNN...]
# The tools are Debian's poppler-utils, pandoc and w3m (make deps-test).
set -euo pipefail

untuned=0
if [ "${1:-}" = --untuned ]; then
	untuned=1
	shift
fi
if (($# < 2)); then
	echo "usage: $0 [--untuned] CORPUS-DIR OUT-DIR [NNN...]" >&2
	exit 2
fi
in=$1 out=$2
shift 2
for tool in pdftotext pdftohtml pandoc w3m; do
	if ! command -v "$tool" >/dev/null; then
		echo "renderings: $tool is needed: apt-get install poppler-utils pandoc w3m" >&2
		exit 1
	fi
done
mkdir -p "$out"
if (($# == 0)); then
	set -- $(cd "$in" && ls [0-9][0-9][0-9].docx | sed 's/\.docx$//')
fi

# w3m guesses an undeclared page's charset wrongly for GBK; as a reader who
# saw the garbled text would, tell it GB18030 when the page is not UTF-8.
w3mcharset() {
	if ! iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; then
		echo "-I GB18030"
	fi
}

render() {
	local n=$1 d="$in/$1"
	# pandoc -s keeps the title, which Word holds as the document's title.
	if ((untuned)); then
		pdftotext "$d.pdf" "$out/$n.raw.txt"
		pandoc -s -f docx -t rst "$d.docx" -o "$out/$n.rst.txt"
		w3m -dump -O UTF-8 $(w3mcharset "$d.html") -cols 60 -T text/html "$d.html" >"$out/$n.w3m60.txt"
		pdftohtml -s -i -noframes -q "$d.pdf" "$out/$n.pdfnoc"
		return
	fi
	pdftotext -layout "$d.pdf" "$out/$n.layout.txt"
	# At pandoc's default 72 columns a table whose cells hold several
	# paragraphs comes out as "[TABLE]", with nothing left to read.
	pandoc -s -f docx -t plain --columns=120 "$d.docx" -o "$out/$n.plain.txt"
	pandoc -s -f docx -t gfm "$d.docx" -o "$out/$n.gfm.md"
	pandoc -s -f docx -t markdown "$d.docx" -o "$out/$n.markdown.md"
	w3m -dump -O UTF-8 $(w3mcharset "$d.html") -T text/html "$d.html" >"$out/$n.w3m.txt"
	# -s: one page for the whole document; -i: no images (the page
	# backgrounds are only ruling lines).
	pdftohtml -c -s -i -noframes -q "$d.pdf" "$out/$n.pdftohtml"
}

# Two at a time: pandoc is the slow one, and the machine is shared.
pids=()
for n in "$@"; do
	render "$n" &
	pids+=($!)
	if ((${#pids[@]} >= 2)); then
		wait "${pids[0]}"
		pids=("${pids[@]:1}")
	fi
done
for p in "${pids[@]}"; do wait "$p"; done

# LibreOffice: one soffice call for every file, as starting it is slow, with
# a throwaway profile, so no user settings or running LibreOffice interfere.
if ((untuned)); then
	if ! command -v soffice >/dev/null; then
		echo "renderings: soffice is not installed: no lo.txt renderings" >&2
		exit 0
	fi
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	docs=()
	for n in "$@"; do docs+=("$in/$n.docx"); done
	soffice --headless "-env:UserInstallation=file://$work/profile" \
		--convert-to txt:Text --outdir "$work/out" "${docs[@]}" >"$work/log" 2>&1 || {
		cat "$work/log" >&2
		exit 1
	}
	for n in "$@"; do
		mv "$work/out/$n.txt" "$out/$n.lo.txt"
	done
fi
