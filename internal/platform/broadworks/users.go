package broadworks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// userEntry is the last UserGetRequest23V2 answer of a user this process read.
type userEntry struct {
	resp *ocip.UserGetResponse23V2
	user platform.User
}

// listRow is a row of an enterprise's user list (UserGetListInServiceProviderRequest).
type listRow struct {
	UserID, GroupID, FirstName, LastName, Department, Email string
	PhoneNumber, Extension                                  string
	Activated                                               bool
}

// Directory

// ListEnterprises implements platform.Directory: the service providers these credentials know of
// (the configured one, the OCI-P login's own, the Webex for BroadWorks enterprises) that answer
// ServiceProviderGetRequest22V4.
func (p *Platform) ListEnterprises(ctx context.Context) ([]platform.Enterprise, error) {
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	add(p.spDflt)
	if p.login != nil {
		if li, err := p.login(ctx); err == nil {
			add(li.ServiceProviderID)
		} else {
			return nil, convOCIP(err)
		}
	}
	if ents, err := p.wx.ListBroadWorksEnterprises(ctx, webexEnterpriseFilterAll()); err == nil {
		for _, e := range ents {
			add(e.SPEnterpriseID)
		}
	} else {
		debug(ctx, "could not list the webex for broadworks enterprises", map[string]any{"error": err.Error()})
	}
	reqs := make([]ocip.Request, len(ids))
	for i := range ids {
		reqs[i] = ocip.ServiceProviderGetRequest22V4{ServiceProviderId: &ids[i]}
	}
	resps, err := p.oc.Do(ctx, reqs...)
	if err != nil {
		return nil, convOCIP(err)
	}
	var out []platform.Enterprise
	for i, r := range resps {
		sp, ok := r.(*ocip.ServiceProviderGetResponse22V4)
		if !ok {
			continue
		}
		name := ids[i]
		if sp.ServiceProviderName != nil {
			name = *sp.ServiceProviderName
		}
		out = append(out, platform.Enterprise{ID: ids[i], Name: name})
	}
	return out, nil
}

// ListGroups implements platform.Directory (GroupGetListInServiceProviderRequest, then
// GroupGetRequest22V5 of each group in one document).
func (p *Platform) ListGroups(ctx context.Context, ent string) ([]platform.Group, error) {
	lst, err := ocip.Call[*ocip.GroupGetListInServiceProviderResponse](ctx, p.oc, ocip.GroupGetListInServiceProviderRequest{ServiceProviderId: ent})
	if err != nil {
		return nil, convOCIP(err)
	}
	var reqs []ocip.Request
	for i := range lst.GroupTable.Cells {
		id := lst.GroupTable.Col(i, "Group Id")
		reqs = append(reqs, ocip.GroupGetRequest22V5{ServiceProviderId: &ent, GroupId: &id})
	}
	resps, err := p.oc.Do(ctx, reqs...)
	if err != nil {
		return nil, convOCIP(err)
	}
	out := make([]platform.Group, 0, len(resps))
	for _, r := range resps {
		if err := ocip.Err(r); err != nil {
			return nil, convOCIP(err)
		}
		if g, ok := r.(*ocip.GroupGetResponse22V5); ok {
			out = append(out, p.learnGroup(g))
		}
	}
	return out, nil
}

func (p *Platform) learnGroup(g *ocip.GroupGetResponse22V5) platform.Group {
	out := platform.Group{ID: g.GroupId, EnterpriseID: g.ServiceProviderId, Name: g.GroupId, TimeZone: g.TimeZone}
	if g.GroupName != nil && *g.GroupName != "" {
		out.Name = *g.GroupName
	}
	p.mu.Lock()
	p.groups[g.GroupId] = &out
	p.groupDom[g.GroupId] = g.DefaultDomain
	p.mu.Unlock()
	return out
}

// GetGroup implements platform.Directory. OCI-P names a group by service provider and group id: the
// group is looked for in the configured service provider, the login's and those of users read.
func (p *Platform) GetGroup(ctx context.Context, id string) (*platform.Group, error) {
	p.mu.Lock()
	g, ok := p.groups[id]
	cands := []string{p.spDflt}
	for _, e := range p.userEnt {
		cands = append(cands, e)
	}
	p.mu.Unlock()
	if ok {
		c := *g
		return &c, nil
	}
	if p.login != nil {
		if li, err := p.login(ctx); err == nil {
			cands = append([]string{li.ServiceProviderID}, cands...)
		} else {
			return nil, convOCIP(err)
		}
	}
	tried := map[string]bool{}
	for _, sp := range cands {
		if sp == "" || tried[sp] {
			continue
		}
		tried[sp] = true
		g, err := p.groupIn(ctx, sp, id)
		if err == nil {
			return g, nil
		}
		if !platform.IsNotFound(err) {
			return nil, err
		}
	}
	return nil, notFound("group " + id)
}

