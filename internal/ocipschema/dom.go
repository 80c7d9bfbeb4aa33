package ocipschema

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// Namespaces used by OCI-P documents and their schema.
const (
	nsXS  = "http://www.w3.org/2001/XMLSchema"
	nsXSI = "http://www.w3.org/2001/XMLSchema-instance"
	nsXML = "http://www.w3.org/XML/1998/namespace"
	// NamespaceC is the namespace of BroadsoftDocument and the core types (OCITable, ErrorResponse...).
	NamespaceC = "C"
)

type qname struct {
	ns, local string
}

func (q qname) String() string {
	if q.ns == "" {
		return q.local
	}
	return "{" + q.ns + "}" + q.local
}

type attr struct {
	name  qname
	raw   string // prefix:local as written
	value string
}

// node is one element of a parsed XML document, with namespaces resolved.
type node struct {
	name     qname
	raw      string // prefix:local as written
	attrs    []attr
	children []*node
	text     strings.Builder
	hasText  bool // non-whitespace character data seen
	parent   *node
	bindings map[string]string // prefix -> namespace declared on this element ("" = default)
	line     int
}

func (n *node) lookup(prefix string) (string, bool) {
	for e := n; e != nil; e = e.parent {
		if ns, ok := e.bindings[prefix]; ok {
			return ns, true
		}
	}
	switch prefix {
	case "":
		return "", true
	case "xml":
		return nsXML, true
	}
	return "", false
}

// resolveQName resolves a QName-valued attribute (xsi:type, type=, base=) in the scope of n.
func (n *node) resolveQName(v string) (qname, error) {
	v = strings.TrimSpace(v)
	prefix, local, ok := strings.Cut(v, ":")
	if !ok {
		prefix, local = "", v
	}
	ns, found := n.lookup(prefix)
	if !found {
		return qname{}, fmt.Errorf("undeclared namespace prefix %q in %q", prefix, v)
	}
	return qname{ns, local}, nil
}

func (n *node) attr(ns, local string) (string, bool) {
	for _, a := range n.attrs {
		if a.name.ns == ns && a.name.local == local {
			return a.value, true
		}
	}
	return "", false
}

// charsetReader decodes the charsets OCI-P documents declare.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1", "cp819", "windows-1252":
		return charmap.ISO8859_1.NewDecoder().Reader(input), nil
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	}
	return nil, fmt.Errorf("unsupported charset %q", label)
}

type parseOptions struct {
	skip func(n *node) bool // elements dropped with their subtree (xs:annotation)
}

// parse builds a namespace-resolved tree from an XML document.
func parse(doc []byte, opt parseOptions) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.CharsetReader = charsetReader
	d.Strict = true
	var root, cur *node
	skipDepth := 0
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			return nil, fmt.Errorf("malformed xml at line %d: %w", line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skipDepth > 0 {
				skipDepth++
				continue
			}
			line, _ := d.InputPos()
			n := &node{parent: cur, line: line, raw: rawName(t.Name)}
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					if n.bindings == nil {
						n.bindings = map[string]string{}
					}
					n.bindings[""] = a.Value
				case a.Name.Space == "xmlns":
					if n.bindings == nil {
						n.bindings = map[string]string{}
					}
					n.bindings[a.Name.Local] = a.Value
				}
			}
			ns, ok := n.lookup(t.Name.Space)
			if !ok {
				return nil, fmt.Errorf("line %d: undeclared namespace prefix %q on <%s>", line, t.Name.Space, n.raw)
			}
			n.name = qname{ns, t.Name.Local}
			for _, a := range t.Attr {
				if (a.Name.Space == "" && a.Name.Local == "xmlns") || a.Name.Space == "xmlns" {
					continue
				}
				an := qname{"", a.Name.Local}
				if a.Name.Space != "" {
					ans, ok := n.lookup(a.Name.Space)
					if !ok {
						return nil, fmt.Errorf("line %d: undeclared namespace prefix %q on attribute %s", line, a.Name.Space, rawName(a.Name))
					}
					an.ns = ans
				}
				n.attrs = append(n.attrs, attr{name: an, raw: rawName(a.Name), value: a.Value})
			}
			if opt.skip != nil && opt.skip(n) {
				skipDepth = 1
				continue
			}
			if cur == nil {
				if root != nil {
					return nil, fmt.Errorf("line %d: more than one root element", line)
				}
				root = n
			} else {
				cur.children = append(cur.children, n)
			}
			cur = n
		case xml.EndElement:
			if skipDepth > 0 {
				skipDepth--
				continue
			}
			if cur == nil {
				return nil, fmt.Errorf("unexpected end element </%s>", rawName(t.Name))
			}
			if rawName(t.Name) != cur.raw {
				line, _ := d.InputPos()
				return nil, fmt.Errorf("line %d: element <%s> closed by </%s>", line, cur.raw, rawName(t.Name))
			}
			cur = cur.parent
		case xml.CharData:
			if skipDepth > 0 || cur == nil {
				if cur == nil && len(bytes.TrimSpace(t)) > 0 {
					return nil, fmt.Errorf("text outside the root element")
				}
				continue
			}
			cur.text.Write(t)
			if len(bytes.TrimSpace(t)) > 0 {
				cur.hasText = true
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	if cur != nil {
		return nil, fmt.Errorf("unexpected end of document inside <%s>", cur.raw)
	}
	return root, nil
}

func rawName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}
