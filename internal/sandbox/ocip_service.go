package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// OCI-P user services: portal passcode and password, service assignment, Integrated IMP (with
// flow-through provisioning of the Webex subscriber) and call forwarding.

const serviceIntegratedIMP = "Integrated IMP"

// untrustedAwaitingMarker is the accepted email of an activation that flow-through provisioning
// started in an enterprise without trusted emails: it waits in pending_email_validation until
// the user accepts (AcceptInvitation), see awaitsAcceptance.
const untrustedAwaitingMarker = "\x00untrusted"

func init() {
	ocipCommands["UserPortalPasscodeModifyRequest"] = ocipCommand{fields: "userId! oldPasscode newPasscode!", run: ocipPasscodeModify}
	ocipCommands["PasswordModifyRequest"] = ocipCommand{fields: "userId! oldPassword newPassword!", run: ocipPasswordModify}
	ocipCommands["UserServiceAssignListRequest"] = ocipCommand{fields: "userId! serviceName* servicePackName*", run: ocipServiceAssign}
	ocipCommands["UserServiceUnassignListRequest"] = ocipCommand{fields: "userId! serviceName* servicePackName*", run: ocipServiceUnassign}
	ocipCommands["UserIntegratedIMPGetRequest21sp1"] = ocipCommand{fields: "userId!", run: ocipIMPGet}
	ocipCommands["UserIntegratedIMPModifyRequest"] = ocipCommand{fields: "userId! isActive impId isAlternateImpId", run: ocipIMPModify}
	ocipCommands["UserCallForwardingAlwaysGetRequest"] = ocipCommand{fields: "userId!", run: ocipCFGet("always")}
	ocipCommands["UserCallForwardingBusyGetRequest"] = ocipCommand{fields: "userId!", run: ocipCFGet("busy")}
	ocipCommands["UserCallForwardingNoAnswerGetRequest13mp16"] = ocipCommand{fields: "userId!", run: ocipCFGet("noAnswer")}
	ocipCommands["UserCallForwardingAlwaysModifyRequest"] = ocipCommand{
		fields: "userId! isActive forwardToPhoneNumber isRingSplashActive", run: ocipCFModify("always")}
	ocipCommands["UserCallForwardingBusyModifyRequest"] = ocipCommand{
		fields: "userId! isActive forwardToPhoneNumber", run: ocipCFModify("busy")}
	ocipCommands["UserCallForwardingNoAnswerModifyRequest"] = ocipCommand{
		fields: "userId! isActive forwardToPhoneNumber numberOfRings", run: ocipCFModify("noAnswer")}
}

// ocipPasscodeModify sets the voicemail (portal) passcode, checked with the group's rules.
// oldPasscode is "only used in XS data mode" and ignored.
func ocipPasscodeModify(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	passcode := c.n.child("newPasscode").text
	if _, err := ocipFindUser(ctx, s.q(ctx), c.str("userId")); err != nil { // authorise before hashing
		return nil, err
	}
	hash, err := s.hashSecret(ctx, passcode)
	if err != nil {
		return nil, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		u, err := ocipFindUser(ctx, tx, c.str("userId"))
		if err != nil {
			return err
		}
		vs, err := s.passcodeViolations(ctx, tx, u, passcode)
		if err != nil {
			return err
		}
		if err := firstViolation(vs); err != nil {
			return err
		}
		return s.storeSecretHash(ctx, tx, "voicemail_passcodes", u.ID, hash)
	})
	if err != nil {
		return nil, err
	}
	return ocipSuccess, nil
}

// ocipPasswordModify sets a user's portal password (the group's password rules apply, with or
// without oldPassword; the old password is not compared).
func ocipPasswordModify(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	pw := c.n.child("newPassword").text
	if _, err := ocipFindUser(ctx, s.q(ctx), c.str("userId")); err != nil { // authorise before hashing
		return nil, err
	}
	hash, err := s.hashSecret(ctx, pw)
	if err != nil {
		return nil, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		u, err := ocipFindUser(ctx, tx, c.str("userId"))
		if err != nil {
			return err
		}
		return s.ocipStorePassword(ctx, tx, u, pw, hash)
	})
	if err != nil {
		return nil, err
	}
	return ocipSuccess, nil
}

