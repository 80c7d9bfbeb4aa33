package broadworks

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// Activations are Webex for BroadWorks subscribers, named by the BroadWorks user id.
//
// Packages: webex_voice = softphone, webex_calling = basic, webex_meetings = standard,
// webex_suite = premium.
//
// Statuses: pending_email_input → pending_email_input; pending_email_validation and
// pending_user_migration (both wait for the user) → pending_email_validation; provisioning and
// updating (a provisioned subscriber being changed) → provisioning; provisioned → provisioned;
// error → error (error_code email_conflict for Webex error 10010, else provisioning_failed; the
// error text is Webex's description).

var packages = map[string]string{
	"webex_voice":    webex.BroadWorksPackageSoftphone,
	"webex_calling":  webex.BroadWorksPackageBasic,
	"webex_meetings": webex.BroadWorksPackageStandard,
	"webex_suite":    webex.BroadWorksPackagePremium,
}

func bwPackage(pkg string) string {
	if v, ok := packages[pkg]; ok {
		return v
	}
	return webex.BroadWorksPackageBasic
}

func providerPackage(bw string) string {
	for k, v := range packages {
		if v == bw {
			return k
		}
	}
	return bw
}

// ActivationStatus maps a subscriber status onto the activation statuses (package doc above).
func ActivationStatus(s string) string {
	switch s {
	case webex.SubscriberStatusPendingEmailInput:
		return platform.ActivationPendingEmailInput
	case webex.SubscriberStatusPendingEmailValidation, webex.SubscriberStatusPendingUserMigration:
		return platform.ActivationPendingEmailValidation
	case webex.SubscriberStatusProvisioning, webex.SubscriberStatusUpdating:
		return platform.ActivationProvisioning
	case webex.SubscriberStatusProvisioned:
		return platform.ActivationProvisioned
	case webex.SubscriberStatusError:
		return platform.ActivationError
	}
	return platform.ActivationQueued
}

func activationOf(s *webex.BroadWorksSubscriber) *platform.Activation {
	a := &platform.Activation{Status: ActivationStatus(s.Status), Email: s.Email, Package: providerPackage(s.Package)}
	if a.Status == platform.ActivationError {
		a.ErrorCode = "provisioning_failed"
		if len(s.Errors) > 0 {
			if s.Errors[0].ErrorCode == 10010 {
				a.ErrorCode = "email_conflict"
			}
			a.ErrorText = s.Errors[0].Description
		}
	}
	a.ETag = fingerprint(a)
	if t, err := time.Parse(time.RFC3339, s.LastStatusChange); err == nil {
		a.UpdatedAt = t
	}
	return a
}

// webexEnterprise is the Webex for BroadWorks enterprise of service provider ent (cached).
func (p *Platform) webexEnterprise(ctx context.Context, ent string) (*webex.BroadWorksEnterprise, error) {
	p.mu.Lock()
	e, ok := p.wxEnts[ent]
	p.mu.Unlock()
	if ok {
		return e, nil
	}
	e, err := p.wx.FindBroadWorksEnterprise(ctx, ent)
	if err != nil {
		return nil, convWebex(err)
	}
	p.mu.Lock()
	p.wxEnts[ent] = e
	p.mu.Unlock()
	return e, nil
}

func webexEnterpriseFilterAll() webex.BroadWorksEnterpriseFilter {
	return webex.BroadWorksEnterpriseFilter{}
}

// findSubscriber is the subscriber of BroadWorks user userID (404 when none).
func (p *Platform) findSubscriber(ctx context.Context, userID string) (*webex.BroadWorksSubscriber, error) {
	if p.wx == nil { // a platform wrapped without Webex (tests)
		return nil, notFound("webex subscriber of user " + userID)
	}
	subs, err := p.wx.ListBroadWorksSubscribers(ctx, webex.BroadWorksSubscriberFilter{UserID: userID})
	if err != nil {
		return nil, convWebex(err)
	}
	for i := range subs {
		if strings.EqualFold(subs[i].UserID, userID) {
			return &subs[i], nil
		}
	}
	return nil, notFound("webex subscriber of user " + userID)
}

