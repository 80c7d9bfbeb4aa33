package broadworks

import (
	"context"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// ServiceIntegratedIMP is the BroadWorks user service behind ucprov_imp_setting.
const ServiceIntegratedIMP = "Integrated IMP"

// codeServiceNotAssigned is the emulator's "[Error 19010] Service not assigned".
const codeServiceNotAssigned = 19010

// E911: BroadWorks keeps one postal address per user (UserModifyRequest22 address, a
// StreetAddress); it is the user's E911 address. BroadWorks does not normalise it: Normalized is
// the address as kept and Status is always "valid".

func e911Of(userID string, a *ocip.StreetAddress) (*platform.E911, error) {
	if a == nil {
		return nil, notFound("e911 address of user " + userID)
	}
	get := func(n ocip.Nillable[string]) string { v, _ := n.Get(); return v }
	addr := platform.Address{Address1: get(a.AddressLine1), Address2: get(a.AddressLine2), City: get(a.City),
		State: get(a.StateOrProvince), PostalCode: get(a.ZipOrPostalCode), Country: get(a.Country)}
	if addr == (platform.Address{}) {
		return nil, notFound("e911 address of user " + userID)
	}
	e := &platform.E911{Address: addr, Normalized: addr, Status: "valid"}
	e.ETag = fingerprint(e)
	return e, nil
}

// GetE911 implements platform.Services.
func (p *Platform) GetE911(ctx context.Context, userID string) (*platform.E911, error) {
	e, err := p.getUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	return e911Of(userID, e.resp.Address)
}

// ReadE911 implements platform.Services (from the user's read of this process).
func (p *Platform) ReadE911(ctx context.Context, ent, userID string) (*platform.E911, error) {
	e, err := p.readUser(ctx, ent, userID)
	if err != nil {
		return nil, err
	}
	return e911Of(userID, e.resp.Address)
}

func streetAddress(a platform.Address) *ocip.StreetAddress {
	v := func(s string) ocip.Nillable[string] {
		if s == "" {
			return ocip.Nil[string]()
		}
		return ocip.Value(s)
	}
	return &ocip.StreetAddress{AddressLine1: v(a.Address1), AddressLine2: v(a.Address2), City: v(a.City),
		StateOrProvince: v(a.State), ZipOrPostalCode: v(a.PostalCode), Country: v(a.Country)}
}

// PutE911 implements platform.Services (UserModifyRequest22 address, every part written).
func (p *Platform) PutE911(ctx context.Context, userID string, addr platform.Address, o platform.WriteOptions) (*platform.E911, error) {
	pl, err := p.placeOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	if o.IfMatch != "" && o.IfMatch != "*" {
		cur, err := p.getUser(ctx, userID)
		if err != nil {
			return nil, err
		}
		etag := ""
		if e, err := e911Of(userID, cur.resp.Address); err == nil {
			etag = e.ETag
		}
		if err := checkMatch(o.IfMatch, etag, "the e911 address of user "+userID); err != nil {
			return nil, err
		}
	}
	u, err := p.modifyAndGet(ctx, pl.sp, ocip.UserModifyRequest22{UserId: userID, Address: streetAddress(addr)})
	if err != nil {
		return nil, err
	}
	e, err := p.readUser(ctx, "", u.ID)
	if err != nil {
		return nil, err
	}
	return e911Of(userID, e.resp.Address)
}

// DeleteE911 implements platform.Services (every part of the address cleared).
func (p *Platform) DeleteE911(ctx context.Context, userID string, o platform.WriteOptions) error {
	cur, err := p.getUser(ctx, userID)
	if err != nil {
		return err
	}
	e, err := e911Of(userID, cur.resp.Address)
	if err != nil {
		return err
	}
	if err := checkMatch(o.IfMatch, e.ETag, "the e911 address of user "+userID); err != nil {
		return err
	}
	_, err = p.modifyAndGet(ctx, cur.user.EnterpriseID, ocip.UserModifyRequest22{UserId: userID, Address: streetAddress(platform.Address{})})
	return err
}

// Integrated IMP

func impOf(r ocip.Response, err error) (*platform.IMP, error) {
	if err != nil {
		if ocip.Code(err) == codeServiceNotAssigned {
			i := &platform.IMP{}
			i.ETag = fingerprint(i)
			return i, nil
		}
		return nil, convOCIP(err)
	}
	g, ok := r.(*ocip.UserIntegratedIMPGetResponse21sp1)
	if !ok {
		return nil, errShortReply
	}
	i := &platform.IMP{Enabled: g.IsActive}
	i.ETag = fingerprint(i)
	return i, nil
}

// GetIMP implements platform.Services (UserIntegratedIMPGetRequest21sp1; a user without the
// service assigned has IM&P off).
func (p *Platform) GetIMP(ctx context.Context, userID string) (*platform.IMP, error) {
	resps, err := p.oc.Do(ctx, ocip.UserIntegratedIMPGetRequest21sp1{UserId: userID})
	if err != nil {
		return nil, convOCIP(err)
	}
	return impOf(resps[0], ocip.Err(resps[0]))
}

// ReadIMP implements platform.Services (prefetched with the services of the users read: prefetch.go).
func (p *Platform) ReadIMP(ctx context.Context, _, userID string) (*platform.IMP, error) {
	resps, err := p.services(ctx, userID, false)
	if err != nil {
		return nil, err
	}
	return impOf(resps[0], ocip.Err(resps[0]))
}

// SetIMP implements platform.Services. On: the "Integrated IMP" service is assigned and turned on
// in one document (with an email and Webex for BroadWorks, flow-through provisioning then creates
// the user's Webex subscriber). Off: turned off (the service stays assigned).
func (p *Platform) SetIMP(ctx context.Context, userID string, enabled bool, o platform.WriteOptions) (*platform.IMP, error) {
	if o.IfMatch != "" && o.IfMatch != "*" {
		cur, err := p.GetIMP(ctx, userID)
		if err != nil {
			return nil, err
		}
		if err := checkMatch(o.IfMatch, cur.ETag, "the IM&P setting of user "+userID); err != nil {
			return nil, err
		}
	}
	var cmds []ocip.Request
	if enabled {
		cmds = append(cmds, ocip.UserServiceAssignListRequest{UserId: userID, ServiceName: []string{ServiceIntegratedIMP}})
	}
	cmds = append(cmds, ocip.UserIntegratedIMPModifyRequest{UserId: userID, IsActive: &enabled},
		ocip.UserIntegratedIMPGetRequest21sp1{UserId: userID})
	p.wrote(userID, "")
	if enabled {
		// Flow-through provisioning may create the user's Webex subscriber: a user created by this
		// process is no longer known to have no activation (CreatedHere).
		p.mu.Lock()
		delete(p.createdHere, userID)
		p.impOn[userID] = true
		p.mu.Unlock()
	}
	resps, _, err := p.write(ctx, cmds...)
	if err != nil {
		return nil, convOCIP(err)
	}
	for _, r := range resps[:len(resps)-1] {
		if err := ocip.Err(r); err != nil && (ocip.Code(err) != codeServiceNotAssigned || enabled) {
			return nil, convOCIP(err)
		}
	}
	last := resps[len(resps)-1]
	return impOf(last, ocip.Err(last))
}

// Secrets

// SetVoicemailPasscode implements platform.Services (UserPortalPasscodeModifyRequest: the group's
// portal passcode rules apply).
func (p *Platform) SetVoicemailPasscode(ctx context.Context, userID, passcode string) error {
	return p.secret(ctx, ocip.UserPortalPasscodeModifyRequest{UserId: userID, NewPasscode: passcode})
}

// SetPortalPassword implements platform.Services (PasswordModifyRequest: the group's password
// rules apply).
func (p *Platform) SetPortalPassword(ctx context.Context, userID, password string) error {
	return p.secret(ctx, ocip.PasswordModifyRequest{UserId: userID, NewPassword: password})
}

// GroupPasscodeRules reads the portal passcode rules (UserPortalPasscodeRulesGetRequest with the
// group: the rules in effect there) and the password rules (GroupPasswordRulesGetRequestRI) of a
// group.
func (p *Platform) GroupPasscodeRules(ctx context.Context, ent, groupID string) (*platform.PasscodeRules, error) {
	resps, err := p.oc.Do(ctx, ocip.UserPortalPasscodeRulesGetRequest{ServiceProviderId: &ent, GroupId: &groupID},
		ocip.GroupPasswordRulesGetRequestRI{ServiceProviderId: ent, GroupId: groupID})
	if err != nil {
		return nil, convOCIP(err)
	}
	for _, r := range resps {
		if err := ocip.Err(r); err != nil {
			return nil, convOCIP(err)
		}
	}
	pc, ok1 := resps[0].(*ocip.UserPortalPasscodeRulesGetResponse)
	pw, ok2 := resps[1].(*ocip.GroupPasswordRulesGetResponseRI)
	if !ok1 || !ok2 {
		return nil, errShortReply
	}
	return rulesOf(pc, pw), nil
}

func rulesOf(pc *ocip.UserPortalPasscodeRulesGetResponse, pw *ocip.GroupPasswordRulesGetResponseRI) *platform.PasscodeRules {
	r := &platform.PasscodeRules{
		MinLength: pc.MinCodeLength, MaxLength: pc.MaxCodeLength,
		BlockUserNumber: pc.DisallowUserNumber, BlockReversedUserNumber: pc.DisallowReversedUserNumber,
		BlockPrevious: pc.DisallowOldPasscode, BlockPreviousReversed: pc.DisallowReversedOldPasscode,
		PasswordMinLength: pw.MinLength,
	}
	if pc.DisallowRepeatedDigits {
		r.MaxRepeatedDigits = pc.NumberOfRepeatedDigits
	}
	if pc.DisallowContiguousSequences {
		r.MaxSequenceLength = min(pc.NumberOfAscendingDigits, pc.NumberOfDescendingDigits)
	}
	return r
}

// strictest combines the rules of several groups into rules every one of them accepts.
func strictest(all []*platform.PasscodeRules) *platform.PasscodeRules {
	if len(all) == 0 {
		return nil
	}
	out := *all[0]
	limit := func(cur, v int) int { // 0 = no limit
		switch {
		case cur == 0:
			return v
		case v == 0:
			return cur
		}
		return min(cur, v)
	}
	for _, r := range all[1:] {
		out.MinLength = max(out.MinLength, r.MinLength)
		out.MaxLength = limit(out.MaxLength, r.MaxLength)
		out.MaxRepeatedDigits = limit(out.MaxRepeatedDigits, r.MaxRepeatedDigits)
		out.MaxSequenceLength = limit(out.MaxSequenceLength, r.MaxSequenceLength)
		out.BlockUserNumber = out.BlockUserNumber || r.BlockUserNumber
		out.BlockReversedUserNumber = out.BlockReversedUserNumber || r.BlockReversedUserNumber
		out.BlockPrevious = out.BlockPrevious || r.BlockPrevious
		out.BlockPreviousReversed = out.BlockPreviousReversed || r.BlockPreviousReversed
		out.PasswordMinLength = max(out.PasswordMinLength, r.PasswordMinLength)
	}
	return &out
}

// GetPasscodeRules implements platform.Services. BroadWorks' rules are per group; the enterprise's
// rules are the strictest combination of its groups' (a passcode they accept is accepted in every
// group). GroupPasscodeRules reads one group's.
func (p *Platform) GetPasscodeRules(ctx context.Context, ent string) (*platform.PasscodeRules, error) {
	groups, err := p.ListGroups(ctx, ent)
	if err != nil {
		return nil, err
	}
	var reqs []ocip.Request
	for i := range groups {
		reqs = append(reqs, ocip.UserPortalPasscodeRulesGetRequest{ServiceProviderId: &ent, GroupId: &groups[i].ID},
			ocip.GroupPasswordRulesGetRequestRI{ServiceProviderId: ent, GroupId: groups[i].ID})
	}
	resps, err := p.oc.Do(ctx, reqs...)
	if err != nil {
		return nil, convOCIP(err)
	}
	var all []*platform.PasscodeRules
	for i := 0; i+1 < len(resps); i += 2 {
		for _, r := range resps[i : i+2] {
			if err := ocip.Err(r); err != nil {
				return nil, convOCIP(err)
			}
		}
		pc, ok1 := resps[i].(*ocip.UserPortalPasscodeRulesGetResponse)
		pw, ok2 := resps[i+1].(*ocip.GroupPasswordRulesGetResponseRI)
		if !ok1 || !ok2 {
			return nil, errShortReply
		}
		r := rulesOf(pc, pw)
		all = append(all, r)
		p.mu.Lock()
		p.groupRules[groups[i/2].ID] = r
		p.mu.Unlock()
	}
	out := strictest(all)
	if out == nil {
		out = &platform.PasscodeRules{}
	}
	p.mu.Lock()
	p.rules[ent] = out
	p.mu.Unlock()
	c := *out
	return &c, nil
}

// ReadPasscodeRules implements platform.Services (read once per process).
func (p *Platform) ReadPasscodeRules(ctx context.Context, ent string) (*platform.PasscodeRules, error) {
	p.mu.Lock()
	r, ok := p.rules[ent]
	p.mu.Unlock()
	if ok {
		c := *r
		return &c, nil
	}
	return p.GetPasscodeRules(ctx, ent)
}

// ReadGroupPasscodeRules is GroupPasscodeRules read once per process.
func (p *Platform) ReadGroupPasscodeRules(ctx context.Context, ent, groupID string) (*platform.PasscodeRules, error) {
	p.mu.Lock()
	r, ok := p.groupRules[groupID]
	p.mu.Unlock()
	if ok {
		c := *r
		return &c, nil
	}
	r, err := p.GroupPasscodeRules(ctx, ent, groupID)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.groupRules[groupID] = r
	p.mu.Unlock()
	c := *r
	return &c, nil
}

// Call forwarding

func cfGets(userID string) []ocip.Request {
	return []ocip.Request{ocip.UserCallForwardingAlwaysGetRequest{UserId: userID}, ocip.UserCallForwardingBusyGetRequest{UserId: userID},
		ocip.UserCallForwardingNoAnswerGetRequest13mp16{UserId: userID}}
}

func cfOf(resps []ocip.Response) (*platform.CallForwarding, error) {
	if len(resps) != 3 {
		return nil, errShortReply
	}
	for _, r := range resps {
		if err := ocip.Err(r); err != nil {
			return nil, convOCIP(err)
		}
	}
	a, ok1 := resps[0].(*ocip.UserCallForwardingAlwaysGetResponse)
	b, ok2 := resps[1].(*ocip.UserCallForwardingBusyGetResponse)
	n, ok3 := resps[2].(*ocip.UserCallForwardingNoAnswerGetResponse13mp16)
	if !ok1 || !ok2 || !ok3 {
		return nil, errShortReply
	}
	cf := &platform.CallForwarding{
		Always:   platform.Forward{Enabled: a.IsActive, Destination: deref(a.ForwardToPhoneNumber)},
		Busy:     platform.Forward{Enabled: b.IsActive, Destination: deref(b.ForwardToPhoneNumber)},
		NoAnswer: platform.NoAnswerForward{Enabled: n.IsActive, Destination: deref(n.ForwardToPhoneNumber), Rings: n.NumberOfRings},
	}
	cf.ETag = fingerprint(cf)
	return cf, nil
}

// GetCallForwarding implements platform.Services (the three Get requests in one document).
func (p *Platform) GetCallForwarding(ctx context.Context, userID string) (*platform.CallForwarding, error) {
	resps, err := p.oc.Do(ctx, cfGets(userID)...)
	if err != nil {
		return nil, convOCIP(err)
	}
	return cfOf(resps)
}

// ReadCallForwarding implements platform.Services (prefetched: prefetch.go).
func (p *Platform) ReadCallForwarding(ctx context.Context, _, userID string) (*platform.CallForwarding, error) {
	resps, err := p.services(ctx, userID, true)
	if err != nil {
		return nil, err
	}
	return cfOf(resps)
}

func outgoing(s string) ocip.Nillable[string] {
	if s == "" {
		return ocip.Nil[string]()
	}
	return ocip.Value(s)
}

// PutCallForwarding implements platform.Services: the three Modify requests and the three Get
// requests in one document.
func (p *Platform) PutCallForwarding(ctx context.Context, userID string, cf platform.CallForwarding, o platform.WriteOptions) (*platform.CallForwarding, error) {
	if o.IfMatch != "" && o.IfMatch != "*" {
		cur, err := p.GetCallForwarding(ctx, userID)
		if err != nil {
			return nil, err
		}
		if err := checkMatch(o.IfMatch, cur.ETag, "the call forwarding of user "+userID); err != nil {
			return nil, err
		}
	}
	rings := cf.NoAnswer.Rings
	var ringsP *int
	if rings > 0 {
		ringsP = &rings
	}
	cmds := []ocip.Request{
		ocip.UserCallForwardingAlwaysModifyRequest{UserId: userID, IsActive: &cf.Always.Enabled, ForwardToPhoneNumber: outgoing(cf.Always.Destination)},
		ocip.UserCallForwardingBusyModifyRequest{UserId: userID, IsActive: &cf.Busy.Enabled, ForwardToPhoneNumber: outgoing(cf.Busy.Destination)},
		ocip.UserCallForwardingNoAnswerModifyRequest{UserId: userID, IsActive: &cf.NoAnswer.Enabled,
			ForwardToPhoneNumber: outgoing(cf.NoAnswer.Destination), NumberOfRings: ringsP},
	}
	p.wroteServices(userID)
	resps, _, err := p.write(ctx, append(cmds, cfGets(userID)...)...)
	if err != nil {
		return nil, convOCIP(err)
	}
	for _, r := range resps[:3] {
		if err := ocip.Err(r); err != nil {
			return nil, convOCIP(err)
		}
	}
	return cfOf(resps[3:])
}

// DeleteCallForwarding implements platform.Services: every rule off, no destination, 3 rings.
func (p *Platform) DeleteCallForwarding(ctx context.Context, userID string, o platform.WriteOptions) error {
	_, err := p.PutCallForwarding(ctx, userID, platform.CallForwarding{NoAnswer: platform.NoAnswerForward{Rings: 3}}, o)
	return err
}
