package ratelimit

import (
	"testing"
	"time"
)

func TestAdaptiveLimiter(t *testing.T) {
	l := New(0)
	if l.Rate() != 0 {
		t.Fatalf("rate = %g, want unlimited", l.Rate())
	}
	l.Throttle()
	if l.Rate() != 2 {
		t.Fatalf("after a 429 the rate is %g, want the conservative start 2", l.Rate())
	}
	l.Throttle() // within the same token interval: counts once
	if l.Rate() != 2 {
		t.Errorf("a burst of 429s cut twice: %g", l.Rate())
	}
	l.lastCut = time.Now().Add(-time.Hour)
	l.Throttle()
	if l.Rate() != 1 {
		t.Errorf("second 429 rate = %g, want 1", l.Rate())
	}
	for range 100 {
		l.Recover()
	}
	if l.Rate() != 0 {
		t.Errorf("after recovery the rate is %g, want unlimited again", l.Rate())
	}

	l = New(10)
	l.Throttle()
	if l.Rate() != 5 {
		t.Errorf("rate = %g, want 5", l.Rate())
	}
	l.Recover()
	if r := l.Rate(); r <= 5 || r >= 10 {
		t.Errorf("recovery step = %g, want gradual", r)
	}
	for range 20 {
		l.Recover()
	}
	if l.Rate() != 10 {
		t.Errorf("recovered rate = %g, want the configured 10", l.Rate())
	}
	for range 50 {
		l.lastCut = time.Time{}
		l.Throttle()
	}
	if l.Rate() != l.floor {
		t.Errorf("rate = %g, want the floor %g", l.Rate(), l.floor)
	}
}
