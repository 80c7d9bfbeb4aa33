package broadworks

import (
	"context"
	"strings"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
)

// Read-ahead of users: a refresh reads every user of the configuration (ucprov_user, then its
// number and E911 address from the same UserGetRequest23V2). Terraform reads at most 10 resources
// at once, so reads gathered by the batcher rarely fill a document of 15 commands. Once an
// enterprise has had aheadThreshold distinct users read by this process, a read of a user this
// process has no answer for reads ahead: the requested user and the next users of the
// enterprise's user list (UserGetListInServiceProviderRequest, read once per process) that this
// process has not read, in full documents of 15 UserGetRequest23V2.
//
// # Cost model
//
// A small configuration (fewer than aheadThreshold users of an enterprise) costs exactly what it
// cost without read-ahead. Past the threshold, a read-ahead reads max(15, users asked for) users
// rounded up to a whole document, and only while the users read ahead so far are fewer than
// aheadFactor times the users asked for: a configuration of m users in a large enterprise reads
// ahead at most about (aheadFactor+1)·m users, (aheadFactor+1)·m/15 documents, while a
// configuration that covers its enterprise reads each user once in full documents.
//
// # Never stale, errors, concurrency
//
// A user this process wrote is never read ahead (p.dirty), and an answer read ahead is kept only
// when no write of that user started since the read-ahead chose it (p.wgen). A command refused
// (a user deleted between the list and the read) or a document that failed stores nothing: the
// reader reads its user on its own. Concurrent readers of an enterprise share one read-ahead
// (p.flight).

const (
	aheadThreshold = 15
	aheadFactor    = 4
)

// aheadState counts the reads of one enterprise (under p.mu).
type aheadState struct {
	asked map[string]bool // users whose read this process was asked for
	ahead int             // users read ahead so far
}

func (p *Platform) aheadOf(ent string) *aheadState {
	st := p.aheads[ent]
	if st == nil {
		st = &aheadState{asked: map[string]bool{}}
		p.aheads[ent] = st
	}
	return st
}

// askedFor counts a read of user id of enterprise ent (under p.mu).
func (p *Platform) askedFor(ent, id string) {
	if ent != "" {
		p.aheadOf(ent).asked[strings.ToLower(id)] = true
	}
}

// wantAhead tells whether a miss of a user of ent reads ahead (cost model above).
func (p *Platform) wantAhead(ent string) bool {
	if ent == "" {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.aheadOf(ent)
	n := len(st.asked)
	return n >= aheadThreshold && st.ahead < aheadFactor*n
}

// readAhead reads user id and the next users of ent ahead, then answers id from what was stored
// (nil when it was not: the caller reads it on its own).
func (p *Platform) readAhead(ctx context.Context, ent, id string) *userEntry {
	// The first reader's id is in the read-ahead; readers arriving while it is in flight join it.
	_, _, _ = p.flight.Do("ahead "+ent, func() (any, error) {
		return nil, p.fetchAhead(context.WithoutCancel(ctx), ent, id)
	})
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.users[id]
}

// fetchAhead reads id and the next users of ent not read by this process (cost model above).
func (p *Platform) fetchAhead(ctx context.Context, ent, id string) error {
	rows, err := p.spList(ctx, ent)
	if err != nil {
		return err
	}
	p.mu.Lock()
	st := p.aheadOf(ent)
	size := max(ocip.MaxCommands, len(st.asked))
	size = (size + ocip.MaxCommands - 1) / ocip.MaxCommands * ocip.MaxCommands
	ids := []string{id}
	for _, r := range rows {
		if len(ids) >= size {
			break
		}
		u := r.UserID
		if strings.EqualFold(u, id) || p.dirty[u] || p.users[u] != nil || p.inflight[u] != nil {
			continue
		}
		ids = append(ids, u)
	}
	if len(ids) == 1 { // nothing left to read ahead: the reader's own read shares the batcher's documents
		p.mu.Unlock()
		return nil
	}
	gens := make([]uint64, len(ids))
	for i, u := range ids {
		gens[i] = p.wgen[u]
	}
	st.ahead += len(ids) - 1
	p.mu.Unlock()

	reqs := make([]ocip.Request, len(ids))
	for i, u := range ids {
		reqs[i] = ocip.UserGetRequest23V2{UserId: u}
	}
	resps, err := p.oc.Do(ctx, reqs...)
	for i, r := range resps {
		if i >= len(ids) {
			break
		}
		got, ok := r.(*ocip.UserGetResponse23V2)
		if !ok {
			continue // refused: not stored (the reader asks on its own)
		}
		u, uerr := p.userOf(ctx, got)
		if uerr != nil {
			continue
		}
		p.mu.Lock()
		if p.wgen[ids[i]] == gens[i] && (i == 0 || !p.dirty[ids[i]]) {
			p.users[u.ID] = &userEntry{resp: got, user: u}
			delete(p.dirty, u.ID)
			p.userEnt[u.ID] = u.EnterpriseID
			p.place[u.ID] = userPlace{sp: got.ServiceProviderId, grp: got.GroupId}
		}
		p.mu.Unlock()
	}
	if err != nil {
		return convOCIP(err)
	}
	return nil
}
