package sandbox

// Webex for BroadWorks (api/specs/webex/webex-broadworks.json): subscribers (the activations of
// users named by their BroadWorks user id), enterprises and their directory sync.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// bwPackages maps the Webex for BroadWorks packages to the store's activation packages (an
// emulator choice: a one-to-one mapping so that both front-ends show the same row).
var bwPackages = map[string]string{
	"softphone": "webex_voice",
	"basic":     "webex_calling",
	"standard":  "webex_meetings",
	"premium":   "webex_suite",
}

func bwPackageOf(activationPkg string) string {
	for k, v := range bwPackages {
		if v == activationPkg {
			return k
		}
	}
	return "basic"
}

// bwSubscriberStatuses are the status values of the spec.
var bwSubscriberStatuses = []string{activationPendingEmailInput, activationPendingEmailValidation,
	activationPendingUserMigration, activationProvisioning, activationProvisioned, activationUpdating, activationError}

func (s *Server) wxBroadWorksRoutes() []wxRoute {
	const (
		subR = ScopeBroadWorksSubscribersRead
		subW = ScopeBroadWorksSubscribersWrite
		entR = ScopeBroadWorksEnterprisesRead
		entW = ScopeBroadWorksEnterprisesWrite
	)
	return []wxRoute{
		{pattern: "GET /v1/broadworks/subscribers", scope: subR, handler: s.bwListSubscribers},
		{pattern: "POST /v1/broadworks/subscribers", scope: subW, handler: s.bwCreateSubscriber},
		{pattern: "GET /v1/broadworks/subscribers/{subscriberId}", scope: subR, handler: s.bwGetSubscriber},
		{pattern: "PUT /v1/broadworks/subscribers/{subscriberId}", scope: subW, handler: s.bwUpdateSubscriber},
		{pattern: "DELETE /v1/broadworks/subscribers/{subscriberId}", scope: subW, handler: s.bwDeleteSubscriber},
		{pattern: "POST /v1/broadworks/subscribers/validate", scope: subW, handler: s.bwValidateSubscriber},
		{pattern: "POST /v1/subscribers/{subscriberId}/emails/consentMove", scope: subW + "|" + ScopeWholesaleSubscribersWrite,
			handler: s.wxConsentMove},
		{pattern: "GET /v1/broadworks/enterprises", scope: entR, handler: s.bwListEnterprises},
		{pattern: "GET /v1/broadworks/enterprises/{id}/broadworksDirectorySync", scope: entR, handler: s.bwGetDirSync},
		{pattern: "POST /v1/broadworks/enterprises/{id}/broadworksDirectorySync", scope: entW, handler: s.bwSyncNow},
		{pattern: "PUT /v1/broadworks/enterprises/{id}/broadworksDirectorySync", scope: entW, handler: s.bwEnableDirSync},
	}
}

// subscriberRow is an activation with what the Webex subscriber objects show of its user.
type subscriberRow struct {
	UserID, EnterpriseID, GroupID, BWUserID string
	FirstName, LastName, Email, Mobile      string
	Phone, Extension                        string
	Package, Status, ErrorCode, ErrorText   string
	Created, Updated                        string
	ProvisioningID, FrontEnd                string
}

const subscriberSelect = `SELECT u.id, u.enterprise_id, u.group_id, coalesce(u.bw_user_id, ''), u.first_name, u.last_name,
	u.email, u.mobile_number, coalesce(un.phone_number, ''), coalesce(un.extension, ''), a.package, a.status, a.error_code,
	a.error_text, a.created_at, a.updated_at, coalesce(ws.provisioning_id, ''), coalesce(ws.front_end, '')
	FROM activations a JOIN users u ON u.id = a.user_id LEFT JOIN user_numbers un ON un.user_id = u.id
	LEFT JOIN webex_subscribers ws ON ws.user_id = u.id`

func scanSubscriber(sc scanner) (*subscriberRow, error) {
	var x subscriberRow
	err := sc.Scan(&x.UserID, &x.EnterpriseID, &x.GroupID, &x.BWUserID, &x.FirstName, &x.LastName, &x.Email, &x.Mobile,
		&x.Phone, &x.Extension, &x.Package, &x.Status, &x.ErrorCode, &x.ErrorText, &x.Created, &x.Updated,
		&x.ProvisioningID, &x.FrontEnd)
	return &x, err
}