// subList is the enterprise's subscribers by lower-case user id, read once per process until a write.
func (p *Platform) subList(ctx context.Context, ent string) (map[string]*webex.BroadWorksSubscriber, error) {
	p.mu.Lock()
	m, ok := p.subLists[ent]
	p.mu.Unlock()
	if ok {
		return m, nil
	}
	v, err, _ := p.flight.Do("subscribers of "+ent, func() (any, error) {
		gen := p.listGenOf(ent) // taken by the reader that sends the list (joiners share its answer)
		subs, err := p.wx.ListBroadWorksSubscribers(ctx, webex.BroadWorksSubscriberFilter{SPEnterpriseID: ent})
		if err != nil {
			return nil, convWebex(err)
		}
		m := make(map[string]*webex.BroadWorksSubscriber, len(subs))
		for i := range subs {
			m[strings.ToLower(subs[i].UserID)] = &subs[i]
		}
		return genSubs{m, gen}, nil
	})
	if err != nil {
		return nil, err
	}
	got := v.(genSubs)
	m = got.m
	p.mu.Lock()
	if p.listGenLocked(ent) == got.gen { // no write of this enterprise started since the list was asked for
		p.subLists[ent] = m
	}
	p.mu.Unlock()
	return m, nil
}

// genSubs is a subscriber list with the write count of its enterprise when it was asked for.
type genSubs struct {
	m   map[string]*webex.BroadWorksSubscriber
	gen uint64
}

// GetActivation implements platform.Activations (GET /broadworks/subscribers?userId=).
func (p *Platform) GetActivation(ctx context.Context, userID string) (*platform.Activation, error) {
	s, err := p.findSubscriber(ctx, userID)
	if err != nil {
		return nil, err
	}
	return activationOf(s), nil
}

// AdoptActivation implements platform.ActivationAdopter: the subscriber of a user whose Integrated
// IMP is on (turned on by this process, or read so now) is flow-through provisioning's, the one a
// ucprov_activation of the user describes.
func (p *Platform) AdoptActivation(ctx context.Context, userID string) bool {
	p.mu.Lock()
	on := p.impOn[userID]
	p.mu.Unlock()
	if on {
		return true
	}
	imp, err := p.GetIMP(ctx, userID)
	return err == nil && imp.Enabled
}

// ReadActivation implements platform.Activations (from the enterprise's subscriber list).
func (p *Platform) ReadActivation(ctx context.Context, ent, userID string) (*platform.Activation, error) {
	ent, ok := p.listScope(ent, userID)
	if !ok {
		return p.GetActivation(ctx, userID)
	}
	m, err := p.subList(ctx, ent)
	if err != nil {
		return nil, err
	}
	if s, ok := m[strings.ToLower(userID)]; ok {
		return activationOf(s), nil
	}
	return p.GetActivation(ctx, userID) // not in this enterprise's list: 404, or another enterprise
}

