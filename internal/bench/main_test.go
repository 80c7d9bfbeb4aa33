package main

import "testing"

func TestSteps(t *testing.T) {
	for _, tc := range []struct {
		steps string
		ok    bool
	}{
		{defaultSteps, true},
		{"first-plan", true},
		{"first-plan, apply,plan", true},
		{"plan", false},    // needs the first apply's state
		{"destroy", false}, // likewise
		{"apply,bogus", false},
	} {
		err := options{steps: tc.steps}.checkSteps()
		if (err == nil) != tc.ok {
			t.Errorf("checkSteps(%q) = %v, want ok %v", tc.steps, err, tc.ok)
		}
	}
	o := options{steps: "first-plan, apply"}
	if !o.has("apply") || !o.has("first-plan") || o.has("destroy") || o.has("first") {
		t.Errorf("has: wrong answers for %q", o.steps)
	}
}
