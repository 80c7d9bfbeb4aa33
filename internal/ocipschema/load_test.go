package ocipschema

import (
	"testing"
	"time"
)

func TestLoadR25(t *testing.T) {
	start := time.Now()
	s := Default(t)
	t.Logf("loaded %d files, %d complex and %d simple types in %v", s.files, len(s.complex), len(s.simple), time.Since(start))
	for _, name := range []string{"UserAddRequest22V2", "UserGetResponse23V2", "LoginRequest22V5", "AuthenticationRequest", "LoginRequest14sp4", "c:ErrorResponse", "c:SuccessResponse", "c:OCITable", "GroupDepartmentKey", "UserCallForwardingNoAnswerGetRequest13mp16"} {
		if !s.HasType(name) {
			t.Errorf("schema lacks %s", name)
		}
	}
	if !s.DerivesFrom("GroupDepartmentKey", "DepartmentKey") || s.DerivesFrom("UserAddRequest22V2", "DepartmentKey") {
		t.Error("DerivesFrom is wrong")
	}
	names, _ := s.ElementNames("UserAddRequest22V2")
	if len(names) < 10 || names[0] != "serviceProviderId" || names[2] != "userId" {
		t.Errorf("UserAddRequest22V2 elements = %v", names)
	}
}
