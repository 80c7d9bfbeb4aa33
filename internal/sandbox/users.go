package sandbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// usersSchema: users. Every table that hangs off a user references users(id) ON DELETE CASCADE,
// so deleting a user removes all its services (number, extension, E911, and phase-2 features).
const usersSchema = `
CREATE TABLE users (
	id             TEXT PRIMARY KEY,
	enterprise_id  TEXT NOT NULL REFERENCES enterprises(id),
	group_id       TEXT NOT NULL,
	first_name     TEXT NOT NULL,
	last_name      TEXT NOT NULL,
	cli_first_name TEXT NOT NULL DEFAULT '', -- '' = follows first_name
	cli_last_name  TEXT NOT NULL DEFAULT '', -- '' = follows last_name
	department     TEXT NOT NULL DEFAULT '',
	time_zone      TEXT NOT NULL DEFAULT '', -- '' = the group's
	pager_number   TEXT NOT NULL DEFAULT '',
	mobile_number  TEXT NOT NULL DEFAULT '',
	email          TEXT NOT NULL DEFAULT '', -- as entered
	email_norm     TEXT CHECK (email_norm IS NULL OR email_norm <> ''), -- lower case, NULL when no email
	version        INTEGER NOT NULL DEFAULT 1,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	FOREIGN KEY (enterprise_id, group_id) REFERENCES groups(enterprise_id, id)
);
-- Email is unique per service provider (the whole sandbox), case-insensitively.
CREATE UNIQUE INDEX users_email_norm ON users(email_norm);
CREATE INDEX users_enterprise ON users(enterprise_id, id);
CREATE INDEX users_group ON users(group_id, id);
`

// user is a users row.
type user struct {
	ID           string
	EnterpriseID string
	GroupID      string
	FirstName    string
	LastName     string
	CLIFirstName string // "" = follows FirstName
	CLILastName  string // "" = follows LastName
	Department   string
	TimeZone     string
	PagerNumber  string
	MobileNumber string
	Email        string
	Version      int64
	CreatedAt    string
	UpdatedAt    string
}

// userView is the User object of the contract.
type userView struct {
	ID                     string `json:"id"`
	EnterpriseID           string `json:"enterpriseId"`
	GroupID                string `json:"groupId"`
	FirstName              string `json:"firstName"`
	LastName               string `json:"lastName"`
	CallingLineIDFirstName string `json:"callingLineIdFirstName"`
	CallingLineIDLastName  string `json:"callingLineIdLastName"`
	Department             string `json:"department"`
	TimeZone               string `json:"timeZone"`
	PagerNumber            string `json:"pagerNumber"`
	MobileNumber           string `json:"mobileNumber"`
	Email                  string `json:"email"`
	Etag                   string `json:"etag"`
	CreatedAt              string `json:"createdAt"`
	UpdatedAt              string `json:"updatedAt"`
}

func (v userView) etagValue() string { return v.Etag }

func (u *user) view() userView {
	return userView{
		ID: u.ID, EnterpriseID: u.EnterpriseID, GroupID: u.GroupID,
		FirstName: u.FirstName, LastName: u.LastName,
		CallingLineIDFirstName: nonEmpty(u.CLIFirstName, u.FirstName),
		CallingLineIDLastName:  nonEmpty(u.CLILastName, u.LastName),
		Department:             u.Department, TimeZone: u.TimeZone, PagerNumber: u.PagerNumber,
		MobileNumber: u.MobileNumber, Email: u.Email, Etag: etagOf(u.Version),
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt,
	}
}

// userInput is the body of POST /v1/enterprises/{ent}/users.
type userInput struct {
	GroupID                string `json:"groupId"`
	FirstName              string `json:"firstName"`
	LastName               string `json:"lastName"`
	CallingLineIDFirstName string `json:"callingLineIdFirstName"`
	CallingLineIDLastName  string `json:"callingLineIdLastName"`
	Department             string `json:"department"`
	TimeZone               string `json:"timeZone"`
	PagerNumber            string `json:"pagerNumber"`
	MobileNumber           string `json:"mobileNumber"`
	Email                  string `json:"email"`
}

