package e2e

import (
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// Op is an operation of the provider whose requests a test counts. The sandbox counts HTTP
// requests by route and OCI-P commands by type (sandbox.OCIPCommandMetric; an OCI-P document
// carries up to 15 commands and is counted once by its route): the counter of an operation
// depends on the platform the provider speaks (Sandbox.Count).
type Op int

const (
	// OpCreateUser: a user create (ucprov POST /v1/enterprises/{ent}/users; broadworks
	// UserAddRequest22V2; wholesale POST /v1/wholesale/subscribers).
	OpCreateUser Op = iota + 1
	// OpSetPasscode: a voicemail passcode write.
	OpSetPasscode
	// OpSetPassword: a portal password write (wholesale has none).
	OpSetPassword
)

// opCounters are the metrics keys of each operation per platform.
var opCounters = map[string]map[Op]string{
	platform.NameUCProv: {
		OpCreateUser:  "POST /v1/enterprises/{ent}/users",
		OpSetPasscode: "PUT /v1/users/{usr}/voicemail/passcode",
		OpSetPassword: "PUT /v1/users/{usr}/portal-password",
	},
	platform.NameBroadWorks: {
		OpCreateUser:  sandbox.OCIPCommandMetric("UserAddRequest22V2"),
		OpSetPasscode: sandbox.OCIPCommandMetric("UserPortalPasscodeModifyRequest"),
		OpSetPassword: sandbox.OCIPCommandMetric("PasswordModifyRequest"),
	},
	platform.NameWholesale: {
		OpCreateUser:  "POST /v1/wholesale/subscribers",
		OpSetPasscode: "PUT /v1/telephony/config/people/{personId}/voicemail/passcode",
	},
}

// Counter is the metrics key (Sandbox.Metrics) of op on the sandbox's platform; "" when the
// platform has no such operation.
func (s *Sandbox) Counter(op Op) string {
	p := s.Platform()
	if p == "" {
		p = platform.NameUCProv
	}
	return opCounters[p][op]
}

// Count is how many requests (or OCI-P commands) of op metrics m holds on the sandbox's platform.
func (s *Sandbox) Count(m map[string]int64, op Op) int64 {
	if k := s.Counter(op); k != "" {
		return m[k]
	}
	return 0
}
