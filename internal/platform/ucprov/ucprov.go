// Package ucprov is the reference platform: the project's own REST contract (api/openapi.yaml)
// through internal/client, with reads served from bulk lists by internal/bulkread. It implements
// platform.Platform by converting between the client's wire models and the platform's domain
// types and turning *client.APIError into *platform.Error.
package ucprov

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/bulkread"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// Platform is the reference platform. It is safe for concurrent use.
type Platform struct {
	c     *client.Client
	reads *bulkread.Reader
	// userEnt: user id → enterprise, learned from every user this process read or wrote.
	userEnt sync.Map
}

var _ platform.Platform = (*Platform)(nil)

// Config configures New: the client's settings (its OnWrite is set by New) and the bulk reads.
type Config struct {
	Client   client.Config
	BulkRead bulkread.Options
}

// New returns the reference platform with a new client and bulk reader.
func New(cfg Config) (*Platform, error) {
	reads := bulkread.New(cfg.BulkRead)
	cc := cfg.Client
	prev := cc.OnWrite
	cc.OnWrite = func(method, path string) {
		reads.ObserveWrite(method, path)
		if prev != nil {
			prev(method, path)
		}
	}
	c, err := client.New(cc)
	if err != nil {
		return nil, err
	}
	reads.Use(c)
	return &Platform{c: c, reads: reads}, nil
}

// Wrap returns the reference platform over an existing client, reading with one GET per object
// (the client's writes are not observed: for tests and tools that do not read in bulk).
func Wrap(c *client.Client) *Platform {
	reads := bulkread.New(bulkread.Options{Mode: bulkread.ModeNever})
	reads.Use(c)
	return &Platform{c: c, reads: reads}
}

// Client is the underlying REST client.
func (p *Platform) Client() *client.Client { return p.c }

// Stats are the bulk reader's counters.
func (p *Platform) Stats() bulkread.Stats { return p.reads.Stats() }

// Name implements platform.Platform.
func (p *Platform) Name() string { return platform.NameUCProv }

// Lacks implements platform.Platform: the reference contract has every feature.
func (p *Platform) Lacks(platform.Feature) error { return nil }

// CheckEnterprise implements platform.Platform with GET /v1/enterprises/{ent}.
func (p *Platform) CheckEnterprise(ctx context.Context, ent string) error {
	_, err := p.c.GetEnterprise(ctx, ent)
	return convErr(err)
}

// wrapped keeps the text of a client error that wraps an *APIError while matching *platform.Error.
type wrapped struct {
	msg string
	err *platform.Error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }

// convErr turns the *client.APIError in err's chain into a *platform.Error; other errors
// (transport, context) are returned as they are.
func convErr(err error) error {
	if err == nil {
		return nil
	}
	if client.IsNotTheAPI(err) {
		return &platform.NotThePlatformError{Platform: platform.NameUCProv, Err: err}
	}
	apiErr, ok := client.AsAPIError(err)
	if !ok {
		return err
	}
	pe := &platform.Error{
		Status: apiErr.Status, Code: apiErr.Code, Message: apiErr.Message, Field: apiErr.Field,
		TrackingID: apiErr.TrackingID, ConflictingUserID: apiErr.ConflictingUserID,
		NextAllowedAt: apiErr.NextAllowedAt, JobID: apiErr.JobID,
		Platform: platform.NameUCProv, Wire: apiErr.Error(),
	}
	if errors.Is(err, error(apiErr)) && err.Error() == apiErr.Error() {
		return pe
	}
	return &wrapped{msg: err.Error(), err: pe}
}

// one converts a *client.T into a *platform.T with conv, passing errors through convErr.
func one[C, P any](v *C, err error, conv func(C) P) (*P, error) {
	if err != nil {
		return nil, convErr(err)
	}
	if v == nil {
		return nil, nil
	}
	out := conv(*v)
	return &out, nil
}

func all[C, P any](vs []C, err error, conv func(C) P) ([]P, error) {
	if err != nil {
		return nil, convErr(err)
	}
	out := make([]P, len(vs))
	for i, v := range vs {
		out[i] = conv(v)
	}
	return out, nil
}

