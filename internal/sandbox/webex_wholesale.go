package sandbox

// Webex for Wholesale (api/specs/webex/webex-wholesale.json): customers (the enterprises) and
// subscribers (a user of the customer with an activation).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// wholesalePackages are the wholesale packages the emulator provisions: the store's activation
// packages. The others of the spec (cx_essentials, webex_calling_standard, …) are refused with
// 400 (an emulator limit).
var wholesalePackages = activationPackages

// callingPackages are the packages that include Webex Calling: they need a number or an
// extension at a location.
var callingPackages = []string{"webex_calling", "webex_suite", "webex_voice"}

func (s *Server) wxWholesaleRoutes() []wxRoute {
	const (
		custR = ScopeWholesaleCustomersRead
		subR  = ScopeWholesaleSubscribersRead
		subW  = ScopeWholesaleSubscribersWrite
	)
	return []wxRoute{
		{pattern: "GET /v1/wholesale/customers", scope: custR, handler: s.wsListCustomers},
		{pattern: "GET /v1/wholesale/customers/{customerId}", scope: custR, handler: s.wsGetCustomer},
		{pattern: "GET /v1/wholesale/subscribers", scope: subR, handler: s.wsListSubscribers},
		{pattern: "POST /v1/wholesale/subscribers", scope: subW, handler: s.wsCreateSubscriber},
		{pattern: "GET /v1/wholesale/subscribers/{subscriberId}", scope: subR, handler: s.wsGetSubscriber},
		{pattern: "PUT /v1/wholesale/subscribers/{subscriberId}", scope: subW, handler: s.wsUpdateSubscriber},
		{pattern: "DELETE /v1/wholesale/subscribers/{subscriberId}", scope: subW, handler: s.wsDeleteSubscriber},
		{pattern: "POST /v1/wholesale/subscribers/validate", scope: subW, handler: s.wsValidateSubscriber},
	}
}

// Customers.

type wsAddress struct {
	AddressLine1    string `json:"addressLine1"`
	AddressLine2    string `json:"addressLine2,omitempty"`
	City            string `json:"city"`
	StateOrProvince string `json:"stateOrProvince,omitempty"`
	ZipOrPostalCode string `json:"zipOrPostalCode"`
	Country         string `json:"country"`
}

type wsCustomerView struct {
	ID         string    `json:"id"`
	OrgID      string    `json:"orgId"`
	ExternalID string    `json:"externalId"`
	Address    wsAddress `json:"address"`
	Status     string    `json:"status"`
	Packages   []string  `json:"packages"`
}

// wsCustomer is the customer view of enterprise ent: externalId is the enterprise id, the
// address that of its first location with one, status provisioned, the packages those the
// emulator provisions.
func wsCustomer(ctx context.Context, q querier, ent string) (wsCustomerView, error) {
	org, err := orgIDOf(ctx, q, ent)
	if err != nil {
		return wsCustomerView{}, err
	}
	v := wsCustomerView{ID: webexID("CUSTOMER", ent), OrgID: org, ExternalID: ent, Status: "provisioned",
		Packages: slices.Clone(wholesalePackages)}
	err = q.QueryRowContext(ctx, `SELECT l.address1, l.address2, l.city, l.state, l.postal_code, l.country
		FROM webex_locations l JOIN groups g ON g.id = l.group_id WHERE g.enterprise_id = ? ORDER BY g.id LIMIT 1`, ent).
		Scan(&v.Address.AddressLine1, &v.Address.AddressLine2, &v.Address.City, &v.Address.StateOrProvince,
			&v.Address.ZipOrPostalCode, &v.Address.Country)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("load customer address: %w", err)
	}
	return v, nil
}

// visibleEnterprises lists the enterprises the caller may see, by id.
func visibleEnterprises(ctx context.Context, q querier) ([]string, error) {
	ids, err := queryAll(ctx, q, `SELECT id FROM enterprises ORDER BY id`, nil, func(sc scanner) (string, error) {
		var id string
		return id, sc.Scan(&id)
	})
	if err != nil {
		return nil, err
	}
	p := wxPrincipalFrom(ctx)
	return slices.DeleteFunc(ids, func(id string) bool { return !p.canSee(id) }), nil
}

