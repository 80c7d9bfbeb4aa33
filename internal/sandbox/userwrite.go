package sandbox

import (
	"context"
	"database/sql"
	"net/http"
)

// A per-user write handler always has the same shape: in one transaction, authorise the user of
// the request (404 outside the tenancy), load the object it writes, answer 404 when that object
// must exist and does not, check If-Match against the object's etag (412), then write. writeUser
// Object is that shape once; every per-user PUT, PATCH, DELETE and POST that changes an object
// uses it, so none can forget a step.

// userObject is a loader of the object a handler writes: the object (nil when the user has none)
// and its current etag ("" when there is none: an If-Match other than * then fails).
type userObject[T any] func(ctx context.Context, tx *sql.Tx, u *user) (cur *T, etag string, err error)

// writeUserObject runs the shape above for the user of r's {usr}; missing is the 404 message when
// the object must exist ("" when a missing object is the write's business). write gets the
// transaction, the user and the current object.
func writeUserObject[T any](s *Server, r *http.Request, load userObject[T], missing string,
	write func(ctx context.Context, tx *sql.Tx, u *user, cur *T) error) error {
	ctx := r.Context()
	return s.tx(ctx, func(tx *sql.Tx) error {
		u, err := s.authorizeUser(ctx, tx, r.PathValue("usr"))
		if err != nil {
			return err
		}
		cur, etag, err := load(ctx, tx, u)
		if err != nil {
			return err
		}
		if cur == nil && missing != "" {
			return errNotFound(missing)
		}
		if err := checkIfMatch(r, etag); err != nil {
			return err
		}
		return write(ctx, tx, u, cur)
	})
}

// The loaders of the per-user objects.

func userItself(_ context.Context, _ *sql.Tx, u *user) (*user, string, error) {
	return u, etagOf(u.Version), nil
}

func numberOf(ctx context.Context, tx *sql.Tx, u *user) (*assignment, string, error) {
	a, err := loadAssignment(ctx, tx, u.ID)
	if err != nil || a == nil {
		return nil, "", err
	}
	return a, etagOf(a.Version), nil
}

func e911Of(ctx context.Context, tx *sql.Tx, u *user) (*e911Row, string, error) {
	e, err := loadE911(ctx, tx, u.ID)
	if err != nil || e == nil {
		return nil, "", err
	}
	return e, etagOf(e.Version), nil
}

func impOf(ctx context.Context, tx *sql.Tx, u *user) (*impView, string, error) {
	v, _, err := loadIMP(ctx, tx, u.ID)
	if err != nil {
		return nil, "", err
	}
	return &v, v.Etag, nil
}

// versionedForwarding is the call forwarding with its row version (the write needs both).
type versionedForwarding struct {
	cf      callForwarding
	version int64
}

func callForwardingOf(ctx context.Context, tx *sql.Tx, u *user) (*versionedForwarding, string, error) {
	cf, version, err := loadCallForwarding(ctx, tx, u.ID)
	if err != nil {
		return nil, "", err
	}
	return &versionedForwarding{cf: cf, version: version}, cf.Etag, nil
}

func activationOf(ctx context.Context, tx *sql.Tx, u *user) (*activation, string, error) {
	a, err := loadActivation(ctx, tx, u.ID)
	if err != nil || a == nil {
		return nil, "", err
	}
	return a, a.etag(), nil
}

// noActivation is the 404 of an activation write on a user that has none.
const noActivation = "the user has no webex activation"