// userPatchFields are the User fields a PATCH may set (JSON name → column of user).
var userPatchFields = map[string]func(*user) *string{
	"firstName":              func(u *user) *string { return &u.FirstName },
	"lastName":               func(u *user) *string { return &u.LastName },
	"callingLineIdFirstName": func(u *user) *string { return &u.CLIFirstName },
	"callingLineIdLastName":  func(u *user) *string { return &u.CLILastName },
	"department":             func(u *user) *string { return &u.Department },
	"timeZone":               func(u *user) *string { return &u.TimeZone },
	"pagerNumber":            func(u *user) *string { return &u.PagerNumber },
	"mobileNumber":           func(u *user) *string { return &u.MobileNumber },
	"email":                  func(u *user) *string { return &u.Email },
}

// userReadOnlyFields are User fields a PATCH must not contain (422 field_immutable).
var userReadOnlyFields = []string{"id", "enterpriseId", "groupId", "etag", "createdAt", "updatedAt"}

// userUpdateChecks run inside the PATCH transaction after validation, before the row is written;
// an error (usually an *apiError) refuses the change. Phase-2 features append to it from an
// init function (e.g. Integrated IM&P: changing the email while enabled → 409 imp_enabled).
var userUpdateChecks []func(ctx context.Context, tx *sql.Tx, before, after *user) error

const userColumns = `id, enterprise_id, group_id, first_name, last_name, cli_first_name, cli_last_name,
	department, time_zone, pager_number, mobile_number, email, version, created_at, updated_at`

func scanUser(sc scanner) (*user, error) {
	var u user
	err := sc.Scan(&u.ID, &u.EnterpriseID, &u.GroupID, &u.FirstName, &u.LastName, &u.CLIFirstName, &u.CLILastName,
		&u.Department, &u.TimeZone, &u.PagerNumber, &u.MobileNumber, &u.Email, &u.Version, &u.CreatedAt, &u.UpdatedAt)
	return &u, err
}

// loadUser returns user id, nil when there is none (no tenancy check: see authorizeUser).
func loadUser(ctx context.Context, q querier, id string) (*user, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load user: %w", err)
	}
	return u, nil
}

func emailNorm(email string) any { return nullIfEmpty(strings.ToLower(email)) }

func (s *Server) userRoutes() []route {
	return []route{
		{pattern: "POST /v1/enterprises/{ent}/users", handler: s.createUser},
		{pattern: "GET /v1/enterprises/{ent}/users", handler: s.listUsers},
		{pattern: "GET /v1/users/{usr}", handler: s.getUser},
		{pattern: "PATCH /v1/users/{usr}", handler: s.patchUser},
		{pattern: "DELETE /v1/users/{usr}", handler: s.deleteUser},
	}
}

// validateUserFields checks the named fields of u (all of them on create, the changed ones on
// PATCH) with internal/rules. The first broken rule wins.
func validateUserFields(u *user, fields func(string) bool) error {
	if fields("firstName") && strings.TrimSpace(u.FirstName) == "" {
		return errInvalid(codeRequired, "firstName", "firstName is required")
	}
	if fields("lastName") && strings.TrimSpace(u.LastName) == "" {
		return errInvalid(codeRequired, "lastName", "lastName is required")
	}
	if fields("email") && u.Email != "" {
		if err := rules.ValidateEmail(u.Email); err != nil {
			return errRule(err, rules.CodeEmailInvalid, "email")
		}
	}
	if fields("timeZone") && u.TimeZone != "" {
		if err := rules.ValidateTimeZone(u.TimeZone); err != nil {
			return errRule(err, rules.CodeTimeZoneInvalid, "timeZone")
		}
	}
	for _, f := range []struct {
		name  string
		value string
	}{{"pagerNumber", u.PagerNumber}, {"mobileNumber", u.MobileNumber}} {
		if fields(f.name) && f.value != "" {
			if err := rules.ValidateE164(f.value); err != nil {
				return errRule(err, rules.CodePhoneNumberInvalid, f.name)
			}
		}
	}
	return nil
}

