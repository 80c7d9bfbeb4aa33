package broadworks

import (
	"context"
	"sync"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
)

// Services reads: a refresh reads every user first (ucprov_user), then the resources that hang off
// them. Integrated IMP (one command) and call forwarding (three commands) are read separately:
// a configuration where one user in ten has IM&P must not read the IM&P of the other nine.
//
// Each read of a kind is counted. While the reads of a kind are fewer than aheadThreshold, or
// fewer than a third of the users this process read (sparse: reading ahead would read mostly
// users nobody asks about), a read goes through the batcher (documents shared with the concurrent
// reads). Past that (dense), a read that misses reads that kind for the users this process read
// and has no answer of that kind for, in documents of 15 commands (at most maxPrefetchCmds
// commands at a time). Answers serve the reads until this process writes the user; an answer read
// before a write that started meanwhile is dropped (p.wgen); refusals are not kept, except
// "service not assigned" for Integrated IMP, which is an answer (IM&P off).

// A document the batcher sends with Integrated IMP (or call forwarding) reads of fewer than 15
// commands is filled up with the same reads of the users this process read most recently and has
// no answer of that kind for (fillServices): Terraform reads a user, then the resources that hang
// off it, so those are the reads likely to come next, and a fuller document costs the same request.

// maxPrefetchCmds bounds one prefetch (10 documents).
const maxPrefetchCmds = 150

// svcEntry is a user's Integrated IMP and call forwarding answers (nil: not read).
type svcEntry struct {
	imp ocip.Response
	cf  []ocip.Response
}

func (e *svcEntry) has(cf bool) bool {
	if e == nil {
		return false
	}
	if cf {
		return e.cf != nil
	}
	return e.imp != nil
}

type svcState struct {
	mu       sync.Mutex
	seen     []string             // users read by this process, in order
	seenSet  map[string]bool      // …as a set
	entries  map[string]*svcEntry // user id → services, until written
	flight   chan struct{}        // a prefetch in flight (nil: none)
	impReads int                  // reads of Integrated IMP
	cfReads  int                  // reads of call forwarding
}

func (s *svcState) init() {
	s.seenSet = map[string]bool{}
	s.entries = map[string]*svcEntry{}
}

// saw records a user read by this process (a candidate for the next prefetch).
func (p *Platform) saw(id string) {
	s := &p.svc
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.seenSet[id] {
		s.seenSet[id] = true
		s.seen = append(s.seen, id)
	}
}

// forgetServices drops user id's services (it was written).
func (p *Platform) forgetServices(id string) {
	s := &p.svc
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entries, id)
}

// wroteServices marks user id's services as written by this process: answers kept or in flight
// are not used (the user itself is unchanged: its UserGet answer stays).
func (p *Platform) wroteServices(id string) {
	p.forgetServices(id)
	p.mu.Lock()
	p.wgen[id]++
	p.mu.Unlock()
}

// cacheable tells whether an answer of the kind may be kept.
func cacheable(cf bool, resps []ocip.Response) bool {
	if cf && len(resps) != 3 || !cf && len(resps) != 1 {
		return false
	}
	for _, r := range resps {
		if err := ocip.Err(r); err != nil && (cf || ocip.Code(err) != codeServiceNotAssigned) {
			return false
		}
	}
	return true
}

// store keeps the answers got (user id → answers of the kind) read when the write counts were
// gens, for users not written since.
func (p *Platform) storeServices(cf bool, got map[string][]ocip.Response, gens map[string]uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &p.svc
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, resps := range got {
		if p.wgen[id] != gens[id] || !cacheable(cf, resps) {
			continue
		}
		e := s.entries[id]
		if e == nil {
			e = &svcEntry{}
			s.entries[id] = e
		}
		if cf {
			e.cf = resps
		} else {
			e.imp = resps[0]
		}
	}
}

func (p *Platform) gensOf(ids []string) map[string]uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]uint64, len(ids))
	for _, id := range ids {
		out[id] = p.wgen[id]
	}
	return out
}

func svcGets(id string, cf bool) []ocip.Request {
	if cf {
		return cfGets(id)
	}
	return []ocip.Request{ocip.UserIntegratedIMPGetRequest21sp1{UserId: id}}
}

