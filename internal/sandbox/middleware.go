package sandbox

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
)

type ctxKey int

const (
	ctxTrackingID ctxKey = iota
	ctxPrincipal
	ctxTx
)

// trackingID is the request's tracking id ("" outside a request).
func trackingID(ctx context.Context) string {
	id, _ := ctx.Value(ctxTrackingID).(string)
	return id
}

// withTrackingID assigns every request a tracking id (the client's TrackingID header when it is
// sane, else a new one), answers it in the TrackingID header and keeps it in the context.
func (s *Server) withTrackingID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("TrackingID")
		if !saneTrackingID(id) {
			id = "UCPROV_SANDBOX_" + randomHex(12)
		}
		w.Header().Set("TrackingID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxTrackingID, id)))
	})
}

func saneTrackingID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		if !trackingIDChar(c) {
			return false
		}
	}
	return true
}

// trackingIDChar reports whether c may appear in a client's TrackingID: ASCII letters, digits and _-.:
func trackingIDChar(c rune) bool {
	return c <= unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_' || c == '-' || c == '.' || c == ':')
}

// countWrites counts POST/PUT/PATCH/DELETE requests under /v1 (see WriteCount).
func (s *Server) countWrites(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isWriteMethod(r.Method) && (r.URL.Path == "/v1" || strings.HasPrefix(r.URL.Path, "/v1/")) &&
			!readOnlyPOST(r) {
			s.metrics.addWrite()
		}
		next.ServeHTTP(w, r)
	})
}

// readOnlyPOST: a POST that writes nothing by contract (the activation precheck), so that "no
// write reached the sandbox" stays true for a plan that only checked.
func readOnlyPOST(r *http.Request) bool {
	return r.Method == http.MethodPost && (strings.HasSuffix(r.URL.Path, "/activation/validate") || webexReadOnlyPOST(r.URL.Path))
}

func isWriteMethod(m string) bool {
	switch m {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// countRequests counts requests per route pattern and responses per status code
// (GET /_sandbox/metrics).
func (s *Server) countRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.metrics.add(r.Pattern)
		sw := &statusWriter{ResponseWriter: w}
		defer func() { s.metrics.addStatus(sw.status) }()
		next.ServeHTTP(sw, r)
	})
}

// logRequests logs one line per request: method, pattern, path, status, duration, tracking id.
// Never headers or bodies (tokens, passcodes and passwords travel there).
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			level := slog.LevelInfo
			if sw.code() >= 500 {
				level = slog.LevelError
			}
			s.log.LogAttrs(r.Context(), level, "request",
				slog.String("method", r.Method), slog.String("pattern", r.Pattern), slog.String("path", r.URL.Path),
				slog.Int("status", sw.code()), slog.Duration("duration", time.Since(start)),
				slog.String("trackingId", trackingID(r.Context())))
		}()
		next.ServeHTTP(sw, r)
	})
}

// addLatency delays the request by the configured latency (or until the client gives up).
func (s *Server) addLatency(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d := time.Duration(s.latency.Load()); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// rateLimit answers 429 rate_limited with Retry-After when the token bucket is empty.
func (s *Server) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := s.limiter.take(time.Now()); !ok {
			secs := int((wait + time.Second - 1) / time.Second)
			if secs < 1 {
				secs = 1
			}
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeError(w, r, http.StatusTooManyRequests, codeRateLimited, "", "rate limit exceeded, retry after "+strconv.Itoa(secs)+"s")
			return
		}
		next.ServeHTTP(w, r)
	})
}
