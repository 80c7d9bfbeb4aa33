package sandbox

// Webex Calling in the customer organisation: people (the users), locations (the groups),
// numbers, a person's numbers, voicemail passcode and call forwarding, PSTN emergency addresses
// and the activation-email job (webex-admin.json, calling/*.yml).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

func (s *Server) wxCallingRoutes() []wxRoute {
	const (
		pplR = ScopePeopleRead
		pplW = ScopePeopleWrite
		telR = ScopeTelephonyConfigRead
		telW = ScopeTelephonyConfigWrite
	)
	return []wxRoute{
		{pattern: "GET /v1/people", scope: pplR, handler: s.wxListPeople},
		{pattern: "POST /v1/people", scope: pplW, handler: s.wxCreatePerson},
		{pattern: "GET /v1/people/{personId}", scope: pplR, handler: s.wxGetPerson},
		{pattern: "PUT /v1/people/{personId}", scope: pplW, handler: s.wxUpdatePerson},
		{pattern: "DELETE /v1/people/{personId}", scope: pplW, handler: s.wxDeletePerson},
		{pattern: "GET /v1/locations", scope: ScopeLocationsRead, handler: s.wxListLocations},
		{pattern: "GET /v1/locations/{locationId}", scope: ScopeLocationsRead, handler: s.wxGetLocation},
		{pattern: "GET /v1/telephony/config/numbers", scope: telR, handler: s.wxListNumbers},
		{pattern: "PUT /v1/telephony/config/locations/{locationId}/numbers", scope: telW, handler: s.wxActivateNumbers},
		{pattern: "GET /v1/people/{personId}/features/numbers", scope: telR, handler: s.wxGetPersonNumbers},
		{pattern: "GET /v1/telephony/config/people/{personId}/numbers", scope: telR, handler: s.wxGetPersonNumbers},
		{pattern: "PUT /v1/telephony/config/people/{personId}/numbers", scope: telW, handler: s.wxPutPersonNumbers},
		{pattern: "PUT /v1/telephony/config/people/{personId}/voicemail/passcode", scope: telW, handler: s.wxPutPasscode},
		{pattern: "GET /v1/people/{personId}/features/callForwarding", scope: pplR + "|" + telR, handler: s.wxGetCallForwarding},
		{pattern: "PUT /v1/people/{personId}/features/callForwarding", scope: pplW + "|" + telW, handler: s.wxPutCallForwarding},
		{pattern: "POST /v1/telephony/pstn/locations/{locationId}/emergencyAddress/lookup", scope: ScopeTelephonyPSTNRead,
			handler: s.wxLookupEmergencyAddress},
		{pattern: "PUT /v1/telephony/pstn/numbers/{phoneNumber}/emergencyAddress", scope: ScopeTelephonyPSTNWrite,
			handler: s.wxPutEmergencyAddress},
		{pattern: "POST /v1/identity/organizations/{orgId}/jobs/sendActivationEmails", scope: pplW, handler: s.wxStartActivationEmails},
		{pattern: "GET /v1/identity/organizations/{orgId}/jobs/sendActivationEmails/{jobId}/status", scope: pplR + "|" + pplW,
			handler: s.wxActivationEmailsStatus},
		{pattern: "GET /v1/identity/organizations/{orgId}/jobs/sendActivationEmails/{jobId}/errors", scope: pplR + "|" + pplW,
			handler: s.wxActivationEmailsErrors},
	}
}

// wxPerson loads the user of a personId the caller may see; else 404.
func wxPerson(ctx context.Context, q querier, wid string) (*user, error) {
	return wxUser(ctx, q, fromWebexID("PEOPLE", wid), "Person not found.")
}

// People.

type wxPhone struct {
	Type    string `json:"type"`
	Value   string `json:"value"`
	Primary bool   `json:"primary,omitempty"`
}

type wxPersonView struct {
	ID            string    `json:"id"`
	Emails        []string  `json:"emails"`
	PhoneNumbers  []wxPhone `json:"phoneNumbers,omitempty"`
	Extension     string    `json:"extension,omitempty"`
	LocationID    string    `json:"locationId,omitempty"`
	DisplayName   string    `json:"displayName"`
	FirstName     string    `json:"firstName"`
	LastName      string    `json:"lastName"`
	OrgID         string    `json:"orgId"`
	Licenses      []string  `json:"licenses"`
	Department    string    `json:"department,omitempty"`
	Created       string    `json:"created"`
	LastModified  string    `json:"lastModified"`
	Timezone      string    `json:"timezone,omitempty"`
	Status        string    `json:"status"`
	InvitePending string    `json:"invitePending"`
	LoginEnabled  string    `json:"loginEnabled"`
	Type          string    `json:"type"`
}

