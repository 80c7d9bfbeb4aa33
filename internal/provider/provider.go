// Package provider implements the ucprov Terraform provider: the provider block, the resources and
// the data sources. API calls go through internal/client; rules come from internal/rules.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/bulkread"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// Environment variables the provider block falls back to.
const (
	EnvEndpoint     = "UCPROV_ENDPOINT"
	EnvToken        = "UCPROV_TOKEN"
	EnvEnterpriseID = "UCPROV_ENTERPRISE_ID"
	EnvPlatform     = "UCPROV_PLATFORM"

	EnvBroadWorksEndpoint = "UCPROV_BROADWORKS_ENDPOINT"
	EnvBroadWorksUsername = "UCPROV_BROADWORKS_USERNAME"
	EnvBroadWorksPassword = "UCPROV_BROADWORKS_PASSWORD"

	EnvWebexBaseURL      = "WEBEX_BASE_URL"
	EnvWebexToken        = "WEBEX_ACCESS_TOKEN"
	EnvWebexClientID     = "WEBEX_CLIENT_ID"
	EnvWebexClientSecret = "WEBEX_CLIENT_SECRET"
	EnvWebexRefreshToken = "WEBEX_REFRESH_TOKEN"
)

const (
	defaultMaxRetries     = 8
	defaultRequestTimeout = 30 * time.Second
	defaultMaxRetryWait   = 120 * time.Second
)

var _ provider.Provider = &ucprovProvider{}

// ucprovProvider is the provider implementation.
type ucprovProvider struct {
	version string
	commit  string
}

// ucprovProviderModel maps the provider block.
type ucprovProviderModel struct {
	Platform          types.String         `tfsdk:"platform"`
	BroadWorks        *broadWorksModel     `tfsdk:"broadworks"`
	Webex             *webexModel          `tfsdk:"webex"`
	Endpoint          types.String         `tfsdk:"endpoint"`
	Token             types.String         `tfsdk:"token"`
	EnterpriseID      types.String         `tfsdk:"enterprise_id"`
	MaxRetries        types.Int64          `tfsdk:"max_retries"`
	RequestTimeout    timetypes.GoDuration `tfsdk:"request_timeout"`
	RequestsPerSecond types.Float64        `tfsdk:"requests_per_second"`
	MaxRetryWait      timetypes.GoDuration `tfsdk:"max_retry_wait"`
	BulkRead          types.String         `tfsdk:"bulk_read"`
}

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	// backend is the platform every resource and data source calls (internal/platform): the
	// reference contract, BroadWorks or Wholesale. Its reads may be served in bulk.
	backend      platform.Platform
	enterpriseID string
	// endpoint names where the platform is, for messages; endpointAttr and credentialAttr are the
	// provider attributes of that address and of the credentials.
	endpoint                     string
	endpointAttr, credentialAttr path.Path
	// access: which enterprises the credentials can see (checked once each; see credentials.go).
	access enterpriseAccess
	// claims: the extensions and numbers the resources of this plan give to users (plan_claims.go).
	claims planClaims
	// webexRecreated: the users whose planned email change re-creates their Webex account
	// (email_change_strategy = "cycle_imp" with IM&P enabled), so that their ucprov_activation,
	// planned after the user, plans the update that waits for it (see webex_recreate.go).
	webexRecreated sync.Map
}

// New returns a constructor of the provider, as providerserver.Serve and the tests expect.
func New(version, commit string) func() provider.Provider {
	return func() provider.Provider {
		return &ucprovProvider{version: version, commit: commit}
	}
}

func (p *ucprovProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "ucprov"
	resp.Version = p.version
}

