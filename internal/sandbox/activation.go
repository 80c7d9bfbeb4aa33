package sandbox

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// activationSchema: the Webex activation of a user (one per user, driven by an activation job),
// the Webex accounts outside this service provider, and the users' call history.
const activationSchema = `
CREATE TABLE activations (
	user_id               TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	status                TEXT NOT NULL CHECK (status IN ('queued', 'pending_email_input',
	                          'pending_email_validation', 'provisioning', 'provisioned', 'error')),
	package               TEXT NOT NULL CHECK (package IN ('webex_calling', 'webex_suite', 'webex_meetings', 'webex_voice')),
	send_activation_email INTEGER NOT NULL DEFAULT 0,
	email_subject         TEXT NOT NULL DEFAULT '',
	email_body            TEXT NOT NULL DEFAULT '',
	error_code            TEXT NOT NULL DEFAULT '',
	error_text            TEXT NOT NULL DEFAULT '',
	job_id                TEXT NOT NULL, -- the job that drives (or drove) the activation
	created_at            TEXT NOT NULL,
	updated_at            TEXT NOT NULL
);
CREATE INDEX activations_job ON activations(job_id);
-- Webex accounts of other organisations: activating a user whose email is one of them fails
-- with email_conflict.
CREATE TABLE external_webex_accounts (
	email_norm TEXT PRIMARY KEY -- lower case
);
-- The sandbox places no calls; the table exists so that deactivation has a history to clear.
CREATE TABLE call_history (
	id        INTEGER PRIMARY KEY,
	user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	direction TEXT NOT NULL DEFAULT '',
	number    TEXT NOT NULL DEFAULT '',
	at        TEXT NOT NULL
);
CREATE INDEX call_history_user ON call_history(user_id);
`

// Activation statuses (the Webex for BroadWorks subscriber states).
const (
	activationQueued                 = "queued"
	activationPendingEmailInput      = "pending_email_input"
	activationPendingEmailValidation = "pending_email_validation"
	activationProvisioning           = "provisioning"
	activationProvisioned            = "provisioned"
	activationError                  = "error"
)

// activationPackages are the Webex packages; the first is the default.
var activationPackages = []string{"webex_calling", "webex_suite", "webex_meetings", "webex_voice"}

// DemoExternalWebexAccount is the email of the demo seed's Webex account of another
// organisation: activating a user with it fails with email_conflict.
const DemoExternalWebexAccount = "taken@webex.example"

const (
	emailConflictText = "the email address is already used by another Webex account"

	// Deactivated users get this name (the portal's "Reset User").
	resetFirstName = "Available"
	resetLastName  = "User"
)

func init() {
	tickers = append(tickers, activationTick)
}

// activation is an activations row with the user's current email.
type activation struct {
	UserID    string
	Status    string
	Package   string
	ErrorCode string
	ErrorText string
	JobID     string
	UpdatedAt string
	Email     string

	InvitationsSent int
	LastInvitedAt   string
}

// activationView is the Activation object of the contract.
type activationView struct {
	Status    string `json:"status"`
	Email     string `json:"email"`
	Package   string `json:"package"`
	ErrorCode string `json:"errorCode"`
	ErrorText string `json:"errorText"`
	UpdatedAt string `json:"updatedAt"`
	JobID     string `json:"jobId"`
	Etag      string `json:"etag"`
	// InvitationsSent counts the activation emails sent; LastInvitedAt is the last one ("" = none).
	InvitationsSent int    `json:"invitationsSent"`
	LastInvitedAt   string `json:"lastInvitedAt"`
}

func (v activationView) etagValue() string { return v.Etag }

// view is the Activation object; its etag is a digest of everything else it shows (the row has
// no version), so every status step changes it.
func (a *activation) view() activationView {
	v := activationView{Status: referenceActivationStatus(a.Status), Email: a.Email, Package: a.Package, ErrorCode: a.ErrorCode,
		ErrorText: a.ErrorText, UpdatedAt: a.UpdatedAt, JobID: a.JobID,
		InvitationsSent: a.InvitationsSent, LastInvitedAt: a.LastInvitedAt}
	v.Etag = etagOfContent(v)
	return v
}

