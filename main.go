// Command terraform-provider-ucprov is the Terraform provider for the UC provisioning API: Webex
// calling users, their numbers, E911 addresses, IM&P and Webex activation.
package main

import (
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/ucprov/terraform-provider-ucprov/internal/provider"
)

// Run "go generate" to format the examples and regenerate docs/ for the registry: it runs
// "make docs", i.e. scripts/docs.sh with the pinned tfplugindocs and a CLI that knows write-only
// attributes, exactly as the docs check of "make test" renders them.

//go:generate make --no-print-directory docs

var (
	// version is set by the release build (goreleaser: -X main.version={{.Version}}).
	version = "dev"
	// commit is set by the release build (goreleaser: -X main.commit={{.Commit}}).
	commit = "none"
)

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	if !debug {
		quietUnlessKept()
	}
	// tf6server.Serve is what providerserver.Serve runs for protocol 6; the server is the
	// framework's behind provider.NewServer, which works around a memory leak of the framework.
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	if err := tf6server.Serve("registry.terraform.io/ucprov/ucprov", provider.NewServer(version, commit), opts...); err != nil {
		log.Fatal(err.Error())
	}
}

// quietUnlessKept turns the provider's log lines off when the CLI that started it throws them all
// away. Terraform and OpenTofu keep a provider's lines only when TF_LOG_PROVIDER, or else TF_LOG,
// names a level other than off (otherwise their provider logger is off), yet the plugin libraries log at TRACE unless told
// otherwise: every request then writes dozens of JSON lines that the CLI reads and parses only to
// drop them. Measured with make bench at N = 100 on 2 CPUs, that formatting and parsing was 40% of
// a first apply's time. A level set for the provider side (TF_LOG_SDK, TF_LOG_PROVIDER_UCPROV) is
// left as it is; in debug mode (-debug) the lines go to the developer's terminal and stay.
func quietUnlessKept() {
	level := os.Getenv("TF_LOG_PROVIDER") // the CLI's provider level: TF_LOG_PROVIDER, else TF_LOG
	if level == "" {
		level = os.Getenv("TF_LOG")
	}
	if level != "" && !strings.EqualFold(level, "off") {
		return
	}
	for _, k := range []string{"TF_LOG_SDK", "TF_LOG_PROVIDER_UCPROV"} {
		if os.Getenv(k) == "" {
			_ = os.Setenv(k, "off")
		}
	}
}
