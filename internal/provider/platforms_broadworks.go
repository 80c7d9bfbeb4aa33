package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform/broadworks"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// The broadworks platform: BroadWorks OCI-P (the broadworks block) with Webex for BroadWorks (the
// webex block), see internal/platform/broadworks.
func init() {
	platformConstructors[platform.NameBroadWorks] = newBroadWorksBackend
}

func newBroadWorksBackend(_ context.Context, s platformSettings) (platform.Platform, path.Path, error) {
	oc := ocip.Config{
		Endpoint: s.BroadWorks.Endpoint, Username: s.BroadWorks.Username, Password: s.BroadWorks.Password,
		MaxRetries: s.MaxRetries, RequestTimeout: s.RequestTimeout, RetryWaitMin: s.RetryWaitMin,
		RetryWaitMax: s.RetryWaitMax, MaxRetryAfter: s.MaxRetryAfter, RequestsPerSecond: s.RequestsPerSecond,
		UserAgent: s.UserAgent,
	}
	if oc.MaxRetries == 0 {
		oc.MaxRetries = -1 // max_retries = 0: none (the OCI-P client's 0 means its default)
	}
	if _, err := ocip.New(oc); err != nil {
		return nil, path.Root("broadworks").AtName("endpoint"), err
	}
	wx := webex.Config{
		BaseURL: s.Webex.BaseURL, Token: s.Webex.Token, ClientID: s.Webex.ClientID, ClientSecret: s.Webex.ClientSecret,
		RefreshToken: s.Webex.RefreshToken, MaxRetries: s.MaxRetries, RequestTimeout: s.RequestTimeout,
		RetryWaitMin: s.RetryWaitMin, RetryWaitMax: s.RetryWaitMax, MaxRetryAfter: s.MaxRetryAfter,
		RequestsPerSecond: s.RequestsPerSecond, UserAgent: s.UserAgent,
	}
	if _, err := webex.New(wx); err != nil {
		return nil, path.Root("webex").AtName("base_url"), err
	}
	p, err := broadworks.New(broadworks.Config{OCIP: oc, Webex: wx, ServiceProviderID: s.EnterpriseID})
	return p, path.Root("broadworks"), err
}
