package wholesale

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// snapshotEntry is one enterprise's bulk read: every subscriber of the customer, every person of
// its organisation (with calling data) and every number of the organisation.
type snapshotEntry struct {
	mu          sync.Mutex
	loaded      bool
	subs        map[string]*webex.WholesaleSubscriber // subscriber id →
	subOfPerson map[string]string                     // person id → subscriber id
	people      map[string]*webex.Person              // person id →
	numbers     map[string]webex.OrgNumber            // phone number →
}

// snapshot returns the bulk read of ent, reading it the first time.
func (p *Platform) snapshot(ctx context.Context, ent string) (*snapshotEntry, error) {
	p.mu.Lock()
	e, ok := p.snaps[ent]
	if !ok {
		e = &snapshotEntry{}
		p.snaps[ent] = e
	}
	p.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.loaded {
		return e, nil
	}
	cid, org, err := p.customer(ctx, ent)
	if err != nil {
		return nil, err
	}
	subs, err := p.c.ListWholesaleSubscribers(ctx, webex.WholesaleSubscriberFilter{CustomerID: cid})
	if err != nil {
		return nil, convErr(err)
	}
	people, err := p.c.ListPeople(ctx, webex.PersonFilter{OrgID: org, CallingData: true})
	if err != nil {
		return nil, convErr(err)
	}
	numbers, err := p.c.ListNumbers(ctx, webex.NumberFilter{OrgID: org})
	if err != nil {
		return nil, convErr(err)
	}
	e.subs, e.subOfPerson = map[string]*webex.WholesaleSubscriber{}, map[string]string{}
	e.people, e.numbers = map[string]*webex.Person{}, map[string]webex.OrgNumber{}
	p.mu.Lock()
	for i := range subs {
		s := &subs[i]
		e.subs[s.ID] = s
		e.subOfPerson[s.PersonID] = s.ID
		if _, known := p.refs[s.ID]; !known {
			p.refs[s.ID] = &ref{SubscriberID: s.ID, PersonID: s.PersonID, CustomerID: cid, OrgID: org, Package: packageOf(s)}
		}
	}
	p.mu.Unlock()
	for i := range people {
		e.people[people[i].ID] = &people[i]
		if sid, ok := e.subOfPerson[people[i].ID]; ok {
			p.notePerson(sid, &people[i])
		}
	}
	for _, n := range numbers {
		e.numbers[n.PhoneNumber] = n
	}
	e.loaded = true
	tflog.Debug(ctx, "read the wholesale customer in bulk", map[string]any{"customer_id": ent, "subscribers": len(subs),
		"people": len(people), "numbers": len(numbers)})
	return e, nil
}

// fromSnapshot answers a read of user id of ent from the bulk read: ok false when the caller
// must ask Webex (unknown enterprise, a user this process wrote, or not in the snapshot).
func (p *Platform) fromSnapshot(ctx context.Context, ent, id string) (*snapshotEntry, *webex.WholesaleSubscriber, *webex.Person, bool, error) {
	if ent == "" || p.wasWritten(id) {
		return nil, nil, nil, false, nil
	}
	snap, err := p.snapshot(ctx, ent)
	if err != nil {
		return nil, nil, nil, false, err
	}
	s, ok := snap.subs[id]
	if !ok {
		return nil, nil, nil, false, nil
	}
	pr, ok := snap.people[s.PersonID]
	if !ok {
		return nil, nil, nil, false, nil
	}
	return snap, s, pr, true, nil
}

// userOf is the domain user of a subscriber and its person.
// userOf is the domain user of a subscriber and its person, its enterprise named as the
// configuration names it.
func (p *Platform) userOf(s *webex.WholesaleSubscriber, pr *webex.Person) platform.User {
	u := userOf(s, pr)
	u.EnterpriseID = p.entName(u.EnterpriseID)
	return u
}

func userOf(s *webex.WholesaleSubscriber, pr *webex.Person) platform.User {
	u := platform.User{
		ID: s.ID, EnterpriseID: s.CustomerID, GroupID: pr.LocationID, FirstName: pr.FirstName, LastName: pr.LastName,
		Department: pr.Department, TimeZone: pr.Timezone, Email: s.Email,
		// Webex Calling's caller id names follow the person's names.
		CallingLineIDFirstName: pr.FirstName, CallingLineIDLastName: pr.LastName,
	}
	if u.Email == "" && len(pr.Emails) > 0 {
		u.Email = pr.Emails[0]
	}
	for _, n := range pr.PhoneNumbers {
		if n.Type == "mobile" {
			u.MobileNumber = n.Value
		}
	}
	u.CreatedAt, _ = time.Parse(time.RFC3339, s.Created)
	u.UpdatedAt, _ = time.Parse(time.RFC3339, pr.LastModified)
	u.ETag = userETag(&u)
	return u
}

