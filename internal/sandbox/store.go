package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// querier is what *sql.DB and *sql.Tx have in common. Helpers take a querier so that they work
// inside and outside a transaction.
//
// Rule of the house: inside a transaction use only that transaction (never s.db or s.q with a
// context that does not carry it): an in-memory database has a single connection, so a second
// one would wait forever. For the same reason, close a *sql.Rows before running the next query.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// openDB opens the SQLite database: a file (WAL, busy timeout, foreign keys, immediate
// transactions) or, for path "", a private in-memory database on a single connection.
func openDB(path string) (*sql.DB, error) {
	const pragmas = "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_txlock=immediate"
	var dsn string
	if path == "" {
		dsn = "file:ucprov-sandbox-" + randomHex(8) + "?mode=memory&" + pragmas
	} else {
		if strings.ContainsAny(path, "?#") {
			return nil, fmt.Errorf("database path %q must not contain '?' or '#'", path)
		}
		if err := privateDBFiles(path); err != nil {
			return nil, err
		}
		dsn = path + "?" + pragmas + "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if path == "" {
		// One connection keeps the in-memory database alive and private to this Server.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
	} else {
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
	}
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(context.Background()); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open database %q: %w", path, err)
	}
	return db, nil
}

// privateDBFiles creates the database file readable by its owner only (0600), and tightens an
// existing one and its -wal and -shm files (SQLite creates those with the database file's mode).
func privateDBFiles(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open database %q: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("open database %q: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("make %q private: %w", p, err)
		}
	}
	return nil
}

// q returns the request's transaction when there is one (idempotent POSTs run in one), else the
// database.
func (s *Server) q(ctx context.Context) querier {
	if tx := txFrom(ctx); tx != nil {
		return tx
	}
	return s.db
}

func withTx(ctx context.Context, tx *sql.Tx) context.Context {
	return context.WithValue(ctx, ctxTx, tx)
}

func txFrom(ctx context.Context) *sql.Tx {
	tx, _ := ctx.Value(ctxTx).(*sql.Tx)
	return tx
}

// tx runs fn in a write transaction: committed when fn returns nil, rolled back otherwise (fn's
// error is returned as is, so an *apiError reaches s.fail). When ctx already carries a
// transaction (an idempotent POST), fn joins it and the outer owner commits or rolls back.
func (s *Server) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	if tx := txFrom(ctx); tx != nil {
		return fn(tx)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// uniqueViolation reports whether err is a UNIQUE/PRIMARY KEY constraint failure and returns
// SQLite's description of it, e.g. "users.email_norm" or "user_numbers.enterprise_id,
// user_numbers.extension".
func uniqueViolation(err error) (string, bool) {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return "", false
	}
	if se.Code() != sqlite3.SQLITE_CONSTRAINT_UNIQUE && se.Code() != sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		return "", false
	}
	msg := se.Error()
	if _, rest, ok := strings.Cut(msg, "constraint failed: "); ok {
		msg = rest
	}
	if i := strings.LastIndex(msg, " ("); i > 0 {
		msg = msg[:i]
	}
	return msg, true
}

// violates reports whether err is a unique violation whose description mentions column (e.g.
// "users.email_norm").
func violates(err error, column string) bool {
	desc, ok := uniqueViolation(err)
	return ok && strings.Contains(desc, column)
}

// nullIfEmpty stores "" as NULL (for columns under a unique index where "" means unset).
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// queryAll runs a query and scans every row (the rows are closed before it returns, so the
// caller may run the next query on a single-connection database).
func queryAll[T any](ctx context.Context, q querier, query string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer func() { _ = rows.Close() }() // a failed iteration is reported by rows.Err below
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	return out, nil
}
