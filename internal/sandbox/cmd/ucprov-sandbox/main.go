// Command ucprov-sandbox runs the reference backend of the provisioning API.
//
//	go run ./internal/sandbox/cmd/ucprov-sandbox --listen 127.0.0.1:8787 --db ./sandbox.db --seed demo
//
// Once it listens it writes these lines for the shell to --env-file (created 0600):
//
//	export UCPROV_ENDPOINT=http://127.0.0.1:8787
//	export UCPROV_TOKEN=...
//	export UCPROV_ENTERPRISE_ID=ent_acme
//	export WEBEX_BASE_URL=http://127.0.0.1:8787/v1
//	export WEBEX_ACCESS_TOKEN=...   (the demo partner token with --seed demo, else empty)
//	export UCPROV_BROADWORKS_ENDPOINT=http://127.0.0.1:8787/webservice/services/ProvisioningService
//	export UCPROV_BROADWORKS_USERNAME=acme-admin@ocip.example
//	export UCPROV_BROADWORKS_PASSWORD=...
//
// (the BroadWorks endpoint is OCI-P over SOAP; the login is the demo seed's OCI-P admin of
// ent_acme, empty without --seed demo), and prints them on stdout with the token and the password
// left out (comments say where they are): the admin token is never printed, not even by --help.
// With --ocip-listen HOST:PORT it also serves OCI-P over TCP there and prints a comment with its
// tcp:// address. Without --admin-token or $UCPROV_SANDBOX_TOKEN the token is
// random and --env-file is required.
//
// Logs go to stderr. SIGINT or SIGTERM shuts it down cleanly.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ucprov-sandbox:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ucprov-sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8787", "address to listen on (port 0 = any free port)")
	dbPath := fs.String("db", "", "SQLite database file (empty = in memory, lost on exit)")
	seed := fs.String("seed", sandbox.SeedDemo, `seed data set: "demo" or "" (none)`)
	// No flag default from the environment: --help would print the token.
	adminToken := fs.String("admin-token", "",
		"service-provider admin token (default: $UCPROV_SANDBOX_TOKEN, else random and written to --env-file only)")
	latency := fs.Duration("latency", 0, "latency added to every /v1 request")
	rateLimit := fs.Float64("rate-limit", 0, "requests per second (token bucket); 0 = unlimited")
	rateBurst := fs.Int("rate-burst", 0, "token bucket size (default max(1, rate-limit))")
	faultRate := fs.Float64("fault-rate", 0, "chance 0..1 that a /v1 request gets a random fault "+
		"(429 with Retry-After, 500, 503, connection reset; on writes also 500 or reset after the commit)")
	faultSeed := fs.Uint64("fault-seed", 0, "seed of the random faults (0 = a different sequence every run)")
	inventory := fs.Int("inventory", 0, "phone numbers in grp_denver's inventory with --seed demo (at least the seed's 100)")
	jobTick := fs.Duration("job-tick", time.Second, "pace of the background job worker")
	envFile := fs.String("env-file", "", "also write the export lines to this file")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	ocipListen := fs.String("ocip-listen", "", "also serve BroadWorks OCI-P over TCP on this address (e.g. 127.0.0.1:2208; port 0 = any free port)")
	printLocation := fs.String("print-webex-location", "", "print the Webex Calling location id of a demo group (e.g. grp_paris) and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *printLocation != "" {
		_, err := fmt.Fprintln(stdout, sandbox.DemoWebexLocation(*printLocation))
		return err
	}
	tokenGiven := true
	if *adminToken == "" {
		*adminToken = os.Getenv("UCPROV_SANDBOX_TOKEN")
		tokenGiven = *adminToken != ""
	}
	if !tokenGiven && *envFile == "" {
		return errors.New("--env-file is required without --admin-token or $UCPROV_SANDBOX_TOKEN: the random admin token is written there and never printed")
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	srv, err := sandbox.New(sandbox.Options{
		DBPath:     *dbPath,
		Seed:       *seed,
		AdminToken: *adminToken,
		Latency:    *latency,
		RateLimit:  *rateLimit,
		RateBurst:  *rateBurst,
		FaultRate:  *faultRate,
		FaultSeed:  *faultSeed,
		Inventory:  *inventory,
		JobTick:    *jobTick,
		Logger:     logger,
		OCIPListen: *ocipListen,
	})
	if err != nil {
		return err
	}
	if err := srv.Start(*listen); err != nil {
		return errors.Join(err, srv.Close())
	}

	enterpriseID, bwUser, bwPassword := "", "", ""
	if *seed == sandbox.SeedDemo {
		enterpriseID, bwUser, bwPassword = sandbox.DemoEnterpriseAcme, sandbox.DemoOCIPAdmin, sandbox.DemoOCIPPassword
		if !loopbackURL(srv.URL()) {
			// Written whatever --log-level says: anyone who can reach the address can use them.
			_, _ = fmt.Fprintf(stderr, "ucprov-sandbox: WARNING: listening on %s, not a loopback address, with --seed demo: "+
				"the demo tokens %s and %s are public (they are in the source and the README) and give enterprise-admin access "+
				"to anyone who can reach this address; use --seed \"\" or a loopback --listen address\n",
				srv.URL(), sandbox.DemoAcmeToken, sandbox.DemoGlobexToken)
		}
	}
	exports := fmt.Sprintf("export UCPROV_ENDPOINT=%s\nexport UCPROV_TOKEN=%s\nexport UCPROV_ENTERPRISE_ID=%s\n"+
		"export UCPROV_BROADWORKS_ENDPOINT=%s\nexport UCPROV_BROADWORKS_USERNAME=%s\nexport UCPROV_BROADWORKS_PASSWORD=%s\n",
		shellQuote(srv.URL()), shellQuote(srv.AdminToken()), shellQuote(enterpriseID),
		shellQuote(srv.OCIPSOAPURL()), shellQuote(bwUser), shellQuote(bwPassword))
	exports += webexExports(srv.URL(), *seed)
	tokenLine := "# UCPROV_TOKEN: the admin token you gave (--admin-token or $UCPROV_SANDBOX_TOKEN)"
	passwordLine := "# UCPROV_BROADWORKS_PASSWORD: the demo OCI-P password (sandbox.DemoOCIPPassword; use --env-file to get it exported)"
	if *envFile != "" {
		if err := writePrivateFile(*envFile, exports); err != nil {
			return errors.Join(fmt.Errorf("write env file: %w", err), srv.Close())
		}
		tokenLine = "# UCPROV_TOKEN: in " + *envFile + " (source it)"
		passwordLine = "# UCPROV_BROADWORKS_PASSWORD: in " + *envFile + " (source it)"
	}
	printed := fmt.Sprintf("export UCPROV_ENDPOINT=%s\n%s\nexport UCPROV_ENTERPRISE_ID=%s\n"+
		"export UCPROV_BROADWORKS_ENDPOINT=%s\nexport UCPROV_BROADWORKS_USERNAME=%s\n%s\n",
		shellQuote(srv.URL()), tokenLine, shellQuote(enterpriseID), shellQuote(srv.OCIPSOAPURL()), shellQuote(bwUser), passwordLine)
	if addr := srv.OCIPAddr(); addr != "" {
		printed += "# OCI-P over TCP: tcp://" + addr + "\n"
	}
	if _, err := fmt.Fprint(stdout, printed); err != nil {
		return errors.Join(fmt.Errorf("write exports: %w", err), srv.Close())
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	logger.Info("shutting down")
	return srv.Close()
}

// webexExports are the env-file lines of the Webex front-end: its base URL and, with the demo
// seed, the demo partner token (never printed, like UCPROV_TOKEN).
func webexExports(url, seed string) string {
	token := ""
	if seed == sandbox.SeedDemo {
		token = sandbox.DemoWebexToken
	}
	return fmt.Sprintf("export WEBEX_BASE_URL=%s\nexport WEBEX_ACCESS_TOKEN=%s\n", shellQuote(url+"/v1"), shellQuote(token))
}

// writePrivateFile writes content to path readable by its owner only (also when path exists).
func writePrivateFile(path, content string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err //nolint:wrapcheck // wrapped by the caller
	}
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return err //nolint:wrapcheck // wrapped by the caller
	}
	if _, err := f.WriteString(content); err != nil {
		_ = f.Close()
		return err //nolint:wrapcheck // wrapped by the caller
	}
	return f.Close() //nolint:wrapcheck // wrapped by the caller
}

// shellQuote quotes s for a POSIX shell when it needs it ("" stays empty: `export X=`).
func shellQuote(s string) string {
	for _, c := range s {
		if !shellSafe(c) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}

// shellSafe reports whether c needs no quoting in a POSIX shell word.
func shellSafe(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./:@%+=,", c)
}

// loopbackURL reports whether the base URL the sandbox listens on (srv.URL(): the address it
// bound, so "localhost" is already resolved and ":port" shows as the unspecified address) is a
// loopback address, reachable from this machine only.
func loopbackURL(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}
