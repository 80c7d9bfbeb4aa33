package sandbox

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// lifecycleSchema: the rest of the user lifecycle. Activations count the invitations sent and
// remember the email whose invitation was accepted (the demo seed's pending. users wait for it);
// jobs gain the invitations kind with its scope and counts (SQLite cannot change a CHECK, so the
// jobs table is rebuilt).
const lifecycleSchema = `
ALTER TABLE activations ADD COLUMN invitations_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activations ADD COLUMN last_invited_at TEXT NOT NULL DEFAULT '';
ALTER TABLE activations ADD COLUMN accepted_email TEXT NOT NULL DEFAULT ''; -- lower case
CREATE TABLE jobs_v2 (
	id            TEXT PRIMARY KEY,
	enterprise_id TEXT NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
	kind          TEXT NOT NULL CHECK (kind IN ('activation', 'directory_sync', 'invitations')),
	user_id       TEXT REFERENCES users(id) ON DELETE CASCADE, -- the user of an activation job
	status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
	error_code    TEXT NOT NULL DEFAULT '',
	error_message TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	group_id      TEXT NOT NULL DEFAULT '', -- the scope of an invitations job ('' = the enterprise)
	sent          INTEGER NOT NULL DEFAULT 0,
	skipped       INTEGER NOT NULL DEFAULT 0,
	failed        INTEGER NOT NULL DEFAULT 0,
	CHECK ((kind = 'activation') = (user_id IS NOT NULL)),
	CHECK ((status = 'failed') = (error_code <> ''))
);
INSERT INTO jobs_v2 (id, enterprise_id, kind, user_id, status, error_code, error_message, created_at, updated_at)
	SELECT id, enterprise_id, kind, user_id, status, error_code, error_message, created_at, updated_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_v2 RENAME TO jobs;
CREATE INDEX jobs_active ON jobs(kind, status) WHERE status IN ('queued', 'running');
`

const (
	jobKindInvitations = "invitations"

	// pendingPrefix: with the demo seed, a user whose email's local part starts with it stays in
	// pending_email_validation until POST /_sandbox/users/{usr}/accept-invitation.
	pendingPrefix = "pending."
)

// invitableStatuses are the activation statuses an invitations job emails.
var invitableStatuses = []string{activationPendingEmailInput, activationPendingEmailValidation, activationError}

func init() {
	tickers = append(tickers, invitationsTick)
}

func (s *Server) lifecycleRoutes() []route {
	return []route{
		{pattern: "POST /v1/users/{usr}/reset", handler: s.resetUser},
		{pattern: "POST /v1/users/{usr}/activation/invitation", handler: s.resendInvitation},
		{pattern: "POST /v1/users/{usr}/activation/validate", handler: s.validateActivation},
		{pattern: "POST /v1/enterprises/{ent}/invitations", handler: s.startInvitations},
		{pattern: "POST /_sandbox/users/{usr}/accept-invitation", handler: s.acceptInvitation, public: true},
	}
}