func (p *ucprovProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The `ucprov` provider manages Webex calling users on a service provider's UC " +
			"provisioning backend: users, their phone numbers and extensions, E911 addresses, Integrated IM&P, " +
			"Webex activation, call forwarding, voicemail passcodes and portal passwords.",
		Blocks: platformBlocks(),
		Attributes: map[string]schema.Attribute{
			"platform": schema.StringAttribute{
				MarkdownDescription: "The platform the provider talks to: `broadworks` (BroadWorks OCI-P with Webex for " +
					"BroadWorks: the `broadworks` and `webex` blocks), `wholesale` (Webex for Wholesale with Webex Calling: " +
					"the `webex` block) or `ucprov` (the reference provisioning contract at `endpoint`, with `token`). " +
					"Falls back to `" + EnvPlatform + "`; defaults to `ucprov`. Resource types and attributes are the same " +
					"on every platform; what a platform lacks fails the plan naming the attribute and the platform.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(platform.NameBroadWorks, platform.NameWholesale, platform.NameUCProv)},
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Platform `ucprov`: base URL of the provisioning API, e.g. `https://uc.example.com`. " +
					"Plain `http` is accepted only for loopback addresses. Falls back to `" + EnvEndpoint + "`.",
				Optional: true,
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "Platform `ucprov`: bearer token of an enterprise admin or of the service provider. " +
					"Falls back to `" + EnvToken + "`. Never logged. Before anything is read, the provider checks once " +
					"that the API accepts the token and that it can see `enterprise_id`: a wrong token (or another " +
					"enterprise's) fails the plan with an error that says so, and never makes resources read as deleted.",
				Optional:  true,
				Sensitive: true,
			},
			"enterprise_id": schema.StringAttribute{
				MarkdownDescription: "Default enterprise for every resource that does not set its own: on `ucprov` an " +
					"`ent_…` id, on `broadworks` a service provider (enterprise) id (`broadworks.service_provider_id` is the " +
					"same setting), on `wholesale` a Webex for Wholesale customer id. Falls back to `" + EnvEnterpriseID + "`.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a 429, a 5xx or a "+
					"connection error. Defaults to %d.", defaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 50)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Timeout of one HTTP attempt, as a Go duration (`30s`, `2m`). Defaults to `30s`.",
				Optional:            true,
				CustomType:          timetypes.GoDurationType{},
				Validators:          []validator.String{positiveDurationValidator{}},
			},
			"requests_per_second": schema.Float64Attribute{
				MarkdownDescription: "Client-side request rate limit. Unset means no limit; in both cases the " +
					"client slows down by itself when the API answers 429.",
				Optional:   true,
				Validators: []validator.Float64{float64validator.AtLeast(0.1)},
			},
			"max_retry_wait": schema.StringAttribute{
				MarkdownDescription: "Longest single wait before a retry, as a Go duration (`120s`, `5m`). A `Retry-After` " +
					"of the API (on a 429 or 503) is honoured up to it; other retries back off exponentially up to " +
					"`30s` (or this value, when lower). Defaults to `120s`.",
				Optional:   true,
				CustomType: timetypes.GoDurationType{},
				Validators: []validator.String{positiveDurationValidator{}},
			},
			"bulk_read": schema.StringAttribute{
				MarkdownDescription: "How resources are read during refresh: `auto` (default) reads from the API's bulk " +
					"users list (1,000 users with all their numbers, E911 addresses, IM&P settings, activations and " +
					"call forwarding per request) once that is cheaper than one request per resource; `never` always " +
					"makes one request per resource. With `auto`, the first " + strconv.Itoa(bulkread.DefaultThreshold-1) +
					" reads of an enterprise are single requests, so a configuration of a few users costs exactly what " +
					"`never` costs; after that one page of 1,000 users is read per " + strconv.Itoa(bulkread.DefaultThreshold) +
					" reads at most. A user this provider run writes to is always read from the API again.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(string(bulkread.ModeAuto), string(bulkread.ModeNever))},
			},
		},
	}
}

