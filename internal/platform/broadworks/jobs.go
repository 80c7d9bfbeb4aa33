package broadworks

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// Jobs: Webex for BroadWorks has no job objects; this package names them.
//
//	dirsync:<serviceProviderId>:<lastSyncTrackingId>  a directory sync (GET …/broadworksDirectorySync):
//	    IN_PROGRESS, SYNC_NOW → running; COMPLETE → succeeded; FAILED → failed; NOT_SYNCED → queued.
//	    A sync whose tracking id is no longer the last one has ended (succeeded: Webex keeps only the
//	    last sync's status).
//	invitations:<orgId>:<jobId>  the organisation's activation-email job:
//	    COMPLETED → succeeded; FAILED, ABANDONED → failed; else running.

var reNextAllowed = regexp.MustCompile(`\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)`)

// StartDirectorySync implements platform.Jobs (POST {syncStatus: SYNC_NOW}, then GET for the
// sync's tracking id). A 409 is sync_on_hold (NextAllowedAt from Webex's message when it has a time).
// A POST whose answer was lost (the client does not send it again: a second SYNC_NOW after one that
// was applied answers 409) is resolved by the GET: a sync in progress is the one it started.
func (p *Platform) StartDirectorySync(ctx context.Context, ent string) (*platform.JobRef, error) {
	we, err := p.webexEnterprise(ctx, ent)
	if err != nil {
		return nil, err
	}
	_, trigErr := p.wx.TriggerDirectorySync(ctx, we.ID)
	if trigErr != nil && !wxAnswerLost(ctx, trigErr) {
		pe := convWebex(trigErr)
		if e, ok := platform.AsError(pe); ok && e.Status == http.StatusConflict {
			e.Code = "sync_on_hold"
			if m := reNextAllowed.FindString(e.Message); m != "" {
				if t, err := time.Parse(time.RFC3339, m); err == nil {
					e.NextAllowedAt = t
				}
			}
		}
		return nil, pe
	}
	d, err := p.wx.GetDirectorySync(ctx, we.ID)
	if trigErr != nil {
		if err != nil || d.DirectorySyncStatus == nil || (d.DirectorySyncStatus.SyncStatus != webex.SyncStatusInProgress &&
			d.DirectorySyncStatus.SyncStatus != webex.SyncStatusSyncNow) {
			return nil, convWebex(trigErr)
		}
		debug(ctx, "a directory sync whose start was not answered is in progress", map[string]any{"enterprise": ent})
	}
	if err != nil {
		return nil, convWebex(err)
	}
	j := dirSyncJob(ent, d, "")
	return &platform.JobRef{Status: j.Status, JobID: j.ID}, nil
}

func dirSyncJob(ent string, d *webex.DirectorySync, tracking string) *platform.Job {
	st := d.DirectorySyncStatus
	if st == nil {
		st = &webex.DirectorySyncStatus{SyncStatus: webex.SyncStatusNotSynced}
	}
	id := tracking
	if id == "" {
		id = st.LastSyncTrackingID
	}
	j := &platform.Job{ID: "dirsync:" + ent + ":" + id, Kind: "directory_sync"}
	if t, err := time.Parse(time.RFC3339, st.LastSyncStartTime); err == nil {
		j.CreatedAt = t
	}
	if t, err := time.Parse(time.RFC3339, st.LastSyncEndTime); err == nil {
		j.UpdatedAt = t
	}
	if tracking != "" && st.LastSyncTrackingID != "" && st.LastSyncTrackingID != tracking {
		j.Status = platform.JobSucceeded // a later sync ran: this one ended
		j.CreatedAt, j.UpdatedAt = time.Time{}, time.Time{}
		return j
	}
	switch st.SyncStatus {
	case webex.SyncStatusInProgress, webex.SyncStatusSyncNow:
		j.Status = platform.JobRunning
	case webex.SyncStatusComplete:
		j.Status = platform.JobSucceeded
	case "FAILED":
		j.Status = platform.JobFailed
		j.Error = &platform.JobError{Code: "sync_failed"}
		if len(st.Errors) > 0 {
			j.Error.Message = st.Errors[0].Description
		}
	default:
		j.Status = platform.JobQueued
	}
	return j
}

