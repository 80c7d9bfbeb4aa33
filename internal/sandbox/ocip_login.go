package sandbox

import (
	"context"
	"crypto/md5" //nolint:gosec // the OCI-P signed-password scheme is MD5 by definition
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // the OCI-P signed-password scheme hashes the password with SHA-1
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// ocipSchema (step 13): what the OCI-P front-end adds to the store.
//
//   - ocip_admins: OCI-P admin logins. The password is kept as an argon2id hash (plain-password
//     logins) and as the lower-case hex SHA-1 of the password, which the signed-password login
//     (AuthenticationRequest + LoginRequest14sp4) needs to check MD5(nonce:SHA-1): for that scheme
//     it is a password equivalent, as it is on BroadWorks. enterprise_id NULL = a system login.
//   - group_passcode_policies: a group's own passcode and password rules (BroadWorks rules are
//     per group); a group without a row follows its enterprise's (passcode_policies, else
//     rules.DefaultPasscodePolicy).
//   - user_services: the services assigned to a user (UserServiceAssignListRequest).
//   - enterprises.bw_trusted_emails: whether Webex for BroadWorks trusts the enterprise's
//     BroadWorks emails (flow-through provisioning creates the subscriber directly) or not (the
//     subscriber waits for the user to validate the email).
const ocipSchema = `
CREATE TABLE ocip_admins (
	username_norm TEXT PRIMARY KEY, -- lower case
	username      TEXT NOT NULL,
	enterprise_id TEXT REFERENCES enterprises(id) ON DELETE CASCADE,
	password_hash TEXT NOT NULL, -- hashSecret(password)
	password_sha1 TEXT NOT NULL, -- lower-case hex SHA-1(password), for signed-password logins
	created_at    TEXT NOT NULL
);
CREATE TABLE group_passcode_policies (
	group_id                   TEXT PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
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
CREATE TABLE user_services (
	user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	service_name TEXT NOT NULL,
	PRIMARY KEY (user_id, service_name)
);
ALTER TABLE enterprises ADD COLUMN bw_trusted_emails INTEGER NOT NULL DEFAULT 1;
`

// Demo OCI-P logins (seed "demo"). The passwords are public demo values, like the demo tokens.
const (
	DemoOCIPAdmin          = "acme-admin@ocip.example" // service provider ent_acme
	DemoOCIPPassword       = "Acme-Demo-2026!"
	DemoOCIPSystemAdmin    = "system-admin@ocip.example" // the whole system
	DemoOCIPSystemPassword = "System-Demo-2026!"
)

// ocipAdmin is an ocip_admins row.
type ocipAdmin struct {
	username     string
	enterpriseID string // "" = system
	hash, sha1   string
}

func sha1Hex(s string) string {
	sum := sha1.Sum([]byte(s)) //nolint:gosec // see the import
	return hex.EncodeToString(sum[:])
}

// signPassword is the OCI-P signed password: lower-hex MD5(nonce + ":" + lower-hex SHA-1(password)),
// given the SHA-1 part.
func signPassword(nonce, passwordSHA1 string) string {
	sum := md5.Sum([]byte(nonce + ":" + passwordSHA1)) //nolint:gosec // see the import
	return hex.EncodeToString(sum[:])
}

// AddOCIPAdmin adds (or replaces) an OCI-P admin login; serviceProviderID "" makes a system
// login, else the login sees that enterprise only.
func (s *Server) AddOCIPAdmin(username, password, serviceProviderID string) error {
	if strings.TrimSpace(username) == "" || password == "" {
		return errors.New("ocip admin: username and password are required")
	}
	ctx := context.Background()
	hash, err := s.hashSecret(ctx, password)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		return s.putOCIPAdmin(ctx, tx, username, hash, sha1Hex(password), serviceProviderID, true)
	})
}

func (s *Server) putOCIPAdmin(ctx context.Context, tx *sql.Tx, username, hash, sha string, ent string, replace bool) error {
	verb := "INSERT OR IGNORE"
	if replace {
		verb = "INSERT OR REPLACE"
	}
	_, err := tx.ExecContext(ctx, verb+` INTO ocip_admins (username_norm, username, enterprise_id, password_hash,
		password_sha1, created_at) VALUES (?, ?, ?, ?, ?, ?)`, strings.ToLower(username), username, nullIfEmpty(ent),
		hash, sha, s.timestamp())
	if err != nil {
		return fmt.Errorf("store ocip admin: %w", err)
	}
	return nil
}

