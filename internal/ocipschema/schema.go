// Package ocipschema loads the BroadWorks OCI-P XML schema (R25, api/specs/broadworks/ocip-r25) and checks
// OCI-P documents against it: every command's xsi:type, the order, presence and count of its elements
// (extension bases, choices, minOccurs/maxOccurs, nested and abstract types), xsi:nil only where nillable,
// and the cheap simple-type facets (enumerations, lengths, ranges, patterns, lexical forms of built-ins).
//
// xmllint cannot do this for OCI-P: it does not follow xsi:type on the abstract OCICommand, so it never
// looks inside a command. This checker walks the schema's sequences itself.
package ocipschema

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

type particleKind int

const (
	pElement particleKind = iota
	pSequence
	pChoice
)

const unbounded = -1

// particle is an element declaration or a sequence/choice group.
type particle struct {
	kind     particleKind
	min, max int // max == unbounded for "unbounded"
	// element declarations only
	name     qname
	typ      typeRef
	nillable bool
	fixed    *string
	children []*particle // groups only
}

type typeRef struct {
	name    qname // named type; zero when inline
	complex *complexType
	simple  *simpleType
	scope   *node // where name was written, for error messages
}

func (r typeRef) String() string {
	switch {
	case r.name.local != "":
		return r.name.local
	case r.complex != nil:
		return "(anonymous complex type)"
	default:
		return "(anonymous simple type)"
	}
}

type attrDecl struct {
	name     string
	required bool
	typ      typeRef
}

type complexType struct {
	name        qname
	abstract    bool
	base        *typeRef // complexContent base
	restriction bool     // complexContent restriction (content replaces the base's)
	own         *particle
	ownAttrs    []attrDecl

	// computed after resolution
	content  *particle // effective content model (base content then own), nil when empty
	attrs    map[string]attrDecl
	elements map[qname][]*particle // every element declaration reachable in content
	resolved bool
}

type simpleType struct {
	name     qname
	builtin  string // local name of the XSD built-in for built-ins ("token", "int"...)
	base     *typeRef
	enums    []string
	length   *int
	minLen   *int
	maxLen   *int
	minInc   *float64
	maxInc   *float64
	patterns []*regexp.Regexp
}

// Schema is a loaded OCI-P schema set. It is immutable after Load and safe for concurrent use.
type Schema struct {
	complex  map[qname]*complexType
	simple   map[qname]*simpleType
	elements map[qname]*particle // global element declarations
	files    int
}

// Load reads the schema set rooted at dir/OCISchemaAS.xsd, following its includes and imports.
func Load(dir string) (*Schema, error) {
	s := &Schema{
		complex:  map[qname]*complexType{},
		simple:   map[qname]*simpleType{},
		elements: map[qname]*particle{},
	}
	for _, b := range []string{"string", "normalizedString", "token", "NMTOKEN", "int", "long", "integer", "short",
		"byte", "boolean", "decimal", "float", "double", "date", "dateTime", "time", "anyURI", "base64Binary",
		"hexBinary", "nonNegativeInteger", "positiveInteger", "unsignedInt", "unsignedLong", "duration", "Name",
		"NCName", "QName", "language", "ID", "IDREF", "anySimpleType"} {
		s.simple[qname{nsXS, b}] = &simpleType{name: qname{nsXS, b}, builtin: b}
	}
	root := filepath.Join(dir, "OCISchemaAS.xsd")
	seen := map[string]bool{}
	queue := []string{root}
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		clean := filepath.Clean(path)
		if seen[clean] {
			continue
		}
		seen[clean] = true
		more, err := s.loadFile(clean)
		if err != nil {
			return nil, err
		}
		queue = append(queue, more...)
	}
	s.files = len(seen)
	if err := s.resolve(); err != nil {
		return nil, err
	}
	if _, ok := s.elements[qname{NamespaceC, "BroadsoftDocument"}]; !ok {
		return nil, fmt.Errorf("schema in %s declares no BroadsoftDocument element", dir)
	}
	return s, nil
}

