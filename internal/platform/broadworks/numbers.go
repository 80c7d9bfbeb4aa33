package broadworks

import (
	"context"
	"strings"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

const (
	numberStateActive   = "active"
	numberStateInactive = "inactive"
)

// numberOf is the Number of a user's phone number, extension and activation; 404 when the user
// has neither.
func numberOf(userID, phone, ext string, activated bool) (*platform.Number, error) {
	if phone == "" && ext == "" {
		return nil, notFound("number of user " + userID)
	}
	n := &platform.Number{PhoneNumber: phone, Extension: ext}
	if phone != "" {
		n.NumberState = numberStateInactive
		if activated {
			n.NumberState = numberStateActive
		}
	}
	n.ETag = fingerprint(n)
	return n, nil
}

// e164Of is the E.164 form of UserGetResponse23V2's phoneNumber (national digits) and countryCode.
func e164Of(phone, cc string) string {
	if phone == "" || strings.HasPrefix(phone, "+") {
		return dnE164(phone)
	}
	return "+" + cc + phone
}

// userRowRequest lists user id's row of its group (its number's activation).
func userRowRequest(sp, grp, id string) ocip.UserGetListInGroupRequest {
	return ocip.UserGetListInGroupRequest{ServiceProviderId: sp, GroupId: grp,
		SearchCriteriaUserId: []ocip.SearchCriteriaUserId{{Mode: ocip.SearchModeEqualTo, Value: id, IsCaseInsensitive: true}}}
}

// numberFromRow reads the number of user id from a UserGetListInGroupResponse.
func numberFromRow(r ocip.Response, id string) (*platform.Number, error) {
	if err := ocip.Err(r); err != nil {
		return nil, convOCIP(err)
	}
	lst, ok := r.(*ocip.UserGetListInGroupResponse)
	if !ok {
		return nil, errShortReply
	}
	t := lst.UserTable
	for i := range t.Cells {
		if strings.EqualFold(t.Col(i, "User Id"), id) {
			return numberOf(id, dnE164(t.Col(i, "Phone Number")), t.Col(i, "Extension"), t.Col(i, "Phone Number Activated") == "true")
		}
	}
	return nil, notFound("user " + id)
}

// GetNumber implements platform.Numbers: the user (for its group), then its row of the group's
// user list (number, extension, activation).
func (p *Platform) GetNumber(ctx context.Context, userID string) (*platform.Number, error) {
	pl, err := p.placeOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	resps, err := p.oc.Do(ctx, userRowRequest(pl.sp, pl.grp, userID))
	if err != nil {
		return nil, convOCIP(err)
	}
	return numberFromRow(resps[0], userID)
}

// listScope is the enterprise whose bulk list answers a read of userID (ent, else the one this
// process learnt), and false when the read must go to the user itself: no enterprise known, or a
// user this process wrote since the list was read.
func (p *Platform) listScope(ent, userID string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ent == "" {
		ent = p.userEnt[userID]
	}
	return ent, ent != "" && !p.dirty[userID]
}

// ReadNumber implements platform.Numbers: from the enterprise's user list when this process has
// not written the user.
func (p *Platform) ReadNumber(ctx context.Context, ent, userID string) (*platform.Number, error) {
	ent, ok := p.listScope(ent, userID)
	if !ok {
		return p.GetNumber(ctx, userID)
	}
	rows, err := p.spList(ctx, ent)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if strings.EqualFold(r.UserID, userID) {
			return numberOf(userID, r.PhoneNumber, r.Extension, r.Activated)
		}
	}
	return p.GetNumber(ctx, userID) // not in this enterprise's list: ask (404, or another enterprise)
}

// PutNumber implements platform.Numbers: UserModifyRequest22 phoneNumber and extension (a field
// left empty is cleared), GroupDnActivateListRequest when asked, and the user's row, in one
// document.
func (p *Platform) PutNumber(ctx context.Context, userID string, in platform.NumberInput, o platform.WriteOptions) (*platform.Number, error) {
	if in.PhoneNumber == "" && in.Extension == "" {
		return nil, badInput("phoneNumber", "a phone number or an extension is required")
	}
	pl, err := p.placeOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	sp, grp := pl.sp, pl.grp
	if o.IfMatch != "" && o.IfMatch != "*" {
		cur, err := p.GetNumber(ctx, userID)
		etag := ""
		switch {
		case err == nil:
			etag = cur.ETag
		case !platform.IsNotFound(err):
			return nil, err
		}
		if err := checkMatch(o.IfMatch, etag, "the number of user "+userID); err != nil {
			return nil, err
		}
	}
	m := ocip.UserModifyRequest22{UserId: userID, PhoneNumber: ocip.Nil[string](), Extension: ocip.Nil[string]()}
	if in.PhoneNumber != "" {
		m.PhoneNumber = ocip.Value(in.PhoneNumber)
	}
	if in.Extension != "" {
		m.Extension = ocip.Value(in.Extension)
	}
	cmds := []ocip.Request{m}
	if in.Activate && in.PhoneNumber != "" {
		cmds = append(cmds, ocip.GroupDnActivateListRequest{ServiceProviderId: sp, GroupId: grp, PhoneNumber: []string{in.PhoneNumber}})
	}
	cmds = append(cmds, userRowRequest(sp, grp, userID))
	p.wrote(userID, sp)
	resps, _, err := p.write(ctx, cmds...)
	if err != nil {
		return nil, convOCIP(err)
	}
	for _, r := range resps[:len(resps)-1] {
		if err := ocip.Err(r); err != nil {
			return nil, convOCIP(err)
		}
	}
	return numberFromRow(resps[len(resps)-1], userID)
}

