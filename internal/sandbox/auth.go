package sandbox

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// principal is the caller: the holder of a bearer token.
type principal struct {
	// tokenID identifies the token (sha256 of it, hex) without holding the secret; it scopes
	// idempotency keys.
	tokenID string
	// enterpriseID is the enterprise of an enterprise-admin token, "" for a service-provider token.
	enterpriseID string
}

// serviceProvider reports whether the principal sees every enterprise.
func (p principal) serviceProvider() bool { return p.enterpriseID == "" }

// canSee reports whether an object of enterprise ent is within the principal's reach.
func (p principal) canSee(ent string) bool { return p.serviceProvider() || p.enterpriseID == ent }

// principalFrom returns the authenticated caller of a request.
func principalFrom(ctx context.Context) principal {
	p, _ := ctx.Value(ctxPrincipal).(principal)
	return p
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// authenticate resolves the bearer token to a principal, else 401 unauthorized.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ucprov"`)
			writeError(w, r, http.StatusUnauthorized, codeUnauthorized, "", "missing bearer token")
			return
		}
		p, found, err := s.lookupToken(r.Context(), token)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !found {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ucprov", error="invalid_token"`)
			writeError(w, r, http.StatusUnauthorized, codeUnauthorized, "", "unknown bearer token")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxPrincipal, p)))
	})
}

// requireServiceProvider lets only the service-provider admin token through (after authenticate):
// the sandbox's state-changing knobs. An enterprise-admin token gets 404 not_found, as for any
// object outside its reach (the demo seed's tokens are published, so they must not work here).
func requireServiceProvider(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !principalFrom(r.Context()).serviceProvider() {
			writeError(w, r, http.StatusNotFound, codeNotFound, "", "sandbox knobs need the service-provider admin token")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// lookupToken finds the principal of a token: the service-provider admin token (in memory) or an
// enterprise-admin token (stored hashed in the tokens table).
func (s *Server) lookupToken(ctx context.Context, token string) (principal, bool, error) {
	h := tokenHash(token)
	if subtle.ConstantTimeCompare([]byte(token), []byte(s.adminToken)) == 1 {
		return principal{tokenID: h}, true, nil
	}
	var ent sql.NullString
	err := s.q(ctx).QueryRowContext(ctx, `SELECT enterprise_id FROM tokens WHERE token_sha256 = ?`, h).Scan(&ent)
	if errors.Is(err, sql.ErrNoRows) {
		return principal{}, false, nil
	}
	if err != nil {
		return principal{}, false, fmt.Errorf("look up token: %w", err)
	}
	return principal{tokenID: h, enterpriseID: ent.String}, true, nil
}

// authorizeEnterprise returns nil when enterprise ent exists and is within the caller's reach,
// else 404 not_found.
func (s *Server) authorizeEnterprise(ctx context.Context, q querier, ent string) error {
	p := principalFrom(ctx)
	if !p.canSee(ent) {
		return errNotFound("enterprise not found")
	}
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM enterprises WHERE id = ?`, ent).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return errNotFound("enterprise not found")
	}
	if err != nil {
		return fmt.Errorf("look up enterprise: %w", err)
	}
	return nil
}

// authorizeUser loads user id when it exists and is within the caller's reach, else 404.
func (s *Server) authorizeUser(ctx context.Context, q querier, id string) (*user, error) {
	u, err := loadUser(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if u == nil || !principalFrom(ctx).canSee(u.EnterpriseID) {
		return nil, errNotFound("user not found")
	}
	return u, nil
}

// authorizeGroup loads group id when it exists and is within the caller's reach, else 404.
func (s *Server) authorizeGroup(ctx context.Context, q querier, id string) (*group, error) {
	g, err := loadGroup(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if g == nil || !principalFrom(ctx).canSee(g.EnterpriseID) {
		return nil, errNotFound("group not found")
	}
	return g, nil
}
