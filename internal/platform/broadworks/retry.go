package broadworks

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
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

// wxTransient reports whether a Webex answer is a server failure worth asking again for a call
// that can be repeated (500, 502, 504; 429 and 503 the client retries itself).
func wxTransient(err error) bool {
	we, ok := webex.AsError(err)
	if !ok {
		return false
	}
	switch we.Status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// wxRepeat runs a Webex call that can be repeated (a read, a PUT of values, a DELETE) again after a
// server failure, a few times with a short pause.
func wxRepeat(ctx context.Context, call func() error) error {
	var err error
	for attempt := 0; attempt <= maxResends; attempt++ {
		if err = call(); err == nil || !wxTransient(err) {
			return err
		}
		t := time.NewTimer(time.Duration(attempt+1) * 200 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
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