// seedOCIPAdmins is the demo seed's part of the OCI-P front-end (existing logins stay).
func (s *Server) seedOCIPAdmins(ctx context.Context, tx *sql.Tx) error {
	for _, a := range []struct{ user, pw, ent string }{
		{DemoOCIPAdmin, DemoOCIPPassword, DemoEnterpriseAcme},
		{DemoOCIPSystemAdmin, DemoOCIPSystemPassword, ""},
	} {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM ocip_admins WHERE username_norm = ?`,
			strings.ToLower(a.user)).Scan(&n); err != nil {
			return fmt.Errorf("seed ocip admins: %w", err)
		}
		if n > 0 {
			continue // no slow hash for a login that exists
		}
		hash, err := s.hashSecret(ctx, a.pw)
		if err != nil {
			return err
		}
		if err := s.putOCIPAdmin(ctx, tx, a.user, hash, sha1Hex(a.pw), a.ent, false); err != nil {
			return err
		}
	}
	return nil
}

func loadOCIPAdmin(ctx context.Context, q querier, username string) (*ocipAdmin, error) {
	var a ocipAdmin
	var ent sql.NullString
	err := q.QueryRowContext(ctx, `SELECT username, enterprise_id, password_hash, password_sha1 FROM ocip_admins
		WHERE username_norm = ?`, strings.ToLower(username)).Scan(&a.username, &ent, &a.hash, &a.sha1)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load ocip admin: %w", err)
	}
	a.enterpriseID = ent.String
	return &a, nil
}

var errOCIPInvalidPassword = ocipErr(4962, "Invalid password")

// SetTrustedEmails sets whether Webex for BroadWorks trusts the BroadWorks emails of an enterprise
// (default true): see ocipFlowThrough.
func (s *Server) SetTrustedEmails(enterpriseID string, trusted bool) error {
	ctx := context.Background()
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE enterprises SET bw_trusted_emails = ? WHERE id = ?`, trusted, enterpriseID)
		if err != nil {
			return fmt.Errorf("set trusted emails: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("enterprise %q does not exist", enterpriseID)
		}
		return nil
	})
}

