package worker

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"

	"github.com/nianbao/nianbao/internal/jail"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/worker/results"
	"github.com/nianbao/nianbao/worker/ziparchive"
)

// Config configures a worker. Zero fields take their defaults.
type Config struct {
	// Redis is the Redis the queues live in. Required.
	Redis asynq.RedisConnOpt
	// Out is the output directory. Required.
	Out string
	// Concurrency is how many documents are processed at once. Default: the
	// number of CPUs.
	Concurrency int
	// Queues weighs the queues; default DefaultQueues.
	Queues map[string]int
	// Watch, when set, is a drop folder to watch (see Watcher).
	Watch WatchConfig
	// Task configures the tasks the watcher enqueues.
	Task TaskConfig
	// Pipeline configures the pipeline.
	Pipeline pipeline.Config
	// Jail limits the child processes each document is read in (memory,
	// CPU time, open files; see jail.Config for the defaults); the wall
	// time is the task's timeout, Task.Timeouts by format.
	Jail jail.Config
	// Zip caps the archives read.
	Zip ziparchive.Limits
	// ShutdownTimeout is how long in-flight documents may take to finish
	// after a stop; those that do not are returned to the queue. Default 10 s.
	ShutdownTimeout time.Duration
	// RetryDelay is the wait before the n-th retry of a transient failure.
	// Default Backoff(time.Second, 5*time.Minute).
	RetryDelay func(n int) time.Duration
	// Metrics, when set, records nianbao's metrics.
	Metrics *Metrics
	// Health, when set, follows Redis's reachability for /healthz.
	Health *Health
	// Logger logs; default slog.Default().
	Logger *slog.Logger
}

// DefaultShutdownTimeout is Config.ShutdownTimeout's default.
const DefaultShutdownTimeout = 10 * time.Second

// Backoff returns exponential delays from base, doubling with each retry up
// to ceiling, each with up to a quarter of random jitter so retries from
// many workers do not come back at once.
func Backoff(base, ceiling time.Duration) func(n int) time.Duration {
	return func(n int) time.Duration {
		d := ceiling
		if n < 30 && base<<n < ceiling {
			d = base << n
		}
		return d + rand.N(d/4+1)
	}
}

// Run runs a worker until ctx is done, then shuts it down gracefully: the
// watcher stops, no new task is taken, and in-flight documents finish within
// ShutdownTimeout or go back to the queue.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Redis == nil || cfg.Out == "" {
		return fmt.Errorf("worker: Redis and Out are required")
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = runtime.NumCPU()
	}
	if cfg.Queues == nil {
		cfg.Queues = DefaultQueues
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	if cfg.RetryDelay == nil {
		cfg.RetryDelay = Backoff(time.Second, 5*time.Minute)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	sink := &results.Sink{Dir: cfg.Out}
	// Each document is read in a child process of its own (one per slot, each
	// with one Tesseract engine unless told otherwise): a document that
	// crashes or exhausts it fails alone, and the worker goes on.
	pipe, err := pipeline.NewJailed(cfg.Pipeline, pipeline.JailConfig{Jail: cfg.Jail})
	if err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	defer pipe.Close()
	handler := &Handler{
		Processor: &Processor{Pipeline: pipe, Sink: sink, Zip: cfg.Zip, MaxFileSize: cfg.Pipeline.MaxFileSize},
		Metrics:   cfg.Metrics,
		Logger:    logger,
	}
	mux := asynq.NewServeMux()
	mux.Handle(TypeDocument, handler)

	srv := asynq.NewServer(cfg.Redis, asynq.Config{
		Concurrency:     cfg.Concurrency,
		Queues:          cfg.Queues,
		ShutdownTimeout: cfg.ShutdownTimeout,
		RetryDelayFunc: func(n int, _ error, _ *asynq.Task) time.Duration {
			return cfg.RetryDelay(n)
		},
		// Bad input is archived at once and is no sign the worker is unwell.
		IsFailure:       func(err error) bool { return !BadInput(err) },
		HealthCheckFunc: cfg.Health.set,
		Logger:          asynqLogger{logger},
		LogLevel:        asynq.WarnLevel,
	})
	if err := srv.Ping(); err != nil {
		// Not fatal: Redis may start after the worker; asynq keeps trying.
		logger.Warn("Redis is not reachable yet", "error", err)
	}
	if err := srv.Start(mux); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	logger.Info("worker started", "concurrency", cfg.Concurrency, "out", cfg.Out, "watch", cfg.Watch.Dir)

	var wg sync.WaitGroup
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	var watchErr error
	if cfg.Watch.Dir != "" {
		client := asynq.NewClient(cfg.Redis)
		defer client.Close()
		inspector := asynq.NewInspector(cfg.Redis)
		defer inspector.Close()
		enq := &Enqueuer{Client: client, Inspector: inspector, Task: cfg.Task, Zip: cfg.Zip, Metrics: cfg.Metrics}
		w, err := NewWatcher(cfg.Watch, enq, sink, logger)
		if err != nil {
			srv.Shutdown()
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.Run(watchCtx); err != nil {
				watchErr = err
				logger.Error("watcher stopped", "error", err)
			}
		}()
	}
	<-ctx.Done()
	logger.Info("shutting down")
	stopWatch()
	wg.Wait()
	srv.Shutdown()
	return watchErr
}

// Health follows whether Redis answers, as asynq's health checks tell.
type Health struct {
	err atomic.Pointer[error]
}

// NewHealth returns a Health that reports healthy until a check fails.
func NewHealth() *Health { return &Health{} }

func (h *Health) set(err error) {
	if h != nil {
		h.err.Store(&err)
	}
}

// Err returns the error of the last health check, nil when it passed.
func (h *Health) Err() error {
	if p := h.err.Load(); p != nil {
		return *p
	}
	return nil
}

// asynqLogger writes asynq's log through slog.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...), "from", "asynq") }
func (a asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...), "from", "asynq") }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...), "from", "asynq") }
func (a asynqLogger) Error(args ...any) { a.l.Error(fmt.Sprint(args...), "from", "asynq") }
func (a asynqLogger) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...), "from", "asynq") }
