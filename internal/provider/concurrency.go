package provider

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
)

// Optimistic concurrency on the write path (see etag.go for the private-state contract).
//
// Every PUT, PATCH and DELETE a resource sends carries the etag of the last refresh as If-Match.
// When the backend answers 412 (the object changed since), guardedWrite reads the object as it is
// now and decides:
//   - the object already is what the write wanted (someone made the same change, or a delete's
//     outcome is already there): done, nothing is written;
//   - only attributes Terraform does not manage changed (a computed status the backend moves by
//     itself, or a change this provider process made itself through another resource): the write
//     is sent again, once, with the fresh etag;
//   - otherwise nothing is written: the state is set to the backend's values (so the next plan
//     shows the real difference, and Terraform never reports an inconsistent result) and the error
//     names the attributes changed outside Terraform and says to plan again.

// concurrencyDoc ends the description of every resource that writes: the If-Match/412 behaviour.
const concurrencyDoc = "\n\n**Changes made outside Terraform are never overwritten.** Every update and delete sends the " +
	"etag of the object as read at the last refresh (kept in private state) as `If-Match`. When the object was " +
	"changed outside Terraform since (for instance a saved plan applied after someone edited the object in the " +
	"portal), the backend refuses the write (412) and nothing is written: the apply fails on this resource with an " +
	"error that names the attributes changed outside Terraform, the state takes the backend's values, and the next " +
	"`terraform plan` shows the real difference. A change the backend makes by itself (a computed `status`, say) " +
	"is not a conflict: the write is sent again with the new etag. When the object already has the planned values " +
	"nothing is written."

// staleGuard describes one guarded write of a resource whose model is M.
type staleGuard[M any] struct {
	// what names the object in messages, e.g. `ucprov_user "usr_…"`.
	what string
	// prior is the state the plan was made from (the refreshed state of Update and Delete).
	prior *M
	// ignore lists attributes whose change is not a conflict (computed ones the backend changes
	// by itself, and those this process changed through another resource).
	ignore []string
	// read returns the object as it is now, as a model (prior with the backend's values), its etag,
	// and found false when it no longer exists.
	read func(ctx context.Context) (current *M, etag string, found bool, err error)
	// done reports whether the current object already is what the write wanted (nil: never).
	done func(current *M) bool
	// deleting: the write is a delete, so an object that is gone is the outcome, not a conflict.
	deleting bool
	// state and private receive the current object when the write is refused (nil: not saved).
	state   stateSetter
	private privateSetter
}

// guardedWrite calls write with If-Match etag and resolves a 412 as described above. resolved is
// true when the guard dealt with a 412: either the object already was what the write wanted (the
// current object is saved as state, no error) or the write was refused (the current object is
// saved as state and an error added to diags). Otherwise err is write's own result, for the caller
// to report.
func guardedWrite[M any](ctx context.Context, g staleGuard[M], etag string, diags *diag.Diagnostics,
	write func(platform.WriteOptions) error) (resolved bool, err error) {
	err = write(platform.WriteOptions{IfMatch: etag})
	if !platform.IsPreconditionFailed(err) {
		return false, err
	}
	tflog.Info(ctx, "write refused: the object changed since the last refresh (412)", map[string]any{"object": g.what})
	cur, fresh, found, rerr := g.read(ctx)
	if rerr != nil {
		diags.AddError("Changed outside Terraform",
			fmt.Sprintf("%s changed outside Terraform since the last refresh, so nothing was written (the backend "+
				"answered 412 to If-Match %s). Reading it again failed: %s Run terraform plan again.",
				g.what, etag, apiDetail(rerr)))
		return true, nil
	}
	if !found && g.deleting {
		return true, nil
	}
	if !found {
		diags.AddError("Deleted outside Terraform",
			fmt.Sprintf("%s was deleted outside Terraform since the last refresh, so nothing was written. Run "+
				"terraform plan again: it plans to create it again.", g.what))
		return true, nil
	}
	if g.done != nil && g.done(cur) {
		tflog.Info(ctx, "the object already is what the write wanted; nothing to write", map[string]any{"object": g.what})
		g.save(ctx, cur, fresh, diags)
		return true, nil
	}
	changed := changedAttributes(g.prior, cur, false, g.ignore...)
	if len(changed) == 0 {
		tflog.Info(ctx, "only attributes Terraform does not manage changed; writing again with the new etag",
			map[string]any{"object": g.what})
		err = write(platform.WriteOptions{IfMatch: fresh})
		if !platform.IsPreconditionFailed(err) {
			return false, err
		}
		if cur, fresh, found, rerr = g.read(ctx); rerr != nil || !found {
			cur = nil
		} else {
			changed = changedAttributes(g.prior, cur, false, g.ignore...)
		}
	}
	if cur != nil {
		g.save(ctx, cur, fresh, diags)
	}
	diags.AddError("Changed outside Terraform",
		fmt.Sprintf("%s was changed outside Terraform since the last refresh (%s), so nothing was written: "+
			"the backend refused the write (412 etag_mismatch) and the newer change is kept. The state now holds "+
			"the backend's values. Run terraform plan again to see the difference, then apply.",
			g.what, describeChanged(changed)))
	return true, nil
}

