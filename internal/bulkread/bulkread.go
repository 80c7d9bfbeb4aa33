// Package bulkread serves the provider's reads of users and their per-user objects (number,
// E911 address, IM&P, activation, call forwarding) from the API's bulk list
// (GET /v1/enterprises/{ent}/users?include=…, pages of up to 1,000 users with every object
// embedded) when that is cheaper than one GET per object, and from the per-object GETs otherwise.
//
// A Reader lives for one provider process, that is one plan or one apply: it is created empty in
// the provider's Configure and nothing carries over to the next process.
//
// # Cost model
//
// Reads are counted per enterprise. The first Threshold-1 reads of an enterprise are plain GETs,
// so a configuration of a few users (3 users × 6 resources = 18 reads with the default threshold
// of 20) costs exactly one GET per resource, however large the enterprise. From then on, page k
// of the enterprise's users (k = 1, 2, …) is read once the enterprise has had k × Threshold reads,
// and a read is answered from the pages read so far when they hold its user. The first page
// carries the enterprise's total, so no page is read past the last one. Page reads are therefore
// at most one per Threshold reads: in the worst case (a small configuration in a huge enterprise
// whose users all sit on the pages read last) the requests are 1 + 1/Threshold times one GET per
// read; when the configuration covers a good part of the enterprise, a whole plan costs
// Threshold - 1 GETs plus one request per 1,000 users.
//
// # Never stale
//
// The Reader observes every write of the client (ObserveWrite, installed as client.Config.OnWrite):
// once this process writes to a user (any POST, PUT, PATCH or DELETE under /v1/users/{id}), every
// later read of that user goes to the server, and data of that user from a page read before or
// during the write is never used. A write to an enterprise-wide endpoint (directory sync,
// invitations, …) sends every later read of that enterprise to the server; any other write sends
// every later read to the server.
//
// # Concurrency and errors
//
// Terraform reads up to 10 resources at once. Concurrent reads that need the same page share one
// request (singleflight). The page is read on a context that no single caller can cancel (bounded
// by FillTimeout): a caller whose context is cancelled returns at once, the others still get the
// page. A failed page read stores nothing, and its readers fall back to their GETs; after
// two failed page reads in a row an enterprise is read with GETs only for the rest of the process.
// Errors are never cached: a GET that fails is not remembered.
//
// # Absent is not gone
//
// Only an object the page embeds as null is answered "not found" (the GET's 404) from a page. An
// object the page does not carry at all (a backend that ignores include=, or embeds only some of
// the objects) is read with its GET, and extension checks go to the server when a page lacked
// numbers: a missing key never makes a resource disappear from the state.
package bulkread

