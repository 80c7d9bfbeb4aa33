package client

// WriteOptions are the options of every method that changes an object (PUT, PATCH, DELETE, and the
// POSTs that change an existing object), go-tfe style: the zero value is an unconditional write.
type WriteOptions struct {
	// IfMatch is the etag the change is based on, sent as If-Match: when the object changed since
	// (or, for a PUT, was created or removed since), the server refuses the write with 412
	// etag_mismatch (IsPreconditionFailed) and writes nothing. "" sends no If-Match; "*" matches
	// any existing object. A bare etag is quoted ("3" is sent as `"3"`).
	IfMatch string
}
