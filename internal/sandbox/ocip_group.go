package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// OCI-P service provider and group commands: the enterprise and its groups, the group's numbers
// (DNs) and its passcode and password rules.

func init() {
	ocipCommands["ServiceProviderGetRequest22V4"] = ocipCommand{fields: "serviceProviderId serviceProviderExternalId", run: ocipSPGet}
	ocipCommands["GroupGetRequest22V5"] = ocipCommand{fields: "serviceProviderId groupId groupExternalId", run: ocipGroupGet}
	ocipCommands["GroupGetListInServiceProviderRequest"] = ocipCommand{
		fields: "serviceProviderId! responseSizeLimit searchCriteriaGroupId* searchCriteriaGroupName*", run: ocipGroupList}
	ocipCommands["GroupDnGetAvailableListRequest"] = ocipCommand{fields: "serviceProviderId! groupId!", run: ocipDnAvailable}
	ocipCommands["GroupDnActivateListRequest"] = ocipCommand{fields: "serviceProviderId! groupId! phoneNumber* dnRange*", run: ocipDnActivate}
	ocipCommands["GroupDnGetAssignmentListRequest18"] = ocipCommand{fields: "serviceProviderId! groupId! responseSizeLimit " +
		"searchCriteriaDn* searchCriteriaUserFirstName* searchCriteriaUserLastName* searchCriteriaExactDnDepartment " +
		"searchCriteriaExactDnActivation searchCriteriaUserId* searchCriteriaExtension*", run: ocipDnAssignments}
	ocipCommands["UserPortalPasscodeRulesGetRequest"] = ocipCommand{fields: "userId serviceProviderId groupId", run: ocipUserPasscodeRules}
	ocipCommands["GroupPortalPasscodeRulesGetRequestRI"] = ocipCommand{fields: "serviceProviderId! groupId!", run: ocipGroupPasscodeRules}
	ocipCommands["GroupPasswordRulesGetRequestRI"] = ocipCommand{fields: "serviceProviderId! groupId!", run: ocipGroupPasswordRules}
}

// ocipDomain is the default domain of an enterprise and its groups.
func ocipDomain(ent string) string { return ent + ".invalid" }

func ocipSPGet(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	q := s.q(ctx)
	sp := c.str("serviceProviderId")
	if sp == "" {
		return nil, ocipErr(19008, "Service Provider not found: "+c.str("serviceProviderExternalId"))
	}
	if err := s.ocipServiceProvider(ctx, q, sp); err != nil {
		return nil, err
	}
	var name string
	if err := q.QueryRowContext(ctx, `SELECT name FROM enterprises WHERE id = ?`, sp).Scan(&name); err != nil {
		return nil, fmt.Errorf("load enterprise: %w", err)
	}
	return ocipData("ServiceProviderGetResponse22V4", func(w *xw) {
		w.bool("isEnterprise", true)
		w.el("defaultDomain", ocipDomain(sp))
		w.opt("serviceProviderName", name)
		w.bool("useServiceProviderLanguages", false)
		w.el("serviceProviderId", sp)
	}), nil
}

