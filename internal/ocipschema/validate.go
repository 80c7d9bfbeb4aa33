package ocipschema

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Rules a document can break; ValidationError.Rule holds one of them.
const (
	RuleMalformed      = "malformed"       // not well-formed XML, undeclared prefix, unsupported charset
	RuleRoot           = "root"            // root element is not C:BroadsoftDocument
	RuleUnknownType    = "unknown-type"    // xsi:type names no type of the schema
	RuleDerivation     = "derivation"      // xsi:type does not derive from the declared type (or is not a request/response)
	RuleAbstract       = "abstract"        // element of an abstract type without xsi:type
	RuleUnknownElement = "unknown-element" // element not declared in the type
	RuleNamespace      = "namespace"       // element in the wrong namespace (e.g. a command child without xmlns="")
	RuleOrder          = "order"           // element out of sequence order / not allowed at this place
	RuleRequired       = "required"        // required element missing
	RuleMaxOccurs      = "max-occurs"      // element repeated more than maxOccurs (16 commands...)
	RuleNil            = "nil"             // xsi:nil on a non-nillable element, or a nil element with content
	RuleContent        = "content"         // text in a complex element, or elements in a simple one
	RuleAttribute      = "attribute"       // undeclared attribute, or required attribute missing
	RuleEnumeration    = "enumeration"     // value not in the type's enumeration
	RuleLength         = "length"          // value shorter/longer than minLength/maxLength/length
	RuleRange          = "range"           // number outside minInclusive/maxInclusive
	RulePattern        = "pattern"         // value does not match the type's pattern
	RuleFormat         = "format"          // value not in the built-in type's lexical form (int, boolean, dateTime...)
	RuleFixed          = "fixed"           // value differs from the element's fixed value
)

// ValidationError is one rule a document breaks.
type ValidationError struct {
	Index   int    // 1-based position of the command concerned; 0 for the envelope
	Command string // the command's xsi:type as written, "" for the envelope
	Path    string // element path below the command (or below BroadsoftDocument), e.g. "department/name"
	Line    int
	Rule    string // one of the Rule* constants
	Message string
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.Index > 0 {
		fmt.Fprintf(&b, "command %d (%s)", e.Index, e.Command)
	} else {
		b.WriteString("BroadsoftDocument")
	}
	if e.Path != "" {
		b.WriteString(" ")
		b.WriteString(e.Path)
	}
	fmt.Fprintf(&b, ": %s [%s]", e.Message, e.Rule)
	return b.String()
}

// ValidationErrors is every rule a document breaks, in document order.
type ValidationErrors []*ValidationError

func (es ValidationErrors) Error() string {
	parts := make([]string, 0, len(es))
	for i, e := range es {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("... and %d more", len(es)-10))
			break
		}
		parts = append(parts, e.Error())
	}
	return "invalid oci-p document: " + strings.Join(parts, "; ")
}

// Has reports whether some error breaks rule.
func (es ValidationErrors) Has(rule string) bool {
	for _, e := range es {
		if e.Rule == rule {
			return true
		}
	}
	return false
}

// ValidateDocument checks one OCI-P document (a BroadsoftDocument with 1..15 commands, requests or
// responses) against the schema. It returns nil or ValidationErrors.
func (s *Schema) ValidateDocument(doc []byte) error {
	return s.validate(doc, "")
}

// ValidateRequest is ValidateDocument plus: every command is a request (derives from C:OCIRequest).
func (s *Schema) ValidateRequest(doc []byte) error {
	return s.validate(doc, "OCIRequest")
}

// ValidateResponse is ValidateDocument plus: every command is a response (derives from C:OCIResponse).
func (s *Schema) ValidateResponse(doc []byte) error {
	return s.validate(doc, "OCIResponse")
}

const maxErrors = 50

type validator struct {
	s       *Schema
	errs    ValidationErrors
	index   int
	command string
}

