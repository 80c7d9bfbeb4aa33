package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zone display names without the host's zoneinfo

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// OCI-P user commands: add, get, modify, delete, and the user lists.

func init() {
	const userAdd = "serviceProviderId! groupId! userId! lastName! firstName! callingLineIdLastName! callingLineIdFirstName! " +
		"nameDialingName hiraganaLastName hiraganaFirstName phoneNumber extension callingLineIdPhoneNumber password " +
		"department language timeZone alias* accessDeviceEndpoint trunkAddressing title pagerPhoneNumber mobilePhoneNumber " +
		"emailAddress yahooId addressLocation address networkClassOfService alternateUserId* isPlace"
	const userModify = "userId! lastName firstName callingLineIdLastName callingLineIdFirstName nameDialingName " +
		"hiraganaLastName hiraganaFirstName phoneNumber extension callingLineIdPhoneNumber oldPassword newPassword department " +
		"language timeZone sipAliasList endpoint title pagerPhoneNumber mobilePhoneNumber emailAddress yahooId addressLocation " +
		"address networkClassOfService officeZoneName primaryZoneName impId impPassword alternateUserIdList allowVideo " +
		"newUserExternalId newUserPersonId"
	const listCriteria = "searchCriteriaUserLastName* searchCriteriaUserFirstName* searchCriteriaDn* searchCriteriaEmailAddress* "
	ocipCommands["UserAddRequest22V2"] = ocipCommand{fields: userAdd, run: ocipUserAdd}
	ocipCommands["UserGetRequest23V2"] = ocipCommand{fields: "userId!", run: ocipUserGet}
	ocipCommands["UserModifyRequest22"] = ocipCommand{fields: userModify, run: ocipUserModify}
	ocipCommands["UserDeleteRequest"] = ocipCommand{fields: "userId!", run: ocipUserDelete}
	ocipCommands["UserGetListInGroupRequest"] = ocipCommand{fields: "serviceProviderId! GroupId! responseSizeLimit " + listCriteria +
		"searchCriteriaExactUserDepartment searchCriteriaExactUserInTrunkGroup searchCriteriaUserId* searchCriteriaUserExternalId* " +
		"searchCriteriaExactUserPersonId searchCriteriaExtension*", run: ocipUserListInGroup}
	ocipCommands["UserGetListInServiceProviderRequest"] = ocipCommand{fields: "serviceProviderId serviceProviderExternalId " +
		"responseSizeLimit " + listCriteria + "searchCriteriaExactUserInTrunkGroup searchCriteriaUserId* searchCriteriaUserExternalId* " +
		"searchCriteriaExactUserPersonId searchCriteriaExtension* searchCriteriaExactUserDepartment", run: ocipUserListInSP}
}

// twoDigitCallingCodes are the two-digit ITU-T country calling codes; 1 and 7 are the one-digit
// ones and every other code has three digits (the codes are prefix-free).
var twoDigitCallingCodes = strings.Fields("20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 " +
	"57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98")

// splitE164 splits an E.164 number into its country calling code and national number.
func splitE164(e string) (cc, nsn string) {
	d := strings.TrimPrefix(e, "+")
	n := 3
	switch {
	case d == "":
		return "", ""
	case d[0] == '1' || d[0] == '7':
		n = 1
	case len(d) >= 2 && slices.Contains(twoDigitCallingCodes, d[:2]):
		n = 2
	}
	if len(d) <= n {
		return d, ""
	}
	return d[:n], d[n:]
}

// dnDisplay is BroadWorks' form of a number in lists: "+1-7205551200".
func dnDisplay(e string) string {
	if e == "" {
		return ""
	}
	cc, nsn := splitE164(e)
	return "+" + cc + "-" + nsn
}