// Conversions: the domain types have the client models' fields without their JSON tags.
func userOf(u client.User) platform.User                   { return platform.User(u) }
func userToClient(u platform.User) client.User             { return client.User(u) }
func enterpriseOf(e client.Enterprise) platform.Enterprise { return platform.Enterprise(e) }
func groupOf(g client.Group) platform.Group                { return platform.Group(g) }
func numberOf(n client.Number) platform.Number             { return platform.Number(n) }
func inventoryOf(n client.InventoryNumber) platform.InventoryNumber {
	return platform.InventoryNumber(n)
}
func addressOf(a client.Address) platform.Address { return platform.Address(a) }
func e911Of(e client.E911) platform.E911 {
	return platform.E911{Address: addressOf(e.Address), Normalized: addressOf(e.Normalized), Status: e.Status, ETag: e.ETag}
}
func impOf(i client.IMP) platform.IMP                       { return platform.IMP(i) }
func activationOf(a client.Activation) platform.Activation  { return platform.Activation(a) }
func jobRefOf(j client.JobRef) platform.JobRef              { return platform.JobRef(j) }
func rowOf(r client.ActivationRow) platform.ActivationRow   { return platform.ActivationRow(r) }
func rulesOf(r client.PasscodeRules) platform.PasscodeRules { return platform.PasscodeRules(r) }
func forwardingOf(cf client.CallForwarding) platform.CallForwarding {
	return platform.CallForwarding{
		Always: platform.Forward(cf.Always), Busy: platform.Forward(cf.Busy),
		NoAnswer: platform.NoAnswerForward(cf.NoAnswer), ETag: cf.ETag,
	}
}
func forwardingToClient(cf platform.CallForwarding) client.CallForwarding {
	return client.CallForwarding{
		Always: client.Forward(cf.Always), Busy: client.Forward(cf.Busy),
		NoAnswer: client.NoAnswerForward(cf.NoAnswer), ETag: cf.ETag,
	}
}
func jobOf(j client.Job) platform.Job {
	out := platform.Job{ID: j.ID, Kind: j.Kind, Status: j.Status, CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt}
	if j.Error != nil {
		out.Error = &platform.JobError{Code: j.Error.Code, Message: j.Error.Message}
	}
	if j.Result != nil {
		r := platform.InvitationsResult(*j.Result)
		out.Result = &r
	}
	return out
}
func opts(o platform.WriteOptions) client.WriteOptions {
	return client.WriteOptions{IfMatch: o.IfMatch}
}
func filterOf(f platform.ActivationFilter) client.ActivationFilter {
	return client.ActivationFilter(f)
}

// Directory

// ListEnterprises implements platform.Directory.
func (p *Platform) ListEnterprises(ctx context.Context) ([]platform.Enterprise, error) {
	es, err := p.c.ListEnterprises(ctx)
	return all(es, err, enterpriseOf)
}

// ListGroups implements platform.Directory.
func (p *Platform) ListGroups(ctx context.Context, ent string) ([]platform.Group, error) {
	gs, err := p.c.ListGroups(ctx, ent)
	return all(gs, err, groupOf)
}

// GetGroup implements platform.Directory.
func (p *Platform) GetGroup(ctx context.Context, id string) (*platform.Group, error) {
	g, err := p.reads.GetGroup(ctx, id)
	return one(g, err, groupOf)
}

// Users

// CreateUser implements platform.Users.
func (p *Platform) CreateUser(ctx context.Context, ent string, in platform.UserInput) (*platform.User, error) {
	u, err := p.c.CreateUser(ctx, ent, client.UserInput(in))
	return one(u, err, p.learnUser)
}

// GetUser implements platform.Users.
func (p *Platform) GetUser(ctx context.Context, id string) (*platform.User, error) {
	u, err := p.c.GetUser(ctx, id)
	return one(u, err, p.learnUser)
}

// ReadUser implements platform.Users.
func (p *Platform) ReadUser(ctx context.Context, ent, id string) (*platform.User, error) {
	u, err := p.reads.User(ctx, ent, id)
	return one(u, err, p.learnUser)
}

// UpdateUser implements platform.Users.
func (p *Platform) UpdateUser(ctx context.Context, id string, patch platform.UserPatch, o platform.WriteOptions) (*platform.User, error) {
	u, err := p.c.UpdateUser(ctx, id, client.UserPatch(patch), opts(o))
	return one(u, err, p.learnUser)
}

// DeleteUser implements platform.Users.
func (p *Platform) DeleteUser(ctx context.Context, id string, o platform.WriteOptions) error {
	return convErr(p.c.DeleteUser(ctx, id, opts(o)))
}