// userWriteError maps a unique violation of a users write to 409 email_in_use.
func (s *Server) userWriteError(ctx context.Context, q querier, u *user, err error) error {
	if !violates(err, "users.email_norm") {
		return fmt.Errorf("write user: %w", err)
	}
	e := errConflict("email_in_use", "email", "email is used by another user")
	var holder string
	var holderEnt string
	if qerr := q.QueryRowContext(ctx, `SELECT id, enterprise_id FROM users WHERE email_norm = ?`, emailNorm(u.Email)).Scan(&holder, &holderEnt); qerr == nil &&
		principalFrom(ctx).canSee(holderEnt) {
		e = e.with("conflictingUserId", holder)
	}
	return e
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ent := r.PathValue("ent")
	var in userInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.timestamp()
	u := &user{
		ID: newID("usr_"), EnterpriseID: ent, GroupID: in.GroupID,
		FirstName: in.FirstName, LastName: in.LastName,
		CLIFirstName: in.CallingLineIDFirstName, CLILastName: in.CallingLineIDLastName,
		Department: in.Department, TimeZone: in.TimeZone, PagerNumber: in.PagerNumber,
		MobileNumber: in.MobileNumber, Email: in.Email, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.authorizeEnterprise(ctx, tx, ent); err != nil {
			return err
		}
		return s.insertUser(ctx, tx, u)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/users/"+u.ID)
	writeJSON(w, http.StatusCreated, u.view())
}

// insertUser checks a new user of enterprise u.EnterpriseID (the caller authorised it) and
// inserts it: 422 for a missing group or a broken rule, 422 group_not_found for a group of
// another enterprise, 409 email_in_use. Every front-end creates users through it.
func (s *Server) insertUser(ctx context.Context, tx *sql.Tx, u *user) error {
	ent := u.EnterpriseID
	if u.GroupID == "" {
		return errInvalid(codeRequired, "groupId", "groupId is required")
	}
	if err := validateUserFields(u, func(string) bool { return true }); err != nil {
		return err
	}
	g, err := loadGroup(ctx, tx, u.GroupID)
	if err != nil {
		return err
	}
	if g == nil || g.EnterpriseID != ent {
		return errInvalid("group_not_found", "groupId", "groupId is not a group of enterprise "+ent)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO users (id, enterprise_id, group_id, first_name, last_name,
		cli_first_name, cli_last_name, department, time_zone, pager_number, mobile_number, email, email_norm,
		version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.EnterpriseID, u.GroupID, u.FirstName, u.LastName, u.CLIFirstName, u.CLILastName,
		u.Department, u.TimeZone, u.PagerNumber, u.MobileNumber, u.Email, emailNorm(u.Email),
		u.Version, u.CreatedAt, u.UpdatedAt)
	if err != nil {
		return s.userWriteError(ctx, tx, u, err)
	}
	return nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, err := s.authorizeUser(ctx, s.q(ctx), r.PathValue("usr"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u.view())
}

// decodeUserPatch parses a JSON merge patch of a User: key → new value ("" for null).
func decodeUserPatch(w http.ResponseWriter, r *http.Request) (map[string]string, error) {
	b, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil || raw == nil {
		if err == nil {
			return nil, errBadRequest("", "request body must be a JSON object")
		}
		return nil, jsonError(err)
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	patch := map[string]string{}
	for _, k := range keys {
		if _, ok := userPatchFields[k]; !ok && !slices.Contains(userReadOnlyFields, k) {
			return nil, errBadRequest(k, "unknown field \""+k+"\"")
		}
	}
	for _, k := range keys {
		if slices.Contains(userReadOnlyFields, k) {
			return nil, errInvalid(codeFieldImmutable, k, k+" cannot be changed")
		}
		var v *string
		if err := json.Unmarshal(raw[k], &v); err != nil {
			return nil, errBadRequest(k, k+" must be a JSON string or null")
		}
		if v == nil {
			patch[k] = ""
		} else {
			patch[k] = *v
		}
	}
	return patch, nil
}

func (s *Server) patchUser(w http.ResponseWriter, r *http.Request) {
	patch, err := decodeUserPatch(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var out *user
	err = writeUserObject(s, r, userItself, "", func(ctx context.Context, tx *sql.Tx, _ *user, before *user) error {
		after := *before
		changed := map[string]bool{}
		for k, v := range patch {
			p := userPatchFields[k](&after)
			if *p != v {
				*p = v
				changed[k] = true
			}
		}
		out = &after
		return s.updateUser(ctx, tx, before, &after, changed)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out.view())
}

// updateUser stores after (a changed copy of before) when changed (User field names of
// userPatchFields) is not empty: the changed fields are checked with internal/rules, then by the
// userUpdateChecks hooks, and the row gets a new version (409 email_in_use on a taken email).
// Every front-end changes a user's profile through it.
func (s *Server) updateUser(ctx context.Context, tx *sql.Tx, before, after *user, changed map[string]bool) error {
	if len(changed) == 0 {
		return nil
	}
	if err := validateUserFields(after, func(f string) bool { return changed[f] }); err != nil {
		return err
	}
	for _, check := range userUpdateChecks {
		if err := check(ctx, tx, before, after); err != nil {
			return err
		}
	}
	after.Version++
	after.UpdatedAt = s.timestamp()
	_, err := tx.ExecContext(ctx, `UPDATE users SET first_name = ?, last_name = ?, cli_first_name = ?, cli_last_name = ?,
		department = ?, time_zone = ?, pager_number = ?, mobile_number = ?, email = ?, email_norm = ?,
		version = ?, updated_at = ? WHERE id = ?`,
		after.FirstName, after.LastName, after.CLIFirstName, after.CLILastName, after.Department, after.TimeZone,
		after.PagerNumber, after.MobileNumber, after.Email, emailNorm(after.Email), after.Version, after.UpdatedAt, after.ID)
	if err != nil {
		return s.userWriteError(ctx, tx, after, err)
	}
	return nil
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) {
	err := writeUserObject(s, r, userItself, "", func(ctx context.Context, tx *sql.Tx, u *user, _ *user) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, u.ID); err != nil {
			return fmt.Errorf("delete user: %w", err)
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ent := r.PathValue("ent")
	pg, err := parsePage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.authorizeEnterprise(ctx, s.q(ctx), ent); err != nil {
		s.fail(w, r, err)
		return
	}
	qv := r.URL.Query()
	inc, err := parseIncludes(qv["include"])
	if err != nil {
		s.fail(w, r, err)
		return
	}
	where := ` FROM users WHERE enterprise_id = ?`
	args := []any{ent}
	if v := qv.Get("groupId"); v != "" {
		where += ` AND group_id = ?`
		args = append(args, v)
	}
	if v := qv.Get("email"); v != "" {
		where += ` AND email_norm = ?`
		args = append(args, strings.ToLower(v))
	}
	if v := qv.Get("extension"); v != "" {
		where += ` AND id IN (SELECT user_id FROM user_numbers WHERE enterprise_id = ? AND extension = ?)`
		args = append(args, ent, v)
	}
	if v := qv.Get("phoneNumber"); v != "" {
		where += ` AND id IN (SELECT user_id FROM user_numbers WHERE phone_number = ?)`
		args = append(args, phoneQueryParam(v))
	}
	q := s.q(ctx)
	var total int64
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		s.fail(w, r, fmt.Errorf("count users: %w", err))
		return
	}
	query := `SELECT ` + userColumns + where + ` AND id > ? ORDER BY id LIMIT ?`
	args = append(args, pg.After, pg.limit())
	users, err := queryAll(ctx, q, query, args, func(sc scanner) (*user, error) { return scanUser(sc) })
	if err != nil {
		s.fail(w, r, err)
		return
	}
	users = trimPage(w, r, pg, users, func(u *user) string { return u.ID })
	items := make([]userExpanded, len(users))
	for i, u := range users {
		if items[i], err = expandUser(ctx, q, u, inc); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, usersListResponse{Items: items, Total: total})
}
