package client

import (
	"net/http"
	"testing"
	"time"
)

// TestBackoffRetryAfterAboveWaitMax: a Retry-After is honoured up to MaxRetryAfter even when that
// is above RetryWaitMax (a real backend has asked for 58 s), and the exponential backoff of an
// answer without Retry-After stays capped at RetryWaitMax.
func TestBackoffRetryAfterAboveWaitMax(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	resp := func(status int, retryAfter string) *http.Response {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: status, Header: h, Body: http.NoBody}
	}
	r58, r600, r500 := resp(429, "58"), resp(429, "600"), resp(500, "")
	defer func() { _, _, _ = r58.Body.Close(), r600.Body.Close(), r500.Body.Close() }()
	for range 50 {
		if d := backoffWithRetryAfter(now, time.Second, 30*time.Second, 120*time.Second, 1, r58); d < 58*time.Second || d > 120*time.Second {
			t.Fatalf("Retry-After 58 with a 120s cap: waited %s", d)
		}
		if d := backoffWithRetryAfter(now, time.Second, 30*time.Second, 120*time.Second, 1, r600); d < 108*time.Second || d > 120*time.Second {
			t.Fatalf("Retry-After 600 with a 120s cap: waited %s", d)
		}
		if d := backoffWithRetryAfter(now, time.Second, 30*time.Second, 120*time.Second, 10, r500); d > 30*time.Second {
			t.Fatalf("exponential backoff above RetryWaitMax: %s", d)
		}
		// The old behaviour (MaxRetryAfter = RetryWaitMax) cuts the server's wait.
		if d := backoffWithRetryAfter(now, time.Second, 30*time.Second, 30*time.Second, 1, r58); d > 30*time.Second {
			t.Fatalf("cap 30s: waited %s", d)
		}
	}
}

func TestNewMaxRetryAfter(t *testing.T) {
	if _, err := New(Config{Endpoint: "http://127.0.0.1:1", Token: "t", MaxRetryAfter: -time.Second}); err == nil {
		t.Fatal("a negative MaxRetryAfter must be refused")
	}
}