// ResetUser implements platform.Users.
func (p *Platform) ResetUser(ctx context.Context, id string, o platform.WriteOptions) (*platform.User, error) {
	u, err := p.c.ResetUser(ctx, id, opts(o))
	return one(u, err, p.learnUser)
}

// ListUsers implements platform.Users.
func (p *Platform) ListUsers(ctx context.Context, ent string, f platform.UserFilter) ([]platform.User, error) {
	us, err := p.c.ListUsers(ctx, ent, client.UserFilter(f))
	return all(us, err, p.learnUser)
}

// MarkCreated implements platform.Users.
func (p *Platform) MarkCreated(u *platform.User) {
	c := userToClient(*u)
	p.reads.MarkCreated(&c)
}

// CreatedUser implements platform.Users.
func (p *Platform) CreatedUser(id string) (*platform.User, bool) {
	u, ok := p.reads.CreatedUser(id)
	if !ok {
		return nil, false
	}
	out := userOf(*u)
	return &out, true
}

// CreatedHere implements platform.Users.
func (p *Platform) CreatedHere(id string) bool { return p.reads.CreatedHere(id) }

// UserEnterprise implements platform.Users.
func (p *Platform) UserEnterprise(id string) string {
	if ent, ok := p.userEnt.Load(id); ok {
		return ent.(string)
	}
	return p.reads.UserEnterprise(id)
}

// learnUser converts u and remembers its enterprise (UserEnterprise).
func (p *Platform) learnUser(u client.User) platform.User {
	if u.ID != "" && u.EnterpriseID != "" {
		p.userEnt.Store(u.ID, u.EnterpriseID)
	}
	return userOf(u)
}

// EmailHolders implements platform.Users.
func (p *Platform) EmailHolders(ctx context.Context, ent, email string) ([]platform.User, error) {
	us, err := p.reads.EmailHolders(ctx, ent, email)
	return all(us, err, userOf)
}

// ExtensionHolders implements platform.Users.
func (p *Platform) ExtensionHolders(ctx context.Context, ent, ext string) ([]platform.User, error) {
	us, err := p.reads.ExtensionHolders(ctx, ent, ext)
	return all(us, err, userOf)
}

// Numbers

// GetNumber implements platform.Numbers.
func (p *Platform) GetNumber(ctx context.Context, userID string) (*platform.Number, error) {
	n, err := p.c.GetNumber(ctx, userID)
	return one(n, err, numberOf)
}

// ReadNumber implements platform.Numbers.
func (p *Platform) ReadNumber(ctx context.Context, ent, userID string) (*platform.Number, error) {
	n, err := p.reads.Number(ctx, ent, userID)
	return one(n, err, numberOf)
}

// PutNumber implements platform.Numbers.
func (p *Platform) PutNumber(ctx context.Context, userID string, in platform.NumberInput, o platform.WriteOptions) (*platform.Number, error) {
	n, err := p.c.PutNumber(ctx, userID, client.NumberInput(in), opts(o))
	return one(n, err, numberOf)
}

// DeleteNumber implements platform.Numbers.
func (p *Platform) DeleteNumber(ctx context.Context, userID string, o platform.WriteOptions) error {
	return convErr(p.c.DeleteNumber(ctx, userID, opts(o)))
}

// ListNumbers implements platform.Numbers.
func (p *Platform) ListNumbers(ctx context.Context, ent string, f platform.NumberFilter) ([]platform.InventoryNumber, error) {
	ns, err := p.c.ListNumbers(ctx, ent, client.NumberFilter(f))
	return all(ns, err, inventoryOf)
}

// InventoryNumber implements platform.Numbers.
func (p *Platform) InventoryNumber(ctx context.Context, ent, number string) (*platform.InventoryNumber, error) {
	n, err := p.reads.InventoryNumber(ctx, ent, number)
	return one(n, err, inventoryOf)
}

// Services

// GetE911 implements platform.Services.
func (p *Platform) GetE911(ctx context.Context, userID string) (*platform.E911, error) {
	e, err := p.c.GetE911(ctx, userID)
	return one(e, err, e911Of)
}

// ReadE911 implements platform.Services.
func (p *Platform) ReadE911(ctx context.Context, ent, userID string) (*platform.E911, error) {
	e, err := p.reads.E911(ctx, ent, userID)
	return one(e, err, e911Of)
}