// personView is the Person of webex-admin.json: calling data (numbers, extension, location)
// only with callingData. invitePending is "true" while the user's activation waits for the user,
// loginEnabled once it is provisioned; licenses are the activation's package.
func (s *Server) personView(ctx context.Context, q querier, u *user, callingData bool) (wxPersonView, error) {
	org, err := orgIDOf(ctx, q, u.EnterpriseID)
	if err != nil {
		return wxPersonView{}, err
	}
	v := wxPersonView{ID: webexID("PEOPLE", u.ID), Emails: []string{}, DisplayName: strings.TrimSpace(u.FirstName + " " + u.LastName),
		FirstName: u.FirstName, LastName: u.LastName, OrgID: org, Licenses: []string{}, Department: u.Department,
		Created: rfc3339Millis(u.CreatedAt), LastModified: rfc3339Millis(u.UpdatedAt), Timezone: u.TimeZone,
		Status: "inactive", InvitePending: "false", LoginEnabled: "false", Type: "person"}
	if u.Email != "" {
		v.Emails = []string{u.Email}
	}
	a, err := loadActivation(ctx, q, u.ID)
	if err != nil {
		return v, err
	}
	if a != nil {
		v.Licenses = []string{a.Package}
		switch a.Status {
		case activationProvisioned, activationUpdating:
			v.LoginEnabled, v.Status = "true", "active"
		case activationError:
		default:
			v.InvitePending, v.Status = "true", "pending"
		}
	}
	if callingData {
		v.LocationID = webexID("LOCATION", u.GroupID)
		n, err := loadAssignment(ctx, q, u.ID)
		if err != nil {
			return v, err
		}
		if n != nil {
			if n.PhoneNumber != "" {
				v.PhoneNumbers = append(v.PhoneNumbers, wxPhone{Type: "work", Value: n.PhoneNumber, Primary: true})
			}
			v.Extension = n.Extension
		}
		if u.MobileNumber != "" {
			v.PhoneNumbers = append(v.PhoneNumbers, wxPhone{Type: "mobile", Value: u.MobileNumber})
		}
	}
	return v, nil
}

func boolParam(r *http.Request, name string) (bool, error) {
	switch v := r.URL.Query().Get(name); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, wxBadRequest("Invalid Parameter Value: " + name)
	}
}

// orgParam resolves ?orgId= to an enterprise the caller may see ("" when absent).
func orgParam(ctx context.Context, q querier, r *http.Request) (string, error) {
	org := r.URL.Query().Get("orgId")
	if org == "" {
		return "", nil
	}
	return wxOrg(ctx, q, org)
}

func (s *Server) wxListPeople(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := s.q(ctx)
	maxN, err := wxMax(r, 100, 1000)
	if err == nil {
		var after string
		after, err = wxCursor(r)
		if err == nil {
			err = s.listPeople(w, r, q, maxN, after)
		}
	}
	if err != nil {
		s.wxFail(w, r, err)
	}
}

func (s *Server) listPeople(w http.ResponseWriter, r *http.Request, q querier, maxN int, after string) error {
	ctx := r.Context()
	callingData, err := boolParam(r, "callingData")
	if err != nil {
		return err
	}
	ent, err := orgParam(ctx, q, r)
	if err != nil {
		return err
	}
	qv := r.URL.Query()
	where, args := []string{"id > ?"}, []any{after}
	if ent != "" {
		where, args = append(where, "enterprise_id = ?"), append(args, ent)
	}
	p := wxPrincipalFrom(ctx)
	if p.enterprises != nil {
		where = append(where, "enterprise_id IN ("+placeholders(len(p.enterprises))+")")
		for _, e := range p.enterprises {
			args = append(args, e)
		}
	}
	if v := qv.Get("email"); v != "" {
		where, args = append(where, "email_norm = ?"), append(args, strings.ToLower(v))
	}
	if v := qv.Get("displayName"); v != "" {
		where, args = append(where, "substr(lower(first_name || ' ' || last_name), 1, length(?)) = lower(?)"), append(args, v, v)
	}
	if v := qv.Get("id"); v != "" {
		var ids []any
		for _, wid := range strings.Split(v, ",") {
			ids = append(ids, fromWebexID("PEOPLE", strings.TrimSpace(wid)))
		}
		where, args = append(where, "id IN ("+placeholders(len(ids))+")"), append(args, ids...)
	}
	if v := qv.Get("locationId"); v != "" {
		where, args = append(where, "group_id = ?"), append(args, fromWebexID("LOCATION", v))
	}
	users, err := queryAll(ctx, q, `SELECT `+userColumns+` FROM users WHERE `+strings.Join(where, " AND ")+
		` ORDER BY id LIMIT ?`, append(args, maxN+1), scanUser)
	if err != nil {
		return err
	}
	users = wxCursorPage(w, r, maxN, users, func(u *user) string { return u.ID })
	items := make([]wxPersonView, 0, len(users))
	for _, u := range users {
		v, err := s.personView(ctx, q, u, callingData)
		if err != nil {
			return err
		}
		items = append(items, v)
	}
	writeJSON(w, http.StatusOK, wxList(items))
	return nil
}

// wxPersonInput is the body of POST and PUT /v1/people.
type wxPersonInput struct {
	Emails       []string  `json:"emails"`
	PhoneNumbers []wxPhone `json:"phoneNumbers"`
	Extension    *string   `json:"extension"`
	LocationID   *string   `json:"locationId"`
	DisplayName  *string   `json:"displayName"`
	FirstName    *string   `json:"firstName"`
	LastName     *string   `json:"lastName"`
	OrgID        *string   `json:"orgId"`
	Department   *string   `json:"department"`
	Licenses     []string  `json:"licenses"`
}

// workNumber is the work number of phoneNumbers (nil = none given).
func (in *wxPersonInput) workNumber() (*string, error) {
	if in.PhoneNumbers == nil {
		return nil, nil
	}
	empty := ""
	for _, p := range in.PhoneNumbers {
		if p.Type == "work" {
			n, err := rules.ToE164(p.Value, "US")
			if err != nil {
				return nil, wxBadRequest("Invalid Parameter Value: phoneNumbers")
			}
			return &n, nil
		}
	}
	return &empty, nil
}

