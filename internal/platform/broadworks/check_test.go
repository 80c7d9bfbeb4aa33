package broadworks

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// slowSP answers ServiceProviderGetRequest22V4 after delay (or err).
type slowSP struct {
	delay time.Duration
	err   error
}

func (s slowSP) Do(ctx context.Context, cmds ...ocip.Request) ([]ocip.Response, error) {
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if s.err != nil {
		var oe *ocip.Error
		_ = errors.As(s.err, &oe)
		return []ocip.Response{oe}, nil
	}
	return []ocip.Response{&ocip.ServiceProviderGetResponse22V4{}}, nil
}

// TestBroadWorksCheckEnterpriseSideBySide: the OCI-P and Webex halves of the credentials check run
// at the same time (the provider bounds the check to 30 s: under faults their retries must not add
// up), and an OCI-P refusal is the answer whatever Webex says.
func TestBroadWorksCheckEnterpriseSideBySide(t *testing.T) {
	const delay = 300 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"items":[{"id":"wx-ent","spEnterpriseId":"ent_acme","orgId":"org","provisioningId":"prov"}]}`)
	}))
	t.Cleanup(srv.Close)
	wx, err := webex.New(webex.Config{BaseURL: srv.URL + "/v1", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	p := Wrap(slowSP{delay: delay}, wx, Config{ServiceProviderID: "ent_acme"})
	start := time.Now()
	if err := p.CheckEnterprise(context.Background(), "ent_acme"); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took >= 2*delay-50*time.Millisecond {
		t.Errorf("the check took %s: the two halves ran one after the other", took)
	}

	refused := &ocip.Error{Code: 4010, SummaryEnglish: "[Error 4010] Service Provider not found"}
	p = Wrap(slowSP{err: refused}, wx, Config{ServiceProviderID: "ent_acme"})
	if err := p.CheckEnterprise(context.Background(), "ent_acme"); !platform.IsNotFound(err) {
		t.Errorf("an invisible service provider: %v, want not found", err)
	}
}
