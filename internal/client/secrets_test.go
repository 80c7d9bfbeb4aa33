package client

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// echoedForms are the ways a backend may echo secret s: as sent, JSON-escaped (with and without
// HTML escaping) and URL-encoded.
func echoedForms(s string) []string {
	forms := []string{s, url.QueryEscape(s)}
	html, _ := json.Marshal(s)
	forms = append(forms, string(html[1:len(html)-1]))
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	plain := strings.TrimSpace(b.String())
	return append(forms, plain[1:len(plain)-1])
}

// TestSecretsEchoedByTheBackendAreRedacted: a backend that echoes the request (the raw body, the
// decoded secret, in the message, the field, the other error fields and the TrackingID header, or
// in a page that is not an API error) never gets a passcode or password into the error a caller
// sees, nor into the client's logs or a caller's log of that error.
func TestSecretsEchoedByTheBackendAreRedacted(t *testing.T) {
	const passcode = "740315"
	const password = `Pa"ss<w>rd\&1 x+y`
	echoes := map[string]func(w http.ResponseWriter, body []byte, secret string){
		"raw body in the message": func(w http.ResponseWriter, body []byte, _ string) {
			writeAPIError(w, http.StatusUnprocessableEntity, "weak", map[string]any{"message": "rejected " + string(body)})
		},
		"decoded secret everywhere": func(w http.ResponseWriter, _ []byte, secret string) {
			w.Header().Set("TrackingID", "trk-"+secret)
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"code": "weak_" + secret, "message": "the value " + secret + " is weak",
				"field": secret, "trackingId": "trk-" + secret, "conflictingUserId": secret, "jobId": secret})
		},
		"url-encoded echo": func(w http.ResponseWriter, _ []byte, secret string) {
			writeAPIError(w, http.StatusUnprocessableEntity, "weak", map[string]any{"message": "value=" + url.QueryEscape(secret)})
		},
		"not an api error": func(w http.ResponseWriter, body []byte, _ string) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write(append([]byte("<html>bad request: "), body...))
		},
	}
	for name, echo := range echoes {
		t.Run(name, func(t *testing.T) {
			var secret string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				echo(w, body, secret)
			}))
			defer srv.Close()
			c := newTestClient(t, srv)
			var buf bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &buf)
			for _, call := range []struct {
				name   string
				secret string
				set    func() error
			}{
				{"SetVoicemailPasscode", passcode, func() error { return c.SetVoicemailPasscode(ctx, "usr_1", passcode) }},
				{"SetPortalPassword", password, func() error { return c.SetPortalPassword(ctx, "usr_1", password) }},
			} {
				secret = call.secret
				err := call.set()
				if err == nil {
					t.Fatalf("%s: the backend's error was lost", call.name)
				}
				// The caller logs the error with a logger that knows nothing of the secret.
				tflog.Error(ctx, "write failed", map[string]any{"error": err.Error()})
				// An answer in the API's error shape is an *APIError; any other (an HTML page, say) is
				// a *NotTheAPIError: neither may show the secret.
				var shown string
				if apiErr, ok := AsAPIError(err); ok {
					shown = strings.Join([]string{err.Error(), apiErr.Message, apiErr.Field, apiErr.Code, apiErr.TrackingID,
						apiErr.ConflictingUserID, apiErr.JobID}, "\n")
				} else if other, ok := AsNotTheAPIError(err); ok {
					shown = strings.Join([]string{err.Error(), other.Summary}, "\n")
				} else {
					t.Fatalf("%s: %T %v", call.name, err, err)
				}
				for _, form := range echoedForms(call.secret) {
					if strings.Contains(shown, form) {
						t.Errorf("%s: the error shows the secret as %q:\n%s", call.name, form, shown)
					}
				}
				if !strings.Contains(err.Error(), "***") {
					t.Errorf("%s: no sign of the redaction in %q", call.name, err)
				}
			}
			logs := buf.String()
			if !strings.Contains(logs, "write failed") {
				t.Fatalf("nothing logged:\n%s", logs)
			}
			for _, s := range []string{passcode, password} {
				for _, form := range append(echoedForms(s), echoedForms(jsonEscaped(s))...) {
					if strings.Contains(logs, form) {
						t.Errorf("the logs show %q:\n%s", form, logs)
					}
				}
			}
		})
	}
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// A secret is removed wherever it appears, in every form; text without it is left alone.
func TestRedactSecrets(t *testing.T) {
	ctx := withSecret(withSecret(context.Background(), `a"b`), "")
	secrets := secretsFrom(ctx)
	for in, want := range map[string]string{
		`value a"b`:      "value ***",
		`{"p":"a\"b"}`:   `{"p":"***"}`,
		`p=a%22b`:        "p=***",
		`nothing secret`: "nothing secret",
		"":               "",
	} {
		if got := redactSecrets(in, secrets); got != want {
			t.Errorf("redactSecrets(%q) = %q, want %q", in, got, want)
		}
	}
}