// ocipServiceAssign records the services assigned to a user (any service name the schema allows;
// only Integrated IMP has an effect). Service packs are accepted and not kept.
func ocipServiceAssign(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		u, err := ocipFindUser(ctx, tx, c.str("userId"))
		if err != nil {
			return err
		}
		for _, k := range c.n.children("serviceName") {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO user_services (user_id, service_name) VALUES (?, ?)`,
				u.ID, k.value()); err != nil {
				return fmt.Errorf("assign service: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ocipSuccess, nil
}

// ocipServiceUnassign removes services; removing Integrated IMP turns it off first (with the
// effect on the Webex activation of the reference contract's disable).
func ocipServiceUnassign(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		u, err := ocipFindUser(ctx, tx, c.str("userId"))
		if err != nil {
			return err
		}
		for _, k := range c.n.children("serviceName") {
			if k.value() == serviceIntegratedIMP {
				if _, err := s.setIMP(ctx, tx, u, false); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM user_services WHERE user_id = ? AND service_name = ?`,
				u.ID, k.value()); err != nil {
				return fmt.Errorf("unassign service: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ocipSuccess, nil
}

// impAssigned reports whether Integrated IMP is assigned to the user: assigned over OCI-P, or
// enabled through another front-end (which has no service assignment).
func impAssigned(ctx context.Context, q querier, userID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM user_services WHERE user_id = ? AND service_name = ?`,
		userID, serviceIntegratedIMP).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("load services: %w", err)
	}
	if n > 0 {
		return true, nil
	}
	v, _, err := loadIMP(ctx, q, userID)
	return v.Enabled, err
}

func ocipIMPGet(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	q := s.q(ctx)
	u, err := ocipFindUser(ctx, q, c.str("userId"))
	if err != nil {
		return nil, err
	}
	ok, err := impAssigned(ctx, q, u.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ocipErr(19010, "Service not assigned: "+serviceIntegratedIMP)
	}
	v, _, err := loadIMP(ctx, q, u.ID)
	if err != nil {
		return nil, err
	}
	return ocipData("UserIntegratedIMPGetResponse21sp1", func(w *xw) {
		w.bool("isActive", v.Enabled)
		if v.Enabled {
			w.opt("impId", u.Email)
		}
	}), nil
}

// ocipIMPModify turns Integrated IMP on or off (setIMP: the same rules as the reference contract).
// Turning it on starts flow-through provisioning of the user's Webex subscriber (ocipFlowThrough).
// impId and isAlternateImpId are accepted and not kept (the IM&P id is the user's email).
func ocipIMPModify(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
	active, err := c.optBool("isActive")
	if err != nil {
		return nil, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		u, err := ocipFindUser(ctx, tx, c.str("userId"))
		if err != nil {
			return err
		}
		ok, err := impAssigned(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if !ok {
			return ocipErr(19010, "Service not assigned: "+serviceIntegratedIMP)
		}
		if active == nil {
			return nil
		}
		if _, err := s.setIMP(ctx, tx, u, *active); err != nil {
			return err
		}
		if *active {
			return s.ocipFlowThrough(ctx, tx, u)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ocipSuccess, nil
}

// ocipFlowThrough is Webex for BroadWorks' flow-through provisioning: with Integrated IMP on and
// an email, the BroadWorks provisioning adapter creates the Webex subscriber (an activation
// with the default package, driven by the activation job of activation.go). With trusted emails
// (the enterprise's default) it goes on to provisioned; without, it waits in
// pending_email_validation until the user validates the email (AcceptInvitation). A user that
// has an activation already keeps it (setIMP requeued it when it rested).
func (s *Server) ocipFlowThrough(ctx context.Context, tx *sql.Tx, u *user) error {
	a, err := loadActivation(ctx, tx, u.ID)
	if err != nil || a != nil {
		return err
	}
	var trusted bool
	if err := tx.QueryRowContext(ctx, `SELECT bw_trusted_emails FROM enterprises WHERE id = ?`, u.EnterpriseID).Scan(&trusted); err != nil {
		return fmt.Errorf("load trusted emails: %w", err)
	}
	j, err := s.newJob(ctx, tx, u.EnterpriseID, jobKindActivation, u.ID)
	if err != nil {
		return err
	}
	accepted := ""
	if !trusted {
		accepted = untrustedAwaitingMarker
	}
	now := s.timestamp()
	_, err = tx.ExecContext(ctx, `INSERT INTO activations (user_id, status, package, job_id, created_at, updated_at,
		accepted_email) VALUES (?, ?, ?, ?, ?, ?, ?)`, u.ID, activationQueued, activationPackages[0], j.ID, now, now, accepted)
	if err != nil {
		return fmt.Errorf("flow-through activation: %w", err)
	}
	// The Webex for BroadWorks subscriber of the user (webex_broadworks.go shows it).
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO webex_subscribers (user_id, front_end, provisioning_id, language,
		timezone) VALUES (?, 'broadworks', 'flow-through', '', '')`, u.ID); err != nil {
		return fmt.Errorf("flow-through subscriber: %w", err)
	}
	return nil
}

func ocipCFGet(rule string) func(*Server, context.Context, *ocipCall) (*ocipOut, error) {
	return func(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
		q := s.q(ctx)
		u, err := ocipFindUser(ctx, q, c.str("userId"))
		if err != nil {
			return nil, err
		}
		cf, _, err := loadCallForwarding(ctx, q, u.ID)
		if err != nil {
			return nil, err
		}
		switch rule {
		case "always":
			return ocipData("UserCallForwardingAlwaysGetResponse", func(w *xw) {
				w.bool("isActive", cf.Always.Enabled)
				w.opt("forwardToPhoneNumber", cf.Always.Destination)
				w.bool("isRingSplashActive", false)
			}), nil
		case "busy":
			return ocipData("UserCallForwardingBusyGetResponse", func(w *xw) {
				w.bool("isActive", cf.Busy.Enabled)
				w.opt("forwardToPhoneNumber", cf.Busy.Destination)
			}), nil
		}
		return ocipData("UserCallForwardingNoAnswerGetResponse13mp16", func(w *xw) {
			w.bool("isActive", cf.NoAnswer.Enabled)
			w.opt("forwardToPhoneNumber", cf.NoAnswer.Destination)
			w.int("numberOfRings", cf.NoAnswer.Rings)
		}), nil
	}
}

// ocipCFModify changes one forwarding rule; the destination is checked as the reference
// contract checks it (an E.164 number, "+1-..." accepted, or an extension).
func ocipCFModify(rule string) func(*Server, context.Context, *ocipCall) (*ocipOut, error) {
	return func(s *Server, ctx context.Context, c *ocipCall) (*ocipOut, error) {
		active, err := c.optBool("isActive")
		if err != nil {
			return nil, err
		}
		if _, err := c.optBool("isRingSplashActive"); err != nil {
			return nil, err
		}
		rings := 0
		if k := c.n.child("numberOfRings"); k != nil {
			if rings, err = strconv.Atoi(k.value()); err != nil {
				return nil, errOCIPValidation("numberOfRings must be an integer")
			}
			switch {
			case rings == 0:
				return nil, errOCIPUnsupported("numberOfRings 0")
			case rings < minNoAnswerRings || rings > maxNoAnswerRings:
				return nil, errOCIPValidation("numberOfRings must be 0 or 2 to 20")
			}
		}
		err = s.tx(ctx, func(tx *sql.Tx) error {
			u, err := ocipFindUser(ctx, tx, c.str("userId"))
			if err != nil {
				return err
			}
			cur, version, err := loadCallForwarding(ctx, tx, u.ID)
			if err != nil {
				return err
			}
			next := cur
			enabled, dest := &next.Always.Enabled, &next.Always.Destination
			switch rule {
			case "busy":
				enabled, dest = &next.Busy.Enabled, &next.Busy.Destination
			case "noAnswer":
				enabled, dest = &next.NoAnswer.Enabled, &next.NoAnswer.Destination
				if rings != 0 {
					next.NoAnswer.Rings = rings
				}
			}
			if active != nil {
				*enabled = *active
			}
			if k := c.n.child("forwardToPhoneNumber"); k != nil {
				*dest = ""
				if !k.isNil() {
					*dest = informationalDN(k.value())
				}
			}
			if err := validateForward(rule, *enabled, *dest); err != nil {
				return err
			}
			_, err = s.writeCallForwarding(ctx, tx, u.ID, cur, version, next)
			return err
		})
		if err != nil {
			var oe *ocipError
			if errors.As(err, &oe) {
				return nil, oe
			}
			return nil, err
		}
		return ocipSuccess, nil
	}
}