// DeleteNumber implements platform.Numbers (phoneNumber and extension cleared; the number goes
// back to the group's inventory).
func (p *Platform) DeleteNumber(ctx context.Context, userID string, o platform.WriteOptions) error {
	if o.IfMatch != "" && o.IfMatch != "*" {
		cur, err := p.GetNumber(ctx, userID)
		if err != nil {
			return err
		}
		if err := checkMatch(o.IfMatch, cur.ETag, "the number of user "+userID); err != nil {
			return err
		}
	}
	p.wrote(userID, "")
	return p.exec(ctx, ocip.UserModifyRequest22{UserId: userID, PhoneNumber: ocip.Nil[string](), Extension: ocip.Nil[string]()})
}

// ListNumbers implements platform.Numbers: GroupDnGetAssignmentListRequest18 of each group (of
// the filter's group, else of every group of ent), in one document.
func (p *Platform) ListNumbers(ctx context.Context, ent string, f platform.NumberFilter) ([]platform.InventoryNumber, error) {
	var groups []string
	if f.GroupID != "" {
		groups = []string{f.GroupID}
	} else {
		gs, err := p.ListGroups(ctx, ent)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			groups = append(groups, g.ID)
		}
	}
	reqs := make([]ocip.Request, len(groups))
	for i, g := range groups {
		reqs[i] = ocip.GroupDnGetAssignmentListRequest18{ServiceProviderId: ent, GroupId: g}
	}
	resps, err := p.oc.Do(ctx, reqs...)
	if err != nil {
		return nil, convOCIP(err)
	}
	var out []platform.InventoryNumber
	for i, r := range resps {
		if err := ocip.Err(r); err != nil {
			return nil, convOCIP(err)
		}
		lst, ok := r.(*ocip.GroupDnGetAssignmentListResponse18)
		if !ok {
			return nil, errShortReply
		}
		t := lst.DnTable
		for row := range t.Cells {
			user := t.Col(row, "User Id")
			for _, dn := range expandDNs(t.Col(row, "Phone Numbers")) {
				n := platform.InventoryNumber{PhoneNumber: dn, GroupID: groups[i], State: "available", UserID: user}
				if user != "" {
					n.State = "assigned"
				}
				if f.Available != nil && *f.Available != (user == "") {
					continue
				}
				if f.PhoneNumber != "" && f.PhoneNumber != dn {
					continue
				}
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// expandDNs reads a "Phone Numbers" cell: one DN, or a range "+1-7205551200 - +1-7205551209"
// (expanded when it holds at most 1,000 numbers).
func expandDNs(cell string) []string {
	lo, hi, isRange := strings.Cut(cell, " - ")
	if !isRange {
		if cell == "" {
			return nil
		}
		return []string{dnE164(cell)}
	}
	a, b := dnE164(lo), dnE164(hi)
	if len(a) != len(b) || len(a) < 2 {
		return []string{a, b}
	}
	// Same prefix, numeric tail: count from a to b.
	out := []string{}
	cur := []byte(a)
	for i := 0; i < 1000; i++ {
		out = append(out, string(cur))
		if string(cur) == b {
			return out
		}
		for j := len(cur) - 1; j > 0; j-- {
			if cur[j] < '9' {
				cur[j]++
				break
			}
			cur[j] = '0'
		}
	}
	return []string{a, b}
}

// InventoryNumber implements platform.Numbers (the enterprise's inventory is read once per process
// until this process writes a number).
func (p *Platform) InventoryNumber(ctx context.Context, ent, number string) (*platform.InventoryNumber, error) {
	p.mu.Lock()
	inv, ok := p.inv[ent]
	p.mu.Unlock()
	if !ok {
		var err error
		inv, err = p.ListNumbers(ctx, ent, platform.NumberFilter{})
		if err != nil {
			return nil, err
		}
		p.mu.Lock()
		p.inv[ent] = inv
		p.mu.Unlock()
	}
	for _, n := range inv {
		if n.PhoneNumber == number {
			c := n
			return &c, nil
		}
	}
	return nil, notFound("number " + number + " in the inventory of " + ent)
}
