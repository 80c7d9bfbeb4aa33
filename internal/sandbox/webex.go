package sandbox

// The Webex front-end: the same store and rules as the reference contract, served in the wire
// formats of Cisco's published Webex APIs (api/specs/webex) under /v1 on the same listener, so that
// a client configured with base_url http://127.0.0.1:PORT/v1 talks to it as to webexapis.com/v1.
//
// Routes (webexRoutes): Webex for BroadWorks (webex_broadworks.go), Webex for Wholesale
// (webex_wholesale.go), Webex Calling in the customer organisation (webex_calling.go) and the
// OAuth token endpoint (this file). None clashes with api/openapi.yaml's /v1 paths (enterprises,
// groups, users, jobs).
//
// How the store is named here (platforms.go):
//   - Webex ids are what Webex ids look like: base64url (no padding) of
//     "ciscospark://us/<KIND>/<row id>", KIND SUBSCRIBER and PEOPLE for a user (a subscriber is the
//     activation of a user, a person is the user), ENTERPRISE and CUSTOMER for an enterprise,
//     LOCATION for a group, JOB for a job; an organisation's orgId is enterprises.webex_org_id
//     (the demo seed sets it; an enterprise without one gets
//     base64url("ciscospark://us/ORGANIZATION/<enterprise id>") the first time it is shown);
//   - the BroadWorks userId of a subscriber is users.bw_user_id; spEnterpriseId is the enterprise id.
//
// Emulator choices (not public, so not taken from a spec):
//   - tokens (webex_tokens) carry scopes and the enterprises they may see ("" = every enterprise:
//     a partner token); an enterprise out of reach answers 404 as if it did not exist; a missing
//     scope answers 403 naming the scope. Every route needs one scope, listed in webexRoutes (the
//     activation-email job needs spark-admin:people_write as its spec says);
//   - the OAuth client table (webex_oauth_clients), the refresh token never rotating, and access
//     tokens living Options.WebexTokenLifetime (default 1 h; expires_in in the answer);
//   - error codes: the specs give 1001 (null parameter), 1002 (invalid parameter size) and 10022
//     (userId already has a subscriber); every other error carries no errorCode, except a
//     subscriber's errors[] in status error, where 10010 is an email that belongs to a Webex
//     account of another organisation and 10000 any other failure;
//   - size limits (webexLimits): userId 161, names 64, email 254, provisioningId 256;
//   - statuses: a subscriber created by a Webex front-end whose email is an account of another
//     organisation (external_webex_accounts) rests in pending_user_migration until
//     POST /v1/subscribers/{id}/emails/consentMove (the account moves in: it leaves
//     external_webex_accounts); one made by the reference contract goes to error/email_conflict as
//     before. A PUT that changes a provisioned subscriber moves it to updating, and the next worker
//     tick to provisioned. A queued activation shows as pending_email_validation (with an email)
//     or pending_email_input;
//   - the BroadWorks subscriber shows the store's number and extension (BroadWorks owns them);
//     primaryPhoneNumber and extension of a POST or PUT are checked, not applied. firstName,
//     lastName, email and mobilePhoneNumber are applied to the user;
//   - wholesale subscriber status is pending_user_migration or provisioned (the spec's two
//     values) with errors[] when the activation failed; the person's invitePending is true until
//     the activation is provisioned;
//   - paging: Link rel="next" with cursor (opaque) for BroadWorks lists, people and locations,
//     offset for wholesale lists, start for telephony numbers; an oversize max gets the
//     endpoint's maximum;
//   - directory sync: enableDirSync defaults to true; the 24 h hold of dirsync.go answers 409;
//     syncStatus is NOT_SYNCED, IN_PROGRESS, COMPLETE or FAILED;
//   - a person created without locationId is placed in the enterprise's first group (users need
//     one); new people need firstName and lastName;
//   - the activation-email job counts sent/skipped/failed as the reference invitations job does;
//     its errors are the users of the job that had no email (as of now);
//   - packages: Webex for BroadWorks softphone, basic, standard, premium are the store's
//     webex_voice, webex_calling, webex_meetings, webex_suite; wholesale provisions those four
//     (cx_essentials, webex_calling_standard, … are refused with 400);
//   - a wholesale DELETE removes the person too (User Hub's "delete user"); moving a subscriber
//     or person to another location, alternate numbers, forwarding to voicemail and business
//     continuity are not emulated (400);
//   - the precheck (…/subscribers/validate) answers infoCode 101 for an email of a Webex
//     account of another organisation (the consent flow will apply), 409 for an email of another
//     user of the partner;
//   - a number's emergency address is the E911 address of the user it is assigned to (400 for an
//     unassigned number); the lookup answers {"addresses": [normalised address]};
//   - Manage Number State in a location applies a list all or nothing: a number that is not the
//     location's refuses the whole request (400 naming it) and changes none; ACTIVATE of an
//     active number is accepted (the provider's client depends on neither: it sends a refused
//     batch again number by number and takes a number that reads active as activated);
//   - a request under a Webex path prefix that no route serves gets a Webex 404 (405 with Allow
//     when another method of the path is served);
//   - flow-through provisioning (flowThroughSubscribe) creates a basic subscriber with
//     provisioningId "flow-through" when the OCI-P front-end enables Integrated IM&P on a user
//     with an email.
//
// Faults, latency and the rate limit apply to these routes as to the reference ones, with Webex
// error bodies (429 with Retry-After).

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// webexSchema: Webex tokens and OAuth clients, the Webex-only fields of subscribers, the
// directory sync switch, and the activation statuses of the Webex APIs (SQLite cannot change a
// CHECK, so activations is rebuilt).
const webexSchema = `
CREATE TABLE webex_tokens (
	token_sha256   TEXT PRIMARY KEY,
	label          TEXT NOT NULL,
	scopes         TEXT NOT NULL,            -- space-separated
	enterprise_ids TEXT NOT NULL DEFAULT '', -- space-separated; '' = every enterprise
	expires_unix   INTEGER NOT NULL DEFAULT 0 -- unix seconds (Options.Now); 0 = never
);
CREATE TABLE webex_oauth_clients (
	client_id      TEXT PRIMARY KEY,
	secret_sha256  TEXT NOT NULL,
	refresh_sha256 TEXT NOT NULL,
	scopes         TEXT NOT NULL,
	enterprise_ids TEXT NOT NULL DEFAULT ''
);
CREATE TABLE webex_subscribers (
	user_id         TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	front_end       TEXT NOT NULL CHECK (front_end IN ('broadworks', 'wholesale')),
	provisioning_id TEXT NOT NULL DEFAULT '',
	language        TEXT NOT NULL DEFAULT '',
	timezone        TEXT NOT NULL DEFAULT ''
);
-- The Webex Calling location of a group: its address (a group without a row has none).
CREATE TABLE webex_locations (
	group_id    TEXT PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
	address1    TEXT NOT NULL DEFAULT '',
	address2    TEXT NOT NULL DEFAULT '',
	city        TEXT NOT NULL DEFAULT '',
	state       TEXT NOT NULL DEFAULT '',
	postal_code TEXT NOT NULL DEFAULT '',
	country     TEXT NOT NULL DEFAULT '',
	language    TEXT NOT NULL DEFAULT 'en_us'
);
-- Numbers activated through PUT /telephony/config/locations/{id}/numbers (ACTIVATE) before or
-- without a user: a user who gets one has it active.
CREATE TABLE webex_active_numbers (
	phone_number TEXT PRIMARY KEY REFERENCES numbers(phone_number) ON DELETE CASCADE
);
-- Emergency addresses of numbers set through /telephony/pstn/numbers/{number}/emergencyAddress
-- live in e911_addresses of the number's user; a number without a user has none.
CREATE TABLE webex_dirsync (
	enterprise_id TEXT PRIMARY KEY REFERENCES enterprises(id) ON DELETE CASCADE,
	enabled       INTEGER NOT NULL CHECK (enabled IN (0, 1))
);
CREATE TABLE activations_v2 (
	user_id               TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	status                TEXT NOT NULL CHECK (status IN ('queued', 'pending_email_input',
	                          'pending_email_validation', 'pending_user_migration', 'provisioning', 'provisioned',
	                          'updating', 'error')),
	package               TEXT NOT NULL CHECK (package IN ('webex_calling', 'webex_suite', 'webex_meetings', 'webex_voice')),
	send_activation_email INTEGER NOT NULL DEFAULT 0,
	email_subject         TEXT NOT NULL DEFAULT '',
	email_body            TEXT NOT NULL DEFAULT '',
	error_code            TEXT NOT NULL DEFAULT '',
	error_text            TEXT NOT NULL DEFAULT '',
	job_id                TEXT NOT NULL,
	created_at            TEXT NOT NULL,
	updated_at            TEXT NOT NULL,
	invitations_sent      INTEGER NOT NULL DEFAULT 0,
	last_invited_at       TEXT NOT NULL DEFAULT '',
	accepted_email        TEXT NOT NULL DEFAULT ''
);
INSERT INTO activations_v2 SELECT user_id, status, package, send_activation_email, email_subject, email_body,
	error_code, error_text, job_id, created_at, updated_at, invitations_sent, last_invited_at, accepted_email
	FROM activations;
DROP TABLE activations;
ALTER TABLE activations_v2 RENAME TO activations;
CREATE INDEX activations_job ON activations(job_id);
`

