// Package wholesale is the Webex for Wholesale platform: users are wholesale subscribers of a
// customer (/wholesale/subscribers) and their people in the customer's organisation (/people,
// every Webex Calling call carrying ?orgId=), with Webex Calling for numbers, voicemail, call
// forwarding and emergency addresses. It implements platform.Platform over internal/webex.
//
// Names:
//   - enterprise_id is the wholesale customer id (/wholesale/customers/{id}); its orgId is read
//     once per process;
//   - group_id is the Webex Calling location id;
//   - a user's id is its subscriber id; its person id (profile and calling calls) is read from the
//     subscriber once per process.
//
// How a calling user is made in one apply (ucprov_user, then ucprov_user_number): CreateUser
// provisions the subscriber with Config.BasePackage (default webex_meetings, a package without
// calling, which needs no number); PutNumber moves a subscriber still on a package without
// calling to Config.CallingPackage (default webex_calling) with the number and extension in the
// same PUT /wholesale/subscribers/{id} (provisioningParameters), as the subscriber update allows;
// for a subscriber that already has calling it changes the number through
// PUT /telephony/config/people/{id}/numbers. ucprov_activation then sets the package the
// configuration asks for (webex_suite, …).
//
// No etags: every object's ETag is a fingerprint (SHA-256) of its canonical fields, and a write
// with IfMatch reads the object, compares, and writes only when they are equal (412 etag_mismatch
// otherwise; the window between that read and the write is not covered). No idempotency keys: a
// subscriber create whose answer was lost (5xx, timeout, reset, 409) is resolved by its natural
// key, the email in the customer, and adopted only when names and location are those asked for.
//
// Reads: Get* always ask Webex; Read* of an enterprise come from one bulk snapshot per
// enterprise per process (subscribers by customer, people by organisation with calling data,
// numbers by organisation), except for users this process wrote, which are read again.
package wholesale

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// Default packages (Config).
const (
	DefaultBasePackage    = "webex_meetings"
	DefaultCallingPackage = "webex_calling"
)

// callingPackages are the wholesale packages that include Webex Calling (they need a number or
// an extension).
var callingPackages = map[string]bool{
	"webex_calling": true, "webex_suite": true, "webex_voice": true, "webex_calling_standard": true,
	"cx_essentials": true, "cx_premium_agent": true, "cx_standard_agent": true, "attendant_console": true,
}

// IsCallingPackage reports whether a wholesale package includes Webex Calling.
func IsCallingPackage(pkg string) bool { return callingPackages[pkg] }

// Config configures New.
type Config struct {
	// Client is the Webex client's configuration (set MaxRetries: 0 means none).
	Client webex.Config
	// BasePackage is the package a subscriber is created with (a package without calling; default
	// webex_meetings); CallingPackage the one PutNumber moves it to (default webex_calling).
	BasePackage, CallingPackage string
	// Poll is the first interval of the waits (activation, jobs); 0 means 200 ms.
	Poll time.Duration
}

// Platform is the Webex for Wholesale platform. It is safe for concurrent use.
type Platform struct {
	c                   *webex.Client
	basePkg, callingPkg string
	poll                time.Duration
	mu                  sync.Mutex
	groupMu             sync.Mutex        // serialises location reads (GetGroup)
	orgOfCustomer       map[string]string // customer id → orgId
	customerOfOrg       map[string]string // orgId → customer id
	customerIDOf        map[string]string // customer id or externalId → customer id
	alias               map[string]string // customer id → the externalId the configuration names it by
	groups              map[string]platform.Group
	refs                map[string]*ref // subscriber id → its person, customer, org
	created             map[string]*platform.User
	written             map[string]bool // users written by this process (their reads go to Webex)
	snaps               map[string]*snapshotEntry
	e911                map[string]*platform.E911 // user id → the address this process wrote
	known               map[string]*knownUser     // users created by this process, as its own writes left them
	touchedNumbers      map[string]bool           // numbers this process assigned or released
	lookups             map[string]*lookupEntry   // emergency address lookups of this process
	activators          map[string]*activator     // org and location → its number activations
}

// knownUser is a user this process created, as its own writes left it: the writes that follow
// in the same apply (number, E911) need not read it again. A write with IfMatch always reads.
type knownUser struct {
	person *webex.Person
	number *platform.Number // nil: none
}

