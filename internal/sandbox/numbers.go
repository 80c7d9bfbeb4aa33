package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// numbersSchema: the number inventory of each group and the users' number/extension assignment.
// A number is available when no user_numbers row holds it; deleting a user (cascade) or its
// assignment returns the number to the inventory and frees the extension.
const numbersSchema = `
CREATE TABLE numbers (
	phone_number  TEXT PRIMARY KEY,
	enterprise_id TEXT NOT NULL,
	group_id      TEXT NOT NULL,
	FOREIGN KEY (enterprise_id, group_id) REFERENCES groups(enterprise_id, id) ON DELETE CASCADE
);
CREATE INDEX numbers_enterprise ON numbers(enterprise_id, phone_number);
CREATE INDEX numbers_group ON numbers(group_id, phone_number);
CREATE TABLE user_numbers (
	user_id       TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
	phone_number  TEXT REFERENCES numbers(phone_number), -- NULL = extension only
	extension     TEXT,                                  -- NULL = none
	number_state  TEXT NOT NULL DEFAULT '' CHECK (number_state IN ('', 'inactive', 'active')),
	version       INTEGER NOT NULL DEFAULT 1,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	CHECK (phone_number IS NOT NULL OR extension IS NOT NULL),
	CHECK ((phone_number IS NULL) = (number_state = ''))
);
-- A number belongs to at most one user; an extension is unique in its enterprise.
CREATE UNIQUE INDEX user_numbers_phone_number ON user_numbers(phone_number);
CREATE UNIQUE INDEX user_numbers_extension ON user_numbers(enterprise_id, extension);
`

const (
	numberStateInactive = "inactive"
	numberStateActive   = "active"
)

// assignment is a user_numbers row.
type assignment struct {
	UserID       string
	EnterpriseID string
	PhoneNumber  string // "" = none
	Extension    string // "" = none
	State        string
	Version      int64
}

// numberView is the Number object of the contract.
type numberView struct {
	PhoneNumber string `json:"phoneNumber"`
	Extension   string `json:"extension"`
	NumberState string `json:"numberState"`
	Etag        string `json:"etag"`
}

func (v numberView) etagValue() string { return v.Etag }

func (a *assignment) view() numberView {
	return numberView{PhoneNumber: a.PhoneNumber, Extension: a.Extension, NumberState: a.State, Etag: etagOf(a.Version)}
}

// numberInput is the body of PUT /v1/users/{usr}/number. Activate activates the phone number in
// the same write (assign + POST .../number/activate in one request); ignored without a number.
type numberInput struct {
	PhoneNumber string `json:"phoneNumber"`
	Extension   string `json:"extension"`
	Activate    bool   `json:"activate"`
}

// inventoryItem is a row of GET /v1/enterprises/{ent}/numbers.
type inventoryItem struct {
	PhoneNumber string `json:"phoneNumber"`
	GroupID     string `json:"groupId"`
	State       string `json:"state"`
	UserID      string `json:"userId"`
}

func (s *Server) numberRoutes() []route {
	return []route{
		{pattern: "GET /v1/users/{usr}/number", handler: s.getNumber},
		{pattern: "PUT /v1/users/{usr}/number", handler: s.putNumber},
		{pattern: "DELETE /v1/users/{usr}/number", handler: s.deleteNumber},
		{pattern: "POST /v1/users/{usr}/number/activate", handler: s.activateNumber},
		{pattern: "GET /v1/enterprises/{ent}/numbers", handler: s.listNumbers},
	}
}

// loadAssignment returns the user's assignment, nil when nothing is assigned.
func loadAssignment(ctx context.Context, q querier, userID string) (*assignment, error) {
	var a assignment
	var phone, ext sql.NullString
	err := q.QueryRowContext(ctx, `SELECT user_id, enterprise_id, phone_number, extension, number_state, version
		FROM user_numbers WHERE user_id = ?`, userID).Scan(&a.UserID, &a.EnterpriseID, &phone, &ext, &a.State, &a.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load number assignment: %w", err)
	}
	a.PhoneNumber, a.Extension = phone.String, ext.String
	return &a, nil
}