// The activation statuses that only the Webex front-ends produce.
const (
	activationPendingUserMigration = "pending_user_migration"
	activationUpdating             = "updating"
)

// Webex scopes (WEBEX.md section 0).
const (
	ScopeBroadWorksSubscribersRead  = "spark-admin:broadworks_subscribers_read"
	ScopeBroadWorksSubscribersWrite = "spark-admin:broadworks_subscribers_write"
	ScopeBroadWorksEnterprisesRead  = "spark-admin:broadworks_enterprises_read"
	ScopeBroadWorksEnterprisesWrite = "spark-admin:broadworks_enterprises_write"
	ScopeWholesaleCustomersRead     = "spark-admin:wholesale_customers_read"
	ScopeWholesaleSubscribersRead   = "spark-admin:wholesale_subscribers_read"
	ScopeWholesaleSubscribersWrite  = "spark-admin:wholesale_subscribers_write"
	ScopePeopleRead                 = "spark-admin:people_read"
	ScopePeopleWrite                = "spark-admin:people_write"
	ScopeLocationsRead              = "spark-admin:locations_read"
	ScopeTelephonyConfigRead        = "spark-admin:telephony_config_read"
	ScopeTelephonyConfigWrite       = "spark-admin:telephony_config_write"
	ScopeTelephonyPSTNRead          = "spark-admin:telephony_pstn_read"
	ScopeTelephonyPSTNWrite         = "spark-admin:telephony_pstn_write"
)