func ocipGroupGet(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	q := s.q(ctx)
	sp, grp := c.str("serviceProviderId"), c.str("groupId")
	if sp == "" || grp == "" {
		return nil, errOCIPGroupNotFound(sp, nonEmpty(grp, c.str("groupExternalId")))
	}
	g, err := s.ocipGroup(ctx, q, sp, grp)
	if err != nil {
		return nil, err
	}
	var users int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE group_id = ?`, grp).Scan(&users); err != nil {
		return nil, fmt.Errorf("count users: %w", err)
	}
	now := s.now()
	return ocipData("GroupGetResponse22V5", func(w *xw) {
		w.el("defaultDomain", ocipDomain(sp))
		w.int("userLimit", 999999)
		w.int("userCount", users)
		w.opt("groupName", g.Name)
		w.el("timeZone", g.TimeZone)
		w.el("timeZoneDisplayName", tzDisplayName(g.TimeZone, now))
		w.el("serviceProviderId", sp)
		w.el("groupId", grp)
	}), nil
}

func ocipGroupList(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	q := s.q(ctx)
	sp := c.str("serviceProviderId")
	if err := s.ocipServiceProvider(ctx, q, sp); err != nil {
		return nil, err
	}
	filters, err := criteria(c.n, map[string]func(group) []string{
		"searchCriteriaGroupId":   func(g group) []string { return []string{g.ID} },
		"searchCriteriaGroupName": func(g group) []string { return []string{g.Name} },
	}, func(k *xnode) (func(group) bool, error) {
		return nil, errOCIPValidation("unknown search criterion %q", k.name)
	})
	if err != nil {
		return nil, err
	}
	limit, err := c.sizeLimit()
	if err != nil {
		return nil, err
	}
	groups, err := queryAll(ctx, q, `SELECT id, enterprise_id, name, time_zone FROM groups WHERE enterprise_id = ? ORDER BY id`,
		[]any{sp}, func(sc scanner) (group, error) {
			var g group
			return g, sc.Scan(&g.ID, &g.EnterpriseID, &g.Name, &g.TimeZone)
		})
	if err != nil {
		return nil, err
	}
	var table [][]string
	for _, g := range groups {
		if slices.ContainsFunc(filters, func(f func(group) bool) bool { return !f(g) }) {
			continue
		}
		table = append(table, []string{g.ID, g.Name, "999999"})
		if limit > 0 && len(table) == limit {
			break
		}
	}
	return ocipData("GroupGetListInServiceProviderResponse", func(w *xw) {
		w.table("groupTable", []string{"Group Id", "Group Name", "User Limit"}, table)
	}), nil
}

func ocipDnAvailable(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	q := s.q(ctx)
	sp, grp := c.str("serviceProviderId"), c.str("groupId")
	if _, err := s.ocipGroup(ctx, q, sp, grp); err != nil {
		return nil, err
	}
	nums, err := queryAll(ctx, q, `SELECT n.phone_number FROM numbers n LEFT JOIN user_numbers un ON un.phone_number = n.phone_number
		WHERE n.group_id = ? AND un.user_id IS NULL ORDER BY n.phone_number`, []any{grp}, func(sc scanner) (string, error) {
		var p string
		return p, sc.Scan(&p)
	})
	if err != nil {
		return nil, err
	}
	return ocipData("GroupDnGetAvailableListResponse", func(w *xw) {
		for _, p := range nums {
			w.el("phoneNumber", dnDisplay(p))
		}
	}), nil
}

// ocipDnActivate activates DNs of the group: the assignment of the user holding one becomes
// active; a DN of the group that nobody holds is accepted and nothing changes (ocip.go); a DN
// outside the group's inventory is [Error 19003].
func ocipDnActivate(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	sp, grp := c.str("serviceProviderId"), c.str("groupId")
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.ocipGroup(ctx, tx, sp, grp); err != nil {
			return err
		}
		var dns []string
		for _, k := range c.n.children("phoneNumber") {
			e, err := ocipResolveDN(ctx, tx, grp, k.value())
			if err != nil {
				return err
			}
			dns = append(dns, e)
		}
		for _, k := range c.n.children("dnRange") {
			if err := checkFields(k, "minPhoneNumber! maxPhoneNumber!"); err != nil {
				return err
			}
			lo, err := ocipResolveDN(ctx, tx, grp, k.child("minPhoneNumber").value())
			if err != nil {
				return err
			}
			hi, err := ocipResolveDN(ctx, tx, grp, k.child("maxPhoneNumber").value())
			if err != nil {
				return err
			}
			in, err := queryAll(ctx, tx, `SELECT phone_number FROM numbers WHERE group_id = ? AND length(phone_number) = ?
				AND phone_number BETWEEN ? AND ? ORDER BY phone_number`, []any{grp, len(lo), lo, hi},
				func(sc scanner) (string, error) {
					var p string
					return p, sc.Scan(&p)
				})
			if err != nil {
				return err
			}
			dns = append(dns, in...)
		}
		for _, e := range dns {
			var holder string
			err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT user_id FROM user_numbers WHERE phone_number = n.phone_number), '')
				FROM numbers n WHERE n.phone_number = ? AND n.group_id = ?`, e, grp).Scan(&holder)
			if errors.Is(err, sql.ErrNoRows) {
				return ocipErr(19003, "Phone number not available in group: "+dnDisplay(e))
			}
			if err != nil {
				return fmt.Errorf("look up dn: %w", err)
			}
			if holder == "" {
				continue
			}
			a, err := loadAssignment(ctx, tx, holder)
			if err != nil {
				return err
			}
			if err := s.activateAssignment(ctx, tx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ocipSuccess, nil
}

