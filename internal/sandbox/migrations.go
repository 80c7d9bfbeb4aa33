package sandbox

import (
	"context"
	"database/sql"
	"fmt"
)

// migration is one schema step. Steps are applied in order, each in its own transaction, and
// recorded in schema_migrations; a step that has shipped is never edited, a change is a new step.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations is the schema history. The SQL of a step lives in its feature's file; a phase-2
// feature appends {version: N+1, name: "...", sql: itsSchema}.
var migrations = []migration{
	{version: 1, name: "core", sql: coreSchema},
	{version: 2, name: "users", sql: usersSchema},
	{version: 3, name: "numbers", sql: numbersSchema},
	{version: 4, name: "e911", sql: e911Schema},
	{version: 5, name: "jobs", sql: jobsSchema},
	{version: 6, name: "integrated_imp", sql: impSchema},
	{version: 7, name: "activation", sql: activationSchema},
	{version: 8, name: "directory_sync", sql: dirSyncSchema},
	{version: 9, name: "secrets", sql: secretsSchema},
	{version: 10, name: "call_forwarding", sql: callForwardingSchema},
	{version: 11, name: "lifecycle", sql: lifecycleSchema},
	{version: 12, name: "platform_ids", sql: platformIDsSchema},
	{version: 13, name: "ocip", sql: ocipSchema},
	{version: 14, name: "webex", sql: webexSchema},
}

// coreSchema: tenancy (enterprises, groups), tokens and idempotency keys.
const coreSchema = `
CREATE TABLE enterprises (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE TABLE groups (
	id            TEXT PRIMARY KEY,
	enterprise_id TEXT NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
	name          TEXT NOT NULL,
	time_zone     TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	UNIQUE (enterprise_id, id)
);
-- Bearer tokens, stored as sha256; enterprise_id NULL = service-provider token.
CREATE TABLE tokens (
	token_sha256  TEXT PRIMARY KEY,
	enterprise_id TEXT REFERENCES enterprises(id) ON DELETE CASCADE,
	label         TEXT NOT NULL
);
-- Idempotency-Key records, written in the transaction of the POST they answer.
CREATE TABLE idempotency_keys (
	scope        TEXT NOT NULL,    -- sha256 of the caller's token
	key          TEXT NOT NULL,
	method       TEXT NOT NULL,
	path         TEXT NOT NULL,
	body_sha256  TEXT NOT NULL,
	status       INTEGER NOT NULL,
	headers      TEXT NOT NULL,    -- JSON object of replayed headers (Location, ETag, Content-Type)
	body         BLOB NOT NULL,
	created_unix INTEGER NOT NULL, -- unix nanoseconds, Options.Now
	PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_unix);
`

// migrate applies the steps newer than the database's version.
func (s *Server) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for i, m := range migrations {
		if m.version != i+1 {
			return fmt.Errorf("migration %q has version %d, want %d", m.name, m.version, i+1)
		}
	}
	for _, m := range migrations {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return fmt.Errorf("read schema version: %w", err)
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("apply: %w", err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, s.timestamp())
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
	}
	var newest int
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if newest > len(migrations) {
		return fmt.Errorf("database schema version %d is newer than this sandbox (%d)", newest, len(migrations))
	}
	return nil
}