// groupIn reads group id of service provider sp (cached).
func (p *Platform) groupIn(ctx context.Context, sp, id string) (*platform.Group, error) {
	p.mu.Lock()
	g, ok := p.groups[id]
	p.mu.Unlock()
	if ok && g.EnterpriseID == sp {
		c := *g
		return &c, nil
	}
	v, err, _ := p.flight.Do("group "+sp+" "+id, func() (any, error) {
		r, err := ocip.Call[*ocip.GroupGetResponse22V5](ctx, p.oc, ocip.GroupGetRequest22V5{ServiceProviderId: &sp, GroupId: &id})
		if err != nil {
			return nil, convOCIP(err)
		}
		return p.learnGroup(r), nil
	})
	if err != nil {
		return nil, err
	}
	out := v.(platform.Group)
	return &out, nil
}

// Users

// userOf converts a UserGetResponse23V2. A time zone equal to the group's is reported as unset
// (BroadWorks gives every user a time zone; the provider's time_zone is "the group's when unset").
func (p *Platform) userOf(ctx context.Context, r *ocip.UserGetResponse23V2) (platform.User, error) {
	u := platform.User{
		ID: r.UserId, EnterpriseID: r.ServiceProviderId, GroupID: r.GroupId,
		FirstName: r.FirstName, LastName: r.LastName,
		CallingLineIDFirstName: r.CallingLineIdFirstName, CallingLineIDLastName: r.CallingLineIdLastName,
		TimeZone: r.TimeZone, PagerNumber: deref(r.PagerPhoneNumber), MobileNumber: deref(r.MobilePhoneNumber),
		Email: deref(r.EmailAddress),
	}
	if d := r.Department; d != nil {
		switch {
		case d.EnterpriseDepartmentKey != nil:
			u.Department = d.EnterpriseDepartmentKey.Name
		case d.GroupDepartmentKey != nil:
			u.Department = d.GroupDepartmentKey.Name
		}
	}
	g, err := p.groupIn(ctx, r.ServiceProviderId, r.GroupId)
	if err != nil {
		return u, err
	}
	if u.TimeZone == g.TimeZone {
		u.TimeZone = ""
	}
	u.ETag = fingerprint(u)
	return u, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// userPlace is where a user lives: its service provider and group (a user cannot move).
type userPlace struct{ sp, grp string }

// userFlight is a UserGetRequest23V2 in flight for Read*: concurrent reads of one user share it.
type userFlight struct {
	done chan struct{}
	e    *userEntry
	err  error
}

// remember records a UserGet answer for later reads.
func (p *Platform) remember(r *ocip.UserGetResponse23V2, u platform.User) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.users[u.ID] = &userEntry{resp: r, user: u}
	delete(p.dirty, u.ID)
	p.userEnt[u.ID] = u.EnterpriseID
	p.place[u.ID] = userPlace{sp: r.ServiceProviderId, grp: r.GroupId}
}

// placeOf is where user id lives, from what this process read (else one read).
func (p *Platform) placeOf(ctx context.Context, id string) (userPlace, error) {
	p.mu.Lock()
	pl, ok := p.place[id]
	p.mu.Unlock()
	if ok {
		return pl, nil
	}
	e, err := p.getUser(ctx, id)
	if err != nil {
		return userPlace{}, err
	}
	return userPlace{sp: e.resp.ServiceProviderId, grp: e.resp.GroupId}, nil
}

// wrote marks user id (of enterprise ent, "" = unknown) as written by this process: its next reads
// go to the platform, as do the enterprise's lists.
func (p *Platform) wrote(id, ent string) {
	p.forgetServices(id)
	p.mu.Lock()
	defer p.mu.Unlock()
	if ent == "" {
		ent = p.userEnt[id]
	}
	p.dirty[id] = true
	p.wgen[id]++
	delete(p.users, id)
	if ent != "" {
		p.entGen[ent]++
		delete(p.spLists, ent)
		delete(p.subLists, ent)
		delete(p.inv, ent)
	} else {
		p.allGen++
		p.inv = map[string][]platform.InventoryNumber{}
		p.spLists = map[string][]listRow{}
		p.subLists = map[string]map[string]*webex.BroadWorksSubscriber{}
	}
	delete(p.created, id)
}

