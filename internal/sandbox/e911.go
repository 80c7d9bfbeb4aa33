package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// e911Schema: a user's emergency address as sent and as normalised by internal/rules.
const e911Schema = `
CREATE TABLE e911_addresses (
	user_id       TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	address1      TEXT NOT NULL,
	address2      TEXT NOT NULL,
	city          TEXT NOT NULL,
	state         TEXT NOT NULL,
	postal_code   TEXT NOT NULL,
	country       TEXT NOT NULL,
	n_address1    TEXT NOT NULL,
	n_address2    TEXT NOT NULL,
	n_city        TEXT NOT NULL,
	n_state       TEXT NOT NULL,
	n_postal_code TEXT NOT NULL,
	n_country     TEXT NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('valid', 'needs_review')),
	version       INTEGER NOT NULL DEFAULT 1,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);
`

const (
	e911StatusValid       = "valid"
	e911StatusNeedsReview = "needs_review"
)

// addressJSON is the Address object of the contract (also the PUT body).
type addressJSON struct {
	Address1   string `json:"address1"`
	Address2   string `json:"address2"`
	City       string `json:"city"`
	State      string `json:"state"`
	PostalCode string `json:"postalCode"`
	Country    string `json:"country"`
}

func (a addressJSON) rules() rules.Address {
	return rules.Address{Address1: a.Address1, Address2: a.Address2, City: a.City, State: a.State,
		PostalCode: a.PostalCode, Country: a.Country}
}

func fromRules(a rules.Address) addressJSON {
	return addressJSON{Address1: a.Address1, Address2: a.Address2, City: a.City, State: a.State,
		PostalCode: a.PostalCode, Country: a.Country}
}

// e911View is the E911 object: the address as sent, its normalised form, status and etag.
type e911View struct {
	addressJSON
	Normalized addressJSON `json:"normalized"`
	Status     string      `json:"status"`
	Etag       string      `json:"etag"`
}

func (v e911View) etagValue() string { return v.Etag }

// e911Row is an e911_addresses row.
type e911Row struct {
	UserID     string
	Address    addressJSON
	Normalized addressJSON
	Status     string
	Version    int64
}

func (e *e911Row) view() e911View {
	return e911View{addressJSON: e.Address, Normalized: e.Normalized, Status: e.Status, Etag: etagOf(e.Version)}
}

func (s *Server) e911Routes() []route {
	return []route{
		{pattern: "GET /v1/users/{usr}/e911", handler: s.getE911},
		{pattern: "PUT /v1/users/{usr}/e911", handler: s.putE911},
		{pattern: "DELETE /v1/users/{usr}/e911", handler: s.deleteE911},
	}
}

func loadE911(ctx context.Context, q querier, userID string) (*e911Row, error) {
	var e e911Row
	a, n := &e.Address, &e.Normalized
	err := q.QueryRowContext(ctx, `SELECT user_id, address1, address2, city, state, postal_code, country,
		n_address1, n_address2, n_city, n_state, n_postal_code, n_country, status, version
		FROM e911_addresses WHERE user_id = ?`, userID).Scan(&e.UserID,
		&a.Address1, &a.Address2, &a.City, &a.State, &a.PostalCode, &a.Country,
		&n.Address1, &n.Address2, &n.City, &n.State, &n.PostalCode, &n.Country, &e.Status, &e.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load e911 address: %w", err)
	}
	return &e, nil
}

// markE911NeedsReview flags the user's E911 address (if any) for review: its phone number changed.
func (s *Server) markE911NeedsReview(ctx context.Context, tx *sql.Tx, userID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE e911_addresses SET status = ?, version = version + 1, updated_at = ?
		WHERE user_id = ? AND status <> ?`, e911StatusNeedsReview, s.timestamp(), userID, e911StatusNeedsReview)
	if err != nil {
		return fmt.Errorf("flag e911 address for review: %w", err)
	}
	return nil
}

func (s *Server) getE911(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := s.q(ctx)
	u, err := s.authorizeUser(ctx, q, r.PathValue("usr"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := loadE911(ctx, q, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if e == nil {
		s.fail(w, r, errNotFound("the user has no e911 address"))
		return
	}
	writeJSON(w, http.StatusOK, e.view())
}

// putE911 validates and stores the address. A PUT of what is stored changes nothing (same etag),
// except that it confirms an address that needs review.
func (s *Server) putE911(w http.ResponseWriter, r *http.Request) {
	var in addressJSON
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	var out *e911Row
	err := writeUserObject(s, r, e911Of, "", func(ctx context.Context, tx *sql.Tx, u *user, cur *e911Row) error {
		var err error
		out, err = s.storeE911(ctx, tx, u, cur, in)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out.view())
}

// storeE911 checks the address with internal/rules (422 address_invalid) and stores it with its
// normalised form as the user's emergency address (cur: the current one, nil for none). Storing
// what is stored changes nothing, except that it confirms an address that needs review. Every
// front-end writes addresses through it.
func (s *Server) storeE911(ctx context.Context, tx *sql.Tx, u *user, cur *e911Row, in addressJSON) (*e911Row, error) {
	var err error
	if vs := rules.ValidateAddress(in.rules()); len(vs) > 0 {
		return nil, errInvalid(rules.CodeAddressInvalid, vs[0].Field, vs[0].Message)
	}
	next := e911Row{UserID: u.ID, Address: in, Normalized: fromRules(rules.NormalizeAddress(in.rules())), Status: e911StatusValid}
	now := s.timestamp()
	a, n := next.Address, next.Normalized
	if cur == nil {
		next.Version = 1
		_, err = tx.ExecContext(ctx, `INSERT INTO e911_addresses (user_id, address1, address2, city, state, postal_code, country,
			n_address1, n_address2, n_city, n_state, n_postal_code, n_country, status, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.ID,
			a.Address1, a.Address2, a.City, a.State, a.PostalCode, a.Country,
			n.Address1, n.Address2, n.City, n.State, n.PostalCode, n.Country, next.Status, next.Version, now, now)
	} else {
		if cur.Address == next.Address && cur.Normalized == next.Normalized && cur.Status == next.Status {
			return cur, nil
		}
		next.Version = cur.Version + 1
		_, err = tx.ExecContext(ctx, `UPDATE e911_addresses SET address1 = ?, address2 = ?, city = ?, state = ?,
			postal_code = ?, country = ?, n_address1 = ?, n_address2 = ?, n_city = ?, n_state = ?, n_postal_code = ?,
			n_country = ?, status = ?, version = ?, updated_at = ? WHERE user_id = ?`,
			a.Address1, a.Address2, a.City, a.State, a.PostalCode, a.Country,
			n.Address1, n.Address2, n.City, n.State, n.PostalCode, n.Country, next.Status, next.Version, now, u.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("write e911 address: %w", err)
	}
	return &next, nil
}

func (s *Server) deleteE911(w http.ResponseWriter, r *http.Request) {
	err := writeUserObject(s, r, e911Of, "the user has no e911 address", func(ctx context.Context, tx *sql.Tx, u *user, _ *e911Row) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM e911_addresses WHERE user_id = ?`, u.ID); err != nil {
			return fmt.Errorf("delete e911 address: %w", err)
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
