// Package sandbox is the reference backend of the provisioning API (shared/design/API.md, pinned
// down in api/README.md and api/openapi.yaml). It keeps its state in SQLite (modernc.org/sqlite,
// pure Go), either in a file that survives restarts or in memory for tests, and has knobs for tests
// and benchmarks: added latency, a token-bucket rate limit and fault injection.
//
// # Adding a feature
//
// A feature lives in its own file (users.go, numbers.go, e911.go, ...). It contributes
//
//   - a schema step: a SQL constant appended to the migrations slice in migrations.go (never edit a
//     step that has shipped; add a new one),
//   - a route table: a method `func (s *Server) xxxRoutes() []route` listed in (*Server).routes,
//   - handlers that use the shared helpers: decodeJSON, writeJSON, s.fail / writeError, s.tx,
//     s.q, s.authorizeEnterprise / s.authorizeUser, writeUserObject, parsePage / trimPage (paging), list,
//   - optionally hooks (userUpdateChecks in users.go) and background work (worker.go).
//
// Every route gets the same middleware chain (see (*Server).wrap), every POST the Idempotency-Key
// handling, so a handler only does its own job. Every per-user write (PUT, PATCH, DELETE, and a
// POST that changes an object) goes through writeUserObject (userwrite.go): authorise the user,
// load the object, 404 when it must exist, If-Match against its etag, then the handler's write.
// A typical write handler:
//
//	func (s *Server) putThing(w http.ResponseWriter, r *http.Request) {
//		var in thingInput
//		if err := decodeJSON(w, r, &in); err != nil { // 400 invalid_request
//			s.fail(w, r, err)
//			return
//		}
//		var out *thing
//		err := writeUserObject(s, r, thingOf, "", func(ctx context.Context, tx *sql.Tx, u *user, cur *thing) error {
//			... validate with internal/rules → errRule / errInvalid (422), write with tx ...
//		})
//		if err != nil {
//			s.fail(w, r, err) // *apiError as is, anything else a logged 500
//			return
//		}
//		writeJSON(w, http.StatusOK, out.view()) // views with an etag set the ETag header
//	}
//
// where thingOf(ctx, tx, u) returns the user's thing (nil when none) and its etag.
//
// Inside s.tx use only tx (an in-memory database has a single connection), and map unique-index
// violations (violates(err, "table.column")) to 409s.
package sandbox