// etag is the activation's current etag, "" when there is none (checkIfMatch: does not exist).
func (a *activation) etag() string {
	if a == nil {
		return ""
	}
	return a.view().Etag
}

// activationInput is the body of POST /v1/users/{usr}/activation.
type activationInput struct {
	Package             string `json:"package"`
	SendActivationEmail bool   `json:"sendActivationEmail"`
	EmailSubject        string `json:"emailSubject"`
	EmailBody           string `json:"emailBody"`
}

func (s *Server) activationRoutes() []route {
	return []route{
		{pattern: "POST /v1/users/{usr}/activation", handler: s.createActivation},
		{pattern: "GET /v1/users/{usr}/activation", handler: s.getActivation},
		{pattern: "PATCH /v1/users/{usr}/activation", handler: s.patchActivation},
		{pattern: "DELETE /v1/users/{usr}/activation", handler: s.deleteActivation},
		{pattern: "POST /v1/users/{usr}/activation/retry", handler: s.retryActivation},
		{pattern: "POST /v1/users/{usr}/activation/refresh", handler: s.refreshActivation},
	}
}

// loadActivation returns the user's activation, nil when there is none.
func loadActivation(ctx context.Context, q querier, userID string) (*activation, error) {
	var a activation
	err := q.QueryRowContext(ctx, `SELECT a.user_id, a.status, a.package, a.error_code, a.error_text, a.job_id,
		a.updated_at, u.email, a.invitations_sent, a.last_invited_at FROM activations a JOIN users u ON u.id = a.user_id
		WHERE a.user_id = ?`, userID).
		Scan(&a.UserID, &a.Status, &a.Package, &a.ErrorCode, &a.ErrorText, &a.JobID, &a.UpdatedAt, &a.Email,
			&a.InvitationsSent, &a.LastInvitedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load activation: %w", err)
	}
	return &a, nil
}

// loadUserActivation authorizes user id and loads its activation (404 when there is none).
func (s *Server) loadUserActivation(ctx context.Context, q querier, id string) (*user, *activation, error) {
	u, err := s.authorizeUser(ctx, q, id)
	if err != nil {
		return nil, nil, err
	}
	a, err := loadActivation(ctx, q, u.ID)
	if err != nil {
		return nil, nil, err
	}
	if a == nil {
		return nil, nil, errNotFound("the user has no webex activation")
	}
	return u, a, nil
}

func validatePackage(pkg string) error {
	if !slices.Contains(activationPackages, pkg) {
		return errInvalid("package_invalid", "package", "package must be one of "+strings.Join(activationPackages, ", "))
	}
	return nil
}

