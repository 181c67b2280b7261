# nianbao worker: built with cgo against libtesseract, run on slim Debian with
# Tesseract and its Chinese models. worker/container_test.go runs the build
# stage's steps as a plain shell script and checks the packages against the
# Makefile's lists, since no Docker engine runs where the tests do.

FROM golang:1.26-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libtesseract-dev libleptonica-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ENV CGO_ENABLED=1
RUN go build -ldflags="-s -w" -o bin/nianbao ./cmd/nianbao

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-eng tesseract-ocr-osd poppler-utils && rm -rf /var/lib/apt/lists/*
# Tesseract's OpenMP threads fight the worker's own concurrency.
ENV OMP_THREAD_LIMIT=1
RUN useradd --system --uid 10001 --user-group --create-home nianbao && mkdir -p /data/inbox /data/out && chown nianbao:nianbao /data/inbox /data/out
COPY --from=build /src/bin/nianbao /usr/local/bin/nianbao
USER nianbao
VOLUME ["/data/inbox", "/data/out"]
EXPOSE 9090
ENTRYPOINT ["nianbao", "worker"]
CMD ["--watch", "/data/inbox", "--out", "/data/out", "--metrics", ":9090"]
