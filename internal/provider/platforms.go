package provider

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ucprov/terraform-provider-ucprov/internal/bulkread"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform/ucprov"
)

// The provider block's platform settings (PLATFORMS.md, "Configuration": the names are the public
// interface). Configure reads them into platformSettings, plain Go values, and newBackend builds
// the platform.Platform every resource calls: this file is the one place that knows which
// platforms exist.

// defaultWebexBaseURL is Webex's public API.
const defaultWebexBaseURL = "https://webexapis.com/v1"

// broadWorksModel is the broadworks block.
type broadWorksModel struct {
	Endpoint          types.String `tfsdk:"endpoint"`
	Username          types.String `tfsdk:"username"`
	Password          types.String `tfsdk:"password"`
	ServiceProviderID types.String `tfsdk:"service_provider_id"`
}

// webexModel is the webex block.
type webexModel struct {
	BaseURL      types.String `tfsdk:"base_url"`
	Token        types.String `tfsdk:"token"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	RefreshToken types.String `tfsdk:"refresh_token"`
}

func platformBlocks() map[string]schema.Block {
	return map[string]schema.Block{
		"broadworks": schema.SingleNestedBlock{
			MarkdownDescription: "Platform `broadworks`: the BroadWorks Application Server's OCI-P interface (users, numbers, " +
				"passcodes, Integrated IMP, call forwarding). Webex for BroadWorks (activation, status, directory sync) is " +
				"reached with the `webex` block.",
			Attributes: map[string]schema.Attribute{
				"endpoint": schema.StringAttribute{
					MarkdownDescription: "OCI-P endpoint: the SOAP URL `https://xsp.example.net/webservice/services/ProvisioningService`, " +
						"or `tls://as.example.net:2209` (OCI-P over TLS; `tcp://` and `http://` only to loopback addresses). " +
						"Falls back to `" + EnvBroadWorksEndpoint + "`.",
					Optional: true,
				},
				"username": schema.StringAttribute{
					MarkdownDescription: "OCI-P administrator login (a service provider or system administrator). Falls back to `" +
						EnvBroadWorksUsername + "`.",
					Optional: true,
				},
				"password": schema.StringAttribute{
					MarkdownDescription: "Password of the OCI-P login. Sensitive, never logged. Falls back to `" + EnvBroadWorksPassword + "`.",
					Optional:            true,
					Sensitive:           true,
				},
				"service_provider_id": schema.StringAttribute{
					MarkdownDescription: "The BroadWorks service provider (enterprise) id that resources use when they do not set " +
						"`enterprise_id`: the provider's `enterprise_id` under its BroadWorks name. Falls back to `" + EnvEnterpriseID + "`.",
					Optional: true,
				},
			},
		},
		"webex": schema.SingleNestedBlock{
			MarkdownDescription: "Webex partner APIs (Webex for BroadWorks on `broadworks`, Webex for Wholesale and Webex Calling " +
				"on `wholesale`): a `token`, or `client_id` + `client_secret` + `refresh_token` of an integration, whose access " +
				"token is refreshed when it expires and never written to state, plan or logs.",
			Attributes: map[string]schema.Attribute{
				"base_url": schema.StringAttribute{
					MarkdownDescription: "Webex API base URL. Defaults to `" + defaultWebexBaseURL + "`; falls back to `" + EnvWebexBaseURL + "`.",
					Optional:            true,
				},
				"token": schema.StringAttribute{
					MarkdownDescription: "Access token of a partner administrator. Sensitive. Falls back to `" + EnvWebexToken + "`.",
					Optional:            true,
					Sensitive:           true,
				},
				"client_id": schema.StringAttribute{
					MarkdownDescription: "OAuth client id of the integration (with `client_secret` and `refresh_token`, instead of " +
						"`token`). Falls back to `" + EnvWebexClientID + "`.",
					Optional: true,
				},
				"client_secret": schema.StringAttribute{
					MarkdownDescription: "OAuth client secret. Sensitive. Falls back to `" + EnvWebexClientSecret + "`.",
					Optional:            true,
					Sensitive:           true,
				},
				"refresh_token": schema.StringAttribute{
					MarkdownDescription: "OAuth refresh token. Sensitive. Falls back to `" + EnvWebexRefreshToken + "`.",
					Optional:            true,
					Sensitive:           true,
				},
			},
		},
	}
}