func isXS(n *node, local string) bool { return n.name.ns == nsXS && n.name.local == local }

func (s *Schema) loadFile(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	root, err := parse(data, parseOptions{skip: func(n *node) bool { return isXS(n, "annotation") }})
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", filepath.Base(path), err)
	}
	if !isXS(root, "schema") {
		return nil, fmt.Errorf("%s: root element is not xs:schema", filepath.Base(path))
	}
	f := &fileCtx{name: filepath.Base(path)}
	f.tns, _ = root.attr("", "targetNamespace")
	efd, _ := root.attr("", "elementFormDefault")
	f.qualified = efd == "qualified"
	var more []string
	for _, c := range root.children {
		switch {
		case isXS(c, "include"), isXS(c, "import"):
			if loc, ok := c.attr("", "schemaLocation"); ok {
				more = append(more, filepath.Join(filepath.Dir(path), loc))
			}
		case isXS(c, "complexType"):
			ct, err := f.complexType(c)
			if err != nil {
				return nil, err
			}
			if _, dup := s.complex[ct.name]; !dup {
				s.complex[ct.name] = ct
			}
		case isXS(c, "simpleType"):
			st, err := f.simpleType(c)
			if err != nil {
				return nil, err
			}
			if _, dup := s.simple[st.name]; !dup {
				s.simple[st.name] = st
			}
		case isXS(c, "element"):
			p, err := f.element(c, true)
			if err != nil {
				return nil, err
			}
			s.elements[p.name] = p
		}
	}
	return more, nil
}

type fileCtx struct {
	name      string
	tns       string
	qualified bool
}

func (f *fileCtx) errf(n *node, format string, args ...any) error {
	return fmt.Errorf("%s line %d: %s", f.name, n.line, fmt.Sprintf(format, args...))
}

func occurs(n *node) (int, int, error) {
	min, max := 1, 1
	if v, ok := n.attr("", "minOccurs"); ok {
		i, err := strconv.Atoi(v)
		if err != nil {
			return 0, 0, fmt.Errorf("minOccurs %q: %w", v, err)
		}
		min = i
	}
	if v, ok := n.attr("", "maxOccurs"); ok {
		if v == "unbounded" {
			max = unbounded
		} else {
			i, err := strconv.Atoi(v)
			if err != nil {
				return 0, 0, fmt.Errorf("maxOccurs %q: %w", v, err)
			}
			max = i
		}
	}
	return min, max, nil
}

func (f *fileCtx) typeRefAttr(n *node, attrName string) (*typeRef, error) {
	v, ok := n.attr("", attrName)
	if !ok {
		return nil, nil
	}
	q, err := n.resolveQName(v)
	if err != nil {
		return nil, f.errf(n, "%v", err)
	}
	return &typeRef{name: q, scope: n}, nil
}

func (f *fileCtx) complexType(n *node) (*complexType, error) {
	ct := &complexType{}
	if name, ok := n.attr("", "name"); ok {
		ct.name = qname{f.tns, name}
	}
	if v, _ := n.attr("", "abstract"); v == "true" || v == "1" {
		ct.abstract = true
	}
	if err := f.complexBody(ct, n); err != nil {
		return nil, err
	}
	return ct, nil
}

func (f *fileCtx) complexBody(ct *complexType, n *node) error {
	for _, c := range n.children {
		switch {
		case isXS(c, "sequence"), isXS(c, "choice"):
			p, err := f.group(c)
			if err != nil {
				return err
			}
			ct.own = p
		case isXS(c, "attribute"):
			a, err := f.attribute(c)
			if err != nil {
				return err
			}
			ct.ownAttrs = append(ct.ownAttrs, a)
		case isXS(c, "complexContent"):
			for _, d := range c.children {
				if !isXS(d, "extension") && !isXS(d, "restriction") {
					continue
				}
				base, err := f.typeRefAttr(d, "base")
				if err != nil {
					return err
				}
				if base == nil {
					return f.errf(d, "complexContent %s without base", d.name.local)
				}
				ct.base = base
				ct.restriction = isXS(d, "restriction")
				if err := f.complexBody(ct, d); err != nil {
					return err
				}
			}
		case isXS(c, "simpleContent"), isXS(c, "group"), isXS(c, "all"), isXS(c, "any"), isXS(c, "attributeGroup"):
			return f.errf(c, "unsupported schema construct xs:%s", c.name.local)
		}
	}
	return nil
}