func (p *ucprovProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg ucprovProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// A slice, not a map: the diagnostics come in a fixed order (the schema's).
	for _, setting := range []struct {
		attr  string
		value attr.Value
	}{
		{"platform", cfg.Platform}, {"endpoint", cfg.Endpoint}, {"token", cfg.Token}, {"enterprise_id", cfg.EnterpriseID},
		{"request_timeout", cfg.RequestTimeout}, {"max_retry_wait", cfg.MaxRetryWait}, {"bulk_read", cfg.BulkRead},
	} {
		attr, v := setting.attr, setting.value
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(attr), "Unknown "+attr,
				"The provider cannot be configured because "+attr+" is not known until apply. "+
					"Set it to a value known at plan time, or use the environment variable instead.")
		}
	}
	checkBlocksKnown(&cfg, &resp.Diagnostics)
	if cfg.MaxRetries.IsUnknown() || cfg.RequestsPerSecond.IsUnknown() {
		resp.Diagnostics.AddError("Unknown provider setting",
			"max_retries and requests_per_second must be known at plan time.")
	}
	if resp.Diagnostics.HasError() {
		return
	}

	settings := readSettings(&cfg)
	settings.UserAgent = "terraform-provider-ucprov/" + p.version + " (" + p.commit + ")"
	checkSettings(&settings, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	endpoint, enterpriseID := settings.where(), settings.EnterpriseID

	timeout := durationOr(cfg.RequestTimeout, defaultRequestTimeout, &resp.Diagnostics)
	maxRetryWait := durationOr(cfg.MaxRetryWait, defaultMaxRetryWait, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	settings.RequestTimeout, settings.MaxRetryAfter = timeout, maxRetryWait
	settings.RetryWaitMax = min(client.DefaultRetryWaitMax, maxRetryWait)
	settings.RetryWaitMin = min(client.DefaultRetryWaitMin, settings.RetryWaitMax)
	settings.MaxRetries = defaultMaxRetries
	if !cfg.MaxRetries.IsNull() {
		settings.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	settings.RequestsPerSecond = cfg.RequestsPerSecond.ValueFloat64()
	settings.BulkRead = bulkread.Mode(cfg.BulkRead.ValueString())

	ctx = tflog.SetField(ctx, "ucprov_platform", settings.Name)
	ctx = tflog.SetField(ctx, "ucprov_endpoint", endpoint)
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "token", "Authorization", "password", "client_secret", "refresh_token")
	for _, secret := range settings.secrets() {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, secret)
	}

	backend, attr, err := newBackend(ctx, settings)
	if err != nil {
		summary := "Invalid " + settings.Name + " platform settings"
		if settings.Name == platform.NameUCProv {
			summary = "Invalid API endpoint"
		}
		resp.Diagnostics.AddAttributeError(attr, summary, err.Error())
		return
	}
	tflog.Debug(ctx, "configured the platform", map[string]any{
		"platform": settings.Name, "max_retries": settings.MaxRetries, "request_timeout": timeout.String(),
		"enterprise_id": enterpriseID, "max_retry_wait": maxRetryWait.String(), "bulk_read": cfg.BulkRead.ValueString(),
	})

	data := &providerData{backend: backend, enterpriseID: enterpriseID, endpoint: endpoint,
		endpointAttr: settings.endpointAttr(), credentialAttr: settings.credentialAttr()}
	// The token must be accepted and see the default enterprise before any resource reads: a wrong
	// token fails here instead of every resource reading as deleted (and the state being emptied).
	if enterpriseID != "" {
		if err := data.access.check(ctx, backend, enterpriseID); err != nil {
			data.addAccessError(&resp.Diagnostics, err, enterpriseID, path.Root("enterprise_id"))
			return
		}
	}
	resp.DataSourceData = data
	resp.ResourceData = data
}

func (p *ucprovProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewUserResource,
		NewUserNumberResource,
		NewE911AddressResource,
		NewIMPSettingResource,
		NewActivationResource,
		NewDirectorySyncResource,
		NewCallForwardingResource,
		NewInvitationsResource,
		NewGeneratedPasscodeResource,
		NewGeneratedPasswordResource,
	}
}

func (p *ucprovProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAvailableNumbersDataSource,
		NewUserDataSource,
		NewUsersDataSource,
		NewActivationStatusDataSource,
		NewGroupsDataSource,
	}
}

// durationOr returns the configured duration, or def when it is not set. The type
// (timetypes.GoDuration) has refused anything that is not a Go duration at validation.
func durationOr(v timetypes.GoDuration, def time.Duration, diags *diag.Diagnostics) time.Duration {
	if v.IsNull() || v.ValueString() == "" {
		return def
	}
	d, ds := v.ValueGoDuration()
	diags.Append(ds...)
	return d
}

// stringOrEnv returns the configured value, or else the environment variable.
func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() && v.ValueString() != "" {
		return v.ValueString()
	}
	return os.Getenv(env)
}

// configuredData turns the opaque ProviderData of a Configure request into *providerData, adding an
// error for any other type. It returns nil (and no error) before the provider is configured.
func configuredData(raw any, add func(summary, detail string)) *providerData {
	if raw == nil {
		return nil
	}
	d, ok := raw.(*providerData)
	if !ok {
		add("Unexpected provider data", "Expected *providerData, got "+strconv.Quote(fmt.Sprintf("%T", raw))+
			". This is a bug in the provider; please report it.")
		return nil
	}
	return d
}

// enterprise returns the configured enterprise or the provider's default, adding an error naming
// the attribute when there is neither.
func (d *providerData) enterprise(v types.String, p path.Path, diags *diag.Diagnostics) string {
	if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
		return v.ValueString()
	}
	if d.enterpriseID == "" {
		diags.AddAttributeError(p, "Missing enterprise",
			"Set "+p.String()+", or a default enterprise_id in the provider block (or the "+EnvEnterpriseID+
				" environment variable).")
	}
	return d.enterpriseID
}