// PutE911 implements platform.Services.
func (p *Platform) PutE911(ctx context.Context, userID string, addr platform.Address, o platform.WriteOptions) (*platform.E911, error) {
	e, err := p.c.PutE911(ctx, userID, client.Address(addr), opts(o))
	return one(e, err, e911Of)
}

// DeleteE911 implements platform.Services.
func (p *Platform) DeleteE911(ctx context.Context, userID string, o platform.WriteOptions) error {
	return convErr(p.c.DeleteE911(ctx, userID, opts(o)))
}

// GetIMP implements platform.Services.
func (p *Platform) GetIMP(ctx context.Context, userID string) (*platform.IMP, error) {
	i, err := p.c.GetIMP(ctx, userID)
	return one(i, err, impOf)
}

// ReadIMP implements platform.Services.
func (p *Platform) ReadIMP(ctx context.Context, ent, userID string) (*platform.IMP, error) {
	i, err := p.reads.IMP(ctx, ent, userID)
	return one(i, err, impOf)
}

// SetIMP implements platform.Services.
func (p *Platform) SetIMP(ctx context.Context, userID string, enabled bool, o platform.WriteOptions) (*platform.IMP, error) {
	i, err := p.c.SetIMP(ctx, userID, enabled, opts(o))
	return one(i, err, impOf)
}

// SetVoicemailPasscode implements platform.Services.
func (p *Platform) SetVoicemailPasscode(ctx context.Context, userID, passcode string) error {
	return convErr(p.c.SetVoicemailPasscode(ctx, userID, passcode))
}

// SetPortalPassword implements platform.Services.
func (p *Platform) SetPortalPassword(ctx context.Context, userID, password string) error {
	return convErr(p.c.SetPortalPassword(ctx, userID, password))
}

// GetPasscodeRules implements platform.Services.
func (p *Platform) GetPasscodeRules(ctx context.Context, ent string) (*platform.PasscodeRules, error) {
	r, err := p.c.GetPasscodeRules(ctx, ent)
	return one(r, err, rulesOf)
}

// ReadPasscodeRules implements platform.Services.
func (p *Platform) ReadPasscodeRules(ctx context.Context, ent string) (*platform.PasscodeRules, error) {
	r, err := p.reads.PasscodeRules(ctx, ent)
	return one(r, err, rulesOf)
}

// GetCallForwarding implements platform.Services.
func (p *Platform) GetCallForwarding(ctx context.Context, userID string) (*platform.CallForwarding, error) {
	cf, err := p.c.GetCallForwarding(ctx, userID)
	return one(cf, err, forwardingOf)
}

// ReadCallForwarding implements platform.Services.
func (p *Platform) ReadCallForwarding(ctx context.Context, ent, userID string) (*platform.CallForwarding, error) {
	cf, err := p.reads.CallForwarding(ctx, ent, userID)
	return one(cf, err, forwardingOf)
}

// PutCallForwarding implements platform.Services.
func (p *Platform) PutCallForwarding(ctx context.Context, userID string, cf platform.CallForwarding, o platform.WriteOptions) (*platform.CallForwarding, error) {
	out, err := p.c.PutCallForwarding(ctx, userID, forwardingToClient(cf), opts(o))
	return one(out, err, forwardingOf)
}

// DeleteCallForwarding implements platform.Services.
func (p *Platform) DeleteCallForwarding(ctx context.Context, userID string, o platform.WriteOptions) error {
	return convErr(p.c.DeleteCallForwarding(ctx, userID, opts(o)))
}

// Activations

// CreateActivation implements platform.Activations.
func (p *Platform) CreateActivation(ctx context.Context, userID string, in platform.ActivationInput, o platform.WriteOptions) (*platform.JobRef, error) {
	j, err := p.c.CreateActivation(ctx, userID, client.ActivationInput(in), opts(o))
	return one(j, err, jobRefOf)
}

// GetActivation implements platform.Activations.
func (p *Platform) GetActivation(ctx context.Context, userID string) (*platform.Activation, error) {
	a, err := p.c.GetActivation(ctx, userID)
	return one(a, err, activationOf)
}

// ReadActivation implements platform.Activations.
func (p *Platform) ReadActivation(ctx context.Context, ent, userID string) (*platform.Activation, error) {
	a, err := p.reads.Activation(ctx, ent, userID)
	return one(a, err, activationOf)
}