// ocipResolveDN turns a DN as a client writes it (E.164, "+1-7205551200", or the national
// digits of a number of the group) into E.164.
func ocipResolveDN(ctx context.Context, q querier, grp, dn string) (string, error) {
	v := strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(dn))
	if strings.HasPrefix(v, "+") {
		if rules.ValidateE164(v) != nil {
			return "", errOCIPInvalid("phone number " + dn + " is not an e.164 number")
		}
		return v, nil
	}
	if v == "" || strings.Trim(v, "0123456789") != "" {
		return "", errOCIPInvalid("phone number " + dn + " must be digits")
	}
	cands, err := queryAll(ctx, q, `SELECT phone_number FROM numbers WHERE group_id = ? AND phone_number LIKE ?`,
		[]any{grp, "%" + v}, func(sc scanner) (string, error) {
			var p string
			return p, sc.Scan(&p)
		})
	if err != nil {
		return "", err
	}
	for _, p := range cands {
		if _, nsn := splitE164(p); nsn == v {
			return p, nil
		}
	}
	// The digits with their country code but without the plus sign.
	var one int
	err = q.QueryRowContext(ctx, `SELECT 1 FROM numbers WHERE group_id = ? AND phone_number = ?`, grp, "+"+v).Scan(&one)
	if err == nil {
		return "+" + v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("look up dn: %w", err)
	}
	return "", ocipErr(19003, "Phone number not available in group: "+dn)
}

// informationalDN reads a pager or mobile number: E.164 with or without BroadWorks' dash.
func informationalDN(v string) string {
	if strings.HasPrefix(v, "+") {
		return strings.ReplaceAll(v, "-", "")
	}
	return v
}

// ocipLookupUser finds the user of an OCI-P userId anywhere in the store (nil when none):
// users.bw_user_id, or <usr_id>@<enterprise>.invalid for a user that has none.
func ocipLookupUser(ctx context.Context, q querier, userID string) (*user, error) {
	var id string
	err := q.QueryRowContext(ctx, `SELECT id FROM users WHERE lower(bw_user_id) = lower(?)`, userID).Scan(&id)
	switch {
	case err == nil:
		return loadUser(ctx, q, id)
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("look up user: %w", err)
	}
	local, domain, ok := strings.Cut(userID, "@")
	if !ok || !strings.HasPrefix(local, "usr_") || !strings.HasSuffix(domain, ".invalid") {
		return nil, nil
	}
	var ent string
	err = q.QueryRowContext(ctx, `SELECT enterprise_id FROM users WHERE id = ? AND bw_user_id IS NULL`, local).Scan(&ent)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && ent+".invalid" != domain) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up user: %w", err)
	}
	return loadUser(ctx, q, local)
}

// ocipFindUser is ocipLookupUser within the caller's reach: [Error 4008] otherwise.
func ocipFindUser(ctx context.Context, q querier, userID string) (*user, error) {
	u, err := ocipLookupUser(ctx, q, userID)
	if err != nil {
		return nil, err
	}
	if u == nil || !principalFrom(ctx).canSee(u.EnterpriseID) {
		return nil, errOCIPUserNotFound(userID)
	}
	return u, nil
}

// bwUserIDExpr is the OCI-P userId of a users row in SQL.
const bwUserIDExpr = `coalesce(u.bw_user_id, u.id || '@' || u.enterprise_id || '.invalid')`

func ocipUserID(ctx context.Context, q querier, u *user) (string, error) {
	var id string
	err := q.QueryRowContext(ctx, `SELECT `+bwUserIDExpr+` FROM users u WHERE u.id = ?`, u.ID).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("load user id: %w", err)
	}
	return id, nil
}

// ocipServiceProvider checks that sp is an enterprise within the caller's reach.
func (s *Server) ocipServiceProvider(ctx context.Context, q querier, sp string) error {
	if err := s.authorizeEnterprise(ctx, q, sp); err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			return ocipErr(19008, "Service Provider not found: "+sp)
		}
		return err
	}
	return nil
}

// ocipGroup loads group grp of service provider sp within the caller's reach.
func (s *Server) ocipGroup(ctx context.Context, q querier, sp, grp string) (*group, error) {
	if err := s.ocipServiceProvider(ctx, q, sp); err != nil {
		return nil, err
	}
	g, err := loadGroup(ctx, q, grp)
	if err != nil {
		return nil, err
	}
	if g == nil || g.EnterpriseID != sp {
		return nil, errOCIPGroupNotFound(sp, grp)
	}
	return g, nil
}

// departmentName reads a DepartmentKey (Enterprise or Group): its name.
func departmentName(k *xnode) (string, error) {
	switch k.attrs["xsi:type"] {
	case "EnterpriseDepartmentKey", "GroupDepartmentKey":
	default:
		return "", errOCIPValidation("department needs xsi:type EnterpriseDepartmentKey or GroupDepartmentKey")
	}
	n := k.child("name")
	if n == nil || n.value() == "" {
		return "", errOCIPValidation("department lacks its name")
	}
	return n.value(), nil
}

