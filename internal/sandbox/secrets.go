package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// secretsSchema: the passcode policy of an enterprise (no row = rules.DefaultPasscodePolicy)
// and the users' write-only secrets. A secret is stored as an argon2id hash (Server.hashSecret: a
// slow KDF with its own random salt; salt is "" for those rows), never as itself; rows written by older
// sandboxes hold rules.HashPasscode(salt, secret) and still verify. The voicemail passcode's hash
// is also the history that the reuse rules consult.
const secretsSchema = `
CREATE TABLE passcode_policies (
	enterprise_id              TEXT PRIMARY KEY REFERENCES enterprises(id) ON DELETE CASCADE,
	min_length                 INTEGER NOT NULL,
	max_length                 INTEGER NOT NULL,
	max_repeated_digits        INTEGER NOT NULL,
	max_sequence_length        INTEGER NOT NULL,
	block_user_number          INTEGER NOT NULL,
	block_reversed_user_number INTEGER NOT NULL,
	block_previous             INTEGER NOT NULL,
	block_previous_reversed    INTEGER NOT NULL,
	password_min_length        INTEGER NOT NULL
);
CREATE TABLE voicemail_passcodes (
	user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	salt       TEXT NOT NULL,
	hash       TEXT NOT NULL, -- hashSecret(passcode): argon2id PHC string
	updated_at TEXT NOT NULL
);
CREATE TABLE portal_passwords (
	user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	salt       TEXT NOT NULL,
	hash       TEXT NOT NULL, -- hashSecret(password): argon2id PHC string
	updated_at TEXT NOT NULL
);
`

// passcodeRulesView is the body of GET /v1/enterprises/{ent}/passcode-rules.
type passcodeRulesView struct {
	MinLength               int  `json:"minLength"`
	MaxLength               int  `json:"maxLength"`
	MaxRepeatedDigits       int  `json:"maxRepeatedDigits"`
	MaxSequenceLength       int  `json:"maxSequenceLength"`
	BlockUserNumber         bool `json:"blockUserNumber"`
	BlockReversedUserNumber bool `json:"blockReversedUserNumber"`
	BlockPrevious           bool `json:"blockPrevious"`
	BlockPreviousReversed   bool `json:"blockPreviousReversed"`
	PasswordMinLength       int  `json:"passwordMinLength"`
}

func (s *Server) secretRoutes() []route {
	return []route{
		{pattern: "PUT /v1/users/{usr}/voicemail/passcode", handler: s.putPasscode},
		{pattern: "PUT /v1/users/{usr}/portal-password", handler: s.putPassword},
		{pattern: "GET /v1/enterprises/{ent}/passcode-rules", handler: s.getPasscodeRules},
	}
}

// loadPasscodePolicy returns the enterprise's policy (the default when it has not set one).
func loadPasscodePolicy(ctx context.Context, q querier, ent string) (rules.PasscodePolicy, error) {
	var p rules.PasscodePolicy
	err := q.QueryRowContext(ctx, `SELECT min_length, max_length, max_repeated_digits, max_sequence_length,
		block_user_number, block_reversed_user_number, block_previous, block_previous_reversed, password_min_length
		FROM passcode_policies WHERE enterprise_id = ?`, ent).Scan(&p.MinLength, &p.MaxLength, &p.MaxRepeatedDigits,
		&p.MaxSequenceLength, &p.BlockUserNumber, &p.BlockReversedUserNumber, &p.BlockPrevious, &p.BlockPreviousReversed,
		&p.PasswordMinLength)
	if errors.Is(err, sql.ErrNoRows) {
		return rules.DefaultPasscodePolicy(), nil
	}
	if err != nil {
		return p, fmt.Errorf("load passcode policy: %w", err)
	}
	return p, nil
}

// SetPasscodePolicy sets the passcode and password policy of an enterprise (a test knob: an
// enterprise may tighten the defaults, rules.DefaultPasscodePolicy).
func (s *Server) SetPasscodePolicy(enterpriseID string, p rules.PasscodePolicy) error {
	ctx := context.Background()
	return s.tx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM enterprises WHERE id = ?`, enterpriseID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("enterprise %q does not exist", enterpriseID)
		}
		if err != nil {
			return fmt.Errorf("look up enterprise: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO passcode_policies (enterprise_id, min_length, max_length,
			max_repeated_digits, max_sequence_length, block_user_number, block_reversed_user_number, block_previous,
			block_previous_reversed, password_min_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			enterpriseID, p.MinLength, p.MaxLength, p.MaxRepeatedDigits, p.MaxSequenceLength, p.BlockUserNumber,
			p.BlockReversedUserNumber, p.BlockPrevious, p.BlockPreviousReversed, p.PasswordMinLength)
		if err != nil {
			return fmt.Errorf("set passcode policy: %w", err)
		}
		return nil
	})
}

func (s *Server) getPasscodeRules(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ent := r.PathValue("ent")
	q := s.q(ctx)
	if err := s.authorizeEnterprise(ctx, q, ent); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := loadPasscodePolicy(ctx, q, ent)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, passcodeRulesView(p))
}

// firstViolation turns the first broken rule into the 422 of the contract (rules' messages never
// contain the checked value).
func firstViolation(vs []*rules.Violation) error {
	if len(vs) == 0 {
		return nil
	}
	return errInvalid(vs[0].Code, vs[0].Field, vs[0].Message)
}

// storeSecretHash replaces the hash (Server.hashSecret) of a secret in table (voicemail_passcodes or
// portal_passwords).
func (s *Server) storeSecretHash(ctx context.Context, tx *sql.Tx, table, userID, hash string) error {
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO `+table+` (user_id, salt, hash, updated_at) VALUES (?, ?, ?, ?)`,
		userID, "", hash, s.timestamp())
	if err != nil {
		return fmt.Errorf("store %s: %w", table, err)
	}
	return nil
}

