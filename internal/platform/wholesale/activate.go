package wholesale

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// maxActivationBatch bounds the numbers of one activation request (Webex Calling's "Manage Number
// State in a location" takes a list; its documented limit, for DEACTIVATE, is 500).
const maxActivationBatch = 500

// A location's number activations are sent together: the first one goes at once; those that come
// while a request of the location is on its way (Terraform creates ten resources at a time, and
// under the rate limit a request waits its turn) wait for it and then go as one request. Nothing
// waits that would not have waited anyway, and an apply that numbers a site's users activates
// their numbers in a few requests instead of one each.
type activator struct {
	mu      sync.Mutex
	busy    bool             // a request of this location is on its way
	pending *activationBatch // the numbers that wait for it
}

// activationBatch is the numbers of one request and what it answered.
type activationBatch struct {
	numbers []string
	done    chan struct{}
	err     error
	// alone are the numbers that failed in a batch and were sent on their own (their answer).
	alone map[string]error
}

// activatorOf returns the activator of a location of org.
func (p *Platform) activatorOf(org, location string) *activator {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := org + "\x00" + location
	a, ok := p.activators[key]
	if !ok {
		a = &activator{}
		p.activators[key] = a
	}
	return a
}

// activateNumber activates number at location of org, in one request with the activations of the
// location that come while another is on its way. A batch that fails is sent again number by
// number, so that each caller gets its own number's answer.
func (p *Platform) activateNumber(ctx context.Context, org, location, number string) error {
	a := p.activatorOf(org, location)
	a.mu.Lock()
	if a.pending == nil || len(a.pending.numbers) >= maxActivationBatch {
		if a.pending != nil {
			// Full: it is sent as it is; a new batch starts behind it.
			full := a.pending
			a.pending = nil
			go p.sendActivations(context.WithoutCancel(ctx), org, location, full)
		}
		a.pending = &activationBatch{done: make(chan struct{})}
	}
	b := a.pending
	b.numbers = append(b.numbers, number)
	lead := !a.busy
	if lead {
		a.busy = true
		a.pending = nil
	}
	a.mu.Unlock()
	if lead {
		// The first number goes at once; the loop then sends what gathered meanwhile. The
		// requests outlive a caller that gives up waiting: the others wait for them.
		go p.runActivations(context.WithoutCancel(ctx), a, org, location, b)
	}
	select {
	case <-b.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if err, ok := b.alone[number]; ok {
		return err
	}
	return b.err
}

// runActivations sends b, then each batch that gathered while the one before was on its way,
// until none is left.
func (p *Platform) runActivations(ctx context.Context, a *activator, org, location string, b *activationBatch) {
	for b != nil {
		p.sendActivations(ctx, org, location, b)
		a.mu.Lock()
		b = a.pending
		a.pending = nil
		if b == nil {
			a.busy = false
		}
		a.mu.Unlock()
	}
}

// sendActivations sends the request of b and closes b.done. A failed request of several numbers
// is sent again number by number; a number whose own request fails but which reads active was
// activated (by the batch before it failed): that is its answer.
func (p *Platform) sendActivations(ctx context.Context, org, location string, b *activationBatch) {
	defer close(b.done)
	err := p.c.ManageLocationNumbers(ctx, org, location, webex.LocationNumbersActivate, b.numbers)
	if err == nil {
		if len(b.numbers) > 1 {
			tflog.Debug(ctx, "activated numbers of a location in one request", map[string]any{"location_id": location, "numbers": len(b.numbers)})
		}
		return
	}
	if len(b.numbers) == 1 {
		b.err = convErr(err)
		return
	}
	tflog.Warn(ctx, "the activation of several numbers failed; activating them one by one", map[string]any{
		"location_id": location, "numbers": len(b.numbers), "error": err.Error()})
	b.alone = make(map[string]error, len(b.numbers))
	for _, n := range b.numbers {
		err := p.c.ManageLocationNumbers(ctx, org, location, webex.LocationNumbersActivate, []string{n})
		if err != nil {
			if st, serr := p.numberState(ctx, org, n); serr == nil && st == numberActive {
				err = nil
			}
		}
		if err != nil {
			b.alone[n] = convErr(err)
		} else {
			b.alone[n] = nil
		}
	}
}