// loadSubscriber is the subscriber of user id, nil when the user has no activation.
func loadSubscriber(ctx context.Context, q querier, userID string) (*subscriberRow, error) {
	x, err := scanSubscriber(q.QueryRowContext(ctx, subscriberSelect+` WHERE a.user_id = ?`, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load subscriber: %w", err)
	}
	return x, nil
}

// wxSubscriber loads the subscriber of a Webex subscriber id the caller may see; else 404.
func wxSubscriber(ctx context.Context, q querier, wid string) (*subscriberRow, error) {
	id := fromWebexID("SUBSCRIBER", wid)
	if id == "" {
		return nil, wxNotFound("Subscriber not found.")
	}
	x, err := loadSubscriber(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if x == nil || !wxPrincipalFrom(ctx).canSee(x.EnterpriseID) {
		return nil, wxNotFound("Subscriber not found.")
	}
	return x, nil
}

// webexStatus is the Webex status of an activation: a queued one shows the state the worker
// moves it to next.
func (x *subscriberRow) webexStatus() string {
	if x.Status == activationQueued {
		if x.Email == "" {
			return activationPendingEmailInput
		}
		return activationPendingEmailValidation
	}
	return x.Status
}

// errorsView is the subscriber's errors[] (status error only).
func (x *subscriberRow) errorsView() []webexErrorDetail {
	if x.Status != activationError {
		return nil
	}
	code := webexCodeProvisioning
	if x.ErrorCode == "email_conflict" {
		code = webexCodeEmailConflict
	}
	return []webexErrorDetail{{ErrorCode: code, Description: nonEmpty(x.ErrorText, "provisioning failed")}}
}

// bwSubscriberView is the Subscriber of webex-broadworks.json.
type bwSubscriberView struct {
	ID                 string             `json:"id"`
	PersonID           string             `json:"personId,omitempty"`
	UserID             string             `json:"userId"`
	SPEnterpriseID     string             `json:"spEnterpriseId"`
	FirstName          string             `json:"firstName"`
	LastName           string             `json:"lastName"`
	Email              string             `json:"email,omitempty"`
	PrimaryPhoneNumber string             `json:"primaryPhoneNumber,omitempty"`
	MobilePhoneNumber  string             `json:"mobilePhoneNumber,omitempty"`
	Extension          string             `json:"extension,omitempty"`
	Package            string             `json:"package"`
	Status             string             `json:"status"`
	Errors             []webexErrorDetail `json:"errors,omitempty"`
	Created            string             `json:"created"`
	LastStatusChange   string             `json:"lastStatusChange"`
	ProvisioningID     string             `json:"provisioningId"`
	SelfActivated      bool               `json:"selfActivated"`
}

func (x *subscriberRow) bwView() bwSubscriberView {
	v := bwSubscriberView{
		ID: webexID("SUBSCRIBER", x.UserID), UserID: nonEmpty(x.BWUserID, derivedBWUserID(x.UserID, x.EnterpriseID)),
		SPEnterpriseID: x.EnterpriseID,
		FirstName:      x.FirstName, LastName: x.LastName, Email: x.Email, PrimaryPhoneNumber: x.Phone,
		MobilePhoneNumber: x.Mobile, Extension: x.Extension, Package: bwPackageOf(x.Package),
		Status: x.webexStatus(), Errors: x.errorsView(), Created: rfc3339Millis(x.Created),
		LastStatusChange: rfc3339Millis(x.Updated), ProvisioningID: x.ProvisioningID,
	}
	if x.Status == activationProvisioned || x.Status == activationUpdating {
		v.PersonID = webexID("PEOPLE", x.UserID)
	}
	return v
}

// derivedBWUserID is the BroadWorks user id of a user that has none yet: the one the OCI-P
// front-end gives it when it is first read there (platforms.go).
func derivedBWUserID(userID, ent string) string { return userID + "@" + ent + ".invalid" }

// bwUserByID finds the user whose BroadWorks user id is userID (case-insensitive). A user that
// has none yet is found by the id the OCI-P front-end gives it, usr_…@<enterprise>.invalid
// (platforms.go), which is then recorded.
func bwUserByID(ctx context.Context, tx *sql.Tx, userID string) (*user, error) {
	var id string
	err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE lower(bw_user_id) = lower(?)`, userID).Scan(&id)
	if err == nil {
		return loadUser(ctx, tx, id)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("look up broadworks user: %w", err)
	}
	local, domain, ok := strings.Cut(userID, "@")
	ent, ok2 := strings.CutSuffix(domain, ".invalid")
	if !ok || !ok2 {
		return nil, nil
	}
	u, err := loadUser(ctx, tx, local)
	if err != nil || u == nil || u.EnterpriseID != ent {
		return nil, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE users SET bw_user_id = ? WHERE id = ? AND bw_user_id IS NULL`, userID, u.ID)
	if err != nil {
		return nil, fmt.Errorf("record broadworks user id: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, nil // it has another BroadWorks user id
	}
	return u, nil
}

// bwSubscriberInput is the body of POST and PUT /v1/broadworks/subscribers (and validate).
type bwSubscriberInput struct {
	ProvisioningID     *string `json:"provisioningId"`
	UserID             *string `json:"userId"`
	SPEnterpriseID     *string `json:"spEnterpriseId"`
	FirstName          *string `json:"firstName"`
	LastName           *string `json:"lastName"`
	Package            *string `json:"package"`
	PrimaryPhoneNumber *string `json:"primaryPhoneNumber"`
	MobilePhoneNumber  *string `json:"mobilePhoneNumber"`
	Extension          *string `json:"extension"`
	Email              *string `json:"email"`
	Language           *string `json:"language"`
	Timezone           *string `json:"timezone"`
	CustomerInfo       *struct {
		PrimaryEmail string `json:"primaryEmail"`
	} `json:"customerInfo"`
}

func (in *bwSubscriberInput) fields() []struct {
	name string
	v    *string
} {
	return []struct {
		name string
		v    *string
	}{
		{"provisioningId", in.ProvisioningID}, {"userId", in.UserID}, {"spEnterpriseId", in.SPEnterpriseID},
		{"firstName", in.FirstName}, {"lastName", in.LastName}, {"package", in.Package},
		{"primaryPhoneNumber", in.PrimaryPhoneNumber}, {"mobilePhoneNumber", in.MobilePhoneNumber},
		{"extension", in.Extension}, {"email", in.Email}, {"language", in.Language}, {"timezone", in.Timezone},
	}
}

// check applies 1001 (required: these names must be present and not empty) and 1002 (sizes),
// then the value rules of the fields that are present.
func (in *bwSubscriberInput) check(required ...string) error {
	for _, f := range in.fields() {
		if slices.Contains(required, f.name) && (f.v == nil || strings.TrimSpace(*f.v) == "") {
			return wxNull(f.name)
		}
	}
	for _, f := range in.fields() {
		if f.v != nil {
			if err := checkSize(f.name, *f.v); err != nil {
				return err
			}
		}
	}
	if in.Package != nil {
		if _, ok := bwPackages[*in.Package]; !ok {
			return wxBadRequest("Invalid Parameter Value: package must be one of softphone, basic, standard, premium")
		}
	}
	if in.Email != nil && *in.Email != "" {
		if err := rules.ValidateEmail(*in.Email); err != nil {
			return wxBadRequest("Invalid Parameter Value: email")
		}
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"primaryPhoneNumber", in.PrimaryPhoneNumber}, {"mobilePhoneNumber", in.MobilePhoneNumber}} {
		if f.v != nil && *f.v != "" {
			if _, err := rules.ToE164(*f.v, "US"); err != nil {
				return wxBadRequest("Invalid Parameter Value: " + f.name)
			}
		}
	}
	if in.Extension != nil && *in.Extension != "" {
		if err := rules.ValidateExtension(*in.Extension); err != nil {
			return wxBadRequest("Invalid Parameter Value: extension")
		}
	}
	if in.Timezone != nil && *in.Timezone != "" {
		if err := rules.ValidateTimeZone(*in.Timezone); err != nil {
			return wxBadRequest("Invalid Parameter Value: timezone")
		}
	}
	return nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// wxUpdateUser writes the user fields a Webex front-end changes (names, email, department, mobile number,
// time zone) with the rules of PATCH /v1/users/{usr}: validation, the userUpdateChecks hooks
// (imp_enabled), email uniqueness; a new version when anything changed.
func (s *Server) wxUpdateUser(ctx context.Context, tx *sql.Tx, before *user, change func(*user)) (*user, error) {
	after := *before
	change(&after)
	changed := map[string]bool{
		"firstName": after.FirstName != before.FirstName, "lastName": after.LastName != before.LastName,
		"email": after.Email != before.Email, "mobileNumber": after.MobileNumber != before.MobileNumber,
		"timeZone": after.TimeZone != before.TimeZone, "department": after.Department != before.Department,
	}
	if !slices.Contains([]bool{changed["firstName"], changed["lastName"], changed["email"], changed["mobileNumber"],
		changed["timeZone"], changed["department"]}, true) {
		return before, nil
	}
	if err := validateUserFields(&after, func(f string) bool { return changed[f] }); err != nil {
		return nil, err
	}
	for _, check := range userUpdateChecks {
		if err := check(ctx, tx, before, &after); err != nil {
			return nil, err
		}
	}
	after.Version++
	after.UpdatedAt = s.timestamp()
	_, err := tx.ExecContext(ctx, `UPDATE users SET first_name = ?, last_name = ?, email = ?, email_norm = ?,
		mobile_number = ?, time_zone = ?, department = ?, version = ?, updated_at = ? WHERE id = ?`,
		after.FirstName, after.LastName, after.Email, emailNorm(after.Email), after.MobileNumber, after.TimeZone,
		after.Department, after.Version, after.UpdatedAt, after.ID)
	if err != nil {
		return nil, s.userWriteError(ctx, tx, &after, err)
	}
	return &after, nil
}

// isExternalAccount reports whether email is a Webex account of another organisation.
func isExternalAccount(ctx context.Context, q querier, email string) (bool, error) {
	if email == "" {
		return false, nil
	}
	var ext bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM external_webex_accounts WHERE email_norm = ?)`,
		strings.ToLower(email)).Scan(&ext); err != nil {
		return false, fmt.Errorf("look up webex accounts: %w", err)
	}
	return ext, nil
}

// wxSubscribe creates the activation of u for a Webex front-end (package pkg of the store) with
// its job: queued, or pending_user_migration when the user's email is a Webex account of another
// organisation. The user must not have an activation.
func (s *Server) wxSubscribe(ctx context.Context, tx *sql.Tx, u *user, pkg, frontEnd, provisioningID, language, timezone string) error {
	j, err := s.newJob(ctx, tx, u.EnterpriseID, jobKindActivation, u.ID)
	if err != nil {
		return err
	}
	status := activationQueued
	ext, err := isExternalAccount(ctx, tx, u.Email)
	if err != nil {
		return err
	}
	if ext {
		status = activationPendingUserMigration
		if err := s.setJobStatus(ctx, tx, j.ID, jobRunning, "", ""); err != nil {
			return err
		}
	}
	now := s.timestamp()
	if _, err := tx.ExecContext(ctx, `INSERT INTO activations (user_id, status, package, job_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, u.ID, status, pkg, j.ID, now, now); err != nil {
		return fmt.Errorf("write activation: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO webex_subscribers (user_id, front_end, provisioning_id, language,
		timezone) VALUES (?, ?, ?, ?, ?)`, u.ID, frontEnd, provisioningID, language, timezone); err != nil {
		return fmt.Errorf("write webex subscriber: %w", err)
	}
	return nil
}

// wxUnsubscribe removes the user's activation (removeWebex) and its Webex fields.
func (s *Server) wxUnsubscribe(ctx context.Context, tx *sql.Tx, u *user) error {
	if err := s.removeWebex(ctx, tx, u); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM webex_subscribers WHERE user_id = ?`, u.ID); err != nil {
		return fmt.Errorf("delete webex subscriber: %w", err)
	}
	return nil
}

// wxStartUpdate moves a provisioned activation to updating with a new job (the worker ends it
// in provisioned).
func (s *Server) wxStartUpdate(ctx context.Context, tx *sql.Tx, u *user) error {
	j, err := s.newJob(ctx, tx, u.EnterpriseID, jobKindActivation, u.ID)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE activations SET status = ?, job_id = ?, updated_at = ? WHERE user_id = ?`,
		activationUpdating, j.ID, s.timestamp(), u.ID); err != nil {
		return fmt.Errorf("update activation: %w", err)
	}
	return nil
}

func (s *Server) bwCreateSubscriber(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in bwSubscriberInput
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	var out *subscriberRow
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := in.check("provisioningId", "userId", "spEnterpriseId", "firstName", "lastName", "package"); err != nil {
			return err
		}
		ent := *in.SPEnterpriseID
		if err := wxEnterprise(ctx, tx, ent); err != nil {
			return err
		}
		u, err := bwUserByID(ctx, tx, *in.UserID)
		if err != nil {
			return err
		}
		if u == nil || u.EnterpriseID != ent {
			return wxNotFound("The BroadWorks user " + *in.UserID + " was not found in enterprise " + ent + ".")
		}
		cur, err := loadActivation(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if cur != nil {
			return &webexError{Status: http.StatusConflict, Code: webexCodeUserIDInUse,
				Message: "The BroadWorks UserID is already associated with an existing user."}
		}
		if u, err = s.wxUpdateUser(ctx, tx, u, func(x *user) {
			x.FirstName, x.LastName = *in.FirstName, *in.LastName
			if in.Email != nil && *in.Email != "" {
				x.Email = *in.Email
			}
			if in.MobilePhoneNumber != nil && *in.MobilePhoneNumber != "" {
				x.MobileNumber, _ = rules.ToE164(*in.MobilePhoneNumber, "US")
			}
		}); err != nil {
			return err
		}
		if err := s.wxSubscribe(ctx, tx, u, bwPackages[*in.Package], "broadworks", *in.ProvisioningID,
			str(in.Language), str(in.Timezone)); err != nil {
			return err
		}
		out, err = loadSubscriber(ctx, tx, u.ID)
		return err
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out.bwView())
}

func (s *Server) bwGetSubscriber(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	x, err := wxSubscriber(ctx, s.q(ctx), r.PathValue("subscriberId"))
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, x.bwView())
}

// bwUpdateSubscriber changes the subscriber: names and mobile number go to the user, package to
// the activation, userId to the user's BroadWorks user id; a provisioned subscriber moves to
// updating when anything changed.
func (s *Server) bwUpdateSubscriber(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in bwSubscriberInput
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	var out *subscriberRow
	err := s.tx(ctx, func(tx *sql.Tx) error {
		x, err := wxSubscriber(ctx, tx, r.PathValue("subscriberId"))
		if err != nil {
			return err
		}
		if err := in.check(); err != nil {
			return err
		}
		for _, f := range []struct {
			name string
			v    *string
		}{{"userId", in.UserID}, {"firstName", in.FirstName}, {"lastName", in.LastName}, {"package", in.Package}} {
			if f.v != nil && strings.TrimSpace(*f.v) == "" {
				return wxNull(f.name)
			}
		}
		u, err := loadUser(ctx, tx, x.UserID)
		if err != nil {
			return err
		}
		changed := false
		if in.UserID != nil && !strings.EqualFold(*in.UserID, x.BWUserID) {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET bw_user_id = ? WHERE id = ?`, *in.UserID, u.ID); err != nil {
				if violates(err, "bw_user_id") {
					return &webexError{Status: http.StatusConflict, Code: webexCodeUserIDInUse,
						Message: "The BroadWorks UserID is already associated with an existing user."}
				}
				return fmt.Errorf("change broadworks user id: %w", err)
			}
			changed = true
		}
		after, err := s.wxUpdateUser(ctx, tx, u, func(v *user) {
			if in.FirstName != nil {
				v.FirstName = *in.FirstName
			}
			if in.LastName != nil {
				v.LastName = *in.LastName
			}
			if in.MobilePhoneNumber != nil {
				v.MobileNumber, _ = rules.ToE164(*in.MobilePhoneNumber, "US")
			}
		})
		if err != nil {
			return err
		}
		changed = changed || after != u
		if in.Package != nil && bwPackages[*in.Package] != x.Package {
			if _, err := tx.ExecContext(ctx, `UPDATE activations SET package = ?, updated_at = ? WHERE user_id = ?`,
				bwPackages[*in.Package], s.timestamp(), u.ID); err != nil {
				return fmt.Errorf("change package: %w", err)
			}
			changed = true
		}
		if in.Timezone != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE webex_subscribers SET timezone = ? WHERE user_id = ?`, *in.Timezone, u.ID); err != nil {
				return fmt.Errorf("change time zone: %w", err)
			}
		}
		if changed && x.Status == activationProvisioned {
			if err := s.wxStartUpdate(ctx, tx, u); err != nil {
				return err
			}
		}
		out, err = loadSubscriber(ctx, tx, u.ID)
		return err
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out.bwView())
}

func (s *Server) bwDeleteSubscriber(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		x, err := wxSubscriber(ctx, tx, r.PathValue("subscriberId"))
		if err != nil {
			return err
		}
		u, err := loadUser(ctx, tx, x.UserID)
		if err != nil {
			return err
		}
		return s.wxUnsubscribe(ctx, tx, u)
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// precheckView is SubscriberProvisioningPrecheckResponse.
type precheckView struct {
	Message string       `json:"message"`
	Info    precheckInfo `json:"info"`
}

type precheckInfo struct {
	InfoCode    int    `json:"infoCode"`
	Description string `json:"description"`
}

// Precheck info codes: 100 is the spec's; 101 (the email is a Webex account of another
// organisation: provisioning will wait for the user's consent) is an emulator choice.
const (
	precheckOK         = 100
	precheckNeedsMoveX = 101
)

// wxPrecheck answers whether provisioning email would work: 400 when it is invalid, 409 when
// another user of this service provider has it (excluding userID), 200 with info 100 or 101.
func wxPrecheck(ctx context.Context, q querier, email, exceptUserID string) (precheckView, error) {
	if err := rules.ValidateEmail(email); err != nil {
		return precheckView{}, wxBadRequest("Invalid Parameter Value: email")
	}
	var holder string
	if err := q.QueryRowContext(ctx, `SELECT coalesce((SELECT id FROM users WHERE email_norm = ? AND id <> ?), '')`,
		strings.ToLower(email), exceptUserID).Scan(&holder); err != nil {
		return precheckView{}, fmt.Errorf("look up email: %w", err)
	}
	if holder != "" {
		return precheckView{}, wxErr(http.StatusConflict, "The email address belongs to another user of this partner.")
	}
	ext, err := isExternalAccount(ctx, q, email)
	if err != nil {
		return precheckView{}, err
	}
	if ext {
		return precheckView{Message: "success", Info: precheckInfo{InfoCode: precheckNeedsMoveX,
			Description: "The email address belongs to a Webex account of another organization: provisioning waits for the user's consent (pending_user_migration)."}}, nil
	}
	return precheckView{Message: "success", Info: precheckInfo{InfoCode: precheckOK,
		Description: "Provisioning preCheck validation successful."}}, nil
}

// bwValidateSubscriber is the provisioning precheck: nothing is written.
func (s *Server) bwValidateSubscriber(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in bwSubscriberInput
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	if err := in.check("email"); err != nil {
		s.wxFail(w, r, err)
		return
	}
	q := s.q(ctx)
	except := ""
	if in.SPEnterpriseID != nil && *in.SPEnterpriseID != "" {
		if err := wxEnterprise(ctx, q, *in.SPEnterpriseID); err != nil {
			s.wxFail(w, r, err)
			return
		}
	}
	if in.UserID != nil && *in.UserID != "" {
		var id string
		err := q.QueryRowContext(ctx, `SELECT u.id FROM users u WHERE lower(u.bw_user_id) = lower(?)`, *in.UserID).Scan(&id)
		switch {
		case err == nil:
			except = id
			a, err := loadActivation(ctx, q, id)
			if err != nil {
				s.wxFail(w, r, err)
				return
			}
			if a != nil {
				s.wxFail(w, r, &webexError{Status: http.StatusConflict, Code: webexCodeUserIDInUse,
					Message: "The BroadWorks UserID is already associated with an existing user."})
				return
			}
		case !errors.Is(err, sql.ErrNoRows):
			s.wxFail(w, r, fmt.Errorf("look up broadworks user: %w", err))
			return
		}
	}
	v, err := wxPrecheck(ctx, q, *in.Email, except)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// wxConsentMove is the user's consent to move their Webex account into the organisation: the
// account leaves external_webex_accounts, the subscriber is provisioning and the worker's next
// tick provisions it. 409 when the subscriber is not pending_user_migration.
func (s *Server) wxConsentMove(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		x, err := wxSubscriber(ctx, tx, r.PathValue("subscriberId"))
		if err != nil {
			return err
		}
		if x.Status != activationPendingUserMigration {
			return wxErr(http.StatusConflict, "The subscriber is not waiting for a consent to move (status "+x.webexStatus()+").")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM external_webex_accounts WHERE email_norm = ?`,
			strings.ToLower(x.Email)); err != nil {
			return fmt.Errorf("move webex account: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE activations SET status = ?, updated_at = ? WHERE user_id = ?`,
			activationProvisioning, s.timestamp(), x.UserID); err != nil {
			return fmt.Errorf("consent to move: %w", err)
		}
		return nil
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) bwListSubscribers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	maxN, err := wxMax(r, 50, 100)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	after, err := wxCursor(r)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	qv := r.URL.Query()
	where, args := []string{"u.id > ?"}, []any{after}
	p := wxPrincipalFrom(ctx)
	if p.enterprises != nil {
		where = append(where, "u.enterprise_id IN ("+placeholders(len(p.enterprises))+")")
		for _, e := range p.enterprises {
			args = append(args, e)
		}
	}
	if v := qv.Get("userId"); v != "" {
		where = append(where, "(lower(u.bw_user_id) = lower(?) OR (u.bw_user_id IS NULL AND u.id || '@' || u.enterprise_id || '.invalid' = ?))")
		args = append(args, v, v)
	}
	if v := qv.Get("personId"); v != "" {
		where, args = append(where, "u.id = ? AND a.status IN ('provisioned', 'updating')"), append(args, fromWebexID("PEOPLE", v))
	}
	if v := qv.Get("email"); v != "" {
		where, args = append(where, "u.email_norm = ?"), append(args, strings.ToLower(v))
	}
	if v := qv.Get("provisioningId"); v != "" {
		where, args = append(where, "ws.provisioning_id = ?"), append(args, v)
	}
	if v := qv.Get("spEnterpriseId"); v != "" {
		where, args = append(where, "u.enterprise_id = ?"), append(args, v)
	}
	for _, tp := range []struct{ param, col string }{{"after", "a.created_at"}, {"lastStatusChange", "a.updated_at"}} {
		if v := qv.Get(tp.param); v != "" {
			t, err := parseWebexTime(v)
			if err != nil {
				s.wxFail(w, r, wxBadRequest("Invalid Parameter Value: "+tp.param+" must be epoch milliseconds or an ISO 8601 date-time"))
				return
			}
			where, args = append(where, tp.col+" > ?"), append(args, t.UTC().Format(time.RFC3339))
		}
	}
	if v := qv.Get("selfActivated"); v == "true" {
		where = append(where, "0") // the emulator has no self-activated subscribers
	}
	if v := qv.Get("status"); v != "" {
		sts := strings.Split(v, ",")
		for _, st := range sts {
			if !slices.Contains(bwSubscriberStatuses, st) {
				s.wxFail(w, r, wxBadRequest("Invalid Parameter Value: status"))
				return
			}
			args = append(args, st)
		}
		// filtered on the Webex status (a queued activation shows as the state it moves to next)
		where = append(where, `(CASE WHEN a.status <> 'queued' THEN a.status WHEN u.email = '' THEN 'pending_email_input'
			ELSE 'pending_email_validation' END) IN (`+placeholders(len(sts))+`)`)
	}
	page, err := queryAll(ctx, s.q(ctx), subscriberSelect+` WHERE `+strings.Join(where, " AND ")+` ORDER BY u.id LIMIT ?`,
		append(args, maxN+1), scanSubscriber)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	page = wxCursorPage(w, r, maxN, page, func(x *subscriberRow) string { return x.UserID })
	views := make([]bwSubscriberView, len(page))
	for i, x := range page {
		views[i] = x.bwView()
	}
	writeJSON(w, http.StatusOK, wxList(views))
}