// listGenOf is the count of writes that could change the lists of enterprise ent.
func (p *Platform) listGenOf(ent string) uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.listGenLocked(ent)
}

func (p *Platform) listGenLocked(ent string) uint64 { return p.entGen[ent] + p.allGen }

// getUser reads user id (UserGetRequest23V2), always from the platform.
func (p *Platform) getUser(ctx context.Context, id string) (*userEntry, error) {
	r, err := ocip.Call[*ocip.UserGetResponse23V2](ctx, p.oc, ocip.UserGetRequest23V2{UserId: id})
	if err != nil {
		return nil, convOCIP(err)
	}
	return p.entryOf(ctx, r)
}

func (p *Platform) entryOf(ctx context.Context, r *ocip.UserGetResponse23V2) (*userEntry, error) {
	u, err := p.userOf(ctx, r)
	if err != nil {
		return nil, err
	}
	p.remember(r, u)
	p.saw(u.ID)
	return &userEntry{resp: r, user: u}, nil
}

// readUser answers from this process's last read of id when nothing was written since, else
// reads it in a shared document.
func (p *Platform) readUser(ctx context.Context, ent, id string) (*userEntry, error) {
	p.mu.Lock()
	if ent == "" {
		ent = p.userEnt[id]
	}
	p.askedFor(ent, id)
	p.saw(id)
	e, ok := p.users[id]
	f, busy := p.inflight[id]
	if !ok && !busy {
		f = &userFlight{done: make(chan struct{})}
		p.inflight[id] = f
	}
	p.mu.Unlock()
	if ok {
		return e, nil
	}
	if busy {
		select {
		case <-f.done:
			return f.e, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f.e, f.err = p.readUserOnce(ctx, ent, id)
	p.mu.Lock()
	delete(p.inflight, id)
	p.mu.Unlock()
	close(f.done)
	return f.e, f.err
}

func (p *Platform) readUserOnce(ctx context.Context, ent, id string) (*userEntry, error) {
	if p.wantAhead(ent) {
		if e := p.readAhead(ctx, ent, id); e != nil {
			return e, nil
		}
	}
	gen := p.gensOf([]string{id})[id]
	resp, err := p.batch.do(ctx, ocip.UserGetRequest23V2{UserId: id})
	if err != nil {
		return nil, convOCIP(err)
	}
	r, ok := resp.(*ocip.UserGetResponse23V2)
	if !ok {
		return nil, fmt.Errorf("broadworks: UserGetRequest23V2 answered with %s", resp.OCIType())
	}
	if p.gensOf([]string{id})[id] != gen { // a write of this process started meanwhile: answer, keep nothing
		u, err := p.userOf(ctx, r)
		if err != nil {
			return nil, err
		}
		return &userEntry{resp: r, user: u}, nil
	}
	return p.entryOf(ctx, r)
}

// GetUser implements platform.Users.
func (p *Platform) GetUser(ctx context.Context, id string) (*platform.User, error) {
	e, err := p.getUser(ctx, id)
	if err != nil {
		return nil, err
	}
	u := e.user
	return &u, nil
}

// ReadUser implements platform.Users.
func (p *Platform) ReadUser(ctx context.Context, ent, id string) (*platform.User, error) {
	e, err := p.readUser(ctx, ent, id)
	if err != nil {
		return nil, err
	}
	u := e.user
	return &u, nil
}

// localPart is the local part of the derived user id (package doc).
func localPart(in platform.UserInput) string {
	src := in.FirstName + "." + in.LastName
	if l, _, ok := strings.Cut(in.Email, "@"); ok && l != "" {
		src = l
	}
	var b strings.Builder
	for _, r := range strings.ToLower(src) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			b.WriteRune(r)
		}
	}
	s := strings.Trim(b.String(), ".")
	if len(s) > 80 {
		s = s[:80]
	}
	if s == "" {
		s = "user"
	}
	return s
}

// UserIDCandidates are the user ids CreateUser tries, in order (package doc).
func UserIDCandidates(in platform.UserInput, domain string) []string {
	base := localPart(in)
	out := []string{base + "@" + domain}
	for i := 2; i <= 9; i++ {
		out = append(out, base+strconv.Itoa(i)+"@"+domain)
	}
	return out
}

