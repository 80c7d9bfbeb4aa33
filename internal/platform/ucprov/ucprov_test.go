package ucprov

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// TestConvErr: the reference client's errors become the platform's: an API error keeps its kind,
// code, field and holder (and its text, wrapped or not); an answer that is not the API's is a
// NotThePlatformError, never "not found"; other errors pass unchanged.
func TestConvErr(t *testing.T) {
	apiErr := &client.APIError{Status: http.StatusConflict, Code: "extension_in_use", Field: "extension",
		Message: "held", ConflictingUserID: "usr_2", TrackingID: "T1"}
	err := convErr(apiErr)
	pe, ok := platform.AsError(err)
	if !ok || pe.Status != 409 || pe.Code != "extension_in_use" || pe.Field != "extension" || pe.ConflictingUserID != "usr_2" ||
		!platform.IsConflict(err) || !platform.HasCode(err, "extension_in_use") || err.Error() != apiErr.Error() {
		t.Errorf("convErr(%v) = %#v", apiErr, err)
	}
	wrapped := fmt.Errorf("put number: %w", &client.APIError{Status: http.StatusNotFound, Code: "not_found"})
	err = convErr(wrapped)
	if !platform.IsNotFound(err) || err.Error() != wrapped.Error() {
		t.Errorf("wrapped 404: %v (not found %v)", err, platform.IsNotFound(err))
	}
	plain := errors.New("dial tcp: refused")
	if convErr(plain) != plain || convErr(nil) != nil {
		t.Error("a transport error or nil changed")
	}

	// A JSON 404 without the API's error body (another service): not the platform, not "not found".
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"message":"The requested resource could not be found.","trackingId":"X"}`))
	}))
	defer srv.Close()
	c, err := client.New(client.Config{Endpoint: srv.URL, Token: "t", MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	err = Wrap(c).CheckEnterprise(context.Background(), "ent_acme")
	if !platform.IsNotThePlatform(err) || platform.IsNotFound(err) {
		t.Errorf("another server's 404: %T %v", err, err)
	}
}

// TestUserEnterpriseLearned: the enterprise of every user read or written is remembered.
func TestUserEnterpriseLearned(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"usr_1","enterpriseId":"ent_globex","groupId":"grp_tokyo","firstName":"K","lastName":"S","etag":"1"}`))
	}))
	defer srv.Close()
	c, err := client.New(client.Config{Endpoint: srv.URL, Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	p := Wrap(c)
	if got := p.UserEnterprise("usr_1"); got != "" {
		t.Fatalf("before any read: %q", got)
	}
	u, err := p.GetUser(context.Background(), "usr_1")
	if err != nil || u.EnterpriseID != "ent_globex" {
		t.Fatal(u, err)
	}
	if got := p.UserEnterprise("usr_1"); got != "ent_globex" {
		t.Errorf("after a read: %q", got)
	}
}