// WebexScopes is every scope the emulator knows (the demo partner token has them all).
var WebexScopes = []string{
	ScopeBroadWorksSubscribersRead, ScopeBroadWorksSubscribersWrite,
	ScopeBroadWorksEnterprisesRead, ScopeBroadWorksEnterprisesWrite,
	ScopeWholesaleCustomersRead, ScopeWholesaleSubscribersRead, ScopeWholesaleSubscribersWrite,
	ScopePeopleRead, ScopePeopleWrite, ScopeLocationsRead,
	ScopeTelephonyConfigRead, ScopeTelephonyConfigWrite, ScopeTelephonyPSTNRead, ScopeTelephonyPSTNWrite,
}

// defaultWebexTokenLifetime is the lifetime of an access token from POST /v1/access_token when
// Options.WebexTokenLifetime is 0.
const defaultWebexTokenLifetime = time.Hour

// Webex error codes the specs give.
const (
	webexCodeNullParameter        = 1001
	webexCodeInvalidParameterSize = 1002
	webexCodeUserIDInUse          = 10022
	// Emulator choices (a subscriber's errors[] in status error).
	webexCodeEmailConflict = 10010
	webexCodeProvisioning  = 10000
)

// webexError is an error answered with a Webex error body.
type webexError struct {
	Status  int
	Message string
	Code    int // errorCode of errors[0]; 0 = none
}

func (e *webexError) Error() string { return fmt.Sprintf("%d: %s", e.Status, e.Message) }

func wxErr(status int, msg string) *webexError { return &webexError{Status: status, Message: msg} }

func wxBadRequest(msg string) *webexError { return wxErr(http.StatusBadRequest, msg) }

func wxNotFound(msg string) *webexError { return wxErr(http.StatusNotFound, msg) }

// wxNull is 1001: a required parameter is missing.
func wxNull(param string) *webexError {
	return &webexError{Status: http.StatusBadRequest, Message: "Null Parameter: " + param, Code: webexCodeNullParameter}
}

// wxSize is 1002: a parameter is too long.
func wxSize(param string) *webexError {
	return &webexError{Status: http.StatusBadRequest, Message: "Invalid Parameter Size: " + param, Code: webexCodeInvalidParameterSize}
}

// webexLimits are the parameter size limits (emulator choices: BroadWorks' userId limit, RFC
// 5321's path limit for email).
var webexLimits = map[string]int{
	"userId": 161, "firstName": 64, "lastName": 64, "email": 254, "provisioningId": 256,
	"spEnterpriseId": 161, "primaryPhoneNumber": 23, "mobilePhoneNumber": 23, "extension": 10,
	"language": 16, "timezone": 64,
}

