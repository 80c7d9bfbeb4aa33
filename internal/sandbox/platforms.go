package sandbox

// Platform ids: one store, several wire front-ends (PLATFORMS.md, "The emulator").
//
// The emulator keeps one set of enterprises, groups and users and shows them through every
// front-end; each platform names them its own way:
//
//   - reference contract (/v1/...): enterprises ent_…, groups grp_…, users usr_… (the ids of the rows);
//   - BroadWorks OCI-P: serviceProviderId = the enterprise's id, groupId = the group's id (an
//     emulator choice: real systems use the operator's names), userId = users.bw_user_id, the id the
//     OCI-P client chose at UserAddRequest (e.g. 7205551200@acme.example). A user created through
//     another front-end has none until it is read over OCI-P, which gives it usr_…@<enterprise>.invalid;
//   - Webex for BroadWorks / Webex for Wholesale: subscriber ids are those of the activation rows
//     (one subscriber per user), the Webex orgId of an enterprise is enterprises.webex_org_id.
//
// Schema steps of the platform front-ends are appended to migrations after this one.
const platformIDsSchema = `
ALTER TABLE users ADD COLUMN bw_user_id TEXT CHECK (bw_user_id IS NULL OR bw_user_id <> '');
-- BroadWorks user ids are unique in the system, case-insensitively.
CREATE UNIQUE INDEX users_bw_user_id ON users(lower(bw_user_id)) WHERE bw_user_id IS NOT NULL;
ALTER TABLE enterprises ADD COLUMN webex_org_id TEXT;
`
