# nianbao: the two set-up commands of the README are `make run` and `make test`.
# Each installs what it needs first (scripts/deps.sh, idempotent; run as root).

export PATH := /usr/local/go/bin:$(PATH)
GO ?= go

# Debian packages each job needs; none yet beyond Go itself.
RUN_PACKAGES  := ca-certificates
TEST_PACKAGES := ca-certificates

SAMPLES := $(filter-out %/README.md,$(wildcard testdata/seeds/*.txt) \
	$(wildcard testdata/corpus/*.html) $(wildcard testdata/corpus/*.txt) $(wildcard testdata/corpus/*.md) \
	$(wildcard testdata/corpus/*.docx))
FUZZTIME ?= 3m
# Minimising each new input for the default minute leaves little time to fuzz.
FUZZFLAGS = -run '^$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s

.PHONY: run test build deps-run deps-test fuzz bench corpus clean

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
	$(GO) test -count=1 ./...

build:
	$(GO) build -o bin/nianbao ./cmd/nianbao

deps-run:
	@scripts/deps.sh $(RUN_PACKAGES)

deps-test:
	@scripts/deps.sh $(TEST_PACKAGES)

## fuzz: run each fuzz target for FUZZTIME
fuzz: deps-test
	$(GO) test ./internal/parser -fuzz FuzzParse $(FUZZFLAGS)
	$(GO) test ./converters/text -fuzz FuzzConvert $(FUZZFLAGS)
	$(GO) test ./converters/html -fuzz FuzzConvert $(FUZZFLAGS)
	$(GO) test ./converters/docx -fuzz FuzzConvert $(FUZZFLAGS)

## bench: the benchmarks, on one core
bench: deps-test
	$(GO) test -run '^$$' -bench . -benchmem -cpu 1 ./...

## corpus: regenerate the generated test corpus in testdata/corpus
corpus:
	$(GO) generate ./internal/corpus

clean:
	rm -rf bin out