func (s *Server) wsListCustomers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	maxN, err := wxMax(r, 100, 100)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	off, err := wxOffset(r, "offset")
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	q := s.q(ctx)
	ids, err := visibleEnterprises(ctx, q)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	qv := r.URL.Query()
	var items []wsCustomerView
	for _, id := range ids {
		c, err := wsCustomer(ctx, q, id)
		if err != nil {
			s.wxFail(w, r, err)
			return
		}
		if (qv.Get("externalId") != "" && c.ExternalID != qv.Get("externalId")) || (qv.Get("orgId") != "" && c.OrgID != qv.Get("orgId")) {
			continue
		}
		if sts := qv["status"]; len(sts) > 0 && !slices.Contains(sts, c.Status) {
			continue
		}
		items = append(items, c)
	}
	items = items[min(off, len(items)):]
	items = wxOffsetPage(w, r, "offset", off, maxN, items)
	writeJSON(w, http.StatusOK, wxList(items))
}

// wsCustomerOf resolves a Webex customer id to an enterprise the caller may see; else 404.
func wsCustomerOf(ctx context.Context, q querier, wid string) (string, error) {
	ent := fromWebexID("CUSTOMER", wid)
	if err := wxEnterprise(ctx, q, ent); err != nil {
		return "", wxNotFound("Customer not found.")
	}
	return ent, nil
}

func (s *Server) wsGetCustomer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := s.q(ctx)
	ent, err := wsCustomerOf(ctx, q, r.PathValue("customerId"))
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	c, err := wsCustomer(ctx, q, ent)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// Subscribers.

type wsSubscriberView struct {
	ID                 string             `json:"id"`
	PersonID           string             `json:"personId"`
	Email              string             `json:"email"`
	CustomerID         string             `json:"customerId"`
	ExternalCustomerID string             `json:"externalCustomerId"`
	Package            string             `json:"package"`
	Packages           []string           `json:"packages"`
	Status             string             `json:"status"`
	Errors             []webexErrorDetail `json:"errors,omitempty"`
	Created            string             `json:"created"`
	LastStatusChange   string             `json:"lastStatusChange"`
}

// wsStatus is the wholesale status: pending_user_migration, else provisioned (the spec's two
// values; the person's invitePending tells whether the user has activated).
func (x *subscriberRow) wsStatus() string {
	if x.Status == activationPendingUserMigration {
		return activationPendingUserMigration
	}
	return activationProvisioned
}

func (x *subscriberRow) wsView() wsSubscriberView {
	return wsSubscriberView{ID: webexID("SUBSCRIBER", x.UserID), PersonID: webexID("PEOPLE", x.UserID), Email: x.Email,
		CustomerID: webexID("CUSTOMER", x.EnterpriseID), ExternalCustomerID: x.EnterpriseID, Package: x.Package,
		Packages: []string{x.Package}, Status: x.wsStatus(), Errors: x.errorsView(), Created: rfc3339Millis(x.Created),
		LastStatusChange: rfc3339Millis(x.Updated)}
}

// wsProvisioning is provisioningParameters.
type wsProvisioning struct {
	FirstName          *string `json:"firstName"`
	LastName           *string `json:"lastName"`
	PrimaryPhoneNumber *string `json:"primaryPhoneNumber"`
	Extension          *string `json:"extension"`
	LocationID         *string `json:"locationId"`
}

type wsSubscriberInput struct {
	CustomerID             *string         `json:"customerId"`
	Email                  *string         `json:"email"`
	Package                *string         `json:"package"`
	Packages               []string        `json:"packages"`
	ProvisioningParameters *wsProvisioning `json:"provisioningParameters"`
}

// pkg is the one package of the input ("" = none): packages[0] wins over the deprecated package.
func (in *wsSubscriberInput) pkg() (string, error) {
	p := str(in.Package)
	if len(in.Packages) > 1 {
		return "", wxBadRequest("Invalid Parameter Value: packages takes one package")
	}
	if len(in.Packages) == 1 {
		p = in.Packages[0]
	}
	if p != "" && !slices.Contains(wholesalePackages, p) {
		return "", wxBadRequest("Invalid Parameter Value: package " + p + " is not provisioned by this emulator (one of " +
			strings.Join(wholesalePackages, ", ") + ")")
	}
	return p, nil
}

