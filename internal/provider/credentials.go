package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// accessCheckTimeout bounds the check of the credentials: an endpoint that does not answer fails
// the plan after about this long, naming what was tried, instead of after minutes of retries.
const accessCheckTimeout = 30 * time.Second

// enterpriseAccess remembers, per enterprise, whether the token can see it (checked once per
// provider process).
type enterpriseAccess struct {
	mu     sync.Mutex
	checks map[string]*accessCheck
}

type accessCheck struct {
	once sync.Once
	err  error
}

// check reads enterprise ent once per process (GET /v1/enterprises/{ent}) and returns the outcome
// of that one read to every caller.
func (a *enterpriseAccess) check(ctx context.Context, c platform.Platform, ent string) error {
	a.mu.Lock()
	if a.checks == nil {
		a.checks = map[string]*accessCheck{}
	}
	chk, ok := a.checks[ent]
	if !ok {
		chk = &accessCheck{}
		a.checks[ent] = chk
	}
	a.mu.Unlock()
	chk.once.Do(func() {
		ctx, cancel := context.WithTimeout(ctx, accessCheckTimeout)
		defer cancel()
		chk.err = c.CheckEnterprise(ctx, ent)
		tflog.Debug(ctx, "checked the token's access to the enterprise", map[string]any{"enterprise_id": ent, "ok": chk.err == nil})
	})
	return chk.err
}

// addAccessError turns a failed access check into an error that says what to fix, on the attribute
// it concerns (the platform's credentials or endpoint, the provider's enterprise_id, or a resource's
// enterprise_id or user_id: entAttr). Nothing was read or written, so the state is unchanged: no
// resource is taken for deleted because of the credentials.
func (d *providerData) addAccessError(diags *diag.Diagnostics, err error, ent string, entAttr path.Path) {
	const unchanged = " Nothing was read or written: the state is unchanged."
	name := d.platformName()
	pErr, isPlatform := platform.AsError(err)
	switch {
	case isPlatform && (pErr.Status == http.StatusUnauthorized || pErr.Status == http.StatusForbidden):
		summary, fix := "Token refused", "Set a valid token in the provider block or the "+EnvToken+" environment variable."
		if name != platform.NameUCProv {
			summary, fix = "Credentials refused", "Correct the "+d.credentialAttr.String()+" settings (or their environment variables)."
		}
		diags.AddAttributeError(d.credentialAttr, summary,
			fmt.Sprintf("The %s platform at %s refused the credentials (%s). %s%s", name, d.endpoint, refusal(pErr), fix, unchanged))
	case platform.IsNotThePlatform(err):
		diags.AddAttributeError(d.endpointAttr, "Endpoint is not the "+name+" API",
			fmt.Sprintf("Checking the credentials, the provider got an answer that is not the %s platform's: %s. "+
				"Correct %s.%s", name, apiDetail(err), d.endpointAttr, unchanged))
	case platform.IsNotFound(err):
		diags.AddAttributeError(entAttr, "Enterprise not visible with this token",
			fmt.Sprintf("This token cannot see enterprise %s (the %s platform answered not found): the credentials belong to "+
				"another enterprise, or %s does not exist. Use the credentials of %s's administrator or of the service provider, or "+
				"correct %s.%s", ent, name, ent, ent, entAttr, unchanged))
	default:
		diags.AddAttributeError(d.endpointAttr, "Cannot reach the API",
			fmt.Sprintf("Checking the credentials against enterprise %s at %s (for up to %s), the provider failed: %s. "+
				"Check %s and the network.%s", ent, d.endpoint, accessCheckTimeout, apiDetail(err), d.endpointAttr, unchanged))
	}
}

// refusal is what the platform said when it refused the credentials: its code and message.
func refusal(e *platform.Error) string {
	s := fmt.Sprintf("%d", e.Status)
	if e.Code != "" {
		s += " " + e.Code
	} else {
		s += " " + strings.ToLower(http.StatusText(e.Status))
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// platformName is the configured platform's name (ucprov before Configure).
func (d *providerData) platformName() string {
	if d.backend == nil {
		return platform.NameUCProv
	}
	return d.backend.Name()
}

// requireEnterprise checks, once per enterprise and process, that the token can see enterprise ent
// (a resource's own enterprise_id, at attr) before the resource reads or writes there. The
// provider's enterprise was checked by Configure.
func (d *providerData) requireEnterprise(ctx context.Context, ent string, attr path.Path, diags *diag.Diagnostics) bool {
	if ent == "" || ent == d.enterpriseID {
		return true
	}
	if err := d.access.check(ctx, d.backend, ent); err != nil {
		d.addAccessError(diags, err, ent, attr)
		return false
	}
	return true
}