// streetAddress reads a StreetAddress into cur (nil elements clear a part).
func streetAddress(k *xnode, cur addressJSON) (addressJSON, error) {
	if err := checkFields(k, "addressLine1 addressLine2 city stateOrProvince stateOrProvinceDisplayName zipOrPostalCode country"); err != nil {
		return cur, err
	}
	for _, f := range []struct {
		name string
		p    *string
	}{{"addressLine1", &cur.Address1}, {"addressLine2", &cur.Address2}, {"city", &cur.City},
		{"stateOrProvince", &cur.State}, {"zipOrPostalCode", &cur.PostalCode}, {"country", &cur.Country}} {
		if c := k.child(f.name); c != nil {
			if c.isNil() {
				*f.p = ""
			} else {
				*f.p = c.value()
			}
		}
	}
	return cur, nil
}

// writeAddress writes a StreetAddress.
func writeAddress(w *xw, a addressJSON) {
	w.open("address")
	w.opt("addressLine1", a.Address1)
	w.opt("addressLine2", a.Address2)
	w.opt("city", a.City)
	w.opt("stateOrProvince", a.State)
	w.opt("zipOrPostalCode", a.PostalCode)
	w.opt("country", a.Country)
	w.close("address")
}

// ocipHashedSecret hashes the text of an optional secret element outside any transaction, with
// the capped hash (hashSecret): callers authorise first (the user, or the group of a new user).
func (s *Server) ocipHashedSecret(ctx context.Context, k *xnode) (string, error) {
	if k == nil || k.isNil() {
		return "", nil
	}
	return s.hashSecret(ctx, k.text)
}

// ocipStorePassword checks a portal password of u (group rules) and stores its hash.
func (s *Server) ocipStorePassword(ctx context.Context, tx *sql.Tx, u *user, password, hash string) error {
	vs, err := passwordViolations(ctx, tx, u, password)
	if err != nil {
		return err
	}
	if err := firstViolation(vs); err != nil {
		return err
	}
	return s.storeSecretHash(ctx, tx, "portal_passwords", u.ID, hash)
}

