package webex

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/oauth2"
)

// auth hands out the access token: a fixed one (Config.Token), or one obtained and renewed with
// the OAuth refresh-token grant (POST {BaseURL}/access_token). It is safe for concurrent use.
type auth struct {
	static string

	conf *oauth2.Config
	hc   *http.Client // for the token endpoint (no retries: a failed refresh fails the call)

	mu        sync.Mutex
	tok       *oauth2.Token // current token; nil before the first refresh
	refresh   string        // current refresh token (Webex may rotate it)
	refreshes int           // completed refreshes (tests)
}

func newAuth(cfg Config, baseURL string, hc *http.Client) *auth {
	if cfg.Token != "" {
		return &auth{static: cfg.Token}
	}
	return &auth{
		conf: &oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint: oauth2.Endpoint{
				TokenURL:  baseURL + "/access_token",
				AuthStyle: oauth2.AuthStyleInParams,
			},
		},
		hc:      hc,
		refresh: cfg.RefreshToken,
	}
}

// canRefresh reports whether a 401 may be answered by refreshing the token.
func (a *auth) canRefresh() bool { return a.conf != nil }

// token returns the access token to send, refreshing first when there is none yet or it has
// expired.
func (a *auth) token(ctx context.Context) (string, error) {
	if a.conf == nil {
		return a.static, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.tok.Valid() {
		return a.tok.AccessToken, nil
	}
	return a.refreshLocked(ctx)
}

// forceRefresh refreshes the token after a 401 answered a request that carried stale, unless
// another call has refreshed it meanwhile (then the new token is returned without a refresh).
func (a *auth) forceRefresh(ctx context.Context, stale string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.tok != nil && a.tok.AccessToken != stale && a.tok.Valid() {
		return a.tok.AccessToken, nil
	}
	return a.refreshLocked(ctx)
}

func (a *auth) refreshLocked(ctx context.Context) (string, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, a.hc)
	// The refresher always refreshes a token without an access token.
	tok, err := a.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: a.refresh}).Token()
	if err != nil {
		return "", a.refreshError(err)
	}
	if tok.AccessToken == "" {
		return "", fmt.Errorf("webex: refreshing the access token at %s: the answer carried no access token", a.conf.Endpoint.TokenURL)
	}
	a.tok = tok
	if tok.RefreshToken != "" {
		a.refresh = tok.RefreshToken
	}
	a.refreshes++
	return tok.AccessToken, nil
}

// refreshError describes a failed refresh without the secrets: the token endpoint's error code and
// description (redacted), never its raw body, the client secret or the refresh token.
func (a *auth) refreshError(err error) error {
	redact := a.redactor()
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		msg := fmt.Sprintf("webex: refreshing the access token at %s failed with status %d", a.conf.Endpoint.TokenURL, status)
		if re.ErrorCode != "" {
			msg += ": " + clean(redact(re.ErrorCode))
			if re.ErrorDescription != "" {
				msg += " (" + clean(redact(re.ErrorDescription)) + ")"
			}
		} else if s := summarize(re.Body); s != "" {
			msg += ": " + clean(redact(s))
		}
		if status == http.StatusBadRequest || status == http.StatusUnauthorized {
			msg += "; check client_id, client_secret and refresh_token"
		}
		return errors.New(msg)
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return fmt.Errorf("webex: refreshing the access token at %s: %s", a.conf.Endpoint.TokenURL, clean(redact(err.Error())))
}

// secrets returns every credential string, for masking and redaction.
func (a *auth) secrets() []string {
	if a.conf == nil {
		return []string{a.static}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s := []string{a.conf.ClientSecret, a.refresh}
	if a.tok != nil {
		s = append(s, a.tok.AccessToken, a.tok.RefreshToken)
	}
	return s
}

func (a *auth) redactor() func(string) string {
	if a.conf == nil {
		return redactor(a.static)
	}
	// Called with a.mu held: read the fields directly.
	s := []string{a.conf.ClientSecret, a.refresh}
	if a.tok != nil {
		s = append(s, a.tok.AccessToken, a.tok.RefreshToken)
	}
	return redactor(s...)
}

// refreshCount returns the number of refreshes done (tests).
func (a *auth) refreshCount() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.refreshes
}

// validCredential checks a credential for line breaks (it goes into a header or a form).
func validCredential(name, v string) error {
	if strings.ContainsAny(v, "\r\n") {
		return fmt.Errorf("%s must not contain line breaks", name)
	}
	return nil
}
