package wholesale

import (
	"context"
	"net/http"
	"sort"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// Number states of the domain.
const (
	numberActive   = "active"
	numberInactive = "inactive"
)

func numberETag(n *platform.Number) string {
	return fingerprint("number", n.PhoneNumber, n.Extension, n.NumberState)
}

func stateOf(n webex.OrgNumber) string {
	if n.State == webex.NumberStateActive {
		return numberActive
	}
	return numberInactive
}

// personOf reads the person of user id with calling data.
func (p *Platform) personOf(ctx context.Context, id string) (*ref, *webex.Person, error) {
	r, _, err := p.refOf(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	pr, err := p.c.GetPerson(ctx, r.PersonID, true)
	if err != nil {
		return nil, nil, convErr(err)
	}
	p.notePerson(id, pr)
	return r, pr, nil
}

// numberState reads the state of an organisation's number (GET /telephony/config/numbers).
func (p *Platform) numberState(ctx context.Context, org, phone string) (string, error) {
	ns, err := p.c.ListNumbers(ctx, webex.NumberFilter{OrgID: org, PhoneNumber: phone})
	if err != nil {
		return "", convErr(err)
	}
	for _, n := range ns {
		if n.PhoneNumber == phone {
			return stateOf(n), nil
		}
	}
	return numberInactive, nil
}

// GetNumber implements platform.Numbers: the person's primary work number and extension, the
// number's state from the organisation's numbers.
func (p *Platform) GetNumber(ctx context.Context, userID string) (*platform.Number, error) {
	r, pr, err := p.personOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	return p.numberOf(ctx, r.OrgID, pr, nil)
}

func (p *Platform) numberOf(ctx context.Context, org string, pr *webex.Person, inventory map[string]webex.OrgNumber) (*platform.Number, error) {
	phone, ext := workNumber(pr)
	if phone == "" && ext == "" {
		return nil, notFound("the user has no number or extension")
	}
	n := &platform.Number{PhoneNumber: phone, Extension: ext}
	if phone != "" {
		if inv, ok := inventory[phone]; ok {
			n.NumberState = stateOf(inv)
		} else {
			st, err := p.numberState(ctx, org, phone)
			if err != nil {
				return nil, err
			}
			n.NumberState = st
		}
	}
	n.ETag = numberETag(n)
	return n, nil
}

// ReadNumber implements platform.Numbers (from the bulk read when it can).
func (p *Platform) ReadNumber(ctx context.Context, ent, userID string) (*platform.Number, error) {
	snap, s, pr, ok, err := p.fromSnapshot(ctx, ent, userID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return p.GetNumber(ctx, userID)
	}
	r, _, err := p.refOf(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	return p.numberOf(ctx, r.OrgID, pr, snap.numbers)
}

// PutNumber implements platform.Numbers. A subscriber on a package without calling moves to the
// calling package with its number and extension (PUT /wholesale/subscribers/{id}); one with
// calling changes them with PUT /telephony/config/people/{id}/numbers. Activate activates the
// number at its location (PUT /telephony/config/locations/{id}/numbers ACTIVATE).
func (p *Platform) PutNumber(ctx context.Context, userID string, in platform.NumberInput, o platform.WriteOptions) (*platform.Number, error) {
	if in.PhoneNumber == "" && in.Extension == "" {
		return nil, &platform.Error{Status: http.StatusUnprocessableEntity, Code: "required", Field: "phoneNumber", Platform: platform.NameWholesale,
			Message: "a phone number or an extension is required"}
	}
	var r *ref
	var pr *webex.Person
	var cur *platform.Number
	if kp, kn, ok := p.knownFor(userID, o.IfMatch); ok {
		// A user this process created: its own writes say what it has.
		rr, _, err := p.refOf(ctx, userID)
		if err != nil {
			return nil, err
		}
		r, pr, cur = rr, kp, kn
	} else {
		rr, ppr, err := p.personOf(ctx, userID)
		if err != nil {
			return nil, err
		}
		r, pr = rr, ppr
		if c, err := p.numberOf(ctx, r.OrgID, pr, nil); err == nil {
			cur = c
		} else if !platform.IsNotFound(err) {
			return nil, err
		}
	}
	curETag := ""
	if cur != nil {
		curETag = cur.ETag
	}
	if o.IfMatch != "" && o.IfMatch != "*" {
		if err := checkIfMatch(o.IfMatch, curETag, "the number of user "+userID); err != nil {
			return nil, err
		}
	}
	p.markWritten(userID)
	loc := pr.LocationID
	same := cur != nil && cur.PhoneNumber == in.PhoneNumber && cur.Extension == in.Extension
	switch {
	case !IsCallingPackage(r.Package):
		s, err := p.c.UpdateWholesaleSubscriber(ctx, userID, webex.WholesaleSubscriberUpdate{
			Packages: []string{p.callingPkg},
			ProvisioningParameters: &webex.WholesaleUpdateProvisioning{
				PrimaryPhoneNumber: in.PhoneNumber, Extension: in.Extension, LocationID: loc,
			},
		})
		if err != nil {
			return nil, convErr(err)
		}
		p.setPackage(userID, packageOf(s))
		tflog.Info(ctx, "moved the wholesale subscriber to its calling package with its number", map[string]any{
			"subscriber_id": userID, "package": packageOf(s)})
	case same:
	default:
		var changes []webex.PersonNumberChange
		if cur != nil {
			changes = append(changes, webex.PersonNumberChange{Primary: true, Action: webex.NumberActionDelete,
				DirectNumber: cur.PhoneNumber, Extension: cur.Extension})
		}
		changes = append(changes, webex.PersonNumberChange{Primary: true, Action: webex.NumberActionAdd,
			DirectNumber: in.PhoneNumber, Extension: in.Extension})
		if err := p.c.UpdatePersonNumbers(ctx, r.OrgID, r.PersonID, webex.PersonNumbersUpdate{PhoneNumbers: changes}); err != nil {
			return nil, convErr(err)
		}
	}
	out := &platform.Number{PhoneNumber: in.PhoneNumber, Extension: in.Extension}
	if in.PhoneNumber != "" {
		switch {
		case same && cur.NumberState == numberActive:
			out.NumberState = numberActive
		case in.Activate && p.activeInSnapshot(r.CustomerID, in.PhoneNumber):
			// Active at its location already (the bulk read says so): nothing to activate.
			out.NumberState = numberActive
		case in.Activate:
			if err := p.activateNumber(ctx, r.OrgID, loc, in.PhoneNumber); err != nil {
				return nil, err
			}
			out.NumberState = numberActive
		case same:
			out.NumberState = cur.NumberState
		default:
			st, err := p.numberState(ctx, r.OrgID, in.PhoneNumber)
			if err != nil {
				return nil, err
			}
			out.NumberState = st
		}
	}
	out.ETag = numberETag(out)
	p.noteKnown(userID, nil, out, true)
	p.touch(in.PhoneNumber)
	if cur != nil {
		p.touch(cur.PhoneNumber)
	}
	return out, nil
}

// DeleteNumber implements platform.Numbers: the person's number and extension are deleted
// (PUT /telephony/config/people/{id}/numbers DELETE); the package stays.
func (p *Platform) DeleteNumber(ctx context.Context, userID string, o platform.WriteOptions) error {
	cur, err := p.GetNumber(ctx, userID)
	if err != nil {
		return err
	}
	if err := checkIfMatch(o.IfMatch, cur.ETag, "the number of user "+userID); err != nil {
		return err
	}
	r, _, err := p.refOf(ctx, userID)
	if err != nil {
		return err
	}
	p.markWritten(userID)
	err = p.c.UpdatePersonNumbers(ctx, r.OrgID, r.PersonID, webex.PersonNumbersUpdate{PhoneNumbers: []webex.PersonNumberChange{
		{Primary: true, Action: webex.NumberActionDelete, DirectNumber: cur.PhoneNumber, Extension: cur.Extension},
	}})
	if err != nil {
		return convErr(err)
	}
	p.noteKnown(userID, nil, nil, true)
	p.touch(cur.PhoneNumber)
	return nil
}

// ListNumbers implements platform.Numbers: GET /telephony/config/numbers of the organisation.
func (p *Platform) ListNumbers(ctx context.Context, ent string, f platform.NumberFilter) ([]platform.InventoryNumber, error) {
	org, err := p.orgOf(ctx, ent)
	if err != nil {
		return nil, err
	}
	ns, err := p.c.ListNumbers(ctx, webex.NumberFilter{OrgID: org, LocationID: f.GroupID, PhoneNumber: f.PhoneNumber, Available: f.Available})
	if err != nil {
		return nil, convErr(err)
	}
	out := make([]platform.InventoryNumber, 0, len(ns))
	for _, n := range ns {
		if f.PhoneNumber != "" && n.PhoneNumber != f.PhoneNumber {
			continue
		}
		inv, err := p.inventoryOf(ctx, ent, n)
		if err != nil {
			return nil, err
		}
		if f.Available != nil && *f.Available != (inv.State == "available") {
			continue
		}
		out = append(out, inv)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PhoneNumber < out[j].PhoneNumber })
	if f.Max > 0 && len(out) > f.Max {
		out = out[:f.Max]
	}
	return out, nil
}

// inventoryOf is the domain inventory entry of n; its owner (a person) is named by its subscriber.
func (p *Platform) inventoryOf(ctx context.Context, ent string, n webex.OrgNumber) (platform.InventoryNumber, error) {
	inv := platform.InventoryNumber{PhoneNumber: n.PhoneNumber, State: "available"}
	if n.Location != nil {
		inv.GroupID = n.Location.ID
	}
	if n.Owner != nil && n.Owner.ID != "" {
		inv.State = "assigned"
		inv.UserID = p.subscriberOfPerson(n.Owner.ID)
		if inv.UserID == "" {
			snap, err := p.snapshot(ctx, ent)
			if err != nil {
				return inv, err
			}
			inv.UserID = snap.subOfPerson[n.Owner.ID]
		}
		if inv.UserID == "" {
			inv.UserID = n.Owner.ID // a person without a subscriber
		}
	}
	return inv, nil
}

func (p *Platform) subscriberOfPerson(personID string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, r := range p.refs {
		if r.PersonID == personID {
			return id
		}
	}
	return ""
}

// currentNumber is the number of user id as this process knows it from its own writes, else read
// (nil: none).
func (p *Platform) currentNumber(ctx context.Context, id string) (*platform.Number, error) {
	if _, n, ok := p.knownFor(id, ""); ok {
		return n, nil
	}
	n, err := p.GetNumber(ctx, id)
	if platform.IsNotFound(err) {
		return nil, nil
	}
	return n, err
}

// InventoryNumber implements platform.Numbers: the number from the bulk read of the organisation's
// numbers, unless this process assigned or released it (then one filtered GET).
func (p *Platform) InventoryNumber(ctx context.Context, ent, number string) (*platform.InventoryNumber, error) {
	snap, err := p.snapshot(ctx, ent)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	touched := p.touchedNumbers[number]
	p.mu.Unlock()
	if n, ok := snap.numbers[number]; ok && !touched {
		inv, err := p.inventoryOf(ctx, ent, n)
		if err != nil {
			return nil, err
		}
		return &inv, nil
	}
	return p.inventoryNumberNow(ctx, ent, number)
}

// inventoryNumberNow reads the inventory entry of number (one filtered GET).
func (p *Platform) inventoryNumberNow(ctx context.Context, ent, number string) (*platform.InventoryNumber, error) {
	ns, err := p.ListNumbers(ctx, ent, platform.NumberFilter{PhoneNumber: number})
	if err != nil {
		return nil, err
	}
	for i := range ns {
		if ns[i].PhoneNumber == number {
			return &ns[i], nil
		}
	}
	return nil, notFound("number " + number + " is not in the inventory of the customer")
}

// touch records that this process assigned or released number: its inventory entry is read again.
func (p *Platform) touch(number string) {
	if number == "" {
		return
	}
	p.mu.Lock()
	p.touchedNumbers[number] = true
	p.mu.Unlock()
}

// activeInSnapshot reports whether a loaded bulk read of customer cid shows number active and
// this process has not touched it since.
func (p *Platform) activeInSnapshot(cid, number string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.touchedNumbers[number] {
		return false
	}
	for ent, e := range p.snaps {
		if ent != cid && p.customerIDOf[ent] != cid {
			continue
		}
		if !e.mu.TryLock() {
			continue
		}
		n, ok := e.numbers[number]
		loaded := e.loaded
		e.mu.Unlock()
		if loaded && ok && n.State == webex.NumberStateActive {
			return true
		}
	}
	return false
}