func userETag(u *platform.User) string {
	return fingerprint("user", u.GroupID, u.FirstName, u.LastName, u.Department, u.TimeZone, strings.ToLower(u.Email), u.MobileNumber)
}

// workNumber is the person's primary work number and extension.
func workNumber(pr *webex.Person) (phone, ext string) {
	for _, n := range pr.PhoneNumbers {
		if n.Type == "work" && (n.Primary || phone == "") {
			phone = n.Value
		}
	}
	return phone, pr.Extension
}

// unsupportedField refuses a user field the wholesale platform cannot write.
func unsupportedField(field, what string) error {
	return &platform.Error{Status: http.StatusUnprocessableEntity, Code: "not_supported", Field: field, Platform: platform.NameWholesale,
		Message: what + " cannot be set on the wholesale platform (Webex people have no such writable field)"}
}

func checkUserFields(clidFirst, clidLast, pager, tz, mobile *string) error {
	for _, f := range []struct {
		v           *string
		field, what string
	}{
		{clidFirst, "callingLineIdFirstName", "calling_line_id_first_name"}, {clidLast, "callingLineIdLastName", "calling_line_id_last_name"},
		{pager, "pagerNumber", "pager_number"}, {tz, "timeZone", "time_zone"}, {mobile, "mobileNumber", "mobile_number"},
	} {
		if f.v != nil && *f.v != "" {
			return unsupportedField(f.field, f.what)
		}
	}
	return nil
}

// Users

// CreateUser implements platform.Users: POST /wholesale/subscribers with the base package (no
// calling: the number comes with ucprov_user_number), then the person's department when set.
func (p *Platform) CreateUser(ctx context.Context, ent string, in platform.UserInput) (*platform.User, error) {
	if err := checkUserFields(&in.CallingLineIDFirstName, &in.CallingLineIDLastName, &in.PagerNumber, &in.TimeZone, &in.MobileNumber); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Email) == "" {
		return nil, &platform.Error{Status: http.StatusUnprocessableEntity, Code: "email_required", Field: "email", Platform: platform.NameWholesale,
			Message: "a wholesale subscriber is created with an email"}
	}
	cid, err := p.customerID(ctx, ent)
	if err != nil {
		return nil, err
	}
	req := webex.WholesaleSubscriberCreate{
		CustomerID: cid, Email: in.Email, Packages: []string{p.basePkg},
		ProvisioningParameters: webex.WholesaleProvisioningParameters{FirstName: in.FirstName, LastName: in.LastName, LocationID: in.GroupID},
	}
	sub, err := p.provision(ctx, cid, req, in)
	if err != nil {
		return nil, err
	}
	r, err := p.learnSubscriber(ctx, sub)
	if err != nil {
		return nil, err
	}
	if sub.Email == "" {
		sub.Email = in.Email
	}
	// The person is what the create asked for. The subscriber is this process's own from here
	// on: the plan-time checks of other resources planned while this create is still writing
	// (Terraform plans each resource again in the apply) take its email, names and extension
	// from here instead of reading it.
	pr := &webex.Person{ID: r.PersonID, Emails: []string{sub.Email}, FirstName: in.FirstName, LastName: in.LastName,
		DisplayName: strings.TrimSpace(in.FirstName + " " + in.LastName), LocationID: in.GroupID, OrgID: r.OrgID}
	p.ownCreated(sub, pr)
	if in.Department != "" || in.GroupID == "" {
		// The person is read back (and given its department): PUT /people replaces the whole person.
		if pr, err = p.c.GetPerson(ctx, r.PersonID, true); err != nil {
			return nil, convErr(err)
		}
		if in.Department != "" && pr.Department != in.Department {
			upd := webex.UpdateFromPerson(pr)
			upd.Department = in.Department
			if pr, err = p.c.UpdatePerson(ctx, r.PersonID, upd, true); err != nil {
				return nil, convErr(err)
			}
		}
	}
	p.ownCreated(sub, pr)
	u := p.userOf(sub, pr)
	return &u, nil
}

// ownCreated records subscriber s with person pr as created and written by this process (known
// to its later writes, and to the checks, without a read).
func (p *Platform) ownCreated(s *webex.WholesaleSubscriber, pr *webex.Person) {
	p.notePerson(s.ID, pr)
	u := p.userOf(s, pr)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.written[s.ID] = true
	p.created[s.ID] = &u
	if k, ok := p.known[s.ID]; ok {
		cp := *pr
		cp.PhoneNumbers, cp.Extension = k.person.PhoneNumbers, k.person.Extension
		k.person = &cp
		return
	}
	cp := *pr
	p.known[s.ID] = &knownUser{person: &cp}
}

