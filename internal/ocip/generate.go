// Package ocip is a BroadWorks OCI-P client: SOAP over HTTP(S) (OCIOverSoap on the XSP/ADP) or the raw
// OCS socket (tcp://host:2208, tls://host:2209), one logged-in session shared by concurrent callers,
// commands generated from the R25 schema (commands_gen.go), typed responses and errors.
//
// It carries no Terraform types; it logs through terraform-plugin-log (command names and timings, never
// a password or a login document).
package ocip

//go:generate go run ./internal/gen -out commands_gen.go
