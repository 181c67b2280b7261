# nianbao: the two set-up commands of the README are `make run` and `make test`.
# Each installs what it needs first (scripts/deps.sh, idempotent; run as root).

export PATH := /usr/local/go/bin:$(PATH)
GO ?= go
# Tesseract's OpenMP threads slow it several times over on a shared machine
# (7-17 s a page against 1-3 s); the OCR parallelises with its own workers.
export OMP_THREAD_LIMIT := 1

# Debian packages each job needs. OCR: Tesseract and its headers (cgo), the
# Chinese and English models; the tests render PDFs with poppler-utils, run
# Redis for the worker, convert .doc files with LibreOffice, render DOCX to PDF
# with it in Noto CJK (the corpus PDFs' font; without a CJK font its PDFs hold
# no Chinese text), and write TIFFs in every compression with libtiff-tools and
# PDFs of text drawn as outlines with ghostscript.
OCR_PACKAGES  := tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-eng \
	libtesseract-dev libleptonica-dev
# poppler-utils renders at run time the PDF pages whose text can be seen
# but not read (fonts without Unicode maps, text drawn as outlines).
RUN_PACKAGES  := ca-certificates $(OCR_PACKAGES) poppler-utils
TEST_PACKAGES := ca-certificates $(OCR_PACKAGES) poppler-utils redis-server libreoffice-writer-nogui \
	fonts-noto-cjk pandoc w3m chromium libtiff-tools ghostscript

SAMPLES := $(filter-out %/README.md,$(wildcard testdata/seeds/*.txt) \
	$(wildcard testdata/corpus/*.html) $(wildcard testdata/corpus/*.txt) $(wildcard testdata/corpus/*.md) \
	$(wildcard testdata/corpus/*.docx) $(wildcard testdata/corpus/*.pdf) \
	$(wildcard testdata/scans/*.jpg) $(wildcard testdata/scans/*.png))
FUZZTIME ?= 3m
# Minimising each new input for the default minute leaves little time to fuzz.
FUZZFLAGS = -run '^$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s

.PHONY: run test build deps-run deps-test fuzz bench corpus corpus-pdf scans packages clean

## run: parse every sample document in testdata/ into out/records.jsonl
run: deps-run build
	@mkdir -p out
	@echo "bin/nianbao parse -o out/records.jsonl ($(words $(SAMPLES)) sample documents)"
	@bin/nianbao parse -o out/records.jsonl $(SAMPLES)
	@echo "$$(wc -l < out/records.jsonl) records in out/records.jsonl:" \
		"$$(grep -c '"status":"valid"' out/records.jsonl) valid," \
		"$$(grep -c '"status":"invalid"' out/records.jsonl) invalid," \
		"$$(grep -c '"status":"incomplete"' out/records.jsonl) incomplete"

## test: vet and run every test
test: deps-test
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m ./...

build:
	$(GO) build -o bin/nianbao ./cmd/nianbao

deps-run:
	@scripts/deps.sh $(RUN_PACKAGES)

deps-test:
	@scripts/deps.sh $(TEST_PACKAGES)

## fuzz: run each fuzz target for FUZZTIME; FuzzJailed runs every converter
## through the jail, as batch and the worker do
fuzz: deps-test
	$(GO) test ./internal/parser -fuzz FuzzParse $(FUZZFLAGS)
	$(GO) test ./converters/text -fuzz FuzzConvert $(FUZZFLAGS)
	$(GO) test ./converters/html -fuzz FuzzConvert $(FUZZFLAGS)
	$(GO) test ./converters/docx -fuzz FuzzConvert $(FUZZFLAGS)
	$(GO) test ./converters/pdf -fuzz FuzzConvert $(FUZZFLAGS)
	$(GO) test ./converters/ocr/imgproc -fuzz FuzzDecode $(FUZZFLAGS)
	$(GO) test ./internal/pipeline -fuzz FuzzJailed $(FUZZFLAGS)

## bench: the benchmarks, on one core
bench: deps-test
	$(GO) test -run '^$$' -bench . -benchmem -cpu 1 ./...

## corpus: regenerate the generated test corpus in testdata/corpus
corpus: deps-test
	$(GO) generate ./internal/corpus
	scripts/corpus-pdf.sh testdata/corpus

## corpus-pdf: render the corpus's DOCX files to PDF with LibreOffice (NNN.pdf);
## make corpus runs it too
corpus-pdf: deps-test
	scripts/corpus-pdf.sh testdata/corpus

## scans: regenerate the OCR test set in testdata/scans from the corpus PDFs
scans: deps-test
	$(GO) run ./converters/ocr/scans/genscans -in testdata/corpus -out testdata/scans

## packages: print each job's Debian packages (the Dockerfile test reads them)
packages:
	@echo "RUN_PACKAGES=$(RUN_PACKAGES)"
	@echo "TEST_PACKAGES=$(TEST_PACKAGES)"

clean:
	rm -rf bin out
