package ocipschema

import (
	"encoding/xml"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// sampler writes, from the schema alone, an instance of a type: the required elements only (minimal)
// or every optional element once as well (full), the first branch of each choice, the first concrete
// type of each abstract one, and a value that fits each simple type's facets.
type sampler struct {
	s    *Schema
	full bool
	t    *testing.T
}

func (m *sampler) content(b *strings.Builder, p *particle, depth int) {
	if p == nil {
		return
	}
	n := p.min
	if m.full && n == 0 && depth < 6 {
		n = 1
	}
	for i := 0; i < n; i++ {
		switch p.kind {
		case pElement:
			m.element(b, p, depth)
		case pSequence:
			for _, c := range p.children {
				m.content(b, c, depth)
			}
		case pChoice:
			if len(p.children) > 0 {
				m.forceOnce(b, p.children[0], depth)
			}
		}
	}
}

// forceOnce writes a choice branch at least once (a choice branch with minOccurs 0 would write nothing,
// which is valid too, but then the branch's content is not exercised).
func (m *sampler) forceOnce(b *strings.Builder, p *particle, depth int) {
	if p.min > 0 || !m.full {
		m.content(b, p, depth)
		return
	}
	q := *p
	q.min = 1
	m.content(b, &q, depth)
}

func (m *sampler) element(b *strings.Builder, p *particle, depth int) {
	b.WriteString("<" + p.name.local)
	typ := p.typ
	if ct := typ.complex; ct != nil && ct.abstract {
		names := m.s.concrete(ct)
		b.WriteString(` xsi:type="` + names[0] + `"`)
		typ = typeRef{complex: m.s.complex[qname{ct.name.ns, names[0]}]}
		if typ.complex == nil {
			m.t.Fatalf("concrete type %s of %s not found", names[0], ct.name.local)
		}
	}
	b.WriteString(">")
	if ct := typ.complex; ct != nil {
		m.content(b, ct.content, depth+1)
	} else {
		v := m.value(typ.simple)
		if p.fixed != nil {
			v = *p.fixed
		}
		_ = xml.EscapeText(b, []byte(v))
	}
	b.WriteString("</" + p.name.local + ">")
}

func (m *sampler) value(st *simpleType) string {
	var enums []string
	length, minLen, maxLen := -1, 1, 1<<30
	lo, hi := -1e18, 1e18
	for t, i := st, 0; t != nil && i < 100; i++ {
		if enums == nil && len(t.enums) > 0 {
			enums = t.enums
		}
		if t.length != nil {
			length = *t.length
		}
		if t.minLen != nil && *t.minLen > minLen {
			minLen = *t.minLen
		}
		if t.maxLen != nil && *t.maxLen < maxLen {
			maxLen = *t.maxLen
		}
		if t.minInc != nil && *t.minInc > lo {
			lo = *t.minInc
		}
		if t.maxInc != nil && *t.maxInc < hi {
			hi = *t.maxInc
		}
		if t.base == nil {
			break
		}
		t = t.base.simple
	}
	if enums != nil {
		return enums[0]
	}
	if length >= 0 {
		minLen = length
	}
	var cands []string
	switch builtinOf(st) {
	case "boolean":
		cands = []string{"true"}
	case "int", "long", "short", "byte", "integer", "decimal", "float", "double":
		v := 1.0
		if lo > -1e18 {
			v = lo
		}
		if v > hi {
			v = hi
		}
		cands = []string{strconv.FormatFloat(v, 'f', -1, 64), "0", "15"}
	case "date":
		cands = []string{"2026-12-07"}
	case "dateTime":
		cands = []string{"2026-12-07T01:02:03Z"}
	case "time":
		cands = []string{"01:02:03"}
	default:
		cands = []string{strings.Repeat("a", minLen), strings.Repeat("1", minLen), "0", "1234", "*", "ABC", "15"}
	}
	for _, c := range cands {
		if rule, _ := m.s.checkValue(st, c); rule == "" {
			return c
		}
	}
	m.t.Errorf("no sample value for simple type %s", typeLabel(st))
	return ""
}

// TestEveryCommandOfTheSchema builds a minimal and a full instance of every request and response type
// of R25 from the schema and checks that the validator accepts it, then breaks each one in a known way
// and checks that it is refused: the checker is consistent with the whole schema, not just the
// commands the provider uses.
func TestEveryCommandOfTheSchema(t *testing.T) {
	s := Default(t)
	req, resp := s.complex[qname{NamespaceC, "OCIRequest"}], s.complex[qname{NamespaceC, "OCIResponse"}]
	var names []qname
	for q, ct := range s.complex {
		if !ct.abstract && (derives(ct, req) || derives(ct, resp)) {
			names = append(names, q)
		}
	}
	sort.Slice(names, func(i, j int) bool { return names[i].local < names[j].local })
	if len(names) < 5000 {
		t.Fatalf("only %d commands in the schema", len(names))
	}
	failures := 0
	for _, q := range names {
		ct := s.complex[q]
		typeAttr := q.local
		if q.ns == NamespaceC {
			typeAttr = "c:" + q.local
		}
		for _, full := range []bool{false, true} {
			var b strings.Builder
			(&sampler{s: s, full: full, t: t}).content(&b, ct.content, 0)
			attrs := ` xmlns="" xmlns:c="C" xsi:type="` + typeAttr + `"`
			if ct.attrs["type"].required {
				attrs += ` type="Error"`
			}
			d := doc(`<command` + attrs + `>` + b.String() + `</command>`)
			if err := s.ValidateDocument(d); err != nil {
				failures++
				if failures <= 10 {
					t.Errorf("%s (full=%v): %v\n%s", q.local, full, err, d)
				}
				continue
			}
			// Break it: a stranger element at the end must be refused.
			bad := doc(`<command` + attrs + `>` + b.String() + `<zzzUnknown/></command>`)
			if err := s.ValidateDocument(bad); err == nil {
				failures++
				t.Errorf("%s: unknown element accepted", q.local)
			}
		}
	}
	if failures > 0 {
		t.Fatalf("%d of %d instances wrongly judged", failures, 2*len(names))
	}
	t.Logf("%d commands checked, minimal and full", len(names))
}