// resetUser is the Spectrum portal's "Reset User": Webex deactivated (the activation and its job
// end), IM&P and call forwarding off, call history cleared, name "Available User" (calling line
// id names follow it again) and email cleared. The number and extension stay. If-Match is the
// user's etag.
func (s *Server) resetUser(w http.ResponseWriter, r *http.Request) {
	var out *user
	err := writeUserObject(s, r, userItself, "", func(ctx context.Context, tx *sql.Tx, u *user, _ *user) error {
		var err error
		if err := s.removeWebex(ctx, tx, u); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM call_history WHERE user_id = ?`, u.ID); err != nil {
			return fmt.Errorf("clear call history: %w", err)
		}
		if _, err := s.setIMP(ctx, tx, u, false); err != nil {
			return err
		}
		cf, version, err := loadCallForwarding(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if _, err := s.writeCallForwarding(ctx, tx, u.ID, cf, version, defaultCallForwarding()); err != nil {
			return err
		}
		out, err = s.writeUser(ctx, tx, u, func(u *user) {
			u.FirstName, u.LastName = resetFirstName, resetLastName
			u.CLIFirstName, u.CLILastName = "", ""
			u.Email = ""
		})
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out.view())
}

// removeWebex deactivates the user's Webex: its activation (if any) goes and the activation's
// job, if still running, fails as cancelled.
func (s *Server) removeWebex(ctx context.Context, tx *sql.Tx, u *user) error {
	a, err := loadActivation(ctx, tx, u.ID)
	if err != nil || a == nil {
		return err
	}
	if err := s.endActivationJob(ctx, tx, a, "cancelled", "the activation was removed"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM activations WHERE user_id = ?`, u.ID); err != nil {
		return fmt.Errorf("delete activation: %w", err)
	}
	return nil
}

// recordInvitation counts one activation email sent to the user.
func (s *Server) recordInvitation(ctx context.Context, tx *sql.Tx, userID string) error {
	now := s.timestamp()
	if _, err := tx.ExecContext(ctx, `UPDATE activations SET invitations_sent = invitations_sent + 1,
		last_invited_at = ?, updated_at = ? WHERE user_id = ?`, now, now, userID); err != nil {
		return fmt.Errorf("record invitation: %w", err)
	}
	return nil
}

// resendInvitation sends the activation email again (User Hub's invitations, Partner Hub's
// "Retry Activation"): 409 already_provisioned once provisioned, 422 email_required without an
// email.
func (s *Server) resendInvitation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := discardOptionalBody(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	var out *activation
	err := s.tx(ctx, func(tx *sql.Tx) error {
		u, a, err := s.loadUserActivation(ctx, tx, r.PathValue("usr"))
		if err != nil {
			return err
		}
		if a.Status == activationProvisioned {
			return errConflict("already_provisioned", "", "the user's webex account is provisioned; there is no invitation to send")
		}
		if u.Email == "" {
			return errInvalid("email_required", "", "an invitation needs an email on the user")
		}
		if err := s.recordInvitation(ctx, tx, u.ID); err != nil {
			return err
		}
		out, err = loadActivation(ctx, tx, u.ID)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out.view())
}

// discardOptionalBody accepts an empty body or an empty JSON object.
func discardOptionalBody(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(w, r)
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return err
	}
	var in struct{}
	return decodeJSONBytes(b, &in)
}

// validationProblem is one reason an activation would fail.
type validationProblem struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// activationValidation is the answer of POST /v1/users/{usr}/activation/validate.
type activationValidation struct {
	OK     bool                `json:"ok"`
	Errors []validationProblem `json:"errors"`
}

// validateActivation answers whether an activation of the user (with email, default the user's,
// and package) would fail, and with which codes; nothing is written (Webex's
// subscribers/validate).
func (s *Server) validateActivation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var in struct {
		Email   string `json:"email"`
		Package string `json:"package"`
	}
	b, err := readBody(w, r)
	if err == nil && len(bytes.TrimSpace(b)) > 0 {
		err = decodeJSONBytes(b, &in)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := s.q(ctx)
	u, err := s.authorizeUser(ctx, q, r.PathValue("usr"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	problems, err := activationProblems(ctx, q, u, nonEmpty(in.Email, u.Email), in.Package)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, activationValidation{OK: len(problems) == 0, Errors: problems})
}

// activationProblems lists why activating u with email and pkg would fail.
func activationProblems(ctx context.Context, q querier, u *user, email, pkg string) ([]validationProblem, error) {
	problems := []validationProblem{}
	if pkg != "" {
		if err := validatePackage(pkg); err != nil {
			problems = append(problems, validationProblem{Code: "package_invalid", Field: "package", Message: err.Error()})
		}
	}
	if email == "" {
		return append(problems, validationProblem{Code: "email_required", Field: "email",
			Message: "a webex activation needs an email on the user"}), nil
	}
	if err := rules.ValidateEmail(email); err != nil {
		return append(problems, validationProblem{Code: "email_invalid", Field: "email", Message: err.Error()}), nil
	}
	var holder string
	err := q.QueryRowContext(ctx, `SELECT coalesce((SELECT id FROM users WHERE email_norm = ? AND id <> ?), '')`,
		strings.ToLower(email), u.ID).Scan(&holder)
	if err != nil {
		return nil, fmt.Errorf("look up email: %w", err)
	}
	if holder != "" {
		problems = append(problems, validationProblem{Code: "email_in_use", Field: "email",
			Message: "the email address belongs to another user of this service provider"})
	}
	var external bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM external_webex_accounts WHERE email_norm = ?)`,
		strings.ToLower(email)).Scan(&external); err != nil {
		return nil, fmt.Errorf("look up webex accounts: %w", err)
	}
	if external {
		problems = append(problems, validationProblem{Code: "email_conflict", Field: "email", Message: emailConflictText})
	}
	return problems, nil
}

// startInvitations queues the enterprise's "send activation emails" job for every user of the
// scope (groupId, else the enterprise) whose activation is pending_email_input,
// pending_email_validation or error. One such job per enterprise at a time: a second gets 409
// job_in_progress naming the running job.
func (s *Server) startInvitations(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ent := r.PathValue("ent")
	var in struct {
		GroupID string `json:"groupId"`
	}
	b, err := readBody(w, r)
	if err == nil && len(bytes.TrimSpace(b)) > 0 {
		err = decodeJSONBytes(b, &in)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var out *job
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.authorizeEnterprise(ctx, tx, ent); err != nil {
			return err
		}
		if in.GroupID != "" {
			g, err := loadGroup(ctx, tx, in.GroupID)
			if err != nil {
				return err
			}
			if g == nil || g.EnterpriseID != ent {
				return errInvalid("group_not_found", "groupId", "groupId is not a group of enterprise "+ent)
			}
		}
		var err error
		out, err = s.queueInvitations(ctx, tx, ent, in.GroupID)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, queued(out))
}

// queueInvitations queues the invitations job of enterprise ent for scope groupID ("" = the
// enterprise; the caller has checked both): 409 job_in_progress while one runs. The reference
// POST and the Webex sendActivationEmails share it.
func (s *Server) queueInvitations(ctx context.Context, tx *sql.Tx, ent, groupID string) (*job, error) {
	running, err := queryAll(ctx, tx, `SELECT `+jobColumns+` FROM jobs WHERE enterprise_id = ? AND kind = ?
		AND status IN ('queued', 'running') LIMIT 1`, []any{ent, jobKindInvitations}, scanJob)
	if err != nil {
		return nil, fmt.Errorf("look for invitations jobs: %w", err)
	}
	if len(running) > 0 {
		return nil, errConflict("job_in_progress", "", "invitations job "+running[0].ID+" of this enterprise is still "+
			running[0].Status+"; retry once it has finished (GET /v1/jobs/"+running[0].ID+")").with("jobId", running[0].ID)
	}
	out, err := s.newJob(ctx, tx, ent, jobKindInvitations, "")
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET group_id = ? WHERE id = ?`, groupID, out.ID); err != nil {
		return nil, fmt.Errorf("record invitations scope: %w", err)
	}
	return out, nil
}