// UpdateActivationPackage implements platform.Activations.
func (p *Platform) UpdateActivationPackage(ctx context.Context, userID, pkg string, o platform.WriteOptions) (*platform.Activation, error) {
	a, err := p.c.UpdateActivationPackage(ctx, userID, pkg, opts(o))
	return one(a, err, activationOf)
}

// RetryActivation implements platform.Activations.
func (p *Platform) RetryActivation(ctx context.Context, userID, email string, o platform.WriteOptions) (*platform.JobRef, error) {
	j, err := p.c.RetryActivation(ctx, userID, email, opts(o))
	return one(j, err, jobRefOf)
}

// DeleteActivation implements platform.Activations.
func (p *Platform) DeleteActivation(ctx context.Context, userID string, o platform.WriteOptions) error {
	return convErr(p.c.DeleteActivation(ctx, userID, opts(o)))
}

// ResendInvitation implements platform.Activations.
func (p *Platform) ResendInvitation(ctx context.Context, userID string) (*platform.Activation, error) {
	a, err := p.c.ResendInvitation(ctx, userID)
	return one(a, err, activationOf)
}

// ValidateActivation implements platform.Activations.
func (p *Platform) ValidateActivation(ctx context.Context, userID string, in platform.ActivationValidateInput) (*platform.ActivationValidation, error) {
	v, err := p.c.ValidateActivation(ctx, userID, client.ActivationValidateInput(in))
	return one(v, err, func(v client.ActivationValidation) platform.ActivationValidation {
		out := platform.ActivationValidation{OK: v.OK}
		for _, e := range v.Errors {
			out.Errors = append(out.Errors, platform.ActivationProblem(e))
		}
		return out
	})
}

// WaitActivation implements platform.Activations.
func (p *Platform) WaitActivation(ctx context.Context, userID string, w platform.ActivationWait) (*platform.Activation, error) {
	cw := client.ActivationWait{Poll: w.Poll, MaxPoll: w.MaxPoll}
	if w.Until != nil {
		cw.Until = func(a *client.Activation) bool { pa := activationOf(*a); return w.Until(&pa) }
	}
	if w.OnRead != nil {
		cw.OnRead = func(a *client.Activation) { pa := activationOf(*a); w.OnRead(&pa) }
	}
	a, err := p.c.WaitActivation(ctx, userID, cw)
	if err != nil && a != nil {
		out := activationOf(*a)
		return &out, convErr(err)
	}
	return one(a, err, activationOf)
}

// ListActivations implements platform.Activations.
func (p *Platform) ListActivations(ctx context.Context, ent string, f platform.ActivationFilter) ([]platform.ActivationRow, error) {
	rows, err := p.c.ListActivations(ctx, ent, filterOf(f))
	return all(rows, err, rowOf)
}

// ActivationsCSV implements platform.Activations.
func (p *Platform) ActivationsCSV(ctx context.Context, ent string, f platform.ActivationFilter) (string, error) {
	csv, err := p.c.ActivationsCSV(ctx, ent, filterOf(f))
	return csv, convErr(err)
}

// Jobs

// StartDirectorySync implements platform.Jobs.
func (p *Platform) StartDirectorySync(ctx context.Context, ent string) (*platform.JobRef, error) {
	j, err := p.c.StartDirectorySync(ctx, ent)
	return one(j, err, jobRefOf)
}

// StartInvitations implements platform.Jobs.
func (p *Platform) StartInvitations(ctx context.Context, ent, groupID string) (*platform.JobRef, error) {
	j, err := p.c.StartInvitations(ctx, ent, groupID)
	return one(j, err, jobRefOf)
}

// GetJob implements platform.Jobs.
func (p *Platform) GetJob(ctx context.Context, jobID string) (*platform.Job, error) {
	j, err := p.c.GetJob(ctx, jobID)
	return one(j, err, jobOf)
}

// WaitJob implements platform.Jobs.
func (p *Platform) WaitJob(ctx context.Context, jobID string, poll time.Duration, until func(*platform.Job) bool) (*platform.Job, error) {
	var cu func(*client.Job) bool
	if until != nil {
		cu = func(j *client.Job) bool { pj := jobOf(*j); return until(&pj) }
	}
	j, err := p.c.WaitJob(ctx, jobID, poll, cu)
	if err != nil && j != nil {
		out := jobOf(*j)
		return &out, convErr(err)
	}
	return one(j, err, jobOf)
}