// authorizeThenHash is the first half of every REST secret write (see hashSecret for the order):
// the caller must reach user id (else 404, and no hash is computed), then the secret is hashed
// outside the write transaction (the slow KDF would hold every other writer). The transaction
// that stores the hash authorises again: the user may have gone meanwhile.
func (s *Server) authorizeThenHash(ctx context.Context, userID, secret string) (string, error) {
	if _, err := s.authorizeUser(ctx, s.q(ctx), userID); err != nil {
		return "", err
	}
	return s.hashSecret(ctx, secret)
}

// putPasscode checks the passcode against every rule of the enterprise's policy, with the user's
// number, extension and previous passcode (compared through its salted hash) as facts.
func (s *Server) putPasscode(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in struct {
		Passcode string `json:"passcode"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	hash, err := s.authorizeThenHash(ctx, r.PathValue("usr"), in.Passcode)
	if err != nil {
		s.failSecret(w, r, err)
		return
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		u, err := s.authorizeUser(ctx, tx, r.PathValue("usr"))
		if err != nil {
			return err
		}
		vs, err := s.passcodeViolations(ctx, tx, u, in.Passcode)
		if err != nil {
			return err
		}
		if err := firstViolation(vs); err != nil {
			return err
		}
		return s.storeSecretHash(ctx, tx, "voicemail_passcodes", u.ID, hash)
	})
	if err != nil {
		s.failSecret(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// putPassword checks the portal password against the strength rules and the user's names and
// email.
func (s *Server) putPassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in struct {
		Password string `json:"password"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	hash, err := s.authorizeThenHash(ctx, r.PathValue("usr"), in.Password)
	if err != nil {
		s.failSecret(w, r, err)
		return
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		u, err := s.authorizeUser(ctx, tx, r.PathValue("usr"))
		if err != nil {
			return err
		}
		vs, err := passwordViolations(ctx, tx, u, in.Password)
		if err != nil {
			return err
		}
		if err := firstViolation(vs); err != nil {
			return err
		}
		return s.storeSecretHash(ctx, tx, "portal_passwords", u.ID, hash)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// passcodeViolations checks a voicemail passcode of u against every rule of the user's group
// policy (loadUserPasscodePolicy), with the user's number, extension and previous passcode
// (compared through its hash) as facts. Every front-end checks passcodes through it.
//
// The previous passcode is compared through the capped hash (s.verifySecret): a comparison that
// gets no hash slot is the answer (errHashesBusy), not a verdict.
func (s *Server) passcodeViolations(ctx context.Context, tx *sql.Tx, u *user, passcode string) ([]*rules.Violation, error) {
	pol, err := loadUserPasscodePolicy(ctx, tx, u)
	if err != nil {
		return nil, err
	}
	facts := rules.PasscodeFacts{}
	a, err := loadAssignment(ctx, tx, u.ID)
	if err != nil {
		return nil, err
	}
	if a != nil {
		facts.PhoneNumber, facts.Extension = a.PhoneNumber, a.Extension
	}
	var prevSalt, prevHash string
	err = tx.QueryRowContext(ctx, `SELECT salt, hash FROM voicemail_passcodes WHERE user_id = ?`, u.ID).Scan(&prevSalt, &prevHash)
	var verifyErr error
	switch {
	case err == nil:
		facts.IsPrevious = func(c string) bool {
			ok, err := s.verifySecret(ctx, prevSalt, prevHash, c)
			if err != nil && verifyErr == nil {
				verifyErr = err
			}
			return ok
		}
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("load passcode history: %w", err)
	}
	vs := rules.CheckPasscode(passcode, pol, facts)
	if verifyErr != nil {
		return nil, verifyErr
	}
	return vs, nil
}

// passwordViolations checks a portal password of u against the strength rules of the user's
// group policy and the user's names and email.
func passwordViolations(ctx context.Context, tx *sql.Tx, u *user, password string) ([]*rules.Violation, error) {
	pol, err := loadUserPasscodePolicy(ctx, tx, u)
	if err != nil {
		return nil, err
	}
	facts := rules.PasswordFacts{FirstName: u.FirstName, LastName: u.LastName, Email: u.Email}
	return rules.CheckPassword(password, pol, facts), nil
}