// CreateActivation implements platform.Activations: POST /broadworks/subscribers with the user's
// names, email, number and extension as BroadWorks has them. A POST whose answer was lost is
// resolved by the user id: a subscriber found for the user afterwards is the one it created. A
// POST refused with 10022 (the user has a subscriber) for a user whose Integrated IMP is on meets
// the subscriber flow-through provisioning made in the meantime: it is adopted (with the package
// asked for), waiting a few seconds for the subscriber list to show it (wxAwaitListed).
func (p *Platform) CreateActivation(ctx context.Context, userID string, in platform.ActivationInput, _ platform.WriteOptions) (*platform.JobRef, error) {
	e, err := p.getUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	ent := e.user.EnterpriseID
	we, err := p.webexEnterprise(ctx, ent)
	if err != nil {
		return nil, err
	}
	req := webex.BroadWorksSubscriberCreate{
		ProvisioningID: we.ProvisioningID, UserID: userID, SPEnterpriseID: ent,
		FirstName: e.user.FirstName, LastName: e.user.LastName, Package: bwPackage(in.Package), Email: e.user.Email,
		PrimaryPhoneNumber: e164Of(deref(e.resp.PhoneNumber), e.resp.CountryCode), Extension: deref(e.resp.Extension),
		MobilePhoneNumber: e.user.MobileNumber,
	}
	p.wrote(userID, ent)
	s, err := p.wx.ProvisionBroadWorksSubscriber(ctx, req)
	if wxAnswerLost(ctx, err) {
		if found, ferr := p.findSubscriber(ctx, userID); ferr == nil {
			debug(ctx, "adopted the subscriber a provisioning whose answer was lost made", map[string]any{"user_id": userID})
			s, err = found, nil
		}
	}
	if webex.HasCode(err, 10022) && ctx.Err() == nil && p.AdoptActivation(ctx, userID) {
		// Flow-through provisioning made the subscriber between the read before this POST and
		// the POST (Integrated IMP is on): adopt it, once the subscriber list shows it.
		var found *webex.BroadWorksSubscriber
		if ferr := wxAwaitListed(ctx, func() (err error) { found, err = p.findSubscriber(ctx, userID); return err }); ferr == nil {
			debug(ctx, "adopted the subscriber flow-through provisioning made", map[string]any{"user_id": userID})
			s, err = found, nil
			if in.Package != "" && found.Package != bwPackage(in.Package) {
				bw := bwPackage(in.Package)
				if _, err = p.wx.UpdateBroadWorksSubscriber(ctx, found.ID, webex.BroadWorksSubscriberUpdate{Package: &bw}); err != nil {
					return nil, convWebex(err)
				}
			}
		}
	}
	if err != nil {
		return nil, convWebex(err)
	}
	return &platform.JobRef{Status: platform.JobQueued, JobID: "subscriber/" + s.ID}, nil
}

// UpdateActivationPackage implements platform.Activations (PUT package).
func (p *Platform) UpdateActivationPackage(ctx context.Context, userID, pkg string, o platform.WriteOptions) (*platform.Activation, error) {
	s, err := p.findSubscriber(ctx, userID)
	if err != nil {
		return nil, err
	}
	if err := checkMatch(o.IfMatch, activationOf(s).ETag, "the activation of user "+userID); err != nil {
		return nil, err
	}
	bw := bwPackage(pkg)
	p.wrote(userID, s.SPEnterpriseID)
	out, err := p.wx.UpdateBroadWorksSubscriber(ctx, s.ID, webex.BroadWorksSubscriberUpdate{Package: &bw})
	if err != nil {
		return nil, convWebex(err)
	}
	return activationOf(out), nil
}

// RetryActivation implements platform.Activations (Partner Hub's Retry Activation): a new email
// is written to the BroadWorks user first; the subscriber is removed and provisioned again with
// its package.
func (p *Platform) RetryActivation(ctx context.Context, userID, email string, o platform.WriteOptions) (*platform.JobRef, error) {
	s, err := p.findSubscriber(ctx, userID)
	pkg := ""
	switch {
	case err == nil:
		if err := checkMatch(o.IfMatch, activationOf(s).ETag, "the activation of user "+userID); err != nil {
			return nil, err
		}
		pkg = providerPackage(s.Package)
	case !platform.IsNotFound(err):
		return nil, err
	}
	if email != "" {
		u, err := p.GetUser(ctx, userID)
		if err != nil {
			return nil, err
		}
		if !strings.EqualFold(u.Email, email) {
			if _, err := p.UpdateUser(ctx, userID, platform.UserPatch{Email: &email}, platform.WriteOptions{}); err != nil {
				return nil, err
			}
		}
	}
	if s != nil {
		if err := p.deleteSubscriber(ctx, s.ID); err != nil {
			return nil, convWebex(err)
		}
	}
	return p.CreateActivation(ctx, userID, platform.ActivationInput{Package: pkg}, platform.WriteOptions{})
}

// DeleteActivation implements platform.Activations (DELETE the subscriber).
func (p *Platform) DeleteActivation(ctx context.Context, userID string, o platform.WriteOptions) error {
	s, err := p.findSubscriber(ctx, userID)
	if err != nil {
		return err
	}
	if err := checkMatch(o.IfMatch, activationOf(s).ETag, "the activation of user "+userID); err != nil {
		return err
	}
	p.wrote(userID, s.SPEnterpriseID)
	return p.deleteSubscriber(ctx, s.ID)
}