func (v *validator) add(n *node, path, rule, format string, args ...any) {
	if len(v.errs) >= maxErrors {
		return
	}
	line := 0
	if n != nil {
		line = n.line
	}
	v.errs = append(v.errs, &ValidationError{Index: v.index, Command: v.command, Path: path, Line: line, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

func (s *Schema) validate(doc []byte, mustDerive string) error {
	v := &validator{s: s}
	root, err := parse(doc, parseOptions{})
	if err != nil {
		v.add(nil, "", RuleMalformed, "%v", err)
		return v.errs
	}
	decl := s.elements[qname{NamespaceC, "BroadsoftDocument"}]
	if root.name != decl.name {
		v.add(root, "", RuleRoot, "root element is <%s> in namespace %q, want <BroadsoftDocument> in namespace %q", root.name.local, root.name.ns, NamespaceC)
		return v.errs
	}
	v.element(root, decl, "", 0)
	if mustDerive != "" {
		base := s.complex[qname{NamespaceC, mustDerive}]
		idx := 0
		for _, c := range root.children {
			if c.name != (qname{"", "command"}) {
				continue
			}
			idx++
			xt, ok := c.attr(nsXSI, "type")
			if !ok {
				continue
			}
			q, err := c.resolveQName(xt)
			if err != nil {
				continue
			}
			if ct := s.complex[q]; ct != nil && !derives(ct, base) {
				v.index, v.command = idx, xt
				v.add(c, "", RuleDerivation, "%s is not a %s", xt, strings.TrimPrefix(mustDerive, "OCI"))
			}
		}
	}
	if len(v.errs) > 0 {
		return v.errs
	}
	return nil
}

func join(path, local string) string {
	if path == "" {
		return local
	}
	return path + "/" + local
}

func isTrue(s string) bool {
	s = strings.TrimSpace(s)
	return s == "true" || s == "1"
}

// element validates n against its declaration decl. depth is 0 for the root, 1 for commands.
func (v *validator) element(n *node, decl *particle, path string, depth int) {
	typ := decl.typ
	if xt, ok := n.attr(nsXSI, "type"); ok {
		q, err := n.resolveQName(xt)
		if err != nil {
			v.add(n, path, RuleUnknownType, "xsi:type %q: %v", xt, err)
			return
		}
		switch {
		case v.s.complex[q] != nil:
			ct := v.s.complex[q]
			if decl.typ.complex == nil || !derives(ct, decl.typ.complex) {
				v.add(n, path, RuleDerivation, "xsi:type %s does not derive from %s, the type of <%s>", xt, decl.typ, n.name.local)
				return
			}
			typ = typeRef{name: q, complex: ct}
		case v.s.simple[q] != nil && decl.typ.simple != nil:
			typ = typeRef{name: q, simple: v.s.simple[q]}
		default:
			if depth == 1 {
				v.add(n, path, RuleUnknownType, "xsi:type %q is not a command of the schema", xt)
			} else {
				v.add(n, path, RuleUnknownType, "xsi:type %q is not a type of the schema", xt)
			}
			return
		}
	}
	// An abstract type is an error even on a nil element (cvc-type.2): BroadWorks clears an abstract
	// element as <department xsi:type="EnterpriseDepartmentKey" xsi:nil="true"/>.
	if ct := typ.complex; ct != nil && ct.abstract {
		v.add(n, path, RuleAbstract, "<%s> has abstract type %s: it needs an xsi:type naming one of %s", n.name.local, typ, strings.Join(v.s.concrete(ct), ", "))
		return
	}
	if nv, ok := n.attr(nsXSI, "nil"); ok && isTrue(nv) {
		if !decl.nillable {
			v.add(n, path, RuleNil, "<%s> is not nillable; xsi:nil is not allowed", n.name.local)
		}
		if len(n.children) > 0 || n.hasText {
			v.add(n, path, RuleNil, "<%s> has xsi:nil=\"true\" but is not empty", n.name.local)
		}
		return
	}
	if ct := typ.complex; ct != nil {
		v.attributes(n, ct, path)
		if n.hasText {
			v.add(n, path, RuleContent, "<%s> of complex type %s contains text", n.name.local, typ)
		}
		v.content(n, ct, typ.String(), path, depth)
		return
	}
	st := typ.simple
	for _, a := range n.attrs {
		if a.name.ns != nsXSI && a.name.ns != nsXML {
			v.add(n, path, RuleAttribute, "attribute %s is not allowed on <%s>", a.raw, n.name.local)
		}
	}
	if len(n.children) > 0 {
		v.add(n, path, RuleContent, "<%s> has simple type %s and must not contain elements (found <%s>)", n.name.local, typ, n.children[0].name.local)
		return
	}
	val := n.text.String()
	if rule, msg := v.s.checkValue(st, val); rule != "" {
		v.add(n, path, rule, "<%s>: %s", n.name.local, msg)
		return
	}
	if decl.fixed != nil {
		ws := whitespaceOf(st)
		if normalize(val, ws) != normalize(*decl.fixed, ws) {
			v.add(n, path, RuleFixed, "<%s> must be %q (fixed), got %q", n.name.local, *decl.fixed, val)
		}
	}
}

// concrete lists the non-abstract types deriving from ct (for messages).
func (s *Schema) concrete(ct *complexType) []string {
	var out []string
	for q, t := range s.complex {
		if !t.abstract && derives(t, ct) {
			out = append(out, q.local)
		}
	}
	sort.Strings(out)
	if len(out) > 6 {
		out = append(out[:6], "...")
	}
	if len(out) == 0 {
		out = []string{"(none)"}
	}
	return out
}

func (v *validator) attributes(n *node, ct *complexType, path string) {
	seen := map[string]bool{}
	for _, a := range n.attrs {
		switch a.name.ns {
		case nsXSI:
			switch a.name.local {
			case "type", "nil", "schemaLocation", "noNamespaceSchemaLocation":
			default:
				v.add(n, path, RuleAttribute, "attribute %s is not an XML Schema instance attribute", a.raw)
			}
		case nsXML:
		case "":
			d, ok := ct.attrs[a.name.local]
			if !ok {
				v.add(n, path, RuleAttribute, "attribute %s is not declared for <%s> (type %s)", a.raw, n.name.local, ct.name.local)
				continue
			}
			seen[a.name.local] = true
			if d.typ.simple != nil {
				if rule, msg := v.s.checkValue(d.typ.simple, a.value); rule != "" {
					v.add(n, path, rule, "attribute %s: %s", a.raw, msg)
				}
			}
		default:
			v.add(n, path, RuleAttribute, "attribute %s in namespace %q is not allowed", a.raw, a.name.ns)
		}
	}
	names := make([]string, 0, len(ct.attrs))
	for name := range ct.attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if ct.attrs[name].required && !seen[name] {
			v.add(n, path, RuleAttribute, "<%s> lacks required attribute %s", n.name.local, name)
		}
	}
}

func (v *validator) content(n *node, ct *complexType, typeName, path string, depth int) {
	kids := n.children
	ok := true
	if ct.content == nil {
		if len(kids) > 0 {
			v.add(kids[0], path, RuleUnknownElement, "<%s> is not an element of %s (it has no elements)", kids[0].name.local, typeName)
		}
		return
	}
	m := &matcher{kids: kids, far: -1, exp: map[int][]expectation{}}
	ends := m.match(ct.content, []int{0}, true)
	if !slices.Contains(ends, len(kids)) {
		ok = false
		v.diagnose(n, ct, typeName, path, m)
	}
	cmdIndex := 0
	for _, k := range kids {
		decls := ct.elements[k.name]
		if len(decls) == 0 {
			if ok { // unreachable: a matched child always has a declaration
				v.add(k, path, RuleUnknownElement, "<%s> is not an element of %s", k.name.local, typeName)
			}
			continue
		}
		kpath := join(path, k.name.local)
		if depth == 0 && k.name.local == "command" {
			cmdIndex++
			v.index = cmdIndex
			v.command, _ = k.attr(nsXSI, "type")
			kpath = ""
		}
		if len(decls) == 1 {
			v.element(k, decls[0], kpath, depth+1)
			continue
		}
		// Same name declared more than once (in different choice branches): accept the first that fits.
		var first ValidationErrors
		passed := false
		for _, d := range decls {
			sub := &validator{s: v.s, index: v.index, command: v.command}
			sub.element(k, d, kpath, depth+1)
			if len(sub.errs) == 0 {
				passed = true
				break
			}
			if first == nil {
				first = sub.errs
			}
		}
		if !passed {
			for _, e := range first {
				if len(v.errs) < maxErrors {
					v.errs = append(v.errs, e)
				}
			}
		}
	}
	if depth == 0 {
		v.index, v.command = 0, ""
	}
}

type expectation struct {
	name     qname
	required bool
	overflow int // > 0: maxOccurs reached and another one follows
}

// matcher runs a content model over an element's children as a set of positions (no backtracking
// blow-up), remembering what was expected at the furthest position for the error message.
type matcher struct {
	kids []*node
	far  int
	exp  map[int][]expectation
}

func (m *matcher) note(pos int, e expectation) {
	if pos > m.far {
		m.far = pos
	}
	m.exp[pos] = append(m.exp[pos], e)
}

func (m *matcher) reach(pos int) {
	if pos > m.far {
		m.far = pos
	}
}

func addPos(set []int, p int) []int {
	i, found := slices.BinarySearch(set, p)
	if found {
		return set
	}
	return slices.Insert(set, i, p)
}

func (m *matcher) match(p *particle, starts []int, req bool) []int {
	if p.kind == pElement {
		var out []int
		for _, s := range starts {
			r := 0
			for s+r < len(m.kids) && (p.max == unbounded || r < p.max) && m.kids[s+r].name == p.name {
				r++
			}
			pos := s + r
			switch {
			case p.max != unbounded && r == p.max:
				if pos < len(m.kids) && m.kids[pos].name == p.name {
					m.note(pos, expectation{name: p.name, overflow: p.max})
				}
			default:
				m.note(pos, expectation{name: p.name, required: req && r < p.min})
			}
			for j := p.min; j <= r; j++ {
				out = addPos(out, s+j)
				m.reach(s + j)
			}
		}
		return out
	}
	once := func(cur []int, req bool) []int {
		if p.kind == pSequence {
			for _, c := range p.children {
				cur = m.match(c, cur, req)
				if len(cur) == 0 {
					break
				}
			}
			return cur
		}
		var out []int
		for _, c := range p.children {
			for _, e := range m.match(c, cur, req) {
				out = addPos(out, e)
			}
		}
		return out
	}
	var result []int
	if p.min == 0 {
		result = append(result, starts...)
	}
	cur := starts
	for i := 1; p.max == unbounded || i <= p.max; i++ {
		next := once(cur, req && i <= p.min)
		if len(next) == 0 {
			break
		}
		if i >= p.min {
			for _, e := range next {
				result = addPos(result, e)
			}
		}
		if slices.Equal(next, cur) || i > len(m.kids)+1 {
			break
		}
		cur = next
	}
	return result
}

func (v *validator) diagnose(n *node, ct *complexType, typeName, path string, m *matcher) {
	kids := m.kids
	f := m.far
	if f < 0 {
		f = 0
	}
	exps := m.exp[f]
	var required, allowed []string
	for _, e := range exps {
		if e.overflow > 0 {
			continue
		}
		if e.required && !slices.Contains(required, e.name.local) {
			required = append(required, e.name.local)
		}
		if !slices.Contains(allowed, e.name.local) {
			allowed = append(allowed, e.name.local)
		}
	}
	if f >= len(kids) {
		switch len(required) {
		case 0:
			v.add(n, path, RuleRequired, "content of <%s> (%s) is incomplete; expected %s", n.name.local, typeName, oneOf(allowed))
		case 1:
			v.add(n, path, RuleRequired, "missing required element <%s> in %s", required[0], typeName)
		default:
			v.add(n, path, RuleRequired, "missing required element: one of %s in %s", oneOf(required), typeName)
		}
		return
	}
	c := kids[f]
	for _, e := range exps {
		if e.overflow > 0 && e.name == c.name {
			count := 0
			for _, k := range kids {
				if k.name == c.name {
					count++
				}
			}
			v.add(c, path, RuleMaxOccurs, "<%s> occurs %d times in %s; maxOccurs is %d", c.name.local, count, typeName, e.overflow)
			return
		}
	}
	if len(ct.elements[c.name]) == 0 {
		if len(ct.elements[qname{"", c.name.local}]) > 0 || len(ct.elements[qname{NamespaceC, c.name.local}]) > 0 {
			v.add(c, path, RuleNamespace, "<%s> is in namespace %q; %s declares it unqualified (it needs xmlns=\"\")", c.name.local, c.name.ns, typeName)
			return
		}
		v.add(c, path, RuleUnknownElement, "<%s> is not an element of %s", c.name.local, typeName)
		return
	}
	prev := "the start"
	if f > 0 {
		prev = "<" + kids[f-1].name.local + ">"
	}
	for _, r := range required {
		for _, k := range kids[f+1:] {
			if k.name.local == r {
				v.add(c, path, RuleOrder, "<%s> is out of order in %s: <%s> must come before it (after %s)", c.name.local, typeName, r, prev)
				return
			}
		}
	}
	switch len(required) {
	case 1:
		v.add(c, path, RuleRequired, "missing required element <%s> before <%s> in %s", required[0], c.name.local, typeName)
	case 0:
		if len(allowed) == 0 {
			v.add(c, path, RuleOrder, "<%s> is not allowed after %s in %s (nothing more may follow)", c.name.local, prev, typeName)
		} else {
			v.add(c, path, RuleOrder, "<%s> is out of order in %s: after %s the schema allows %s", c.name.local, typeName, prev, oneOf(allowed))
		}
	default:
		v.add(c, path, RuleRequired, "missing required element (one of %s) before <%s> in %s", oneOf(required), c.name.local, typeName)
	}
}

func oneOf(names []string) string {
	if len(names) == 0 {
		return "nothing"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "<" + n + ">"
	}
	if len(q) > 8 {
		q = append(q[:8], "...")
	}
	return strings.Join(q, ", ")
}

type wsMode int

const (
	wsPreserve wsMode = iota
	wsReplace
	wsCollapse
)

func builtinOf(st *simpleType) string {
	for t, i := st, 0; t != nil && i < 100; i++ {
		if t.builtin != "" {
			return t.builtin
		}
		if t.base == nil {
			return "string"
		}
		t = t.base.simple
	}
	return "string"
}

func whitespaceOf(st *simpleType) wsMode {
	switch builtinOf(st) {
	case "string", "anySimpleType":
		return wsPreserve
	case "normalizedString":
		return wsReplace
	}
	return wsCollapse
}

func normalize(s string, ws wsMode) string {
	switch ws {
	case wsReplace:
		return strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return ' '
			}
			return r
		}, s)
	case wsCollapse:
		return strings.Join(strings.Fields(s), " ")
	}
	return s
}