// names splits displayName when firstName and lastName are not given.
func (in *wxPersonInput) names() (string, string) {
	first, last := str(in.FirstName), str(in.LastName)
	if (first == "" || last == "") && str(in.DisplayName) != "" {
		f, l, _ := strings.Cut(strings.TrimSpace(*in.DisplayName), " ")
		first, last = nonEmpty(first, f), nonEmpty(last, strings.TrimSpace(l))
	}
	return first, last
}

// wxCreatePerson creates a user in the organisation (body orgId, else the token's only
// enterprise) at locationId (else the first location); with callingData=true the work number
// and extension are assigned.
func (s *Server) wxCreatePerson(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in wxPersonInput
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	callingData, err := boolParam(r, "callingData")
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	var out *user
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if len(in.Emails) != 1 || in.Emails[0] == "" {
			return wxBadRequest("emails must hold exactly one email address.")
		}
		if err := rules.ValidateEmail(in.Emails[0]); err != nil {
			return wxBadRequest("Invalid Parameter Value: emails")
		}
		ent := ""
		switch p := wxPrincipalFrom(ctx); {
		case str(in.OrgID) != "":
			var err error
			if ent, err = wxOrg(ctx, tx, *in.OrgID); err != nil {
				return err
			}
		case len(p.enterprises) == 1:
			ent = p.enterprises[0]
		default:
			return wxNull("orgId")
		}
		first, last := in.names()
		if first == "" {
			return wxNull("firstName")
		}
		if last == "" {
			return wxNull("lastName")
		}
		u := &user{EnterpriseID: ent, FirstName: first, LastName: last, Email: in.Emails[0], Department: str(in.Department)}
		if str(in.LocationID) != "" {
			g, err := wxLocation(ctx, tx, ent, *in.LocationID)
			if err != nil {
				return err
			}
			u.GroupID = g.ID
		} else {
			var err error
			if u.GroupID, err = firstGroup(ctx, tx, ent); err != nil {
				return err
			}
		}
		if err := s.wxInsertUser(ctx, tx, u); err != nil {
			return err
		}
		if callingData {
			phone, err := in.workNumber()
			if err != nil {
				return err
			}
			if str(phone) != "" || str(in.Extension) != "" {
				if err := s.wxAssignNumber(ctx, tx, u, str(phone), str(in.Extension)); err != nil {
					return err
				}
			}
		}
		out = u
		return nil
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	s.writePerson(w, r, out, callingData, http.StatusOK)
}

