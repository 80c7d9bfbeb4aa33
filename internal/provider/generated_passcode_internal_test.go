package provider

import "testing"

// TestPasscodeStillAvoids: a new avoid list keeps the passcode unless the passcode is one of the
// new values, ends a new phone number, or is one reversed.
func TestPasscodeStillAvoids(t *testing.T) {
	const p = "31415926"
	for _, tc := range []struct {
		avoid []string
		keep  bool
	}{
		{[]string{"+17205551241", "1241"}, true},
		{nil, true},
		{[]string{"+33631415926", "3304"}, false}, // ends the number
		{[]string{"31415926"}, false},             // the extension
		{[]string{"62951413"}, false},             // reversed
	} {
		if got := passcodeStillAvoids(p, tc.avoid); got != tc.keep {
			t.Errorf("avoid %v: keep = %v, want %v", tc.avoid, got, tc.keep)
		}
	}
}