import (
	"context"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/singleflight"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

// Mode is the provider's bulk_read setting.
type Mode string

const (
	// ModeAuto reads from the bulk list when that is cheaper (the default).
	ModeAuto Mode = "auto"
	// ModeNever always reads with one GET per object.
	ModeNever Mode = "never"
)

// Defaults of Options.
const (
	DefaultThreshold   = 20
	DefaultPageSize    = 1000
	DefaultFillTimeout = 2 * time.Minute
	maxFillFailures    = 2
)

// Options configure a Reader; zero fields take the defaults.
type Options struct {
	Mode        Mode
	Threshold   int           // reads of an enterprise per page read (see the cost model)
	PageSize    int           // users per page, 1..1000
	FillTimeout time.Duration // bound of one page read, which no single caller can cancel
}

// Stats count what a Reader did, for logs, tests and the benchmark.
type Stats struct {
	Reads     int64 // reads asked of the Reader
	Hits      int64 // reads answered from a page
	Gets      int64 // reads answered with a per-object GET
	PageReads int64 // page requests (successful or not)
}

// Reader reads users and their per-user objects; see the package documentation. It is safe for
// concurrent use.
type Reader struct {
	opts Options
	c    *client.Client

	mu          sync.Mutex
	createdHere map[string]bool         // users this process created
	created     map[string]*client.User // those users as the create answered, until written again
	dirtyUsers  map[string]bool
	dirtyEnts   map[string]bool
	dirtyAll    bool
	ents        map[string]*entState
	userEnt     map[string]string // user id → enterprise, learned from reads
	passcodeFor map[string]*client.PasscodeRules
	groups      map[string]*client.Group

	sf singleflight.Group

	reads, hits, gets, pageReads atomic.Int64
}

// entState is what the Reader knows of one enterprise.
type entState struct {
	reads    int
	pages    int    // pages read
	next     string // cursor of the next page
	complete bool   // every page has been read
	failures int    // page reads that failed in a row
	users    map[string]*client.UserWithServices
	// noNumbers: a page held a user without its number embedded (a backend that ignores
	// include=), so extension checks cannot be answered from the pages.
	noNumbers bool

	invChecks, invFailures int
	inventory              map[string]client.InventoryNumber // phone number → entry, once read
}

// New returns an empty Reader. Call Use with the client before the first read, and install
// ObserveWrite as that client's OnWrite.
func New(opts Options) *Reader {
	if opts.Mode == "" {
		opts.Mode = ModeAuto
	}
	if opts.Threshold <= 0 {
		opts.Threshold = DefaultThreshold
	}
	if opts.PageSize <= 0 || opts.PageSize > DefaultPageSize {
		opts.PageSize = DefaultPageSize
	}
	if opts.FillTimeout <= 0 {
		opts.FillTimeout = DefaultFillTimeout
	}
	return &Reader{
		opts:        opts,
		createdHere: map[string]bool{},
		created:     map[string]*client.User{},
		dirtyUsers:  map[string]bool{},
		dirtyEnts:   map[string]bool{},
		ents:        map[string]*entState{},
		userEnt:     map[string]string{},
		passcodeFor: map[string]*client.PasscodeRules{},
		groups:      map[string]*client.Group{},
	}
}

// Use sets the client the Reader reads with.
func (r *Reader) Use(c *client.Client) { r.c = c }

// Client is the client the Reader reads with.
func (r *Reader) Client() *client.Client { return r.c }

// Stats returns the counters so far.
func (r *Reader) Stats() Stats {
	return Stats{Reads: r.reads.Load(), Hits: r.hits.Load(), Gets: r.gets.Load(), PageReads: r.pageReads.Load()}
}

// ObserveWrite records a write of this process (client.Config.OnWrite): the method and the URL
// path of a POST, PUT, PATCH or DELETE, called before the request is sent.
func (r *Reader) ObserveWrite(_ string, rawPath string) {
	p, err := url.PathUnescape(rawPath)
	if err != nil {
		p = rawPath
	}
	seg := strings.Split(strings.Trim(p, "/"), "/")
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case len(seg) >= 3 && seg[0] == "v1" && seg[1] == "users" && seg[2] != "":
		r.dirtyUsers[seg[2]] = true
		if len(seg) == 3 || seg[3] == "reset" {
			delete(r.created, seg[2]) // the user object itself changes
		}
	case len(seg) == 4 && seg[0] == "v1" && seg[1] == "enterprises" && seg[3] == "users":
		// A new user: no page read so far can hold stale data of it.
	case len(seg) >= 3 && seg[0] == "v1" && seg[1] == "enterprises" && seg[2] != "":
		r.dirtyEnts[seg[2]] = true
	default:
		r.dirtyAll = true
	}
}

// MarkCreated records that this process created user u (ucprov_user's Create calls it with the
// user the backend answered). Terraform plans a resource again during the apply once a value that
// was unknown at plan time (such as this id) is known; for a user created in the same apply,
// ucprov_user_number does not repeat its holder and inventory checks, ucprov_imp_setting and
// ucprov_activation take the user's email from CreatedUser instead of reading it, and
// ucprov_activation does not look for an activation to take over: the plan already checked what it
// could see, and the backend enforces the same rules on the writes. (The activation precheck does
// run then: it stops a doomed activation before anything is queued.)
func (r *Reader) MarkCreated(u *client.User) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.createdHere[u.ID] = true
	r.dirtyUsers[u.ID] = true
	c := *u
	r.created[u.ID] = &c
}

// CreatedUser returns user id as this process's create answered it, while this process has not
// written the user object since (a PATCH, DELETE or reset of /v1/users/{id}; writes of its number,
// address or services do not change it). ok is false otherwise: read it from the server.
func (r *Reader) CreatedUser(id string) (u *client.User, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.created[id]
	if !ok {
		return nil, false
	}
	cp := *c
	return &cp, true
}

// CreatedHere reports whether this process created user id (see MarkCreated).
func (r *Reader) CreatedHere(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.createdHere[id]
}

// notFound is the answer for an object a page shows the user does not have: the 404 its GET
// would have given (client.IsNotFound is true).
func notFound() error {
	return &client.APIError{Status: 404, Code: "not_found", Message: "the user has no such object (bulk read)"}
}

