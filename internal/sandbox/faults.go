package sandbox

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
)

// FaultKind is what an injected fault does to a request.
type FaultKind int

const (
	// FaultStatus500 answers 500 internal_error without running the handler.
	FaultStatus500 FaultKind = iota + 1
	// FaultStatus503 answers 503 service_unavailable without running the handler.
	FaultStatus503
	// FaultReset resets the connection without running the handler.
	FaultReset
	// FaultAfterCommit runs the handler (its transaction commits, an Idempotency-Key is
	// recorded), then answers 500 instead of the handler's response.
	FaultAfterCommit
	// FaultAfterCommitReset runs the handler, then resets the connection.
	FaultAfterCommitReset
	// FaultStatus429 answers 429 rate_limited with Retry-After: 1 without running the handler.
	FaultStatus429
)

func (k FaultKind) String() string {
	switch k {
	case FaultStatus500:
		return "status_500"
	case FaultStatus503:
		return "status_503"
	case FaultReset:
		return "reset"
	case FaultAfterCommit:
		return "after_commit"
	case FaultAfterCommitReset:
		return "after_commit_reset"
	case FaultStatus429:
		return "status_429"
	}
	return "none"
}

// Fault is an injected fault for the next Times requests matching Method and Pattern, after the
// first Skip matching requests went through untouched (to fail the second step of a sequence).
type Fault struct {
	Method  string // "" = any
	Pattern string // route pattern like "/v1/enterprises/{ent}/users" (with or without method); "" = any
	Kind    FaultKind
	Times   int // how many matching requests get it; 0 = 1
	Skip    int // how many matching requests pass before the fault starts
}

// faultInjector holds the injected faults and the random fault generator.
type faultInjector struct {
	mu    sync.Mutex
	queue []Fault
	rate  float64
	rng   *rand.Rand // nil = unseeded (math/rand/v2's global source)
}

// Random faults: requests that change nothing get one of readFaults; writes (POST, PUT, PATCH,
// DELETE) one of writeFaults, which add the faults that happen after the transaction committed.
var (
	readFaults  = []FaultKind{FaultStatus429, FaultStatus500, FaultStatus503, FaultReset}
	writeFaults = []FaultKind{FaultStatus429, FaultStatus500, FaultStatus503, FaultReset, FaultAfterCommit, FaultAfterCommitReset}
)

// setSeed makes the random faults a deterministic sequence (seed 0 = unseeded). Which request
// gets which fault still depends on the order in which concurrent requests arrive.
func (f *faultInjector) setSeed(seed uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if seed == 0 {
		f.rng = nil
		return
	}
	f.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func (f *faultInjector) float64() float64 {
	if f.rng != nil {
		return f.rng.Float64()
	}
	return rand.Float64()
}

func (f *faultInjector) intN(n int) int {
	if f.rng != nil {
		return f.rng.IntN(n)
	}
	return rand.IntN(n)
}

func (f *faultInjector) setRate(p float64) {
	f.mu.Lock()
	f.rate = min(1, max(0, p))
	f.mu.Unlock()
}

// pick returns the fault for a request of method to pattern ("METHOD /path"), 0 for none.
// Injected faults come first (in injection order), then the random rate.
func (f *faultInjector) pick(method, pattern string) FaultKind {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, path, _ := strings.Cut(pattern, " ")
	for i := range f.queue {
		q := &f.queue[i]
		if q.Method != "" && q.Method != method {
			continue
		}
		if q.Pattern != "" && q.Pattern != path && q.Pattern != pattern {
			continue
		}
		if q.Skip > 0 {
			q.Skip--
			return 0
		}
		kind := q.Kind
		q.Times--
		if q.Times <= 0 {
			f.queue = append(f.queue[:i], f.queue[i+1:]...)
		}
		return kind
	}
	if f.rate > 0 && f.float64() < f.rate {
		kinds := readFaults
		if method != http.MethodGet && method != http.MethodHead {
			kinds = writeFaults
		}
		return kinds[f.intN(len(kinds))]
	}
	return 0
}

// InjectFault queues a fault for the next matching /v1 requests.
func (s *Server) InjectFault(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.faults.mu.Lock()
	s.faults.queue = append(s.faults.queue, f)
	s.faults.mu.Unlock()
}

// ClearFaults drops every queued fault (the random rate stays).
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	s.faults.queue = nil
	s.faults.mu.Unlock()
}

// injectFaults applies injected or random faults to a request.
func (s *Server) injectFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind := s.faults.pick(r.Method, r.Pattern)
		if kind != 0 {
			s.log.InfoContext(r.Context(), "injecting fault", "kind", kind.String(), "pattern", r.Pattern, "trackingId", trackingID(r.Context()))
		}
		switch kind {
		case 0:
			next.ServeHTTP(w, r)
		case FaultStatus500:
			writeError(w, r, http.StatusInternalServerError, codeInternal, "", "injected fault")
		case FaultStatus503:
			writeError(w, r, http.StatusServiceUnavailable, codeUnavailable, "", "injected fault: service unavailable")
		case FaultStatus429:
			w.Header().Set("Retry-After", "1")
			writeError(w, r, http.StatusTooManyRequests, codeRateLimited, "", "injected fault: rate limit exceeded, retry after 1s")
		case FaultReset:
			resetConnection(w)
		case FaultAfterCommit:
			next.ServeHTTP(newBufferedWriter(), r)
			writeError(w, r, http.StatusInternalServerError, codeInternal, "", "injected fault after commit")
		case FaultAfterCommitReset:
			next.ServeHTTP(newBufferedWriter(), r)
			resetConnection(w)
		}
	})
}
