package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
)

// jobsSchema: background jobs (Webex activations and directory syncs). A job belongs to an
// enterprise (its tenancy); an activation job also to its user, and goes with the user.
const jobsSchema = `
CREATE TABLE jobs (
	id            TEXT PRIMARY KEY,
	enterprise_id TEXT NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
	kind          TEXT NOT NULL CHECK (kind IN ('activation', 'directory_sync')),
	user_id       TEXT REFERENCES users(id) ON DELETE CASCADE, -- the user of an activation job
	status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
	error_code    TEXT NOT NULL DEFAULT '',
	error_message TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	CHECK ((kind = 'activation') = (user_id IS NOT NULL)),
	CHECK ((status = 'failed') = (error_code <> ''))
);
CREATE INDEX jobs_active ON jobs(kind, status) WHERE status IN ('queued', 'running');
`

// Job kinds and statuses of the contract.
const (
	jobKindActivation    = "activation"
	jobKindDirectorySync = "directory_sync"

	jobQueued    = "queued"
	jobRunning   = "running"
	jobSucceeded = "succeeded"
	jobFailed    = "failed"
)

// job is a jobs row.
type job struct {
	ID           string
	EnterpriseID string
	Kind         string
	UserID       string // "" for a directory sync
	Status       string
	ErrorCode    string
	ErrorMessage string
	CreatedAt    string
	UpdatedAt    string

	// An invitations job's scope ("" = the enterprise) and counts.
	GroupID               string
	Sent, Skipped, Failed int
}

// active reports whether the job has not finished yet.
func (j *job) active() bool { return j.Status == jobQueued || j.Status == jobRunning }

// jobErrorView is why a job failed.
type jobErrorView struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// jobView is the Job object of the contract; error is null unless the job failed.
type jobView struct {
	ID        string        `json:"id"`
	Kind      string        `json:"kind"`
	Status    string        `json:"status"`
	Error     *jobErrorView `json:"error"`
	CreatedAt string        `json:"createdAt"`
	UpdatedAt string        `json:"updatedAt"`
	// Result is what an invitations job did (null for other kinds).
	Result *jobResultView `json:"result"`
}

// jobResultView counts the users an invitations job emailed (sent), left alone (skipped: not
// waiting for an invitation) and could not email (failed: no email).
type jobResultView struct {
	GroupID string `json:"groupId"`
	Sent    int    `json:"sent"`
	Skipped int    `json:"skipped"`
	Failed  int    `json:"failed"`
}

func (j *job) view() jobView {
	v := jobView{ID: j.ID, Kind: j.Kind, Status: j.Status, CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt}
	if j.Status == jobFailed {
		v.Error = &jobErrorView{Code: j.ErrorCode, Message: j.ErrorMessage}
	}
	if j.Kind == jobKindInvitations {
		v.Result = &jobResultView{GroupID: j.GroupID, Sent: j.Sent, Skipped: j.Skipped, Failed: j.Failed}
	}
	return v
}

// queuedView is the 202 answer of an operation that queued a job.
type queuedView struct {
	Status string `json:"status"`
	JobID  string `json:"jobId"`
}

func queued(j *job) queuedView { return queuedView{Status: jobQueued, JobID: j.ID} }

func (s *Server) jobRoutes() []route {
	return []route{
		{pattern: "GET /v1/jobs/{job}", handler: s.getJob},
	}
}

const jobColumns = `id, enterprise_id, kind, coalesce(user_id, ''), status, error_code, error_message, created_at, updated_at`

func scanJob(sc scanner) (*job, error) {
	var j job
	err := sc.Scan(&j.ID, &j.EnterpriseID, &j.Kind, &j.UserID, &j.Status, &j.ErrorCode, &j.ErrorMessage, &j.CreatedAt, &j.UpdatedAt)
	return &j, err
}

// loadJob returns job id, nil when there is none (no tenancy check).
func loadJob(ctx context.Context, q querier, id string) (*job, error) {
	j, err := scanJob(q.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load job: %w", err)
	}
	return j, nil
}

// newJob inserts a queued job of kind for enterprise ent (and user, for an activation).
func (s *Server) newJob(ctx context.Context, tx *sql.Tx, ent, kind, userID string) (*job, error) {
	now := s.timestamp()
	j := &job{ID: newID("job_"), EnterpriseID: ent, Kind: kind, UserID: userID, Status: jobQueued, CreatedAt: now, UpdatedAt: now}
	_, err := tx.ExecContext(ctx, `INSERT INTO jobs (id, enterprise_id, kind, user_id, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, j.ID, j.EnterpriseID, j.Kind, nullIfEmpty(j.UserID), j.Status, j.CreatedAt, j.UpdatedAt)
	if err != nil {
		return nil, fmt.Errorf("create job: %w", err)
	}
	return j, nil
}

// setJobStatus moves job id to status; code and message say why it failed (status failed only).
// A job that has finished is left alone.
func (s *Server) setJobStatus(ctx context.Context, tx *sql.Tx, id, status, code, message string) error {
	_, err := tx.ExecContext(ctx, `UPDATE jobs SET status = ?, error_code = ?, error_message = ?, updated_at = ?
		WHERE id = ? AND status IN ('queued', 'running') AND status <> ?`, status, code, message, s.timestamp(), id, status)
	if err != nil {
		return fmt.Errorf("update job %s: %w", id, err)
	}
	return nil
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	j, err := loadJob(ctx, s.q(ctx), r.PathValue("job"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if j == nil || !principalFrom(ctx).canSee(j.EnterpriseID) {
		s.fail(w, r, errNotFound("job not found"))
		return
	}
	if err := loadJobResult(ctx, s.q(ctx), j); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, j.view())
}