// checkSize answers 1002 when value is longer than the parameter's limit.
func checkSize(param, value string) error {
	if n, ok := webexLimits[param]; ok && len(value) > n {
		return wxSize(param)
	}
	return nil
}

// webexErrorBody is the Webex error body (webex-admin.json ErrorResponse).
type webexErrorBody struct {
	Message    string             `json:"message"`
	Errors     []webexErrorDetail `json:"errors"`
	TrackingID string             `json:"trackingId"`
}

type webexErrorDetail struct {
	ErrorCode   int    `json:"errorCode,omitempty"`
	Description string `json:"description"`
}

func writeWebexError(w http.ResponseWriter, r *http.Request, status int, code int, msg string) {
	writeJSON(w, status, webexErrorBody{Message: msg, Errors: []webexErrorDetail{{ErrorCode: code, Description: msg}},
		TrackingID: trackingID(r.Context())})
}

// wxFail writes err as a Webex error: a *webexError as is, a reference *apiError translated
// (its status and message), anything else a logged 500.
func (s *Server) wxFail(w http.ResponseWriter, r *http.Request, err error) {
	var we *webexError
	if errors.As(err, &we) {
		writeWebexError(w, r, we.Status, we.Code, we.Message)
		return
	}
	if errors.Is(err, errHashesBusy) {
		w.Header().Set("Retry-After", "1")
		writeWebexError(w, r, http.StatusServiceUnavailable, 0, errHashesBusy.Error())
		return
	}
	var ae *apiError
	if errors.As(err, &ae) {
		status := ae.Status
		if status == http.StatusUnprocessableEntity { // Webex answers a rule it refuses with 400
			status = http.StatusBadRequest
		}
		msg := ae.Message
		if ae.Field != "" && !strings.Contains(msg, ae.Field) {
			msg = ae.Field + ": " + msg
		}
		writeWebexError(w, r, status, 0, msg)
		return
	}
	s.log.ErrorContext(r.Context(), "internal error", "pattern", r.Pattern, "trackingId", trackingID(r.Context()), "error", err)
	writeWebexError(w, r, http.StatusInternalServerError, 0, "Internal Server Error")
}

// wxPrincipal is the holder of a Webex token.
type wxPrincipal struct {
	tokenID     string
	scopes      []string
	enterprises []string // nil = every enterprise
}

func (p wxPrincipal) canSee(ent string) bool {
	return p.enterprises == nil || slices.Contains(p.enterprises, ent)
}

const ctxWebexPrincipal ctxKey = 100

func wxPrincipalFrom(ctx context.Context) wxPrincipal {
	p, _ := ctx.Value(ctxWebexPrincipal).(wxPrincipal)
	return p
}

// wxRoute is one Webex operation: its pattern (with /v1) and the scope it needs ("a|b": either;
// "" = none: the token endpoint).
type wxRoute struct {
	pattern string
	scope   string
	handler http.HandlerFunc
}

// webexRoutes is the route table of the Webex front-end.
func (s *Server) webexRoutes() []wxRoute {
	var rs []wxRoute
	rs = append(rs, wxRoute{pattern: "POST /v1/access_token", handler: s.wxAccessToken})
	rs = append(rs, s.wxBroadWorksRoutes()...)
	rs = append(rs, s.wxWholesaleRoutes()...)
	rs = append(rs, s.wxCallingRoutes()...)
	return rs
}

// webexPrefixes are the path prefixes of the Webex front-end: a request under one of them that
// no route matches gets a Webex error body (404, or 405 when another method of the path is
// served) instead of the reference contract's.
var webexPrefixes = []string{"/v1/broadworks/", "/v1/wholesale/", "/v1/people", "/v1/people/", "/v1/locations",
	"/v1/locations/", "/v1/telephony/", "/v1/identity/", "/v1/subscribers/", "/v1/access_token"}

// webexFallback answers a request under webexPrefixes that no route matches.
func (s *Server) webexFallback() http.Handler {
	return s.logRequests(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allowed []string
		for _, rt := range s.webexRoutes() {
			m, p, _ := strings.Cut(rt.pattern, " ")
			if m != r.Method && routePathMatches(p, r.URL.Path) && !slices.Contains(allowed, m) {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			slices.Sort(allowed)
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeWebexError(w, r, http.StatusMethodNotAllowed, 0, "Method Not Allowed: "+r.Method+" "+r.URL.Path)
			return
		}
		writeWebexError(w, r, http.StatusNotFound, 0, "Not Found: "+r.Method+" "+r.URL.Path)
	}))
}