// parseWebexTime reads a time filter: epoch milliseconds (what the spec prefers) or ISO 8601.
func parseWebexTime(v string) (time.Time, error) {
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: %w", v, err)
	}
	return t, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// Enterprises and directory sync.

// bwDirSyncStatus is directorySyncStatus of the spec.
type bwDirSyncStatus struct {
	LastSyncStartTime      string             `json:"lastSyncStartTime,omitempty"`
	LastSyncEndTime        string             `json:"lastSyncEndTime,omitempty"`
	SyncStatus             string             `json:"syncStatus"`
	UsersAdded             *int               `json:"usersAdded,omitempty"`
	UsersUpdated           *int               `json:"usersUpdated,omitempty"`
	UsersDeleted           *int               `json:"usersDeleted,omitempty"`
	LastSuccessfulSyncTime string             `json:"lastSuccessfulSyncTime,omitempty"`
	LastSyncTrackingID     string             `json:"lastSyncTrackingId,omitempty"`
	Errors                 []webexErrorDetail `json:"errors,omitempty"`
}

type bwDirSync struct {
	EnableDirSync       bool            `json:"enableDirSync"`
	DirectorySyncStatus bwDirSyncStatus `json:"directorySyncStatus"`
}

// Directory sync statuses (syncStatus; the spec names COMPLETE, NOT_SYNCED and IN_PROGRESS).
const (
	syncNotSynced  = "NOT_SYNCED"
	syncInProgress = "IN_PROGRESS"
	syncComplete   = "COMPLETE"
	syncFailed     = "FAILED"
)