// wxLocation resolves a Webex locationId to a group of enterprise ent; else 400.
func wxLocation(ctx context.Context, q querier, ent, wid string) (*group, error) {
	g, err := loadGroup(ctx, q, fromWebexID("LOCATION", wid))
	if err != nil {
		return nil, err
	}
	if g == nil || g.EnterpriseID != ent {
		return nil, wxBadRequest("Invalid Parameter Value: locationId is not a location of the organization")
	}
	return g, nil
}

// firstGroup is the enterprise's first group (where a person without a location goes).
func firstGroup(ctx context.Context, q querier, ent string) (string, error) {
	var id string
	err := q.QueryRowContext(ctx, `SELECT id FROM groups WHERE enterprise_id = ? ORDER BY id LIMIT 1`, ent).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", wxBadRequest("The organization has no location.")
	}
	if err != nil {
		return "", fmt.Errorf("look up location: %w", err)
	}
	return id, nil
}

// wxInsertUser creates a user (a person) the way POST /v1/enterprises/{ent}/users does: the
// rules of internal/rules, email unique.
func (s *Server) wxInsertUser(ctx context.Context, tx *sql.Tx, u *user) error {
	now := s.timestamp()
	u.ID, u.Version, u.CreatedAt, u.UpdatedAt = newID("usr_"), 1, now, now
	if err := validateUserFields(u, func(string) bool { return true }); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO users (id, enterprise_id, group_id, first_name, last_name, department,
		time_zone, mobile_number, email, email_norm, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.EnterpriseID, u.GroupID, u.FirstName, u.LastName, u.Department, u.TimeZone, u.MobileNumber, u.Email,
		emailNorm(u.Email), u.Version, u.CreatedAt, u.UpdatedAt)
	if err != nil {
		return s.userWriteError(ctx, tx, u, err)
	}
	return nil
}