func (f *fileCtx) attribute(n *node) (attrDecl, error) {
	a := attrDecl{}
	a.name, _ = n.attr("", "name")
	if u, _ := n.attr("", "use"); u == "required" {
		a.required = true
	}
	ref, err := f.typeRefAttr(n, "type")
	if err != nil {
		return a, err
	}
	if ref != nil {
		a.typ = *ref
	}
	for _, c := range n.children {
		if isXS(c, "simpleType") {
			st, err := f.simpleType(c)
			if err != nil {
				return a, err
			}
			a.typ = typeRef{simple: st}
		}
	}
	if a.typ.name.local == "" && a.typ.simple == nil {
		a.typ = typeRef{name: qname{nsXS, "string"}}
	}
	return a, nil
}

func (f *fileCtx) group(n *node) (*particle, error) {
	p := &particle{kind: pSequence}
	if isXS(n, "choice") {
		p.kind = pChoice
	}
	var err error
	if p.min, p.max, err = occurs(n); err != nil {
		return nil, f.errf(n, "%v", err)
	}
	for _, c := range n.children {
		var q *particle
		switch {
		case isXS(c, "element"):
			q, err = f.element(c, false)
		case isXS(c, "sequence"), isXS(c, "choice"):
			q, err = f.group(c)
		case isXS(c, "any"), isXS(c, "group"):
			return nil, f.errf(c, "unsupported schema construct xs:%s", c.name.local)
		default:
			continue
		}
		if err != nil {
			return nil, err
		}
		p.children = append(p.children, q)
	}
	return p, nil
}

func (f *fileCtx) element(n *node, global bool) (*particle, error) {
	p := &particle{kind: pElement}
	name, ok := n.attr("", "name")
	if !ok {
		return nil, f.errf(n, "element without name (ref= is not supported)")
	}
	ns := ""
	if global || f.qualified {
		ns = f.tns
	}
	p.name = qname{ns, name}
	var err error
	if p.min, p.max, err = occurs(n); err != nil {
		return nil, f.errf(n, "%v", err)
	}
	if v, _ := n.attr("", "nillable"); v == "true" || v == "1" {
		p.nillable = true
	}
	if v, ok := n.attr("", "fixed"); ok {
		p.fixed = &v
	}
	ref, err := f.typeRefAttr(n, "type")
	if err != nil {
		return nil, err
	}
	if ref != nil {
		p.typ = *ref
	}
	for _, c := range n.children {
		switch {
		case isXS(c, "complexType"):
			ct, err := f.complexType(c)
			if err != nil {
				return nil, err
			}
			p.typ = typeRef{complex: ct}
		case isXS(c, "simpleType"):
			st, err := f.simpleType(c)
			if err != nil {
				return nil, err
			}
			p.typ = typeRef{simple: st}
		}
	}
	if p.typ.name.local == "" && p.typ.complex == nil && p.typ.simple == nil {
		// An element without a type is xs:anyType; the OCI schema has none, treat as string.
		p.typ = typeRef{name: qname{nsXS, "string"}}
	}
	return p, nil
}

