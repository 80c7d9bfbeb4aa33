package ocip

import (
	"context"
	"encoding/xml"
	"fmt"
	"strings"
)

const nsXSI = "http://www.w3.org/2001/XMLSchema-instance"

// Request is an OCI-P request command (the generated *Request types).
type Request interface {
	// OCIType is the command's xsi:type, e.g. "UserAddRequest22V2".
	OCIType() string
	ociRequest()
}

// Response is an OCI-P response command: a generated *...Response type, *SuccessResponse, *Error
// (an ErrorResponse) or *RawResponse (a type this package does not know).
type Response interface {
	OCIType() string
	ociResponse()
}

// SuccessResponse is the C:SuccessResponse answering a request that returns no data.
type SuccessResponse struct{}

// OCIType returns "c:SuccessResponse".
func (*SuccessResponse) OCIType() string { return "c:SuccessResponse" }
func (*SuccessResponse) ociResponse()    {}

// RawResponse is a response whose xsi:type has no generated type; XML is the command's inner XML.
type RawResponse struct {
	Type string
	XML  string
}

// OCIType returns the response's xsi:type as received.
func (r *RawResponse) OCIType() string { return r.Type }
func (*RawResponse) ociResponse()      {}

// Err returns r as an error when it is an ErrorResponse (*Error), else nil.
func Err(r Response) error {
	if e, ok := r.(*Error); ok && e != nil {
		return e
	}
	return nil
}

// Doer sends commands; *Client implements it (a test double can too).
type Doer interface {
	Do(ctx context.Context, cmds ...Request) ([]Response, error)
}

var _ Doer = (*Client)(nil)

// Call sends one request and returns its response as T, or the ErrorResponse as *Error.
//
//	resp, err := ocip.Call[*ocip.UserGetResponse23V2](ctx, c, ocip.UserGetRequest23V2{UserId: id})
func Call[T Response](ctx context.Context, c Doer, req Request) (T, error) {
	var zero T
	resps, err := c.Do(ctx, req)
	if err != nil {
		return zero, err
	}
	if len(resps) != 1 {
		return zero, fmt.Errorf("ocip: %s: %d responses for one request", req.OCIType(), len(resps))
	}
	if err := Err(resps[0]); err != nil {
		return zero, err
	}
	t, ok := resps[0].(T)
	if !ok {
		return zero, fmt.Errorf("ocip: %s answered with %s, want %T", req.OCIType(), resps[0].OCIType(), zero)
	}
	return t, nil
}

// Exec sends one request that answers SuccessResponse and returns the ErrorResponse as *Error.
func Exec(ctx context.Context, c Doer, req Request) error {
	_, err := Call[*SuccessResponse](ctx, c, req)
	return err
}

// Nillable is an optional, nillable element: absent (the zero value, nothing written), a value, or
// nil (written <name xsi:nil="true"/>, which clears the field on the server).
type Nillable[T any] struct {
	state nilState
	val   T
}

type nilState uint8

const (
	nilAbsent nilState = iota
	nilValue
	nilNil
)

// Value returns a Nillable holding v.
func Value[T any](v T) Nillable[T] { return Nillable[T]{state: nilValue, val: v} }

// Nil returns a Nillable that clears the element (xsi:nil="true").
func Nil[T any]() Nillable[T] { return Nillable[T]{state: nilNil} }

// ValueOrNil returns Value(*v), or Nil when v is nil: the usual "set or clear" of an update.
func ValueOrNil[T any](v *T) Nillable[T] {
	if v == nil {
		return Nil[T]()
	}
	return Value(*v)
}

// IsSet reports whether the element is present (a value or nil).
func (n Nillable[T]) IsSet() bool { return n.state != nilAbsent }

// IsNil reports whether the element is xsi:nil.
func (n Nillable[T]) IsNil() bool { return n.state == nilNil }

// Get returns the value and whether there is one.
func (n Nillable[T]) Get() (T, bool) { return n.val, n.state == nilValue }

// Ptr returns a pointer to the value, nil when absent or nil.
func (n Nillable[T]) Ptr() *T {
	if n.state != nilValue {
		return nil
	}
	v := n.val
	return &v
}

type nilTyper interface{ nilXSIType() string }

