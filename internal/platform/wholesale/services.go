package wholesale

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// E911: the emergency address of the user's number (PUT /telephony/pstn/numbers/{n}/emergencyAddress,
// validated and normalised by POST …/locations/{id}/emergencyAddress/lookup). Webex has no read of
// a number's emergency address: GetE911 answers what this process wrote, else ErrNotReadable.

func e911ETag(e *platform.E911) string {
	a := e.Address
	return fingerprint("e911", a.Address1, a.Address2, a.City, a.State, a.PostalCode, a.Country)
}

func toEmergency(a platform.Address) webex.EmergencyAddress {
	return webex.EmergencyAddress{Address1: a.Address1, Address2: a.Address2, City: a.City, State: a.State,
		PostalCode: a.PostalCode, Country: a.Country}
}

func fromEmergency(a webex.EmergencyAddress) platform.Address {
	return platform.Address{Address1: a.Address1, Address2: a.Address2, City: a.City, State: a.State,
		PostalCode: a.PostalCode, Country: a.Country}
}

// GetE911 implements platform.Services.
func (p *Platform) GetE911(ctx context.Context, userID string) (*platform.E911, error) {
	p.mu.Lock()
	e, ok := p.e911[userID]
	p.mu.Unlock()
	if ok {
		cp := *e
		return &cp, nil
	}
	// The user and its number exist? Then the address is there but cannot be read.
	n, err := p.GetNumber(ctx, userID)
	if err != nil {
		return nil, err
	}
	if n.PhoneNumber == "" {
		return nil, notFound("the user has no phone number, so no emergency address")
	}
	return nil, fmt.Errorf("the emergency address of %s: %w (Webex Calling has no read of a number's emergency address)",
		n.PhoneNumber, platform.ErrNotReadable)
}

// ReadE911 implements platform.Services.
func (p *Platform) ReadE911(ctx context.Context, ent, userID string) (*platform.E911, error) {
	p.mu.Lock()
	e, ok := p.e911[userID]
	p.mu.Unlock()
	if ok {
		cp := *e
		return &cp, nil
	}
	_, _, pr, ok, err := p.fromSnapshot(ctx, ent, userID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return p.GetE911(ctx, userID)
	}
	if phone, _ := workNumber(pr); phone != "" {
		return nil, fmt.Errorf("the emergency address of %s: %w (Webex Calling has no read of a number's emergency address)",
			phone, platform.ErrNotReadable)
	}
	return nil, notFound("the user has no phone number, so no emergency address")
}

// PutE911 implements platform.Services: the lookup validates and normalises the address for the
// user's location, then the number's emergency address is set. IfMatch is compared with what
// this process last wrote only (Webex cannot read it back).
func (p *Platform) PutE911(ctx context.Context, userID string, addr platform.Address, o platform.WriteOptions) (*platform.E911, error) {
	var r *ref
	var pr *webex.Person
	var err error
	if kp, _, ok := p.knownFor(userID, o.IfMatch); ok {
		if r, _, err = p.refOf(ctx, userID); err != nil {
			return nil, err
		}
		pr = kp
	} else if r, pr, err = p.personOf(ctx, userID); err != nil {
		return nil, err
	}
	phone, _ := workNumber(pr)
	if phone == "" {
		return nil, &platform.Error{Status: http.StatusConflict, Code: "number_required", Platform: platform.NameWholesale,
			Message: "the emergency address belongs to the user's phone number, and user " + userID + " has none"}
	}
	if o.IfMatch != "" && o.IfMatch != "*" {
		p.mu.Lock()
		prev, ok := p.e911[userID]
		p.mu.Unlock()
		if ok {
			if err := checkIfMatch(o.IfMatch, prev.ETag, "the emergency address of user "+userID); err != nil {
				return nil, err
			}
		}
	}
	found, err := p.lookup(ctx, r.OrgID, pr.LocationID, addr)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, &platform.Error{Status: http.StatusUnprocessableEntity, Code: "address_invalid", Field: "address1",
			Platform: platform.NameWholesale, Message: "Webex found no emergency address matching the address"}
	}
	norm := fromEmergency(found[0].EmergencyAddress)
	p.markWritten(userID)
	if err := p.c.SetNumberEmergencyAddress(ctx, r.OrgID, phone, &found[0].EmergencyAddress); err != nil {
		return nil, convErr(err)
	}
	status := "valid"
	if len(found[0].Errors) > 0 {
		status = "needs_review"
	}
	e := &platform.E911{Address: addr, Normalized: norm, Status: status}
	e.ETag = e911ETag(e)
	p.mu.Lock()
	p.e911[userID] = e
	p.mu.Unlock()
	cp := *e
	return &cp, nil
}