// wxAssignNumber gives u phone and extension ("" = none; both "" removes the assignment) with
// the rules of PUT /v1/users/{usr}/number: E.164 and extension rules, the number from the
// inventory of the user's group, unique in use (409). A number activated at its location
// (webex_active_numbers) or already active stays active; a new one is inactive.
func (s *Server) wxAssignNumber(ctx context.Context, tx *sql.Tx, u *user, phone, ext string) error {
	cur, err := loadAssignment(ctx, tx, u.ID)
	if err != nil {
		return err
	}
	if phone == "" && ext == "" {
		if cur == nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_numbers WHERE user_id = ?`, u.ID); err != nil {
			return fmt.Errorf("unassign number: %w", err)
		}
		if cur.PhoneNumber != "" {
			return s.markE911NeedsReview(ctx, tx, u.ID)
		}
		return nil
	}
	in := numberInput{PhoneNumber: phone, Extension: ext}
	if err := validateNumberInput(in); err != nil {
		return err
	}
	state := ""
	if phone != "" {
		var active bool
		err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM webex_active_numbers WHERE phone_number = ?)
			FROM numbers WHERE phone_number = ? AND enterprise_id = ? AND group_id = ?`, phone, phone, u.EnterpriseID, u.GroupID).Scan(&active)
		if errors.Is(err, sql.ErrNoRows) {
			return wxBadRequest("The number " + phone + " is not a number of the location.")
		}
		if err != nil {
			return fmt.Errorf("look up inventory: %w", err)
		}
		state = numberStateInactive
		if active || (cur != nil && cur.PhoneNumber == phone && cur.State == numberStateActive) {
			state = numberStateActive
		}
	}
	if cur != nil && cur.PhoneNumber == phone && cur.Extension == ext && cur.State == state {
		return nil
	}
	now := s.timestamp()
	if cur == nil {
		_, err = tx.ExecContext(ctx, `INSERT INTO user_numbers (user_id, enterprise_id, phone_number, extension, number_state,
			version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)`, u.ID, u.EnterpriseID, nullIfEmpty(phone),
			nullIfEmpty(ext), state, now, now)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE user_numbers SET phone_number = ?, extension = ?, number_state = ?, version = version + 1,
			updated_at = ? WHERE user_id = ?`, nullIfEmpty(phone), nullIfEmpty(ext), state, now, u.ID)
	}
	if err != nil {
		return numberWriteError(ctx, tx, u, in, err)
	}
	if cur != nil && cur.PhoneNumber != "" && cur.PhoneNumber != phone {
		return s.markE911NeedsReview(ctx, tx, u.ID)
	}
	return nil
}

// wsCreateSubscriber provisions a subscriber: the person with that email in the customer (or a
// new one at locationId, the enterprise's first location without one) gets an activation. A
// calling package needs primaryPhoneNumber or extension unless the person has one. 200, or 202
// pending_user_migration when the email is a Webex account of another organisation.
func (s *Server) wsCreateSubscriber(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in wsSubscriberInput
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	var out *subscriberRow
	err := s.tx(ctx, func(tx *sql.Tx) error {
		switch {
		case str(in.CustomerID) == "":
			return wxNull("customerId")
		case str(in.Email) == "":
			return wxNull("email")
		case in.ProvisioningParameters == nil:
			return wxNull("provisioningParameters")
		}
		if err := checkSize("email", *in.Email); err != nil {
			return err
		}
		pkg, err := in.pkg()
		if err != nil {
			return err
		}
		if pkg == "" {
			return wxNull("packages")
		}
		if err := rules.ValidateEmail(*in.Email); err != nil {
			return wxBadRequest("Invalid Parameter Value: email")
		}
		ent, err := wsCustomerOf(ctx, tx, *in.CustomerID)
		if err != nil {
			return err
		}
		pp := in.ProvisioningParameters
		for _, f := range []struct {
			name string
			v    *string
		}{{"firstName", pp.FirstName}, {"lastName", pp.LastName}, {"primaryPhoneNumber", pp.PrimaryPhoneNumber}, {"extension", pp.Extension}} {
			if f.v != nil {
				if err := checkSize(f.name, *f.v); err != nil {
					return err
				}
			}
		}
		var u *user
		var holderID, holderEnt string
		err = tx.QueryRowContext(ctx, `SELECT id, enterprise_id FROM users WHERE email_norm = ?`, strings.ToLower(*in.Email)).
			Scan(&holderID, &holderEnt)
		switch {
		case err == nil && holderEnt != ent:
			return wxErr(http.StatusConflict, "The email address belongs to a user of another customer.")
		case err == nil:
			if u, err = loadUser(ctx, tx, holderID); err != nil {
				return err
			}
			a, err := loadActivation(ctx, tx, u.ID)
			if err != nil {
				return err
			}
			if a != nil {
				return wxErr(http.StatusConflict, "The user is already a subscriber.")
			}
			if str(pp.LocationID) != "" {
				if g, err := wxLocation(ctx, tx, ent, *pp.LocationID); err != nil {
					return err
				} else if g.ID != u.GroupID {
					return wxBadRequest("The user is in another location (moving users between locations is not emulated).")
				}
			}
		case errors.Is(err, sql.ErrNoRows):
			if str(pp.FirstName) == "" {
				return wxNull("provisioningParameters.firstName")
			}
			if str(pp.LastName) == "" {
				return wxNull("provisioningParameters.lastName")
			}
			u = &user{EnterpriseID: ent, FirstName: *pp.FirstName, LastName: *pp.LastName, Email: *in.Email}
			if str(pp.LocationID) != "" {
				g, err := wxLocation(ctx, tx, ent, *pp.LocationID)
				if err != nil {
					return err
				}
				u.GroupID = g.ID
			} else {
				if slices.Contains(callingPackages, pkg) {
					return wxNull("provisioningParameters.locationId")
				}
				if u.GroupID, err = firstGroup(ctx, tx, ent); err != nil {
					return err
				}
			}
			if err := s.wxInsertUser(ctx, tx, u); err != nil {
				return err
			}
		default:
			return fmt.Errorf("look up email: %w", err)
		}
		if err := s.wsApplyNumbers(ctx, tx, u, pkg, pp.PrimaryPhoneNumber, pp.Extension); err != nil {
			return err
		}
		if err := s.wxSubscribe(ctx, tx, u, pkg, "wholesale", "", "", ""); err != nil {
			return err
		}
		out, err = loadSubscriber(ctx, tx, u.ID)
		return err
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	v := out.wsView()
	w.Header().Set("Location", "/v1/wholesale/subscribers/"+v.ID)
	status := http.StatusOK
	if v.Status == activationPendingUserMigration {
		status = http.StatusAccepted
	}
	writeJSON(w, status, v)
}

// wsApplyNumbers sets the person's number and extension from provisioning parameters (nil =
// keep; "" = remove that one) and enforces that a calling package has one of them.
func (s *Server) wsApplyNumbers(ctx context.Context, tx *sql.Tx, u *user, pkg string, phone, ext *string) error {
	cur, err := loadAssignment(ctx, tx, u.ID)
	if err != nil {
		return err
	}
	nextPhone, nextExt := "", ""
	if cur != nil {
		nextPhone, nextExt = cur.PhoneNumber, cur.Extension
	}
	if phone != nil {
		nextPhone = *phone
		if nextPhone != "" {
			e164, err := rules.ToE164(nextPhone, "US")
			if err != nil {
				return wxBadRequest("Invalid Parameter Value: primaryPhoneNumber")
			}
			nextPhone = e164
		}
	}
	if ext != nil {
		nextExt = *ext
	}
	if slices.Contains(callingPackages, pkg) && nextPhone == "" && nextExt == "" {
		return wxNull("provisioningParameters.primaryPhoneNumber or provisioningParameters.extension")
	}
	if phone == nil && ext == nil {
		return nil
	}
	return s.wxAssignNumber(ctx, tx, u, nextPhone, nextExt)
}

// wsSubscriberOf loads a wholesale subscriber the caller may see; else 404.
func (s *Server) wsSubscriberOf(ctx context.Context, q querier, wid string) (*subscriberRow, error) {
	return wxSubscriber(ctx, q, wid)
}

func (s *Server) wsGetSubscriber(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	x, err := s.wsSubscriberOf(ctx, s.q(ctx), r.PathValue("subscriberId"))
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, x.wsView())
}

// wsUpdateSubscriber changes the package (a provisioned activation goes through updating) and the
// person's number and extension; a different locationId is refused (not emulated).
func (s *Server) wsUpdateSubscriber(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in wsSubscriberInput
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	var out *subscriberRow
	err := s.tx(ctx, func(tx *sql.Tx) error {
		x, err := s.wsSubscriberOf(ctx, tx, r.PathValue("subscriberId"))
		if err != nil {
			return err
		}
		pkg, err := in.pkg()
		if err != nil {
			return err
		}
		if pkg == "" {
			pkg = x.Package
		}
		u, err := loadUser(ctx, tx, x.UserID)
		if err != nil {
			return err
		}
		var phone, ext *string
		if pp := in.ProvisioningParameters; pp != nil {
			phone, ext = pp.PrimaryPhoneNumber, pp.Extension
			if str(pp.LocationID) != "" {
				g, err := wxLocation(ctx, tx, u.EnterpriseID, *pp.LocationID)
				if err != nil {
					return err
				}
				if g.ID != u.GroupID {
					return wxBadRequest("Moving a subscriber to another location is not emulated.")
				}
			}
		}
		if err := s.wsApplyNumbers(ctx, tx, u, pkg, phone, ext); err != nil {
			return err
		}
		if pkg != x.Package {
			if _, err := tx.ExecContext(ctx, `UPDATE activations SET package = ?, updated_at = ? WHERE user_id = ?`,
				pkg, s.timestamp(), u.ID); err != nil {
				return fmt.Errorf("change package: %w", err)
			}
			if x.Status == activationProvisioned {
				if err := s.wxStartUpdate(ctx, tx, u); err != nil {
					return err
				}
			}
		}
		out, err = loadSubscriber(ctx, tx, u.ID)
		return err
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out.wsView())
}

// wsDeleteSubscriber removes the subscriber and its person (the user and everything that hangs
// off it, its number back to the inventory): User Hub's "delete user".
func (s *Server) wsDeleteSubscriber(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		x, err := s.wsSubscriberOf(ctx, tx, r.PathValue("subscriberId"))
		if err != nil {
			return err
		}
		u, err := loadUser(ctx, tx, x.UserID)
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

func (s *Server) wsValidateSubscriber(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in wsSubscriberInput
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	if str(in.Email) == "" {
		s.wxFail(w, r, wxNull("email"))
		return
	}
	if _, err := in.pkg(); err != nil {
		s.wxFail(w, r, err)
		return
	}
	q := s.q(ctx)
	if str(in.CustomerID) != "" {
		if _, err := wsCustomerOf(ctx, q, *in.CustomerID); err != nil {
			s.wxFail(w, r, err)
			return
		}
	}
	v, err := wxPrecheck(ctx, q, *in.Email, "")
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) wsListSubscribers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	maxN, err := wxMax(r, 50, 100)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	off, err := wxOffset(r, "offset")
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	qv := r.URL.Query()
	where, args := []string{"1"}, []any{}
	p := wxPrincipalFrom(ctx)
	if p.enterprises != nil {
		where = append(where, "u.enterprise_id IN ("+placeholders(len(p.enterprises))+")")
		for _, e := range p.enterprises {
			args = append(args, e)
		}
	}
	if v := qv.Get("customerId"); v != "" {
		where, args = append(where, "u.enterprise_id = ?"), append(args, fromWebexID("CUSTOMER", v))
	}
	if v := qv.Get("externalCustomerId"); v != "" {
		where, args = append(where, "u.enterprise_id = ?"), append(args, v)
	}
	if v := qv.Get("personId"); v != "" {
		where, args = append(where, "u.id = ?"), append(args, fromWebexID("PEOPLE", v))
	}
	if v := qv.Get("email"); v != "" {
		where, args = append(where, "u.email_norm = ?"), append(args, strings.ToLower(v))
	}
	switch v := qv.Get("status"); v {
	case "":
	case activationPendingUserMigration:
		where = append(where, "a.status = 'pending_user_migration'")
	case activationProvisioned:
		where = append(where, "a.status <> 'pending_user_migration'")
	default:
		s.wxFail(w, r, wxBadRequest("Invalid Parameter Value: status"))
		return
	}
	for _, tp := range []struct{ param, col string }{{"after", "a.created_at"}, {"lastStatusChange", "a.updated_at"}} {
		if v := qv.Get(tp.param); v != "" {
			t, err := parseWebexTime(v)
			if err != nil {
				s.wxFail(w, r, wxBadRequest("Invalid Parameter Value: "+tp.param))
				return
			}
			where, args = append(where, tp.col+" > ?"), append(args, t.UTC().Format("2006-01-02T15:04:05Z07:00"))
		}
	}
	order := "u.id"
	switch qv.Get("sortBy") {
	case "", "id":
	case "created":
		order = "a.created_at, u.id"
	case "lastStatusChange":
		order = "a.updated_at, u.id"
	case "email":
		order = "u.email_norm, u.id"
	default:
		s.wxFail(w, r, wxBadRequest("Invalid Parameter Value: sortBy"))
		return
	}
	if strings.EqualFold(qv.Get("sortOrder"), "DESC") {
		order = strings.ReplaceAll(order+",", ",", " DESC,")
		order = strings.TrimSuffix(order, ",")
	}
	rows, err := queryAll(ctx, s.q(ctx), subscriberSelect+` WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+
		` LIMIT ? OFFSET ?`, append(args, maxN+1, off), scanSubscriber)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	rows = wxOffsetPage(w, r, "offset", off, maxN, rows)
	views := make([]wsSubscriberView, len(rows))
	for i, x := range rows {
		views[i] = x.wsView()
	}
	writeJSON(w, http.StatusOK, wxList(views))
}