// routePathMatches matches a route path ({name} segments) against a request path.
func routePathMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if strings.HasPrefix(ps[i], "{") {
			if xs[i] == "" {
				return false
			}
		} else if ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// wrapWebex builds the chain of a Webex route, outermost first: metrics → logging → latency →
// rate limit → faults → bearer token and scope → handler (no Idempotency-Key: Webex has none).
func (s *Server) wrapWebex(rt wxRoute) http.Handler {
	var h http.Handler = rt.handler
	if rt.scope != "" {
		h = s.wxAuthenticate(rt.scope, h)
	}
	h = s.wxFaults(h)
	h = s.wxRateLimit(h)
	h = s.addLatency(h)
	h = s.logRequests(h)
	h = s.countRequests(h)
	return h
}

// wxAuthenticate resolves the bearer token (401 without one or with one the emulator does not
// know or that expired) and checks the route's scope (403 naming it).
func (s *Server) wxAuthenticate(scope string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="webex"`)
			writeWebexError(w, r, http.StatusUnauthorized, 0, "The request requires a valid access token set in the Authorization request header.")
			return
		}
		p, found, err := s.lookupWebexToken(r.Context(), token)
		if err != nil {
			s.wxFail(w, r, err)
			return
		}
		if !found {
			w.Header().Set("WWW-Authenticate", `Bearer realm="webex", error="invalid_token"`)
			writeWebexError(w, r, http.StatusUnauthorized, 0, "The request requires a valid access token set in the Authorization request header.")
			return
		}
		if !hasAnyScope(p.scopes, scope) {
			writeWebexError(w, r, http.StatusForbidden, 0, "The access token is missing the scope "+
				strings.ReplaceAll(scope, "|", " or ")+".")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxWebexPrincipal, p)))
	})
}

// hasAnyScope reports whether scopes has one of want ("a|b": either).
func hasAnyScope(scopes []string, want string) bool {
	for _, w := range strings.Split(want, "|") {
		if slices.Contains(scopes, w) {
			return true
		}
	}
	return false
}

// lookupWebexToken finds a token that has not expired.
func (s *Server) lookupWebexToken(ctx context.Context, token string) (wxPrincipal, bool, error) {
	h := tokenHash(token)
	var scopes, ents string
	var expires int64
	err := s.db.QueryRowContext(ctx, `SELECT scopes, enterprise_ids, expires_unix FROM webex_tokens WHERE token_sha256 = ?`, h).
		Scan(&scopes, &ents, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return wxPrincipal{}, false, nil
	}
	if err != nil {
		return wxPrincipal{}, false, fmt.Errorf("look up webex token: %w", err)
	}
	if expires != 0 && s.now().Unix() >= expires {
		return wxPrincipal{}, false, nil
	}
	p := wxPrincipal{tokenID: h, scopes: strings.Fields(scopes)}
	if ents != "" {
		p.enterprises = strings.Fields(ents)
	}
	return p, true, nil
}

// WebexToken describes a Webex access token for AddWebexToken.
type WebexToken struct {
	Token       string   // the bearer token
	Label       string   // for people reading the database
	Scopes      []string // e.g. ScopeBroadWorksSubscribersRead
	Enterprises []string // the enterprises it may see; nil = every enterprise (a partner token)
	ExpiresAt   time.Time
}

// AddWebexToken stores a Webex token (a test knob; the demo seed adds DemoWebexToken).
func (s *Server) AddWebexToken(t WebexToken) error {
	if t.Token == "" {
		return errors.New("webex token: empty token")
	}
	ctx := context.Background()
	return s.tx(ctx, func(tx *sql.Tx) error { return s.insertWebexToken(ctx, tx, t) })
}

func (s *Server) insertWebexToken(ctx context.Context, tx *sql.Tx, t WebexToken) error {
	var exp int64
	if !t.ExpiresAt.IsZero() {
		exp = t.ExpiresAt.Unix()
	}
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO webex_tokens (token_sha256, label, scopes, enterprise_ids, expires_unix)
		VALUES (?, ?, ?, ?, ?)`, tokenHash(t.Token), nonEmpty(t.Label, "webex token"), strings.Join(t.Scopes, " "),
		strings.Join(t.Enterprises, " "), exp)
	if err != nil {
		return fmt.Errorf("store webex token: %w", err)
	}
	return nil
}