// lookup validates and normalises addr for a location; the answer is kept for the process (a
// site's users share their address: one lookup).
func (p *Platform) lookup(ctx context.Context, org, location string, addr platform.Address) ([]webex.SuggestedEmergencyAddress, error) {
	key := strings.Join([]string{org, location, addr.Address1, addr.Address2, addr.City, addr.State, addr.PostalCode, addr.Country}, "\x00")
	p.mu.Lock()
	e, ok := p.lookups[key]
	if !ok {
		e = &lookupEntry{}
		p.lookups[key] = e
	}
	p.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.done {
		return e.found, nil
	}
	found, err := p.c.LookupEmergencyAddress(ctx, org, location, toEmergency(addr))
	if err != nil {
		return nil, convErr(err) // not kept: the next write asks again
	}
	e.found, e.done = found, true
	return found, nil
}

// lookupEntry is one address lookup of the process (concurrent writes of one address wait for
// the first).
type lookupEntry struct {
	mu    sync.Mutex
	done  bool
	found []webex.SuggestedEmergencyAddress
}

// DeleteE911 implements platform.Services: the number's emergency address goes back to its
// location's ({}).
func (p *Platform) DeleteE911(ctx context.Context, userID string, _ platform.WriteOptions) error {
	r, pr, err := p.personOf(ctx, userID)
	if err != nil {
		return err
	}
	phone, _ := workNumber(pr)
	if phone == "" {
		return notFound("the user has no phone number, so no emergency address")
	}
	p.markWritten(userID)
	if err := p.c.SetNumberEmergencyAddress(ctx, r.OrgID, phone, nil); err != nil {
		return convErr(err)
	}
	p.mu.Lock()
	delete(p.e911, userID)
	p.mu.Unlock()
	return nil
}

// IM&P: not on this platform.

// GetIMP implements platform.Services.
func (p *Platform) GetIMP(context.Context, string) (*platform.IMP, error) {
	return nil, p.Lacks(platform.FeatureIMP)
}

// ReadIMP implements platform.Services.
func (p *Platform) ReadIMP(context.Context, string, string) (*platform.IMP, error) {
	return nil, p.Lacks(platform.FeatureIMP)
}

// SetIMP implements platform.Services.
func (p *Platform) SetIMP(context.Context, string, bool, platform.WriteOptions) (*platform.IMP, error) {
	return nil, p.Lacks(platform.FeatureIMP)
}

// SetVoicemailPasscode implements platform.Services: PUT /telephony/config/people/{id}/voicemail/passcode.
func (p *Platform) SetVoicemailPasscode(ctx context.Context, userID, passcode string) error {
	r, _, err := p.refOf(ctx, userID)
	if err != nil {
		return err
	}
	return convErr(p.c.SetVoicemailPasscode(ctx, r.OrgID, r.PersonID, passcode))
}

// SetPortalPassword implements platform.Services: there is none on Webex.
func (p *Platform) SetPortalPassword(context.Context, string, string) error {
	return p.Lacks(platform.FeaturePortalPassword)
}

// GetPasscodeRules implements platform.Services. The wholesale APIs give no passcode rules to
// read: these are the provider's defaults (Webex checks its own location rules when the passcode
// is set, and its refusal names the rule).
func (p *Platform) GetPasscodeRules(ctx context.Context, ent string) (*platform.PasscodeRules, error) {
	if _, err := p.orgOf(ctx, ent); err != nil {
		return nil, err
	}
	d := rules.DefaultPasscodePolicy()
	return &platform.PasscodeRules{
		MinLength: d.MinLength, MaxLength: d.MaxLength, MaxRepeatedDigits: d.MaxRepeatedDigits, MaxSequenceLength: d.MaxSequenceLength,
		BlockUserNumber: d.BlockUserNumber, BlockReversedUserNumber: d.BlockReversedUserNumber, BlockPrevious: d.BlockPrevious,
		BlockPreviousReversed: d.BlockPreviousReversed, PasswordMinLength: d.PasswordMinLength,
	}, nil
}