func ocipUserAdd(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	sp, grp, userID := c.str("serviceProviderId"), c.str("groupId"), c.str("userId")
	if !strings.Contains(userID, "@") {
		return nil, errOCIPInvalid("the domain is required in the userId")
	}
	pwNode := c.n.child("password")
	if _, err := s.ocipGroup(ctx, s.q(ctx), sp, grp); err != nil { // authorise before hashing
		return nil, err
	}
	pwHash, err := s.ocipHashedSecret(ctx, pwNode)
	if err != nil {
		return nil, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.ocipGroup(ctx, tx, sp, grp); err != nil {
			return err
		}
		if ex, err := ocipLookupUser(ctx, tx, userID); err != nil || ex != nil {
			if err != nil {
				return err
			}
			return ocipErr(4200, "User already exists: "+userID)
		}
		now := s.timestamp()
		u := &user{ID: newID("usr_"), EnterpriseID: sp, GroupID: grp, FirstName: c.str("firstName"), LastName: c.str("lastName"),
			CLIFirstName: c.str("callingLineIdFirstName"), CLILastName: c.str("callingLineIdLastName"),
			TimeZone: c.str("timeZone"), PagerNumber: informationalDN(c.str("pagerPhoneNumber")),
			MobileNumber: informationalDN(c.str("mobilePhoneNumber")), Email: c.str("emailAddress"),
			Version: 1, CreatedAt: now, UpdatedAt: now}
		if k := c.n.child("department"); k != nil {
			d, err := departmentName(k)
			if err != nil {
				return err
			}
			u.Department = d
		}
		if err := s.insertUser(ctx, tx, u); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET bw_user_id = ? WHERE id = ?`, userID, u.ID); err != nil {
			if violates(err, "bw_user_id") {
				return ocipErr(4200, "User already exists: "+userID)
			}
			return fmt.Errorf("set bw user id: %w", err)
		}
		in := numberInput{Extension: c.str("extension")}
		if dn := c.str("phoneNumber"); dn != "" {
			e, err := ocipResolveDN(ctx, tx, grp, dn)
			if err != nil {
				return err
			}
			in.PhoneNumber = e
		}
		if in.PhoneNumber != "" || in.Extension != "" {
			if _, err := s.assignNumber(ctx, tx, u, nil, in); err != nil {
				return err
			}
		}
		if k := c.n.child("address"); k != nil {
			a, err := streetAddress(k, addressJSON{})
			if err != nil {
				return err
			}
			if a != (addressJSON{}) {
				if _, err := s.storeE911(ctx, tx, u, nil, a); err != nil {
					return err
				}
			}
		}
		if pwNode != nil {
			return s.ocipStorePassword(ctx, tx, u, pwNode.text, pwHash)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ocipSuccess, nil
}

// tzDisplayName is BroadWorks' display of a time zone: "(GMT-07:00) America/Denver" at now.
func tzDisplayName(tz string, now time.Time) string {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return tz
	}
	_, off := now.In(loc).Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("(GMT%c%02d:%02d) %s", sign, off/3600, off%3600/60, tz)
}

// groupCountryCode is the country calling code of a group: that of its first number, else 1.
func groupCountryCode(ctx context.Context, q querier, grp string) (string, error) {
	var p string
	err := q.QueryRowContext(ctx, `SELECT phone_number FROM numbers WHERE group_id = ? ORDER BY phone_number LIMIT 1`, grp).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "1", nil
	}
	if err != nil {
		return "", fmt.Errorf("group country code: %w", err)
	}
	cc, _ := splitE164(p)
	return cc, nil
}

func ocipUserGet(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	q := s.q(ctx)
	u, err := ocipFindUser(ctx, q, c.str("userId"))
	if err != nil {
		return nil, err
	}
	bwID, err := ocipUserID(ctx, q, u)
	if err != nil {
		return nil, err
	}
	g, err := loadGroup(ctx, q, u.GroupID)
	if err != nil || g == nil {
		return nil, errors.Join(errors.New("user without group"), err)
	}
	a, err := loadAssignment(ctx, q, u.ID)
	if err != nil {
		return nil, err
	}
	e, err := loadE911(ctx, q, u.ID)
	if err != nil {
		return nil, err
	}
	cc, err := groupCountryCode(ctx, q, u.GroupID)
	if err != nil {
		return nil, err
	}
	var phone, ext string
	if a != nil {
		ext = a.Extension
		if a.PhoneNumber != "" {
			cc, phone = splitE164(a.PhoneNumber)
		}
	}
	tz := nonEmpty(u.TimeZone, g.TimeZone)
	now := s.now()
	v := u.view()
	return ocipData("UserGetResponse23V2", func(w *xw) {
		w.el("serviceProviderId", u.EnterpriseID)
		w.el("groupId", u.GroupID)
		w.el("userId", bwID)
		w.el("lastName", v.LastName)
		w.el("firstName", v.FirstName)
		w.el("callingLineIdLastName", v.CallingLineIDLastName)
		w.el("callingLineIdFirstName", v.CallingLineIDFirstName)
		w.opt("phoneNumber", phone)
		w.opt("extension", ext)
		if u.Department != "" {
			w.open("department", "xsi:type", "EnterpriseDepartmentKey")
			w.el("serviceProviderId", u.EnterpriseID)
			w.el("name", u.Department)
			w.close("department")
			w.el("departmentFullPath", u.Department)
		}
		w.el("language", "English")
		w.el("timeZone", tz)
		w.el("timeZoneDisplayName", tzDisplayName(tz, now))
		w.el("defaultAlias", bwID)
		w.opt("pagerPhoneNumber", u.PagerNumber)
		w.opt("mobilePhoneNumber", u.MobileNumber)
		w.opt("emailAddress", u.Email)
		if e != nil {
			writeAddress(w, e.Address)
		}
		w.el("countryCode", cc)
		w.bool("allowVideo", true)
	}), nil
}

func ocipUserModify(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	userID := c.str("userId")
	newPw := c.n.child("newPassword")
	var pwHash string
	if newPw != nil && !newPw.isNil() {
		if _, err := ocipFindUser(ctx, s.q(ctx), userID); err != nil { // authorise before hashing
			return nil, err
		}
		var err error
		if pwHash, err = s.ocipHashedSecret(ctx, newPw); err != nil {
			return nil, err
		}
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		u, err := ocipFindUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		after := *u
		changed := map[string]bool{}
		set := func(field string, p *string, v string) {
			if *p != v {
				*p, changed[field] = v, true
			}
		}
		text := func(name string, read func(string) string) (string, bool) {
			k := c.n.child(name)
			if k == nil {
				return "", false
			}
			if k.isNil() {
				return "", true
			}
			return read(k.value()), true
		}
		same := func(v string) string { return v }
		if v, ok := text("lastName", same); ok {
			set("lastName", &after.LastName, v)
		}
		if v, ok := text("firstName", same); ok {
			set("firstName", &after.FirstName, v)
		}
		// Calling line id names set over OCI-P are kept as given (BroadWorks keeps them apart
		// from the names); a user without them (created elsewhere) shows its names.
		if v, ok := text("callingLineIdLastName", same); ok {
			set("callingLineIdLastName", &after.CLILastName, v)
		}
		if v, ok := text("callingLineIdFirstName", same); ok {
			set("callingLineIdFirstName", &after.CLIFirstName, v)
		}
		if k := c.n.child("department"); k != nil {
			d := ""
			if !k.isNil() {
				if d, err = departmentName(k); err != nil {
					return err
				}
			}
			set("department", &after.Department, d)
		}
		if v, ok := text("timeZone", same); ok {
			set("timeZone", &after.TimeZone, v)
		}
		if v, ok := text("pagerPhoneNumber", informationalDN); ok {
			set("pagerNumber", &after.PagerNumber, v)
		}
		if v, ok := text("mobilePhoneNumber", informationalDN); ok {
			set("mobileNumber", &after.MobileNumber, v)
		}
		if v, ok := text("emailAddress", same); ok {
			set("email", &after.Email, v)
		}
		if err := s.updateUser(ctx, tx, u, &after, changed); err != nil {
			return err
		}
		if err := s.ocipModifyNumber(ctx, tx, c, &after); err != nil {
			return err
		}
		if k := c.n.child("address"); k != nil {
			cur, err := loadE911(ctx, tx, u.ID)
			if err != nil {
				return err
			}
			var base addressJSON
			if cur != nil {
				base = cur.Address
			}
			a, err := streetAddress(k, base)
			if err != nil {
				return err
			}
			switch {
			case a == (addressJSON{}) && cur != nil:
				if _, err := tx.ExecContext(ctx, `DELETE FROM e911_addresses WHERE user_id = ?`, u.ID); err != nil {
					return fmt.Errorf("delete e911 address: %w", err)
				}
			case a != (addressJSON{}):
				if _, err := s.storeE911(ctx, tx, &after, cur, a); err != nil {
					return err
				}
			}
		}
		if newPw != nil {
			if newPw.isNil() {
				if _, err := tx.ExecContext(ctx, `DELETE FROM portal_passwords WHERE user_id = ?`, u.ID); err != nil {
					return fmt.Errorf("clear portal password: %w", err)
				}
				return nil
			}
			return s.ocipStorePassword(ctx, tx, &after, newPw.text, pwHash)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ocipSuccess, nil
}

// ocipModifyNumber applies the phoneNumber and extension of a UserModifyRequest22.
func (s *Server) ocipModifyNumber(ctx context.Context, tx *sql.Tx, c *ocipCall, u *user) error {
	phoneK, extK := c.n.child("phoneNumber"), c.n.child("extension")
	if phoneK == nil && extK == nil {
		return nil
	}
	cur, err := loadAssignment(ctx, tx, u.ID)
	if err != nil {
		return err
	}
	var in numberInput
	if cur != nil {
		in.PhoneNumber, in.Extension = cur.PhoneNumber, cur.Extension
	}
	if phoneK != nil {
		in.PhoneNumber = ""
		if !phoneK.isNil() {
			if in.PhoneNumber, err = ocipResolveDN(ctx, tx, u.GroupID, phoneK.value()); err != nil {
				return err
			}
		}
	}
	if extK != nil {
		in.Extension = ""
		if !extK.isNil() {
			in.Extension = extK.value()
		}
	}
	switch {
	case in.PhoneNumber == "" && in.Extension == "":
		if cur != nil {
			return s.unassignNumber(ctx, tx, u, cur)
		}
		return nil
	case cur != nil && cur.PhoneNumber == in.PhoneNumber && cur.Extension == in.Extension:
		return nil
	}
	_, err = s.assignNumber(ctx, tx, u, cur, in)
	return err
}

func ocipUserDelete(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		u, err := ocipFindUser(ctx, tx, c.str("userId"))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, u.ID); err != nil {
			return fmt.Errorf("delete user: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ocipSuccess, nil
}

// ocipUserRow is a user as the user lists show it.
type ocipUserRow struct {
	bwID, groupID, last, first, dept, email, phone, ext, state string
}

func (r ocipUserRow) dnValues() []string {
	if r.phone == "" {
		return nil
	}
	_, nsn := splitE164(r.phone)
	return []string{r.phone, dnDisplay(r.phone), nsn}
}

// ocipCriterion is a search criterion: mode, value, isCaseInsensitive, and the values of a row
// it looks at.
type ocipCriterion[R any] struct {
	mode, value string
	ci          bool
	values      func(R) []string
}

func (c ocipCriterion[R]) matches(r R) bool {
	want := c.value
	for _, v := range c.values(r) {
		if c.ci {
			v, want = strings.ToLower(v), strings.ToLower(c.value)
		}
		switch c.mode {
		case "Starts With":
			if strings.HasPrefix(v, want) {
				return true
			}
		case "Contains":
			if strings.Contains(v, want) {
				return true
			}
		case "Equal To":
			if v == want {
				return true
			}
		}
	}
	return false
}

// criteria reads the mode/value/isCaseInsensitive criteria named in fields (element name →
// row values) and the exact ones handled by exact (element → filter, nil for not handled).
func criteria[R any](n *xnode, fields map[string]func(R) []string, exact func(*xnode) (func(R) bool, error)) ([]func(R) bool, error) {
	var out []func(R) bool
	for _, k := range n.kids {
		if f, ok := fields[k.name]; ok {
			if err := checkFields(k, "mode! value! isCaseInsensitive!"); err != nil {
				return nil, err
			}
			c := ocipCriterion[R]{mode: k.child("mode").value(), value: k.child("value").value(), values: f}
			switch c.mode {
			case "Starts With", "Contains", "Equal To":
			default:
				return nil, errOCIPValidation("search mode %q is not Starts With, Contains or Equal To", c.mode)
			}
			ci, err := boolOf(k.child("isCaseInsensitive"))
			if err != nil {
				return nil, err
			}
			c.ci = ci
			out = append(out, c.matches)
			continue
		}
		if strings.HasPrefix(k.name, "searchCriteria") {
			f, err := exact(k)
			if err != nil {
				return nil, err
			}
			if f != nil {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// sizeLimit reads responseSizeLimit (0 = none).
func (c *ocipCall) sizeLimit() (int, error) {
	k := c.n.child("responseSizeLimit")
	if k == nil {
		return 0, nil
	}
	n, err := strconv.Atoi(k.value())
	if err != nil || n < 1 {
		return 0, errOCIPValidation("responseSizeLimit must be an integer of at least 1")
	}
	return n, nil
}

var userListFields = map[string]func(ocipUserRow) []string{
	"searchCriteriaUserLastName":  func(r ocipUserRow) []string { return []string{r.last} },
	"searchCriteriaUserFirstName": func(r ocipUserRow) []string { return []string{r.first} },
	"searchCriteriaDn":            ocipUserRow.dnValues,
	"searchCriteriaEmailAddress":  func(r ocipUserRow) []string { return []string{r.email} },
	"searchCriteriaUserId":        func(r ocipUserRow) []string { return []string{r.bwID} },
	"searchCriteriaExtension":     func(r ocipUserRow) []string { return []string{r.ext} },
}

// userListExact handles the exact criteria of the user lists.
func userListExact(k *xnode) (func(ocipUserRow) bool, error) {
	switch k.name {
	case "searchCriteriaExactUserDepartment":
		d := k.child("departmentKey")
		if d == nil {
			return nil, errOCIPValidation("searchCriteriaExactUserDepartment lacks departmentKey")
		}
		name, err := departmentName(d)
		if err != nil {
			return nil, err
		}
		return func(r ocipUserRow) bool { return r.dept == name }, nil
	case "searchCriteriaExactUserInTrunkGroup":
		t := k.child("userInTrunkGroup")
		if t == nil {
			return nil, errOCIPValidation("searchCriteriaExactUserInTrunkGroup lacks userInTrunkGroup")
		}
		v, err := boolOf(t)
		if err != nil {
			return nil, err
		}
		return func(ocipUserRow) bool { return !v }, nil // no user is in a trunk group
	case "searchCriteriaUserExternalId", "searchCriteriaExactUserPersonId":
		return func(ocipUserRow) bool { return false }, nil // no user has one
	}
	return nil, errOCIPValidation("unknown search criterion %q", k.name)
}

// ocipUserRows lists the users of an enterprise (one group when grp is not "") that match.
func ocipUserRows(ctx context.Context, q querier, c *ocipCall, ent, grp string) ([]ocipUserRow, error) {
	filters, err := criteria(c.n, userListFields, userListExact)
	if err != nil {
		return nil, err
	}
	limit, err := c.sizeLimit()
	if err != nil {
		return nil, err
	}
	query := `SELECT ` + bwUserIDExpr + `, u.group_id, u.last_name, u.first_name, u.department, u.email,
		coalesce(n.phone_number, ''), coalesce(n.extension, ''), coalesce(n.number_state, '')
		FROM users u LEFT JOIN user_numbers n ON n.user_id = u.id WHERE u.enterprise_id = ?`
	args := []any{ent}
	if grp != "" {
		query += ` AND u.group_id = ?`
		args = append(args, grp)
	}
	rows, err := queryAll(ctx, q, query+` ORDER BY u.last_name, u.first_name, u.id`, args, func(sc scanner) (ocipUserRow, error) {
		var r ocipUserRow
		return r, sc.Scan(&r.bwID, &r.groupID, &r.last, &r.first, &r.dept, &r.email, &r.phone, &r.ext, &r.state)
	})
	if err != nil {
		return nil, err
	}
	var out []ocipUserRow
	for _, r := range rows {
		if !slices.ContainsFunc(filters, func(f func(ocipUserRow) bool) bool { return !f(r) }) {
			out = append(out, r)
			if limit > 0 && len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

func ocipUserListInGroup(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	q := s.q(ctx)
	sp, grp := c.str("serviceProviderId"), c.str("GroupId")
	if _, err := s.ocipGroup(ctx, q, sp, grp); err != nil {
		return nil, err
	}
	rows, err := ocipUserRows(ctx, q, c, sp, grp)
	if err != nil {
		return nil, err
	}
	cc, err := groupCountryCode(ctx, q, grp)
	if err != nil {
		return nil, err
	}
	table := make([][]string, len(rows))
	for i, r := range rows {
		rc := cc
		if r.phone != "" {
			rc, _ = splitE164(r.phone)
		}
		table[i] = []string{r.bwID, r.last, r.first, r.dept, dnDisplay(r.phone), activated(r), r.email, "", "",
			"false", r.ext, rc, ""}
	}
	return ocipData("UserGetListInGroupResponse", func(w *xw) {
		w.table("userTable", []string{"User Id", "Last Name", "First Name", "Department", "Phone Number",
			"Phone Number Activated", "Email Address", "Hiragana Last Name", "Hiragana First Name", "In Trunk Group",
			"Extension", "Country Code", "National Prefix"}, table)
	}), nil
}

// activated is the "Phone Number Activated" cell: "true"/"false", empty without a number.
func activated(r ocipUserRow) string {
	if r.phone == "" {
		return ""
	}
	return strconv.FormatBool(r.state == numberStateActive)
}

func ocipUserListInSP(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	q := s.q(ctx)
	sp := c.str("serviceProviderId")
	if sp == "" {
		if c.n.child("serviceProviderExternalId") != nil {
			return nil, ocipErr(19008, "Service Provider not found: "+c.str("serviceProviderExternalId"))
		}
		return nil, errOCIPValidation("UserGetListInServiceProviderRequest needs serviceProviderId or serviceProviderExternalId")
	}
	if err := s.ocipServiceProvider(ctx, q, sp); err != nil {
		return nil, err
	}
	rows, err := ocipUserRows(ctx, q, c, sp, "")
	if err != nil {
		return nil, err
	}
	table := make([][]string, len(rows))
	for i, r := range rows {
		table[i] = []string{r.bwID, r.groupID, r.last, r.first, r.dept, dnDisplay(r.phone), activated(r), r.email, "", "",
			"false", r.ext, ""}
	}
	return ocipData("UserGetListInServiceProviderResponse", func(w *xw) {
		w.table("userTable", []string{"User Id", "Group Id", "Last Name", "First Name", "Department", "Phone Number",
			"Phone Number Activated", "Email Address", "Hiragana Last Name", "Hiragana First Name", "In Trunk Group",
			"Extension", "User External Id"}, table)
	}), nil
}
