package sandbox

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"
)

func TestRateLimit(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.RateLimit = 0.5; o.RateBurst = 2 })
	e.must(200, e.request("GET", "/v1/enterprises", acmeToken, nil))
	e.must(200, e.request("GET", "/v1/enterprises", acmeToken, nil))
	r := e.request("GET", "/v1/enterprises", acmeToken, nil)
	e.wantError(r, 429, "rate_limited", "")
	secs, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > 2 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	// The sandbox endpoints are not limited.
	e.must(200, e.request("GET", "/_sandbox/metrics", "", nil))
	e.s.SetRateLimit(0, 0)
	e.must(200, e.request("GET", "/v1/enterprises", acmeToken, nil))
	e.s.SetRateLimit(1000, 1)
	e.must(200, e.request("GET", "/v1/enterprises", acmeToken, nil))
}

func TestTokenBucket(t *testing.T) {
	var b tokenBucket
	b.set(2, 0) // burst defaults to 2
	t0 := time.Unix(0, 0)
	for i := 0; i < 2; i++ {
		if ok, _ := b.take(t0); !ok {
			t.Fatalf("take %d refused", i)
		}
	}
	ok, wait := b.take(t0)
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("empty bucket: ok=%v wait=%v", ok, wait)
	}
	if ok, _ := b.take(t0.Add(500 * time.Millisecond)); !ok {
		t.Fatal("refill refused")
	}
	b.set(0.1, 0)
	if b.burst != 1 {
		t.Errorf("burst %v, want 1", b.burst)
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t)
	t.Run("status faults", func(t *testing.T) {
		e := e.sub(t)
		e.s.InjectFault(Fault{Pattern: "GET /v1/enterprises", Kind: FaultStatus503, Times: 2})
		e.s.InjectFault(Fault{Method: "GET", Kind: FaultStatus500})
		e.wantError(e.request("GET", "/v1/enterprises", acmeToken, nil), 503, "service_unavailable", "")
		e.wantError(e.request("GET", "/v1/enterprises", acmeToken, nil), 503, "service_unavailable", "")
		e.wantError(e.request("GET", "/v1/enterprises/ent_acme", acmeToken, nil), 500, "internal_error", "")
		e.must(200, e.request("GET", "/v1/enterprises", acmeToken, nil))
	})
	t.Run("faults come before auth and do not match other routes", func(t *testing.T) {
		e := e.sub(t)
		e.s.InjectFault(Fault{Method: "DELETE", Pattern: "/v1/users/{usr}", Kind: FaultStatus500})
		e.must(200, e.request("GET", "/v1/enterprises", acmeToken, nil))
		e.wantError(e.request("DELETE", "/v1/users/usr_x", "", nil), 500, "internal_error", "")
	})
	t.Run("reset", func(t *testing.T) {
		e := e.sub(t)
		e.s.InjectFault(Fault{Kind: FaultReset})
		if r := e.request("POST", "/v1/enterprises/ent_acme/users", acmeToken, map[string]any{}); r.err == nil {
			t.Errorf("no transport error: status %d", r.status)
		}
		e.must(200, e.request("GET", "/v1/enterprises", acmeToken, nil))
	})
	t.Run("clear", func(t *testing.T) {
		e := e.sub(t)
		e.s.InjectFault(Fault{Kind: FaultStatus500, Times: 5})
		e.s.ClearFaults()
		e.must(200, e.request("GET", "/v1/enterprises", acmeToken, nil))
	})
	t.Run("random rate", func(t *testing.T) {
		e := e.sub(t)
		e.s.SetFaultRate(1)
		seen := map[int]bool{}
		for i := 0; i < 40; i++ {
			r := e.request("GET", "/v1/enterprises", acmeToken, nil)
			if r.err != nil {
				seen[0] = true
				continue
			}
			if r.status != 429 && r.status != 500 && r.status != 503 {
				t.Fatalf("status %d with fault rate 1", r.status)
			}
			seen[r.status] = true
		}
		e.s.SetFaultRate(0)
		if !seen[429] || !seen[500] || !seen[503] {
			t.Errorf("fault kinds seen: %v", seen)
		}
		e.must(200, e.request("GET", "/v1/enterprises", acmeToken, nil))
	})
	t.Run("sandbox endpoints never fault", func(t *testing.T) {
		e := e.sub(t)
		e.s.InjectFault(Fault{Kind: FaultStatus500})
		e.must(200, e.request("GET", "/_sandbox/metrics", "", nil))
		e.s.ClearFaults()
	})
}

