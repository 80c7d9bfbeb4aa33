package e2e

import "testing"

// TestOpCounters: an operation is counted where its platform's requests are: a BroadWorks user
// create is an OCI-P command inside a document, not a /v1 POST.
func TestOpCounters(t *testing.T) {
	m := map[string]int64{
		"POST /v1/enterprises/{ent}/users": 5, "OCIP UserAddRequest22V2": 2, "POST /webservice/services/ProvisioningService": 9,
		"POST /v1/wholesale/subscribers": 3, "PUT /v1/users/{usr}/portal-password": 1,
	}
	for _, c := range []struct {
		platform string
		op       Op
		want     int64
	}{
		{"", OpCreateUser, 5}, {"ucprov", OpCreateUser, 5}, {"broadworks", OpCreateUser, 2}, {"wholesale", OpCreateUser, 3},
		{"", OpSetPassword, 1}, {"broadworks", OpSetPassword, 0}, {"wholesale", OpSetPassword, 0},
	} {
		sb := &Sandbox{opts: SandboxOptions{Platform: c.platform}}
		if got := sb.Count(m, c.op); got != c.want {
			t.Errorf("platform %q op %d: %d, want %d", c.platform, c.op, got, c.want)
		}
	}
	if (&Sandbox{opts: SandboxOptions{Platform: "wholesale"}}).Counter(OpSetPassword) != "" {
		t.Error("wholesale has a portal password counter")
	}
}
