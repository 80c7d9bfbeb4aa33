package sandbox

import (
	"maps"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
)

// metricsStore counts requests per route pattern and write requests under /v1.
type metricsStore struct {
	mu       sync.Mutex
	counts   map[string]int64
	statuses map[string]int64 // "200", "429", …; "none" when no response was written (a reset)
	writes   atomic.Int64
}

func (m *metricsStore) init() {
	m.counts = map[string]int64{}
	m.statuses = map[string]int64{}
}

func (m *metricsStore) addStatus(status int) {
	key := "none"
	if status != 0 {
		key = strconv.Itoa(status)
	}
	m.mu.Lock()
	m.statuses[key]++
	m.mu.Unlock()
}

func (m *metricsStore) add(pattern string) {
	m.mu.Lock()
	m.counts[pattern]++
	m.mu.Unlock()
}

func (m *metricsStore) addWrite() { m.writes.Add(1) }

// Metrics returns a copy of the request counters: route pattern ("POST /v1/enterprises/{ent}/users")
// → number of requests that reached that route (faults, 401s and 429s included), and the OCI-P
// commands run by type (OCIPCommandMetric). The same object is served at GET /_sandbox/metrics.
func (s *Server) Metrics() map[string]int64 {
	s.metrics.mu.Lock()
	defer s.metrics.mu.Unlock()
	return maps.Clone(s.metrics.counts)
}

// StatusCounts returns a copy of the response counters of the /v1 routes by status code
// ("200", "429", …; "none" for a request that got no response, such as a connection reset).
// The same object is served at GET /_sandbox/metrics?by=status.
func (s *Server) StatusCounts() map[string]int64 {
	s.metrics.mu.Lock()
	defer s.metrics.mu.Unlock()
	return maps.Clone(s.metrics.statuses)
}

// WriteCount is the number of POST/PUT/PATCH/DELETE requests under /v1 that reached the sandbox's
// router (matched route or not, authenticated or not), except the activation precheck, which
// writes nothing, plus the OCI-P write commands (Add, Modify, Delete, Activate, Assign, Unassign
// requests; ocipIsWrite) that reached the OCI-P front-end, logged in or not.
func (s *Server) WriteCount() int64 { return s.metrics.writes.Load() }

// ResetMetrics zeroes the request counters and WriteCount.
func (s *Server) ResetMetrics() {
	s.metrics.mu.Lock()
	clear(s.metrics.counts)
	clear(s.metrics.statuses)
	s.metrics.writes.Store(0)
	s.metrics.mu.Unlock()
}

// sandboxRoutes are the sandbox-only endpoints (no auth, not counted in the metrics).
func (s *Server) sandboxRoutes() []route {
	return []route{
		{pattern: "GET /_sandbox/metrics", handler: s.getMetrics, public: true},
		{pattern: "GET /_sandbox/healthz", handler: s.getHealthz, public: true},
	}
}

// getMetrics serves the counters by route, or by status code with ?by=status.
func (s *Server) getMetrics(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Query().Get("by") {
	case "", "route":
		writeJSON(w, http.StatusOK, s.Metrics())
	case "status":
		writeJSON(w, http.StatusOK, s.StatusCounts())
	default:
		writeError(w, r, http.StatusBadRequest, codeInvalidRequest, "by", "by must be route or status")
	}
}

func (s *Server) getHealthz(w http.ResponseWriter, r *http.Request) {
	if err := s.db.PingContext(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
