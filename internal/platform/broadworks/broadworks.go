// Package broadworks is the platform "broadworks": BroadWorks OCI-P (internal/ocip) for users,
// numbers, E911 addresses, passcodes, Integrated IMP and call forwarding, and the Webex for
// BroadWorks partner API (internal/webex) for activations, the status report, invitations and
// directory sync. It implements platform.Platform; it knows no Terraform (it logs with tflog).
//
// # Ids
//
// enterprise_id is the BroadWorks serviceProviderId, group_id the groupId and a user's id its
// BroadWorks userId. CreateUser derives the userId (BroadWorks has no server-chosen ids):
//
//	local part: the email's local part when the user has an email, else "first.last"; lower
//	            case, every character other than a-z 0-9 . _ - removed (at most 80 characters,
//	            "user" when nothing is left);
//	domain:     the group's default domain (GroupGetRequest22V5 defaultDomain);
//	candidates: local@domain, then local2@domain … local9@domain.
//
// A candidate that "[Error 4200] User already exists" is read (the read travels in the same
// document as the add): when that user is the one this create asked for (same group, names and
// email: a create whose answer was lost, then sent again) it is adopted, else the next candidate
// is tried; when all ten are taken the create fails naming them. Never a second user.
//
// # Etags
//
// Neither OCI-P nor Webex has etags. The etag of every object is a fingerprint (SHA-256, 16 hex
// digits) of its canonical fields as this package returns them. A write with WriteOptions.IfMatch
// reads the object, compares its fingerprint and writes only when they are equal, else it fails
// with *platform.Error{Status: 412, Code: "etag_mismatch"} and writes nothing. The window between
// that read and the write (one OCI-P or HTTP round trip) is not covered: a change made by someone
// else inside it is overwritten, as it would be in the portal.
//
// # Reads
//
// Get* always ask the platform. Read* may be answered from what this process read before: per-user
// reads (UserGetRequest23V2, Integrated IMP, call forwarding) issued concurrently are gathered into
// documents of up to 15 commands; one UserGetRequest23V2 answers ReadUser, ReadE911 and (with the
// enterprise's user list) ReadNumber of that user; the enterprise's user list
// (UserGetListInServiceProviderRequest) and subscriber list (GET /broadworks/subscribers?
// spEnterpriseId=) are read once per process (concurrent readers share one read). Past a threshold
// of users read in an enterprise, a read that misses reads the next users of the enterprise's list
// ahead in full documents (readahead.go); Integrated IMP and call forwarding reads fill their
// documents with the same reads of the users read last, and read ahead when most users ask for
// them (prefetch.go). Anything this process writes is read from the platform again, and an answer
// read while a write of this process started is not kept; refusals are not kept.
package broadworks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/singleflight"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// Config configures New.
type Config struct {
	OCIP  ocip.Config
	Webex webex.Config
	// ServiceProviderID is the default enterprise (used to find a group by its id alone).
	ServiceProviderID string
	// BatchWindow is how long a per-user read waits for others to share its document (default 20 ms).
	BatchWindow time.Duration
}

// Platform is the broadworks platform. It is safe for concurrent use.
type Platform struct {
	oc      ocip.Doer
	closer  interface{ Close(context.Context) error }
	login   func(context.Context) (ocip.LoginInfo, error)
	wx      *webex.Client
	batch   *batcher
	spDflt  string
	pollMin time.Duration

	svc    svcState           // Integrated IMP and call forwarding prefetch (prefetch.go)
	flight singleflight.Group // concurrent reads of one group or one enterprise list share one request

	mu          sync.Mutex
	groups      map[string]*platform.Group // group id → group
	groupDom    map[string]string          // group id → default domain
	spGroups    map[string]bool            // service providers whose groups were listed
	users       map[string]*userEntry      // user id → last UserGet of this process (reads)
	dirty       map[string]bool            // user ids written by this process: read again
	created     map[string]*platform.User  // users created by this process, until written again
	createdHere map[string]bool
	impOn       map[string]bool        // users whose Integrated IMP this process turned on (flow-through)
	place       map[string]userPlace   // user id → service provider and group (they never change)
	inflight    map[string]*userFlight // user id → the UserGetRequest23V2 in flight for Read*
	userEnt     map[string]string      // user id → enterprise
	spLists     map[string][]listRow   // enterprise → user list
	subLists    map[string]map[string]*webex.BroadWorksSubscriber
	wxEnts      map[string]*webex.BroadWorksEnterprise
	rules       map[string]*platform.PasscodeRules
	inv         map[string][]platform.InventoryNumber
	groupRules  map[string]*platform.PasscodeRules
	wgen        map[string]uint64      // user id → writes this process started (read-ahead answers older are dropped)
	aheads      map[string]*aheadState // enterprise → read-ahead counts (readahead.go)
	entGen      map[string]uint64      // enterprise → writes started (lists read before are not kept)
	allGen      uint64                 // writes started whose enterprise was not known
}

var (
	_ platform.Platform          = (*Platform)(nil)
	_ platform.ActivationAdopter = (*Platform)(nil)
	_ platform.GroupRulesReader  = (*Platform)(nil)
)