func (f *fileCtx) simpleType(n *node) (*simpleType, error) {
	st := &simpleType{}
	if name, ok := n.attr("", "name"); ok {
		st.name = qname{f.tns, name}
	}
	for _, c := range n.children {
		switch {
		case isXS(c, "restriction"):
			base, err := f.typeRefAttr(c, "base")
			if err != nil {
				return nil, err
			}
			st.base = base
			for _, fc := range c.children {
				v, _ := fc.attr("", "value")
				switch {
				case isXS(fc, "simpleType"):
					inner, err := f.simpleType(fc)
					if err != nil {
						return nil, err
					}
					st.base = &typeRef{simple: inner}
				case isXS(fc, "enumeration"):
					st.enums = append(st.enums, v)
				case isXS(fc, "length"), isXS(fc, "minLength"), isXS(fc, "maxLength"):
					i, err := strconv.Atoi(v)
					if err != nil {
						return nil, f.errf(fc, "%s %q: %v", fc.name.local, v, err)
					}
					switch fc.name.local {
					case "length":
						st.length = &i
					case "minLength":
						st.minLen = &i
					default:
						st.maxLen = &i
					}
				case isXS(fc, "minInclusive"), isXS(fc, "maxInclusive"):
					x, err := strconv.ParseFloat(v, 64)
					if err != nil {
						return nil, f.errf(fc, "%s %q: %v", fc.name.local, v, err)
					}
					if fc.name.local == "minInclusive" {
						st.minInc = &x
					} else {
						st.maxInc = &x
					}
				case isXS(fc, "pattern"):
					// XSD regular expressions are implicitly anchored; the ones in the OCI schema are
					// also valid RE2. A pattern Go cannot compile is skipped (checked cheaply only).
					if re, err := regexp.Compile("^(?:" + v + ")$"); err == nil {
						st.patterns = append(st.patterns, re)
					}
				}
			}
		case isXS(c, "list"), isXS(c, "union"):
			return nil, f.errf(c, "unsupported schema construct xs:%s", c.name.local)
		}
	}
	if st.base == nil {
		return nil, f.errf(n, "simpleType %s without restriction base", st.name.local)
	}
	return st, nil
}

// resolve links every type reference and computes effective content models.
func (s *Schema) resolve() error {
	var errs []string
	resolveRef := func(r *typeRef, where string) {
		if r.complex != nil || r.simple != nil {
			return
		}
		if ct, ok := s.complex[r.name]; ok {
			r.complex = ct
			return
		}
		if st, ok := s.simple[r.name]; ok {
			r.simple = st
			return
		}
		errs = append(errs, fmt.Sprintf("%s: unknown type %s", where, r.name))
	}
	var walkSimple func(st *simpleType)
	walkSimple = func(st *simpleType) {
		if st.base != nil && st.base.simple == nil {
			resolveRef(st.base, "simpleType "+st.name.local)
			if st.base.complex != nil {
				errs = append(errs, fmt.Sprintf("simpleType %s: base %s is complex", st.name.local, st.base.name))
			}
		}
		if st.base != nil && st.base.simple != nil && st.base.simple.name.local == "" {
			walkSimple(st.base.simple)
		}
	}
	var walkComplex func(ct *complexType)
	var walkParticle func(p *particle, owner string)
	walkParticle = func(p *particle, owner string) {
		if p.kind == pElement {
			resolveRef(&p.typ, owner+"/"+p.name.local)
			if p.typ.complex != nil && p.typ.complex.name.local == "" {
				walkComplex(p.typ.complex)
			}
			if p.typ.simple != nil && p.typ.simple.name.local == "" {
				walkSimple(p.typ.simple)
			}
			return
		}
		for _, c := range p.children {
			walkParticle(c, owner)
		}
	}
	walkComplex = func(ct *complexType) {
		if ct.base != nil {
			resolveRef(ct.base, "complexType "+ct.name.local)
			if ct.base.simple != nil {
				errs = append(errs, fmt.Sprintf("complexType %s: simple base %s is not supported", ct.name.local, ct.base.name))
				ct.base = nil
			}
		}
		if ct.own != nil {
			walkParticle(ct.own, ct.name.local)
		}
		for i := range ct.ownAttrs {
			resolveRef(&ct.ownAttrs[i].typ, "attribute "+ct.ownAttrs[i].name)
			if st := ct.ownAttrs[i].typ.simple; st != nil && st.name.local == "" {
				walkSimple(st)
			}
		}
	}
	for _, st := range s.simple {
		walkSimple(st)
	}
	for _, ct := range s.complex {
		walkComplex(ct)
	}
	for _, p := range s.elements {
		walkParticle(p, "element")
	}
	if len(errs) > 0 {
		if len(errs) > 10 {
			errs = append(errs[:10], fmt.Sprintf("... and %d more", len(errs)-10))
		}
		return fmt.Errorf("resolve schema: %s", strings.Join(errs, "; "))
	}
	// Effective content models, anonymous types included.
	var finish func(ct *complexType, depth int) error
	var finishParticle func(p *particle, depth int) error
	finishParticle = func(p *particle, depth int) error {
		if p.kind == pElement {
			if p.typ.complex != nil {
				return finish(p.typ.complex, depth+1)
			}
			return nil
		}
		for _, c := range p.children {
			if err := finishParticle(c, depth); err != nil {
				return err
			}
		}
		return nil
	}
	finish = func(ct *complexType, depth int) error {
		if ct.resolved {
			return nil
		}
		if depth > 200 {
			return fmt.Errorf("resolve schema: type derivation too deep at %s", ct.name.local)
		}
		ct.resolved = true
		ct.attrs = map[string]attrDecl{}
		var parts []*particle
		if ct.base != nil {
			b := ct.base.complex
			if err := finish(b, depth+1); err != nil {
				return err
			}
			for k, v := range b.attrs {
				ct.attrs[k] = v
			}
			if !ct.restriction && b.content != nil {
				parts = append(parts, b.content)
			}
		}
		for _, a := range ct.ownAttrs {
			ct.attrs[a.name] = a
		}
		if ct.own != nil && (ct.own.kind != pSequence || len(ct.own.children) != 0) {
			parts = append(parts, ct.own)
		}
		switch len(parts) {
		case 0:
		case 1:
			ct.content = parts[0]
		default:
			ct.content = &particle{kind: pSequence, min: 1, max: 1, children: parts}
		}
		ct.elements = map[qname][]*particle{}
		var collect func(p *particle)
		collect = func(p *particle) {
			if p.kind == pElement {
				ct.elements[p.name] = append(ct.elements[p.name], p)
				return
			}
			for _, c := range p.children {
				collect(c)
			}
		}
		if ct.content != nil {
			collect(ct.content)
			return finishParticle(ct.content, depth)
		}
		return nil
	}
	for _, ct := range s.complex {
		if err := finish(ct, 0); err != nil {
			return err
		}
	}
	for _, p := range s.elements {
		if err := finishParticle(p, 0); err != nil {
			return err
		}
	}
	return nil
}

