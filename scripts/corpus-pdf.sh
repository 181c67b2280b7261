#!/usr/bin/env bash
# Renders the generated DOCX corpus (testdata/corpus/NNN.docx) to PDF with
# LibreOffice, as NNN.pdf beside each, so the accuracy test reads every
# report as a PDF too. The PDFs are committed: tests do not need LibreOffice.
# Run after `make corpus` whenever the DOCX files change.
#
# usage: scripts/corpus-pdf.sh [corpus-dir]
set -euo pipefail

dir=${1:-testdata/corpus}
shopt -s nullglob
docs=("$dir"/[0-9][0-9][0-9].docx)
if ((${#docs[@]} == 0)); then
	echo "corpus-pdf: no NNN.docx in $dir; run make corpus first" >&2
	exit 1
fi
if ! command -v soffice >/dev/null; then
	echo "corpus-pdf: soffice (LibreOffice) is needed: apt-get install libreoffice-writer-nogui" >&2
	exit 1
fi

# A throwaway profile, so no user settings (or a running LibreOffice) change
# the output; one soffice call for every file, as starting it is slow.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
soffice --headless "-env:UserInstallation=file://$work/profile" \
	--convert-to pdf --outdir "$work/out" "${docs[@]}" >"$work/log" 2>&1 || {
	cat "$work/log" >&2
	exit 1
}
n=0
for doc in "${docs[@]}"; do
	base=$(basename "$doc" .docx)
	if [ ! -s "$work/out/$base.pdf" ]; then
		echo "corpus-pdf: LibreOffice made no PDF of $doc" >&2
		cat "$work/log" >&2
		exit 1
	fi
	mv "$work/out/$base.pdf" "$dir/$base.pdf"
	n=$((n + 1))
done
echo "corpus-pdf: $n PDFs in $dir, $(du -ch "$dir"/[0-9][0-9][0-9].pdf | tail -n1 | cut -f1) in all"
