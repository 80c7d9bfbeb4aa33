package sandbox

import (
	"context"
	"database/sql"
	"fmt"
)

// SeedDemo is the deterministic demo tenant (see seedDemo).
const SeedDemo = "demo"

// Demo seed identifiers, for tests and the quick start.
const (
	DemoEnterpriseAcme   = "ent_acme"
	DemoEnterpriseGlobex = "ent_globex"
	DemoGroupDenver      = "grp_denver"
	DemoGroupParis       = "grp_paris"
	DemoGroupTokyo       = "grp_tokyo"
	DemoAcmeToken        = "acme-admin-token"
	DemoGlobexToken      = "globex-admin-token"
)

type seedGroup struct {
	id, name, timeZone string
	numberPrefix       string // E.164 without the last two digits
	first, last        int    // the last two digits of the numbers
}

type seedEnterprise struct {
	id, name, token string
	groups          []seedGroup
}

var demoSeed = []seedEnterprise{
	{id: DemoEnterpriseAcme, name: "Acme Corp", token: DemoAcmeToken, groups: []seedGroup{
		{id: DemoGroupDenver, name: "Denver", timeZone: "America/Denver", numberPrefix: "+172055512", first: 0, last: 99},
		{id: DemoGroupParis, name: "Paris", timeZone: "Europe/Paris", numberPrefix: "+336343332", first: 0, last: 99},
	}},
	{id: DemoEnterpriseGlobex, name: "Globex Corporation", token: DemoGlobexToken, groups: []seedGroup{
		{id: DemoGroupTokyo, name: "Tokyo", timeZone: "Asia/Tokyo", numberPrefix: "+813455501", first: 0, last: 99},
	}},
}

// seed loads a named data set. Seeding is idempotent: rows that exist are left alone.
func (s *Server) seed(ctx context.Context, name string) error {
	switch name {
	case "":
		return nil
	case SeedDemo:
		if err := s.seedExternalWebexAccounts(ctx); err != nil {
			return err
		}
		return s.tx(ctx, func(tx *sql.Tx) error {
			if err := s.seedEnterprises(ctx, tx, demoSeed); err != nil {
				return err
			}
			if err := s.seedOCIPAdmins(ctx, tx); err != nil {
				return err
			}
			if err := s.seedInventory(ctx, tx, s.opts.Inventory); err != nil {
				return err
			}
			return s.seedWebex(ctx, tx) // webex_seed.go
		})
	}
	return fmt.Errorf("unknown seed %q", name)
}

func (s *Server) seedEnterprises(ctx context.Context, tx *sql.Tx, ents []seedEnterprise) error {
	now := s.timestamp()
	for _, e := range ents {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO enterprises (id, name, created_at) VALUES (?, ?, ?)`,
			e.id, e.name, now); err != nil {
			return fmt.Errorf("seed enterprise %s: %w", e.id, err)
		}
		if e.token != "" {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO tokens (token_sha256, enterprise_id, label) VALUES (?, ?, ?)`,
				tokenHash(e.token), e.id, e.id+" admin"); err != nil {
				return fmt.Errorf("seed token of %s: %w", e.id, err)
			}
		}
		for _, g := range e.groups {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO groups (id, enterprise_id, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`,
				g.id, e.id, g.name, g.timeZone, now); err != nil {
				return fmt.Errorf("seed group %s: %w", g.id, err)
			}
			for n := g.first; n <= g.last; n++ {
				number := fmt.Sprintf("%s%02d", g.numberPrefix, n)
				if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO numbers (phone_number, enterprise_id, group_id) VALUES (?, ?, ?)`,
					number, e.id, g.id); err != nil {
					return fmt.Errorf("seed number %s: %w", number, err)
				}
			}
		}
	}
	return nil
}

// maxInventory is the largest --inventory: the extra numbers are +1720560xxxx … +1720999xxxx.
const maxInventory = 100 + 4_400_000

// InventoryNumber is the i-th phone number (from 0) of grp_denver's inventory in the demo seed
// with Options.Inventory > i: the seed's +17205551200…+17205551299 first, then +17205600000,
// +17205600001, … (for tests and benchmarks that need many users with numbers).
func InventoryNumber(i int) string {
	if i < 100 {
		return fmt.Sprintf("+172055512%02d", i)
	}
	return fmt.Sprintf("+1720%07d", 5_600_000+i-100)
}

// seedInventory adds numbers to grp_denver until it has n (Options.Inventory; at most 100 = the
// seed as it is).
func (s *Server) seedInventory(ctx context.Context, tx *sql.Tx, n int) error {
	if n <= 100 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO numbers (phone_number, enterprise_id, group_id) VALUES (?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("seed inventory: %w", err)
	}
	defer func() { _ = stmt.Close() }()
	for i := 100; i < n; i++ {
		if _, err := stmt.ExecContext(ctx, InventoryNumber(i), DemoEnterpriseAcme, DemoGroupDenver); err != nil {
			return fmt.Errorf("seed number %s: %w", InventoryNumber(i), err)
		}
	}
	return nil
}