// HasType reports whether the schema defines a complex type with this name (no namespace, or "c:Name"
// for the core namespace).
func (s *Schema) HasType(name string) bool {
	_, ok := s.complex[typeKey(name)]
	return ok
}

func typeKey(name string) qname {
	if local, ok := strings.CutPrefix(name, "c:"); ok {
		return qname{NamespaceC, local}
	}
	return qname{"", name}
}

// DerivesFrom reports whether complex type name is (or extends, directly or not) base; names as in HasType.
func (s *Schema) DerivesFrom(name, base string) bool {
	ct, ok := s.complex[typeKey(name)]
	if !ok {
		return false
	}
	b, ok := s.complex[typeKey(base)]
	if !ok {
		return false
	}
	return derives(ct, b)
}

func derives(ct, base *complexType) bool {
	for t, i := ct, 0; t != nil && i < 200; i++ {
		if t == base {
			return true
		}
		if t.base == nil {
			return false
		}
		t = t.base.complex
	}
	return false
}

// ElementNames returns, in schema order, the names of the elements of complex type name's content model
// (base types first, every branch of every choice). It serves generators and tests.
func (s *Schema) ElementNames(name string) ([]string, bool) {
	ct, ok := s.complex[typeKey(name)]
	if !ok {
		return nil, false
	}
	var out []string
	seen := map[string]bool{}
	var walk func(p *particle)
	walk = func(p *particle) {
		if p == nil {
			return
		}
		if p.kind == pElement {
			if !seen[p.name.local] {
				seen[p.name.local] = true
				out = append(out, p.name.local)
			}
			return
		}
		for _, c := range p.children {
			walk(c)
		}
	}
	walk(ct.content)
	return out, true
}
