package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// argon2Params are the cost parameters of an argon2id hash.
type argon2Params struct {
	memoryKiB, time uint32
	threads         uint8
}

// secretKDF is the cost of new hashes: OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane),
// about 30 ms here. A 6-digit passcode space then takes hours per user, not half a second.
var secretKDF = argon2Params{memoryKiB: 19 * 1024, time: 2, threads: 1}

const argon2KeyLen = 32

// kdfHash returns the PHC string of an argon2id hash of secret with a random salt:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key> (base64 without padding). It is the uncapped
// primitive: handlers call Server.hashSecret.
func kdfHash(secret string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(fmt.Errorf("crypto/rand: %w", err)) // never happens on supported platforms
	}
	p := secretKDF
	key := argon2.IDKey([]byte(secret), salt, p.time, p.memoryKiB, p.threads, argon2KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memoryKiB, p.time, p.threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// parseArgon2id splits a PHC argon2id string into its parameters, salt and key.
func parseArgon2id(encoded string) (argon2Params, bool) {
	p, _, _, ok := splitArgon2id(encoded)
	return p, ok
}

func splitArgon2id(encoded string) (p argon2Params, salt, key []byte, ok bool) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memoryKiB, &p.time, &p.threads); err != nil ||
		p.memoryKiB == 0 || p.time == 0 || p.threads == 0 || p.memoryKiB > 1<<20 || p.time > 16 {
		return p, nil, nil, false
	}
	var err1, err2 error
	salt, err1 = base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 = base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 {
		return p, nil, nil, false
	}
	return p, salt, key, true
}

// kdfVerify reports whether secret matches a stored hash: an argon2id PHC string, or (a
// database written by an older sandbox) the salted SHA-256 of rules.HashPasscode with salt. It is
// the uncapped primitive: handlers call Server.verifySecret.
func kdfVerify(salt, stored, secret string) bool {
	if strings.HasPrefix(stored, "$argon2id$") {
		p, s, key, ok := splitArgon2id(stored)
		if !ok {
			return false
		}
		got := argon2.IDKey([]byte(secret), s, p.time, p.memoryKiB, p.threads, uint32(len(key)))
		return subtle.ConstantTimeCompare(got, key) == 1
	}
	return subtle.ConstantTimeCompare([]byte(rules.HashPasscode(salt, secret)), []byte(stored)) == 1
}

// errHashesBusy: every argon2id slot stayed taken for hashWait. The REST front-end answers
// it with 503 service_unavailable and Retry-After (failSecret); another front-end maps it to its
// own "busy, retry" answer.
var errHashesBusy = errors.New("too many secrets are being hashed: retry later")

// hashLimiter caps the argon2id computations in flight (each holds 19 MiB for about 30 ms), so
// that a burst of secret writes cannot exhaust memory or CPU. It is set up on first use from
// Options.MaxConcurrentHashes.
type hashLimiter struct {
	once  sync.Once
	slots chan struct{}
	wait  atomic.Int64 // time.Duration a request waits for a slot before errHashesBusy (0 = hashWait)

	computed atomic.Int64 // argon2id computations done (hashes and verifications)
	inUse    atomic.Int64
	peak     atomic.Int64 // the most computations ever in flight at once
}

// hashWait is how long a secret write waits for an argon2id slot (within its request context).
const hashWait = 5 * time.Second

// acquireHash takes an argon2id slot, waiting up to hashWait and no longer than ctx; the caller
// must call release once the computation is done.
func (s *Server) acquireHash(ctx context.Context) (release func(), err error) {
	l := &s.hashes
	l.once.Do(func() {
		n := s.opts.MaxConcurrentHashes
		if n <= 0 {
			n = runtime.GOMAXPROCS(0)
		}
		l.slots = make(chan struct{}, n)
	})
	wait := time.Duration(l.wait.Load())
	if wait <= 0 {
		wait = hashWait
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for a hash slot: %w", ctx.Err())
	case <-timer.C:
		return nil, errHashesBusy
	}
	n := l.inUse.Add(1)
	for p := l.peak.Load(); n > p && !l.peak.CompareAndSwap(p, n); p = l.peak.Load() {
	}
	return func() {
		l.computed.Add(1)
		l.inUse.Add(-1)
		<-l.slots
	}, nil
}

// hashSecret is the one way a front-end of the emulator hashes a secret (a voicemail passcode, a
// portal password, any write-only value it stores): the argon2id hash of kdfHash, computed
// under the cap on concurrent hashes (Options.MaxConcurrentHashes; a request waits up to
// hashWait, then gets errHashesBusy; ctx ending stops the wait).
//
// Every front-end (REST, OCI-P, Webex, …) must authorise the caller for the object BEFORE calling
// it, in this order in every secret route: decode the request, authorise (an unknown token, or
// an object outside the caller's reach, is refused without any hash), hashSecret outside any
// write transaction, then in the write transaction authorise again, check the rules and store.
// A caller that may not write the object must never cost the emulator a hash.
func (s *Server) hashSecret(ctx context.Context, secret string) (string, error) {
	release, err := s.acquireHash(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return kdfHash(secret), nil
}

// verifySecret reports whether secret matches a stored hash (kdfVerify), an argon2id one under
// the same cap as hashSecret (the legacy salted SHA-256 is cheap and needs no slot). The same
// rule applies: authorise first.
func (s *Server) verifySecret(ctx context.Context, salt, stored, secret string) (bool, error) {
	if !strings.HasPrefix(stored, "$argon2id$") {
		return kdfVerify(salt, stored, secret), nil
	}
	release, err := s.acquireHash(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return kdfVerify(salt, stored, secret), nil
}

// failSecret writes err of a REST secret route: errHashesBusy as 503 service_unavailable with
// Retry-After (the clients retry it: nothing was written), anything else as s.fail does.
func (s *Server) failSecret(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errHashesBusy) {
		w.Header().Set("Retry-After", "1")
		writeError(w, r, http.StatusServiceUnavailable, codeUnavailable, "", errHashesBusy.Error())
		return
	}
	s.fail(w, r, err)
}
