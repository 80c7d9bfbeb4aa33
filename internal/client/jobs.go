package client

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// DefaultPollInterval is the poll interval of WaitJob and WaitActivation when 0 is passed.
const DefaultPollInterval = time.Second

// StartDirectorySync queues a directory sync of an enterprise (202). During the 24 h hold
// after a completed sync it fails with 409 sync_on_hold and APIError.NextAllowedAt.
func (c *Client) StartDirectorySync(ctx context.Context, enterpriseID string) (*JobRef, error) {
	var out JobRef
	if _, err := c.do(ctx, http.MethodPost, pathOf("/v1/enterprises/{enterprise}/directory-sync", enterpriseID), nil, nil, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetDirectorySync returns the directory sync state of an enterprise.
func (c *Client) GetDirectorySync(ctx context.Context, enterpriseID string) (*DirectorySync, error) {
	var out DirectorySync
	if _, err := c.do(ctx, http.MethodGet, pathOf("/v1/enterprises/{enterprise}/directory-sync", enterpriseID), nil, nil, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetJob returns one job.
func (c *Client) GetJob(ctx context.Context, jobID string) (*Job, error) {
	var out Job
	if _, err := c.do(ctx, http.MethodGet, pathOf("/v1/jobs/{job}", jobID), nil, nil, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// WaitJob polls a job every poll (0 = 1s) until it is terminal (succeeded or failed), until
// (if not nil) returns true, or ctx is done. A failed job is returned without an error: check
// Status, and Error (a *JobError, which is an error). When ctx ends the wait, the last job
// read is returned with the context's error.
func (c *Client) WaitJob(ctx context.Context, jobID string, poll time.Duration, until func(*Job) bool) (*Job, error) {
	return pollUntil(ctx, poll, nil, "job "+jobID,
		func(ctx context.Context) (*Job, error) { return c.GetJob(ctx, jobID) },
		func(j *Job) bool { return j.Terminal() || (until != nil && until(j)) })
}

// pollUntil calls get until done returns true, get fails, or ctx is done. The first interval is
// poll; next (nil = fixed) gives each following one from the one before.
func pollUntil[T any](ctx context.Context, poll time.Duration, next func(time.Duration) time.Duration, what string,
	get func(context.Context) (*T, error), done func(*T) bool) (*T, error) {
	if poll <= 0 {
		poll = DefaultPollInterval
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	var last *T
	for {
		select {
		case <-ctx.Done():
			return last, fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		case <-timer.C:
		}
		v, err := get(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return last, fmt.Errorf("waiting for %s: %w", what, ctx.Err())
			}
			return last, err
		}
		last = v
		if done(v) {
			return v, nil
		}
		timer.Reset(poll)
		if next != nil {
			poll = next(poll)
		}
	}
}
