package sandbox

import (
	"sync"
	"time"
)

// tokenBucket is the sandbox's global rate limit. It runs on the real monotonic clock (not
// Options.Now), so a frozen test clock does not freeze the bucket.
type tokenBucket struct {
	mu     sync.Mutex
	rate   float64 // tokens per second; 0 = unlimited
	burst  float64
	tokens float64
	last   time.Time
}

// set reconfigures the bucket and fills it.
func (b *tokenBucket) set(rps float64, burst int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if rps < 0 {
		rps = 0
	}
	if burst <= 0 {
		burst = max(1, int(rps))
	}
	b.rate, b.burst, b.tokens, b.last = rps, float64(burst), float64(burst), time.Time{}
}

// take takes one token at now; when none is left it reports how long until one is.
func (b *tokenBucket) take(now time.Time) (ok bool, wait time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rate <= 0 {
		return true, 0
	}
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}
