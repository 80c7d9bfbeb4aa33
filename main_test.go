package main

import (
	"os"
	"testing"
)

func TestQuietUnlessKept(t *testing.T) {
	for _, tc := range []struct {
		name            string
		env             map[string]string
		wantSDK, wantUC string
	}{
		{"nothing set: the CLI drops every line", nil, "off", "off"},
		{"TF_LOG set: the CLI keeps them", map[string]string{"TF_LOG": "debug"}, "", ""},
		{"TF_LOG_PROVIDER set", map[string]string{"TF_LOG_PROVIDER": "trace"}, "", ""},
		{"a provider-side level is kept", map[string]string{"TF_LOG_SDK": "warn"}, "warn", "off"},
		{"TF_LOG=off", map[string]string{"TF_LOG": "OFF"}, "off", "off"},
		{"TF_LOG_PROVIDER=off wins over TF_LOG", map[string]string{"TF_LOG": "trace", "TF_LOG_PROVIDER": "off"}, "off", "off"},
		{"TF_LOG_PROVIDER wins over TF_LOG=off", map[string]string{"TF_LOG": "off", "TF_LOG_PROVIDER": "debug"}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_PROVIDER_UCPROV"} {
				t.Setenv(k, tc.env[k]) // restored after the test
			}
			quietUnlessKept()
			if got := os.Getenv("TF_LOG_SDK"); got != tc.wantSDK {
				t.Errorf("TF_LOG_SDK = %q, want %q", got, tc.wantSDK)
			}
			if got := os.Getenv("TF_LOG_PROVIDER_UCPROV"); got != tc.wantUC {
				t.Errorf("TF_LOG_PROVIDER_UCPROV = %q, want %q", got, tc.wantUC)
			}
		})
	}
}
