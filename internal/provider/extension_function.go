package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

var _ function.Function = &extensionFunction{}

// extensionFunction is provider::ucprov::extension(number, digits).
type extensionFunction struct{}

func newExtensionFunction() function.Function { return &extensionFunction{} }

func (f *extensionFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "extension"
}

func (f *extensionFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The last digits of a phone number, as an extension",
		MarkdownDescription: "Returns the last `digits` digits of a phone number (E.164 or written for people, as " +
			"`provider::ucprov::e164` reads it), for `ucprov_user_number.extension`: the User Hub guide " +
			"recommends the last 4 digits of the DID as the extension. `digits` must be 2 to 10, the extension rule.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "number",
				MarkdownDescription: "The phone number, e.g. `+17205551234`.",
			},
			function.Int64Parameter{
				Name:                "digits",
				MarkdownDescription: "How many trailing digits: 2 to 10 (usually 4).",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *extensionFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var number string
	var digits int64
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &number, &digits))
	if resp.Error != nil {
		return
	}
	if digits < 2 || digits > 10 {
		resp.Error = function.NewArgumentFuncError(1, fmt.Sprintf("digits is %d: an extension has 2 to 10 digits", digits))
		return
	}
	ext, err := rules.ExtensionFromNumber(number, int(digits))
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("no %d-digit extension in %q: %s", digits, number, ruleMessage(err)))
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, ext))
}
