package sandbox

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// The activation status report (the portal's "Webex activation status" page and its Export):
// one row per user that has an activation.

// activationRow is a row of GET /v1/enterprises/{ent}/activations.
type activationRow struct {
	UserID      string `json:"userId"`
	GroupID     string `json:"groupId"`
	Location    string `json:"location"`
	License     string `json:"license"`
	ServiceType string `json:"serviceType"`
	ServiceID   string `json:"serviceId"`
	Extension   string `json:"extension"`
	FirstName   string `json:"firstName"`
	LastName    string `json:"lastName"`
	Email       string `json:"email"`
	Status      string `json:"status"`
}

// reportServiceType is the service type of every row.
const reportServiceType = "Webex Calling"

// reportCSVHeader is the header row of the CSV export.
var reportCSVHeader = []string{"User ID", "Group ID", "Location", "License", "Service Type", "Service ID",
	"Extension", "First Name", "Last Name", "Email", "Status"}

func (row activationRow) csvRecord() []string {
	rec := []string{row.UserID, row.GroupID, row.Location, row.License, row.ServiceType, row.ServiceID,
		row.Extension, row.FirstName, row.LastName, row.Email, row.Status}
	for i, cell := range rec {
		rec[i] = neutraliseCSVCell(cell)
	}
	return rec
}

// neutraliseCSVCell defuses CSV injection (OWASP): a cell that starts with =, +, -, @, tab or CR
// would run as a formula in a spreadsheet, so it gets a leading single quote. A plain E.164 number
// ("+" and 1–15 digits, e.g. +17205551200) is data and stays as it is.
func neutraliseCSVCell(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return cell
	}
	if digits, ok := strings.CutPrefix(cell, "+"); ok && len(digits) >= 1 && len(digits) <= 15 && strings.Trim(digits, "0123456789") == "" {
		return cell
	}
	return "'" + cell
}

// reportSorts maps a sort name to its SQL expression. Names and emails sort case-insensitively;
// ties are broken by user id (ascending), which also makes keyset paging stable.
var reportSorts = map[string]string{
	"lastName":  "lower(u.last_name)",
	"firstName": "lower(u.first_name)",
	"email":     "lower(u.email)",
	"status":    "a.status",
	"extension": "coalesce(un.extension, '')",
}

// reportQuery is a parsed set of report filters.
type reportQuery struct {
	where   []string
	args    []any
	sortKey string // name in reportSorts
	desc    bool
}

// parseReportQuery reads status (repeatable), groupId, search, excludeProvisioned and sort; bad
// values are 400 invalid_request naming the parameter.
func parseReportQuery(r *http.Request, ent string) (*reportQuery, error) {
	qv := r.URL.Query()
	rq := &reportQuery{where: []string{"u.enterprise_id = ?"}, args: []any{ent}, sortKey: "lastName"}
	if sts := qv["status"]; len(sts) > 0 {
		valid := []string{activationQueued, activationPendingEmailInput, activationPendingEmailValidation,
			activationProvisioning, activationProvisioned, activationError}
		for _, st := range sts {
			if !slices.Contains(valid, st) {
				return nil, errBadRequest("status", "status must be one of "+strings.Join(valid, ", "))
			}
			rq.args = append(rq.args, st)
		}
		n := len(sts)
		for _, st := range sts { // the Webex-only statuses show as their reference status (webex.go)
			switch st {
			case activationProvisioned:
				rq.args, n = append(rq.args, activationUpdating), n+1
			case activationPendingEmailValidation:
				rq.args, n = append(rq.args, activationPendingUserMigration), n+1
			}
		}
		rq.where = append(rq.where, "a.status IN ("+strings.TrimSuffix(strings.Repeat("?, ", n), ", ")+")")
	}
	if v := qv.Get("groupId"); v != "" {
		rq.where = append(rq.where, "u.group_id = ?")
		rq.args = append(rq.args, v)
	}
	if v := qv.Get("search"); v != "" {
		rq.where = append(rq.where, `(instr(lower(u.first_name), lower(?)) > 0 OR instr(lower(u.last_name), lower(?)) > 0
			OR instr(lower(u.email), lower(?)) > 0 OR instr(coalesce(un.extension, ''), ?) > 0)`)
		rq.args = append(rq.args, v, v, v, v)
	}
	switch v := qv.Get("excludeProvisioned"); v {
	case "", "false":
	case "true":
		rq.where = append(rq.where, "a.status <> 'provisioned'")
	default:
		return nil, errBadRequest("excludeProvisioned", "excludeProvisioned must be true or false")
	}
	if v := qv.Get("sort"); v != "" {
		rq.desc = strings.HasPrefix(v, "-")
		rq.sortKey = strings.TrimPrefix(v, "-")
		if _, ok := reportSorts[rq.sortKey]; !ok {
			return nil, errBadRequest("sort", "sort must be one of lastName, firstName, email, status, extension, optionally prefixed by -")
		}
	}
	return rq, nil
}