// WebexOAuthClient is an OAuth integration for POST /v1/access_token (grant_type=refresh_token).
type WebexOAuthClient struct {
	ClientID     string
	ClientSecret string
	RefreshToken string
	Scopes       []string
	Enterprises  []string // nil = every enterprise
}

// AddWebexOAuthClient stores an OAuth client whose refresh token buys access tokens with its
// scopes (a test knob; the demo seed adds DemoWebexClientID).
func (s *Server) AddWebexOAuthClient(c WebexOAuthClient) error {
	if c.ClientID == "" || c.ClientSecret == "" || c.RefreshToken == "" {
		return errors.New("webex oauth client: client id, secret and refresh token are required")
	}
	ctx := context.Background()
	return s.tx(ctx, func(tx *sql.Tx) error { return insertOAuthClient(ctx, tx, c) })
}

func insertOAuthClient(ctx context.Context, tx *sql.Tx, c WebexOAuthClient) error {
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO webex_oauth_clients (client_id, secret_sha256, refresh_sha256,
		scopes, enterprise_ids) VALUES (?, ?, ?, ?, ?)`, c.ClientID, tokenHash(c.ClientSecret), tokenHash(c.RefreshToken),
		strings.Join(c.Scopes, " "), strings.Join(c.Enterprises, " "))
	if err != nil {
		return fmt.Errorf("store webex oauth client: %w", err)
	}
	return nil
}

// wxAccessToken is the OAuth 2.0 token endpoint for grant_type=refresh_token (RFC 6749 section
// 6; client credentials in the form or HTTP Basic). It answers a new access token that lives
// Options.WebexTokenLifetime; the refresh token stays valid (an emulator choice). OAuth errors
// are Webex error bodies with the RFC's error code as message.
func (s *Server) wxAccessToken(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b, err := readBody(w, r)
	if err != nil {
		s.wxFail(w, r, wxBadRequest("invalid_request: cannot read the body"))
		return
	}
	form, err := url.ParseQuery(string(b))
	if err != nil {
		s.wxFail(w, r, wxBadRequest("invalid_request: the body must be application/x-www-form-urlencoded"))
		return
	}
	clientID, secret := form.Get("client_id"), form.Get("client_secret")
	if id, sec, ok := r.BasicAuth(); ok {
		clientID, secret = id, sec
	}
	switch {
	case form.Get("grant_type") != "refresh_token":
		s.wxFail(w, r, wxBadRequest("unsupported_grant_type: only refresh_token is supported"))
		return
	case clientID == "" || secret == "" || form.Get("refresh_token") == "":
		s.wxFail(w, r, wxBadRequest("invalid_request: client_id, client_secret and refresh_token are required"))
		return
	}
	var secretHash, refreshHash, scopes, ents string
	err = s.db.QueryRowContext(ctx, `SELECT secret_sha256, refresh_sha256, scopes, enterprise_ids FROM webex_oauth_clients
		WHERE client_id = ?`, clientID).Scan(&secretHash, &refreshHash, &scopes, &ents)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && subtle.ConstantTimeCompare([]byte(secretHash), []byte(tokenHash(secret))) != 1) {
		s.wxFail(w, r, wxErr(http.StatusUnauthorized, "invalid_client: unknown client or wrong secret"))
		return
	}
	if err != nil {
		s.wxFail(w, r, fmt.Errorf("look up oauth client: %w", err))
		return
	}
	if subtle.ConstantTimeCompare([]byte(refreshHash), []byte(tokenHash(form.Get("refresh_token")))) != 1 {
		s.wxFail(w, r, wxBadRequest("invalid_grant: the refresh token is not valid"))
		return
	}
	life := s.opts.WebexTokenLifetime
	if life <= 0 {
		life = defaultWebexTokenLifetime
	}
	access := "wxat-" + randomHex(24)
	t := WebexToken{Token: access, Label: "oauth " + clientID, Scopes: strings.Fields(scopes),
		ExpiresAt: s.now().Add(life)}
	if ents != "" {
		t.Enterprises = strings.Fields(ents)
	}
	if err := s.tx(ctx, func(tx *sql.Tx) error { return s.insertWebexToken(ctx, tx, t) }); err != nil {
		s.wxFail(w, r, err)
		return
	}
	secs := int64(life / time.Second)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access, "expires_in": secs, "token_type": "Bearer",
		"refresh_token": form.Get("refresh_token"), "refresh_token_expires_in": int64(90 * 24 * 3600),
	})
}

// wxRateLimit answers 429 with Retry-After and a Webex error body when the shared token bucket
// is empty.
func (s *Server) wxRateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := s.limiter.take(time.Now()); !ok {
			secs := max(1, int((wait+time.Second-1)/time.Second))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeWebexError(w, r, http.StatusTooManyRequests, 0, "Too Many Requests: retry after "+strconv.Itoa(secs)+"s")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// wxFaults applies injected or random faults (faults.go) with Webex error bodies.
func (s *Server) wxFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind := s.faults.pick(r.Method, r.Pattern)
		if kind != 0 {
			s.log.InfoContext(r.Context(), "injecting fault", "kind", kind.String(), "pattern", r.Pattern, "trackingId", trackingID(r.Context()))
		}
		switch kind {
		case 0:
			next.ServeHTTP(w, r)
		case FaultStatus500:
			writeWebexError(w, r, http.StatusInternalServerError, 0, "Internal Server Error (injected fault)")
		case FaultStatus503:
			writeWebexError(w, r, http.StatusServiceUnavailable, 0, "Service Unavailable (injected fault)")
		case FaultStatus429:
			w.Header().Set("Retry-After", "1")
			writeWebexError(w, r, http.StatusTooManyRequests, 0, "Too Many Requests (injected fault): retry after 1s")
		case FaultReset:
			resetConnection(w)
		case FaultAfterCommit:
			next.ServeHTTP(newBufferedWriter(), r)
			writeWebexError(w, r, http.StatusInternalServerError, 0, "Internal Server Error (injected fault after commit)")
		case FaultAfterCommitReset:
			next.ServeHTTP(newBufferedWriter(), r)
			resetConnection(w)
		}
	})
}

// webexReadOnlyPOST: the Webex POSTs that write nothing (prechecks, address lookup, token), so
// that they do not count as writes (countWrites).
func webexReadOnlyPOST(path string) bool {
	return strings.HasSuffix(path, "/subscribers/validate") || strings.HasSuffix(path, "/emergencyAddress/lookup") ||
		path == "/v1/access_token"
}

// Webex ids.

const webexIDPrefix = "ciscospark://us/"

// webexID is the Webex id of a row: base64url("ciscospark://us/KIND/id").
func webexID(kind, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(webexIDPrefix + kind + "/" + id))
}

// fromWebexID is the row id of a Webex id of kind ("" when it is not one). Standard base64 and
// padding are accepted too.
func fromWebexID(kind, wid string) string {
	wid = strings.TrimRight(wid, "=")
	b, err := base64.RawURLEncoding.DecodeString(wid)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(wid)
		if err != nil {
			return ""
		}
	}
	id, ok := strings.CutPrefix(string(b), webexIDPrefix+kind+"/")
	if !ok || id == "" || strings.Contains(id, "/") {
		return ""
	}
	return id
}

// orgIDOf is the Webex orgId of enterprise ent (enterprises.webex_org_id, else derived).
func orgIDOf(ctx context.Context, q querier, ent string) (string, error) {
	var org sql.NullString
	err := q.QueryRowContext(ctx, `SELECT webex_org_id FROM enterprises WHERE id = ?`, ent).Scan(&org)
	if err != nil {
		return "", fmt.Errorf("look up webex org id: %w", err)
	}
	if org.String != "" {
		return org.String, nil
	}
	return webexID("ORGANIZATION", ent), nil
}

// enterpriseOfOrg is the enterprise whose orgId is org, "" when none.
func enterpriseOfOrg(ctx context.Context, q querier, org string) (string, error) {
	var ent string
	err := q.QueryRowContext(ctx, `SELECT id FROM enterprises WHERE webex_org_id = ?`, org).Scan(&ent)
	if errors.Is(err, sql.ErrNoRows) {
		if id := fromWebexID("ORGANIZATION", org); id != "" {
			var n int
			if err := q.QueryRowContext(ctx, `SELECT count(*) FROM enterprises WHERE id = ? AND coalesce(webex_org_id, '') = ''`, id).
				Scan(&n); err != nil {
				return "", fmt.Errorf("look up organisation: %w", err)
			}
			if n > 0 {
				return id, nil
			}
		}
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("look up organisation: %w", err)
	}
	return ent, nil
}

// wxEnterprise resolves an enterprise the caller may see (by id); else 404.
func wxEnterprise(ctx context.Context, q querier, ent string) error {
	if ent == "" || !wxPrincipalFrom(ctx).canSee(ent) {
		return wxNotFound("Enterprise not found.")
	}
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM enterprises WHERE id = ?`, ent).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return wxNotFound("Enterprise not found.")
	}
	if err != nil {
		return fmt.Errorf("look up enterprise: %w", err)
	}
	return nil
}