// bwDirSyncOf is the directory sync state of enterprise ent.
func bwDirSyncOf(ctx context.Context, q querier, ent string, full bool) (bwDirSync, error) {
	v := bwDirSync{EnableDirSync: true}
	var enabled bool
	err := q.QueryRowContext(ctx, `SELECT enabled FROM webex_dirsync WHERE enterprise_id = ?`, ent).Scan(&enabled)
	switch {
	case err == nil:
		v.EnableDirSync = enabled
	case !errors.Is(err, sql.ErrNoRows):
		return v, fmt.Errorf("load directory sync switch: %w", err)
	}
	completed, last, err := dirSyncState(ctx, q, ent)
	if err != nil {
		return v, err
	}
	st := &v.DirectorySyncStatus
	st.SyncStatus = syncNotSynced
	if last == nil {
		return v, nil
	}
	switch last.Status {
	case jobQueued, jobRunning:
		st.SyncStatus = syncInProgress
	case jobSucceeded:
		st.SyncStatus = syncComplete
	case jobFailed:
		st.SyncStatus = syncFailed
	}
	if !full {
		return v, nil
	}
	st.LastSyncStartTime = rfc3339Millis(last.CreatedAt)
	if !last.active() {
		st.LastSyncEndTime = rfc3339Millis(last.UpdatedAt)
	}
	if completed != "" {
		st.LastSuccessfulSyncTime = rfc3339Millis(completed)
	}
	st.LastSyncTrackingID = last.ID
	if last.Status == jobSucceeded {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM activations a JOIN users u ON u.id = a.user_id
			WHERE u.enterprise_id = ? AND a.status = ?`, ent, activationProvisioned).Scan(&n); err != nil {
			return v, fmt.Errorf("count synced users: %w", err)
		}
		zero := 0
		st.UsersAdded, st.UsersUpdated, st.UsersDeleted = &zero, &n, &zero
	}
	if last.Status == jobFailed {
		st.Errors = []webexErrorDetail{{Description: last.ErrorMessage}}
	}
	return v, nil
}

// bwEnterpriseView is an item of GET /v1/broadworks/enterprises.
type bwEnterpriseView struct {
	ID                      string    `json:"id"`
	OrgID                   string    `json:"orgId"`
	ProvisioningID          string    `json:"provisioningId"`
	SPEnterpriseID          string    `json:"spEnterpriseId"`
	BroadworksDirectorySync bwDirSync `json:"broadworksDirectorySync"`
}

func (s *Server) bwListEnterprises(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	maxN, err := wxMax(r, 100, 1000)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	after, err := wxCursor(r)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	qv := r.URL.Query()
	where, args := []string{"id > ?"}, []any{after}
	if v := qv.Get("spEnterpriseId"); v != "" {
		where, args = append(where, "id = ?"), append(args, v)
	}
	if v := qv.Get("startsWith"); v != "" {
		where, args = append(where, "substr(id, 1, length(?)) = ?"), append(args, v, v)
	}
	p := wxPrincipalFrom(ctx)
	if p.enterprises != nil {
		where = append(where, "id IN ("+placeholders(len(p.enterprises))+")")
		for _, e := range p.enterprises {
			args = append(args, e)
		}
	}
	q := s.q(ctx)
	ids, err := queryAll(ctx, q, `SELECT id FROM enterprises WHERE `+strings.Join(where, " AND ")+` ORDER BY id LIMIT ?`,
		append(args, maxN+1), func(sc scanner) (string, error) {
			var id string
			return id, sc.Scan(&id)
		})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	ids = wxCursorPage(w, r, maxN, ids, func(id string) string { return id })
	items := make([]bwEnterpriseView, 0, len(ids))
	for _, id := range ids {
		org, err := orgIDOf(ctx, q, id)
		if err != nil {
			s.wxFail(w, r, err)
			return
		}
		ds, err := bwDirSyncOf(ctx, q, id, true)
		if err != nil {
			s.wxFail(w, r, err)
			return
		}
		items = append(items, bwEnterpriseView{ID: webexID("ENTERPRISE", id), OrgID: org,
			ProvisioningID: webexID("PROVISIONING", id), SPEnterpriseID: id, BroadworksDirectorySync: ds})
	}
	writeJSON(w, http.StatusOK, wxList(items))
}

// bwEnterpriseOf resolves the {id} of a directory sync path (a Webex enterprise id) to an
// enterprise the caller may see.
func bwEnterpriseOf(ctx context.Context, q querier, wid string) (string, error) {
	ent := fromWebexID("ENTERPRISE", wid)
	if err := wxEnterprise(ctx, q, ent); err != nil {
		return "", err
	}
	return ent, nil
}

func (s *Server) bwGetDirSync(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := s.q(ctx)
	ent, err := bwEnterpriseOf(ctx, q, r.PathValue("id"))
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	v, err := bwDirSyncOf(ctx, q, ent, true)
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// bwSyncNow starts a sync ({"syncStatus": "SYNC_NOW"}, the only value): the reference rules
// apply (a running sync is answered again; 409 during the 24 h hold); 400 when directory sync is
// disabled.
func (s *Server) bwSyncNow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in struct {
		SyncStatus *string `json:"syncStatus"`
	}
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	var out bwDirSync
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ent, err := bwEnterpriseOf(ctx, tx, r.PathValue("id"))
		if err != nil {
			return err
		}
		if in.SyncStatus == nil || *in.SyncStatus == "" {
			return wxNull("syncStatus")
		}
		if *in.SyncStatus != "SYNC_NOW" {
			return wxBadRequest("Invalid Parameter Value: syncStatus must be SYNC_NOW")
		}
		cur, err := bwDirSyncOf(ctx, tx, ent, false)
		if err != nil {
			return err
		}
		if !cur.EnableDirSync {
			return wxBadRequest("Directory sync is disabled for this enterprise.")
		}
		if _, err := s.queueDirSync(ctx, tx, ent); err != nil {
			return err
		}
		out, err = bwDirSyncOf(ctx, tx, ent, false)
		return err
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) bwEnableDirSync(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in struct {
		EnableDirSync *bool `json:"enableDirSync"`
	}
	if err := decodeWebexJSON(w, r, &in); err != nil {
		s.wxFail(w, r, err)
		return
	}
	var out bwDirSync
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ent, err := bwEnterpriseOf(ctx, tx, r.PathValue("id"))
		if err != nil {
			return err
		}
		if in.EnableDirSync == nil {
			return wxNull("enableDirSync")
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO webex_dirsync (enterprise_id, enabled) VALUES (?, ?)`,
			ent, *in.EnableDirSync); err != nil {
			return fmt.Errorf("write directory sync switch: %w", err)
		}
		out, err = bwDirSyncOf(ctx, tx, ent, false)
		return err
	})
	if err != nil {
		s.wxFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// flowThroughSubscribe is flow-through provisioning (WEBEX.md section 1): enabling Integrated
// IM&P on a BroadWorks user makes the provisioning adapter create the user's Webex for
// BroadWorks subscriber. It creates the subscriber (through ocipFlowThrough: provisioningId
// "flow-through", trusted or untrusted emails) when the user has an email and no activation yet, and does nothing otherwise
// (no email: the user stays without a subscriber, as an untrusted-email user would until the
// activation portal; an activation: already provisioned or in progress). For the OCI-P
// front-end's UserIntegratedIMPModifyRequest (isActive true), inside its transaction; the
// reference PUT .../services/integrated-imp does not call it (its behaviour stays as it was).
func (s *Server) flowThroughSubscribe(ctx context.Context, tx *sql.Tx, u *user) error {
	if u.Email == "" {
		return nil
	}
	return s.ocipFlowThrough(ctx, tx, u) // the one flow-through (trusted and untrusted emails)
}
