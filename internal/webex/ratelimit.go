package webex

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// adaptiveLimiter is the client-side rate limit. It starts at the configured rate (or none) and
// adapts to the server: every 429 halves the current rate (a first 429 without a configured
// limit starts one at throttleStart), never below floor; every answer that is not a 429 or a
// 5xx raises the rate by growth, up to the configured rate (or, without one, until it passes
// unlimitedAbove, where the limit is dropped again). 429s that arrive within one token interval
// of the previous cut count once, so a burst of parallel requests does not collapse the rate.
type adaptiveLimiter struct {
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

func newAdaptiveLimiter(rps float64) *adaptiveLimiter {
	l := &adaptiveLimiter{
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

// wait blocks until the limiter lets one request go, or ctx is done.
func (l *adaptiveLimiter) wait(ctx context.Context) error {
	return l.lim.Wait(ctx)
}

// rate returns the current limit in requests per second; 0 means unlimited.
func (l *adaptiveLimiter) rate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.current
}

// throttle records a 429.
func (l *adaptiveLimiter) throttle() {
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

// recover records an answer that was not throttled.
func (l *adaptiveLimiter) recover() {
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