// ResendInvitation implements platform.Activations: Webex for BroadWorks has no per-user resend
// (StartInvitations runs the organisation's activation-email job).
// A provisioned user has nothing to resend (already_provisioned).
func (p *Platform) ResendInvitation(ctx context.Context, userID string) (*platform.Activation, error) {
	a, err := p.GetActivation(ctx, userID)
	if err != nil {
		return nil, err
	}
	if a.Status == platform.ActivationProvisioned {
		return nil, &platform.Error{Status: http.StatusConflict, Code: "already_provisioned", Platform: platform.NameBroadWorks,
			Message: "the user is provisioned: there is no activation email to send again"}
	}
	return nil, &platform.UnsupportedError{Platform: platform.NameBroadWorks, What: "resending one user's activation email",
		Why: "Webex for BroadWorks resends activation emails for the whole organisation: use ucprov_invitations"}
}

// ValidateActivation implements platform.Activations (POST /broadworks/subscribers/validate).
func (p *Platform) ValidateActivation(ctx context.Context, userID string, in platform.ActivationValidateInput) (*platform.ActivationValidation, error) {
	e, err := p.getUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	email := nonEmpty(in.Email, e.user.Email)
	if email == "" {
		return &platform.ActivationValidation{Errors: []platform.ActivationProblem{{Code: "email_required", Field: "email",
			Message: "the user has no email: a Webex activation needs one"}}}, nil
	}
	_, err = p.wx.ValidateBroadWorksSubscriber(ctx, webex.BroadWorksSubscriberValidate{Email: email, UserID: userID,
		SPEnterpriseID: e.user.EnterpriseID, FirstName: e.user.FirstName, LastName: e.user.LastName, Package: bwPackage(in.Package)})
	we, isAPI := webex.AsError(err)
	switch {
	case err == nil:
		return &platform.ActivationValidation{OK: true}, nil
	case isAPI && webex.HasCode(err, 10022):
		return &platform.ActivationValidation{Errors: []platform.ActivationProblem{{Code: "already_activated", Field: "user_id", Message: we.Message}}}, nil
	case isAPI && we.Status == http.StatusConflict:
		return &platform.ActivationValidation{Errors: []platform.ActivationProblem{{Code: "email_conflict", Field: "email", Message: we.Message}}}, nil
	case isAPI && we.Status == http.StatusBadRequest:
		return &platform.ActivationValidation{Errors: []platform.ActivationProblem{{Code: "invalid_email", Field: "email", Message: we.Message}}}, nil
	}
	return nil, convWebex(err)
}

// WaitActivation implements platform.Activations.
func (p *Platform) WaitActivation(ctx context.Context, userID string, w platform.ActivationWait) (*platform.Activation, error) {
	return platform.PollActivation(ctx, w, p.pollMin, func(ctx context.Context) (*platform.Activation, error) { return p.GetActivation(ctx, userID) })
}

// ListActivations implements platform.Activations: the enterprise's subscribers joined with its
// BroadWorks user list (group, extension, names and email as BroadWorks has them); one row per
// subscriber. Location is the group's name, License the package, Service Type "Webex for
// BroadWorks", Service ID the subscriber id. The whole report is one page.
func (p *Platform) ListActivations(ctx context.Context, ent string, f platform.ActivationFilter) ([]platform.ActivationRow, error) {
	subs, err := p.wx.ListBroadWorksSubscribers(ctx, webex.BroadWorksSubscriberFilter{SPEnterpriseID: ent})
	if err != nil {
		return nil, convWebex(err)
	}
	users, err := p.listUsers(ctx, ent, platform.UserFilter{})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]listRow, len(users))
	for _, u := range users {
		byID[strings.ToLower(u.UserID)] = u
	}
	var rows []platform.ActivationRow
	for i := range subs {
		s := &subs[i]
		u, ok := byID[strings.ToLower(s.UserID)]
		if !ok {
			continue // a subscriber without its BroadWorks user (deleted on BroadWorks)
		}
		row := platform.ActivationRow{UserID: u.UserID, GroupID: u.GroupID, Location: u.GroupID,
			License: providerPackage(s.Package), ServiceType: "Webex for BroadWorks", ServiceID: s.ID,
			Extension: u.Extension, FirstName: u.FirstName, LastName: u.LastName, Email: u.Email,
			Status: ActivationStatus(s.Status)}
		if g, err := p.GetGroup(ctx, u.GroupID); err == nil {
			row.Location = g.Name
		}
		if !rowMatches(row, f) {
			continue
		}
		rows = append(rows, row)
	}
	if err := sortRows(rows, f.Sort); err != nil {
		return nil, err
	}
	return rows, nil
}