// services returns user id's answers of the kind (call forwarding when cf, else Integrated IMP).
func (p *Platform) services(ctx context.Context, id string, cf bool) ([]ocip.Response, error) {
	s := &p.svc
	s.mu.Lock()
	if cf {
		s.cfReads++
	} else {
		s.impReads++
	}
	s.mu.Unlock()
	for {
		s.mu.Lock()
		if e := s.entries[id]; e.has(cf) {
			s.mu.Unlock()
			if cf {
				return e.cf, nil
			}
			return []ocip.Response{e.imp}, nil
		}
		if wait := s.flight; wait != nil {
			s.mu.Unlock()
			select {
			case <-wait:
				continue // look again: the prefetch may have brought it
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		reads, per := s.impReads, 1
		if cf {
			reads, per = s.cfReads, 3
		}
		if reads < aheadThreshold || reads*3 < len(s.seen) {
			s.mu.Unlock()
			return p.serviceOne(ctx, id, cf)
		}
		ids := []string{id}
		for _, u := range s.seen {
			if len(ids)*per >= maxPrefetchCmds {
				break
			}
			if u != id && !s.entries[u].has(cf) {
				ids = append(ids, u)
			}
		}
		done := make(chan struct{})
		s.flight = done
		s.mu.Unlock()

		resps, err := p.fetchServices(context.WithoutCancel(ctx), ids, cf)
		s.mu.Lock()
		s.flight = nil
		s.mu.Unlock()
		close(done)
		if err != nil {
			return nil, err
		}
		return resps, nil
	}
}

// serviceOne reads the kind of user id through the batcher.
func (p *Platform) serviceOne(ctx context.Context, id string, cf bool) ([]ocip.Response, error) {
	gens := p.gensOf([]string{id})
	reqs := svcGets(id, cf)
	resps := make([]ocip.Response, len(reqs))
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resps[i], errs[i] = p.batch.do(ctx, r)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil && resps[i] == nil { // not an answer (transport, context)
			return nil, convOCIP(err)
		}
	}
	p.storeServices(cf, map[string][]ocip.Response{id: resps}, gens)
	return resps, nil
}

// fetchServices reads the kind for ids (the client splits them into documents of 15), keeps the
// answers and returns those of ids[0].
func (p *Platform) fetchServices(ctx context.Context, ids []string, cf bool) ([]ocip.Response, error) {
	gens := p.gensOf(ids)
	var reqs []ocip.Request
	for _, id := range ids {
		reqs = append(reqs, svcGets(id, cf)...)
	}
	per := len(reqs) / len(ids)
	resps, err := p.oc.Do(ctx, reqs...)
	got := map[string][]ocip.Response{}
	for i := 0; i+per <= len(resps); i += per {
		got[ids[i/per]] = resps[i : i+per]
	}
	p.storeServices(cf, got, gens)
	if mine, ok := got[ids[0]]; ok {
		return mine, nil
	}
	if err != nil {
		return nil, convOCIP(err)
	}
	return nil, errShortReply
}

// fillServices is the batcher's fill: reads of the kind of the document's service reads (none for
// a document without them) for the users read most recently that lack an answer of that kind.
func (p *Platform) fillServices(reqs []ocip.Request, room int) ([]ocip.Request, func([]ocip.Response)) {
	in := map[string]bool{}
	imp, cf := false, false
	for _, r := range reqs {
		switch v := r.(type) {
		case ocip.UserIntegratedIMPGetRequest21sp1:
			imp, in[v.UserId] = true, true
		case ocip.UserCallForwardingAlwaysGetRequest:
			cf, in[v.UserId] = true, true
		case ocip.UserCallForwardingBusyGetRequest:
			cf, in[v.UserId] = true, true
		case ocip.UserCallForwardingNoAnswerGetRequest13mp16:
			cf, in[v.UserId] = true, true
		}
	}
	if !imp && !cf {
		return nil, nil
	}
	kindCF := !imp // IM&P first when both: one command each
	per := 1
	if kindCF {
		per = 3
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &p.svc
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for i := len(s.seen) - 1; i >= 0 && (len(ids)+1)*per <= room; i-- {
		u := s.seen[i]
		if in[u] || p.dirty[u] || s.entries[u].has(kindCF) {
			continue
		}
		ids = append(ids, u)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	gens := make(map[string]uint64, len(ids))
	var extra []ocip.Request
	for _, u := range ids {
		gens[u] = p.wgen[u]
		extra = append(extra, svcGets(u, kindCF)...)
	}
	return extra, func(resps []ocip.Response) {
		got := map[string][]ocip.Response{}
		for i := 0; i+per <= len(resps) && i/per < len(ids); i += per {
			got[ids[i/per]] = resps[i : i+per]
		}
		p.storeServices(kindCF, got, gens)
	}
}