// SetGroupPasscodePolicy gives a group its own passcode and password rules (a test knob: the
// group then no longer follows its enterprise's). Both front-ends apply them to the group's users.
func (s *Server) SetGroupPasscodePolicy(groupID string, p rules.PasscodePolicy) error {
	ctx := context.Background()
	return s.tx(ctx, func(tx *sql.Tx) error {
		g, err := loadGroup(ctx, tx, groupID)
		if err != nil {
			return err
		}
		if g == nil {
			return fmt.Errorf("group %q does not exist", groupID)
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO group_passcode_policies (group_id, min_length, max_length,
			max_repeated_digits, max_sequence_length, block_user_number, block_reversed_user_number, block_previous,
			block_previous_reversed, password_min_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			groupID, p.MinLength, p.MaxLength, p.MaxRepeatedDigits, p.MaxSequenceLength, p.BlockUserNumber,
			p.BlockReversedUserNumber, p.BlockPrevious, p.BlockPreviousReversed, p.PasswordMinLength)
		if err != nil {
			return fmt.Errorf("set group passcode policy: %w", err)
		}
		return nil
	})
}

// loadGroupPasscodePolicy returns the rules of a group: its own (level "Group"), else its
// enterprise's (level "Service Provider").
func loadGroupPasscodePolicy(ctx context.Context, q querier, ent, grp string) (rules.PasscodePolicy, string, error) {
	var p rules.PasscodePolicy
	err := q.QueryRowContext(ctx, `SELECT min_length, max_length, max_repeated_digits, max_sequence_length,
		block_user_number, block_reversed_user_number, block_previous, block_previous_reversed, password_min_length
		FROM group_passcode_policies WHERE group_id = ?`, grp).Scan(&p.MinLength, &p.MaxLength, &p.MaxRepeatedDigits,
		&p.MaxSequenceLength, &p.BlockUserNumber, &p.BlockReversedUserNumber, &p.BlockPrevious, &p.BlockPreviousReversed,
		&p.PasswordMinLength)
	if err == nil {
		return p, "Group", nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return p, "", fmt.Errorf("load group passcode policy: %w", err)
	}
	p, err = loadPasscodePolicy(ctx, q, ent)
	return p, "Service Provider", err
}

// loadUserPasscodePolicy returns the rules that apply to u: its group's.
func loadUserPasscodePolicy(ctx context.Context, q querier, u *user) (rules.PasscodePolicy, error) {
	p, _, err := loadGroupPasscodePolicy(ctx, q, u.EnterpriseID, u.GroupID)
	return p, err
}

// newNonce returns a nonce that looks like BroadWorks' (a millisecond timestamp's digits).
func newNonce() string {
	n, err := rand.Int(rand.Reader, big.NewInt(9e12))
	if err != nil {
		panic(fmt.Errorf("crypto/rand: %w", err)) // never happens on supported platforms
	}
	return fmt.Sprintf("%013d", n.Int64()+1e12)
}

func init() {
	ocipCommands["AuthenticationRequest"] = ocipCommand{fields: "userId!", loginFree: true, run: ocipAuthenticate}
	ocipCommands["LoginRequest14sp4"] = ocipCommand{fields: "userId! signedPassword plainTextPassword", loginFree: true, run: ocipLogin14sp4}
	ocipCommands["LoginRequest22V5"] = ocipCommand{fields: "userId! password signedPassword", loginFree: true, run: ocipLogin22V5}
	ocipCommands["LogoutRequest"] = ocipCommand{fields: "userId! reason", loginFree: true, run: ocipLogout}
}

func ocipAuthenticate(_ *Server, _ context.Context, c *ocipCall) (*ocipOut, error) {
	userID := c.str("userId")
	c.sess.nonce, c.sess.nonceUser = newNonce(), strings.ToLower(userID)
	nonce := c.sess.nonce
	return ocipData("AuthenticationResponse", func(w *xw) {
		w.el("userId", userID)
		w.el("nonce", nonce)
		w.el("passwordAlgorithm", "MD5")
	}), nil
}

// ocipCheckLogin verifies a login: plain (argon2id hash) or signed (with the session's nonce).
func (s *Server) ocipCheckLogin(ctx context.Context, c *ocipCall, plain, signed string) (*ocipAdmin, error) {
	userID := c.str("userId")
	a, err := loadOCIPAdmin(ctx, s.db, userID)
	if err != nil {
		return nil, err
	}
	c.sess.admin = nil // a failed login logs the session out
	ok := false
	switch {
	case a == nil:
	case plain != "":
		if ok, err = s.verifySecret(ctx, "", a.hash, plain); err != nil {
			return nil, err
		}
	case signed != "":
		nonce := c.sess.nonce
		ok = nonce != "" && c.sess.nonceUser == strings.ToLower(userID) &&
			subtle.ConstantTimeCompare([]byte(strings.ToLower(signed)), []byte(signPassword(nonce, a.sha1))) == 1
	}
	c.sess.nonce, c.sess.nonceUser = "", "" // a nonce serves one login
	if !ok {
		return nil, errOCIPInvalidPassword
	}
	c.sess.admin = a
	return a, nil
}

// loginBody writes the common part of LoginResponse14sp4 and 22V5.
func loginBody(a *ocipAdmin) func(w *xw) {
	return func(w *xw) {
		if a.enterpriseID == "" {
			w.el("loginType", "System")
		} else {
			w.el("loginType", "Service Provider")
		}
		w.el("locale", "en_US")
		w.el("encoding", "ISO-8859-1")
		w.opt("serviceProviderId", a.enterpriseID)
		w.bool("isEnterprise", a.enterpriseID != "") // every service provider here is an enterprise
		domain := "ocip.example"
		if _, d, ok := strings.Cut(a.username, "@"); ok && d != "" {
			domain = d
		}
		w.el("userDomain", domain)
	}
}

func ocipLogin14sp4(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	plain := ""
	if k := c.n.child("plainTextPassword"); k != nil {
		plain = k.text
	}
	a, err := s.ocipCheckLogin(ctx, c, plain, c.str("signedPassword"))
	if err != nil {
		return nil, err
	}
	return ocipData("LoginResponse14sp4", loginBody(a)), nil
}

// ocipLogin22V5 takes the plain password; signedPassword is "only used in XS data mode" and
// ignored here (AS data mode), as the schema says.
func ocipLogin22V5(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	pw := c.n.child("password")
	if pw == nil {
		c.sess.admin = nil
		return nil, errOCIPInvalidPassword
	}
	a, err := s.ocipCheckLogin(ctx, c, pw.text, "")
	if err != nil {
		return nil, err
	}
	return ocipData("LoginResponse22V5", loginBody(a)), nil
}

func ocipLogout(_ *Server, _ context.Context, c *ocipCall) (*ocipOut, error) {
	c.sess.admin = nil
	return ocipSuccess, nil
}