func rowMatches(r platform.ActivationRow, f platform.ActivationFilter) bool {
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, r.Status) {
		return false
	}
	if f.GroupID != "" && r.GroupID != f.GroupID {
		return false
	}
	if f.ExcludeProvisioned && r.Status == platform.ActivationProvisioned {
		return false
	}
	if s := strings.ToLower(f.Search); s != "" {
		if !strings.Contains(strings.ToLower(r.FirstName), s) && !strings.Contains(strings.ToLower(r.LastName), s) &&
			!strings.Contains(strings.ToLower(r.Email), s) && !strings.Contains(r.Extension, f.Search) {
			return false
		}
	}
	return true
}

// sortRows sorts by lastName (default), firstName, email, status or extension, "-" for
// descending, ties by user id.
func sortRows(rows []platform.ActivationRow, by string) error {
	desc := strings.HasPrefix(by, "-")
	key := map[string]func(platform.ActivationRow) string{
		"":          func(r platform.ActivationRow) string { return strings.ToLower(r.LastName) },
		"lastName":  func(r platform.ActivationRow) string { return strings.ToLower(r.LastName) },
		"firstName": func(r platform.ActivationRow) string { return strings.ToLower(r.FirstName) },
		"email":     func(r platform.ActivationRow) string { return strings.ToLower(r.Email) },
		"status":    func(r platform.ActivationRow) string { return r.Status },
		"extension": func(r platform.ActivationRow) string { return r.Extension },
	}[strings.TrimPrefix(by, "-")]
	if key == nil {
		return badInput("sort", "sort must be one of lastName, firstName, email, status, extension, optionally prefixed by -")
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := key(rows[i]), key(rows[j])
		if a != b {
			return (a < b) != desc
		}
		return rows[i].UserID < rows[j].UserID
	})
	return nil
}

// CSVHeader is the header row of ActivationsCSV (the reference platform's export columns).
var CSVHeader = []string{"User ID", "Group ID", "Location", "License", "Service Type", "Service ID",
	"Extension", "First Name", "Last Name", "Email", "Status"}

// neutralise defuses CSV injection: a cell starting with = + - @ tab or CR gets a leading quote,
// except a plain E.164 number.
func neutralise(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return cell
	}
	if d, ok := strings.CutPrefix(cell, "+"); ok && len(d) >= 1 && len(d) <= 15 && strings.Trim(d, "0123456789") == "" {
		return cell
	}
	return "'" + cell
}

// ActivationsCSV implements platform.Activations: the report as RFC 4180 CSV (CRLF, header row).
func (p *Platform) ActivationsCSV(ctx context.Context, ent string, f platform.ActivationFilter) (string, error) {
	rows, err := p.ListActivations(ctx, ent, f)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	if err := w.Write(CSVHeader); err != nil {
		return "", err
	}
	for _, r := range rows {
		rec := []string{r.UserID, r.GroupID, r.Location, r.License, r.ServiceType, r.ServiceID, r.Extension, r.FirstName,
			r.LastName, r.Email, r.Status}
		for i := range rec {
			rec[i] = neutralise(rec[i])
		}
		if err := w.Write(rec); err != nil {
			return "", err
		}
	}
	w.Flush()
	return b.String(), errors.Join(w.Error())
}

// deleteSubscriber removes a subscriber (gone is done: a retry of the client may meet its own
// earlier delete).
func (p *Platform) deleteSubscriber(ctx context.Context, id string) error {
	err := convWebex(p.wx.DeleteBroadWorksSubscriber(ctx, id))
	if platform.IsNotFound(err) {
		return nil
	}
	return err
}
