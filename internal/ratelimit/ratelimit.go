// Package ratelimit is the client-side rate limit the API clients share (internal/client and
// internal/webex; internal/ocip paces documents with its own): a token bucket that adapts to the
// server's 429s.
package ratelimit

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Adaptive is the client-side rate limit. It starts at the configured rate (or none) and
// adapts to the server: every 429 halves the current rate (a first 429 without a configured
// limit starts one at throttleStart), never below floor; every answer that is not a 429 or a
// 5xx raises the rate by growth, up to the configured rate (or, without one, until it passes
// unlimitedAbove, where the limit is dropped again). 429s that arrive within one token interval
// of the previous cut count once, so a burst of parallel requests does not collapse the rate.
type Adaptive struct {
	mu      sync.Mutex
	lim     *rate.Limiter
	ceiling float64 // configured rate; 0 = none
	current float64 // current rate; 0 = unlimited
	lastCut time.Time

	throttleStart  float64 // first rate after a 429 when no limit is set
	floor          float64 // lowest rate
	growth         float64 // factor applied per answer that was not throttled
	unlimitedAbove float64 // without a configured limit, drop the limit above this rate
}

// New returns a limiter at rps requests per second (0 = none until the first 429).
func New(rps float64) *Adaptive {
	l := &Adaptive{
		ceiling:        rps,
		current:        rps,
		throttleStart:  2,
		floor:          0.2,
		growth:         1.1,
		unlimitedAbove: 50,
	}
	limit := rate.Inf
	if rps > 0 {
		limit = rate.Limit(rps)
	}
	l.lim = rate.NewLimiter(limit, 1)
	return l
}

// Wait blocks until the limiter lets one request go, or ctx is done.
func (l *Adaptive) Wait(ctx context.Context) error {
	return l.lim.Wait(ctx)
}

// Rate returns the current limit in requests per second; 0 means unlimited.
func (l *Adaptive) Rate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.current
}

// Throttle records a 429.
func (l *Adaptive) Throttle() {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.current > 0 && now.Sub(l.lastCut) < time.Duration(float64(time.Second)/l.current) {
		return
	}
	next := l.throttleStart
	if l.current > 0 {
		next = l.current / 2
	}
	if l.ceiling > 0 && next > l.ceiling {
		next = l.ceiling
	}
	l.current = math.Max(next, l.floor)
	l.lastCut = now
	l.lim.SetLimitAt(now, rate.Limit(l.current))
}

// Recover records an answer that was not throttled.
func (l *Adaptive) Recover() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.current == 0 || l.current == l.ceiling {
		return
	}
	next := l.current * l.growth
	switch {
	case l.ceiling > 0 && next >= l.ceiling:
		l.current = l.ceiling
		l.lim.SetLimit(rate.Limit(l.ceiling))
	case l.ceiling == 0 && next > l.unlimitedAbove:
		l.current = 0
		l.lim.SetLimit(rate.Inf)
	default:
		l.current = next
		l.lim.SetLimit(rate.Limit(next))
	}
}

// SetThrottleStart sets the first rate after a 429 when no limit is configured (default 2 per
// second).
func (l *Adaptive) SetThrottleStart(rps float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.throttleStart = rps
}