// lookup answers a read of user id in enterprise ent ("" = unknown) from the pages when it can.
// include is the per-user object read (a client.Include… value; "" for the user itself). It
// returns the user's list item, or nil when the read must go to the server: also when the page
// holds the user but does not carry that object at all (a backend that ignores include=), since
// only an explicit null, or the GET's 404, says the user has none.
func (r *Reader) lookup(ctx context.Context, ent, id, include string) *client.UserWithServices {
	r.reads.Add(1)
	if r.opts.Mode == ModeNever || id == "" {
		return nil
	}
	for {
		r.mu.Lock()
		if known, ok := r.userEnt[id]; ok {
			ent = known
		}
		if ent == "" || r.dirtyAll || r.dirtyEnts[ent] || r.dirtyUsers[id] {
			r.mu.Unlock()
			return nil
		}
		st := r.state(ent)
		st.reads++
		if it, ok := st.users[id]; ok {
			r.mu.Unlock()
			if include != "" && !it.Embedded(include) {
				return nil
			}
			r.hits.Add(1)
			return it
		}
		wantPage := !st.complete && st.failures < maxFillFailures && st.reads >= r.opts.Threshold*(st.pages+1)
		r.mu.Unlock()
		if !wantPage {
			return nil
		}
		ch := r.sf.DoChan(ent, func() (any, error) { return nil, r.readPage(ent) })
		select {
		case <-ctx.Done():
			return nil // the caller's GET fails with its context; the page read goes on
		case res := <-ch:
			if res.Err != nil {
				return nil
			}
		}
		// Look again, without counting this read twice.
		r.mu.Lock()
		st.reads--
		r.mu.Unlock()
	}
}

// readPage reads the next page of ent on a context of its own and stores its users.
func (r *Reader) readPage(ent string) error {
	r.mu.Lock()
	st := r.ents[ent]
	cursor, page := st.next, st.pages+1
	done := st.complete || st.failures >= maxFillFailures
	r.mu.Unlock()
	if done {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.opts.FillTimeout)
	defer cancel()
	r.pageReads.Add(1)
	start := time.Now()
	p, err := r.c.ListUsersPage(ctx, ent, client.UserFilter{Max: r.opts.PageSize}, client.AllIncludes, cursor)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		st.failures++
		tflog.Debug(ctx, "ucprov bulk read: page read failed; reads fall back to one GET each",
			map[string]any{"enterprise_id": ent, "page": page, "error": err.Error()})
		return err
	}
	st.failures = 0
	st.pages = page
	st.next = p.Next
	st.complete = p.Next == ""
	for i := range p.Items {
		it := &p.Items[i]
		if !it.Embedded(client.IncludeNumber) {
			st.noNumbers = true
		}
		if r.dirtyUsers[it.ID] {
			continue // written by this process: its reads go to the server
		}
		st.users[it.ID] = it
		r.userEnt[it.ID] = ent
	}
	tflog.Debug(ctx, "ucprov bulk read: page read", map[string]any{
		"enterprise_id": ent, "page": page, "users": len(p.Items), "total": p.Total,
		"complete": st.complete, "duration_ms": time.Since(start).Milliseconds(),
	})
	return nil
}

// learn remembers the enterprise of a user read with a GET.
func (r *Reader) learn(id, ent string) {
	if id == "" || ent == "" {
		return
	}
	r.mu.Lock()
	r.userEnt[id] = ent
	r.mu.Unlock()
}

// User reads user id; ent is its enterprise when known ("" otherwise).
func (r *Reader) User(ctx context.Context, ent, id string) (*client.User, error) {
	if it := r.lookup(ctx, ent, id, ""); it != nil {
		u := it.User
		return &u, nil
	}
	r.gets.Add(1)
	u, err := r.c.GetUser(ctx, id)
	if err == nil {
		r.learn(u.ID, u.EnterpriseID)
	}
	return u, err
}

// Number reads the number assignment of user id (a 404 error when it has none).
func (r *Reader) Number(ctx context.Context, ent, id string) (*client.Number, error) {
	if it := r.lookup(ctx, ent, id, client.IncludeNumber); it != nil {
		return copyOrNone(it.Number)
	}
	r.gets.Add(1)
	return r.c.GetNumber(ctx, id)
}

// E911 reads the E911 address of user id (a 404 error when it has none).
func (r *Reader) E911(ctx context.Context, ent, id string) (*client.E911, error) {
	if it := r.lookup(ctx, ent, id, client.IncludeE911); it != nil {
		return copyOrNone(it.E911)
	}
	r.gets.Add(1)
	return r.c.GetE911(ctx, id)
}

