package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

const e911StatusNeedsReview = "needs_review"

var (
	_ resource.ResourceWithConfigure        = &e911AddressResource{}
	_ resource.ResourceWithImportState      = &e911AddressResource{}
	_ resource.ResourceWithModifyPlan       = &e911AddressResource{}
	_ resource.ResourceWithConfigValidators = &e911AddressResource{}
)

// NewE911AddressResource is the constructor the provider registers.
func NewE911AddressResource() resource.Resource { return &e911AddressResource{} }

type e911AddressResource struct{ data *providerData }

// e911AddressModel maps the ucprov_e911_address resource.
type e911AddressModel struct {
	ID         types.String `tfsdk:"id"`
	UserID     types.String `tfsdk:"user_id"`
	Address1   types.String `tfsdk:"address1"`
	Address2   types.String `tfsdk:"address2"`
	City       types.String `tfsdk:"city"`
	State      types.String `tfsdk:"state"`
	PostalCode types.String `tfsdk:"postal_code"`
	Country    types.String `tfsdk:"country"`
	Normalized types.Object `tfsdk:"normalized"`
	Status     types.String `tfsdk:"status"`
}

// addressAttrs maps API field names to attribute names.
var addressAttrs = map[string]string{
	"address1": "address1", "address2": "address2", "city": "city", "state": "state",
	"postalCode": "postal_code", "country": "country",
}

var normalizedAttrTypes = map[string]attr.Type{
	"address1": types.StringType, "address2": types.StringType, "city": types.StringType,
	"state": types.StringType, "postal_code": types.StringType, "country": types.StringType,
}

func (r *e911AddressResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_e911_address"
}

func (r *e911AddressResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	str := func(desc string, required bool) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc, Required: required, Optional: !required,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		}
	}
	normalized := map[string]schema.Attribute{}
	for name := range normalizedAttrTypes {
		normalized[name] = schema.StringAttribute{Computed: true, MarkdownDescription: "Normalised `" + name + "`."}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The E911 (emergency) address of a user. The address is validated at plan time " +
			"(required fields, ISO country, USPS state and ZIP, Canadian postal codes). The backend normalises it " +
			"(upper case, USPS abbreviations); the normalised form is in `normalized`, while the attributes keep " +
			"your spelling, so there is no perpetual diff. When the user's number changes the backend marks the " +
			"address `needs_review`; the next plan then shows an update that re-confirms it." + concurrencyDoc,
		Attributes: map[string]schema.Attribute{
			"address1": str("Street address.", true),
			"address2": str("Suite, floor, building.", false),
			"city":     str("City.", true),
			"country":  str("ISO 3166-1 alpha-2 country code, e.g. `US`, `CA`, `FR`.", true),
			"id": schema.StringAttribute{
				MarkdownDescription: "Same as `user_id`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"normalized": schema.SingleNestedAttribute{
				MarkdownDescription: "The address as the backend normalised it.",
				Computed:            true,
				Attributes:          normalized,
			},
			"postal_code": str("Postal code: ZIP or ZIP+4 in the US, `A1A 1A1` in Canada.", true),
			"state": str("State or province: required in the US (a USPS code) and Canada (a province code); "+
				"optional elsewhere (France has none).", false),
			"status": schema.StringAttribute{
				MarkdownDescription: "`valid`, or `needs_review` after the user's number changed.",
				Computed:            true,
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "The user (`usr_…`). Changing it replaces the address.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{idValidator("usr_", "a user")},
			},
		},
	}
}

func (r *e911AddressResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{addressValidator{}}
}

func (r *e911AddressResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, resp.Diagnostics.AddError)
}