func TestLatency(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Latency = 40 * time.Millisecond })
	start := time.Now()
	e.must(200, e.request("GET", "/v1/enterprises", acmeToken, nil))
	if d := time.Since(start); d < 40*time.Millisecond {
		t.Errorf("request took %v, want ≥ 40ms", d)
	}
	e.s.SetLatency(0)
	start = time.Now()
	e.must(200, e.request("GET", "/_sandbox/metrics", "", nil))
	if d := time.Since(start); d > 35*time.Millisecond {
		t.Errorf("metrics took %v", d)
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	e.createUser(acmeToken, nil)
	e.createUser(acmeToken, nil)
	u := e.createUser(acmeToken, nil)["id"].(string)
	e.request("GET", "/v1/users/"+u, acmeToken, nil)
	e.request("GET", "/v1/users/"+u, "", nil) // 401 counts too
	e.request("PATCH", "/v1/users/"+u, acmeToken, map[string]any{"department": "x"})
	e.request("GET", "/v1/nope", acmeToken, nil) // unknown route: not a pattern
	e.request("DELETE", "/v1/nope", acmeToken, nil)

	r := e.must(200, e.request("GET", "/_sandbox/metrics", "", nil))
	var got map[string]int64
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{
		"POST /v1/enterprises/{ent}/users": 3,
		"GET /v1/users/{usr}":              2,
		"PATCH /v1/users/{usr}":            1,
	}
	if len(got) != len(want) {
		t.Errorf("metrics %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
	if m := e.s.Metrics(); m["GET /v1/users/{usr}"] != 2 {
		t.Errorf("Metrics() %v", m)
	}
	if n := e.s.WriteCount(); n != 5 {
		t.Errorf("WriteCount %d, want 5 (3 POST, 1 PATCH, 1 DELETE to an unknown route)", n)
	}
	e.s.ResetMetrics()
	if len(e.s.Metrics()) != 0 || e.s.WriteCount() != 0 {
		t.Errorf("after reset: %v, %d", e.s.Metrics(), e.s.WriteCount())
	}
}

// TestFaultSkip: a fault with Skip lets the first matching requests through, then fails the next.
func TestFaultSkip(t *testing.T) {
	var f faultInjector
	f.queue = append(f.queue, Fault{Method: "PUT", Pattern: "/v1/users/{usr}/number", Kind: FaultStatus503, Times: 2, Skip: 1})
	got := []FaultKind{
		f.pick("GET", "GET /v1/users/{usr}/number"),
		f.pick("PUT", "PUT /v1/users/{usr}/number"),
		f.pick("PUT", "PUT /v1/users/{usr}/number"),
		f.pick("PUT", "PUT /v1/users/{usr}/number"),
		f.pick("PUT", "PUT /v1/users/{usr}/number"),
	}
	want := []FaultKind{0, 0, FaultStatus503, FaultStatus503, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("request %d: got fault %v, want %v (all: %v)", i, got[i], want[i], got)
		}
	}
}

func TestSeededFaultsAreDeterministicAndMixed(t *testing.T) {
	seq := func(seed uint64, method string) []FaultKind {
		var f faultInjector
		f.setRate(0.5)
		f.setSeed(seed)
		out := make([]FaultKind, 400)
		for i := range out {
			out[i] = f.pick(method, method+" /v1/users/{id}")
		}
		return out
	}
	a, b, c := seq(7, "PATCH"), seq(7, "PATCH"), seq(8, "PATCH")
	if !slices.Equal(a, b) {
		t.Error("the same seed gave two sequences")
	}
	if slices.Equal(a, c) {
		t.Error("two seeds gave the same sequence")
	}
	count := map[FaultKind]int{}
	for _, k := range a {
		count[k]++
	}
	for _, k := range writeFaults {
		if count[k] == 0 {
			t.Errorf("no %s among 400 writes at 50%%: %v", k, count)
		}
	}
	if count[0] < 120 || count[0] > 280 {
		t.Errorf("%d of 400 requests without a fault at 50%%", count[0])
	}
	for _, k := range seq(7, "GET") {
		if k == FaultAfterCommit || k == FaultAfterCommitReset {
			t.Fatalf("a read got %s", k)
		}
	}
}

func TestInjected429HasRetryAfter(t *testing.T) {
	e := newEnv(t)
	e.s.InjectFault(Fault{Method: "GET", Kind: FaultStatus429})
	r := e.request("GET", "/v1/enterprises", acmeToken, nil)
	e.wantError(r, 429, "rate_limited", "")
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
}

func TestInventoryOption(t *testing.T) {
	s, err := New(Options{Seed: SeedDemo, Inventory: 130})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	var n int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM numbers WHERE group_id = ?`, DemoGroupDenver).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 130 {
		t.Errorf("grp_denver has %d numbers, want 130", n)
	}
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM numbers WHERE phone_number IN (?, ?)`, InventoryNumber(99), InventoryNumber(129)).Scan(&n); err != nil || n != 2 {
		t.Errorf("InventoryNumber(99), (129) = %s, %s: %d found (%v)", InventoryNumber(99), InventoryNumber(129), n, err)
	}
	if _, err := New(Options{Inventory: -1}); err == nil {
		t.Error("negative inventory accepted")
	}
}
