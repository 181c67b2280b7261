package worker

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// StatusFailed is the status label of documents that gave no record.
const StatusFailed = "failed"

// Metrics are nianbao's own Prometheus metrics. A nil *Metrics records
// nothing.
type Metrics struct {
	documents *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	enqueued  *prometheus.CounterVec
}

// NewMetrics makes the metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		documents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "nianbao", Name: "documents_total",
			Help: "Documents processed, by format, method (how the text was read) and status (valid, invalid, incomplete, failed).",
		}, []string{"format", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "nianbao", Name: "document_duration_seconds",
			Help:    "Time to turn one document into a record, by format.",
			Buckets: prometheus.ExponentialBuckets(0.005, 3, 10), // 5 ms to about 100 s
		}, []string{"format"}),
		enqueued: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "nianbao", Name: "enqueued_total",
			Help: "Documents handed to the queue, by queue and result (enqueued, duplicate, rejected).",
		}, []string{"queue", "result"}),
	}
	reg.MustRegister(m.documents, m.duration, m.enqueued)
	return m
}

func (m *Metrics) observe(format, method, status string, took time.Duration) {
	if m == nil {
		return
	}
	m.documents.WithLabelValues(format, method, status).Inc()
	m.duration.WithLabelValues(format).Observe(took.Seconds())
}

// unread counts a document failed before any task read it: no duration.
func (m *Metrics) unread(format string) {
	if m == nil {
		return
	}
	m.documents.WithLabelValues(format, "", StatusFailed).Inc()
}

func (m *Metrics) enqueue(queue, result string) {
	if m == nil {
		return
	}
	m.enqueued.WithLabelValues(queue, result).Inc()
}
