package broadworks

import (
	"context"
	"sync"

	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
)

// Services prefetch: a refresh reads every user first (ucprov_user), then the resources that hang
// off them. The first IM&P or call forwarding read of a refresh therefore reads the services
// (Integrated IMP and the three call forwarding services: four commands) of every user this process
// has read and not yet fetched them for, in documents of 15 commands, instead of one small
// document per resource. The answers serve the reads until this process writes the user.

// maxPrefetchUsers bounds one prefetch (40 documents).
const maxPrefetchUsers = 150

// svcEntry is a user's Integrated IMP and call forwarding answers (an *ocip.Error when refused).
type svcEntry struct {
	imp ocip.Response
	cf  []ocip.Response
}

type svcState struct {
	mu      sync.Mutex
	seen    []string             // users read by this process, in order
	seenSet map[string]bool      // …as a set
	entries map[string]*svcEntry // user id → services, until written
	flight  chan struct{}        // a prefetch in flight (nil: none)
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

// forget drops user id's services (it was written).
func (p *Platform) forgetServices(id string) {
	s := &p.svc
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entries, id)
}

// services returns user id's services, prefetching those of the users seen with them.
func (p *Platform) services(ctx context.Context, id string) (*svcEntry, error) {
	s := &p.svc
	for {
		s.mu.Lock()
		if e, ok := s.entries[id]; ok {
			s.mu.Unlock()
			return e, nil
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
		ids := []string{id}
		for _, u := range s.seen {
			if len(ids) >= maxPrefetchUsers {
				break
			}
			if _, ok := s.entries[u]; !ok && u != id {
				ids = append(ids, u)
			}
		}
		done := make(chan struct{})
		s.flight = done
		s.mu.Unlock()

		got, err := p.fetchServices(ctx, ids)
		s.mu.Lock()
		for u, e := range got {
			s.entries[u] = e
		}
		s.flight = nil
		s.mu.Unlock()
		close(done)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		e := s.entries[id]
		s.mu.Unlock()
		if e == nil {
			return nil, errShortReply
		}
		return e, nil
	}
}

// fetchServices reads the services of ids (four commands each; the client splits them into
// documents of 15).
func (p *Platform) fetchServices(ctx context.Context, ids []string) (map[string]*svcEntry, error) {
	var reqs []ocip.Request
	for _, id := range ids {
		reqs = append(reqs, ocip.UserIntegratedIMPGetRequest21sp1{UserId: id})
		reqs = append(reqs, cfGets(id)...)
	}
	resps, err := p.oc.Do(ctx, reqs...)
	out := map[string]*svcEntry{}
	for i := 0; i+3 < len(resps); i += 4 {
		out[ids[i/4]] = &svcEntry{imp: resps[i], cf: resps[i+1 : i+4]}
	}
	if err != nil {
		return out, convOCIP(err)
	}
	return out, nil
}
