package worker

import (
	"fmt"
	"net/http"

	"github.com/hibiken/asynq"
	asynqmetrics "github.com/hibiken/asynq/x/metrics"
	"github.com/hibiken/asynqmon"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// MonitorPath is where the Asynq dashboard is mounted.
const MonitorPath = "/monitor"

// Observability is the HTTP side of a worker: /metrics (asynq's queue metrics
// and nianbao's own), /healthz, and the Asynq dashboard under /monitor/.
type Observability struct {
	Handler http.Handler
	Metrics *Metrics
	Health  *Health
	close   func() error
}

// NewObservability makes the metrics, the health follower and their handler.
func NewObservability(redis asynq.RedisConnOpt) *Observability {
	reg := prometheus.NewRegistry()
	inspector := asynq.NewInspector(redis)
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		asynqmetrics.NewQueueMetricsCollector(inspector),
	)
	o := &Observability{Metrics: NewMetrics(reg), Health: NewHealth()}
	mon := asynqmon.New(asynqmon.Options{RootPath: MonitorPath, RedisConnOpt: redis})
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := o.Health.Err(); err != nil {
			http.Error(w, fmt.Sprintf("redis: %v", err), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.Handle(MonitorPath+"/", mon)
	o.Handler = mux
	o.close = func() error {
		mon.Close()
		return inspector.Close()
	}
	return o
}

// Close closes the Redis connections of the metrics and the dashboard.
func (o *Observability) Close() error { return o.close() }
