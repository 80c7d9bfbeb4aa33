package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// dirSyncSchema: the directory sync state of an enterprise: its last sync job and when the last
// successful sync completed (the 24 h hold runs from then).
const dirSyncSchema = `
CREATE TABLE directory_syncs (
	enterprise_id     TEXT PRIMARY KEY REFERENCES enterprises(id) ON DELETE CASCADE,
	last_job_id       TEXT NOT NULL,
	last_completed_at TEXT NOT NULL DEFAULT '' -- RFC 3339; '' = never succeeded
);
`

// dirSyncHold is how long after a successful sync the next one is refused (409 sync_on_hold).
const dirSyncHold = 24 * time.Hour

const (
	dirSyncNever = "never"

	codeNoActivatedUser = "no_activated_user"
	noActivatedUserText = "no user of the enterprise is provisioned"
)

func init() {
	tickers = append(tickers, dirSyncTick)
}

// dirSyncView is the DirectorySync object of the contract ("" for unset times).
type dirSyncView struct {
	Status          string `json:"status"`
	LastJobID       string `json:"lastJobId"`
	LastCompletedAt string `json:"lastCompletedAt"`
	NextAllowedAt   string `json:"nextAllowedAt"`
	ErrorCode       string `json:"errorCode"`
}

func (s *Server) dirSyncRoutes() []route {
	return []route{
		{pattern: "POST /v1/enterprises/{ent}/directory-sync", handler: s.startDirSync},
		{pattern: "GET /v1/enterprises/{ent}/directory-sync", handler: s.getDirSync},
	}
}

// dirSyncState loads the enterprise's sync state and its last job (nil, nil: never synced).
func dirSyncState(ctx context.Context, q querier, ent string) (lastCompletedAt string, last *job, err error) {
	var jobID string
	err = q.QueryRowContext(ctx, `SELECT last_job_id, last_completed_at FROM directory_syncs WHERE enterprise_id = ?`, ent).
		Scan(&jobID, &lastCompletedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("load directory sync: %w", err)
	}
	last, err = loadJob(ctx, q, jobID)
	return lastCompletedAt, last, err
}

// nextAllowed is the end of the hold that started at lastCompletedAt, "" when no hold runs now.
func (s *Server) nextAllowed(lastCompletedAt string) (string, error) {
	if lastCompletedAt == "" {
		return "", nil
	}
	t, err := time.Parse(time.RFC3339, lastCompletedAt)
	if err != nil {
		return "", fmt.Errorf("stored sync completion time %q: %w", lastCompletedAt, err)
	}
	next := t.Add(dirSyncHold)
	if !s.now().Before(next) {
		return "", nil
	}
	return next.UTC().Format(time.RFC3339), nil
}

// startDirSync queues a sync. While a sync job is queued or running it answers that job again;
// during the hold after a successful sync, 409 sync_on_hold with nextAllowedAt.
func (s *Server) startDirSync(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ent := r.PathValue("ent")
	var out *job
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.authorizeEnterprise(ctx, tx, ent); err != nil {
			return err
		}
		var err error
		out, err = s.queueDirSync(ctx, tx, ent)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, queued(out))
}

// queueDirSync queues a directory sync of enterprise ent (the caller has authorised it): the
// running sync job when there is one, 409 sync_on_hold during the hold after a successful sync,
// else a new job. The reference POST and the Webex SYNC_NOW share it.
func (s *Server) queueDirSync(ctx context.Context, tx *sql.Tx, ent string) (*job, error) {
	completed, last, err := dirSyncState(ctx, tx, ent)
	if err != nil {
		return nil, err
	}
	if last != nil && last.active() {
		return last, nil
	}
	next, err := s.nextAllowed(completed)
	if err != nil {
		return nil, err
	}
	if next != "" {
		return nil, errConflict("sync_on_hold", "", "a directory sync completed less than 24 hours ago; next allowed at "+next).
			with("nextAllowedAt", next)
	}
	out, err := s.newJob(ctx, tx, ent, jobKindDirectorySync, "")
	if err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO directory_syncs (enterprise_id, last_job_id) VALUES (?, ?)
		ON CONFLICT (enterprise_id) DO UPDATE SET last_job_id = excluded.last_job_id`, ent, out.ID)
	if err != nil {
		return nil, fmt.Errorf("record directory sync: %w", err)
	}
	return out, nil
}

func (s *Server) getDirSync(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ent := r.PathValue("ent")
	q := s.q(ctx)
	if err := s.authorizeEnterprise(ctx, q, ent); err != nil {
		s.fail(w, r, err)
		return
	}
	completed, last, err := dirSyncState(ctx, q, ent)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := dirSyncView{Status: dirSyncNever, LastCompletedAt: completed}
	if last != nil {
		v.Status, v.LastJobID, v.ErrorCode = last.Status, last.ID, last.ErrorCode
	}
	if v.NextAllowedAt, err = s.nextAllowed(completed); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// dirSyncTick moves every sync job one step: queued → running → succeeded (recording the
// completion time, which starts the hold) or failed with no_activated_user when no user of the
// enterprise is provisioned.
func dirSyncTick(ctx context.Context, s *Server) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		jobs, err := queryAll(ctx, tx, `SELECT `+jobColumns+` FROM jobs WHERE kind = ? AND status IN ('queued', 'running')
			ORDER BY created_at, id LIMIT 1000`, []any{jobKindDirectorySync}, scanJob)
		if err != nil {
			return fmt.Errorf("directory sync jobs: %w", err)
		}
		for _, j := range jobs {
			if j.Status == jobQueued {
				if err := s.setJobStatus(ctx, tx, j.ID, jobRunning, "", ""); err != nil {
					return err
				}
				continue
			}
			var provisioned bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM activations a JOIN users u ON u.id = a.user_id
				WHERE u.enterprise_id = ? AND a.status = ?)`, j.EnterpriseID, activationProvisioned).Scan(&provisioned); err != nil {
				return fmt.Errorf("look for provisioned users: %w", err)
			}
			if !provisioned {
				if err := s.setJobStatus(ctx, tx, j.ID, jobFailed, codeNoActivatedUser, noActivatedUserText); err != nil {
					return err
				}
				continue
			}
			if err := s.setJobStatus(ctx, tx, j.ID, jobSucceeded, "", ""); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE directory_syncs SET last_completed_at = ? WHERE enterprise_id = ?`,
				s.timestamp(), j.EnterpriseID); err != nil {
				return fmt.Errorf("record directory sync completion: %w", err)
			}
		}
		return nil
	})
}
