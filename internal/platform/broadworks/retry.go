package broadworks

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// Writes whose answer was lost. The OCI-P client never resends a write by itself (the server may
// have applied it: ocip.ErrAmbiguousWrite). Every write document this package sends other than
// UserAddRequest22V2 (resolved by the user id, users.go) and UserDeleteRequest (a resend that
// answers "user not found" is done) sets values (a modify, an activation, a service assignment):
// sending it again leaves the same result, so write resends it.

const maxResends = 3

// write sends a document of idempotent writes, again when its answer was lost.
func (p *Platform) write(ctx context.Context, cmds ...ocip.Request) ([]ocip.Response, bool, error) {
	ambiguous := false
	for attempt := 0; ; attempt++ {
		resps, err := p.oc.Do(ctx, cmds...)
		if err != nil && errors.Is(err, ocip.ErrAmbiguousWrite) && attempt < maxResends && ctx.Err() == nil {
			ambiguous = true
			debug(ctx, "oci-p write may have been applied; sending it again (it sets values)", map[string]any{"attempt": attempt + 1})
			continue
		}
		return resps, ambiguous, err
	}
}

// Webex calls. The Webex client (internal/webex) owns HTTP retries: 429, 423 and 503 with
// Retry-After, 500, 502, 504, timeouts and resets, each for the calls that can be repeated (GET,
// PUT, DELETE and the POSTs it marks idempotent), up to its configured MaxRetries. This package
// never repeats a call after a server failure on top of that (it did, and against a server that
// kept failing the attempts multiplied: (retries+1) × 4). What it does instead is what the client
// cannot know:
//   - a POST whose answer was lost (a server failure or a transport error after sending) is
//     resolved by a read: CreateActivation looks for the user's subscriber, StartDirectorySync
//     for a sync in progress (wxAnswerLost);
//   - a subscriber that Webex has just said exists (a POST answered 10022 for a user whose
//     Integrated IMP is on: flow-through provisioning made it) but that the subscriber list does
//     not show yet is looked for again for a few seconds (wxAwaitListed).

// wxAnswerLost reports whether a failed Webex POST may have been applied: a server failure
// (500, 502, 504; the client does not repeat a POST that is not idempotent) or no answer at all.
func wxAnswerLost(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	we, ok := webex.AsError(err)
	if !ok {
		return !errors.Is(err, webex.ErrNotFound)
	}
	switch we.Status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// listedWaits are the pauses between the lookups of wxAwaitListed (7.75 s in all).
var listedWaits = []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second}

// wxAwaitListed runs a lookup of something Webex has said exists, again while it answers not found
// (Webex propagating the new subscriber to its list), with the pauses of listedWaits. Any other
// answer ends it; server failures were retried by the client already.
func wxAwaitListed(ctx context.Context, lookup func() error) error {
	err := lookup()
	for _, wait := range listedWaits {
		if !platform.IsNotFound(err) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		err = lookup()
	}
	return err
}

// exec sends one idempotent write (again when its answer was lost) and returns its refusal.
func (p *Platform) exec(ctx context.Context, req ocip.Request) error {
	resps, _, err := p.write(ctx, req)
	if err != nil {
		return convOCIP(err)
	}
	return convOCIP(ocip.Err(resps[0]))
}

// secret sends a passcode or password change, again when its answer was lost. A resend that the
// rules refuse as a previous passcode or password means the first one was applied.
func (p *Platform) secret(ctx context.Context, req ocip.Request) error {
	resps, ambiguous, err := p.write(ctx, req)
	if err != nil {
		return convOCIP(err)
	}
	err = ocip.Err(resps[0])
	if err != nil && ambiguous && (ocip.Code(err) == 19004 || ocip.Code(err) == 19005) &&
		strings.Contains(strings.ToLower(err.Error()), "previous") {
		return nil
	}
	return convOCIP(err)
}
