package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

// CheckBackend asks the sandbox's API (admin token) whether it holds exactly what the
// configurations declare: for each configuration one user per email (no duplicate), no other user
// whose email has the configuration's prefix (no orphan), and per user the number and extension,
// the E911 address, IM&P, the activation and the call forwarding the configuration declares (and
// none of them when it does not), as the configuration's HCL declares them on its platform
// (Config.effective). It returns every difference found, joined.
func CheckBackend(ctx context.Context, sb *Sandbox, cfgs ...Config) error {
	c, err := sb.Client()
	if err != nil {
		return err
	}
	users, err := c.ListUsers(ctx, sb.EnterpriseID, client.UserFilter{})
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	byEmail := map[string][]client.User{}
	for _, u := range users {
		byEmail[strings.ToLower(u.Email)] = append(byEmail[strings.ToLower(u.Email)], u)
	}
	var errs []error
	for _, cfg := range cfgs {
		cfg = cfg.effective() // what the HCL declares on the platform (no IM&P on wholesale)
		want := map[string]int{}
		for i := range cfg.Users {
			want[cfg.Email(i)] = i
		}
		for email, us := range byEmail {
			local, ok := strings.CutSuffix(email, "@acme.example")
			n, ok2 := strings.CutPrefix(local, cfg.prefix())
			if ok && ok2 && n != "" && strings.Trim(n, "0123456789") == "" {
				if _, ok := want[email]; !ok {
					errs = append(errs, fmt.Errorf("orphan user %s (%s) not in the configuration", us[0].ID, email))
				}
			}
		}
		for i := range cfg.Users {
			us := byEmail[cfg.Email(i)]
			switch len(us) {
			case 0:
				errs = append(errs, fmt.Errorf("user %s missing", cfg.Email(i)))
				continue
			case 1:
			default:
				ids := make([]string, len(us))
				for j, u := range us {
					ids[j] = u.ID
				}
				errs = append(errs, fmt.Errorf("user %s exists %d times: %v", cfg.Email(i), len(us), ids))
				continue
			}
			if err := checkUser(ctx, c, cfg, i, us[0]); err != nil {
				errs = append(errs, fmt.Errorf("user %s (%s): %w", us[0].ID, cfg.Email(i), err))
			}
		}
	}
	return errors.Join(errs...)
}

func checkUser(ctx context.Context, c *client.Client, cfg Config, i int, u client.User) error {
	var errs []error
	dept := cfg.Department
	if dept == "" {
		dept = "Engineering"
	}
	if u.Department != dept {
		errs = append(errs, fmt.Errorf("department %q, want %q", u.Department, dept))
	}
	n, err := c.GetNumber(ctx, u.ID)
	switch {
	case err != nil && !client.IsNotFound(err):
		errs = append(errs, fmt.Errorf("get number: %w", err))
	case cfg.Number && err != nil:
		errs = append(errs, errors.New("no number"))
	case cfg.Number && (n.PhoneNumber != cfg.PhoneNumber(i) || n.Extension != cfg.Extension(i)):
		errs = append(errs, fmt.Errorf("number %s ext %s, want %s ext %s", n.PhoneNumber, n.Extension, cfg.PhoneNumber(i), cfg.Extension(i)))
	case !cfg.Number && err == nil && (n.PhoneNumber != "" || n.Extension != ""):
		errs = append(errs, fmt.Errorf("unexpected number %s ext %s", n.PhoneNumber, n.Extension))
	}
	e, err := c.GetE911(ctx, u.ID)
	switch {
	case err != nil && !client.IsNotFound(err):
		errs = append(errs, fmt.Errorf("get e911: %w", err))
	case cfg.E911 && err != nil:
		errs = append(errs, errors.New("no e911 address"))
	case cfg.E911 && e.PostalCode != "80203":
		errs = append(errs, fmt.Errorf("e911 postal code %q", e.PostalCode))
	case !cfg.E911 && err == nil:
		errs = append(errs, errors.New("unexpected e911 address"))
	}
	imp, err := c.GetIMP(ctx, u.ID)
	switch {
	case err != nil && !client.IsNotFound(err):
		errs = append(errs, fmt.Errorf("get imp: %w", err))
	case err == nil && imp.Enabled != cfg.IMP:
		errs = append(errs, fmt.Errorf("imp enabled %v, want %v", imp.Enabled, cfg.IMP))
	case err != nil && cfg.IMP:
		errs = append(errs, errors.New("no imp setting"))
	}
	a, err := c.GetActivation(ctx, u.ID)
	active := err == nil && a.Status != ""
	switch {
	case err != nil && !client.IsNotFound(err):
		errs = append(errs, fmt.Errorf("get activation: %w", err))
	case cfg.Activation && !active:
		errs = append(errs, errors.New("no activation"))
	case cfg.Activation && a.Status == client.ActivationError:
		errs = append(errs, fmt.Errorf("activation failed: %s %s", a.ErrorCode, a.ErrorText))
	}
	cf, err := c.GetCallForwarding(ctx, u.ID)
	switch {
	case err != nil && !client.IsNotFound(err):
		errs = append(errs, fmt.Errorf("get call forwarding: %w", err))
	case cfg.CallForwarding && (err != nil || !cf.Busy.Enabled || !cf.NoAnswer.Enabled || cf.NoAnswer.Rings != 4):
		errs = append(errs, fmt.Errorf("call forwarding %+v, want busy and no answer after 4 rings", cf))
	case !cfg.CallForwarding && err == nil && (cf.Busy.Enabled || cf.NoAnswer.Enabled || cf.Always.Enabled):
		errs = append(errs, fmt.Errorf("unexpected call forwarding %+v", cf))
	}
	return errors.Join(errs...)
}
