package provider

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// ruleValidator adapts a rule of internal/rules to a plan-time string attribute validator. The
// diagnostic names the attribute (the framework adds its path) and the rule (its code and message).
type ruleValidator struct {
	description string
	check       func(string) error
}

var _ validator.String = ruleValidator{}

func (v ruleValidator) Description(_ context.Context) string         { return v.description }
func (v ruleValidator) MarkdownDescription(_ context.Context) string { return v.description }

func (v ruleValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if s == "" {
		return // an empty string means "unset"; required-ness is the schema's business
	}
	if err := v.check(s); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), ruleMessage(err))
	}
}

// ruleMessage renders a rule violation for a diagnostic: the rule's message and its code.
func ruleMessage(err error) string {
	var v *rules.Violation
	if errors.As(err, &v) {
		return v.Message + " (rule " + v.Code + ")"
	}
	return err.Error()
}

func emailValidator() validator.String {
	return ruleValidator{"must be a valid email address (local@domain)", rules.ValidateEmail}
}

func e164Validator() validator.String {
	return ruleValidator{"must be an E.164 phone number, e.g. +17205551200", rules.ValidateE164}
}

func timeZoneValidator() validator.String {
	return ruleValidator{"must be an IANA time zone name, e.g. America/Denver", rules.ValidateTimeZone}
}

func extensionValidator() validator.String {
	return ruleValidator{"must be 2 to 10 digits", rules.ValidateExtension}
}

// positiveDurationValidator refuses a zero or negative duration. The attribute's type
// (timetypes.GoDuration) refuses, before any validator runs, a value that is not a Go duration.
type positiveDurationValidator struct{}

var _ validator.String = positiveDurationValidator{}

func (positiveDurationValidator) Description(_ context.Context) string {
	return "must be a positive Go duration such as 30s or 2m"
}
func (v positiveDurationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v positiveDurationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err == nil && d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), req.Path.String()+" "+v.Description(ctx)+
			", got "+req.ConfigValue.String())
	}
}

// idValidator checks the form of an object id of the API: prefix ("usr_", "grp_", "ent_") then
// letters, digits, '_' or '-' (api/README.md, "Tenancy and auth"). A wrong kind of id, or a name
// where an id belongs, then fails at plan time instead of at apply.
// On the wholesale platform ids are Webex ids (webexIDPattern, platforms_wholesale.go), also
// accepted.
func idValidator(prefix, kind string) validator.String {
	if prefix == "usr_" {
		return stringvalidator.RegexMatches(userIDPattern,
			"must be a user id such as usr_0123456789abcdef (or, on the broadworks platform, a BroadWorks user id such as "+
				"7205551200@acme.example; on the wholesale platform a Webex subscriber id)")
	}
	// Group and enterprise ids follow the platform (a BroadWorks groupId or service provider id is
	// the operator's own name, a Webex location or customer id is a Webex id): the form is checked
	// here only as far as every platform agrees, and per platform at plan time (idForms in
	// platform_features.go: ucprov ids need their prefix).
	return stringvalidator.RegexMatches(anyPlatformID, "must be "+kind+" id such as "+prefix+"0123456789abcdef")
}

// userIDPattern matches the user ids of every platform: usr_… (ucprov), BroadWorks user ids
// (local@domain) and Webex ids (wholesale subscribers): ids follow the platform (PLATFORMS.md).
var userIDPattern = regexp.MustCompile(`^(usr_[A-Za-z0-9_-]+|[^\s@]+@[A-Za-z0-9._-]+|` +
	strings.TrimSuffix(strings.TrimPrefix(webexIDPattern.String(), "^"), "$") + `)$`)

// anyPlatformID matches a group or enterprise id of any platform: a token of letters, digits and
// . _ @ - (BroadWorks ids are 1 to 30 such characters, ucprov ids grp_…/ent_…, Webex ids base64url).
var anyPlatformID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,200}$`)
