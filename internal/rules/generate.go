package rules

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"unicode/utf8"
)

// generateAttempts bounds the draws of GeneratePasscode and GeneratePassword; with any policy
// the API allows, a valid draw comes within a few attempts.
const generateAttempts = 10000

// PasscodeGenerateLength is the length GeneratePasscode aims for, clamped to the policy.
const PasscodeGenerateLength = 8

// PasswordSymbols are the non-alphanumeric characters GeneratePassword uses: none needs quoting
// in HCL, a shell or a URL form.
const PasswordSymbols = "!#%+-.:=?@_~"

const (
	passwordUpper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"  // no I, O
	passwordLower  = "abcdefghijkmnopqrstuvwxyz" // no l
	passwordDigits = "23456789"                  // no 0, 1
)

// GeneratePasscode returns a voicemail passcode drawn from rnd (crypto/rand.Reader when nil)
// that satisfies every rule of pol (CheckPasscode), of PasscodeGenerateLength digits clamped to
// pol's length range, and that is none of avoid (numbers or extensions: not equal to one, to a
// trailing part of a phone number, or to either reversed, whatever pol's Block* flags say).
func GeneratePasscode(pol PasscodePolicy, avoid []string, rnd io.Reader) (string, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	n := PasscodeGenerateLength
	if pol.MinLength > n {
		n = pol.MinLength
	}
	if pol.MaxLength > 0 && pol.MaxLength < n {
		n = pol.MaxLength
	}
	if n <= 0 {
		return "", errors.New("the passcode policy allows no length")
	}
	for range generateAttempts {
		b := make([]byte, n)
		for i := range b {
			d, err := randIndex(rnd, 10)
			if err != nil {
				return "", err
			}
			b[i] = byte('0' + d)
		}
		p := string(b)
		if PasscodeAvoids(p, pol, avoid) {
			return p, nil
		}
	}
	return "", fmt.Errorf("no passcode of %d digits satisfies the policy after %d attempts", n, generateAttempts)
}

// PasscodeAvoids reports whether p satisfies every rule of pol and is none of avoid, as
// GeneratePasscode promises: each avoid value is checked as an extension and as a phone number,
// reversed too.
func PasscodeAvoids(p string, pol PasscodePolicy, avoid []string) bool {
	if CheckPasscode(p, pol, PasscodeFacts{}) != nil {
		return false
	}
	strict := pol
	strict.BlockUserNumber, strict.BlockReversedUserNumber = true, true
	for _, a := range avoid {
		if strings.TrimSpace(a) == "" {
			continue
		}
		if CheckPasscode(p, strict, PasscodeFacts{Extension: a, PhoneNumber: a}) != nil {
			return false
		}
	}
	return true
}

// GeneratePassword returns a portal password of length characters (at least pol's minimum and
// 4) drawn from rnd (crypto/rand.Reader when nil), with an upper-case letter, a lower-case
// letter, a digit and one of PasswordSymbols, that contains none of avoid case-insensitively
// (words of 3 characters or more, as CheckPassword looks for names) and passes CheckPassword.
func GeneratePassword(pol PasscodePolicy, length int, avoid []string, rnd io.Reader) (string, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	length = max(length, pol.PasswordMinLength, 4)
	all := passwordUpper + passwordLower + passwordDigits + PasswordSymbols
	for range generateAttempts {
		b := make([]byte, length)
		// one of each class, then any, then shuffled
		for i, set := range []string{passwordUpper, passwordLower, passwordDigits, PasswordSymbols} {
			c, err := pick(rnd, set)
			if err != nil {
				return "", err
			}
			b[i] = c
		}
		for i := 4; i < length; i++ {
			c, err := pick(rnd, all)
			if err != nil {
				return "", err
			}
			b[i] = c
		}
		for i := length - 1; i > 0; i-- {
			j, err := randIndex(rnd, i+1)
			if err != nil {
				return "", err
			}
			b[i], b[j] = b[j], b[i]
		}
		pw := string(b)
		if PasswordAvoids(pw, pol, avoid) {
			return pw, nil
		}
	}
	return "", fmt.Errorf("no password of %d characters avoids the given words after %d attempts", length, generateAttempts)
}

// PasswordAvoids reports whether pw passes CheckPassword and contains none of avoid
// (case-insensitively; words shorter than 3 characters are ignored, as for names).
func PasswordAvoids(pw string, pol PasscodePolicy, avoid []string) bool {
	if CheckPasswordStrength(pw, pol) != nil {
		return false
	}
	for _, a := range avoid {
		if utf8.RuneCountInString(strings.TrimSpace(a)) < nameMinLength {
			continue
		}
		if CheckPassword(pw, pol, PasswordFacts{FirstName: a}) != nil {
			return false
		}
	}
	return true
}

func pick(rnd io.Reader, set string) (byte, error) {
	i, err := randIndex(rnd, len(set))
	if err != nil {
		return 0, err
	}
	return set[i], nil
}

// randIndex returns a uniform integer in [0, n) from rnd.
func randIndex(rnd io.Reader, n int) (int, error) {
	v, err := rand.Int(rnd, big.NewInt(int64(n)))
	if err != nil {
		return 0, fmt.Errorf("random source: %w", err)
	}
	return int(v.Int64()), nil
}