// IMP reads the Integrated IM&P setting of user id.
func (r *Reader) IMP(ctx context.Context, ent, id string) (*client.IMP, error) {
	if it := r.lookup(ctx, ent, id, client.IncludeIntegratedIMP); it != nil {
		return copyOrNone(it.IntegratedIMP)
	}
	r.gets.Add(1)
	return r.c.GetIMP(ctx, id)
}

// Activation reads the Webex activation of user id (a 404 error when it has none).
func (r *Reader) Activation(ctx context.Context, ent, id string) (*client.Activation, error) {
	if it := r.lookup(ctx, ent, id, client.IncludeActivation); it != nil {
		return copyOrNone(it.Activation)
	}
	r.gets.Add(1)
	return r.c.GetActivation(ctx, id)
}

// CallForwarding reads the call forwarding of user id.
func (r *Reader) CallForwarding(ctx context.Context, ent, id string) (*client.CallForwarding, error) {
	if it := r.lookup(ctx, ent, id, client.IncludeCallForwarding); it != nil {
		return copyOrNone(it.CallForwarding)
	}
	r.gets.Add(1)
	return r.c.GetCallForwarding(ctx, id)
}

// copyOrNone returns a copy of v, or the 404 of an object the user does not have (v is an object
// the page embedded: lookup sends a read whose object the page lacks to its GET).
func copyOrNone[T any](v *T) (*T, error) {
	if v == nil {
		return nil, notFound()
	}
	c := *v
	return &c, nil
}

// PasscodeRules reads the enterprise's passcode rules once per process: every user's plan-time
// passcode check needs them, and they are the enterprise's policy, not any user's data.
// Concurrent callers share one request; a failed read is not remembered.
func (r *Reader) PasscodeRules(ctx context.Context, ent string) (*client.PasscodeRules, error) {
	r.mu.Lock()
	pr, ok := r.passcodeFor[ent]
	r.mu.Unlock()
	if ok {
		c := *pr
		return &c, nil
	}
	ch := r.sf.DoChan("passcode-rules "+ent, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opts.FillTimeout)
		defer cancel()
		pr, err := r.c.GetPasscodeRules(ctx, ent)
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		r.passcodeFor[ent] = pr
		r.mu.Unlock()
		return pr, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		c := *res.Val.(*client.PasscodeRules)
		return &c, nil
	}
}

// Plan-time checks. Checks that ask "which other user holds this email / extension / number" are
// counted with the reads of the enterprise, and once the cost model has read every page of the
// enterprise they are answered from the pages at no cost (and the number inventory from one read
// of the enterprise's inventory); until then each is its one API request, as before. Users this
// process has written (or created) are left out of the answers from pages: their values are the
// ones this run is setting, and the backend checks them at apply time (409 email_in_use,
// extension_in_use, number_in_use).

// completePages counts one check of ent and reads pages as the cost model allows; it reports
// whether every page of ent has been read.
func (r *Reader) completePages(ctx context.Context, ent string) bool {
	if r.opts.Mode == ModeNever || ent == "" {
		return false
	}
	counted := false
	for {
		r.mu.Lock()
		if r.dirtyAll || r.dirtyEnts[ent] {
			r.mu.Unlock()
			return false
		}
		st := r.state(ent)
		if !counted {
			st.reads++
			counted = true
		}
		if st.complete {
			r.mu.Unlock()
			return true
		}
		wantPage := st.failures < maxFillFailures && st.reads >= r.opts.Threshold*(st.pages+1)
		r.mu.Unlock()
		if !wantPage {
			return false
		}
		ch := r.sf.DoChan(ent, func() (any, error) { return nil, r.readPage(ent) })
		select {
		case <-ctx.Done():
			return false
		case res := <-ch:
			if res.Err != nil {
				return false
			}
		}
	}
}

// state returns the entState of ent, created on first use; r.mu must be held.
func (r *Reader) state(ent string) *entState {
	st := r.ents[ent]
	if st == nil {
		st = &entState{users: map[string]*client.UserWithServices{}}
		r.ents[ent] = st
	}
	return st
}

