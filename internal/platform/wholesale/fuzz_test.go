package wholesale

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// FuzzConvErr: any Webex error maps to a *platform.Error of the wholesale platform with a status,
// keeps the server's text as its wire form, and never panics.
func FuzzConvErr(f *testing.F) {
	f.Add(400, "Invalid Parameter Value: provisioningParameters.locationId", 0)
	f.Add(409, "The email address belongs to a user of another customer.", 10022)
	f.Add(400, "Null Parameter: ", 1001)
	f.Add(400, "Invalid address: : x", 0)
	f.Add(404, "", 0)
	f.Add(599, "extension: number phone email passcode", 7)
	f.Fuzz(func(t *testing.T, status int, msg string, code int) {
		if status < 100 || status > 999 {
			return
		}
		we := &webex.Error{Status: status, Message: msg, Codes: []int{code}}
		pe, ok := platform.AsError(convErr(we))
		if !ok {
			t.Fatalf("no platform error for %d %q", status, msg)
		}
		if pe.Platform != platform.NameWholesale || pe.Status == 0 || pe.Wire != we.Error() {
			t.Fatalf("%d %q → %+v", status, msg, pe)
		}
		if status == http.StatusNotFound && !platform.IsNotFound(pe) {
			t.Fatalf("404 is not not-found")
		}
	})
}

// FuzzGetJobID: a job id that is not <orgId>.<job id> is not found without a request.
func FuzzGetJobID(f *testing.F) {
	for _, s := range []string{"", ".", "a.", ".b", "org.job", "org/job", "a.b.c"} {
		f.Add(s)
	}
	p := Wrap(nil, Config{})
	f.Fuzz(func(t *testing.T, id string) {
		org, job, ok := strings.Cut(id, ".")
		if ok && org != "" && job != "" {
			return // well formed: would ask Webex
		}
		if _, err := p.GetJob(context.Background(), id); !platform.IsNotFound(err) {
			t.Fatalf("GetJob(%q) = %v, want not found", id, err)
		}
	})
}
