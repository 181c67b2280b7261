package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"time"

	"github.com/hibiken/asynq"

	"github.com/nianbao/nianbao/worker"
)

const workerUsage = `usage: nianbao worker --redis URL --out DIR [flags]

Processes the documents queued in Redis (by 'nianbao enqueue' or a watched
folder) and writes each record to DIR, mirroring the document's path:
DIR/a/b.pdf.json, or DIR/a/b.pdf.error.json with the reason when it fails.
Several workers may share one Redis and one DIR; a document is processed once
however often it is queued. SIGTERM or SIGINT stops it gracefully: no new
document is taken, and those in hand finish or go back to the queue.

With --watch, files dropped into the folder are queued once they stop
growing (hidden and temporary files are left alone, and files already there
are queued at start); processed files move to done/ in the folder, failed
ones to failed/ beside NAME.error.json with the reason. Entries of a dropped
.zip are read in place from done/.

Each document is read in a child process with limits (--max-memory,
--max-cpu, and its format's timeout): a document that crashes its child or
exceeds a limit fails at once with kind crash or resource_limit and its
reason, and is recorded in DIR/.poison/ so that no worker reads it again.

With --metrics, ADDR serves /metrics (Prometheus), /healthz and the Asynq
dashboard at /monitor/.

Exit status: 0 after a clean stop, 1 when it cannot run, 2 for bad usage.

flags:
`

func runWorker(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	redisURL := fs.String("redis", os.Getenv("REDIS_URL"), "Redis `URL`, as redis://[:password@]host:port[/db] (default $REDIS_URL)")
	out := fs.String("out", "", "write records under `DIR`")
	concurrency := fs.Int("concurrency", runtime.NumCPU(), "documents processed at once, `N`")
	watch := fs.String("watch", "", "queue the files dropped into `DIR`")
	metrics := fs.String("metrics", "", "serve /metrics, /healthz and /monitor/ on `ADDR` (host:port)")
	settle := fs.Duration("settle", worker.DefaultSettle, "with --watch, how long a file must stop changing before it is queued")
	shutdown := fs.Duration("shutdown-timeout", worker.DefaultShutdownTimeout, "how long documents in hand may take to finish on a stop")
	limits := addJailFlags(fs)
	rest, code, ok := parseCommand(fs, workerUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	switch {
	case len(rest) > 0:
		return usageError(fs, fmt.Sprintf("unexpected argument %q", rest[0]))
	case *redisURL == "":
		return usageError(fs, "no --redis URL given (nor REDIS_URL)")
	case *out == "":
		return usageError(fs, "no --out DIR given")
	case *concurrency < 1:
		return usageError(fs, "--concurrency must be at least 1")
	}
	redis, err := asynq.ParseRedisURI(*redisURL)
	if err != nil {
		return usageError(fs, fmt.Sprintf("--redis: %v", err))
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintf(stderr, "nianbao worker: %v\n", err)
		return exitFailed
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	cfg := worker.Config{
		Redis:           redis,
		Out:             *out,
		Concurrency:     *concurrency,
		Watch:           worker.WatchConfig{Dir: *watch, Settle: *settle},
		ShutdownTimeout: *shutdown,
		Jail:            limits.config(),
		Logger:          logger,
	}
	if *metrics != "" {
		obs := worker.NewObservability(redis)
		defer obs.Close()
		ln, err := net.Listen("tcp", *metrics)
		if err != nil {
			fmt.Fprintf(stderr, "nianbao worker: --metrics: %v\n", err)
			return exitFailed
		}
		srv := &http.Server{Handler: obs.Handler, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Error("metrics server stopped", "error", err)
			}
		}()
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			srv.Shutdown(sctx)
		}()
		logger.Info("serving metrics", "addr", ln.Addr().String())
		cfg.Metrics, cfg.Health = obs.Metrics, obs.Health
	}
	if err := worker.Run(ctx, cfg); err != nil {
		fmt.Fprintf(stderr, "nianbao worker: %v\n", err)
		return exitFailed
	}
	return exitOK
}