// StartInvitations implements platform.Jobs: the activation-email job of the enterprise's Webex
// organisation (groupID must be "": Lacks(FeatureInvitationsByGroup)). A 409 is job_in_progress.
func (p *Platform) StartInvitations(ctx context.Context, ent, groupID string) (*platform.JobRef, error) {
	if groupID != "" {
		return nil, p.Lacks(platform.FeatureInvitationsByGroup)
	}
	we, err := p.webexEnterprise(ctx, ent)
	if err != nil {
		return nil, err
	}
	j, err := p.wx.StartActivationEmailJob(ctx, we.OrgID)
	if err != nil {
		pe := convWebex(err)
		if e, ok := platform.AsError(pe); ok && e.Status == http.StatusConflict {
			e.Code = "job_in_progress"
		}
		return nil, pe
	}
	out := invitationsJob(we.OrgID, j)
	return &platform.JobRef{Status: out.Status, JobID: out.ID}, nil
}

func invitationsJob(org string, j *webex.ActivationEmailJob) *platform.Job {
	out := &platform.Job{ID: "invitations:" + org + ":" + j.ID, Kind: "invitations",
		Result: &platform.InvitationsResult{Sent: j.Counts.UserResendInviteSent, Skipped: j.Counts.UserResendInviteSkipped,
			Failed: j.Counts.UserResendInviteFailed}}
	switch j.LatestExecutionStatus {
	case webex.JobStatusCompleted:
		out.Status = platform.JobSucceeded
	case webex.JobStatusFailed, webex.JobStatusAbandoned:
		out.Status = platform.JobFailed
		out.Error = &platform.JobError{Code: "invitations_failed", Message: j.LatestExecutionExitCode}
	default:
		out.Status = platform.JobRunning
	}
	for _, e := range j.JobExecutionStatus {
		if t, err := time.Parse(time.RFC3339, e.StartTime); err == nil && (out.CreatedAt.IsZero() || t.Before(out.CreatedAt)) {
			out.CreatedAt = t
		}
		if t, err := time.Parse(time.RFC3339, e.EndTime); err == nil && t.After(out.UpdatedAt) {
			out.UpdatedAt = t
		}
	}
	return out
}

// GetJob implements platform.Jobs (ids of the forms above; anything else is not found).
func (p *Platform) GetJob(ctx context.Context, jobID string) (*platform.Job, error) {
	kind, rest, _ := strings.Cut(jobID, ":")
	a, b, ok := strings.Cut(rest, ":")
	if !ok || a == "" {
		return nil, notFound("job " + jobID)
	}
	switch kind {
	case "dirsync":
		we, err := p.webexEnterprise(ctx, a)
		if err != nil {
			return nil, err
		}
		d, err := p.wx.GetDirectorySync(ctx, we.ID)
		if err != nil {
			return nil, convWebex(err)
		}
		if b == "" {
			return nil, notFound("job " + jobID)
		}
		return dirSyncJob(a, d, b), nil
	case "invitations":
		j, err := p.wx.GetActivationEmailJob(ctx, a, b)
		if err != nil {
			return nil, convWebex(err)
		}
		return invitationsJob(a, j), nil
	}
	return nil, notFound("job " + jobID)
}

// WaitJob implements platform.Jobs.
func (p *Platform) WaitJob(ctx context.Context, jobID string, poll time.Duration, until func(*platform.Job) bool) (*platform.Job, error) {
	return platform.PollJob(ctx, poll, p.pollMin, until, func(ctx context.Context) (*platform.Job, error) { return p.GetJob(ctx, jobID) })
}
