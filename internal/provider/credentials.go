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

// addAccessError turns a failed access check into an error that says what to fix, on attribute
// attr (the provider's token or enterprise_id, or a resource's enterprise_id). Nothing was read or
// written, so the state is unchanged: no resource is taken for deleted because of the token.
func addAccessError(diags *diag.Diagnostics, err error, endpoint, ent string, entAttr path.Path) {
	const unchanged = " Nothing was read or written: the state is unchanged."
	apiErr, isAPI := platform.AsError(err)
	switch {
	case isAPI && (apiErr.Status == http.StatusUnauthorized || apiErr.Status == http.StatusForbidden) &&
		apiErr.Platform != "" && apiErr.Platform != platform.NameUCProv:
		// The broadworks and wholesale platforms: say what refused what (the OCI-P login's error
		// text, the Webex scope a 403 names), in the platform's own words.
		diags.AddError("Credentials refused",
			fmt.Sprintf("The %s platform refused the provider's credentials (%d %s): %s. Check the broadworks and "+
				"webex blocks of the provider (or their environment variables).%s",
				apiErr.Platform, apiErr.Status, apiErr.Code, strings.TrimSuffix(apiErr.Error(), "."), unchanged))
	case isAPI && (apiErr.Status == http.StatusUnauthorized || apiErr.Status == http.StatusForbidden):
		diags.AddAttributeError(path.Root("token"), "Token refused",
			fmt.Sprintf("The API at %s refused the token (%d %s). Set a valid token in the provider block or the "+
				"%s environment variable.%s", endpoint, apiErr.Status, apiErr.Code, EnvToken, unchanged))
	case platform.IsNotFound(err):
		diags.AddAttributeError(entAttr, "Enterprise not visible with this token",
			fmt.Sprintf("This token cannot see enterprise %s (the API answered 404): the token belongs to another "+
				"enterprise, or %s does not exist. Use a token of %s's administrator or of the service provider, or "+
				"correct %s.%s", ent, ent, ent, entAttr, unchanged))
	default:
		diags.AddAttributeError(path.Root("endpoint"), "Cannot reach the API",
			fmt.Sprintf("Checking the token, the provider tried GET %s/v1/enterprises/%s for up to %s and failed: %s. "+
				"Check endpoint (or %s) and the network.%s", endpoint, ent, accessCheckTimeout, apiDetail(err), EnvEndpoint, unchanged))
	}
}

// requireEnterprise checks, once per enterprise and process, that the token can see enterprise ent
// (a resource's own enterprise_id, at attr) before the resource reads or writes there. The
// provider's enterprise was checked by Configure.
func (d *providerData) requireEnterprise(ctx context.Context, ent string, attr path.Path, diags *diag.Diagnostics) bool {
	if ent == "" || ent == d.enterpriseID {
		return true
	}
	if err := d.access.check(ctx, d.backend, ent); err != nil {
		addAccessError(diags, err, d.endpoint, ent, attr)
		return false
	}
	return true
}