// MarshalXML writes nothing when absent, the value, or an empty element with xsi:nil="true" (plus an
// xsi:type for abstract types, which the schema requires even on nil).
func (n Nillable[T]) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	switch n.state {
	case nilValue:
		return e.EncodeElement(n.val, start)
	case nilNil:
		if t, ok := any(n.val).(nilTyper); ok {
			start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "xsi:type"}, Value: t.nilXSIType()})
		}
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "xsi:nil"}, Value: "true"})
		if err := e.EncodeToken(start); err != nil {
			return err
		}
		return e.EncodeToken(start.End())
	}
	return nil
}

// UnmarshalXML reads xsi:nil="true" as Nil, anything else as a value.
func (n *Nillable[T]) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	for _, a := range start.Attr {
		if a.Name.Space == nsXSI && a.Name.Local == "nil" && strings.TrimSpace(a.Value) == "true" {
			n.state = nilNil
			return d.Skip()
		}
	}
	if err := d.DecodeElement(&n.val, &start); err != nil {
		return err
	}
	n.state = nilValue
	return nil
}

// encodeTyped writes v as start with an xsi:type attribute (abstract element types).
func encodeTyped(e *xml.Encoder, start xml.StartElement, xsiType string, v any) error {
	start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "xsi:type"}, Value: xsiType})
	return e.EncodeElement(v, start)
}

// xsiType returns the local part of the xsi:type of a decoded start element.
func xsiType(start xml.StartElement) string {
	for _, a := range start.Attr {
		if a.Name.Local == "type" && (a.Name.Space == nsXSI || a.Name.Space == "xsi") {
			v := strings.TrimSpace(a.Value)
			if i := strings.IndexByte(v, ':'); i >= 0 {
				v = v[i+1:]
			}
			return v
		}
	}
	return ""
}

// Table is a C:OCITable: column headings and rows of cells. Clients must not assume a column order,
// so read cells by heading.
type Table struct {
	Headings []string
	Cells    [][]string // Cells[row][column], in the order of Headings
}

// Len is the number of rows.
func (t Table) Len() int { return len(t.Cells) }

// Index returns the column of heading, -1 when absent.
func (t Table) Index(heading string) int {
	for i, h := range t.Headings {
		if h == heading {
			return i
		}
	}
	return -1
}

// Col returns the cell of row under heading ("" when the column or the row does not exist).
func (t Table) Col(row int, heading string) string {
	i := t.Index(heading)
	if i < 0 || row < 0 || row >= len(t.Cells) || i >= len(t.Cells[row]) {
		return ""
	}
	return t.Cells[row][i]
}

// Rows returns every row as a map from heading to cell.
func (t Table) Rows() []map[string]string {
	out := make([]map[string]string, len(t.Cells))
	for r, cells := range t.Cells {
		m := make(map[string]string, len(t.Headings))
		for i, h := range t.Headings {
			if i < len(cells) {
				m[h] = cells[i]
			} else {
				m[h] = ""
			}
		}
		out[r] = m
	}
	return out
}

type xmlTable struct {
	ColHeading []string `xml:"colHeading"`
	Row        []struct {
		Col []string `xml:"col"`
	} `xml:"row"`
}

// UnmarshalXML reads colHeading and row/col elements.
func (t *Table) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var x xmlTable
	if err := d.DecodeElement(&x, &start); err != nil {
		return err
	}
	t.Headings = x.ColHeading
	t.Cells = make([][]string, len(x.Row))
	for i, r := range x.Row {
		// Rows normally have one cell per heading; a short row reads as empty cells (Col, Rows).
		t.Cells[i] = r.Col
	}
	return nil
}

// MarshalXML writes the table as an OCITable.
func (t Table) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	var x xmlTable
	x.ColHeading = t.Headings
	for _, c := range t.Cells {
		x.Row = append(x.Row, struct {
			Col []string `xml:"col"`
		}{Col: c})
	}
	return e.EncodeElement(x, start)
}

// Ptr returns a pointer to v, for the optional fields of the generated types.
func Ptr[T any](v T) *T { return &v }

// ServiceIntegratedIMP is the UserService name of Integrated IM&P (UserServiceAssignListRequest).
const ServiceIntegratedIMP = "Integrated IMP"
