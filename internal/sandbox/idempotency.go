package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// idempotencyTTL is how long an Idempotency-Key is remembered.
const idempotencyTTL = 24 * time.Hour

// replayedHeaders are the response headers stored with an Idempotency-Key and replayed.
var replayedHeaders = []string{"Location", "ETag", "Content-Type"}

type idempotencyRecord struct {
	method, path, bodySHA string
	status                int
	headers               map[string]string
	body                  []byte
	createdUnix           int64
}

// idempotent handles Idempotency-Key on a POST. Without the header the request goes straight
// through. With it, the whole handler runs in one transaction (s.tx joins it) together with the
// lookup and the record of the key, so that a response lost after the commit (FaultAfterCommit,
// a dropped connection) is replayed on retry and nothing is created twice:
//
//   - same token + key + method + path + body within 24 h → the stored response, header
//     Idempotent-Replayed: true;
//   - same token + key, anything else different → 422 idempotency_key_reused;
//   - new key → handler; a 2xx response is stored with the key and committed; anything else is
//     rolled back and not stored (a retry runs again).
func (s *Server) idempotent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			next.ServeHTTP(w, r)
			return
		}
		if len(key) > 255 {
			writeError(w, r, http.StatusBadRequest, codeInvalidRequest, "Idempotency-Key", "idempotency-key longer than 255 characters")
			return
		}
		body, err := readBody(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(body)
		bodySHA := hex.EncodeToString(sum[:])
		ctx := r.Context()
		scope := principalFrom(ctx).tokenID

		s.writeMu.Lock()
		defer s.writeMu.Unlock()
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			s.fail(w, r, fmt.Errorf("begin transaction: %w", err))
			return
		}
		defer func() { _ = tx.Rollback() }()

		now := s.now()
		rec, err := loadIdempotencyRecord(ctx, tx, scope, key)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if rec != nil && now.Sub(time.Unix(0, rec.createdUnix)) < idempotencyTTL {
			if rec.method != r.Method || rec.path != r.URL.Path || rec.bodySHA != bodySHA {
				writeError(w, r, http.StatusUnprocessableEntity, codeIdempotencyKeyReused, "",
					"idempotency-key was used for a different request")
				return
			}
			for k, v := range rec.headers {
				w.Header().Set(k, v)
			}
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(rec.status)
			_, _ = w.Write(rec.body)
			return
		}

		bw := newBufferedWriter()
		next.ServeHTTP(bw, r.WithContext(withTx(ctx, tx)))
		if bw.code() < 200 || bw.code() > 299 {
			_ = tx.Rollback()
			bw.flushTo(w)
			return
		}
		if err := storeIdempotencyRecord(ctx, tx, scope, key, idempotencyRecord{
			method: r.Method, path: r.URL.Path, bodySHA: bodySHA, status: bw.code(),
			headers: pickHeaders(bw.header), body: bw.body.Bytes(), createdUnix: now.UnixNano(),
		}, now.Add(-idempotencyTTL).UnixNano()); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := tx.Commit(); err != nil {
			s.fail(w, r, fmt.Errorf("commit: %w", err))
			return
		}
		bw.flushTo(w)
	})
}

func pickHeaders(h http.Header) map[string]string {
	m := map[string]string{}
	for _, k := range replayedHeaders {
		if v := h.Get(k); v != "" {
			m[k] = v
		}
	}
	return m
}

func loadIdempotencyRecord(ctx context.Context, q querier, scope, key string) (*idempotencyRecord, error) {
	var rec idempotencyRecord
	var headers string
	err := q.QueryRowContext(ctx, `SELECT method, path, body_sha256, status, headers, body, created_unix
		FROM idempotency_keys WHERE scope = ? AND key = ?`, scope, key).
		Scan(&rec.method, &rec.path, &rec.bodySHA, &rec.status, &headers, &rec.body, &rec.createdUnix)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load idempotency key: %w", err)
	}
	if err := json.Unmarshal([]byte(headers), &rec.headers); err != nil {
		return nil, fmt.Errorf("decode idempotency headers: %w", err)
	}
	return &rec, nil
}

// storeIdempotencyRecord records a key (replacing an expired record of the same key) and drops
// the records older than expiredBefore.
func storeIdempotencyRecord(ctx context.Context, q querier, scope, key string, rec idempotencyRecord, expiredBefore int64) error {
	headers, err := json.Marshal(rec.headers)
	if err != nil {
		return fmt.Errorf("encode idempotency headers: %w", err)
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_unix < ?`, expiredBefore); err != nil {
		return fmt.Errorf("expire idempotency keys: %w", err)
	}
	if _, err := q.ExecContext(ctx, `INSERT OR REPLACE INTO idempotency_keys
		(scope, key, method, path, body_sha256, status, headers, body, created_unix) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		scope, key, rec.method, rec.path, rec.bodySHA, rec.status, string(headers), rec.body, rec.createdUnix); err != nil {
		return fmt.Errorf("store idempotency key: %w", err)
	}
	return nil
}
