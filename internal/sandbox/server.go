package sandbox

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Server. The zero value is a private in-memory sandbox without seed data.
type Options struct {
	DBPath     string           // "" = private in-memory database (unique per Server)
	Seed       string           // "demo" or "" (none)
	AdminToken string           // service-provider admin token; "" = random (crypto/rand)
	Latency    time.Duration    // added to every /v1 request
	RateLimit  float64          // requests per second (token bucket), 0 = unlimited
	RateBurst  int              // bucket size (default max(1, int(RateLimit)))
	FaultRate  float64          // 0..1 chance that a /v1 request gets a random fault
	FaultSeed  uint64           // seed of the random faults (0 = unseeded)
	Inventory  int              // phone numbers of grp_denver in the demo seed (default and minimum 100)
	JobTick    time.Duration    // background worker pace (default 1s)
	Now        func() time.Time // clock; default time.Now
	Logger     *slog.Logger     // default: discard
	// WebexTokenLifetime is how long an access token from POST /v1/access_token lives (default
	// 1 h); tests of a client's refresh set it short.
	WebexTokenLifetime time.Duration
	// MaxConcurrentHashes caps the argon2id hashes of secrets in flight (0 = GOMAXPROCS); see
	// Server.hashSecret.
	MaxConcurrentHashes int
	// Middleware, when set, wraps the HTTP handler of the reference contract (tests install the
	// OpenAPI contract check of internal/apispec here); the OCI-P SOAP path is outside it.
	Middleware func(http.Handler) http.Handler
	// OCIPListen, when set ("127.0.0.1:0" style), is the address of the OCI-P TCP listener
	// (BroadWorks' port 2208 protocol; see ocip.go). OCI-P over SOAP is always served on the
	// HTTP listener at OCIPSOAPPath.
	OCIPListen string
	// OCIPSessionIdle is how long an OCI-P session lives without a request (default 30 min).
	OCIPSessionIdle time.Duration
}

// Server is one sandbox instance: a database, an HTTP handler and the test knobs.
type Server struct {
	opts       Options
	db         *sql.DB
	log        *slog.Logger
	adminToken string

	clock   atomic.Pointer[func() time.Time]
	writeMu sync.Mutex // serialises write transactions of this process (SQLite has one writer)

	handler http.Handler
	routeTb []route

	metrics metricsStore
	limiter tokenBucket
	latency atomic.Int64 // time.Duration
	faults  faultInjector
	hashes  hashLimiter // argon2id computations in flight (kdf.go)

	mu      sync.Mutex // guards httpSrv and url
	httpSrv *http.Server
	url     string

	ocip ocipFrontEnd

	worker    worker
	closeOnce sync.Once
	closeErr  error
}

// New opens the database, applies the migrations, seeds and starts the background worker.
func New(opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.JobTick <= 0 {
		opts.JobTick = time.Second
	}
	if opts.FaultRate < 0 || opts.FaultRate > 1 {
		return nil, fmt.Errorf("fault rate %v out of range 0..1", opts.FaultRate)
	}
	if opts.Inventory < 0 || opts.Inventory > maxInventory {
		return nil, fmt.Errorf("inventory %d out of range 0..%d", opts.Inventory, maxInventory)
	}
	if opts.RateLimit < 0 {
		return nil, fmt.Errorf("rate limit %v must not be negative", opts.RateLimit)
	}
	switch opts.Seed {
	case "", SeedDemo:
	default:
		return nil, fmt.Errorf("unknown seed %q (want %q or empty)", opts.Seed, SeedDemo)
	}
	s := &Server{opts: opts, log: opts.Logger, adminToken: opts.AdminToken}
	if s.adminToken == "" {
		s.adminToken = "sp-" + randomHex(16)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s.clock.Store(&now)
	s.latency.Store(int64(opts.Latency))
	s.limiter.set(opts.RateLimit, opts.RateBurst)
	s.faults.setRate(opts.FaultRate)
	s.faults.setSeed(opts.FaultSeed)
	s.metrics.init()

	db, err := openDB(opts.DBPath)
	if err != nil {
		return nil, err
	}
	s.db = db
	ctx := context.Background()
	if err := s.migrate(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := s.seed(ctx, opts.Seed); err != nil {
		_ = db.Close()
		return nil, err
	}
	s.routeTb = s.routes()
	s.handler = s.buildHandler()
	if opts.Middleware != nil {
		s.handler = opts.Middleware(s.handler)
	}
	s.handler = s.withOCIPSOAP(s.handler)
	s.ocip.init(opts.OCIPSessionIdle)
	if opts.OCIPListen != "" {
		if err := s.startOCIPTCP(opts.OCIPListen); err != nil {
			_ = db.Close()
			return nil, err
		}
	}
	s.worker.start(s, opts.JobTick)
	return s, nil
}

// routes is the route table of the whole API: one entry per feature. A phase-2 feature adds its
// own xxxRoutes method here.
func (s *Server) routes() []route {
	var rs []route
	rs = append(rs, s.sandboxRoutes()...)
	rs = append(rs, s.enterpriseRoutes()...)
	rs = append(rs, s.userRoutes()...)
	rs = append(rs, s.numberRoutes()...)
	rs = append(rs, s.e911Routes()...)
	rs = append(rs, s.jobRoutes()...)
	rs = append(rs, s.impRoutes()...)
	rs = append(rs, s.activationRoutes()...)
	rs = append(rs, s.reportRoutes()...)
	rs = append(rs, s.dirSyncRoutes()...)
	rs = append(rs, s.secretRoutes()...)
	rs = append(rs, s.callForwardingRoutes()...)
	rs = append(rs, s.lifecycleRoutes()...)
	return rs
}

// route is one entry of a route table. Pattern is a Go 1.22 ServeMux pattern with a method,
// e.g. "POST /v1/enterprises/{ent}/users"; it is also the metrics key and must be a path+method of
// api/openapi.yaml.
type route struct {
	pattern string
	handler http.HandlerFunc
	// public marks a sandbox-only endpoint: no latency, rate limit or faults, and no auth when it
	// only reads (GET, HEAD); every other method of a public route needs the service-provider admin
	// token (requireServiceProvider), so a knob that changes state is never open to the world.
	public bool
}

func (rt route) method() string {
	m, _, _ := strings.Cut(rt.pattern, " ")
	return m
}

func (rt route) path() string {
	_, p, _ := strings.Cut(rt.pattern, " ")
	return p
}

// buildHandler assembles the mux: tracking id and write counting for every request, then the
// per-route chain (see wrap). Unknown routes get a JSON 404.
func (s *Server) buildHandler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routeTb {
		mux.Handle(rt.pattern, s.wrap(rt))
	}
	for _, rt := range s.webexRoutes() { // the Webex front-end (webex.go)
		mux.Handle(rt.pattern, s.wrapWebex(rt))
	}
	for _, p := range webexPrefixes {
		mux.Handle(p, s.webexFallback())
	}
	mux.Handle("/", s.logRequests(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, codeNotFound, "", "no such route: "+r.Method+" "+r.URL.Path)
	})))
	return s.withTrackingID(s.countWrites(mux))
}