// requeueActivation gives the user's activation a new queued job: status queued, no error.
func (s *Server) requeueActivation(ctx context.Context, tx *sql.Tx, u *user) (*job, error) {
	j, err := s.newJob(ctx, tx, u.EnterpriseID, jobKindActivation, u.ID)
	if err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE activations SET status = ?, error_code = '', error_text = '', job_id = ?,
		updated_at = ? WHERE user_id = ?`, activationQueued, j.ID, s.timestamp(), u.ID)
	if err != nil {
		return nil, fmt.Errorf("queue activation: %w", err)
	}
	return j, nil
}

// endActivationJob fails the activation's job when it still runs (the activation was removed
// or its Webex account deleted under it).
func (s *Server) endActivationJob(ctx context.Context, tx *sql.Tx, a *activation, code, message string) error {
	return s.setJobStatus(ctx, tx, a.JobID, jobFailed, code, message)
}

func (s *Server) createActivation(w http.ResponseWriter, r *http.Request) {
	var in activationInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	in.Package = nonEmpty(in.Package, activationPackages[0])
	var j *job
	// If-Match: the etag of the activation in error that the POST replaces.
	err := writeUserObject(s, r, activationOf, "", func(ctx context.Context, tx *sql.Tx, u *user, cur *activation) error {
		var err error
		if err := validatePackage(in.Package); err != nil {
			return err
		}
		if cur != nil && cur.Status != activationError {
			return errConflict("already_activated", "", "the user already has a webex activation (status "+cur.Status+")")
		}
		if u.Email == "" {
			return errInvalid("email_required", "", "a webex activation needs an email on the user")
		}
		if j, err = s.newJob(ctx, tx, u.EnterpriseID, jobKindActivation, u.ID); err != nil {
			return err
		}
		now := s.timestamp()
		sent, invitedAt := 0, ""
		if in.SendActivationEmail { // the activation email is the first invitation
			sent, invitedAt = 1, now
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO activations (user_id, status, package, send_activation_email,
			email_subject, email_body, job_id, created_at, updated_at, invitations_sent, last_invited_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, package = excluded.package,
			send_activation_email = excluded.send_activation_email, email_subject = excluded.email_subject,
			email_body = excluded.email_body, error_code = '', error_text = '', job_id = excluded.job_id,
			updated_at = excluded.updated_at, invitations_sent = activations.invitations_sent + excluded.invitations_sent,
			last_invited_at = CASE WHEN excluded.last_invited_at <> '' THEN excluded.last_invited_at
				ELSE activations.last_invited_at END`,
			u.ID, activationQueued, in.Package, in.SendActivationEmail, in.EmailSubject, in.EmailBody, j.ID, now, now,
			sent, invitedAt)
		if err != nil {
			return fmt.Errorf("write activation: %w", err)
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, queued(j))
}

func (s *Server) getActivation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, a, err := s.loadUserActivation(ctx, s.q(ctx), r.PathValue("usr"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.view())
}

// refreshActivation answers the activation as it is now (the sandbox's state is always fresh).
func (s *Server) refreshActivation(w http.ResponseWriter, r *http.Request) {
	s.getActivation(w, r)
}

