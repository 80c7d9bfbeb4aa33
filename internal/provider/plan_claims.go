package provider

import (
	"fmt"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Claims across the resources of one plan. Terraform plans every resource instance of a plan in
// one provider process (and configures the provider again for the apply, which re-plans each
// resource before writing it), so the provider can see that two planned ucprov_user_number
// resources give the same extension or number to different users, before anything is written.
// The backend's own rules (extension_in_use, number_in_use) would otherwise let the apply give it
// to one and fail the other half-way.
//
// A claim is owned by the user the value is given to: the user id when known, else (a user created
// in this apply, whose id is unknown at plan) an owner of its own for each planning call. The same
// resource planned twice in one process is therefore the same owner whenever its user is known;
// the one case where Terraform plans a resource twice in one walk, a replacement (first with the
// prior state, then with none), is claimed on the second call only (see claimsOwner).

// claimKind is what is claimed: an extension (unique in an enterprise) or a phone number.
type claimKind string

const (
	claimExtension claimKind = "extension"
	claimNumber    claimKind = "phone_number"
)

// planClaim is one resource's claim on a value.
type planClaim struct {
	owner string // "usr_…", or "new#N" for a user created in this apply
	ent   string // the user's enterprise, "" when not known at plan time
}

// claimConflict is a value another resource of the plan claims: an error when both claims are
// known to be in one enterprise, else a warning (the apply may or may not fail).
type claimConflict struct {
	other planClaim
	err   bool
}

// planClaims is the registry of one provider process (providerData.claims).
type planClaims struct {
	mu      sync.Mutex
	byValue map[string][]planClaim
	newSeq  atomic.Int64
}

// newOwner is an owner for a user created in this apply (unknown id): distinct on every call.
func (p *planClaims) newOwner() string {
	return "new#" + strconv.FormatInt(p.newSeq.Add(1), 10)
}

// claim records that owner (of enterprise ent) claims value, and returns the first conflicting
// claim of another owner, if any. Extensions of users known to be in different enterprises do not
// conflict.
func (p *planClaims) claim(kind claimKind, value string, c planClaim) *claimConflict {
	key := string(kind) + "\x00" + value
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byValue == nil {
		p.byValue = map[string][]planClaim{}
	}
	var conflict *claimConflict
	mine := false
	for _, o := range p.byValue[key] {
		if o.owner == c.owner {
			mine = true
			continue
		}
		sameEnt := o.ent != "" && c.ent != "" && o.ent == c.ent
		if kind == claimExtension && o.ent != "" && c.ent != "" && !sameEnt {
			continue
		}
		if conflict == nil || (sameEnt && !conflict.err) {
			conflict = &claimConflict{other: o, err: sameEnt}
		}
	}
	if !mine {
		p.byValue[key] = append(p.byValue[key], c)
	}
	return conflict
}

// claimSummary is the summary of the diagnostic on the second claim of a value.
func claimSummary(kind claimKind, value string) string {
	what := "Extension"
	if kind == claimNumber {
		what = "Number"
	}
	return fmt.Sprintf("%s %s is claimed by another resource of this plan", what, value)
}

// claimDetail explains the conflict of c with conflict.other.
func claimDetail(kind claimKind, value string, c planClaim, conflict *claimConflict) string {
	label := func(o planClaim) string {
		if strings.HasPrefix(o.owner, "new#") {
			return "a user created in this apply"
		}
		if o.ent != "" {
			return "user " + o.owner + " (enterprise " + o.ent + ")"
		}
		return "user " + o.owner
	}
	rule := "extension_in_use"
	if kind == claimNumber {
		rule = "number_in_use"
	}
	msg := fmt.Sprintf("Another ucprov_user_number of this plan gives %s to %s; this one gives it to %s. ",
		value, label(conflict.other), label(c))
	if conflict.err {
		return msg + fmt.Sprintf("Both users are in one enterprise, where only one user can have it: the apply would "+
			"give it to one and fail the other half-way (rule %s). Give each user its own %s.", rule, kind)
	}
	return msg + fmt.Sprintf("The provider cannot tell at plan time whether both users are in one enterprise (a user "+
		"created in this apply has no id or enterprise yet). If they are, the apply gives it to one and fails the "+
		"other half-way (rule %s): give each user its own %s before approving.", rule, kind)
}

// claimValues records the extension and number that plan gives to its user and reports, on the
// attribute, a value another resource of this plan claims. owner and ent are the user and its
// enterprise (ent "" when not known).
func (d *providerData) claimValues(plan *userNumberModel, owner, ent string, diags *diag.Diagnostics) {
	c := planClaim{owner: owner, ent: ent}
	for _, v := range []struct {
		kind  claimKind
		value types.String
	}{{claimExtension, plan.Extension}, {claimNumber, plan.PhoneNumber}} {
		if !knownNonEmpty(v.value) {
			continue
		}
		conflict := d.claims.claim(v.kind, v.value.ValueString(), c)
		if conflict == nil {
			continue
		}
		summary, detail := claimSummary(v.kind, v.value.ValueString()), claimDetail(v.kind, v.value.ValueString(), c, conflict)
		if conflict.err {
			diags.AddAttributeError(path.Root(string(v.kind)), summary, detail)
		} else {
			diags.AddAttributeWarning(path.Root(string(v.kind)), summary, detail)
		}
	}
}