// invitationsTick moves every invitations job one step: queued → running → succeeded, emailing
// (counting an invitation on) each user of its scope whose activation is invitable and who has
// an email (sent); invitable users without an email are failed, every other user of the scope
// skipped.
func invitationsTick(ctx context.Context, s *Server) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		jobs, err := queryAll(ctx, tx, `SELECT `+jobColumns+`, group_id FROM jobs WHERE kind = ? AND status IN ('queued', 'running')
			ORDER BY created_at, id LIMIT 100`, []any{jobKindInvitations}, func(sc scanner) (*job, error) {
			var j job
			err := sc.Scan(&j.ID, &j.EnterpriseID, &j.Kind, &j.UserID, &j.Status, &j.ErrorCode, &j.ErrorMessage,
				&j.CreatedAt, &j.UpdatedAt, &j.GroupID)
			return &j, err
		})
		if err != nil {
			return fmt.Errorf("invitations jobs: %w", err)
		}
		for _, j := range jobs {
			if j.Status == jobQueued {
				if err := s.setJobStatus(ctx, tx, j.ID, jobRunning, "", ""); err != nil {
					return err
				}
				continue
			}
			if err := s.runInvitations(ctx, tx, j); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Server) runInvitations(ctx context.Context, tx *sql.Tx, j *job) error {
	type target struct {
		userID, email, status string
	}
	targets, err := queryAll(ctx, tx, `SELECT u.id, u.email, coalesce(a.status, '') FROM users u
		LEFT JOIN activations a ON a.user_id = u.id
		WHERE u.enterprise_id = ? AND (? = '' OR u.group_id = ?) ORDER BY u.id`,
		[]any{j.EnterpriseID, j.GroupID, j.GroupID}, func(sc scanner) (target, error) {
			var t target
			return t, sc.Scan(&t.userID, &t.email, &t.status)
		})
	if err != nil {
		return fmt.Errorf("invitations scope: %w", err)
	}
	var sent, skipped, failed int
	for _, t := range targets {
		switch {
		case !invitable(t.status):
			skipped++
		case t.email == "":
			failed++
		default:
			if err := s.recordInvitation(ctx, tx, t.userID); err != nil {
				return err
			}
			sent++
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET sent = ?, skipped = ?, failed = ? WHERE id = ?`,
		sent, skipped, failed, j.ID); err != nil {
		return fmt.Errorf("record invitations counts: %w", err)
	}
	return s.setJobStatus(ctx, tx, j.ID, jobSucceeded, "", "")
}

func invitable(status string) bool {
	for _, st := range invitableStatuses {
		if st == status {
			return true
		}
	}
	return false
}

// acceptInvitation is the test knob for the demo seed's pending. users: the user accepts the
// invitation for their current email, and the activation moves on from pending_email_validation.
func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var out *activation
	err := s.tx(ctx, func(tx *sql.Tx) error {
		a, err := loadActivation(ctx, tx, r.PathValue("usr"))
		if err != nil {
			return err
		}
		if a == nil {
			return errNotFound("the user has no webex activation")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE activations SET accepted_email = ? WHERE user_id = ?`,
			strings.ToLower(a.Email), a.UserID); err != nil {
			return fmt.Errorf("accept invitation: %w", err)
		}
		out = a
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out.view())
}