// ReadPasscodeRules implements platform.Services.
func (p *Platform) ReadPasscodeRules(ctx context.Context, ent string) (*platform.PasscodeRules, error) {
	return p.GetPasscodeRules(ctx, ent)
}

// Call forwarding: /people/{id}/features/callForwarding.

func forwardingOf(s *webex.CallForwardingSettings) *platform.CallForwarding {
	cf := &platform.CallForwarding{
		Always:   platform.Forward{Enabled: s.CallForwarding.Always.Enabled, Destination: s.CallForwarding.Always.Destination},
		Busy:     platform.Forward{Enabled: s.CallForwarding.Busy.Enabled, Destination: s.CallForwarding.Busy.Destination},
		NoAnswer: platform.NoAnswerForward{Enabled: s.CallForwarding.NoAnswer.Enabled, Destination: s.CallForwarding.NoAnswer.Destination, Rings: s.CallForwarding.NoAnswer.NumberOfRings},
	}
	cf.ETag = fingerprint("cf", fmt.Sprint(cf.Always.Enabled), cf.Always.Destination, fmt.Sprint(cf.Busy.Enabled), cf.Busy.Destination,
		fmt.Sprint(cf.NoAnswer.Enabled), cf.NoAnswer.Destination, fmt.Sprint(cf.NoAnswer.Rings))
	return cf
}

// GetCallForwarding implements platform.Services.
func (p *Platform) GetCallForwarding(ctx context.Context, userID string) (*platform.CallForwarding, error) {
	r, _, err := p.refOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	s, err := p.c.GetCallForwarding(ctx, r.OrgID, r.PersonID)
	if err != nil {
		return nil, convErr(err)
	}
	return forwardingOf(s), nil
}

// ReadCallForwarding implements platform.Services (Webex has no bulk read of forwarding).
func (p *Platform) ReadCallForwarding(ctx context.Context, _, userID string) (*platform.CallForwarding, error) {
	return p.GetCallForwarding(ctx, userID)
}

// PutCallForwarding implements platform.Services: read, compare with IfMatch, write every rule,
// read back.
func (p *Platform) PutCallForwarding(ctx context.Context, userID string, cf platform.CallForwarding, o platform.WriteOptions) (*platform.CallForwarding, error) {
	r, _, err := p.refOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	if o.IfMatch != "" && o.IfMatch != "*" {
		cur, err := p.GetCallForwarding(ctx, userID)
		if err != nil {
			return nil, err
		}
		if err := checkIfMatch(o.IfMatch, cur.ETag, "the call forwarding of user "+userID); err != nil {
			return nil, err
		}
	}
	rule := func(enabled bool, dest string) *webex.ForwardRuleUpdate {
		return &webex.ForwardRuleUpdate{Enabled: enabled, Destination: dest}
	}
	na := rule(cf.NoAnswer.Enabled, cf.NoAnswer.Destination)
	if cf.NoAnswer.Rings != 0 {
		rings := cf.NoAnswer.Rings
		na.NumberOfRings = &rings
	}
	p.markWritten(userID)
	err = p.c.UpdateCallForwarding(ctx, r.OrgID, r.PersonID, webex.CallForwardingUpdate{CallForwarding: &webex.CallForwardingRulesUpdate{
		Always: rule(cf.Always.Enabled, cf.Always.Destination), Busy: rule(cf.Busy.Enabled, cf.Busy.Destination), NoAnswer: na,
	}})
	if err != nil {
		return nil, convErr(err)
	}
	return p.GetCallForwarding(ctx, userID)
}

// DeleteCallForwarding implements platform.Services: every rule disabled.
func (p *Platform) DeleteCallForwarding(ctx context.Context, userID string, o platform.WriteOptions) error {
	_, err := p.PutCallForwarding(ctx, userID, platform.CallForwarding{}, o)
	return err
}