// createAttempts bounds the POSTs of one subscriber create: a failure that may hide a created
// subscriber (a reset, a 5xx) is resolved by looking the email up; when nothing was created the
// POST is sent again (Webex has no idempotency keys: the lookup is what makes this safe).
const createAttempts = 4

// provision POSTs the subscriber of in (req) to customer cid and returns it: answered, or found
// by its email after an ambiguous failure (a lost answer: adopted when it is what in asks for),
// or created by a later attempt when the lookup shows that the failed one created nothing.
func (p *Platform) provision(ctx context.Context, cid string, req webex.WholesaleSubscriberCreate, in platform.UserInput) (*webex.WholesaleSubscriber, error) {
	for attempt := 1; ; attempt++ {
		res, err := p.c.ProvisionWholesaleSubscriber(ctx, req)
		if err == nil {
			if res.Pending() {
				tflog.Warn(ctx, "the wholesale subscriber waits for the user's consent to move an existing Webex account (pending_user_migration); "+
					"its activation shows the status", map[string]any{"subscriber_id": res.Subscriber.ID})
			}
			return &res.Subscriber, nil
		}
		if ctx.Err() != nil || !ambiguous(err) {
			return nil, convErr(err)
		}
		found, ferr := p.adopt(ctx, cid, in)
		if ferr != nil {
			return nil, ferr
		}
		if found != nil {
			tflog.Info(ctx, "the subscriber create's answer was lost or refused; adopted the subscriber with that email", map[string]any{"subscriber_id": found.ID})
			return found, nil
		}
		if we, ok := webex.AsError(err); (ok && we.Status < 500) || attempt == createAttempts {
			// A refusal (409) that no subscriber of this customer explains, or no attempt left.
			return nil, convErr(err)
		}
		tflog.Warn(ctx, "the subscriber create failed and created nothing (no subscriber has the email); creating it again",
			map[string]any{"attempt": attempt, "error": err.Error()})
	}
}

// ambiguous reports whether a create's failure may hide a created subscriber.
func ambiguous(err error) bool {
	if we, ok := webex.AsError(err); ok {
		return we.Status == http.StatusConflict || we.Status >= 500
	}
	return true // a transport failure or a timeout
}

// adopt finds the subscriber of in.Email in customer ent after an ambiguous create, and returns it
// when it is the one asked for (names and location); a different holder is email_in_use.
func (p *Platform) adopt(ctx context.Context, ent string, in platform.UserInput) (*webex.WholesaleSubscriber, error) {
	subs, err := p.c.ListWholesaleSubscribers(ctx, webex.WholesaleSubscriberFilter{CustomerID: ent, Email: in.Email})
	if err != nil {
		return nil, convErr(err)
	}
	for i := range subs {
		s := &subs[i]
		if !strings.EqualFold(s.Email, in.Email) {
			continue
		}
		pr, err := p.c.GetPerson(ctx, s.PersonID, true)
		if err != nil {
			return nil, convErr(err)
		}
		if pr.FirstName == in.FirstName && pr.LastName == in.LastName && (in.GroupID == "" || pr.LocationID == in.GroupID) {
			return s, nil
		}
		return nil, &platform.Error{Status: http.StatusConflict, Code: "email_in_use", Field: "email", ConflictingUserID: s.ID,
			Platform: platform.NameWholesale, Message: "email " + in.Email + " belongs to another subscriber of the customer"}
	}
	return nil, nil
}

// GetUser implements platform.Users: the subscriber and its person.
func (p *Platform) GetUser(ctx context.Context, id string) (*platform.User, error) {
	s, err := p.c.GetWholesaleSubscriber(ctx, id)
	if err != nil {
		return nil, convErr(err)
	}
	if _, err := p.learnSubscriber(ctx, s); err != nil {
		return nil, err
	}
	pr, err := p.c.GetPerson(ctx, s.PersonID, true)
	if err != nil {
		return nil, convErr(err)
	}
	p.notePerson(s.ID, pr)
	u := p.userOf(s, pr)
	return &u, nil
}