// AcceptInvitation is acceptInvitation for tests in Go.
func (s *Server) AcceptInvitation(userID string) error {
	ctx := context.Background()
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE activations SET accepted_email = (SELECT lower(email) FROM users
			WHERE users.id = activations.user_id) WHERE user_id = ?`, userID)
		if err != nil {
			return fmt.Errorf("accept invitation: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %s has no webex activation", userID)
		}
		return nil
	})
}

// awaitsAcceptance reports whether, with the demo seed, the activation of a user with email must
// stay in pending_email_validation: the local part starts with "pending." and the invitation
// for this email has not been accepted.
//
// An activation that OCI-P flow-through provisioning started in an enterprise without trusted
// emails (ocip_imp.go) carries untrustedAwaitingMarker as its accepted email: it waits for the
// acceptance (which replaces the marker with the email) whatever the seed.
func (s *Server) awaitsAcceptance(email, acceptedEmail string) bool {
	if acceptedEmail == untrustedAwaitingMarker {
		return true
	}
	if s.opts.Seed != SeedDemo || !strings.HasPrefix(strings.ToLower(email), pendingPrefix) {
		return false
	}
	return acceptedEmail != strings.ToLower(email)
}

// loadJobResult fills in an invitations job's scope and counts.
func loadJobResult(ctx context.Context, q querier, j *job) error {
	if j.Kind != jobKindInvitations {
		return nil
	}
	if err := q.QueryRowContext(ctx, `SELECT group_id, sent, skipped, failed FROM jobs WHERE id = ?`, j.ID).
		Scan(&j.GroupID, &j.Sent, &j.Skipped, &j.Failed); err != nil {
		return fmt.Errorf("load invitations job: %w", err)
	}
	return nil
}