// ModifyPlan keeps normalized and status when nothing changes, and plans a re-confirmation when
// the backend says the address needs review.
func (r *e911AddressResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return // destroy or create: normalized and status stay unknown on create
	}
	var plan, state e911AddressModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.address() != state.address() || plan.hasUnknown() {
		plan.Normalized = types.ObjectUnknown(normalizedAttrTypes)
		plan.Status = types.StringUnknown()
	} else if state.Status.ValueString() == e911StatusNeedsReview {
		plan.Normalized = types.ObjectUnknown(normalizedAttrTypes)
		plan.Status = types.StringUnknown()
		resp.Diagnostics.AddWarning("E911 address needs review",
			"The backend marks the E911 address of user "+state.UserID.ValueString()+" as needing review (its "+
				"phone number changed). This plan re-confirms the configured address; check that it is still right.")
	} else {
		plan.Normalized = state.Normalized
		plan.Status = state.Status
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *e911AddressResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan e911AddressModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.put(ctx, &plan, nil, "", &resp.State, resp.Private, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(r.data.saveUserEnterprise(ctx, plan.UserID.ValueString(), nil, resp.Private)...)
	}
}

func (r *e911AddressResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state e911AddressModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	e, err := r.data.backend.ReadE911(ctx, r.data.readScope(ctx, state.UserID.ValueString(), req.Private), state.UserID.ValueString())
	if platform.IsNotReadable(err) {
		// The platform sets the address but cannot read it back (Webex Calling): keep the state.
		tflog.Debug(ctx, "the E911 address cannot be read on this platform; keeping the state", map[string]any{"user_id": state.UserID.ValueString()})
		return
	}
	if platform.IsNotFound(err) {
		if !r.data.userObjectGone(ctx, "E911 address", state.UserID.ValueString(), req.Private, &resp.Diagnostics) {
			return
		}
		tflog.Warn(ctx, "E911 address no longer exists; removing it from state", map[string]any{"user_id": state.UserID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the E911 address", err, nil)
		return
	}
	resp.Diagnostics.Append(state.fromAPI(state.UserID.ValueString(), e)...)
	resp.Diagnostics.Append(r.data.saveUserEnterprise(ctx, state.UserID.ValueString(), req.Private, resp.Private)...)
	resp.Diagnostics.Append(saveETag(ctx, resp.Private, e.ETag)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *e911AddressResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan e911AddressModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state e911AddressModel
	etag, ok := priorAndETag(ctx, req.State, req.Private, &state, &resp.Diagnostics)
	if !ok {
		return
	}
	g := r.staleGuard(&state, &resp.State, resp.Private)
	g.done = func(cur *e911AddressModel) bool {
		return cur.Status.ValueString() != e911StatusNeedsReview && len(changedAttributes(&plan, cur, true)) == 0
	}
	r.put(ctx, &plan, &g, etag, &resp.State, resp.Private, &resp.Diagnostics)
}

// put writes the address: unconditionally on create (g nil), else with If-Match etag through g.
func (r *e911AddressResource) put(ctx context.Context, plan *e911AddressModel, g *staleGuard[e911AddressModel], etag string,
	st stateSetter, priv privateSetter, diags *diagnostics) {
	userID := plan.UserID.ValueString()
	var e *platform.E911
	resolved, err := writeGuarded(ctx, g, etag, diags, func(o platform.WriteOptions) error {
		var err error
		e, err = r.data.backend.PutE911(ctx, userID, plan.address(), o)
		return err
	})
	if resolved {
		return
	}
	if err != nil {
		addAPIError(diags, "set the E911 address", err, addressAttrs)
		return
	}
	planned := *plan
	diags.Append(plan.fromAPI(userID, e)...)
	checkWritten("ucprov_e911_address "+userID, &planned, plan, diags)
	diags.Append(st.Set(ctx, plan)...)
	diags.Append(saveETag(ctx, priv, e.ETag)...)
}

// staleGuard is the 412 handling of the address's writes; prior is the refreshed state. A status
// that became needs_review (the user's number changed, in this apply too) is not a conflict.
func (r *e911AddressResource) staleGuard(prior *e911AddressModel, st stateSetter, priv privateSetter) staleGuard[e911AddressModel] {
	userID := prior.UserID.ValueString()
	return staleGuard[e911AddressModel]{
		what: "ucprov_e911_address " + userID, prior: prior, ignore: []string{"status", "normalized"},
		state: st, private: priv,
		read: func(ctx context.Context) (*e911AddressModel, string, bool, error) {
			e, err := r.data.backend.GetE911(ctx, userID)
			if platform.IsNotFound(err) {
				return nil, "", false, nil
			}
			if platform.IsNotReadable(err) {
				return prior, "", true, nil
			}
			if err != nil {
				return nil, "", false, err
			}
			cur := *prior
			if d := cur.fromAPI(userID, e); d.HasError() {
				return nil, "", false, fmt.Errorf("map the E911 address: %v", d)
			}
			return &cur, e.ETag, true, nil
		},
	}
}

func (r *e911AddressResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state e911AddressModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	etag, d := loadETag(ctx, req.Private)
	resp.Diagnostics.Append(d...)
	g := r.staleGuard(&state, &resp.State, resp.Private)
	g.deleting = true
	resolved, err := guardedWrite(ctx, g, etag, &resp.Diagnostics, func(o platform.WriteOptions) error {
		return r.data.backend.DeleteE911(ctx, state.UserID.ValueString(), o)
	})
	if !resolved && err != nil && !platform.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "delete the E911 address", err, nil)
	}
}

func (r *e911AddressResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByUserID(ctx, req, resp)
}

func (m *e911AddressModel) address() platform.Address {
	return platform.Address{
		Address1: m.Address1.ValueString(), Address2: m.Address2.ValueString(), City: m.City.ValueString(),
		State: m.State.ValueString(), PostalCode: m.PostalCode.ValueString(), Country: m.Country.ValueString(),
	}
}

func (m *e911AddressModel) hasUnknown() bool {
	for _, v := range []types.String{m.Address1, m.Address2, m.City, m.State, m.PostalCode, m.Country} {
		if v.IsUnknown() {
			return true
		}
	}
	return false
}

// fromAPI keeps the address as sent (the user's spelling) in the attributes and the backend's
// normalised form in normalized.
func (m *e911AddressModel) fromAPI(userID string, e *platform.E911) diagnostics {
	m.ID = types.StringValue(userID)
	m.UserID = types.StringValue(userID)
	m.Address1 = types.StringValue(e.Address1)
	m.Address2 = optionalString(e.Address2)
	m.City = types.StringValue(e.City)
	m.State = optionalString(e.State)
	m.PostalCode = types.StringValue(e.PostalCode)
	m.Country = types.StringValue(e.Country)
	m.Status = types.StringValue(e.Status)
	n := e.Normalized
	obj, d := types.ObjectValue(normalizedAttrTypes, map[string]attr.Value{
		"address1": types.StringValue(n.Address1), "address2": types.StringValue(n.Address2),
		"city": types.StringValue(n.City), "state": types.StringValue(n.State),
		"postal_code": types.StringValue(n.PostalCode), "country": types.StringValue(n.Country),
	})
	m.Normalized = obj
	return d
}

// addressValidator runs rules.ValidateAddress at plan time once every attribute is known, and
// attaches each violation to its attribute.
type addressValidator struct{}

func (addressValidator) Description(_ context.Context) string {
	return "the address must satisfy the E911 address rules"
}
func (v addressValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (addressValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m e911AddressModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.hasUnknown() {
		return
	}
	a := m.address()
	for _, v := range rules.ValidateAddress(rules.Address{
		Address1: a.Address1, Address2: a.Address2, City: a.City, State: a.State, PostalCode: a.PostalCode, Country: a.Country,
	}) {
		name, ok := addressAttrs[v.Field]
		if !ok {
			resp.Diagnostics.AddError("Invalid E911 address", addressMessage(v))
			continue
		}
		resp.Diagnostics.AddAttributeError(path.Root(name), "Invalid "+name, addressMessage(v))
	}
}

// addressMessage is the rule's message with the API's field names (postalCode) spelled as the
// Terraform attributes (postal_code).
func addressMessage(v *rules.Violation) string {
	msg := ruleMessage(v)
	for field, attr := range addressAttrs {
		if field != attr {
			msg = strings.ReplaceAll(msg, field, attr)
		}
	}
	return msg
}