// knownFor returns what this process knows of user id for an unconditional write.
func (p *Platform) knownFor(id, ifMatch string) (*webex.Person, *platform.Number, bool) {
	if ifMatch != "" {
		return nil, nil, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	k, ok := p.known[id]
	if !ok {
		return nil, nil, false
	}
	pr := *k.person
	var n *platform.Number
	if k.number != nil {
		cp := *k.number
		n = &cp
	}
	return &pr, n, true
}

// noteKnown updates what this process knows of a user it created (nothing for other users).
func (p *Platform) noteKnown(id string, pr *webex.Person, n *platform.Number, setNumber bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k, ok := p.known[id]
	if !ok {
		return
	}
	if pr != nil {
		cp := *pr
		k.person = &cp
	}
	if setNumber {
		k.person.PhoneNumbers, k.person.Extension = nil, ""
		k.number = nil
		if n != nil {
			cp := *n
			k.number = &cp
			if n.PhoneNumber != "" {
				k.person.PhoneNumbers = []webex.PhoneNumber{{Type: "work", Value: n.PhoneNumber, Primary: true}}
			}
			k.person.Extension = n.Extension
		}
	}
}

// ref is what a subscriber id leads to.
type ref struct {
	SubscriberID, PersonID, CustomerID, OrgID, Package string
	// LocationID is the person's location, once a person was read ("" before).
	LocationID string
}

var _ platform.Platform = (*Platform)(nil)

// New returns the platform with a new Webex client.
func New(cfg Config) (*Platform, error) {
	c, err := webex.New(cfg.Client)
	if err != nil {
		return nil, err
	}
	return Wrap(c, cfg), nil
}

// Wrap returns the platform over an existing client (cfg.Client is not used).
func Wrap(c *webex.Client, cfg Config) *Platform {
	p := &Platform{
		c: c, basePkg: cfg.BasePackage, callingPkg: cfg.CallingPackage, poll: cfg.Poll,
		orgOfCustomer: map[string]string{}, customerOfOrg: map[string]string{}, customerIDOf: map[string]string{}, alias: map[string]string{}, groups: map[string]platform.Group{},
		refs: map[string]*ref{}, created: map[string]*platform.User{}, written: map[string]bool{},
		snaps: map[string]*snapshotEntry{}, e911: map[string]*platform.E911{}, known: map[string]*knownUser{},
		touchedNumbers: map[string]bool{}, lookups: map[string]*lookupEntry{}, activators: map[string]*activator{},
	}
	if p.basePkg == "" {
		p.basePkg = DefaultBasePackage
	}
	if p.callingPkg == "" {
		p.callingPkg = DefaultCallingPackage
	}
	if p.poll <= 0 {
		p.poll = 200 * time.Millisecond
	}
	return p
}

// Client is the underlying Webex client.
func (p *Platform) Client() *webex.Client { return p.c }

// Name implements platform.Platform.
func (p *Platform) Name() string { return platform.NameWholesale }

// Lacks implements platform.Platform: what Webex for Wholesale and Webex Calling have no API for.
func (p *Platform) Lacks(f platform.Feature) error {
	why := map[platform.Feature]string{
		platform.FeaturePortalPassword: "Webex users sign in with their Webex account; there is no calling portal password to set",
		platform.FeatureIMP:            "messaging and presence come with the Webex package (ucprov_activation.package)",
		platform.FeatureDirectorySync:  "the organisation's directory is Webex's own; there is no BroadWorks directory to sync",
		platform.FeatureCallingLineIDNames: "the caller id names of a Webex Calling user follow its first and last name " +
			"(no API of the wholesale platform sets them apart)",
		platform.FeaturePagerNumber:        "Webex people have no pager number",
		platform.FeatureResetUser:          "delete the user (deletion_policy = \"delete\") instead",
		platform.FeatureActivationEmail:    "Webex sends its own activation email",
		platform.FeatureInvitationsByGroup: "the activation-email job of Webex covers the whole organisation",
	}
	if w, ok := why[f]; ok {
		return &platform.UnsupportedError{Platform: platform.NameWholesale, What: string(f), Why: w}
	}
	return nil
}

func (p *Platform) unsupported(what, why string) error {
	return &platform.UnsupportedError{Platform: platform.NameWholesale, What: what, Why: why}
}

// CheckEnterprise implements platform.Platform with GET /wholesale/customers/{ent}.
func (p *Platform) CheckEnterprise(ctx context.Context, ent string) error {
	_, err := p.orgOf(ctx, ent)
	return err
}

// orgOf is the orgId of customer ent (read once per process).
func (p *Platform) orgOf(ctx context.Context, ent string) (string, error) {
	_, org, err := p.customer(ctx, ent)
	return org, err
}

// customer resolves ent, a customer id or (when it is not a Webex id) the customer's externalId,
// to the customer id and its orgId (read once per process). A configuration that names its
// customer by externalId sees that name as every object's enterprise (entName).
func (p *Platform) customer(ctx context.Context, ent string) (id, org string, err error) {
	if ent == "" {
		return "", "", &platform.Error{Status: http.StatusBadRequest, Code: "enterprise_required", Field: "enterpriseId",
			Message: "the wholesale customer (enterprise_id) is not known", Platform: platform.NameWholesale}
	}
	p.mu.Lock()
	org, ok := p.orgOfCustomer[ent]
	id = p.customerIDOf[ent]
	p.mu.Unlock()
	if ok {
		return id, org, nil
	}
	if !IsWebexID(ent) {
		cs, err := p.c.ListWholesaleCustomers(ctx, webex.WholesaleCustomerFilter{ExternalID: ent})
		if err != nil {
			return "", "", convErr(err)
		}
		for _, cu := range cs {
			if cu.ExternalID == ent {
				p.learnCustomer(cu.ID, cu.OrgID)
				p.mu.Lock()
				p.orgOfCustomer[ent], p.customerIDOf[ent], p.alias[cu.ID] = cu.OrgID, cu.ID, ent
				p.mu.Unlock()
				return cu.ID, cu.OrgID, nil
			}
		}
		return "", "", notFound("no wholesale customer has the id or externalId " + ent)
	}
	cu, err := p.c.GetWholesaleCustomer(ctx, ent)
	if err != nil {
		return "", "", convErr(err)
	}
	p.learnCustomer(cu.ID, cu.OrgID)
	return cu.ID, cu.OrgID, nil
}

// customerID is the customer id of ent (an id or an externalId).
func (p *Platform) customerID(ctx context.Context, ent string) (string, error) {
	id, _, err := p.customer(ctx, ent)
	return id, err
}

// entName is how the configuration names customer id: its externalId when it was named so.
func (p *Platform) entName(id string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if a, ok := p.alias[id]; ok {
		return a
	}
	return id
}

// IsWebexID reports whether s looks like a Webex id (base64url of "ciscospark://…").
func IsWebexID(s string) bool { return strings.HasPrefix(s, "Y2lzY29zcGFyazovL") }

func (p *Platform) learnCustomer(id, org string) {
	if id == "" || org == "" {
		return
	}
	p.mu.Lock()
	p.orgOfCustomer[id] = org
	p.customerIDOf[id] = id
	p.customerOfOrg[org] = id
	p.mu.Unlock()
}

// customerOf is the customer id of orgId (a list filtered by orgId when not known).
func (p *Platform) customerOf(ctx context.Context, org string) (string, error) {
	p.mu.Lock()
	id, ok := p.customerOfOrg[org]
	p.mu.Unlock()
	if ok {
		return id, nil
	}
	cs, err := p.c.ListWholesaleCustomers(ctx, webex.WholesaleCustomerFilter{OrgID: org})
	if err != nil {
		return "", convErr(err)
	}
	for _, cu := range cs {
		p.learnCustomer(cu.ID, cu.OrgID)
	}
	p.mu.Lock()
	id, ok = p.customerOfOrg[org]
	p.mu.Unlock()
	if !ok {
		return "", notFound("no wholesale customer has organisation " + org)
	}
	return id, nil
}

// Directory

// ListEnterprises implements platform.Directory: the wholesale customers.
func (p *Platform) ListEnterprises(ctx context.Context) ([]platform.Enterprise, error) {
	cs, err := p.c.ListWholesaleCustomers(ctx, webex.WholesaleCustomerFilter{})
	if err != nil {
		return nil, convErr(err)
	}
	out := make([]platform.Enterprise, 0, len(cs))
	for _, cu := range cs {
		p.learnCustomer(cu.ID, cu.OrgID)
		out = append(out, platform.Enterprise{ID: cu.ID, Name: cu.ExternalID})
	}
	return out, nil
}

// ListGroups implements platform.Directory: the Webex Calling locations of the customer.
func (p *Platform) ListGroups(ctx context.Context, ent string) ([]platform.Group, error) {
	org, err := p.orgOf(ctx, ent)
	if err != nil {
		return nil, err
	}
	ls, err := p.c.ListLocations(ctx, webex.LocationFilter{OrgID: org})
	if err != nil {
		return nil, convErr(err)
	}
	out := make([]platform.Group, 0, len(ls))
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, l := range ls {
		g := platform.Group{ID: l.ID, EnterpriseID: ent, Name: l.Name, TimeZone: l.TimeZone}
		p.groups[l.ID] = g
		out = append(out, g)
	}
	return out, nil
}

// GetGroup implements platform.Directory: GET /locations/{id}, its customer by its orgId
// (remembered: locations do not move between organisations).
func (p *Platform) GetGroup(ctx context.Context, id string) (*platform.Group, error) {
	p.mu.Lock()
	g, ok := p.groups[id]
	p.mu.Unlock()
	if ok {
		return &g, nil
	}
	// One read per location: concurrent misses wait for the first.
	p.groupMu.Lock()
	defer p.groupMu.Unlock()
	p.mu.Lock()
	g, ok = p.groups[id]
	p.mu.Unlock()
	if ok {
		return &g, nil
	}
	l, err := p.c.GetLocation(ctx, "", id)
	if err != nil {
		return nil, convErr(err)
	}
	ent, err := p.customerOf(ctx, l.OrgID)
	if err != nil {
		return nil, err
	}
	g = platform.Group{ID: l.ID, EnterpriseID: p.entName(ent), Name: l.Name, TimeZone: l.TimeZone}
	p.mu.Lock()
	p.groups[l.ID] = g
	p.mu.Unlock()
	return &g, nil
}

// refOf resolves a subscriber id to its person, customer and organisation (GET
// /wholesale/subscribers/{id} the first time; the answer is returned when it was read).
func (p *Platform) refOf(ctx context.Context, id string) (*ref, *webex.WholesaleSubscriber, error) {
	p.mu.Lock()
	r, ok := p.refs[id]
	p.mu.Unlock()
	if ok {
		return r, nil, nil
	}
	s, err := p.c.GetWholesaleSubscriber(ctx, id)
	if err != nil {
		return nil, nil, convErr(err)
	}
	r, err = p.learnSubscriber(ctx, s)
	return r, s, err
}

// learnSubscriber remembers what s leads to.
func (p *Platform) learnSubscriber(ctx context.Context, s *webex.WholesaleSubscriber) (*ref, error) {
	org, err := p.orgOf(ctx, s.CustomerID)
	if err != nil {
		return nil, err
	}
	r := &ref{SubscriberID: s.ID, PersonID: s.PersonID, CustomerID: s.CustomerID, OrgID: org, Package: packageOf(s)}
	p.mu.Lock()
	p.refs[s.ID] = r
	p.mu.Unlock()
	return r, nil
}

// notePerson records the location of the subscriber's person.
func (p *Platform) notePerson(id string, pr *webex.Person) {
	if pr == nil || pr.LocationID == "" {
		return
	}
	p.mu.Lock()
	if r, ok := p.refs[id]; ok && r.LocationID != pr.LocationID {
		cp := *r
		cp.LocationID = pr.LocationID
		p.refs[id] = &cp
	}
	p.mu.Unlock()
}

func (p *Platform) setPackage(id, pkg string) {
	p.mu.Lock()
	if r, ok := p.refs[id]; ok {
		cp := *r
		cp.Package = pkg
		p.refs[id] = &cp
	}
	p.mu.Unlock()
}

// packageOf is the subscriber's one package.
func packageOf(s *webex.WholesaleSubscriber) string {
	if len(s.Packages) > 0 {
		return s.Packages[0]
	}
	return s.Package
}

// markWritten records that this process wrote user id: its reads go to Webex from now on.
func (p *Platform) markWritten(id string) {
	p.mu.Lock()
	p.written[id] = true
	p.mu.Unlock()
}

func (p *Platform) wasWritten(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.written[id]
}

// fingerprint is the ETag of an object without one: a hash of its canonical fields.
func fingerprint(kind string, fields ...string) string {
	h := sha256.New()
	h.Write([]byte(kind))
	for _, f := range fields {
		h.Write([]byte{0})
		h.Write([]byte(f))
	}
	return `"` + kind + "-" + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}

// checkIfMatch compares the fingerprint of the object read just before a write with ifMatch.
func checkIfMatch(ifMatch, current, what string) error {
	if ifMatch == "" || ifMatch == "*" || ifMatch == current {
		return nil
	}
	return &platform.Error{Status: http.StatusPreconditionFailed, Code: "etag_mismatch", Platform: platform.NameWholesale,
		Message: what + " changed since it was read (its fingerprint differs)"}
}

func notFound(msg string) error {
	return &platform.Error{Status: http.StatusNotFound, Code: "not_found", Message: msg, Platform: platform.NameWholesale}
}

// wrapped keeps the text of a Webex error while matching *platform.Error.
type wrapped struct {
	msg string
	err *platform.Error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }

var (
	fieldPattern = regexp.MustCompile(`(?i)(?:invalid parameter (?:value|size)|null parameter)\s*:\s*([A-Za-z0-9_.]+)|^invalid address: ([A-Za-z0-9_.]+): `)
	prefixField  = regexp.MustCompile(`^([a-z][A-Za-z0-9_.]*): `)
)

// webexFields names the platform (reference contract) field of a Webex field.
var webexFields = map[string]string{
	"provisioningParameters.firstName": "firstName", "provisioningParameters.lastName": "lastName",
	"provisioningParameters.locationId": "groupId", "locationId": "groupId",
	"provisioningParameters.primaryPhoneNumber": "phoneNumber", "primaryPhoneNumber": "phoneNumber",
	"directNumber": "phoneNumber", "phoneNumbers": "phoneNumber", "phone_number": "phoneNumber",
	"provisioningParameters.extension": "extension", "emails": "email", "postal_code": "postalCode",
	"numberOfRings": "noAnswer.rings",
}

// convErr turns the *webex.Error in err's chain into a *platform.Error (status, domain code,
// field); other errors (transport, context, platform errors) are returned as they are.
func convErr(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := platform.AsError(err); ok {
		return err
	}
	we, ok := webex.AsError(err)
	if !ok {
		return err
	}
	pe := &platform.Error{Status: we.Status, Message: we.Message, TrackingID: we.TrackingID, Platform: platform.NameWholesale,
		Wire: we.Error()}
	text := we.Message + " " + strings.Join(we.Descriptions, " ")
	if m := fieldPattern.FindStringSubmatch(text); m != nil {
		pe.Field = m[1] + m[2]
	} else if m := prefixField.FindStringSubmatch(we.Message); m != nil {
		pe.Field = m[1]
	}
	if f, ok := webexFields[pe.Field]; ok {
		pe.Field = f
	}
	lower := strings.ToLower(text)
	switch {
	case we.Status == http.StatusNotFound:
		pe.Code = "not_found"
	case we.Status == http.StatusUnauthorized:
		pe.Code = "unauthorized"
	case we.Status == http.StatusForbidden:
		pe.Code = "forbidden"
	case we.Status == http.StatusTooManyRequests:
		pe.Code = "rate_limited"
	case we.Status == http.StatusConflict && strings.Contains(lower, "activation email job"):
		pe.Code = "job_in_progress"
	case we.Status == http.StatusConflict && strings.Contains(lower, "already a subscriber"):
		pe.Code = "already_provisioned"
	case we.Status == http.StatusConflict && strings.Contains(lower, "email"), webex.HasCode(err, 10022):
		pe.Code, pe.Status = "email_in_use", http.StatusConflict
		if pe.Field == "" {
			pe.Field = "email"
		}
	case we.Status == http.StatusConflict && strings.Contains(lower, "extension"):
		pe.Code = "extension_in_use"
		if pe.Field == "" {
			pe.Field = "extension"
		}
	case we.Status == http.StatusConflict && (strings.Contains(lower, "number") || strings.Contains(lower, "phone")):
		pe.Code = "number_in_use"
		if pe.Field == "" {
			pe.Field = "phoneNumber"
		}
	case we.Status == http.StatusBadRequest && strings.Contains(lower, "passcode"):
		pe.Status, pe.Code = http.StatusUnprocessableEntity, "passcode_rule"
		if pe.Field == "" {
			pe.Field = "passcode"
		}
	case we.Status == http.StatusBadRequest && strings.Contains(lower, "not a number of the location"):
		pe.Status, pe.Code, pe.Field = http.StatusUnprocessableEntity, "number_not_in_inventory", "phoneNumber"
	case we.Status == http.StatusBadRequest && (webex.HasCode(err, 1001) || strings.Contains(lower, "null parameter")):
		pe.Status, pe.Code = http.StatusUnprocessableEntity, "required"
	case we.Status == http.StatusBadRequest:
		pe.Status, pe.Code = http.StatusUnprocessableEntity, "invalid_value"
	case we.Status == http.StatusConflict:
		pe.Code = "conflict"
	case we.Status >= 500:
		pe.Code = "platform_error"
	}
	if errors.Is(err, error(we)) && err.Error() == we.Error() {
		return pe
	}
	return &wrapped{msg: err.Error(), err: pe}
}
