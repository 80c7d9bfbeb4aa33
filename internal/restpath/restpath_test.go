package restpath

import "testing"

func TestFill(t *testing.T) {
	for _, tc := range []struct {
		tmpl string
		ids  []string
		want string
		err  string
	}{
		{"/v1/users/{user}/number", []string{"usr 1/a"}, "/v1/users/usr%201%2Fa/number", ""},
		{"/v1/users/{user}", []string{" "}, "", "user id is required"},
		{"/v1/users", []string{"x"}, "", "internal error: too many ids for path /v1/users"},
		{"/v1/users/{user}", nil, "", "internal error: missing id for path /v1/users/{user}"},
	} {
		got, err := Fill(tc.tmpl, "%s id is required", tc.ids...)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
			t.Errorf("Fill(%q, %q) = %q, %v; want %q, %q", tc.tmpl, tc.ids, got, err, tc.want, tc.err)
		}
	}
}