// New returns the broadworks platform over a new OCI-P client and Webex client (no connection is
// made before the first operation).
func New(cfg Config) (*Platform, error) {
	oc, err := ocip.New(cfg.OCIP)
	if err != nil {
		return nil, err
	}
	wx, err := webex.New(cfg.Webex)
	if err != nil {
		return nil, err
	}
	p := newPlatform(oc, wx, cfg)
	p.closer = oc
	p.login = oc.LoginInfo
	return p, nil
}

// Wrap returns the platform over existing clients (tests).
func Wrap(oc ocip.Doer, wx *webex.Client, cfg Config) *Platform {
	return newPlatform(oc, wx, cfg)
}

func newPlatform(oc ocip.Doer, wx *webex.Client, cfg Config) *Platform {
	w := cfg.BatchWindow
	if w <= 0 {
		w = 20 * time.Millisecond
	}
	p := &Platform{
		oc: oc, wx: wx, batch: newBatcher(oc, w), spDflt: cfg.ServiceProviderID, pollMin: 500 * time.Millisecond,
		groups: map[string]*platform.Group{}, groupDom: map[string]string{}, spGroups: map[string]bool{},
		users: map[string]*userEntry{}, dirty: map[string]bool{}, created: map[string]*platform.User{}, createdHere: map[string]bool{}, impOn: map[string]bool{}, place: map[string]userPlace{}, inflight: map[string]*userFlight{},
		userEnt: map[string]string{}, spLists: map[string][]listRow{},
		subLists: map[string]map[string]*webex.BroadWorksSubscriber{}, wxEnts: map[string]*webex.BroadWorksEnterprise{},
		rules: map[string]*platform.PasscodeRules{}, inv: map[string][]platform.InventoryNumber{}, groupRules: map[string]*platform.PasscodeRules{},
		wgen: map[string]uint64{}, aheads: map[string]*aheadState{}, entGen: map[string]uint64{},
	}
	p.svc.init()
	p.batch.fill = p.fillServices
	return p
}

// SetPoll sets the first interval of the activation and job waits (tests).
func (p *Platform) SetPoll(d time.Duration) { p.pollMin = d }

// Close logs out of OCI-P.
func (p *Platform) Close(ctx context.Context) error {
	if p.closer == nil {
		return nil
	}
	return p.closer.Close(ctx)
}

// Name implements platform.Platform.
func (p *Platform) Name() string { return platform.NameBroadWorks }

// Lacks implements platform.Platform. BroadWorks with Webex for BroadWorks has everything the
// provider asks for except a custom activation email (Webex sends its own) and invitations per
// group (the activation-email job runs for the whole Webex organisation).
func (p *Platform) Lacks(f platform.Feature) error {
	switch f {
	case platform.FeatureActivationEmail:
		return &platform.UnsupportedError{Platform: platform.NameBroadWorks, What: string(f),
			Why: "Webex for BroadWorks sends its own activation email; its subject and body are set in Partner Hub"}
	case platform.FeatureInvitationsByGroup:
		return &platform.UnsupportedError{Platform: platform.NameBroadWorks, What: string(f),
			Why: "the Webex activation-email job runs for the whole enterprise (its Webex organisation)"}
	}
	return nil
}

// CheckEnterprise implements platform.Platform: ServiceProviderGetRequest22V4 over OCI-P (a
// refused login is IsRefused with the OCI-P error text; an invisible service provider IsNotFound),
// and at the same time the Webex for BroadWorks enterprise list (401/403 are IsRefused naming the
// missing scope; an enterprise Webex does not know is not an error here: activations then fail on
// their own). The OCI-P error wins. Side by side, not one after the other: the provider bounds the
// check in time (30 s), and the two platforms' retries under faults need not add up.
func (p *Platform) CheckEnterprise(ctx context.Context, ent string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wxErr := make(chan error, 1)
	go func() {
		_, err := p.webexEnterprise(ctx, ent)
		wxErr <- err
	}()
	if _, err := ocip.Call[*ocip.ServiceProviderGetResponse22V4](ctx, p.oc, ocip.ServiceProviderGetRequest22V4{ServiceProviderId: &ent}); err != nil {
		return convOCIP(err)
	}
	if err := <-wxErr; err != nil && !platform.IsNotFound(err) {
		return err
	}
	return nil
}