// ocipDnRow is a row of the DN assignment list.
type ocipDnRow struct {
	phone, bwID, last, first, ext, email, state string
}

func ocipDnAssignments(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	q := s.q(ctx)
	sp, grp := c.str("serviceProviderId"), c.str("groupId")
	if _, err := s.ocipGroup(ctx, q, sp, grp); err != nil {
		return nil, err
	}
	filters, err := criteria(c.n, map[string]func(ocipDnRow) []string{
		"searchCriteriaDn": func(r ocipDnRow) []string {
			_, nsn := splitE164(r.phone)
			return []string{r.phone, dnDisplay(r.phone), nsn}
		},
		"searchCriteriaUserFirstName": func(r ocipDnRow) []string { return []string{r.first} },
		"searchCriteriaUserLastName":  func(r ocipDnRow) []string { return []string{r.last} },
		"searchCriteriaUserId":        func(r ocipDnRow) []string { return []string{r.bwID} },
		"searchCriteriaExtension":     func(r ocipDnRow) []string { return []string{r.ext} },
	}, func(k *xnode) (func(ocipDnRow) bool, error) {
		switch k.name {
		case "searchCriteriaExactDnActivation":
			a := k.child("activated")
			if a == nil {
				return nil, errOCIPValidation("searchCriteriaExactDnActivation lacks activated")
			}
			v, err := boolOf(a)
			if err != nil {
				return nil, err
			}
			return func(r ocipDnRow) bool { return (r.state == numberStateActive) == v }, nil
		case "searchCriteriaExactDnDepartment":
			return func(ocipDnRow) bool { return false }, nil // DNs have no department here
		}
		return nil, errOCIPValidation("unknown search criterion %q", k.name)
	})
	if err != nil {
		return nil, err
	}
	limit, err := c.sizeLimit()
	if err != nil {
		return nil, err
	}
	rows, err := queryAll(ctx, q, `SELECT n.phone_number, coalesce(`+bwUserIDExpr+`, ''), coalesce(u.last_name, ''),
		coalesce(u.first_name, ''), coalesce(un.extension, ''), coalesce(u.email, ''), coalesce(un.number_state, '')
		FROM numbers n LEFT JOIN user_numbers un ON un.phone_number = n.phone_number LEFT JOIN users u ON u.id = un.user_id
		WHERE n.group_id = ? ORDER BY n.phone_number`, []any{grp}, func(sc scanner) (ocipDnRow, error) {
		var r ocipDnRow
		return r, sc.Scan(&r.phone, &r.bwID, &r.last, &r.first, &r.ext, &r.email, &r.state)
	})
	if err != nil {
		return nil, err
	}
	var table [][]string
	for _, r := range rows {
		if slices.ContainsFunc(filters, func(f func(ocipDnRow) bool) bool { return !f(r) }) {
			continue
		}
		cc, _ := splitE164(r.phone)
		userType := ""
		if r.bwID != "" {
			userType = "Normal"
		}
		table = append(table, []string{dnDisplay(r.phone), "", strconv.FormatBool(r.state == numberStateActive), r.bwID,
			r.last, r.first, r.ext, r.email, userType, cc, ""})
		if limit > 0 && len(table) == limit {
			break
		}
	}
	return ocipData("GroupDnGetAssignmentListResponse18", func(w *xw) {
		w.table("dnTable", []string{"Phone Numbers", "Department", "Activated", "User Id", "Last Name", "First Name",
			"Extension", "Email Address", "User Type", "Country Code", "National Prefix"}, table)
	}), nil
}

// clamp bounds v to lo..hi (the ranges of the schema's rule types).
func clamp(v, lo, hi int) int { return min(hi, max(lo, v)) }

