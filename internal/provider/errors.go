package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// addAPIError reports a failed API call. When the API names a field that maps to an attribute
// (attrs: API field → attribute name), the diagnostic is attached to that attribute.
func addAPIError(diags *diag.Diagnostics, op string, err error, attrs map[string]string) {
	summary := "Unable to " + op
	if apiErr, ok := platform.AsError(err); ok {
		if attr, found := attrs[apiErr.Field]; found {
			// Name the Terraform attribute (postal_code), never the API field (postalCode).
			detail := apiDetail(err)
			if apiErr.Field != "" && apiErr.Field != attr {
				detail = strings.ReplaceAll(detail, "(field "+apiErr.Field+")", "(attribute "+attr+")")
				detail = strings.ReplaceAll(detail, apiErr.Field, attr)
			}
			diags.AddAttributeError(attributePath(attr), summary, detail)
			return
		}
	}
	diags.AddError(summary, apiDetail(err))
}

// apiDetail renders an error for a diagnostic: the API's code, message, field and tracking id.
func apiDetail(err error) string {
	apiErr, ok := platform.AsError(err)
	if !ok {
		return err.Error()
	}
	if err.Error() != apiErr.Error() {
		// Wrapped with what the provider was doing (e.g. one step of several): keep it all.
		return upperFirst(err.Error()) + "."
	}
	var b strings.Builder
	b.WriteString("The API answered ")
	b.WriteString(apiErr.Code)
	if apiErr.Message != "" {
		b.WriteString(": ")
		b.WriteString(apiErr.Message)
	}
	if apiErr.Field != "" {
		b.WriteString(" (field " + apiErr.Field + ")")
	}
	if apiErr.ConflictingUserID != "" {
		b.WriteString(" (held by user " + apiErr.ConflictingUserID + ")")
	}
	if apiErr.TrackingID != "" {
		b.WriteString(" [tracking id " + apiErr.TrackingID + "]")
	}
	b.WriteString(".")
	return b.String()
}

// attributePath turns "a.b" into path.Root("a").AtName("b").
func attributePath(dotted string) path.Path {
	parts := strings.Split(dotted, ".")
	p := path.Root(parts[0])
	for _, part := range parts[1:] {
		p = p.AtName(part)
	}
	return p
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