// fingerprint is the etag of a value: 16 hex digits of the SHA-256 of its JSON.
func fingerprint(v any) string {
	b, err := json.Marshal(v)
	if err != nil { // the domain types always marshal
		return ""
	}
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

// checkMatch compares IfMatch with the etag of the object just read.
func checkMatch(ifMatch, etag, what string) error {
	if ifMatch == "" || ifMatch == "*" || ifMatch == etag {
		return nil
	}
	return &platform.Error{Status: http.StatusPreconditionFailed, Code: "etag_mismatch", Platform: platform.NameBroadWorks,
		Message: what + " changed since it was read (its fingerprint is " + etag + ", the write was based on " + ifMatch + ")"}
}

// ocipCodes maps OCI-P error numbers to a status and domain code. 4008, 4152, 4200 and 4962 are
// BroadWorks' own; 190xx are the emulator's (ocip.go of internal/sandbox: BroadWorks does not
// publish codes for these conditions, so against a real system they arrive as other numbers and
// are reported with the BroadWorks text and a generic status).
var ocipCodes = map[int]struct {
	status      int
	code, field string
}{
	ocip.CodeUserNotFound:      {http.StatusNotFound, "not_found", ""},
	ocip.CodeGroupNotFound:     {http.StatusNotFound, "group_not_found", "groupId"},
	4010:                       {http.StatusNotFound, "enterprise_not_found", ""},
	ocip.CodeUserAlreadyExists: {http.StatusConflict, "user_exists", ""},
	ocip.CodeInvalidPassword:   {http.StatusUnauthorized, "invalid_credentials", ""},
	ocip.CodeAccountDisabled:   {http.StatusForbidden, "account_disabled", ""},
	ocip.CodeUnauthorized:      {http.StatusForbidden, "unauthorized", ""},
	ocip.CodeRequestValidation: {http.StatusBadRequest, "invalid_request", ""},
	19001:                      {http.StatusConflict, "number_in_use", "phoneNumber"},
	19002:                      {http.StatusConflict, "extension_in_use", "extension"},
	19003:                      {http.StatusUnprocessableEntity, "number_not_in_inventory", "phoneNumber"},
	19004:                      {http.StatusUnprocessableEntity, "passcode_rule", "passcode"},
	19005:                      {http.StatusUnprocessableEntity, "password_rule", "password"},
	19006:                      {http.StatusBadRequest, "invalid_value", ""},
	19007:                      {http.StatusConflict, "email_in_use", "email"},
	19008:                      {http.StatusNotFound, "enterprise_not_found", ""},
	19009:                      {http.StatusTooManyRequests, "rate_limited", ""},
	19010:                      {http.StatusConflict, "service_not_assigned", ""},
	19011:                      {http.StatusConflict, "imp_enabled", "email"},
	19012:                      {http.StatusUnprocessableEntity, "email_required", "email"},
}

// convOCIP turns an *ocip.Error in err's chain into a *platform.Error (its Wire is the OCI-P
// text); other errors (transport, context) are returned as they are.
func convOCIP(err error) error {
	if err == nil {
		return nil
	}
	var oe *ocip.Error
	if !errors.As(err, &oe) {
		return err
	}
	pe := &platform.Error{Status: http.StatusBadRequest, Platform: platform.NameBroadWorks, Wire: err.Error()}
	pe.Message = oe.SummaryEnglish
	if pe.Message == "" {
		pe.Message = oe.Summary
	}
	if m, ok := ocipCodes[oe.Code]; ok {
		pe.Status, pe.Code, pe.Field = m.status, m.code, m.field
	} else if ocip.IsNotFound(oe) {
		pe.Status, pe.Code = http.StatusNotFound, "not_found"
	}
	if errors.Is(err, ocip.ErrLogin) && (pe.Status == http.StatusBadRequest || pe.Status == http.StatusNotFound) {
		pe.Status, pe.Code = http.StatusUnauthorized, "login_refused"
	}
	return pe
}

// convWebex turns a *webex.Error into a *platform.Error; a 10022 is already_activated, a 409 of
// the directory sync sync_on_hold (its next allowed time read from the message).
func convWebex(err error) error {
	if err == nil {
		return nil
	}
	we, ok := webex.AsError(err)
	if !ok {
		if errors.Is(err, webex.ErrNotFound) {
			return &platform.Error{Status: http.StatusNotFound, Code: "not_found", Platform: platform.NameBroadWorks, Wire: err.Error()}
		}
		return err
	}
	pe := &platform.Error{Status: we.Status, Platform: platform.NameBroadWorks, Message: we.Message, TrackingID: we.TrackingID,
		Wire: err.Error()}
	switch {
	case webex.HasCode(err, 10022):
		pe.Code = "already_activated"
	case we.Status == http.StatusNotFound:
		pe.Code = "not_found"
	case we.Status == http.StatusTooManyRequests:
		pe.Code = "rate_limited"
	case we.Status == http.StatusForbidden && we.MissingScope != "":
		pe.Code = "missing_scope"
		pe.Message = strings.TrimSpace(pe.Message + " (the Webex token lacks the scope " + we.MissingScope + ")")
	}
	return pe
}

// debug logs at debug level.
func debug(ctx context.Context, msg string, fields map[string]any) { tflog.Debug(ctx, msg, fields) }

// notFound is a *platform.Error 404 for what of user id.
func notFound(what string) error {
	return &platform.Error{Status: http.StatusNotFound, Code: "not_found", Platform: platform.NameBroadWorks, Message: what + " not found"}
}

// badInput is a *platform.Error 400.
func badInput(field, format string, args ...any) error {
	return &platform.Error{Status: http.StatusBadRequest, Code: "invalid_value", Field: field, Platform: platform.NameBroadWorks,
		Message: fmt.Sprintf(format, args...)}
}
