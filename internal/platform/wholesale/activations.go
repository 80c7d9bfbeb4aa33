package wholesale

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// The activation of a wholesale user is its subscriber's status and package, and its person's
// invitePending: pending_user_migration (the 202 of the create: the user must consent to move an
// existing Webex account in), error (the subscriber's errors), pending_email_validation (the
// person has not accepted the invitation yet), provisioned.

func activationOf(s *webex.WholesaleSubscriber, pr *webex.Person) *platform.Activation {
	a := &platform.Activation{Email: s.Email, Package: packageOf(s)}
	a.UpdatedAt, _ = time.Parse(time.RFC3339, s.LastStatusChange)
	switch {
	case s.Status == webex.WholesaleStatusPendingUserMigration:
		a.Status = platform.ActivationPendingUserMigration
	case len(s.Errors) > 0:
		a.Status = platform.ActivationError
		a.ErrorCode = strconv.Itoa(s.Errors[0].ErrorCode)
		if s.Errors[0].ErrorCode == 10010 {
			a.ErrorCode = "email_conflict"
		}
		a.ErrorText = s.Errors[0].Description
	case pr != nil && bool(pr.InvitePending):
		a.Status = platform.ActivationPendingEmailValidation
	default:
		a.Status = platform.ActivationProvisioned
	}
	a.ETag = fingerprint("activation", a.Status, a.Package, strings.ToLower(a.Email), a.ErrorCode)
	return a
}

// CreateActivation implements platform.Activations: the subscriber exists with the user; the
// package the activation asks for is set (PUT /wholesale/subscribers/{id}).
func (p *Platform) CreateActivation(ctx context.Context, userID string, in platform.ActivationInput, o platform.WriteOptions) (*platform.JobRef, error) {
	if in.EmailSubject != "" || in.EmailBody != "" {
		return nil, p.Lacks(platform.FeatureActivationEmail)
	}
	a, err := p.changePackage(ctx, userID, in.Package, o)
	if err != nil {
		return nil, err
	}
	return &platform.JobRef{Status: a.Status}, nil
}

// changePackage moves the subscriber to pkg ("" = keep) and returns its activation.
func (p *Platform) changePackage(ctx context.Context, userID, pkg string, o platform.WriteOptions) (*platform.Activation, error) {
	s, err := p.c.GetWholesaleSubscriber(ctx, userID)
	if err != nil {
		return nil, convErr(err)
	}
	r, err := p.learnSubscriber(ctx, s)
	if err != nil {
		return nil, err
	}
	pr, err := p.c.GetPerson(ctx, r.PersonID, true)
	if err != nil {
		return nil, convErr(err)
	}
	cur := activationOf(s, pr)
	if err := checkIfMatch(o.IfMatch, cur.ETag, "the activation of user "+userID); err != nil {
		return nil, err
	}
	if pkg == "" || pkg == packageOf(s) {
		return cur, nil
	}
	upd := webex.WholesaleSubscriberUpdate{Packages: []string{pkg}}
	if IsCallingPackage(pkg) && !IsCallingPackage(packageOf(s)) {
		phone, ext := workNumber(pr)
		upd.ProvisioningParameters = &webex.WholesaleUpdateProvisioning{PrimaryPhoneNumber: phone, Extension: ext, LocationID: pr.LocationID}
	}
	p.markWritten(userID)
	ns, err := p.c.UpdateWholesaleSubscriber(ctx, userID, upd)
	if err != nil {
		if pe, ok := platform.AsError(convErr(err)); ok && pe.Code == "required" && IsCallingPackage(pkg) {
			pe.Field = "package"
			pe.Message = "package " + pkg + " includes Webex Calling, which needs the user's number or extension first " +
				"(make ucprov_activation depend on ucprov_user_number): " + pe.Message
			return nil, pe
		}
		return nil, convErr(err)
	}
	p.setPackage(userID, packageOf(ns))
	tflog.Info(ctx, "changed the wholesale subscriber's package", map[string]any{"subscriber_id": userID, "package": packageOf(ns)})
	return activationOf(ns, pr), nil
}

// GetActivation implements platform.Activations.
func (p *Platform) GetActivation(ctx context.Context, userID string) (*platform.Activation, error) {
	s, err := p.c.GetWholesaleSubscriber(ctx, userID)
	if err != nil {
		return nil, convErr(err)
	}
	r, err := p.learnSubscriber(ctx, s)
	if err != nil {
		return nil, err
	}
	pr, err := p.c.GetPerson(ctx, r.PersonID, false)
	if err != nil {
		return nil, convErr(err)
	}
	return activationOf(s, pr), nil
}

