package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Bulk reads: GET /v1/enterprises/{ent}/users?include=number,e911,integratedImp,activation,callForwarding
// embeds each user's per-user objects in the list item, so that a client reads thousands of users
// and all their services in a few pages instead of one GET per object. Every embedded object is
// serialised by the same view function as its per-user GET, so a list item and the GET of the
// same object are byte-for-byte the same (etag included). An object the user does not have (the
// per-user GET answers 404) is embedded as null; an object that is not asked for is absent.

// userIncludes are the values of ?include=, in the order they are embedded.
var userIncludes = []string{"number", "e911", "integratedImp", "activation", "callForwarding"}

// parseIncludes reads the comma-separated ?include= values; an unknown one is 400.
func parseIncludes(raw []string) (map[string]bool, error) {
	inc := map[string]bool{}
	for _, v := range raw {
		for _, name := range strings.Split(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			if !slices.Contains(userIncludes, name) {
				return nil, errBadRequest("include", "include must be a comma-separated list of "+strings.Join(userIncludes, ", "))
			}
			inc[name] = true
		}
	}
	return inc, nil
}

// userExpanded is a User list item with the included objects: a json.RawMessage per object,
// "null" when the user has none, empty (omitted) when not asked for.
type userExpanded struct {
	userView
	Number         json.RawMessage `json:"number,omitempty"`
	E911           json.RawMessage `json:"e911,omitempty"`
	IntegratedImp  json.RawMessage `json:"integratedImp,omitempty"`
	Activation     json.RawMessage `json:"activation,omitempty"`
	CallForwarding json.RawMessage `json:"callForwarding,omitempty"`
}

var jsonNull = json.RawMessage("null")

// rawView marshals the view of an object, or null for a nil one.
func rawView[T any](v *T) (json.RawMessage, error) {
	if v == nil {
		return jsonNull, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode included object: %w", err)
	}
	return b, nil
}

// expandUser loads the included objects of u with the same loaders and views as the per-user GETs.
func expandUser(ctx context.Context, q querier, u *user, inc map[string]bool) (userExpanded, error) {
	out := userExpanded{userView: u.view()}
	var err error
	if inc["number"] {
		a, lerr := loadAssignment(ctx, q, u.ID)
		if lerr != nil {
			return out, lerr
		}
		var v *numberView
		if a != nil {
			nv := a.view()
			v = &nv
		}
		if out.Number, err = rawView(v); err != nil {
			return out, err
		}
	}
	if inc["e911"] {
		e, lerr := loadE911(ctx, q, u.ID)
		if lerr != nil {
			return out, lerr
		}
		var v *e911View
		if e != nil {
			ev := e.view()
			v = &ev
		}
		if out.E911, err = rawView(v); err != nil {
			return out, err
		}
	}
	if inc["integratedImp"] {
		v, _, lerr := loadIMP(ctx, q, u.ID)
		if lerr != nil {
			return out, lerr
		}
		if out.IntegratedImp, err = rawView(&v); err != nil {
			return out, err
		}
	}
	if inc["activation"] {
		a, lerr := loadActivation(ctx, q, u.ID)
		if lerr != nil {
			return out, lerr
		}
		var v *activationView
		if a != nil {
			av := a.view()
			v = &av
		}
		if out.Activation, err = rawView(v); err != nil {
			return out, err
		}
	}
	if inc["callForwarding"] {
		cf, _, lerr := loadCallForwarding(ctx, q, u.ID)
		if lerr != nil {
			return out, lerr
		}
		if out.CallForwarding, err = rawView(&cf); err != nil {
			return out, err
		}
	}
	return out, nil
}

// usersListResponse is the body of GET /v1/enterprises/{ent}/users: a page of items and the
// number of users that match the filters over all pages (so that a client can tell what
// reading them all costs before it reads them).
type usersListResponse struct {
	Items []userExpanded `json:"items"`
	Total int64          `json:"total"`
}
