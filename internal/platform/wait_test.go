package platform

import (
	"context"
	"errors"
	"testing"
	"time"
)

// PollActivation reads until the activation is done or Until says so, with growing waits capped
// at MaxPoll, and gives back the last activation read with ctx's error when ctx ends.
func TestPollActivation(t *testing.T) {
	ctx := context.Background()
	statuses := []string{"pending", "pending", "pending", ActivationProvisioned}
	var reads []time.Time
	var seen []string
	get := func(context.Context) (*Activation, error) {
		reads = append(reads, time.Now())
		return &Activation{Status: statuses[len(reads)-1]}, nil
	}
	a, err := PollActivation(ctx, ActivationWait{Poll: 10 * time.Millisecond, MaxPoll: 15 * time.Millisecond,
		OnRead: func(a *Activation) { seen = append(seen, a.Status) }}, time.Hour, get)
	if err != nil || a.Status != ActivationProvisioned || len(reads) != 4 || len(seen) != 4 {
		t.Fatalf("PollActivation = %+v, %v after %d reads (%v), want provisioned after 4", a, err, len(reads), seen)
	}
	if gap := reads[3].Sub(reads[2]); gap > time.Second {
		t.Errorf("the wait grew past MaxPoll: %s", gap)
	}

	reads = nil
	a, err = PollActivation(ctx, ActivationWait{Poll: time.Millisecond, Until: func(a *Activation) bool { return true }}, time.Hour, get)
	if err != nil || len(reads) != 1 || a.Status != "pending" {
		t.Fatalf("Until true: %+v, %v after %d reads, want the first read", a, err, len(reads))
	}

	cctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	pending := func(context.Context) (*Activation, error) { return &Activation{Status: "pending"}, nil }
	a, err = PollActivation(cctx, ActivationWait{Poll: 5 * time.Millisecond}, time.Hour, pending)
	if !errors.Is(err, context.DeadlineExceeded) || a == nil || a.Status != "pending" {
		t.Fatalf("ctx ended: %+v, %v, want the last activation and the deadline", a, err)
	}

	boom := errors.New("boom")
	if _, err := PollActivation(ctx, ActivationWait{}, time.Millisecond, func(context.Context) (*Activation, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("read error: %v", err)
	}
}

func TestPollJob(t *testing.T) {
	ctx := context.Background()
	n := 0
	get := func(context.Context) (*Job, error) {
		n++
		if n < 3 {
			return &Job{Status: "running"}, nil
		}
		return &Job{Status: JobSucceeded}, nil
	}
	j, err := PollJob(ctx, 0, time.Millisecond, nil, get)
	if err != nil || !j.Terminal() || n != 3 {
		t.Fatalf("PollJob = %+v, %v after %d reads, want completed after 3", j, err, n)
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	running := func(context.Context) (*Job, error) { return &Job{Status: "running"}, nil }
	if j, err := PollJob(cctx, 2*time.Millisecond, time.Hour, nil, running); !errors.Is(err, context.DeadlineExceeded) || j == nil {
		t.Fatalf("ctx ended: %+v, %v", j, err)
	}
}