// holders returns the users of ent's pages (not written by this process) that match.
func (r *Reader) holders(ent string, match func(*client.UserWithServices) bool) []client.User {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []client.User
	for id, it := range r.ents[ent].users {
		if !r.dirtyUsers[id] && match(it) {
			out = append(out, it.User)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// EmailHolders returns the users of ent whose email is email (case-insensitively).
func (r *Reader) EmailHolders(ctx context.Context, ent, email string) ([]client.User, error) {
	if r.completePages(ctx, ent) {
		return r.holders(ent, func(it *client.UserWithServices) bool { return strings.EqualFold(it.Email, email) }), nil
	}
	return r.c.ListUsers(ctx, ent, client.UserFilter{Email: email})
}

// pagesHaveNumbers reports whether every page of ent read so far embedded every user's number.
func (r *Reader) pagesHaveNumbers(ent string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.ents[ent].noNumbers
}

// ExtensionHolders returns the users of ent that hold extension ext.
func (r *Reader) ExtensionHolders(ctx context.Context, ent, ext string) ([]client.User, error) {
	if r.completePages(ctx, ent) && r.pagesHaveNumbers(ent) {
		return r.holders(ent, func(it *client.UserWithServices) bool { return it.Number != nil && it.Number.Extension == ext }), nil
	}
	return r.c.ListUsers(ctx, ent, client.UserFilter{Extension: ext})
}

// InventoryNumber returns the inventory entry of phone number in ent (nil when the enterprise has
// no such number). Past the threshold of checks the whole inventory is read once (pages of 1,000)
// and the entries come from it; the holder of a number this process assigned or released is
// whatever the backend says at apply time.
func (r *Reader) InventoryNumber(ctx context.Context, ent, number string) (*client.InventoryNumber, error) {
	if inv := r.inventory(ctx, ent); inv != nil {
		n, ok := inv[number]
		if !ok {
			return nil, nil
		}
		r.mu.Lock()
		written := n.UserID != "" && r.dirtyUsers[n.UserID]
		r.mu.Unlock()
		if !written {
			return &n, nil
		}
	}
	l, err := r.c.ListNumbers(ctx, ent, client.NumberFilter{PhoneNumber: number})
	if err != nil || len(l) == 0 {
		return nil, err
	}
	return &l[0], nil
}

// inventory returns ent's whole number inventory once enough checks ask for it, else nil.
func (r *Reader) inventory(ctx context.Context, ent string) map[string]client.InventoryNumber {
	if r.opts.Mode == ModeNever || ent == "" {
		return nil
	}
	r.mu.Lock()
	st := r.state(ent)
	st.invChecks++
	inv, want := st.inventory, st.inventory == nil && st.invFailures < maxFillFailures && st.invChecks >= r.opts.Threshold
	r.mu.Unlock()
	if inv != nil || !want {
		return inv
	}
	ch := r.sf.DoChan("inventory "+ent, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.Background(), r.opts.FillTimeout)
		defer cancel()
		r.pageReads.Add(1)
		l, err := r.c.ListNumbers(ctx, ent, client.NumberFilter{Max: r.opts.PageSize})
		r.mu.Lock()
		defer r.mu.Unlock()
		if err != nil {
			st.invFailures++
			return nil, err
		}
		m := make(map[string]client.InventoryNumber, len(l))
		for _, n := range l {
			m[n.PhoneNumber] = n
		}
		st.inventory = m
		return m, nil
	})
	select {
	case <-ctx.Done():
		return nil
	case res := <-ch:
		if res.Err != nil {
			return nil
		}
		return res.Val.(map[string]client.InventoryNumber)
	}
}

// GetGroup reads group id once per process (groups are the enterprise's fixed structure; every new
// user's plan-time check asks for its group). A failed read is not remembered.
func (r *Reader) GetGroup(ctx context.Context, id string) (*client.Group, error) {
	if r.opts.Mode == ModeNever {
		return r.c.GetGroup(ctx, id)
	}
	r.mu.Lock()
	g, ok := r.groups[id]
	r.mu.Unlock()
	if ok {
		c := *g
		return &c, nil
	}
	ch := r.sf.DoChan("group "+id, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opts.FillTimeout)
		defer cancel()
		g, err := r.c.GetGroup(ctx, id)
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		r.groups[id] = g
		r.mu.Unlock()
		return g, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		c := *res.Val.(*client.Group)
		return &c, nil
	}
}

// UserEnterprise is the enterprise of user id as this Reader learned it from reads and creates
// ("" when it has not seen the user).
func (r *Reader) UserEnterprise(id string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ent, ok := r.userEnt[id]; ok {
		return ent
	}
	if u, ok := r.created[id]; ok {
		return u.EnterpriseID
	}
	return ""
}