var (
	reDate     = regexp.MustCompile(`^-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$`)
	reDateTime = regexp.MustCompile(`^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$`)
	reTime     = regexp.MustCompile(`^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$`)
)

func typeLabel(st *simpleType) string {
	for t, i := st, 0; t != nil && i < 100; i++ {
		if t.name.local != "" {
			if t.builtin != "" {
				return "xs:" + t.name.local
			}
			return t.name.local
		}
		if t.base == nil {
			break
		}
		t = t.base.simple
	}
	return "anonymous type"
}

// checkValue returns the rule and message a value breaks, or "" when it fits st.
func (s *Schema) checkValue(st *simpleType, raw string) (string, string) {
	val := normalize(raw, whitespaceOf(st))
	label := typeLabel(st)
	switch b := builtinOf(st); b {
	case "int", "long", "short", "byte", "integer", "nonNegativeInteger", "positiveInteger", "unsignedInt", "unsignedLong":
		bits := map[string]int{"int": 32, "long": 64, "short": 16, "byte": 8}[b]
		var err error
		switch {
		case bits > 0:
			_, err = strconv.ParseInt(val, 10, bits)
		case b == "integer":
			_, err = strconv.ParseInt(strings.TrimPrefix(val, "+"), 10, 64)
		default:
			_, err = strconv.ParseUint(strings.TrimPrefix(val, "+"), 10, 64)
		}
		if err != nil {
			return RuleFormat, fmt.Sprintf("value %q is not an xs:%s (type %s)", val, b, label)
		}
	case "boolean":
		if val != "true" && val != "false" && val != "1" && val != "0" {
			return RuleFormat, fmt.Sprintf("value %q is not an xs:boolean (true or false)", val)
		}
	case "decimal", "float", "double":
		if _, err := strconv.ParseFloat(val, 64); err != nil {
			return RuleFormat, fmt.Sprintf("value %q is not an xs:%s (type %s)", val, b, label)
		}
	case "date":
		if !reDate.MatchString(val) {
			return RuleFormat, fmt.Sprintf("value %q is not an xs:date (YYYY-MM-DD)", val)
		}
	case "dateTime":
		if !reDateTime.MatchString(val) {
			return RuleFormat, fmt.Sprintf("value %q is not an xs:dateTime", val)
		}
	case "time":
		if !reTime.MatchString(val) {
			return RuleFormat, fmt.Sprintf("value %q is not an xs:time", val)
		}
	case "NMTOKEN":
		if val == "" || strings.ContainsAny(val, " \t\r\n") {
			return RuleFormat, fmt.Sprintf("value %q is not an xs:NMTOKEN", val)
		}
	}
	for t, i := st, 0; t != nil && i < 100; i++ {
		if len(t.enums) > 0 {
			found := false
			for _, e := range t.enums {
				if normalize(e, whitespaceOf(st)) == val {
					found = true
					break
				}
			}
			if !found {
				q := make([]string, 0, len(t.enums))
				for _, e := range t.enums {
					q = append(q, strconv.Quote(e))
				}
				if len(q) > 12 {
					q = append(q[:12], "...")
				}
				return RuleEnumeration, fmt.Sprintf("value %q is not one of %s (type %s)", val, strings.Join(q, ", "), label)
			}
		}
		n := utf8.RuneCountInString(val)
		if t.length != nil && n != *t.length {
			return RuleLength, fmt.Sprintf("value %q has length %d, type %s requires length %d", val, n, label, *t.length)
		}
		if t.minLen != nil && n < *t.minLen {
			return RuleLength, fmt.Sprintf("value %q is shorter than minLength %d of type %s", val, *t.minLen, label)
		}
		if t.maxLen != nil && n > *t.maxLen {
			return RuleLength, fmt.Sprintf("value %q (%d characters) is longer than maxLength %d of type %s", val, n, *t.maxLen, label)
		}
		if t.minInc != nil || t.maxInc != nil {
			x, err := strconv.ParseFloat(val, 64)
			if err != nil {
				return RuleFormat, fmt.Sprintf("value %q is not a number (type %s)", val, label)
			}
			if t.minInc != nil && x < *t.minInc {
				return RuleRange, fmt.Sprintf("value %s is below minInclusive %v of type %s", val, *t.minInc, label)
			}
			if t.maxInc != nil && x > *t.maxInc {
				return RuleRange, fmt.Sprintf("value %s is above maxInclusive %v of type %s", val, *t.maxInc, label)
			}
		}
		for _, re := range t.patterns {
			if !re.MatchString(val) {
				return RulePattern, fmt.Sprintf("value %q does not match pattern %s of type %s", val, strings.TrimSuffix(strings.TrimPrefix(re.String(), "^(?:"), ")$"), label)
			}
		}
		if t.base == nil {
			break
		}
		t = t.base.simple
	}
	return "", ""
}