var _ platform.ActivationAdopter = (*Platform)(nil)

// AdoptActivation implements platform.ActivationAdopter: on Webex for Wholesale the activation is
// the subscriber's own status and package, made with the subscriber when ucprov_user created it
// (in this process or in an earlier apply); there is never a second activation to queue. So
// ucprov_activation takes over the activation of any subscriber it has read, whatever its status,
// and moves it to its package.
func (p *Platform) AdoptActivation(_ context.Context, userID string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, known := p.refs[userID]
	return known
}

// ReadActivation implements platform.Activations (from the bulk read when it can).
func (p *Platform) ReadActivation(ctx context.Context, ent, userID string) (*platform.Activation, error) {
	_, s, pr, ok, err := p.fromSnapshot(ctx, ent, userID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return p.GetActivation(ctx, userID)
	}
	return activationOf(s, pr), nil
}

// UpdateActivationPackage implements platform.Activations.
func (p *Platform) UpdateActivationPackage(ctx context.Context, userID, pkg string, o platform.WriteOptions) (*platform.Activation, error) {
	return p.changePackage(ctx, userID, pkg, o)
}

// RetryActivation implements platform.Activations: a new email goes to the person; Webex retries
// the provisioning itself.
func (p *Platform) RetryActivation(ctx context.Context, userID, email string, o platform.WriteOptions) (*platform.JobRef, error) {
	if email != "" {
		if _, err := p.UpdateUser(ctx, userID, platform.UserPatch{Email: &email}, platform.WriteOptions{}); err != nil {
			return nil, err
		}
	}
	a, err := p.GetActivation(ctx, userID)
	if err != nil {
		return nil, err
	}
	return &platform.JobRef{Status: a.Status}, nil
}

// DeleteActivation implements platform.Activations: the subscriber is the user and goes with
// ucprov_user; destroying the activation alone leaves the subscriber as it is.
func (p *Platform) DeleteActivation(ctx context.Context, userID string, _ platform.WriteOptions) error {
	if _, err := p.c.GetWholesaleSubscriber(ctx, userID); err != nil {
		return convErr(err)
	}
	tflog.Warn(ctx, "on the wholesale platform the subscriber is removed with its ucprov_user; the activation resource is forgotten, "+
		"the subscriber keeps its package", map[string]any{"subscriber_id": userID})
	return nil
}

// ResendInvitation implements platform.Activations: Webex has no per-user resend; the
// organisation's activation-email job (ucprov_invitations) emails every user not active yet.
func (p *Platform) ResendInvitation(context.Context, string) (*platform.Activation, error) {
	return nil, p.unsupported("per-user invitation resend", "use ucprov_invitations: the organisation's activation-email job emails every user not active yet")
}

// ValidateActivation implements platform.Activations: POST /wholesale/subscribers/validate.
func (p *Platform) ValidateActivation(ctx context.Context, userID string, in platform.ActivationValidateInput) (*platform.ActivationValidation, error) {
	email := in.Email
	r, s, err := p.refOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	if s == nil {
		if s, err = p.c.GetWholesaleSubscriber(ctx, userID); err != nil {
			return nil, convErr(err)
		}
	}
	if email == "" || strings.EqualFold(email, s.Email) {
		// The subscriber exists with this email already: the precheck of a new provisioning would
		// find the subscriber itself.
		if s.Email != "" {
			return &platform.ActivationValidation{OK: true}, nil
		}
		email = in.Email
	}
	if email == "" {
		return &platform.ActivationValidation{Errors: []platform.ActivationProblem{{Code: "email_required", Field: "email",
			Message: "the subscriber has no email"}}}, nil
	}
	req := webex.WholesaleSubscriberValidate{CustomerID: r.CustomerID, Email: email}
	if in.Package != "" {
		req.Packages = []string{in.Package}
	}
	_, err = p.c.ValidateWholesaleSubscriber(ctx, req)
	if err == nil {
		return &platform.ActivationValidation{OK: true}, nil
	}
	pe, ok := platform.AsError(convErr(err))
	if !ok || pe.Status >= 500 || pe.Status == http.StatusUnauthorized || pe.Status == http.StatusForbidden {
		return nil, convErr(err)
	}
	return &platform.ActivationValidation{Errors: []platform.ActivationProblem{{Code: pe.Code, Field: pe.Field, Message: pe.Message}}}, nil
}

