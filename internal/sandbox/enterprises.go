package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
)

// Enterprises and groups are read-only through the API (the seed creates them).

type enterpriseView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type group struct {
	ID           string `json:"id"`
	EnterpriseID string `json:"enterpriseId"`
	Name         string `json:"name"`
	TimeZone     string `json:"timeZone"`
}

func (s *Server) enterpriseRoutes() []route {
	return []route{
		{pattern: "GET /v1/enterprises", handler: s.listEnterprises},
		{pattern: "GET /v1/enterprises/{ent}", handler: s.getEnterprise},
		{pattern: "GET /v1/enterprises/{ent}/groups", handler: s.listGroups},
		{pattern: "GET /v1/groups/{grp}", handler: s.getGroup},
	}
}

func loadGroup(ctx context.Context, q querier, id string) (*group, error) {
	var g group
	err := q.QueryRowContext(ctx, `SELECT id, enterprise_id, name, time_zone FROM groups WHERE id = ?`, id).
		Scan(&g.ID, &g.EnterpriseID, &g.Name, &g.TimeZone)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load group: %w", err)
	}
	return &g, nil
}

func (s *Server) listEnterprises(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pg, err := parsePage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := principalFrom(ctx)
	query := `SELECT id, name FROM enterprises WHERE id > ?`
	args := []any{pg.After}
	if !p.serviceProvider() {
		query += ` AND id = ?`
		args = append(args, p.enterpriseID)
	}
	query += ` ORDER BY id LIMIT ?`
	args = append(args, pg.limit())
	items, err := queryAll(ctx, s.q(ctx), query, args, func(sc scanner) (enterpriseView, error) {
		var e enterpriseView
		return e, sc.Scan(&e.ID, &e.Name)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items = trimPage(w, r, pg, items, func(e enterpriseView) string { return e.ID })
	writeJSON(w, http.StatusOK, list(items))
}

func (s *Server) getEnterprise(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ent := r.PathValue("ent")
	if err := s.authorizeEnterprise(ctx, s.q(ctx), ent); err != nil {
		s.fail(w, r, err)
		return
	}
	var e enterpriseView
	if err := s.q(ctx).QueryRowContext(ctx, `SELECT id, name FROM enterprises WHERE id = ?`, ent).Scan(&e.ID, &e.Name); err != nil {
		s.fail(w, r, fmt.Errorf("load enterprise: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ent := r.PathValue("ent")
	pg, err := parsePage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.authorizeEnterprise(ctx, s.q(ctx), ent); err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := queryAll(ctx, s.q(ctx),
		`SELECT id, enterprise_id, name, time_zone FROM groups WHERE enterprise_id = ? AND id > ? ORDER BY id LIMIT ?`,
		[]any{ent, pg.After, pg.limit()}, func(sc scanner) (group, error) {
			var g group
			return g, sc.Scan(&g.ID, &g.EnterpriseID, &g.Name, &g.TimeZone)
		})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items = trimPage(w, r, pg, items, func(g group) string { return g.ID })
	writeJSON(w, http.StatusOK, list(items))
}

func (s *Server) getGroup(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	g, err := s.authorizeGroup(ctx, s.q(ctx), r.PathValue("grp"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, g)
}
