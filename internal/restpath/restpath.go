// Package restpath builds the escaped URL paths of the REST clients (internal/client,
// internal/webex) from templates such as "/v1/users/{user}/number".
package restpath

import (
	"fmt"
	"net/url"
	"strings"
)

// Fill fills the {name} placeholders of tmpl, in order, with the path-escaped ids. An empty id is
// an error made with required (a format with one %s, the placeholder's name), so that no call ever
// hits a collection by mistake; too many or too few ids are internal errors.
func Fill(tmpl, required string, ids ...string) (string, error) {
	var b strings.Builder
	rest := tmpl
	for _, id := range ids {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 || j < i {
			return "", fmt.Errorf("internal error: too many ids for path %s", tmpl)
		}
		name := rest[i+1 : j]
		if strings.TrimSpace(id) == "" {
			return "", fmt.Errorf(required, name)
		}
		b.WriteString(rest[:i])
		b.WriteString(url.PathEscape(id))
		rest = rest[j+1:]
	}
	if strings.IndexByte(rest, '{') >= 0 {
		return "", fmt.Errorf("internal error: missing id for path %s", tmpl)
	}
	b.WriteString(rest)
	return b.String(), nil
}