func (g staleGuard[M]) save(ctx context.Context, cur *M, etag string, diags *diag.Diagnostics) {
	if g.state != nil {
		diags.Append(g.state.Set(ctx, cur)...)
	}
	if g.private != nil {
		diags.Append(saveETag(ctx, g.private, etag)...)
	}
}

func describeChanged(attrs []string) string {
	if len(attrs) == 0 {
		return "changed again while the provider retried"
	}
	if len(attrs) == 1 {
		return "changed: " + attrs[0]
	}
	return "changed: " + strings.Join(attrs, ", ")
}

// checkWritten compares what the backend answered to a write (written) with the plan: a planned
// value (known in the plan) that the backend does not hold means the object changed outside
// Terraform during the apply (or the backend changed it). The state then records the backend's
// values, and an error names the attributes, instead of Terraform's "Provider produced
// inconsistent result". ignore lists attributes not to compare (those the API does not return).
func checkWritten[M any](what string, planned, written *M, diags *diag.Diagnostics, ignore ...string) {
	changed := changedAttributes(planned, written, true, ignore...)
	if len(changed) == 0 {
		return
	}
	diags.AddError("Changed outside Terraform during the apply",
		fmt.Sprintf("After the write, the backend holds values for %s other than planned (%s): it was changed "+
			"outside Terraform while this apply ran. The state records the backend's values. Run terraform plan "+
			"again to see the difference.", what, strings.Join(changed, ", ")))
}

// changedAttributes returns the attributes (tfsdk names; nested blocks as block.attr) whose values
// differ between a and b, two models of one type. With skipUnknownA, values unknown in a (a plan)
// are not compared. Attributes named in ignore are skipped, and so are the "timeouts" block and
// write-only values (never in state).
func changedAttributes(a, b any, skipUnknownA bool, ignore ...string) []string {
	var out []string
	compareStruct(reflect.ValueOf(a), reflect.ValueOf(b), "", skipUnknownA, ignore, &out)
	return out
}

var attrValueType = reflect.TypeOf((*attr.Value)(nil)).Elem()

func compareStruct(a, b reflect.Value, prefix string, skipUnknownA bool, ignore []string, out *[]string) {
	for a.Kind() == reflect.Pointer {
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				*out = append(*out, strings.TrimSuffix(prefix, "."))
			}
			return
		}
		a, b = a.Elem(), b.Elem()
	}
	t := a.Type()
	for i := range t.NumField() {
		name := t.Field(i).Tag.Get("tfsdk")
		if name == "" || name == "-" || name == "timeouts" || strings.HasSuffix(name, "_wo") {
			continue
		}
		full := prefix + name
		if slices.Contains(ignore, full) {
			continue
		}
		fa, fb := a.Field(i), b.Field(i)
		if t.Field(i).Type.Implements(attrValueType) {
			va, vb := fa.Interface().(attr.Value), fb.Interface().(attr.Value)
			if skipUnknownA && va.IsUnknown() {
				continue
			}
			if !va.Equal(vb) {
				*out = append(*out, full)
			}
			continue
		}
		if fa.Kind() == reflect.Pointer && fa.Type().Elem().Kind() == reflect.Struct {
			compareStruct(fa, fb, full+".", skipUnknownA, ignore, out)
		}
	}
}

// sameETag compares two etags, quoted or not.
func sameETag(a, b string) bool {
	unq := func(s string) string { return strings.Trim(strings.TrimPrefix(strings.TrimSpace(s), "W/"), `"`) }
	return unq(a) == unq(b)
}

// writeGuarded runs call unconditionally when g is nil (a create: there is no prior object), and
// else through guardedWrite with If-Match etag.
func writeGuarded[M any](ctx context.Context, g *staleGuard[M], etag string, diags *diag.Diagnostics,
	call func(platform.WriteOptions) error) (resolved bool, err error) {
	if g == nil {
		return false, call(platform.WriteOptions{})
	}
	return guardedWrite(ctx, *g, etag, diags, call)
}

// priorAndETag reads the prior state and the etag of an Update into prior; it reports false on error.
func priorAndETag[M any](ctx context.Context, state interface {
	Get(context.Context, any) diag.Diagnostics
}, p privateGetter, prior *M, diags *diag.Diagnostics) (string, bool) {
	diags.Append(state.Get(ctx, prior)...)
	etag, d := loadETag(ctx, p)
	diags.Append(d...)
	return etag, !diags.HasError()
}
