package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// callForwardingSchema: a user's call forwarding. A user without a row has every forward off
// and 3 rings (version 1); the first change inserts the row.
const callForwardingSchema = `
CREATE TABLE call_forwarding (
	user_id               TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	always_enabled        INTEGER NOT NULL,
	always_destination    TEXT NOT NULL,
	busy_enabled          INTEGER NOT NULL,
	busy_destination      TEXT NOT NULL,
	no_answer_enabled     INTEGER NOT NULL,
	no_answer_destination TEXT NOT NULL,
	no_answer_rings       INTEGER NOT NULL CHECK (no_answer_rings BETWEEN 2 AND 20),
	version               INTEGER NOT NULL,
	updated_at            TEXT NOT NULL
);
`

const (
	defaultNoAnswerRings = 3
	minNoAnswerRings     = 2
	maxNoAnswerRings     = 20
)

// forward is one forwarding rule.
type forward struct {
	Enabled     bool   `json:"enabled"`
	Destination string `json:"destination"`
}

// noAnswerForward is the no-answer rule.
type noAnswerForward struct {
	Enabled     bool   `json:"enabled"`
	Destination string `json:"destination"`
	Rings       int    `json:"rings"`
}

// callForwarding is the CallForwarding object of the contract.
type callForwarding struct {
	Always   forward         `json:"always"`
	Busy     forward         `json:"busy"`
	NoAnswer noAnswerForward `json:"noAnswer"`
	Etag     string          `json:"etag"`
}

func (v callForwarding) etagValue() string { return v.Etag }

// defaultCallForwarding is every forward off, 3 rings.
func defaultCallForwarding() callForwarding {
	return callForwarding{NoAnswer: noAnswerForward{Rings: defaultNoAnswerRings}}
}

// callForwardingInput is the PUT body: a missing rule is off; a missing rings is 3.
type callForwardingInput struct {
	Always   forward `json:"always"`
	Busy     forward `json:"busy"`
	NoAnswer struct {
		Enabled     bool   `json:"enabled"`
		Destination string `json:"destination"`
		Rings       *int   `json:"rings"`
	} `json:"noAnswer"`
}

func (s *Server) callForwardingRoutes() []route {
	return []route{
		{pattern: "GET /v1/users/{usr}/call-forwarding", handler: s.getCallForwarding},
		{pattern: "PUT /v1/users/{usr}/call-forwarding", handler: s.putCallForwarding},
		{pattern: "DELETE /v1/users/{usr}/call-forwarding", handler: s.deleteCallForwarding},
	}
}

// loadCallForwarding returns the user's settings and their version (defaults, 1 when never set).
func loadCallForwarding(ctx context.Context, q querier, userID string) (callForwarding, int64, error) {
	cf := defaultCallForwarding()
	var version int64
	err := q.QueryRowContext(ctx, `SELECT always_enabled, always_destination, busy_enabled, busy_destination,
		no_answer_enabled, no_answer_destination, no_answer_rings, version FROM call_forwarding WHERE user_id = ?`, userID).
		Scan(&cf.Always.Enabled, &cf.Always.Destination, &cf.Busy.Enabled, &cf.Busy.Destination,
			&cf.NoAnswer.Enabled, &cf.NoAnswer.Destination, &cf.NoAnswer.Rings, &version)
	if errors.Is(err, sql.ErrNoRows) {
		cf, version, err = defaultCallForwarding(), 1, nil
	}
	if err != nil {
		return cf, 0, fmt.Errorf("load call forwarding: %w", err)
	}
	cf.Etag = etagOf(version)
	return cf, version, nil
}

// validateForward checks one rule: an enabled rule needs a destination, and a destination is an
// E.164 number or an extension.
func validateForward(name string, enabled bool, destination string) error {
	field := name + ".destination"
	if destination == "" {
		if enabled {
			return errInvalid("destination_required", field, field+" is required when "+name+" forwarding is enabled")
		}
		return nil
	}
	if rules.ValidateE164(destination) != nil && rules.ValidateExtension(destination) != nil {
		return errInvalid("destination_invalid", field, field+" must be an e.164 phone number or an extension")
	}
	return nil
}

// validate checks in and returns the settings it asks for.
func (in callForwardingInput) validate() (callForwarding, error) {
	cf := callForwarding{Always: in.Always, Busy: in.Busy, NoAnswer: noAnswerForward{
		Enabled: in.NoAnswer.Enabled, Destination: in.NoAnswer.Destination, Rings: defaultNoAnswerRings}}
	if err := validateForward("always", cf.Always.Enabled, cf.Always.Destination); err != nil {
		return cf, err
	}
	if err := validateForward("busy", cf.Busy.Enabled, cf.Busy.Destination); err != nil {
		return cf, err
	}
	if err := validateForward("noAnswer", cf.NoAnswer.Enabled, cf.NoAnswer.Destination); err != nil {
		return cf, err
	}
	if in.NoAnswer.Rings != nil {
		cf.NoAnswer.Rings = *in.NoAnswer.Rings
		if cf.NoAnswer.Rings < minNoAnswerRings || cf.NoAnswer.Rings > maxNoAnswerRings {
			return cf, errInvalid("rings_invalid", "noAnswer.rings",
				"noAnswer.rings must be from "+strconv.Itoa(minNoAnswerRings)+" to "+strconv.Itoa(maxNoAnswerRings))
		}
	}
	return cf, nil
}

// writeCallForwarding stores cf for the user when it differs from cur (same settings: same
// etag) and returns what is stored.
func (s *Server) writeCallForwarding(ctx context.Context, tx *sql.Tx, userID string, cur callForwarding, version int64, cf callForwarding) (callForwarding, error) {
	cf.Etag = cur.Etag
	if cf == cur {
		return cur, nil
	}
	version++
	cf.Etag = etagOf(version)
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO call_forwarding (user_id, always_enabled, always_destination,
		busy_enabled, busy_destination, no_answer_enabled, no_answer_destination, no_answer_rings, version, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, userID, cf.Always.Enabled, cf.Always.Destination, cf.Busy.Enabled,
		cf.Busy.Destination, cf.NoAnswer.Enabled, cf.NoAnswer.Destination, cf.NoAnswer.Rings, version, s.timestamp())
	if err != nil {
		return cf, fmt.Errorf("write call forwarding: %w", err)
	}
	return cf, nil
}

func (s *Server) getCallForwarding(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := s.q(ctx)
	u, err := s.authorizeUser(ctx, q, r.PathValue("usr"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cf, _, err := loadCallForwarding(ctx, q, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cf)
}

// changeCallForwarding runs the common part of PUT and DELETE (writeUserObject), then next
// (which returns the wanted settings) and write.
func (s *Server) changeCallForwarding(r *http.Request, next func() (callForwarding, error)) (callForwarding, error) {
	var out callForwarding
	err := writeUserObject(s, r, callForwardingOf, "", func(ctx context.Context, tx *sql.Tx, u *user, cur *versionedForwarding) error {
		cf, err := next()
		if err != nil {
			return err
		}
		out, err = s.writeCallForwarding(ctx, tx, u.ID, cur.cf, cur.version, cf)
		return err
	})
	return out, err
}

func (s *Server) putCallForwarding(w http.ResponseWriter, r *http.Request) {
	var in callForwardingInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.changeCallForwarding(r, in.validate)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// deleteCallForwarding turns every forward off (the defaults); the settings always exist, so a
// second DELETE answers 204 too.
func (s *Server) deleteCallForwarding(w http.ResponseWriter, r *http.Request) {
	_, err := s.changeCallForwarding(r, func() (callForwarding, error) { return defaultCallForwarding(), nil })
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