// wrap builds the middleware chain of one route, outermost first: metrics → logging → latency →
// rate limit → faults → auth → idempotency (POST) → handler. Tracking ids are assigned before
// routing (buildHandler). Public (sandbox-only) routes are only logged, and authenticated as the
// service provider unless they only read.
func (s *Server) wrap(rt route) http.Handler {
	var h http.Handler = rt.handler
	if rt.public {
		if m := rt.method(); m != http.MethodGet && m != http.MethodHead {
			h = s.authenticate(requireServiceProvider(h))
		}
		return s.logRequests(h)
	}
	if rt.method() == http.MethodPost {
		h = s.idempotent(h)
	}
	h = s.authenticate(h)
	h = s.injectFaults(h)
	h = s.rateLimit(h)
	h = s.addLatency(h)
	h = s.logRequests(h)
	h = s.countRequests(h)
	return h
}

// Handler returns the HTTP handler of the sandbox (for httptest.NewServer or a custom server).
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background.
func (s *Server) Start(addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.httpSrv != nil {
		return errors.New("sandbox already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	// Every phase of a connection is bounded, so a slow or stuck client cannot hold one forever.
	// WriteTimeout leaves room for --latency and the largest list pages.
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.httpSrv = srv
	s.url = "http://" + ln.Addr().String()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("sandbox server stopped", "error", err)
		}
	}()
	s.log.Info("sandbox listening", "url", s.url)
	return nil
}

// URL is the base URL ("http://127.0.0.1:PORT") after Start, "" before.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// AdminToken is the service-provider admin token.
func (s *Server) AdminToken() string { return s.adminToken }

// Close stops serving (gracefully, up to 5 s), stops the worker and closes the database.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		s.mu.Lock()
		srv := s.httpSrv
		s.mu.Unlock()
		if srv != nil {
			// Graceful for requests in flight; a client that keeps an idle or never-used connection
			// open (a pooled keep-alive) is not a failure, so after the grace period the rest is
			// closed.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			if err := srv.Shutdown(ctx); err != nil {
				if !errors.Is(err, context.DeadlineExceeded) {
					errs = append(errs, fmt.Errorf("shut down http server: %w", err))
				}
				_ = srv.Close()
			}
			cancel()
		}
		s.stopOCIPTCP()
		s.worker.stop()
		if err := s.db.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close database: %w", err))
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// SetNow replaces the clock (nil restores time.Now).
func (s *Server) SetNow(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.clock.Store(&now)
}

// now is the sandbox clock in UTC.
func (s *Server) now() time.Time { return (*s.clock.Load())().UTC() }

// timestamp is now as RFC 3339 (UTC, seconds), the format of every timestamp field.
func (s *Server) timestamp() string { return s.now().Format(time.RFC3339) }

// SetLatency changes the latency added to every /v1 request.
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(d)) }

// SetRateLimit changes the token bucket (rps 0 = unlimited; burst 0 = max(1, int(rps))).
func (s *Server) SetRateLimit(rps float64, burst int) { s.limiter.set(rps, burst) }

// SetFaultRate changes the random fault probability (clamped to 0..1).
func (s *Server) SetFaultRate(p float64) { s.faults.setRate(p) }

// randomHex returns n random bytes as lower-case hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Errorf("crypto/rand: %w", err)) // never happens on supported platforms
	}
	return hex.EncodeToString(b)
}

// newID returns prefix + 16 lower-case hex characters, e.g. "usr_0123456789abcdef".
func newID(prefix string) string { return prefix + randomHex(8) }