// WaitActivation implements platform.Activations.
func (p *Platform) WaitActivation(ctx context.Context, userID string, w platform.ActivationWait) (*platform.Activation, error) {
	return platform.PollActivation(ctx, w, p.poll, func(ctx context.Context) (*platform.Activation, error) { return p.GetActivation(ctx, userID) })
}

// rows is the activation status report of ent: the customer's subscribers joined with the
// organisation's people and locations.
func (p *Platform) rows(ctx context.Context, ent string, f platform.ActivationFilter) ([]platform.ActivationRow, error) {
	cid, org, err := p.customer(ctx, ent)
	if err != nil {
		return nil, err
	}
	subs, err := p.c.ListWholesaleSubscribers(ctx, webex.WholesaleSubscriberFilter{CustomerID: cid})
	if err != nil {
		return nil, convErr(err)
	}
	people, err := p.c.ListPeople(ctx, webex.PersonFilter{OrgID: org, CallingData: true, LocationID: f.GroupID})
	if err != nil {
		return nil, convErr(err)
	}
	byID := map[string]*webex.Person{}
	for i := range people {
		byID[people[i].ID] = &people[i]
	}
	groups, err := p.ListGroups(ctx, ent)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, g := range groups {
		names[g.ID] = g.Name
	}
	search := strings.ToLower(f.Search)
	var out []platform.ActivationRow
	for i := range subs {
		s := &subs[i]
		pr, ok := byID[s.PersonID]
		if !ok {
			continue
		}
		a := activationOf(s, pr)
		phone, ext := workNumber(pr)
		row := platform.ActivationRow{UserID: s.ID, GroupID: pr.LocationID, Location: names[pr.LocationID], License: packageOf(s),
			ServiceType: "Webex Calling", ServiceID: phone, Extension: ext, FirstName: pr.FirstName, LastName: pr.LastName,
			Email: s.Email, Status: a.Status}
		if !IsCallingPackage(row.License) {
			row.ServiceType = "Webex"
		}
		if len(f.Statuses) > 0 && !contains(f.Statuses, row.Status) {
			continue
		}
		if f.ExcludeProvisioned && row.Status == platform.ActivationProvisioned {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(strings.Join([]string{row.FirstName, row.LastName, row.Email, row.Extension}, " ")), search) {
			continue
		}
		out = append(out, row)
	}
	key := strings.TrimPrefix(f.Sort, "-")
	if key == "" {
		key = "lastName"
	}
	field := map[string]func(r platform.ActivationRow) string{
		"lastName":  func(r platform.ActivationRow) string { return strings.ToLower(r.LastName) },
		"firstName": func(r platform.ActivationRow) string { return strings.ToLower(r.FirstName) },
		"email":     func(r platform.ActivationRow) string { return strings.ToLower(r.Email) },
		"status":    func(r platform.ActivationRow) string { return r.Status },
		"extension": func(r platform.ActivationRow) string { return r.Extension },
	}[key]
	if field == nil {
		return nil, &platform.Error{Status: http.StatusUnprocessableEntity, Code: "invalid_value", Field: "sort", Platform: platform.NameWholesale,
			Message: "sort must be one of lastName, firstName, email, status, extension, optionally prefixed by -"}
	}
	desc := strings.HasPrefix(f.Sort, "-")
	sort.SliceStable(out, func(i, j int) bool {
		a, b := field(out[i]), field(out[j])
		if a == b {
			return out[i].UserID < out[j].UserID
		}
		return (a < b) != desc
	})
	return out, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// ListActivations implements platform.Activations.
func (p *Platform) ListActivations(ctx context.Context, ent string, f platform.ActivationFilter) ([]platform.ActivationRow, error) {
	return p.rows(ctx, ent, f)
}

// CSVHeader is the header row of ActivationsCSV (the reference contract's columns).
var CSVHeader = []string{"User ID", "Group ID", "Location", "License", "Service Type", "Service ID",
	"Extension", "First Name", "Last Name", "Email", "Status"}

// ActivationsCSV implements platform.Activations: the report as RFC 4180 CSV with CSVHeader;
// a cell that a spreadsheet would run as a formula gets a leading quote.
func (p *Platform) ActivationsCSV(ctx context.Context, ent string, f platform.ActivationFilter) (string, error) {
	rows, err := p.rows(ctx, ent, f)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.Write(CSVHeader)
	for _, r := range rows {
		rec := []string{r.UserID, r.GroupID, r.Location, r.License, r.ServiceType, r.ServiceID, r.Extension, r.FirstName, r.LastName, r.Email, r.Status}
		for i := range rec {
			rec[i] = neutralise(rec[i])
		}
		_ = w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return "", fmt.Errorf("render csv: %w", err)
	}
	return b.String(), nil
}

// neutralise defuses CSV injection: a cell starting with = + - @ tab or CR gets a leading quote,
// except an E.164 number.
func neutralise(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return cell
	}
	if d, ok := strings.CutPrefix(cell, "+"); ok && len(d) >= 1 && len(d) <= 15 && strings.Trim(d, "0123456789") == "" {
		return cell
	}
	return "'" + cell
}

