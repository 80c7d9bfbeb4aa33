package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

var _ function.Function = &e164Function{}

// e164Function is provider::ucprov::e164(number, default_country).
type e164Function struct{}

func newE164Function() function.Function { return &e164Function{} }

func (f *e164Function) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "e164"
}

func (f *e164Function) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Turns a phone number written for people into E.164",
		MarkdownDescription: "Turns a phone number as spreadsheets and directories hold it (spaces, dashes, dots, " +
			"slashes, parentheses) into the E.164 form that `phone_number`, `mobile_number` and `pager_number` " +
			"take, or fails naming the input. `+33 6 34 33 32 00` and `0033 6 34 33 32 00` are international " +
			"already (so is `011 …` for a North American default country); any other number is national to " +
			"`default_country`: its trunk prefix is dropped (`1` on 11 digits in the North American Numbering " +
			"Plan, `8` in RU and KZ, `06` in HU, none in IT, SM and VA, a single `0` elsewhere) and the " +
			"country calling code put in front. A leading `0` that the country's plan has no trunk prefix for " +
			"fails instead of being guessed at (`07 20 55 51 24` with `US`; ES, PT, PL, MX, …), and a `(0)` after " +
			"the calling code (`+44 (0)20 …`) is dropped. The result passes the same E.164 rule as the plan-time " +
			"checks (a `+1` number needs an area code starting 2 to 9).",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "number",
				MarkdownDescription: "The phone number, e.g. `(720) 555-1200` or `06 34 33 32 00`.",
			},
			function.StringParameter{
				Name: "default_country",
				MarkdownDescription: "ISO 3166-1 alpha-2 code (any case) of the country a national number " +
					"belongs to, e.g. `US` or `FR`; may be `\"\"` when every number is international.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *e164Function) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var number, country string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &number, &country))
	if resp.Error != nil {
		return
	}
	e164, err := rules.ToE164(number, country)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("%q (default country %q) is not a phone number: %s",
			number, country, ruleMessage(err)))
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, e164))
}