func (s *Server) writePerson(w http.ResponseWriter, r *http.Request, u *user, callingData bool, status int) {
	ctx := r.Context()
	v, err := s.personView(ctx, s.q(ctx), u, callingData)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

func (s *Server) wxGetPerson(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	callingData, err := boolParam(r, "callingData")
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	u, err := wxPerson(ctx, s.q(ctx), r.PathValue("personId"))
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	s.writePerson(w, r, u, callingData, http.StatusOK)
}

// wxUpdatePerson replaces the person (displayName required): names, email, department; with
// callingData=true also the work number and extension (absent = none).
func (s *Server) wxUpdatePerson(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in wxPersonInput
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	callingData, err := boolParam(r, "callingData")
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	var out *user
	err = s.tx(ctx, func(tx *sql.Tx) error {
		u, err := wxPerson(ctx, tx, r.PathValue("personId"))
		if err != nil {
			return err
		}
		if str(in.DisplayName) == "" {
			return wxNull("displayName")
		}
		if len(in.Emails) > 1 {
			return wxBadRequest("emails must hold one email address.")
		}
		if str(in.LocationID) != "" {
			g, err := wxLocation(ctx, tx, u.EnterpriseID, *in.LocationID)
			if err != nil {
				return err
			}
			if g.ID != u.GroupID {
				return wxBadRequest("Moving a person to another location is not emulated.")
			}
		}
		first, last := in.names()
		if first == "" {
			return wxNull("firstName")
		}
		if last == "" {
			return wxNull("lastName")
		}
		after, err := s.wxUpdateUser(ctx, tx, u, func(x *user) {
			x.FirstName, x.LastName, x.Department = first, last, str(in.Department)
			if in.Emails != nil {
				x.Email = ""
				if len(in.Emails) == 1 {
					x.Email = in.Emails[0]
				}
			}
		})
		if err != nil {
			return err
		}
		if callingData {
			phone, err := in.workNumber()
			if err != nil {
				return err
			}
			if err := s.wxAssignNumber(ctx, tx, after, str(phone), str(in.Extension)); err != nil {
				return err
			}
		}
		out = after
		return nil
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	s.writePerson(w, r, out, callingData, http.StatusOK)
}

// wxDeletePerson deletes the user and everything that hangs off it.
func (s *Server) wxDeletePerson(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		u, err := wxPerson(ctx, tx, r.PathValue("personId"))
		if err != nil {
			return err
		}
		if err := s.wxUnsubscribe(ctx, tx, u); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, u.ID); err != nil {
			return fmt.Errorf("delete user: %w", err)
		}
		return nil
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Locations.

type wxLocationAddress struct {
	Address1   string `json:"address1"`
	Address2   string `json:"address2,omitempty"`
	City       string `json:"city"`
	State      string `json:"state,omitempty"`
	PostalCode string `json:"postalCode"`
	Country    string `json:"country"`
}

type wxLocationView struct {
	ID                string            `json:"id"`
	Name              string            `json:"name"`
	OrgID             string            `json:"orgId"`
	TimeZone          string            `json:"timeZone"`
	PreferredLanguage string            `json:"preferredLanguage,omitempty"`
	Address           wxLocationAddress `json:"address"`
}

func locationView(ctx context.Context, q querier, g *group) (wxLocationView, error) {
	org, err := orgIDOf(ctx, q, g.EnterpriseID)
	if err != nil {
		return wxLocationView{}, err
	}
	v := wxLocationView{ID: webexID("LOCATION", g.ID), Name: g.Name, OrgID: org, TimeZone: g.TimeZone}
	a := &v.Address
	err = q.QueryRowContext(ctx, `SELECT address1, address2, city, state, postal_code, country, language
		FROM webex_locations WHERE group_id = ?`, g.ID).Scan(&a.Address1, &a.Address2, &a.City, &a.State, &a.PostalCode,
		&a.Country, &v.PreferredLanguage)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("load location address: %w", err)
	}
	return v, nil
}

func (s *Server) wxListLocations(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := s.q(ctx)
	err := func() error {
		maxN, err := wxMax(r, 500, 1000)
		if err != nil {
			return err
		}
		after, err := wxCursor(r)
		if err != nil {
			return err
		}
		ent, err := orgParam(ctx, q, r)
		if err != nil {
			return err
		}
		qv := r.URL.Query()
		where, args := []string{"id > ?"}, []any{after}
		if ent != "" {
			where, args = append(where, "enterprise_id = ?"), append(args, ent)
		}
		p := wxPrincipalFrom(ctx)
		if p.enterprises != nil {
			where = append(where, "enterprise_id IN ("+placeholders(len(p.enterprises))+")")
			for _, e := range p.enterprises {
				args = append(args, e)
			}
		}
		if v := qv.Get("name"); v != "" {
			where, args = append(where, "lower(name) = lower(?)"), append(args, v)
		}
		if v := qv.Get("id"); v != "" {
			where, args = append(where, "id = ?"), append(args, fromWebexID("LOCATION", v))
		}
		groups, err := queryAll(ctx, q, `SELECT id, enterprise_id, name, time_zone FROM groups WHERE `+strings.Join(where, " AND ")+
			` ORDER BY id LIMIT ?`, append(args, maxN+1), func(sc scanner) (*group, error) {
			var g group
			return &g, sc.Scan(&g.ID, &g.EnterpriseID, &g.Name, &g.TimeZone)
		})
		if err != nil {
			return err
		}
		groups = wxCursorPage(w, r, maxN, groups, func(g *group) string { return g.ID })
		items := make([]wxLocationView, 0, len(groups))
		for _, g := range groups {
			v, err := locationView(ctx, q, g)
			if err != nil {
				return err
			}
			items = append(items, v)
		}
		writeJSON(w, http.StatusOK, wxList(items))
		return nil
	}()
	if err != nil {
		s.wxFail(w, r, err)
	}
}

// wxLocationOf loads the group of a locationId the caller may see; else 404.
func wxLocationOf(ctx context.Context, q querier, wid string) (*group, error) {
	g, err := loadGroup(ctx, q, fromWebexID("LOCATION", wid))
	if err != nil {
		return nil, err
	}
	if g == nil || !wxPrincipalFrom(ctx).canSee(g.EnterpriseID) {
		return nil, wxNotFound("Location not found.")
	}
	return g, nil
}

func (s *Server) wxGetLocation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := s.q(ctx)
	g, err := wxLocationOf(ctx, q, r.PathValue("locationId"))
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	v, err := locationView(ctx, q, g)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// Numbers.

type wxNumberView struct {
	PhoneNumber            string         `json:"phoneNumber"`
	Extension              string         `json:"extension,omitempty"`
	State                  string         `json:"state"`
	PhoneNumberType        string         `json:"phoneNumberType"`
	MainNumber             bool           `json:"mainNumber"`
	IncludedTelephonyTypes string         `json:"includedTelephonyTypes"`
	TollFreeNumber         bool           `json:"tollFreeNumber"`
	IsServiceNumber        bool           `json:"isServiceNumber"`
	Location               wxNamedRef     `json:"location"`
	Owner                  *wxNumberOwner `json:"owner,omitempty"`
}

type wxNamedRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type wxNumberOwner struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
}

// wxListNumbers lists the inventory (numbers of the groups) with owners: ACTIVE when the number
// is active (assigned and activated, or activated at its location), INACTIVE otherwise. start
// and max page it (max ≤ 2000, default 2000).
func (s *Server) wxListNumbers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := s.q(ctx)
	err := func() error {
		maxN, err := wxMax(r, 2000, 2000)
		if err != nil {
			return err
		}
		start, err := wxOffset(r, "start")
		if err != nil {
			return err
		}
		ent, err := orgParam(ctx, q, r)
		if err != nil {
			return err
		}
		qv := r.URL.Query()
		where, args := []string{"1"}, []any{}
		if ent != "" {
			where, args = append(where, "n.enterprise_id = ?"), append(args, ent)
		}
		p := wxPrincipalFrom(ctx)
		if p.enterprises != nil {
			where = append(where, "n.enterprise_id IN ("+placeholders(len(p.enterprises))+")")
			for _, e := range p.enterprises {
				args = append(args, e)
			}
		}
		if v := qv.Get("locationId"); v != "" {
			where, args = append(where, "n.group_id = ?"), append(args, fromWebexID("LOCATION", v))
		}
		available, err := boolParam(r, "available")
		if err != nil {
			return err
		}
		if available {
			where = append(where, "un.user_id IS NULL")
		}
		if v := qv.Get("phoneNumber"); v != "" {
			where, args = append(where, "instr(n.phone_number, ?) > 0"), append(args, phoneQueryParam(v))
		}
		if v := qv.Get("extension"); v != "" {
			where, args = append(where, "un.extension = ?"), append(args, v)
		}
		if v := qv.Get("ownerId"); v != "" {
			where, args = append(where, "un.user_id = ?"), append(args, fromWebexID("PEOPLE", v))
		}
		const active = `(coalesce(un.number_state, '') = 'active' OR (un.user_id IS NULL AND wa.phone_number IS NOT NULL))`
		switch v := qv.Get("state"); v {
		case "", "Default":
		case "ACTIVE":
			where = append(where, active)
		case "INACTIVE":
			where = append(where, "NOT "+active)
		default:
			return wxBadRequest("Invalid Parameter Value: state")
		}
		type row struct {
			number, groupID, groupName, ext, userID, first, last string
			active                                               bool
		}
		rows, err := queryAll(ctx, q, `SELECT n.phone_number, n.group_id, g.name, coalesce(un.extension, ''), coalesce(un.user_id, ''),
			coalesce(u.first_name, ''), coalesce(u.last_name, ''), `+active+`
			FROM numbers n JOIN groups g ON g.id = n.group_id LEFT JOIN user_numbers un ON un.phone_number = n.phone_number
			LEFT JOIN users u ON u.id = un.user_id LEFT JOIN webex_active_numbers wa ON wa.phone_number = n.phone_number
			WHERE `+strings.Join(where, " AND ")+` ORDER BY n.phone_number LIMIT ? OFFSET ?`, append(args, maxN+1, start),
			func(sc scanner) (row, error) {
				var x row
				return x, sc.Scan(&x.number, &x.groupID, &x.groupName, &x.ext, &x.userID, &x.first, &x.last, &x.active)
			})
		if err != nil {
			return err
		}
		rows = wxOffsetPage(w, r, "start", start, maxN, rows)
		items := make([]wxNumberView, 0, len(rows))
		for _, x := range rows {
			v := wxNumberView{PhoneNumber: x.number, Extension: x.ext, State: "INACTIVE", PhoneNumberType: "PRIMARY",
				IncludedTelephonyTypes: "PSTN_NUMBER", Location: wxNamedRef{ID: webexID("LOCATION", x.groupID), Name: x.groupName}}
			if x.active {
				v.State = "ACTIVE"
			}
			if x.userID != "" {
				v.Owner = &wxNumberOwner{ID: webexID("PEOPLE", x.userID), Type: "PEOPLE", FirstName: x.first, LastName: x.last}
			}
			items = append(items, v)
		}
		writeJSON(w, http.StatusOK, map[string]any{"phoneNumbers": items})
		return nil
	}()
	if err != nil {
		s.wxFail(w, r, err)
	}
}

