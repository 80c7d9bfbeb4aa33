package platform

import (
	"context"
	"time"
)

// PollActivation is WaitActivation for a platform that reads an activation with get: it reads
// until the activation is no longer in progress or w.Until says so, waiting w.Poll (defaultPoll
// when 0) between reads, each wait half as long again as the one before up to w.MaxPoll (a fixed
// interval when that is below the first). On an error it returns the last activation read with
// the error (ctx's error once ctx ended).
func PollActivation(ctx context.Context, w ActivationWait, defaultPoll time.Duration, get func(context.Context) (*Activation, error)) (*Activation, error) {
	poll := w.Poll
	if poll <= 0 {
		poll = defaultPoll
	}
	maxPoll := max(w.MaxPoll, poll)
	var last *Activation
	for {
		a, err := get(ctx)
		if err != nil {
			if ctx.Err() != nil && last != nil {
				return last, ctx.Err()
			}
			return last, err
		}
		last = a
		if w.OnRead != nil {
			w.OnRead(a)
		}
		if !a.InProgress() || (w.Until != nil && w.Until(a)) {
			return a, nil
		}
		if err := sleep(ctx, poll); err != nil {
			return last, err
		}
		poll = min(poll+poll/2, maxPoll)
	}
}

// PollJob is WaitJob for a platform that reads a job with get: it reads every poll (defaultPoll
// when 0) until the job is terminal or until says so; on an error it returns the last job read.
func PollJob(ctx context.Context, poll, defaultPoll time.Duration, until func(*Job) bool, get func(context.Context) (*Job, error)) (*Job, error) {
	if poll <= 0 {
		poll = defaultPoll
	}
	var last *Job
	for {
		j, err := get(ctx)
		if err != nil {
			return last, err
		}
		last = j
		if j.Terminal() || (until != nil && until(j)) {
			return j, nil
		}
		if err := sleep(ctx, poll); err != nil {
			return last, err
		}
	}
}

// sleep waits d, or until ctx ends (its error).
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
