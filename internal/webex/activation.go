package webex

import (
	"context"
	"net/http"
	"net/url"
)

// Activation-email job states (latestExecutionStatus).
const (
	JobStatusCompleted = "COMPLETED"
	JobStatusStarting  = "STARTING"
	JobStatusStarted   = "STARTED"
	JobStatusStopping  = "STOPPING"
	JobStatusFailed    = "FAILED"
	JobStatusAbandoned = "ABANDONED"
	JobStatusUnknown   = "UNKNOWN"
)

// ActivationEmailJob is the bulk activation-email resend job of an organisation.
type ActivationEmailJob struct {
	Name                    string                `json:"name"`
	ID                      string                `json:"id"`
	TrackingID              string                `json:"trackingId"`
	SourceUserID            string                `json:"sourceUserId"`
	SourceCustomerID        string                `json:"sourceCustomerId"`
	TargetCustomerID        string                `json:"targetCustomerId"`
	InstanceID              int64                 `json:"instanceId"`
	JobExecutionStatus      []JobExecutionStatus  `json:"jobExecutionStatus,omitempty"`
	LatestExecutionStatus   string                `json:"latestExecutionStatus"`
	LatestExecutionExitCode string                `json:"latestExecutionExitCode,omitempty"`
	Counts                  ActivationEmailCounts `json:"counts"`
	AllowAdminInviteEmails  *bool                 `json:"allowAdminInviteEmails,omitempty"`
}

// Done reports whether the job has ended (COMPLETED, FAILED or ABANDONED).
func (j *ActivationEmailJob) Done() bool {
	switch j.LatestExecutionStatus {
	case JobStatusCompleted, JobStatusFailed, JobStatusAbandoned:
		return true
	}
	return false
}

// JobExecutionStatus is one execution of a job.
type JobExecutionStatus struct {
	ID            int64  `json:"id"`
	StartTime     string `json:"startTime,omitempty"`
	EndTime       string `json:"endTime,omitempty"`
	LastUpdated   string `json:"lastUpdated,omitempty"`
	StatusMessage string `json:"statusMessage,omitempty"`
	ExitCode      string `json:"exitCode,omitempty"`
	Name          string `json:"name,omitempty"`
	TimeElapsed   string `json:"timeElapsed,omitempty"`
}

// ActivationEmailCounts are the job's counters.
type ActivationEmailCounts struct {
	UserResendInviteSent    int `json:"userResendInviteSent"`
	UserResendInviteFailed  int `json:"userResendInviteFailed"`
	UserResendInviteSkipped int `json:"userResendInviteSkipped"`
	TotalUsers              int `json:"totalUsers"`
}

// ActivationEmailJobError is one user the job failed for.
type ActivationEmailJobError struct {
	ItemNumber int           `json:"itemNumber"`
	TrackingID string        `json:"trackingId,omitempty"`
	Error      *JobItemError `json:"error,omitempty"`
}

// JobItemError is the error of a job item (the telephony error form).
type JobItemError struct {
	Key     string               `json:"key,omitempty"`
	Message []JobItemErrorDetail `json:"message,omitempty"`
}

// JobItemErrorDetail is one message of a JobItemError.
type JobItemErrorDetail struct {
	Description string `json:"description,omitempty"`
	Code        string `json:"code,omitempty"`
	LocationID  string `json:"locationId,omitempty"`
}

// StartActivationEmailJob starts the job that (re)sends activation emails to every user of the
// organisation who has not activated (202; one job at a time per organisation).
func (c *Client) StartActivationEmailJob(ctx context.Context, orgID string) (*ActivationEmailJob, error) {
	var j ActivationEmailJob
	_, err := c.do(ctx, request{method: http.MethodPost, path: pathOf("/identity/organizations/{orgId}/jobs/sendActivationEmails", orgID), out: &j})
	if err != nil {
		return nil, err
	}
	return &j, nil
}

// GetActivationEmailJob returns a job's status and counts.
func (c *Client) GetActivationEmailJob(ctx context.Context, orgID, jobID string) (*ActivationEmailJob, error) {
	var j ActivationEmailJob
	_, err := c.do(ctx, request{method: http.MethodGet, path: pathOf("/identity/organizations/{orgId}/jobs/sendActivationEmails/{jobId}/status", orgID, jobID), out: &j})
	if err != nil {
		return nil, err
	}
	return &j, nil
}

// ListActivationEmailJobErrors returns every error of a job, following the Link pages.
func (c *Client) ListActivationEmailJobErrors(ctx context.Context, orgID, jobID string) ([]ActivationEmailJobError, error) {
	return listLinks[ActivationEmailJobError](ctx, c, pathOf("/identity/organizations/{orgId}/jobs/sendActivationEmails/{jobId}/errors", orgID, jobID), url.Values{}, "items")
}
