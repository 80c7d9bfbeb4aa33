package ocip

import (
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Error is an OCI-P ErrorResponse (C:ErrorResponse) answering one command.
type Error struct {
	Command        string // xsi:type of the request that failed ("" when unknown)
	Code           int    // errorCode, else the NNNN of "[Error NNNN]" in the summary; 0 when neither
	Type           string // "Error", "Warning" or "Info"
	Summary        string
	SummaryEnglish string
	Detail         string
}

func (e *Error) Error() string {
	msg := e.SummaryEnglish
	if msg == "" {
		msg = e.Summary
	}
	if e.Code != 0 && !strings.Contains(msg, "[Error "+strconv.Itoa(e.Code)+"]") {
		msg = fmt.Sprintf("[Error %d] %s", e.Code, msg)
	}
	if e.Detail != "" {
		msg += ": " + strings.TrimSpace(e.Detail)
	}
	if e.Command != "" {
		return "ocip: " + e.Command + ": " + msg
	}
	return "ocip: " + msg
}

// OCIType returns "c:ErrorResponse".
func (*Error) OCIType() string { return "c:ErrorResponse" }
func (*Error) ociResponse()    {}

var reErrorCode = regexp.MustCompile(`\[Error (\d+)\]`)

type xmlError struct {
	ErrorCode      *int   `xml:"errorCode"`
	Summary        string `xml:"summary"`
	SummaryEnglish string `xml:"summaryEnglish"`
	Detail         string `xml:"detail"`
}

func decodeError(d *xml.Decoder, start xml.StartElement) (*Error, error) {
	var x xmlError
	if err := d.DecodeElement(&x, &start); err != nil {
		return nil, err
	}
	e := &Error{Summary: x.Summary, SummaryEnglish: x.SummaryEnglish, Detail: x.Detail}
	for _, a := range start.Attr {
		if a.Name.Space == "" && a.Name.Local == "type" { // not xsi:type, which shares the local name
			e.Type = a.Value
		}
	}
	if x.ErrorCode != nil {
		e.Code = *x.ErrorCode
	} else {
		for _, s := range []string{x.Summary, x.SummaryEnglish} {
			if m := reErrorCode.FindStringSubmatch(s); m != nil {
				e.Code, _ = strconv.Atoi(m[1])
				break
			}
		}
	}
	return e, nil
}

// Error codes seen from BroadWorks (OCIP.md section 4).
const (
	CodeUserNotFound         = 4008
	CodeGroupNotFound        = 4152
	CodeUserAlreadyExists    = 4200
	CodeDeviceAlreadyExists  = 4500
	CodeInvalidPassword      = 4962
	CodeAccountDisabled      = 5202
	CodeUnauthorized         = 5404
	CodeRequestValidation    = 6004
	codeServiceProviderNotFd = 4010
)

// Code returns the OCI-P error code of err (an *Error anywhere in its chain), 0 when none.
func Code(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// IsNotFound reports whether err is an ErrorResponse saying the object does not exist
// (4008 user, 4152 group, 4010 service provider, or a summary "... not found").
func IsNotFound(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case CodeUserNotFound, CodeGroupNotFound, codeServiceProviderNotFd:
		return true
	}
	return strings.Contains(strings.ToLower(e.SummaryEnglish+" "+e.Summary), "not found")
}

// IsAlreadyExists reports whether err is an ErrorResponse saying the object exists (4200 user,
// 4500 access device, or a summary "... already exists").
func IsAlreadyExists(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case CodeUserAlreadyExists, CodeDeviceAlreadyExists:
		return true
	}
	return strings.Contains(strings.ToLower(e.SummaryEnglish+" "+e.Summary), "already exists")
}

// ErrAmbiguousWrite wraps a transport failure after a write was sent: the server may or may not have
// applied it. The caller resolves it by reading the object by its natural key.
var ErrAmbiguousWrite = errors.New("ocip: the write may or may not have been applied")

// ErrLogin wraps every failure to log in (bad credentials are an *Error with Code 4962 in the chain).
var ErrLogin = errors.New("ocip: login failed")

// ErrNotLoggedIn is the server's "Cannot process any request before user is logged in".
var ErrNotLoggedIn = errors.New("ocip: session not logged in")
