package provider

import (
	"context"
	"net/url"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform/wholesale"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// The wholesale platform: Webex for Wholesale + Webex Calling over internal/webex
// (internal/platform/wholesale). enterprise_id is the wholesale customer id, group_id the Webex
// Calling location id, a user's id its subscriber id.

func init() {
	platformConstructors[platform.NameWholesale] = newWholesaleBackend
}

// webexIDPattern matches a Webex id: base64url (no padding) of "ciscospark://…", which always
// starts with Y2lzY29zcGFyazovL. The id validators of the resources accept it besides the
// reference contract's prefixed ids.
var webexIDPattern = regexp.MustCompile(`^Y2lzY29zcGFyazovL[A-Za-z0-9_-]+$`)

func newWholesaleBackend(_ context.Context, s platformSettings) (platform.Platform, path.Path, error) {
	attr := path.Root("webex").AtName("token")
	if s.Webex.Token == "" {
		attr = path.Root("webex").AtName("client_id")
	}
	if u, err := url.Parse(s.Webex.BaseURL); err != nil || u.Host == "" {
		attr = path.Root("webex").AtName("base_url")
	}
	b, err := wholesale.New(wholesale.Config{
		Client: webex.Config{
			BaseURL:           s.Webex.BaseURL,
			Token:             s.Webex.Token,
			ClientID:          s.Webex.ClientID,
			ClientSecret:      s.Webex.ClientSecret,
			RefreshToken:      s.Webex.RefreshToken,
			MaxRetries:        s.MaxRetries,
			RequestTimeout:    s.RequestTimeout,
			RetryWaitMin:      s.RetryWaitMin,
			RetryWaitMax:      s.RetryWaitMax,
			MaxRetryAfter:     s.MaxRetryAfter,
			RequestsPerSecond: s.RequestsPerSecond,
			UserAgent:         s.UserAgent,
		},
	})
	if err != nil {
		return nil, attr, err
	}
	return b, path.Empty(), nil
}