// getUserFull is GetUser with the subscriber and person it read.
func (p *Platform) getUserFull(ctx context.Context, id string) (*webex.WholesaleSubscriber, *webex.Person, *ref, error) {
	s, err := p.c.GetWholesaleSubscriber(ctx, id)
	if err != nil {
		return nil, nil, nil, convErr(err)
	}
	r, err := p.learnSubscriber(ctx, s)
	if err != nil {
		return nil, nil, nil, err
	}
	pr, err := p.c.GetPerson(ctx, s.PersonID, true)
	if err != nil {
		return nil, nil, nil, convErr(err)
	}
	p.notePerson(s.ID, pr)
	return s, pr, r, nil
}

// ReadUser implements platform.Users.
func (p *Platform) ReadUser(ctx context.Context, ent, id string) (*platform.User, error) {
	_, s, pr, ok, err := p.fromSnapshot(ctx, ent, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return p.GetUser(ctx, id)
	}
	u := p.userOf(s, pr)
	return &u, nil
}

// UpdateUser implements platform.Users: the person's names, email and department (PUT /people
// replaces the whole person: read, change, write).
func (p *Platform) UpdateUser(ctx context.Context, id string, patch platform.UserPatch, o platform.WriteOptions) (*platform.User, error) {
	if err := checkUserFields(patch.CallingLineIDFirstName, patch.CallingLineIDLastName, patch.PagerNumber, patch.TimeZone, patch.MobileNumber); err != nil {
		return nil, err
	}
	s, pr, r, err := p.getUserFull(ctx, id)
	if err != nil {
		return nil, err
	}
	cur := p.userOf(s, pr)
	if err := checkIfMatch(o.IfMatch, cur.ETag, "user "+id); err != nil {
		return nil, err
	}
	upd := webex.UpdateFromPerson(pr)
	changed := false
	set := func(dst *string, v *string) {
		if v != nil && *dst != *v {
			*dst, changed = *v, true
		}
	}
	set(&upd.FirstName, patch.FirstName)
	set(&upd.LastName, patch.LastName)
	set(&upd.Department, patch.Department)
	if patch.Email != nil && !strings.EqualFold(cur.Email, *patch.Email) {
		if *patch.Email == "" {
			return nil, &platform.Error{Status: http.StatusUnprocessableEntity, Code: "email_required", Field: "email",
				Platform: platform.NameWholesale, Message: "a wholesale subscriber keeps an email"}
		}
		upd.Emails, changed = []string{*patch.Email}, true
	}
	p.markWritten(id)
	if !changed {
		return &cur, nil
	}
	if patch.FirstName != nil || patch.LastName != nil {
		upd.DisplayName = strings.TrimSpace(upd.FirstName + " " + upd.LastName)
	}
	out, err := p.c.UpdatePerson(ctx, r.PersonID, upd, true)
	if err != nil {
		return nil, convErr(err)
	}
	p.noteKnown(id, out, nil, false)
	if patch.Email != nil {
		s.Email = *patch.Email
	}
	u := p.userOf(s, out)
	return &u, nil
}

// DeleteUser implements platform.Users: DELETE /wholesale/subscribers/{id}.
func (p *Platform) DeleteUser(ctx context.Context, id string, o platform.WriteOptions) error {
	if o.IfMatch != "" && o.IfMatch != "*" {
		cur, err := p.GetUser(ctx, id)
		if err != nil {
			return err
		}
		if err := checkIfMatch(o.IfMatch, cur.ETag, "user "+id); err != nil {
			return err
		}
	}
	p.markWritten(id)
	if err := p.c.DeleteWholesaleSubscriber(ctx, id); err != nil {
		return convErr(err)
	}
	p.mu.Lock()
	delete(p.created, id)
	delete(p.e911, id)
	delete(p.known, id)
	p.mu.Unlock()
	return nil
}

// ResetUser implements platform.Users: there is no Reset User on Webex for Wholesale.
func (p *Platform) ResetUser(context.Context, string, platform.WriteOptions) (*platform.User, error) {
	return nil, p.Lacks(platform.FeatureResetUser)
}