// Jobs

// StartDirectorySync implements platform.Jobs: not on this platform.
func (p *Platform) StartDirectorySync(context.Context, string) (*platform.JobRef, error) {
	return nil, p.Lacks(platform.FeatureDirectorySync)
}

// StartInvitations implements platform.Jobs: POST /identity/organizations/{orgId}/jobs/sendActivationEmails
// (one at a time per organisation: 409 job_in_progress). The job id is "<orgId>.<job id>" (Webex ids have no dot).
func (p *Platform) StartInvitations(ctx context.Context, ent, groupID string) (*platform.JobRef, error) {
	if groupID != "" {
		return nil, p.Lacks(platform.FeatureInvitationsByGroup)
	}
	org, err := p.orgOf(ctx, ent)
	if err != nil {
		return nil, err
	}
	j, err := p.c.StartActivationEmailJob(ctx, org)
	if err != nil {
		return nil, convErr(err)
	}
	job := jobOf(org, j)
	return &platform.JobRef{Status: job.Status, JobID: job.ID}, nil
}

func jobStatus(s string) string {
	switch s {
	case webex.JobStatusCompleted:
		return platform.JobSucceeded
	case webex.JobStatusFailed, webex.JobStatusAbandoned:
		return platform.JobFailed
	case webex.JobStatusStarted, webex.JobStatusStopping:
		return platform.JobRunning
	}
	return platform.JobQueued
}

func jobOf(org string, j *webex.ActivationEmailJob) *platform.Job {
	out := &platform.Job{ID: org + "." + j.ID, Kind: "invitations", Status: jobStatus(j.LatestExecutionStatus),
		Result: &platform.InvitationsResult{Sent: j.Counts.UserResendInviteSent, Skipped: j.Counts.UserResendInviteSkipped,
			Failed: j.Counts.UserResendInviteFailed}}
	if out.Status == platform.JobFailed {
		out.Error = &platform.JobError{Code: strings.ToLower(j.LatestExecutionExitCode), Message: "the activation-email job " + strings.ToLower(j.LatestExecutionStatus)}
	}
	for _, e := range j.JobExecutionStatus {
		if t, err := time.Parse(time.RFC3339, e.StartTime); err == nil && (out.CreatedAt.IsZero() || t.Before(out.CreatedAt)) {
			out.CreatedAt = t
		}
		if t, err := time.Parse(time.RFC3339, e.LastUpdated); err == nil && t.After(out.UpdatedAt) {
			out.UpdatedAt = t
		}
	}
	return out
}

// GetJob implements platform.Jobs.
func (p *Platform) GetJob(ctx context.Context, jobID string) (*platform.Job, error) {
	org, id, ok := strings.Cut(jobID, ".")
	if !ok || org == "" || id == "" {
		return nil, notFound("job " + jobID + " is not a wholesale activation-email job (<orgId>.<job id>)")
	}
	j, err := p.c.GetActivationEmailJob(ctx, org, id)
	if err != nil {
		return nil, convErr(err)
	}
	return jobOf(org, j), nil
}

// WaitJob implements platform.Jobs.
func (p *Platform) WaitJob(ctx context.Context, jobID string, poll time.Duration, until func(*platform.Job) bool) (*platform.Job, error) {
	return platform.PollJob(ctx, poll, p.poll, until, func(ctx context.Context) (*platform.Job, error) { return p.GetJob(ctx, jobID) })
}
