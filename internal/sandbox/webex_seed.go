package sandbox

import (
	"context"
	"database/sql"
	"fmt"
)

// The demo seed's Webex part (--seed demo): a partner token with every scope, an OAuth client
// for refresh tests, the Webex orgIds of ent_acme and ent_globex, and ent_acme's groups as Webex
// Calling locations (ent_acme is also the demo wholesale customer).
const (
	// DemoWebexToken is a Webex partner access token with every scope of WebexScopes that sees
	// every enterprise; it never expires.
	DemoWebexToken = "webex-partner-token"
	// DemoWebexAcmeToken is a customer administrator's token of ent_acme: every scope, but it
	// sees ent_acme only (everything else answers 404).
	DemoWebexAcmeToken = "webex-acme-admin-token"
	// DemoWebexClientID, DemoWebexClientSecret and DemoWebexRefreshToken are an OAuth
	// integration: POST /v1/access_token with grant_type=refresh_token issues access tokens with
	// every scope that live Options.WebexTokenLifetime.
	DemoWebexClientID     = "demo-webex-client"
	DemoWebexClientSecret = "demo-webex-client-secret"
	DemoWebexRefreshToken = "demo-webex-refresh-token"
	// DemoWebexOrgAcme and DemoWebexOrgGlobex are the Webex orgIds of ent_acme and ent_globex.
	DemoWebexOrgAcme   = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi82ZTNlMmE1Yy1hY21lLTRjMWUtOWQwYS0wMDAwMDAwMDAwMDE"
	DemoWebexOrgGlobex = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi82ZTNlMmE1Yy0xYmV4LTRjMWUtOWQwYS0wMDAwMDAwMDAwMDI"
)

// DemoWebexLocation is the Webex locationId of a demo group (grp_denver, grp_paris, …).
func DemoWebexLocation(groupID string) string { return webexID("LOCATION", groupID) }

// WebexID is the Webex id of a store row (kind SUBSCRIBER, PEOPLE, ENTERPRISE, CUSTOMER,
// LOCATION, …): for tests that hold a row id and need the id a Webex front-end shows.
func WebexID(kind, id string) string { return webexID(kind, id) }

type seedLocation struct {
	group                                                string
	address1, address2, city, state, postalCode, country string
	language                                             string
}

var demoWebexLocations = []seedLocation{
	{group: DemoGroupDenver, address1: "1600 Broadway", address2: "Suite 200", city: "Denver", state: "CO",
		postalCode: "80202", country: "US", language: "en_us"},
	{group: DemoGroupParis, address1: "10 Rue de Rivoli", city: "Paris", postalCode: "75004", country: "FR",
		language: "fr_fr"}, // a French address has no state
}

func (s *Server) seedWebex(ctx context.Context, tx *sql.Tx) error {
	for _, o := range []struct{ ent, org string }{{DemoEnterpriseAcme, DemoWebexOrgAcme}, {DemoEnterpriseGlobex, DemoWebexOrgGlobex}} {
		if _, err := tx.ExecContext(ctx, `UPDATE enterprises SET webex_org_id = ? WHERE id = ? AND webex_org_id IS NULL`,
			o.org, o.ent); err != nil {
			return fmt.Errorf("seed webex org of %s: %w", o.ent, err)
		}
	}
	for _, l := range demoWebexLocations {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO webex_locations (group_id, address1, address2, city, state,
			postal_code, country, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, l.group, l.address1, l.address2, l.city, l.state,
			l.postalCode, l.country, l.language); err != nil {
			return fmt.Errorf("seed webex location %s: %w", l.group, err)
		}
	}
	if err := s.insertWebexToken(ctx, tx, WebexToken{Token: DemoWebexToken, Label: "demo webex partner", Scopes: WebexScopes}); err != nil {
		return err
	}
	if err := s.insertWebexToken(ctx, tx, WebexToken{Token: DemoWebexAcmeToken, Label: "demo webex acme admin", Scopes: WebexScopes,
		Enterprises: []string{DemoEnterpriseAcme}}); err != nil {
		return err
	}
	return insertOAuthClient(ctx, tx, WebexOAuthClient{ClientID: DemoWebexClientID, ClientSecret: DemoWebexClientSecret,
		RefreshToken: DemoWebexRefreshToken, Scopes: WebexScopes})
}
