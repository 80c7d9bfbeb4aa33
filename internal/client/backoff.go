package client

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// backoffAt is the backoff of the client at time now (see backoffWithRetryAfter for the
// retryablehttp.Backoff the client installs). A Retry-After header (seconds or an HTTP
// date) on a 429 or 503 is honoured: the wait is at least that long, plus up to 25 % jitter.
// Otherwise the wait is exponential from minWait (minWait·2^attempt plus up to 25 % jitter).
// Every wait is capped at maxWait; a capped wait gets up to 10 % jitter downwards so that
// clients that hit the cap together do not come back together.
func backoffAt(now time.Time, minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	return backoffWithRetryAfter(now, minWait, maxWait, maxWait, attempt, resp)
}

// backoffWithRetryAfter is backoffAt where a server's Retry-After may ask for up to
// retryAfterMax (Config.MaxRetryAfter) rather than maxWait; the exponential backoff of a request
// without Retry-After stays capped at maxWait.
func backoffWithRetryAfter(now time.Time, minWait, maxWait, retryAfterMax time.Duration, attempt int, resp *http.Response) time.Duration {
	target, fromHeader := time.Duration(0), false
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		target, fromHeader = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	}
	if fromHeader && retryAfterMax > maxWait {
		maxWait = retryAfterMax
	}
	if !fromHeader {
		target = minWait
		for i := 0; i < attempt && target < maxWait; i++ {
			target *= 2
		}
	}
	if target < minWait {
		target = minWait
	}
	if target > maxWait {
		target = maxWait
	}
	d := target + randDuration(target/4)
	if d > maxWait {
		d = maxWait - randDuration(maxWait/10)
		if fromHeader && d < target {
			d = target // never earlier than the server asked, unless the cap forbids it
		}
	}
	return d
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