// wxActivateNumbers activates or deactivates numbers of a location (every number must be in its
// inventory: 400 otherwise, nothing changed).
func (s *Server) wxActivateNumbers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in struct {
		PhoneNumbers []string `json:"phoneNumbers"`
		Action       *string  `json:"action"`
	}
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		g, err := wxLocationOf(ctx, tx, r.PathValue("locationId"))
		if err != nil {
			return err
		}
		if len(in.PhoneNumbers) == 0 {
			return wxNull("phoneNumbers")
		}
		action := nonEmpty(str(in.Action), "ACTIVATE")
		if action != "ACTIVATE" && action != "DEACTIVATE" {
			return wxBadRequest("Invalid Parameter Value: action must be ACTIVATE or DEACTIVATE")
		}
		state := numberStateActive
		if action == "DEACTIVATE" {
			state = numberStateInactive
		}
		for _, n := range in.PhoneNumbers {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM numbers WHERE phone_number = ? AND group_id = ?`, n, g.ID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return wxBadRequest("The number " + n + " is not a number of the location.")
			}
			if err != nil {
				return fmt.Errorf("look up inventory: %w", err)
			}
			q := `INSERT OR IGNORE INTO webex_active_numbers (phone_number) VALUES (?)`
			if action == "DEACTIVATE" {
				q = `DELETE FROM webex_active_numbers WHERE phone_number = ?`
			}
			if _, err := tx.ExecContext(ctx, q, n); err != nil {
				return fmt.Errorf("record number state: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE user_numbers SET number_state = ?, version = version + 1, updated_at = ?
				WHERE phone_number = ? AND number_state <> ?`, state, s.timestamp(), n, state); err != nil {
				return fmt.Errorf("change number state: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type wxPersonNumber struct {
	Primary      bool   `json:"primary"`
	DirectNumber string `json:"directNumber,omitempty"`
	Extension    string `json:"extension,omitempty"`
	RingPattern  string `json:"ringPattern"`
}

func (s *Server) wxGetPersonNumbers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := s.q(ctx)
	u, err := wxPerson(ctx, q, r.PathValue("personId"))
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	a, err := loadAssignment(ctx, q, u.ID)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	items := []wxPersonNumber{}
	if a != nil {
		items = append(items, wxPersonNumber{Primary: true, DirectNumber: a.PhoneNumber, Extension: a.Extension, RingPattern: "NORMAL"})
	}
	writeJSON(w, http.StatusOK, map[string]any{"distinctiveRingEnabled": false, "phoneNumbers": items})
}

