package provider_test

import (
	"regexp"
	"strings"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

// errRe matches a Terraform error output containing every part in order, ignoring case. Terraform wraps
// diagnostics at the terminal width and prefixes each line with "│", so the words of a part may be
// split over lines.
func errRe(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(words, `[\s│]+`)
	}
	return regexp.MustCompile(`(?is)` + strings.Join(quoted, `.*`))
}

func clientUser(group string) client.UserInput {
	return client.UserInput{GroupID: group, FirstName: "Kenji", LastName: "Sato"}
}
