package webex

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// backoff is the wait before retry number attempt+1. A Retry-After header (seconds or an HTTP
// date) on a 429, 423 or 503 is honoured: the wait is that long plus up to 10 % jitter, never
// more than retryAfterMax (a longer Retry-After never gets here: checkRetry fails the call).
// Otherwise the wait is exponential from minWait (minWait·2^attempt plus up to 25 % jitter),
// capped at maxWait with up to 10 % jitter downwards, so that clients that hit the cap together
// do not come back together.
func backoff(now time.Time, minWait, maxWait, retryAfterMax time.Duration, attempt int, resp *http.Response) time.Duration {
	if ra, ok := retryAfterOf(resp, now); ok {
		d := ra + randDuration(ra/10)
		if d > retryAfterMax {
			d = max(ra, retryAfterMax)
		}
		return d
	}
	target := minWait
	for i := 0; i < attempt && target < maxWait; i++ {
		target *= 2
	}
	if target > maxWait {
		target = maxWait
	}
	d := target + randDuration(target/4)
	if d > maxWait {
		d = maxWait - randDuration(maxWait/10)
	}
	return d
}

// retryAfterOf returns the Retry-After of a 429, 423 or 503 answer.
func retryAfterOf(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusLocked, http.StatusServiceUnavailable:
		return parseRetryAfter(resp.Header.Get("Retry-After"), now)
	}
	return 0, false
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		const maxSecs = int64(1<<63-1) / int64(time.Second)
		if secs > maxSecs {
			secs = maxSecs
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

func randDuration(upTo time.Duration) time.Duration {
	if upTo <= 0 {
		return 0
	}
	return rand.N(upTo + 1)
}