// patchActivation changes the package in place.
func (s *Server) patchActivation(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Package *string `json:"package"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	var out *activation
	err := writeUserObject(s, r, activationOf, noActivation, func(ctx context.Context, tx *sql.Tx, u *user, a *activation) error {
		if in.Package == nil {
			return errInvalid(codeRequired, "package", "package is required")
		}
		if err := validatePackage(*in.Package); err != nil {
			return err
		}
		out = a
		if a.Package == *in.Package {
			return nil
		}
		a.Package, a.UpdatedAt = *in.Package, s.timestamp()
		if _, err := tx.ExecContext(ctx, `UPDATE activations SET package = ?, updated_at = ? WHERE user_id = ?`,
			a.Package, a.UpdatedAt, u.ID); err != nil {
			return fmt.Errorf("change activation package: %w", err)
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out.view())
}

// retryActivation queues an activation in error again, after setting the user's email when the
// body carries a new one (the rules of PATCH /v1/users/{usr} apply: email_invalid,
// email_in_use, imp_enabled).
func (s *Server) retryActivation(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email string `json:"email"`
	}
	b, err := readBody(w, r)
	if err == nil && len(bytes.TrimSpace(b)) > 0 { // the body is optional
		err = decodeJSONBytes(b, &in)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var j *job
	err = writeUserObject(s, r, activationOf, noActivation, func(ctx context.Context, tx *sql.Tx, u *user, a *activation) error {
		var err error
		if a.Status != activationError {
			return errConflict("not_in_error", "", "only an activation in error can be retried (status "+a.Status+")")
		}
		if in.Email != "" && in.Email != u.Email {
			if u, err = s.changeUserEmail(ctx, tx, u, in.Email); err != nil {
				return err
			}
		}
		if u.Email == "" {
			return errInvalid("email_required", "email", "a webex activation needs an email on the user")
		}
		j, err = s.requeueActivation(ctx, tx, u)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, queued(j))
}

// deleteActivation deactivates Webex only: the activation goes (its job, if still running,
// fails as cancelled); the user's name, email, IM&P, call forwarding and call history stay. The
// portal's "Reset User" is POST /v1/users/{usr}/reset (lifecycle.go).
func (s *Server) deleteActivation(w http.ResponseWriter, r *http.Request) {
	err := writeUserObject(s, r, activationOf, noActivation, func(ctx context.Context, tx *sql.Tx, u *user, _ *activation) error {
		return s.removeWebex(ctx, tx, u)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// changeUserEmail sets the user's email the way PATCH /v1/users/{usr} does: validated by
// internal/rules, refused by the userUpdateChecks hooks (imp_enabled), unique (email_in_use).
func (s *Server) changeUserEmail(ctx context.Context, tx *sql.Tx, before *user, email string) (*user, error) {
	after := *before
	after.Email = email
	if err := validateUserFields(&after, func(f string) bool { return f == "email" }); err != nil {
		return nil, err
	}
	for _, check := range userUpdateChecks {
		if err := check(ctx, tx, before, &after); err != nil {
			return nil, err
		}
	}
	return s.writeUser(ctx, tx, before, func(u *user) { u.Email = email })
}

// writeUser applies change to a copy of u and stores it with a new version (the backend's own
// changes to a user; PATCH has its own path in users.go).
func (s *Server) writeUser(ctx context.Context, tx *sql.Tx, u *user, change func(*user)) (*user, error) {
	after := *u
	change(&after)
	after.Version++
	after.UpdatedAt = s.timestamp()
	_, err := tx.ExecContext(ctx, `UPDATE users SET first_name = ?, last_name = ?, cli_first_name = ?, cli_last_name = ?,
		email = ?, email_norm = ?, version = ?, updated_at = ? WHERE id = ?`,
		after.FirstName, after.LastName, after.CLIFirstName, after.CLILastName, after.Email, emailNorm(after.Email),
		after.Version, after.UpdatedAt, after.ID)
	if err != nil {
		return nil, s.userWriteError(ctx, tx, &after, err)
	}
	return &after, nil
}

// impDisabled applies "disabling IM&P deletes the user's Webex account": the activation goes
// back to pending_email_input and rests there (its job, if still running, fails) until IM&P is
// enabled again. An activation in error has no account to delete and stays in error, so that
// "disable IM&P, retry with a new email" works.
func (s *Server) impDisabled(ctx context.Context, tx *sql.Tx, u *user) error {
	a, err := loadActivation(ctx, tx, u.ID)
	if err != nil || a == nil || a.Status == activationError {
		return err
	}
	if err := s.endActivationJob(ctx, tx, a, "webex_account_deleted",
		"integrated im&p was disabled, which deleted the webex account"); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE activations SET status = ?, error_code = '', error_text = '', updated_at = ?
		WHERE user_id = ?`, activationPendingEmailInput, s.timestamp(), u.ID)
	if err != nil {
		return fmt.Errorf("reset activation: %w", err)
	}
	return nil
}

// impEnabled applies "enabling IM&P again creates a new Webex account": an activation resting
// in pending_email_input or error (no running job) is queued again with a new job, so that
// "disable IM&P, change the email, enable IM&P" gets a failed activation going again.
func (s *Server) impEnabled(ctx context.Context, tx *sql.Tx, u *user) error {
	a, err := loadActivation(ctx, tx, u.ID)
	if err != nil || a == nil || (a.Status != activationPendingEmailInput && a.Status != activationError) {
		return err
	}
	j, err := loadJob(ctx, tx, a.JobID)
	if err != nil || (j != nil && j.active()) {
		return err
	}
	_, err = s.requeueActivation(ctx, tx, u)
	return err
}