// writePasscodeRules writes the rules common to the user and group passcode rules responses
// (disallowRepeatedDigits ... loginDisabledNotifyEmailAddress).
func writePasscodeRules(w *xw, p rules.PasscodePolicy) {
	w.bool("disallowRepeatedDigits", p.MaxRepeatedDigits > 0)
	w.int("numberOfRepeatedDigits", clamp(p.MaxRepeatedDigits, 1, 6))
	w.bool("disallowRepeatedPatterns", false)
	w.bool("disallowContiguousSequences", p.MaxSequenceLength > 0)
	w.int("numberOfAscendingDigits", clamp(p.MaxSequenceLength, 2, 5))
	w.int("numberOfDescendingDigits", clamp(p.MaxSequenceLength, 2, 5))
	w.bool("disallowUserNumber", p.BlockUserNumber)
	w.bool("disallowReversedUserNumber", p.BlockReversedUserNumber)
	w.bool("disallowOldPasscode", p.BlockPrevious)
	w.int("numberOfPreviousPasscodes", 1)
	w.bool("disallowReversedOldPasscode", p.BlockPreviousReversed)
	w.int("minCodeLength", clamp(p.MinLength, 2, 15))
	w.int("maxCodeLength", clamp(p.MaxLength, 3, 30))
	w.bool("disableLoginAfterMaxFailedLoginAttempts", false)
	w.bool("expirePassword", false)
	w.bool("sendLoginDisabledNotifyEmail", false)
}

func ocipUserPasscodeRules(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	q := s.q(ctx)
	var ent, grp string
	if id := c.str("userId"); id != "" {
		u, err := ocipFindUser(ctx, q, id)
		if err != nil {
			return nil, err
		}
		ent, grp = u.EnterpriseID, u.GroupID
	} else {
		ent, grp = c.str("serviceProviderId"), c.str("groupId")
		if _, err := s.ocipGroup(ctx, q, ent, grp); err != nil {
			return nil, err
		}
	}
	p, _, err := loadGroupPasscodePolicy(ctx, q, ent, grp)
	if err != nil {
		return nil, err
	}
	return ocipData("UserPortalPasscodeRulesGetResponse", func(w *xw) { writePasscodeRules(w, p) }), nil
}

func ocipGroupPasscodeRules(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	q := s.q(ctx)
	sp, grp := c.str("serviceProviderId"), c.str("groupId")
	if _, err := s.ocipGroup(ctx, q, sp, grp); err != nil {
		return nil, err
	}
	p, level, err := loadGroupPasscodePolicy(ctx, q, sp, grp)
	if err != nil {
		return nil, err
	}
	return ocipData("GroupPortalPasscodeRulesGetResponseRI", func(w *xw) {
		w.el("useRuleLevel", level)
		writePasscodeRules(w, p)
		w.bool("reenableLogin", true)
		w.int("lockOutInMinutes", 10)
	}), nil
}

// ocipGroupPasswordRules shows the portal password rules of internal/rules (CheckPassword): a
// minimum length and at least one digit, upper-case, lower-case and non-alphanumeric character.
func ocipGroupPasswordRules(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	q := s.q(ctx)
	sp, grp := c.str("serviceProviderId"), c.str("groupId")
	if _, err := s.ocipGroup(ctx, q, sp, grp); err != nil {
		return nil, err
	}
	p, _, err := loadGroupPasscodePolicy(ctx, q, sp, grp)
	if err != nil {
		return nil, err
	}
	return ocipData("GroupPasswordRulesGetResponseRI", func(w *xw) {
		w.bool("disallowUserId", true)
		w.bool("disallowOldPassword", false)
		w.bool("disallowReversedOldPassword", false)
		for _, r := range []string{"Digits", "UpperCaseLetters", "LowerCaseLetters", "NonAlphanumericCharacters"} {
			w.bool("restrictMin"+r, true)
			w.int("min"+r, 1)
		}
		w.int("minLength", clamp(p.PasswordMinLength, 3, 40))
		w.int("maxFailedLoginAttempts", 0)
		w.int("passwordExpiresDays", 0)
		w.bool("sendLoginDisabledNotifyEmail", false)
		w.bool("disallowRulesModification", false)
		w.bool("disallowPreviousPasswords", false)
		w.int("numberOfPreviousPasswords", 1)
		w.bool("forcePasswordChangeAfterReset", false)
		w.bool("usePasswordValidationService", false)
		w.bool("reenableLogin", true)
		w.int("lockOutInMinutes", 10)
	}), nil
}
