package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

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

// hashSecret returns the PHC string of an argon2id hash of secret with a random salt:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key> (base64 without padding).
func hashSecret(secret string) string {
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

// verifySecret reports whether secret matches a stored hash: an argon2id PHC string, or (a
// database written by an older sandbox) the salted SHA-256 of rules.HashPasscode with salt.
func verifySecret(salt, stored, secret string) bool {
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