// ListUsers implements platform.Users: the customer's subscribers joined with their people.
func (p *Platform) ListUsers(ctx context.Context, ent string, f platform.UserFilter) ([]platform.User, error) {
	cid, org, err := p.customer(ctx, ent)
	if err != nil {
		return nil, err
	}
	subs, err := p.c.ListWholesaleSubscribers(ctx, webex.WholesaleSubscriberFilter{CustomerID: cid, Email: f.Email})
	if err != nil {
		return nil, convErr(err)
	}
	people := map[string]*webex.Person{}
	if len(subs) <= 3 {
		for _, s := range subs {
			pr, err := p.c.GetPerson(ctx, s.PersonID, true)
			if webex.IsNotFound(err) {
				continue
			}
			if err != nil {
				return nil, convErr(err)
			}
			people[pr.ID] = pr
		}
	} else {
		ps, err := p.c.ListPeople(ctx, webex.PersonFilter{OrgID: org, CallingData: true, LocationID: f.GroupID})
		if err != nil {
			return nil, convErr(err)
		}
		for i := range ps {
			people[ps[i].ID] = &ps[i]
		}
	}
	var out []platform.User
	for i := range subs {
		s := &subs[i]
		if f.Email != "" && !strings.EqualFold(s.Email, f.Email) {
			continue
		}
		pr, ok := people[s.PersonID]
		if !ok {
			continue
		}
		phone, ext := workNumber(pr)
		if (f.GroupID != "" && pr.LocationID != f.GroupID) || (f.Extension != "" && ext != f.Extension) ||
			(f.PhoneNumber != "" && phone != f.PhoneNumber) {
			continue
		}
		if _, err := p.learnSubscriber(ctx, s); err != nil {
			return nil, err
		}
		out = append(out, p.userOf(s, pr))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// MarkCreated implements platform.Users.
func (p *Platform) MarkCreated(u *platform.User) {
	cp := *u
	p.mu.Lock()
	p.created[u.ID] = &cp
	p.written[u.ID] = true
	p.mu.Unlock()
}

// CreatedUser implements platform.Users.
func (p *Platform) CreatedUser(id string) (*platform.User, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	u, ok := p.created[id]
	if !ok {
		return nil, false
	}
	cp := *u
	return &cp, true
}

// CreatedHere implements platform.Users.
func (p *Platform) CreatedHere(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.created[id]
	return ok
}

// UserEnterprise implements platform.Users.
func (p *Platform) UserEnterprise(id string) string {
	p.mu.Lock()
	r, ok := p.refs[id]
	p.mu.Unlock()
	if ok {
		return p.entName(r.CustomerID)
	}
	return ""
}

// EmailHolders implements platform.Users: the subscribers of ent with that email (with their
// person's names and location), from the bulk read; users this process wrote are read again.
func (p *Platform) EmailHolders(ctx context.Context, ent, email string) ([]platform.User, error) {
	if ent == "" || email == "" {
		return nil, nil
	}
	snap, err := p.snapshot(ctx, ent)
	if err != nil {
		return nil, err
	}
	var out []platform.User
	for _, s := range snap.subs {
		if !strings.EqualFold(s.Email, email) || p.wasWritten(s.ID) {
			continue
		}
		if pr, ok := snap.people[s.PersonID]; ok {
			// With its names and location: the plan tells the subscriber of a create whose
			// answer was lost (what the configuration asks for) from another user's.
			out = append(out, p.userOf(s, pr))
		} else {
			out = append(out, platform.User{ID: s.ID, EnterpriseID: p.entName(s.CustomerID), Email: s.Email})
		}
	}
	for _, id := range p.writtenIn(ent) {
		u, ok := p.CreatedUser(id)
		if !ok {
			if u, err = p.GetUser(ctx, id); platform.IsNotFound(err) {
				continue
			} else if err != nil {
				return nil, err
			}
		}
		if strings.EqualFold(u.Email, email) {
			out = append(out, *u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// writtenIn lists the users of ent this process wrote.
func (p *Platform) writtenIn(ent string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var ids []string
	for id := range p.written {
		if r, ok := p.refs[id]; ok && (r.CustomerID == ent || p.alias[r.CustomerID] == ent) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// ExtensionHolders implements platform.Users: the people of ent's organisation with that
// extension (from the bulk read).
func (p *Platform) ExtensionHolders(ctx context.Context, ent, ext string) ([]platform.User, error) {
	if ent == "" || ext == "" {
		return nil, nil
	}
	snap, err := p.snapshot(ctx, ent)
	if err != nil {
		return nil, err
	}
	var out []platform.User
	for pid, pr := range snap.people {
		if pr.Extension != ext {
			continue
		}
		sid, ok := snap.subOfPerson[pid]
		if !ok {
			sid = pid
		}
		if p.wasWritten(sid) {
			continue // read below
		}
		if s, ok := snap.subs[sid]; ok {
			out = append(out, p.userOf(s, pr))
		} else {
			out = append(out, platform.User{ID: pid, EnterpriseID: ent, FirstName: pr.FirstName, LastName: pr.LastName})
		}
	}
	// Users this process wrote are read again (or known from its own writes): their extension
	// may have changed.
	for _, id := range p.writtenIn(ent) {
		n, err := p.currentNumber(ctx, id)
		if err != nil || n == nil {
			continue
		}
		if n.Extension == ext {
			out = append(out, platform.User{ID: id, EnterpriseID: ent})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
