#!/usr/bin/env bash
# Makes testdata/pagebreak/NNN.pdf: a corpus report (NNN.docx) printed so
# that its applications table breaks across pages right after the row
# 没有现成信息需要另行制作, inside the merged group （四）无法提供 whose cell
# runs on to the next page, with a page number "- N -" at each foot between,
# as in real reports printed from WPS. The rows are kept whole (cantSplit),
# and empty paragraphs before the table are added one at a time until
# LibreOffice breaks the page there. The values are the corpus report's
# (testdata/corpus/expected/NNN.json). The PDF is committed: tests do not
# need LibreOffice.
#
# usage: scripts/pagebreak-pdf.sh [NNN]   (default 006)
set -euo pipefail

num=${1:-006}
src=testdata/corpus/$num.docx
out=$PWD/testdata/pagebreak
for tool in soffice pdftotext pdfinfo zip unzip perl; do
	command -v "$tool" >/dev/null || {
		echo "pagebreak-pdf: $tool is needed (libreoffice-writer-nogui, poppler-utils, zip, unzip, perl)" >&2
		exit 1
	}
done
[ -s "$src" ] || {
	echo "pagebreak-pdf: no $src; run make corpus first" >&2
	exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/docx"
unzip -q "$src" -d "$work/docx"
cd "$work/docx"
cat >word/footer1.xml <<'XML'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t xml:space="preserve">- </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> -</w:t></w:r></w:p></w:ftr>
XML
perl -0pi -e 's{</Relationships>}{<Relationship Id="rIdFooter1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>}' word/_rels/document.xml.rels
perl -0pi -e 's{</Types>}{<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>}' '[Content_Types].xml'
perl -0pi -e 's{<w:sectPr>}{<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter1"/>}g; s{<w:tr><w:trPr>}{<w:tr><w:trPr><w:cantSplit/>}g' word/document.xml
cp word/document.xml "$work/document.xml"
cd "$work"

# has PAGE TEXT: whether the page's text, spaces and line ends dropped,
# holds TEXT.
has() { pdftotext -f "$1" -l "$1" "$work/out/$num.pdf" - | tr -d ' \n' | grep -q "$2"; }

for pad in $(seq 0 40); do
	# pad empty paragraphs before the second table, the applications table.
	perl -0pe "my \$n = 0; s{<w:tbl>}{++\$n == 2 ? ('<w:p/>' x $pad) . '<w:tbl>' : '<w:tbl>'}ge" document.xml >docx/word/document.xml
	rm -f "$num.docx"
	(cd docx && zip -qX -r "../$num.docx" '[Content_Types].xml' _rels docProps word)
	soffice --headless "-env:UserInstallation=file://$work/profile" \
		--convert-to pdf --outdir "$work/out" "$num.docx" >log 2>&1 || {
		cat log >&2
		exit 1
	}
	pages=$(pdfinfo "out/$num.pdf" | awk '/^Pages:/ {print $2}')
	for p in $(seq 1 $((pages - 1))); do
		if has "$p" 另行制作 && ! has "$p" 补正后申 && has $((p + 1)) 补正后申 && ! has $((p + 1)) 另行制作; then
			mkdir -p "$out"
			cp "$work/out/$num.pdf" "$out/$num.pdf"
			echo "pagebreak-pdf: $out/$num.pdf: $pad empty paragraphs before the table, break after page $p of $pages"
			exit 0
		fi
	done
done
echo "pagebreak-pdf: no padding broke the page after 没有现成信息需要另行制作" >&2
exit 1