// wxOrg resolves an orgId the caller may see to its enterprise; else 404.
func wxOrg(ctx context.Context, q querier, org string) (string, error) {
	ent, err := enterpriseOfOrg(ctx, q, org)
	if err != nil {
		return "", err
	}
	if ent == "" || !wxPrincipalFrom(ctx).canSee(ent) {
		return "", wxNotFound("Organization not found.")
	}
	return ent, nil
}

// wxUser loads a user the caller may see by its row id; else 404 with msg.
func wxUser(ctx context.Context, q querier, id, msg string) (*user, error) {
	if id == "" {
		return nil, wxNotFound(msg)
	}
	u, err := loadUser(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if u == nil || !wxPrincipalFrom(ctx).canSee(u.EnterpriseID) {
		return nil, wxNotFound(msg)
	}
	return u, nil
}

// Request bodies.

// decodeWebexJSON decodes a JSON body (unknown fields are ignored, as Webex does; types are
// checked: 400).
func decodeWebexJSON(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := readBody(w, r)
	if err != nil {
		return wxBadRequest("The request body could not be read.")
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return wxBadRequest("The request body is empty.")
	}
	if err := json.Unmarshal(b, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return wxBadRequest("Invalid Parameter Value: " + te.Field)
		}
		return wxBadRequest("The request body is not valid JSON.")
	}
	return nil
}