// sameUser reports whether existing user u is the one in asks for (a create whose answer was lost).
func sameUser(u platform.User, in platform.UserInput) bool {
	return u.GroupID == in.GroupID && u.FirstName == in.FirstName && u.LastName == in.LastName &&
		strings.EqualFold(u.Email, in.Email)
}

func ptrIf(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// CreateUser implements platform.Users: UserAddRequest22V2 and UserGetRequest23V2 in one document,
// with the derived user id (package doc).
func (p *Platform) CreateUser(ctx context.Context, ent string, in platform.UserInput) (*platform.User, error) {
	g, err := p.groupIn(ctx, ent, in.GroupID)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	domain := p.groupDom[g.ID]
	p.mu.Unlock()
	if domain == "" {
		domain = ent
	}
	cands := UserIDCandidates(in, domain)
	for _, id := range cands {
		add := ocip.UserAddRequest22V2{
			ServiceProviderId: ent, GroupId: in.GroupID, UserId: id,
			LastName: in.LastName, FirstName: in.FirstName,
			CallingLineIdLastName: nonEmpty(in.CallingLineIDLastName, in.LastName), CallingLineIdFirstName: nonEmpty(in.CallingLineIDFirstName, in.FirstName),
			TimeZone: ptrIf(in.TimeZone), PagerPhoneNumber: ptrIf(in.PagerNumber), MobilePhoneNumber: ptrIf(in.MobileNumber),
			EmailAddress: ptrIf(in.Email),
		}
		if in.Department != "" {
			add.Department = &ocip.DepartmentKey{EnterpriseDepartmentKey: &ocip.EnterpriseDepartmentKey{ServiceProviderId: ent, Name: in.Department}}
		}
		var resps []ocip.Response
		for attempt := 0; ; attempt++ {
			resps, err = p.oc.Do(ctx, add, ocip.UserGetRequest23V2{UserId: id})
			if err != nil && errors.Is(err, ocip.ErrAmbiguousWrite) && attempt < 3 {
				debug(ctx, "user add may have been applied; sending it again", map[string]any{"user_id": id})
				continue // the next answer is either the add or 4200 with the user read beside it
			}
			break
		}
		if err != nil {
			return nil, convOCIP(err)
		}
		if len(resps) != 2 {
			return nil, errShortReply
		}
		addErr := ocip.Err(resps[0])
		if addErr != nil && ocip.Code(addErr) != ocip.CodeUserAlreadyExists {
			return nil, convOCIP(addErr)
		}
		got, ok := resps[1].(*ocip.UserGetResponse23V2)
		if !ok {
			if err := ocip.Err(resps[1]); err != nil {
				return nil, convOCIP(err)
			}
			return nil, errShortReply
		}
		e, err := p.entryOf(ctx, got)
		if err != nil {
			return nil, err
		}
		if addErr != nil && !sameUser(e.user, in) {
			debug(ctx, "derived user id taken by another user; trying the next", map[string]any{"user_id": id})
			continue
		}
		if addErr != nil {
			debug(ctx, "adopted the user a create whose answer was lost made", map[string]any{"user_id": id})
		}
		p.wrote(id, ent)
		p.remember(got, e.user)
		u := e.user
		return &u, nil
	}
	return nil, &platform.Error{Status: http.StatusConflict, Code: "user_exists", Platform: platform.NameBroadWorks,
		Message: "every user id derived for this user is taken by another user: " + strings.Join(cands, ", ")}
}

func nonEmpty(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// UpdateUser implements platform.Users: read (for the fingerprint and the calling line id names
// that follow the names), then UserModifyRequest22 and UserGetRequest23V2 in one document.
func (p *Platform) UpdateUser(ctx context.Context, id string, patch platform.UserPatch, o platform.WriteOptions) (*platform.User, error) {
	cur, err := p.getUser(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := checkMatch(o.IfMatch, cur.user.ETag, "user "+id); err != nil {
		return nil, err
	}
	c := cur.resp
	m := ocip.UserModifyRequest22{UserId: id}
	first, last := c.FirstName, c.LastName
	if patch.FirstName != nil {
		first = *patch.FirstName
		m.FirstName = &first
	}
	if patch.LastName != nil {
		last = *patch.LastName
		m.LastName = &last
	}
	switch {
	case patch.CallingLineIDFirstName != nil:
		v := nonEmpty(*patch.CallingLineIDFirstName, first)
		m.CallingLineIdFirstName = &v
	case patch.FirstName != nil && c.CallingLineIdFirstName == c.FirstName:
		m.CallingLineIdFirstName = &first
	}
	switch {
	case patch.CallingLineIDLastName != nil:
		v := nonEmpty(*patch.CallingLineIDLastName, last)
		m.CallingLineIdLastName = &v
	case patch.LastName != nil && c.CallingLineIdLastName == c.LastName:
		m.CallingLineIdLastName = &last
	}
	if patch.Department != nil {
		if *patch.Department == "" {
			m.Department = ocip.Nil[ocip.DepartmentKey]()
		} else {
			m.Department = ocip.Value(ocip.DepartmentKey{EnterpriseDepartmentKey: &ocip.EnterpriseDepartmentKey{ServiceProviderId: c.ServiceProviderId, Name: *patch.Department}})
		}
	}
	if patch.TimeZone != nil {
		tz := *patch.TimeZone
		if tz == "" {
			g, err := p.groupIn(ctx, c.ServiceProviderId, c.GroupId)
			if err != nil {
				return nil, err
			}
			tz = g.TimeZone
		}
		m.TimeZone = &tz
	}
	nillable := func(v *string) ocip.Nillable[string] {
		switch {
		case v == nil:
			return ocip.Nillable[string]{}
		case *v == "":
			return ocip.Nil[string]()
		}
		return ocip.Value(*v)
	}
	m.PagerPhoneNumber = nillable(patch.PagerNumber)
	m.MobilePhoneNumber = nillable(patch.MobileNumber)
	m.EmailAddress = nillable(patch.Email)
	return p.modifyAndGet(ctx, c.ServiceProviderId, m)
}

// modifyAndGet sends m (and more commands) followed by UserGetRequest23V2 in one document.
func (p *Platform) modifyAndGet(ctx context.Context, ent string, cmds ...ocip.Request) (*platform.User, error) {
	id := userIDOf(cmds[len(cmds)-1])
	p.wrote(id, ent)
	resps, _, err := p.write(ctx, append(cmds, ocip.UserGetRequest23V2{UserId: id})...)
	if err != nil {
		return nil, convOCIP(err)
	}
	for _, r := range resps[:len(resps)-1] {
		if err := ocip.Err(r); err != nil {
			return nil, convOCIP(err)
		}
	}
	got, ok := resps[len(resps)-1].(*ocip.UserGetResponse23V2)
	if !ok {
		return nil, convOCIP(ocip.Err(resps[len(resps)-1]))
	}
	e, err := p.entryOf(ctx, got)
	if err != nil {
		return nil, err
	}
	u := e.user
	return &u, nil
}

func userIDOf(r ocip.Request) string {
	switch v := r.(type) {
	case ocip.UserModifyRequest22:
		return v.UserId
	case ocip.UserIntegratedIMPModifyRequest:
		return v.UserId
	}
	return ""
}

// DeleteUser implements platform.Users (UserDeleteRequest; the Webex subscriber is removed first
// so that Webex keeps no subscriber of a user BroadWorks no longer has).
func (p *Platform) DeleteUser(ctx context.Context, id string, o platform.WriteOptions) error {
	ent := p.UserEnterprise(id)
	if o.IfMatch != "" && o.IfMatch != "*" {
		cur, err := p.getUser(ctx, id)
		if err != nil {
			return err
		}
		if err := checkMatch(o.IfMatch, cur.user.ETag, "user "+id); err != nil {
			return err
		}
		ent = cur.user.EnterpriseID
	}
	if sub, err := p.findSubscriber(ctx, id); err == nil {
		if err := p.deleteSubscriber(ctx, sub.ID); err != nil {
			return err
		}
	} else if !platform.IsNotFound(err) {
		debug(ctx, "could not look up the webex subscriber of a user being deleted", map[string]any{"user_id": id, "error": err.Error()})
	}
	p.wrote(id, ent)
	resps, ambiguous, err := p.write(ctx, ocip.UserDeleteRequest{UserId: id})
	if err != nil {
		return convOCIP(err)
	}
	if err := ocip.Err(resps[0]); err != nil && (!ambiguous || ocip.Code(err) != ocip.CodeUserNotFound) {
		return convOCIP(err) // (after a lost answer, "user not found" is the delete done)
	}
	return nil
}

// ResetUser implements platform.Users: the Spectrum portal's Reset User. The Webex subscriber is
// removed; then, in one document, Integrated IMP is turned off, call forwarding (always, busy, no
// answer) is turned off, the name becomes "Available User" (calling line id names too) and the
// email is cleared. The number, extension and address (E911) stay.
func (p *Platform) ResetUser(ctx context.Context, id string, o platform.WriteOptions) (*platform.User, error) {
	cur, err := p.getUser(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := checkMatch(o.IfMatch, cur.user.ETag, "user "+id); err != nil {
		return nil, err
	}
	if sub, err := p.findSubscriber(ctx, id); err == nil {
		if err := p.deleteSubscriber(ctx, sub.ID); err != nil {
			return nil, err
		}
	} else if !platform.IsNotFound(err) {
		return nil, err
	}
	off := false
	ent := cur.user.EnterpriseID
	p.wrote(id, ent)
	// IM&P first (its own document: "not assigned" is fine), so that the email may change.
	if err := p.exec(ctx, ocip.UserIntegratedIMPModifyRequest{UserId: id, IsActive: &off}); err != nil && !platform.HasCode(err, "service_not_assigned") {
		return nil, err
	}
	first, last := "Available", "User"
	return p.modifyAndGet(ctx, ent,
		ocip.UserCallForwardingAlwaysModifyRequest{UserId: id, IsActive: &off},
		ocip.UserCallForwardingBusyModifyRequest{UserId: id, IsActive: &off},
		ocip.UserCallForwardingNoAnswerModifyRequest{UserId: id, IsActive: &off},
		ocip.UserModifyRequest22{UserId: id, FirstName: &first, LastName: &last, CallingLineIdFirstName: &first,
			CallingLineIdLastName: &last, EmailAddress: ocip.Nil[string]()})
}

// ListUsers implements platform.Users: the group's or the enterprise's user list with the
// filter's search criteria, then each user's UserGetRequest23V2 (15 per document).
func (p *Platform) ListUsers(ctx context.Context, ent string, f platform.UserFilter) ([]platform.User, error) {
	rows, err := p.listUsers(ctx, ent, f)
	if err != nil {
		return nil, err
	}
	reqs := make([]ocip.Request, len(rows))
	for i, r := range rows {
		reqs[i] = ocip.UserGetRequest23V2{UserId: r.UserID}
	}
	resps, err := p.oc.Do(ctx, reqs...)
	if err != nil {
		return nil, convOCIP(err)
	}
	out := make([]platform.User, 0, len(resps))
	for _, r := range resps {
		got, ok := r.(*ocip.UserGetResponse23V2)
		if !ok {
			if platform.IsNotFound(convOCIP(ocip.Err(r))) {
				continue // deleted between the list and the read
			}
			return nil, convOCIP(ocip.Err(r))
		}
		e, err := p.entryOf(ctx, got)
		if err != nil {
			return nil, err
		}
		out = append(out, e.user)
	}
	return out, nil
}

// listUsers reads the user list of ent (one group when f.GroupID is set) with f's criteria.
func (p *Platform) listUsers(ctx context.Context, ent string, f platform.UserFilter) ([]listRow, error) {
	var dn []ocip.SearchCriteriaDn
	var mail []ocip.SearchCriteriaEmailAddress
	var ext []ocip.SearchCriteriaExtension
	if f.PhoneNumber != "" {
		dn = append(dn, ocip.SearchCriteriaDn{Mode: ocip.SearchModeEqualTo, Value: f.PhoneNumber, IsCaseInsensitive: true})
	}
	if f.Email != "" {
		mail = append(mail, ocip.SearchCriteriaEmailAddress{Mode: ocip.SearchModeEqualTo, Value: f.Email, IsCaseInsensitive: true})
	}
	if f.Extension != "" {
		ext = append(ext, ocip.SearchCriteriaExtension{Mode: ocip.SearchModeEqualTo, Value: f.Extension, IsCaseInsensitive: true})
	}
	var table ocip.Table
	if f.GroupID != "" {
		r, err := ocip.Call[*ocip.UserGetListInGroupResponse](ctx, p.oc, ocip.UserGetListInGroupRequest{ServiceProviderId: ent,
			GroupId: f.GroupID, SearchCriteriaDn: dn, SearchCriteriaEmailAddress: mail, SearchCriteriaExtension: ext})
		if err != nil {
			return nil, convOCIP(err)
		}
		table = r.UserTable
	} else {
		r, err := ocip.Call[*ocip.UserGetListInServiceProviderResponse](ctx, p.oc, ocip.UserGetListInServiceProviderRequest{
			ServiceProviderId: &ent, SearchCriteriaDn: dn, SearchCriteriaEmailAddress: mail, SearchCriteriaExtension: ext})
		if err != nil {
			return nil, convOCIP(err)
		}
		table = r.UserTable
	}
	rows := make([]listRow, table.Len())
	for i := range rows {
		rows[i] = listRow{
			UserID: table.Col(i, "User Id"), GroupID: nonEmpty(table.Col(i, "Group Id"), f.GroupID),
			FirstName: table.Col(i, "First Name"), LastName: table.Col(i, "Last Name"),
			Department: table.Col(i, "Department"), Email: table.Col(i, "Email Address"),
			PhoneNumber: dnE164(table.Col(i, "Phone Number")), Extension: table.Col(i, "Extension"),
			Activated: table.Col(i, "Phone Number Activated") == "true",
		}
	}
	return rows, nil
}

// dnE164 reads a DN of a list ("+1-7205551200") as E.164.
func dnE164(dn string) string {
	return strings.ReplaceAll(strings.ReplaceAll(dn, "-", ""), " ", "")
}

// spList is the enterprise's whole user list, read once per process (until a write).
func (p *Platform) spList(ctx context.Context, ent string) ([]listRow, error) {
	p.mu.Lock()
	rows, ok := p.spLists[ent]
	p.mu.Unlock()
	if ok {
		return rows, nil
	}
	v, err, _ := p.flight.Do("users of "+ent, func() (any, error) {
		gen := p.listGenOf(ent) // taken by the reader that sends the list (joiners share its answer)
		rows, err := p.listUsers(ctx, ent, platform.UserFilter{})
		return genRows{rows, gen}, err
	})
	if err != nil {
		return nil, err
	}
	got := v.(genRows)
	rows = got.rows
	p.mu.Lock()
	if p.listGenLocked(ent) == got.gen { // no write of this enterprise started since the list was asked for
		p.spLists[ent] = rows
	}
	for _, r := range rows {
		p.userEnt[r.UserID] = ent
	}
	p.mu.Unlock()
	return rows, nil
}

// genRows is a user list with the write count of its enterprise when it was asked for.
type genRows struct {
	rows []listRow
	gen  uint64
}

func (r listRow) user(ent string) platform.User {
	return platform.User{ID: r.UserID, EnterpriseID: ent, GroupID: r.GroupID, FirstName: r.FirstName, LastName: r.LastName,
		Department: r.Department, Email: r.Email}
}

// EmailHolders implements platform.Users (from the enterprise's user list: the users carry their
// id, group, names, department and email only).
func (p *Platform) EmailHolders(ctx context.Context, ent, email string) ([]platform.User, error) {
	rows, err := p.spList(ctx, ent)
	if err != nil {
		return nil, err
	}
	var out []platform.User
	for _, r := range rows {
		if email != "" && strings.EqualFold(r.Email, email) {
			out = append(out, r.user(ent))
		}
	}
	return out, nil
}

// ExtensionHolders implements platform.Users (from the enterprise's user list).
func (p *Platform) ExtensionHolders(ctx context.Context, ent, ext string) ([]platform.User, error) {
	rows, err := p.spList(ctx, ent)
	if err != nil {
		return nil, err
	}
	var out []platform.User
	for _, r := range rows {
		if ext != "" && r.Extension == ext {
			out = append(out, r.user(ent))
		}
	}
	return out, nil
}

// MarkCreated implements platform.Users.
func (p *Platform) MarkCreated(u *platform.User) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := *u
	p.created[u.ID] = &c
	p.createdHere[u.ID] = true
	p.userEnt[u.ID] = u.EnterpriseID
}

// CreatedUser implements platform.Users.
func (p *Platform) CreatedUser(id string) (*platform.User, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	u, ok := p.created[id]
	if !ok {
		return nil, false
	}
	c := *u
	return &c, true
}

// CreatedHere implements platform.Users: true for a user this process created, until this process
// turns its Integrated IMP on (flow-through provisioning may then have created its activation).
func (p *Platform) CreatedHere(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.createdHere[id]
}

// UserEnterprise implements platform.Users.
func (p *Platform) UserEnterprise(id string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.userEnt[id]
}
