package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
)

// impSchema: the Integrated IM&P setting of a user. A user without a row has IM&P disabled
// (version 1); the first change inserts the row.
const impSchema = `
CREATE TABLE imp_settings (
	user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
	version    INTEGER NOT NULL,
	updated_at TEXT NOT NULL
);
`

func init() {
	userUpdateChecks = append(userUpdateChecks, impEmailCheck)
}

// impView is the IM&P setting of the contract.
type impView struct {
	Enabled bool   `json:"enabled"`
	Etag    string `json:"etag"`
}

func (v impView) etagValue() string { return v.Etag }

// impInput is the body of PUT /v1/users/{usr}/services/integrated-imp.
type impInput struct {
	Enabled *bool `json:"enabled"`
}

func (s *Server) impRoutes() []route {
	return []route{
		{pattern: "GET /v1/users/{usr}/services/integrated-imp", handler: s.getIMP},
		{pattern: "PUT /v1/users/{usr}/services/integrated-imp", handler: s.putIMP},
	}
}

// loadIMP returns the user's IM&P setting (disabled, version 1 when never set).
func loadIMP(ctx context.Context, q querier, userID string) (impView, int64, error) {
	var enabled bool
	var version int64
	err := q.QueryRowContext(ctx, `SELECT enabled, version FROM imp_settings WHERE user_id = ?`, userID).Scan(&enabled, &version)
	if errors.Is(err, sql.ErrNoRows) {
		enabled, version, err = false, 1, nil
	}
	if err != nil {
		return impView{}, 0, fmt.Errorf("load integrated im&p setting: %w", err)
	}
	return impView{Enabled: enabled, Etag: etagOf(version)}, version, nil
}

// impEmailCheck refuses a change of the email while IM&P is enabled (a userUpdateChecks hook):
// the Webex account is bound to it; disable IM&P first.
func impEmailCheck(ctx context.Context, tx *sql.Tx, before, after *user) error {
	if before.Email == after.Email {
		return nil
	}
	imp, _, err := loadIMP(ctx, tx, before.ID)
	if err != nil {
		return err
	}
	if imp.Enabled {
		return errConflict("imp_enabled", "email",
			"the email cannot change while integrated im&p is enabled; disable integrated im&p first")
	}
	return nil
}

// setIMP turns IM&P on or off for u and applies the effect on the user's Webex activation
// (see impDisabled and impEnabled). Enabling needs an email (422 email_required). Setting the
// current value changes nothing.
func (s *Server) setIMP(ctx context.Context, tx *sql.Tx, u *user, enabled bool) (impView, error) {
	cur, version, err := loadIMP(ctx, tx, u.ID)
	if err != nil {
		return impView{}, err
	}
	if cur.Enabled == enabled {
		return cur, nil
	}
	if enabled && u.Email == "" {
		return impView{}, errInvalid("email_required", "enabled", "integrated im&p needs an email on the user")
	}
	version++
	_, err = tx.ExecContext(ctx, `INSERT INTO imp_settings (user_id, enabled, version, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET enabled = excluded.enabled, version = excluded.version, updated_at = excluded.updated_at`,
		u.ID, enabled, version, s.timestamp())
	if err != nil {
		return impView{}, fmt.Errorf("write integrated im&p setting: %w", err)
	}
	if enabled {
		err = s.impEnabled(ctx, tx, u)
	} else {
		err = s.impDisabled(ctx, tx, u)
	}
	if err != nil {
		return impView{}, err
	}
	return impView{Enabled: enabled, Etag: etagOf(version)}, nil
}

func (s *Server) getIMP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := s.q(ctx)
	u, err := s.authorizeUser(ctx, q, r.PathValue("usr"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, _, err := loadIMP(ctx, q, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) putIMP(w http.ResponseWriter, r *http.Request) {
	var in impInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	var out impView
	err := writeUserObject(s, r, impOf, "", func(ctx context.Context, tx *sql.Tx, u *user, _ *impView) error {
		var err error
		if in.Enabled == nil {
			return errInvalid(codeRequired, "enabled", "enabled is required")
		}
		out, err = s.setIMP(ctx, tx, u, *in.Enabled)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