// reportCursor is the key of the last row of a page: the sort it belongs to, the row's sort
// value and user id.
type reportCursor struct {
	Sort  string `json:"s"`
	Value string `json:"v"`
	ID    string `json:"i"`
}

// sql builds the report query: rows after the cursor (after != ""), in order, up to limit (0 =
// all).
func (rq *reportQuery) sql(after string, limit int) (string, []any, error) {
	expr := reportSorts[rq.sortKey]
	where, args := slices.Clone(rq.where), slices.Clone(rq.args)
	if after != "" {
		var c reportCursor
		if err := json.Unmarshal([]byte(after), &c); err != nil || c.Sort != rq.sortString() || c.ID == "" {
			return "", nil, errBadRequest("cursor", "cursor does not belong to this sort order")
		}
		op := ">"
		if rq.desc {
			op = "<"
		}
		where = append(where, "("+expr+" "+op+" ? OR ("+expr+" = ? AND u.id > ?))")
		args = append(args, c.Value, c.Value, c.ID)
	}
	dir := "ASC"
	if rq.desc {
		dir = "DESC"
	}
	q := `SELECT u.id, u.group_id, g.name, a.package, coalesce(un.phone_number, ''), coalesce(un.extension, ''),
		u.first_name, u.last_name, u.email, a.status, ` + expr + `
		FROM activations a JOIN users u ON u.id = a.user_id JOIN groups g ON g.id = u.group_id
		LEFT JOIN user_numbers un ON un.user_id = u.id
		WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + expr + ` ` + dir + `, u.id ASC`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	return q, args, nil
}

func (rq *reportQuery) sortString() string {
	if rq.desc {
		return "-" + rq.sortKey
	}
	return rq.sortKey
}

// reportItem is a row with its sort value (for the cursor).
type reportItem struct {
	row     activationRow
	sortVal string
}

// queryReport authorizes the enterprise and runs the report.
func (s *Server) queryReport(r *http.Request, after string, limit int) (*reportQuery, []reportItem, error) {
	ctx := r.Context()
	ent := r.PathValue("ent")
	if err := s.authorizeEnterprise(ctx, s.q(ctx), ent); err != nil {
		return nil, nil, err
	}
	rq, err := parseReportQuery(r, ent)
	if err != nil {
		return nil, nil, err
	}
	query, args, err := rq.sql(after, limit)
	if err != nil {
		return nil, nil, err
	}
	items, err := queryAll(ctx, s.q(ctx), query, args, func(sc scanner) (reportItem, error) {
		var it reportItem
		row := &it.row
		err := sc.Scan(&row.UserID, &row.GroupID, &row.Location, &row.License, &row.ServiceID, &row.Extension,
			&row.FirstName, &row.LastName, &row.Email, &row.Status, &it.sortVal)
		row.ServiceType = reportServiceType
		row.Status = referenceActivationStatus(row.Status) // Webex-only statuses (webex.go)
		return it, err
	})
	return rq, items, err
}

func (s *Server) reportRoutes() []route {
	return []route{
		{pattern: "GET /v1/enterprises/{ent}/activations", handler: s.listActivations},
		{pattern: "GET /v1/enterprises/{ent}/activations.csv", handler: s.exportActivations},
	}
}

func (s *Server) listActivations(w http.ResponseWriter, r *http.Request) {
	pg, err := parsePage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rq, items, err := s.queryReport(r, pg.After, pg.limit())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items = trimPage(w, r, pg, items, func(it reportItem) string {
		b, _ := json.Marshal(reportCursor{Sort: rq.sortString(), Value: it.sortVal, ID: it.row.UserID})
		return string(b)
	})
	rows := make([]activationRow, len(items))
	for i, it := range items {
		rows[i] = it.row
	}
	writeJSON(w, http.StatusOK, list(rows))
}

// exportActivations answers the whole report as RFC 4180 CSV (CRLF line ends, header row).
func (s *Server) exportActivations(w http.ResponseWriter, r *http.Request) {
	_, items, err := s.queryReport(r, "", 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b strings.Builder
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	_ = cw.Write(reportCSVHeader) // writes to a strings.Builder cannot fail
	for _, it := range items {
		_ = cw.Write(it.row.csvRecord())
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(b.String()))
}
