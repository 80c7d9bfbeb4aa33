package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Optimistic concurrency: the etag of the backend object a resource manages, as read at the last
// refresh (or returned by the last write), is kept in the resource's private state under
// privateETagKey. Read saves it (from a GET or a bulk-list item: both carry the same etag), Create
// and Update save the etag of the object they wrote, and every PUT, PATCH and DELETE sends it as
// If-Match, so a change made outside Terraform since the last refresh is never overwritten.
const privateETagKey = "etag"

// privateGetter is what Update, Delete and ModifyPlan read private state through
// (req.Private of those requests).
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// privateSetter is what Create, Read and Update write private state through (resp.Private).
type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// saveETag stores the etag of the object just read or written. An empty etag (an object the
// backend does not version) is stored as empty, which loadETag returns as "" (unconditional).
func saveETag(ctx context.Context, p privateSetter, etag string) diag.Diagnostics {
	if p == nil {
		return nil
	}
	raw, err := json.Marshal(etag)
	if err != nil { // a string always marshals
		var d diag.Diagnostics
		d.AddError("Cannot save etag", err.Error())
		return d
	}
	return p.SetKey(ctx, privateETagKey, raw)
}

// loadETag returns the etag saved by the last Read, Create or Update, or "" when none was saved
// (state written by an older provider version): the write is then unconditional.
func loadETag(ctx context.Context, p privateGetter) (string, diag.Diagnostics) {
	if p == nil {
		return "", nil
	}
	raw, d := p.GetKey(ctx, privateETagKey)
	if d.HasError() || len(raw) == 0 {
		return "", d
	}
	var etag string
	if err := json.Unmarshal(raw, &etag); err != nil {
		return "", nil // unreadable: behave as an older state (unconditional write)
	}
	return etag, d
}