// platformSettings is the provider block as plain values, environment variables applied: what a
// platform's constructor needs.
type platformSettings struct {
	Name         string // platform.NameUCProv, NameBroadWorks, NameWholesale
	EnterpriseID string // the default enterprise (service provider, wholesale customer)

	Endpoint, Token string // ucprov

	BroadWorks struct{ Endpoint, Username, Password string }
	Webex      struct{ BaseURL, Token, ClientID, ClientSecret, RefreshToken string }

	MaxRetries                   int
	RequestTimeout, RetryWaitMin time.Duration
	RetryWaitMax, MaxRetryAfter  time.Duration
	RequestsPerSecond            float64
	UserAgent                    string
	BulkRead                     bulkread.Mode
}

// readSettings applies the environment to the provider block.
func readSettings(cfg *ucprovProviderModel) platformSettings {
	var s platformSettings
	s.Name = stringOrEnv(cfg.Platform, EnvPlatform)
	if s.Name == "" {
		s.Name = platform.NameUCProv
	}
	s.Endpoint = stringOrEnv(cfg.Endpoint, EnvEndpoint)
	s.Token = stringOrEnv(cfg.Token, EnvToken)
	s.EnterpriseID = stringOrEnv(cfg.EnterpriseID, EnvEnterpriseID)
	bw := cfg.BroadWorks
	if bw == nil {
		bw = &broadWorksModel{}
	}
	s.BroadWorks.Endpoint = stringOrEnv(bw.Endpoint, EnvBroadWorksEndpoint)
	s.BroadWorks.Username = stringOrEnv(bw.Username, EnvBroadWorksUsername)
	s.BroadWorks.Password = stringOrEnv(bw.Password, EnvBroadWorksPassword)
	if s.Name == platform.NameBroadWorks && !bw.ServiceProviderID.IsNull() && bw.ServiceProviderID.ValueString() != "" {
		s.EnterpriseID = bw.ServiceProviderID.ValueString()
	}
	wx := cfg.Webex
	if wx == nil {
		wx = &webexModel{}
	}
	s.Webex.BaseURL = stringOrEnv(wx.BaseURL, EnvWebexBaseURL)
	if s.Webex.BaseURL == "" {
		s.Webex.BaseURL = defaultWebexBaseURL
	}
	s.Webex.Token = stringOrEnv(wx.Token, EnvWebexToken)
	s.Webex.ClientID = stringOrEnv(wx.ClientID, EnvWebexClientID)
	s.Webex.ClientSecret = stringOrEnv(wx.ClientSecret, EnvWebexClientSecret)
	s.Webex.RefreshToken = stringOrEnv(wx.RefreshToken, EnvWebexRefreshToken)
	return s
}

