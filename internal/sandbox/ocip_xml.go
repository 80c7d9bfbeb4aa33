package sandbox

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// The XML layer of the OCI-P front-end: a small element tree for what arrives (documents and
// SOAP envelopes) and a writer for what leaves. Written from the R25 schema
// (api/specs/broadworks/ocip-r25); it shares nothing with the OCI-P client.

const (
	xsiNS          = "http://www.w3.org/2001/XMLSchema-instance"
	maxOCIPDocSize = 1 << 20 // bytes of one document (or SOAP envelope)
	maxOCIPDepth   = 32
)

// xnode is an element: its local name, attributes (local name → value; the XML Schema instance
// attributes as "xsi:type" and "xsi:nil", the type without its prefix), text and children.
type xnode struct {
	name  string
	attrs map[string]string
	text  string
	kids  []*xnode
}

// child returns the first child named name, nil when there is none.
func (n *xnode) child(name string) *xnode {
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// children returns every child named name.
func (n *xnode) children(name string) []*xnode {
	var out []*xnode
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// isNil reports whether the element carries xsi:nil="true".
func (n *xnode) isNil() bool {
	v := strings.TrimSpace(n.attrs["xsi:nil"])
	return v == "true" || v == "1"
}

// value is the element's text as an xs:token: white space collapsed.
func (n *xnode) value() string { return strings.Join(strings.Fields(n.text), " ") }

// parseXML parses one XML document into a tree. With declaredCharset the document's own
// encoding declaration applies (raw bytes from a socket: ISO-8859-1 and UTF-8 are accepted);
// without it the bytes are UTF-8 whatever the declaration says (a document that travelled as a
// string inside a SOAP envelope).
func parseXML(data []byte, declaredCharset bool) (*xnode, error) {
	if len(data) > maxOCIPDocSize {
		return nil, fmt.Errorf("the document is larger than %d bytes", maxOCIPDocSize)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		if !declaredCharset {
			return in, nil
		}
		switch strings.ToLower(label) {
		case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1", "cp819":
			return charmap.ISO8859_1.NewDecoder().Reader(in), nil
		case "us-ascii", "ascii":
			return in, nil
		}
		return nil, fmt.Errorf("unsupported encoding %q (want ISO-8859-1 or UTF-8)", label)
	}
	var stack []*xnode
	var root *xnode
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not well-formed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxOCIPDepth {
				return nil, errors.New("elements nested too deeply")
			}
			if root != nil && len(stack) == 0 {
				return nil, errors.New("more than one root element")
			}
			n := &xnode{name: t.Name.Local, attrs: map[string]string{}}
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns"):
				case a.Name.Space == xsiNS:
					v := a.Value
					if a.Name.Local == "type" {
						if _, local, ok := strings.Cut(v, ":"); ok {
							v = local
						}
					}
					n.attrs["xsi:"+a.Name.Local] = strings.TrimSpace(v)
				default:
					n.attrs[a.Name.Local] = a.Value
				}
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			} else if strings.TrimSpace(string(t)) != "" {
				return nil, errors.New("text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// xw writes XML: elements in the order the schema wants them, text escaped.
type xw struct{ b strings.Builder }

// el writes <name>text</name>.
func (w *xw) el(name, text string) {
	w.b.WriteString("<" + name + ">")
	escapeXML(&w.b, text)
	w.b.WriteString("</" + name + ">")
}

// opt writes <name>text</name> when text is not empty.
func (w *xw) opt(name, text string) {
	if text != "" {
		w.el(name, text)
	}
}

// bool writes <name>true|false</name>.
func (w *xw) bool(name string, v bool) { w.el(name, strconv.FormatBool(v)) }

// int writes <name>n</name>.
func (w *xw) int(name string, v int) { w.el(name, strconv.Itoa(v)) }

// open writes <name attrs...> (attrs are name, value pairs).
func (w *xw) open(name string, attrs ...string) {
	w.b.WriteString("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		w.b.WriteString(" " + attrs[i] + `="`)
		escapeXML(&w.b, attrs[i+1])
		w.b.WriteString(`"`)
	}
	w.b.WriteString(">")
}

func (w *xw) close(name string) { w.b.WriteString("</" + name + ">") }

// raw writes already-escaped XML.
func (w *xw) raw(s string) { w.b.WriteString(s) }

func (w *xw) String() string { return w.b.String() }

// table writes an OCITable: the column headings, then one row per entry of rows.
func (w *xw) table(name string, headings []string, rows [][]string) {
	w.open(name)
	for _, h := range headings {
		w.el("colHeading", h)
	}
	for _, r := range rows {
		w.open("row")
		for _, c := range r {
			if c == "" {
				w.raw("<col/>")
			} else {
				w.el("col", c)
			}
		}
		w.close("row")
	}
	w.close(name)
}

// escapeXML writes s escaped for text and attribute values; characters XML 1.0 does not allow
// become U+FFFD.
func escapeXML(b *strings.Builder, s string) {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		case '\r':
			b.WriteString("&#xD;")
		case '\n':
			b.WriteString("&#xA;")
		case '\t':
			b.WriteString("&#x9;")
		default:
			if r < 0x20 || r == utf8.RuneError || (r >= 0xFFFE && r <= 0xFFFF) {
				r = '\uFFFD'
			}
			b.WriteRune(r)
		}
	}
}

// toLatin1 encodes an XML text (UTF-8) as ISO-8859-1: characters beyond U+00FF become character
// references, which XML resolves to the same characters.
func toLatin1(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r < 0x100 {
			out = append(out, byte(r))
			continue
		}
		out = append(out, "&#"+strconv.Itoa(int(r))+";"...)
	}
	return out
}
