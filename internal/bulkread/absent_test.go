package bulkread_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ucprov/terraform-provider-ucprov/internal/bulkread"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

// ignoreIncludes puts a backend in front of the fixture's sandbox that drops ?include= values of
// the users list except keep (an older or partial implementation of the bulk read): its pages
// carry no key at all for the objects it does not embed.
func (f *fixture) ignoreIncludes(t *testing.T, keep ...string) string {
	t.Helper()
	target, err := url.Parse(f.sb.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/users") {
			q := r.URL.Query()
			var kept []string
			for _, inc := range strings.Split(q.Get("include"), ",") {
				for _, k := range keep {
					if inc == k {
						kept = append(kept, inc)
					}
				}
			}
			q.Del("include")
			if len(kept) > 0 {
				q.Set("include", strings.Join(kept, ","))
			}
			r.URL.RawQuery = q.Encode()
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestAbsentEmbedFallsBackToGet: a backend that ignores include= answers pages without the
// per-user objects; every object the page does not carry is read with its GET (never taken as
// gone), so the answers are those of the GETs. An explicit null in a page is still "not found"
// without a GET. Extension checks, which need every user's number, go to the server too.
func TestAbsentEmbedFallsBackToGet(t *testing.T) {
	f := newFixture(t, 30)
	ctx := context.Background()
	want := readAll(ctx, t, f.reader(t, bulkread.Options{Mode: bulkread.ModeNever}, nil), f.users)
	reads := int64(len(want))

	for _, tc := range []struct {
		name string
		keep []string
	}{
		{"no include honoured", nil},
		{"number and activation only", []string{client.IncludeNumber, client.IncludeActivation}},
		{"every include honoured", client.AllIncludes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := f.ignoreIncludes(t, tc.keep...)
			r := f.reader(t, bulkread.Options{Threshold: 1}, func(c *client.Config) { c.Endpoint = base })
			got := readAll(ctx, t, r, f.users)
			if d := cmp.Diff(want, got); d != "" {
				t.Fatalf("bulk answers differ from the GETs (-get +bulk):\n%s", d)
			}
			// Users are always in the page; of the five objects per user, only the embedded ones
			// (each an object or an explicit null) are served without a GET.
			s := r.Stats()
			users := int64(len(f.users))
			wantHits := users * int64(1+len(tc.keep))
			if s.PageReads != 1 || s.Hits != wantHits || s.Gets != reads-wantHits {
				t.Fatalf("%+v for %d reads, want %d hits", s, reads, wantHits)
			}

			// Extension 5003 is user 3's: found whether or not the pages carried numbers.
			for range 3 {
				hold, err := r.ExtensionHolders(ctx, ent, "5003")
				if err != nil || len(hold) != 1 || hold[0].ID != f.users[3] {
					t.Fatalf("holders of 5003: %v %v", hold, err)
				}
			}
		})
	}
}