// secrets are the values no log line may show.
func (s *platformSettings) secrets() []string {
	var out []string
	for _, v := range []string{s.Token, s.BroadWorks.Password, s.Webex.Token, s.Webex.ClientSecret, s.Webex.RefreshToken} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// where names the platform's endpoint in messages (never a credential).
func (s *platformSettings) where() string {
	switch s.Name {
	case platform.NameBroadWorks:
		return s.BroadWorks.Endpoint
	case platform.NameWholesale:
		return s.Webex.BaseURL
	}
	return s.Endpoint
}

// endpointAttr is the attribute of the platform's address.
func (s *platformSettings) endpointAttr() path.Path {
	switch s.Name {
	case platform.NameBroadWorks:
		return path.Root("broadworks").AtName("endpoint")
	case platform.NameWholesale:
		return path.Root("webex").AtName("base_url")
	}
	return path.Root("endpoint")
}

// credentialAttr is the attribute (or block) of the platform's credentials.
func (s *platformSettings) credentialAttr() path.Path {
	switch s.Name {
	case platform.NameBroadWorks:
		return path.Root("broadworks")
	case platform.NameWholesale:
		return path.Root("webex")
	}
	return path.Root("token")
}

// checkBlocksKnown reports block attributes that are unknown at plan time.
func checkBlocksKnown(cfg *ucprovProviderModel, diags *diag.Diagnostics) {
	unknown := func(block, attr string, v types.String) {
		if v.IsUnknown() {
			diags.AddAttributeError(path.Root(block).AtName(attr), "Unknown "+block+"."+attr,
				"The provider cannot be configured because "+block+"."+attr+" is not known until apply. "+
					"Set it to a value known at plan time, or use the environment variable instead.")
		}
	}
	if bw := cfg.BroadWorks; bw != nil {
		unknown("broadworks", "endpoint", bw.Endpoint)
		unknown("broadworks", "username", bw.Username)
		unknown("broadworks", "password", bw.Password)
		unknown("broadworks", "service_provider_id", bw.ServiceProviderID)
	}
	if wx := cfg.Webex; wx != nil {
		unknown("webex", "base_url", wx.BaseURL)
		unknown("webex", "token", wx.Token)
		unknown("webex", "client_id", wx.ClientID)
		unknown("webex", "client_secret", wx.ClientSecret)
		unknown("webex", "refresh_token", wx.RefreshToken)
	}
}

// checkSettings reports, naming the block and attribute, every setting the chosen platform needs
// and does not have.
func checkSettings(s *platformSettings, diags *diag.Diagnostics) {
	missing := func(p path.Path, summary, detail string) { diags.AddAttributeError(p, summary, detail) }
	needWebex := func() {
		oauth := s.Webex.ClientID != "" || s.Webex.ClientSecret != "" || s.Webex.RefreshToken != ""
		switch {
		case s.Webex.Token == "" && !oauth:
			missing(path.Root("webex").AtName("token"), "Missing Webex credentials",
				"The "+s.Name+" platform needs a Webex partner administrator's credentials: set webex.token (or the "+
					EnvWebexToken+" environment variable), or webex.client_id, webex.client_secret and webex.refresh_token.")
		case s.Webex.Token == "" && (s.Webex.ClientID == "" || s.Webex.ClientSecret == "" || s.Webex.RefreshToken == ""):
			missing(path.Root("webex").AtName("client_id"), "Incomplete Webex OAuth settings",
				"An OAuth refresh needs all three of webex.client_id, webex.client_secret and webex.refresh_token.")
		}
		if u, err := url.Parse(s.Webex.BaseURL); err != nil || u.Host == "" {
			missing(path.Root("webex").AtName("base_url"), "Invalid Webex base URL",
				"webex.base_url must be an absolute URL such as "+defaultWebexBaseURL+".")
		}
	}
	switch s.Name {
	case platform.NameUCProv:
		if s.Endpoint == "" {
			missing(path.Root("endpoint"), "Missing API endpoint",
				"Set endpoint in the provider block or the "+EnvEndpoint+" environment variable, "+
					"e.g. https://uc.example.com (or choose another platform with platform = \"broadworks\" or \"wholesale\").")
		}
		if s.Token == "" {
			missing(path.Root("token"), "Missing API token",
				"Set token in the provider block (from a sensitive variable) or the "+EnvToken+" environment variable.")
		}
	case platform.NameBroadWorks:
		for _, req := range []struct{ attr, env, value string }{
			{"endpoint", EnvBroadWorksEndpoint, s.BroadWorks.Endpoint},
			{"username", EnvBroadWorksUsername, s.BroadWorks.Username},
			{"password", EnvBroadWorksPassword, s.BroadWorks.Password},
		} {
			if req.value == "" {
				missing(path.Root("broadworks").AtName(req.attr), "Missing broadworks."+req.attr,
					"The broadworks platform needs broadworks."+req.attr+" (or the "+req.env+" environment variable).")
			}
		}
		needWebex()
	case platform.NameWholesale:
		needWebex()
	default:
		missing(path.Root("platform"), "Unknown platform",
			"platform (or "+EnvPlatform+") = "+s.Name+": use broadworks, wholesale or ucprov.")
	}
}

// platformConstructors build a platform from the settings; an error is reported on the attribute
// the constructor names (path.Empty for the block as a whole). The broadworks and wholesale
// constructors are registered by platforms_broadworks.go and platforms_wholesale.go.
var platformConstructors = map[string]func(ctx context.Context, s platformSettings) (platform.Platform, path.Path, error){
	platform.NameUCProv: newUCProvBackend,
}

// newBackend builds the platform of s.Name.
func newBackend(ctx context.Context, s platformSettings) (platform.Platform, path.Path, error) {
	build, ok := platformConstructors[s.Name]
	if !ok {
		return nil, path.Root("platform"), errors.New("this build of the provider cannot talk to the " + s.Name + " platform")
	}
	return build(ctx, s)
}

func newUCProvBackend(_ context.Context, s platformSettings) (platform.Platform, path.Path, error) {
	b, err := ucprov.New(ucprov.Config{
		BulkRead: bulkread.Options{Mode: s.BulkRead},
		Client: client.Config{
			Endpoint:          s.Endpoint,
			Token:             s.Token,
			MaxRetries:        s.MaxRetries,
			RequestTimeout:    s.RequestTimeout,
			RequestsPerSecond: s.RequestsPerSecond,
			RetryWaitMin:      s.RetryWaitMin,
			RetryWaitMax:      s.RetryWaitMax,
			MaxRetryAfter:     s.MaxRetryAfter,
			UserAgent:         s.UserAgent,
		},
	})
	return b, path.Root("endpoint"), err
}