// activationTick moves every activation whose job runs one step on:
//
//	queued → pending_email_validation (pending_email_input while the user has no email)
//	pending_email_input → pending_email_validation once the user has an email
//	pending_email_validation → provisioning → provisioned (job succeeded)
//
// and, before provisioning, to error/email_conflict (job failed) when the user's email is a
// Webex account of another organisation.
func activationTick(ctx context.Context, s *Server) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		type step struct {
			a        activation
			external bool
			accepted string
		}
		steps, err := queryAll(ctx, tx, `SELECT a.user_id, a.status, a.job_id, u.email,
			EXISTS (SELECT 1 FROM external_webex_accounts x WHERE x.email_norm = u.email_norm), a.accepted_email
			FROM activations a JOIN jobs j ON j.id = a.job_id JOIN users u ON u.id = a.user_id
			WHERE j.status IN ('queued', 'running') ORDER BY a.user_id LIMIT 1000`, nil,
			func(sc scanner) (step, error) {
				var st step
				return st, sc.Scan(&st.a.UserID, &st.a.Status, &st.a.JobID, &st.a.Email, &st.external, &st.accepted)
			})
		if err != nil {
			return fmt.Errorf("activation jobs: %w", err)
		}
		for _, st := range steps {
			a := st.a
			next, jobStatus, code, text := a.Status, jobRunning, "", ""
			switch {
			case a.Status == activationProvisioning || a.Status == activationUpdating: // updating: webex_broadworks.go
				next, jobStatus = activationProvisioned, jobSucceeded
			case a.Status == activationPendingUserMigration && st.external:
				// a Webex front-end's subscriber waits for consentMove (webex.go)
			case a.Status == activationPendingUserMigration:
				next = activationProvisioning
			case a.Status == activationProvisioned || a.Status == activationError:
				// A job that outlived its end (cannot happen through the API); close it.
				jobStatus = jobSucceeded
				if a.Status == activationError {
					jobStatus, code, text = jobFailed, nonEmpty(a.ErrorCode, "error"), nonEmpty(a.ErrorText, "activation failed")
				}
			case a.Email == "":
				next = activationPendingEmailInput
			case st.external:
				next, jobStatus, code, text = activationError, jobFailed, "email_conflict", emailConflictText
			case a.Status == activationPendingEmailValidation && s.awaitsAcceptance(a.Email, st.accepted):
				// the demo seed's pending. users wait for POST /_sandbox/users/{usr}/accept-invitation
			case a.Status == activationPendingEmailValidation:
				next = activationProvisioning
			default: // queued, pending_email_input
				next = activationPendingEmailValidation
			}
			if next != a.Status {
				if _, err := tx.ExecContext(ctx, `UPDATE activations SET status = ?, error_code = ?, error_text = ?,
					updated_at = ? WHERE user_id = ?`, next, code, text, s.timestamp(), a.UserID); err != nil {
					return fmt.Errorf("step activation: %w", err)
				}
			}
			if err := s.setJobStatus(ctx, tx, a.JobID, jobStatus, code, text); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddExternalWebexAccount records email as a Webex account of another organisation: from now
// on an activation of a user with that email fails with email_conflict (a test knob; the demo
// seed adds DemoExternalWebexAccount).
func (s *Server) AddExternalWebexAccount(email string) error {
	if err := rules.ValidateEmail(email); err != nil {
		return fmt.Errorf("external webex account: %w", err)
	}
	ctx := context.Background()
	return s.tx(ctx, func(tx *sql.Tx) error { return addExternalWebexAccounts(ctx, tx, email) })
}

func addExternalWebexAccounts(ctx context.Context, tx *sql.Tx, emails ...string) error {
	for _, e := range emails {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO external_webex_accounts (email_norm) VALUES (?)`,
			strings.ToLower(e)); err != nil {
			return fmt.Errorf("add external webex account: %w", err)
		}
	}
	return nil
}

// seedExternalWebexAccounts is the demo seed's part of this feature.
func (s *Server) seedExternalWebexAccounts(ctx context.Context) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return addExternalWebexAccounts(ctx, tx, DemoExternalWebexAccount) })
}