// wxPutPersonNumbers applies ADD and DELETE of the person's primary number (the store holds one
// number and extension per user; an alternate number is refused: not emulated).
func (s *Server) wxPutPersonNumbers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in struct {
		PhoneNumbers []struct {
			Primary      *bool  `json:"primary"`
			Action       string `json:"action"`
			DirectNumber string `json:"directNumber"`
			Extension    string `json:"extension"`
		} `json:"phoneNumbers"`
	}
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		u, err := wxPerson(ctx, tx, r.PathValue("personId"))
		if err != nil {
			return err
		}
		if in.PhoneNumbers == nil {
			return wxNull("phoneNumbers")
		}
		cur, err := loadAssignment(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		phone, ext := "", ""
		if cur != nil {
			phone, ext = cur.PhoneNumber, cur.Extension
		}
		for _, n := range in.PhoneNumbers {
			if n.Primary != nil && !*n.Primary {
				return wxBadRequest("Alternate numbers are not emulated: only the primary number.")
			}
			switch n.Action {
			case "ADD":
				if n.DirectNumber != "" {
					e164, err := rules.ToE164(n.DirectNumber, "US")
					if err != nil {
						return wxBadRequest("Invalid Parameter Value: directNumber")
					}
					phone = e164
				}
				if n.Extension != "" {
					ext = n.Extension
				}
			case "DELETE":
				if n.DirectNumber == "" || n.DirectNumber == phone {
					phone = ""
				}
				if n.Extension != "" && n.Extension == ext {
					ext = ""
				}
			default:
				return wxBadRequest("Invalid Parameter Value: action must be ADD or DELETE")
			}
		}
		return s.wxAssignNumber(ctx, tx, u, phone, ext)
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// wxPutPasscode sets the voicemail passcode with the rules of the enterprise's policy (the
// number, extension and previous passcode as facts). The caller is authorised before the slow
// hash runs, so an unknown person costs no KDF.
func (s *Server) wxPutPasscode(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in struct {
		Passcode *string `json:"passcode"`
	}
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	if _, err := wxPerson(ctx, s.q(ctx), r.PathValue("personId")); err != nil {
		s.wxFail(w, r, err)
		return
	}
	if in.Passcode == nil || *in.Passcode == "" {
		s.wxFail(w, r, wxNull("passcode"))
		return
	}
	hash, err := s.hashSecret(ctx, *in.Passcode) // authorised above (wxPerson)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		u, err := wxPerson(ctx, tx, r.PathValue("personId"))
		if err != nil {
			return err
		}
		vs, err := s.passcodeViolations(ctx, tx, u, *in.Passcode)
		if err != nil {
			return err
		}
		if len(vs) > 0 {
			return wxBadRequest("Invalid passcode: " + vs[0].Message)
		}
		return s.storeSecretHash(ctx, tx, "voicemail_passcodes", u.ID, hash)
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Call forwarding.

type wxForward struct {
	Enabled                     bool   `json:"enabled"`
	Destination                 string `json:"destination,omitempty"`
	RingReminderEnabled         *bool  `json:"ringReminderEnabled,omitempty"`
	DestinationVoicemailEnabled bool   `json:"destinationVoicemailEnabled"`
	NumberOfRings               *int   `json:"numberOfRings,omitempty"`
	SystemMaxNumberOfRings      *int   `json:"systemMaxNumberOfRings,omitempty"`
}

type wxCallForwardingView struct {
	CallForwarding struct {
		Always   wxForward `json:"always"`
		Busy     wxForward `json:"busy"`
		NoAnswer wxForward `json:"noAnswer"`
	} `json:"callForwarding"`
	BusinessContinuity wxForward `json:"businessContinuity"`
}

func (s *Server) wxGetCallForwarding(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := s.q(ctx)
	u, err := wxPerson(ctx, q, r.PathValue("personId"))
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	cf, _, err := loadCallForwarding(ctx, q, u.ID)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	f, maxRings := false, maxNoAnswerRings
	rings := cf.NoAnswer.Rings
	var v wxCallForwardingView
	v.CallForwarding.Always = wxForward{Enabled: cf.Always.Enabled, Destination: cf.Always.Destination, RingReminderEnabled: &f}
	v.CallForwarding.Busy = wxForward{Enabled: cf.Busy.Enabled, Destination: cf.Busy.Destination}
	v.CallForwarding.NoAnswer = wxForward{Enabled: cf.NoAnswer.Enabled, Destination: cf.NoAnswer.Destination,
		NumberOfRings: &rings, SystemMaxNumberOfRings: &maxRings}
	writeJSON(w, http.StatusOK, v)
}

// wxPutCallForwarding changes the rules the body names (the others stay) with the reference
// rules (a destination for an enabled rule, E.164 or extension, 2–20 rings). Forwarding to
// voicemail and business continuity are not emulated: enabling them is refused.
func (s *Server) wxPutCallForwarding(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	type fwd struct {
		Enabled                     *bool   `json:"enabled"`
		Destination                 *string `json:"destination"`
		DestinationVoicemailEnabled *bool   `json:"destinationVoicemailEnabled"`
		NumberOfRings               *int    `json:"numberOfRings"`
	}
	var in struct {
		CallForwarding *struct {
			Always   *fwd `json:"always"`
			Busy     *fwd `json:"busy"`
			NoAnswer *fwd `json:"noAnswer"`
		} `json:"callForwarding"`
		BusinessContinuity *fwd `json:"businessContinuity"`
	}
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		u, err := wxPerson(ctx, tx, r.PathValue("personId"))
		if err != nil {
			return err
		}
		cur, version, err := loadCallForwarding(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if bc := in.BusinessContinuity; bc != nil && bc.Enabled != nil && *bc.Enabled {
			return wxBadRequest("Business continuity is not emulated.")
		}
		var next callForwardingInput
		next.Always, next.Busy = cur.Always, cur.Busy
		next.NoAnswer.Enabled, next.NoAnswer.Destination = cur.NoAnswer.Enabled, cur.NoAnswer.Destination
		rings := cur.NoAnswer.Rings
		next.NoAnswer.Rings = &rings
		apply := func(f *fwd, enabled *bool, dest *string) error {
			if f == nil {
				return nil
			}
			if f.DestinationVoicemailEnabled != nil && *f.DestinationVoicemailEnabled {
				return wxBadRequest("Forwarding to voicemail is not emulated.")
			}
			if f.Enabled != nil {
				*enabled = *f.Enabled
			}
			if f.Destination != nil {
				*dest = *f.Destination
			}
			return nil
		}
		if cfIn := in.CallForwarding; cfIn != nil {
			if err := apply(cfIn.Always, &next.Always.Enabled, &next.Always.Destination); err != nil {
				return err
			}
			if err := apply(cfIn.Busy, &next.Busy.Enabled, &next.Busy.Destination); err != nil {
				return err
			}
			if err := apply(cfIn.NoAnswer, &next.NoAnswer.Enabled, &next.NoAnswer.Destination); err != nil {
				return err
			}
			if cfIn.NoAnswer != nil && cfIn.NoAnswer.NumberOfRings != nil {
				rings = *cfIn.NoAnswer.NumberOfRings
			}
		}
		cf, err := next.validate()
		if err != nil {
			return err
		}
		_, err = s.writeCallForwarding(ctx, tx, u.ID, cur, version, cf)
		return err
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// PSTN emergency addresses (not in the repository's specs: webexspec.Unspecified).

type wxEmergencyAddress struct {
	Address1   string `json:"address1"`
	Address2   string `json:"address2,omitempty"`
	City       string `json:"city"`
	State      string `json:"state,omitempty"`
	PostalCode string `json:"postalCode"`
	Country    string `json:"country"`
}

func (a wxEmergencyAddress) rules() rules.Address {
	return rules.Address{Address1: a.Address1, Address2: a.Address2, City: a.City, State: a.State,
		PostalCode: a.PostalCode, Country: a.Country}
}

func emergencyFromRules(a rules.Address) wxEmergencyAddress {
	return wxEmergencyAddress{Address1: a.Address1, Address2: a.Address2, City: a.City, State: a.State,
		PostalCode: a.PostalCode, Country: a.Country}
}

// wxLookupEmergencyAddress validates an address for a location and answers its normalised form
// ({"addresses": [address]}, an emulator choice of shape): 400 naming the first broken rule.
func (s *Server) wxLookupEmergencyAddress(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in wxEmergencyAddress
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	if _, err := wxLocationOf(ctx, s.q(ctx), r.PathValue("locationId")); err != nil {
		s.wxFail(w, r, err)
		return
	}
	if vs := rules.ValidateAddress(in.rules()); len(vs) > 0 {
		s.wxFail(w, r, wxBadRequest("Invalid address: "+vs[0].Field+": "+vs[0].Message))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"addresses": []wxEmergencyAddress{emergencyFromRules(rules.NormalizeAddress(in.rules()))}})
}

// wxPutEmergencyAddress sets the emergency address of a number: the E911 address of the user the
// number is assigned to (the reference e911 row: validated and normalised by internal/rules);
// {} or an empty emergencyAddress resets it to the location's (the row goes). 400 when the
// number is not assigned to a user (an emulator limit: the store keeps addresses per user).
func (s *Server) wxPutEmergencyAddress(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in struct {
		EmergencyAddress *wxEmergencyAddress `json:"emergencyAddress"`
	}
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	number := phoneQueryParam(r.PathValue("phoneNumber"))
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var ent, userID string
		err := tx.QueryRowContext(ctx, `SELECT n.enterprise_id, coalesce(un.user_id, '') FROM numbers n
			LEFT JOIN user_numbers un ON un.phone_number = n.phone_number WHERE n.phone_number = ?`, number).Scan(&ent, &userID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !wxPrincipalFrom(ctx).canSee(ent)) {
			return wxNotFound("Number not found.")
		}
		if err != nil {
			return fmt.Errorf("look up number: %w", err)
		}
		if userID == "" {
			return wxBadRequest("The number is not assigned to a person.")
		}
		if in.EmergencyAddress == nil || *in.EmergencyAddress == (wxEmergencyAddress{}) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM e911_addresses WHERE user_id = ?`, userID); err != nil {
				return fmt.Errorf("reset e911 address: %w", err)
			}
			return nil
		}
		a := *in.EmergencyAddress
		if vs := rules.ValidateAddress(a.rules()); len(vs) > 0 {
			return wxBadRequest("Invalid address: " + vs[0].Field + ": " + vs[0].Message)
		}
		u, err := loadUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		cur, err := loadE911(ctx, tx, userID)
		if err != nil {
			return err
		}
		_, err = s.storeE911(ctx, tx, u, cur, fromRules(a.rules()))
		return err
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Activation emails.

type wxJobCounts struct {
	UserResendInviteSent    int `json:"userResendInviteSent"`
	UserResendInviteFailed  int `json:"userResendInviteFailed"`
	UserResendInviteSkipped int `json:"userResendInviteSkipped"`
	TotalUsers              int `json:"totalUsers"`
}

type wxJobView struct {
	Name                    string      `json:"name"`
	ID                      string      `json:"id"`
	TrackingID              string      `json:"trackingId"`
	SourceUserID            string      `json:"sourceUserId"`
	SourceCustomerID        string      `json:"sourceCustomerId"`
	TargetCustomerID        string      `json:"targetCustomerId"`
	InstanceID              int         `json:"instanceId"`
	LatestExecutionStatus   string      `json:"latestExecutionStatus"`
	LatestExecutionExitCode string      `json:"latestExecutionExitCode"`
	Counts                  wxJobCounts `json:"counts"`
}

// wxJob renders an invitations job as BulkActivationEmailResendJobDetails: queued STARTING,
// running STARTED, succeeded COMPLETED, failed FAILED.
func wxJob(r *http.Request, j *job, org string) wxJobView {
	v := wxJobView{Name: "BulkActivationEmailResendJob", ID: webexID("JOB", j.ID), TrackingID: trackingID(r.Context()),
		SourceUserID: wxPrincipalFrom(r.Context()).tokenID[:16], SourceCustomerID: org, TargetCustomerID: org,
		Counts: wxJobCounts{UserResendInviteSent: j.Sent, UserResendInviteFailed: j.Failed,
			UserResendInviteSkipped: j.Skipped, TotalUsers: j.Sent + j.Failed + j.Skipped}}
	switch j.Status {
	case jobQueued:
		v.LatestExecutionStatus, v.LatestExecutionExitCode = "STARTING", "UNKNOWN"
	case jobRunning:
		v.LatestExecutionStatus, v.LatestExecutionExitCode = "STARTED", "UNKNOWN"
	case jobSucceeded:
		v.LatestExecutionStatus, v.LatestExecutionExitCode = "COMPLETED", "COMPLETED"
		if j.Failed > 0 {
			v.LatestExecutionExitCode = "COMPLETED_WITH_ERRORS"
		}
	default:
		v.LatestExecutionStatus, v.LatestExecutionExitCode = "FAILED", "FAILED"
	}
	return v
}

// wxStartActivationEmails queues the organisation's activation-email job (the reference
// invitations job of the enterprise): 409 while one runs.
func (s *Server) wxStartActivationEmails(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := discardOptionalBody(w, r); err != nil {
		s.wxFail(w, r, wxBadRequest("The request body must be empty or {}."))
		return
	}
	var out *job
	org := r.PathValue("orgId")
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ent, err := wxOrg(ctx, tx, org)
		if err != nil {
			return err
		}
		out, err = s.queueInvitations(ctx, tx, ent, "")
		var ae *apiError
		if errors.As(err, &ae) && ae.Code == "job_in_progress" {
			return wxErr(http.StatusConflict, "An activation email job of this organization is still running; retry once it has finished.")
		}
		return err
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, wxJob(r, out, org))
}

// wxOrgJob loads the invitations job of a Webex job id in the organisation; else 404.
func wxOrgJob(ctx context.Context, q querier, org, wid string) (*job, string, error) {
	ent, err := wxOrg(ctx, q, org)
	if err != nil {
		return nil, "", err
	}
	j, err := loadJob(ctx, q, fromWebexID("JOB", wid))
	if err != nil {
		return nil, "", err
	}
	if j == nil || j.EnterpriseID != ent || j.Kind != jobKindInvitations {
		return nil, "", wxNotFound("Job not found.")
	}
	if err := loadJobResult(ctx, q, j); err != nil {
		return nil, "", err
	}
	return j, ent, nil
}

func (s *Server) wxActivationEmailsStatus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	j, _, err := wxOrgJob(ctx, s.q(ctx), r.PathValue("orgId"), r.PathValue("jobId"))
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wxJob(r, j, r.PathValue("orgId")))
}

// wxActivationEmailsErrors lists the users the job could not email: those of the organisation
// whose activation waits for an invitation and who have no email (as of now).
func (s *Server) wxActivationEmailsErrors(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := s.q(ctx)
	j, ent, err := wxOrgJob(ctx, q, r.PathValue("orgId"), r.PathValue("jobId"))
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	type item struct {
		ItemNumber int    `json:"itemNumber"`
		TrackingID string `json:"trackingId"`
		Error      struct {
			Key     string `json:"key"`
			Message []struct {
				Code       string `json:"code"`
				LocationID string `json:"locationId,omitempty"`
			} `json:"message"`
		} `json:"error"`
	}
	items := []item{}
	if j.Failed > 0 {
		users, err := queryAll(ctx, q, `SELECT u.id, u.group_id FROM users u JOIN activations a ON a.user_id = u.id
			WHERE u.enterprise_id = ? AND u.email = '' AND a.status IN (`+placeholders(len(invitableStatuses))+`) ORDER BY u.id`,
			append([]any{ent}, anySlice(invitableStatuses)...), func(sc scanner) ([2]string, error) {
				var x [2]string
				return x, sc.Scan(&x[0], &x[1])
			})
		if err != nil {
			s.wxFail(w, r, err)
			return
		}
		for i, x := range users {
			var it item
			it.ItemNumber, it.TrackingID = i+1, trackingID(ctx)
			it.Error.Key = "400"
			it.Error.Message = append(it.Error.Message, struct {
				Code       string `json:"code"`
				LocationID string `json:"locationId,omitempty"`
			}{Code: "user " + webexID("PEOPLE", x[0]) + " has no email", LocationID: webexID("LOCATION", x[1])})
			items = append(items, it)
		}
	}
	maxN, err := wxMax(r, 50, 1000)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	if len(items) > maxN {
		items = items[:maxN]
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