// Paging.

// wxMax reads max (default def; an oversize max gets limit; below 1 is 400).
func wxMax(r *http.Request, def, limit int) (int, error) {
	v := r.URL.Query().Get("max")
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n < 1 || n != float64(int(n)) {
		return 0, wxBadRequest("Invalid Parameter Value: max")
	}
	return min(int(n), limit), nil
}

// wxNextLink sets Link rel="next": the request's URL with param set to value (and max).
func wxNextLink(w http.ResponseWriter, r *http.Request, param, value string, maxN int) {
	q := r.URL.Query()
	q.Set(param, value)
	q.Set("max", strconv.Itoa(maxN))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
	w.Header().Set("Link", "<"+u.String()+`>; rel="next"`)
}

// wxCursor reads the cursor parameter (an opaque key issued by wxCursorPage).
func wxCursor(r *http.Request) (string, error) {
	v := r.URL.Query().Get("cursor")
	if v == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || !strings.HasPrefix(string(b), cursorPrefix) {
		return "", wxBadRequest("Invalid Parameter Value: cursor")
	}
	return strings.TrimPrefix(string(b), cursorPrefix), nil
}

// wxCursorPage cuts rows (queried with LIMIT maxN+1) to a page and links the next one.
func wxCursorPage[T any](w http.ResponseWriter, r *http.Request, maxN int, rows []T, key func(T) string) []T {
	if len(rows) <= maxN {
		return rows
	}
	rows = rows[:maxN]
	wxNextLink(w, r, "cursor", encodeCursor(key(rows[len(rows)-1])), maxN)
	return rows
}

// wxOffset reads an offset or start parameter (0 when absent).
func wxOffset(r *http.Request, param string) (int, error) {
	v := r.URL.Query().Get(param)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, wxBadRequest("Invalid Parameter Value: " + param)
	}
	return n, nil
}

// wxOffsetPage cuts rows (queried with LIMIT maxN+1 OFFSET off) to a page and links the next one
// with param = off+maxN.
func wxOffsetPage[T any](w http.ResponseWriter, r *http.Request, param string, off, maxN int, rows []T) []T {
	if len(rows) <= maxN {
		return rows
	}
	wxNextLink(w, r, param, strconv.Itoa(off+maxN), maxN)
	return rows[:maxN]
}

// wxList is {"items": [...]} (never null).
func wxList[T any](items []T) map[string]any {
	if items == nil {
		items = []T{}
	}
	return map[string]any{"items": items}
}

// rfc3339Millis renders a stored RFC 3339 time as Webex does (UTC, milliseconds).
func rfc3339Millis(ts string) string {
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return ts
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// referenceActivationStatus is what the reference contract shows of an activation status: the
// Webex-only statuses as their nearest reference one (updating is a provisioned account being
// changed; pending_user_migration waits for the user, as pending_email_validation does).
func referenceActivationStatus(st string) string {
	switch st {
	case activationUpdating:
		return activationProvisioned
	case activationPendingUserMigration:
		return activationPendingEmailValidation
	}
	return st
}
