package platform

import "errors"

// Domain additions for platforms whose objects are not all readable or whose activations have
// states of their own (Webex for Wholesale). They are generic: any platform may use them.

// ActivationPendingUserMigration is the status of an activation that waits for the user's consent
// to move an existing Webex account into the organisation (Webex for Wholesale answers a
// subscriber create with 202 pending_user_migration). The activation is in progress: the provider
// shows it and waits on it (Activation.InProgress is true), it is not an error.
const ActivationPendingUserMigration = "pending_user_migration"

// ErrNotReadable matches (errors.Is) the answer of a read of an object that the platform lets
// one write but not read back (the emergency address of a Webex Calling number): the caller
// keeps what it last wrote, and cannot detect drift.
var ErrNotReadable = errors.New("not readable on this platform")

// IsNotReadable reports whether err says the object cannot be read on this platform.
func IsNotReadable(err error) bool { return errors.Is(err, ErrNotReadable) }
