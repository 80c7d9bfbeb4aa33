package broadworks

import (
	"context"
	"sync"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
)

// batcher gathers read commands issued concurrently (Terraform refreshes resources in parallel)
// into documents of up to ocip.MaxCommands commands: the first command waits window for others; a
// full document leaves at once.
type batcher struct {
	c      ocip.Doer
	window time.Duration

	// fill, when set, may add commands to a document that has room (up to room commands); keep
	// receives their answers (fewer when the document failed). The document costs the same.
	fill func(reqs []ocip.Request, room int) (extra []ocip.Request, keep func([]ocip.Response))

	mu      sync.Mutex
	pending []*batchCall
	timer   *time.Timer
}

type batchCall struct {
	ctx  context.Context
	req  ocip.Request
	resp ocip.Response
	err  error
	done chan struct{}
}

func newBatcher(c ocip.Doer, window time.Duration) *batcher {
	return &batcher{c: c, window: window}
}

// do sends req in a shared document and returns its response (an *ocip.Error response is
// returned as the error).
func (b *batcher) do(ctx context.Context, req ocip.Request) (ocip.Response, error) {
	call := &batchCall{ctx: ctx, req: req, done: make(chan struct{})}
	b.mu.Lock()
	b.pending = append(b.pending, call)
	switch {
	case len(b.pending) >= ocip.MaxCommands:
		calls := b.take()
		b.mu.Unlock()
		go b.send(calls)
	case len(b.pending) == 1:
		b.timer = time.AfterFunc(b.window, func() {
			b.mu.Lock()
			calls := b.take()
			b.mu.Unlock()
			b.send(calls)
		})
		b.mu.Unlock()
	default:
		b.mu.Unlock()
	}
	select {
	case <-call.done:
		return call.resp, call.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// take empties the queue (under b.mu).
func (b *batcher) take() []*batchCall {
	calls := b.pending
	b.pending = nil
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	return calls
}

// send sends one document for calls whose callers still wait.
func (b *batcher) send(calls []*batchCall) {
	live := calls[:0:0]
	for _, c := range calls {
		if c.ctx.Err() != nil {
			c.err = c.ctx.Err()
			close(c.done)
			continue
		}
		live = append(live, c)
	}
	if len(live) == 0 {
		return
	}
	ctx := context.WithoutCancel(live[0].ctx)
	reqs := make([]ocip.Request, len(live))
	for i, c := range live {
		reqs[i] = c.req
	}
	var keep func([]ocip.Response)
	if b.fill != nil && len(reqs) < ocip.MaxCommands {
		var extra []ocip.Request
		extra, keep = b.fill(reqs, ocip.MaxCommands-len(reqs))
		reqs = append(reqs, extra...)
	}
	resps, err := b.c.Do(ctx, reqs...)
	if keep != nil && len(resps) > len(live) {
		keep(resps[len(live):])
	}
	for i, c := range live {
		switch {
		case i < len(resps):
			c.resp = resps[i]
			c.err = ocip.Err(resps[i])
		case err != nil:
			c.err = err
		default:
			c.err = errShortReply
		}
		close(c.done)
	}
}

var errShortReply = &shortReplyError{}

type shortReplyError struct{}

func (*shortReplyError) Error() string { return "broadworks: the oci-p reply lacks a response" }