func (s *Server) getNumber(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := s.q(ctx)
	u, err := s.authorizeUser(ctx, q, r.PathValue("usr"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := loadAssignment(ctx, q, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if a == nil {
		s.fail(w, r, errNotFound("no number or extension is assigned to the user"))
		return
	}
	writeJSON(w, http.StatusOK, a.view())
}

// validateNumberInput applies the static rules of a number assignment.
func validateNumberInput(in numberInput) error {
	if in.PhoneNumber == "" && in.Extension == "" {
		return errInvalid("number_or_extension_required", "", "at least one of phoneNumber and extension is required")
	}
	if in.PhoneNumber != "" {
		if err := rules.ValidateE164(in.PhoneNumber); err != nil {
			return errRule(err, rules.CodePhoneNumberInvalid, "phoneNumber")
		}
	}
	if in.Extension != "" {
		if err := rules.ValidateExtension(in.Extension); err != nil {
			return errRule(err, rules.CodeExtensionInvalid, "extension")
		}
	}
	return nil
}

// numberWriteError maps a unique violation of an assignment write to 409 number_in_use or
// extension_in_use with the holder's id.
func numberWriteError(ctx context.Context, q querier, u *user, in numberInput, err error) error {
	var e *apiError
	var holderQuery string
	var arg []any
	switch {
	case violates(err, "user_numbers.phone_number"):
		e = errConflict("number_in_use", "phoneNumber", in.PhoneNumber+" is assigned to another user")
		holderQuery, arg = `SELECT user_id FROM user_numbers WHERE phone_number = ?`, []any{in.PhoneNumber}
	case violates(err, "user_numbers.extension"):
		e = errConflict("extension_in_use", "extension", "extension "+in.Extension+" is assigned to another user")
		holderQuery, arg = `SELECT user_id FROM user_numbers WHERE enterprise_id = ? AND extension = ?`, []any{u.EnterpriseID, in.Extension}
	default:
		return fmt.Errorf("write number assignment: %w", err)
	}
	var holder string
	if qerr := q.QueryRowContext(ctx, holderQuery, arg...).Scan(&holder); qerr == nil {
		e = e.with("conflictingUserId", holder)
	}
	return e
}

func (s *Server) putNumber(w http.ResponseWriter, r *http.Request) {
	var in numberInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	var out *assignment
	err := writeUserObject(s, r, numberOf, "", func(ctx context.Context, tx *sql.Tx, u *user, cur *assignment) error {
		var err error
		out, err = s.assignNumber(ctx, tx, u, cur, in)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out.view())
}

// assignNumber gives user u (whose current assignment is cur, nil for none) the number and
// extension of in: the static rules, the group's inventory (422 number_not_in_inventory), the
// holders (409 number_in_use, extension_in_use). A new number is inactive unless in.Activate; the
// same number keeps its state; a changed number flags the E911 address for review. Every
// front-end assigns numbers through it.
func (s *Server) assignNumber(ctx context.Context, tx *sql.Tx, u *user, cur *assignment, in numberInput) (*assignment, error) {
	if err := validateNumberInput(in); err != nil {
		return nil, err
	}
	if in.PhoneNumber != "" {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM numbers WHERE phone_number = ? AND enterprise_id = ? AND group_id = ?`,
			in.PhoneNumber, u.EnterpriseID, u.GroupID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errInvalid("number_not_in_inventory", "phoneNumber",
				in.PhoneNumber+" is not in the inventory of group "+u.GroupID)
		}
		if err != nil {
			return nil, fmt.Errorf("look up inventory: %w", err)
		}
	}
	next := assignment{UserID: u.ID, EnterpriseID: u.EnterpriseID, PhoneNumber: in.PhoneNumber, Extension: in.Extension}
	switch {
	case in.PhoneNumber == "":
		next.State = ""
	case cur != nil && cur.PhoneNumber == in.PhoneNumber:
		next.State = cur.State // re-PUT of the same number keeps its state
	default:
		next.State = numberStateInactive
	}
	if in.Activate && in.PhoneNumber != "" {
		next.State = numberStateActive
	}
	now := s.timestamp()
	var err error
	if cur == nil {
		next.Version = 1
		_, err = tx.ExecContext(ctx, `INSERT INTO user_numbers (user_id, enterprise_id, phone_number, extension,
			number_state, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			next.UserID, next.EnterpriseID, nullIfEmpty(next.PhoneNumber), nullIfEmpty(next.Extension),
			next.State, next.Version, now, now)
	} else {
		if cur.PhoneNumber == next.PhoneNumber && cur.Extension == next.Extension && cur.State == next.State {
			return cur, nil // nothing changes: same etag
		}
		next.Version = cur.Version + 1
		_, err = tx.ExecContext(ctx, `UPDATE user_numbers SET phone_number = ?, extension = ?, number_state = ?,
			version = ?, updated_at = ? WHERE user_id = ?`,
			nullIfEmpty(next.PhoneNumber), nullIfEmpty(next.Extension), next.State, next.Version, now, u.ID)
	}
	if err != nil {
		return nil, numberWriteError(ctx, tx, u, in, err)
	}
	if cur != nil && cur.PhoneNumber != "" && cur.PhoneNumber != next.PhoneNumber {
		if err := s.markE911NeedsReview(ctx, tx, u.ID); err != nil {
			return nil, err
		}
	}
	return &next, nil
}

func (s *Server) deleteNumber(w http.ResponseWriter, r *http.Request) {
	err := writeUserObject(s, r, numberOf, "no number or extension is assigned to the user",
		func(ctx context.Context, tx *sql.Tx, u *user, cur *assignment) error {
			return s.unassignNumber(ctx, tx, u, cur)
		})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) activateNumber(w http.ResponseWriter, r *http.Request) {
	var out *assignment
	err := writeUserObject(s, r, numberOf, "", func(ctx context.Context, tx *sql.Tx, u *user, cur *assignment) error {
		if cur == nil || cur.PhoneNumber == "" {
			return errConflict("no_phone_number", "", "the user has no phone number to activate")
		}
		out = cur
		return s.activateAssignment(ctx, tx, cur)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out.view())
}

// unassignNumber removes the user's number and extension (cur, not nil): the number goes back to
// the inventory and the E911 address is flagged for review.
func (s *Server) unassignNumber(ctx context.Context, tx *sql.Tx, u *user, cur *assignment) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_numbers WHERE user_id = ?`, u.ID); err != nil {
		return fmt.Errorf("unassign number: %w", err)
	}
	if cur.PhoneNumber != "" {
		return s.markE911NeedsReview(ctx, tx, u.ID)
	}
	return nil
}

// activateAssignment activates the phone number of cur (which has one) in place; an active
// number stays as it is.
func (s *Server) activateAssignment(ctx context.Context, tx *sql.Tx, cur *assignment) error {
	if cur.State == numberStateActive {
		return nil
	}
	cur.State = numberStateActive
	cur.Version++
	_, err := tx.ExecContext(ctx, `UPDATE user_numbers SET number_state = ?, version = ?, updated_at = ? WHERE user_id = ?`,
		cur.State, cur.Version, s.timestamp(), cur.UserID)
	if err != nil {
		return fmt.Errorf("activate number: %w", err)
	}
	return nil
}

func (s *Server) listNumbers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ent := r.PathValue("ent")
	pg, err := parsePage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	qv := r.URL.Query()
	query := `SELECT n.phone_number, n.group_id, coalesce(un.user_id, '') FROM numbers n
		LEFT JOIN user_numbers un ON un.phone_number = n.phone_number
		WHERE n.enterprise_id = ? AND n.phone_number > ?`
	args := []any{ent, pg.After}
	switch v := qv.Get("available"); v {
	case "":
	case "true":
		query += ` AND un.user_id IS NULL`
	case "false":
		query += ` AND un.user_id IS NOT NULL`
	default:
		s.fail(w, r, errBadRequest("available", "available must be true or false"))
		return
	}
	if v := qv.Get("groupId"); v != "" {
		query += ` AND n.group_id = ?`
		args = append(args, v)
	}
	if v := qv.Get("phoneNumber"); v != "" {
		query += ` AND n.phone_number = ?`
		args = append(args, phoneQueryParam(v))
	}
	query += ` ORDER BY n.phone_number LIMIT ?`
	args = append(args, pg.limit())
	if err := s.authorizeEnterprise(ctx, s.q(ctx), ent); err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := queryAll(ctx, s.q(ctx), query, args, func(sc scanner) (inventoryItem, error) {
		var it inventoryItem
		err := sc.Scan(&it.PhoneNumber, &it.GroupID, &it.UserID)
		it.State = "available"
		if it.UserID != "" {
			it.State = "assigned"
		}
		return it, err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items = trimPage(w, r, pg, items, func(it inventoryItem) string { return it.PhoneNumber })
	writeJSON(w, http.StatusOK, list(items))
}

// phoneQueryParam undoes the classic "+ in a query string became a space" mistake of clients
// that do not escape E.164 numbers.
func phoneQueryParam(v string) string {
	if strings.HasPrefix(v, " ") {
		return "+" + strings.TrimPrefix(v, " ")
	}
	return v
}
