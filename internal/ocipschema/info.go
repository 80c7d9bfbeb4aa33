package ocipschema

import (
	"sort"
	"strings"
)

// TypeInfo describes a complex type for code generators: its elements flattened in schema order.
type TypeInfo struct {
	Name     string // "UserAddRequest22V2"; core types are prefixed "c:" ("c:OCITable")
	Abstract bool
	Base     string      // the complexContent base ("" when none), named as Name
	Fields   []FieldInfo // content model flattened: base type's elements first, every choice branch
}

// FieldInfo is one element declaration of a TypeInfo.
type FieldInfo struct {
	Name     string
	Type     string    // named type ("UserId", "xs:token", "DepartmentKey", "c:OCITable"); "" when Inline
	Inline   *TypeInfo // anonymous complex type
	Complex  bool      // the element has a complex type
	Builtin  string    // simple types: the XSD built-in at the root of the restriction chain ("token", "int"...)
	Min, Max int       // effective occurrences with enclosing groups folded in; Max -1 = unbounded
	InChoice bool      // declared inside an xs:choice: optional in Go, one branch set at a time
	Nillable bool
	Fixed    *string
}

func typeName(q qname) string {
	switch q.ns {
	case NamespaceC:
		return "c:" + q.local
	case nsXS:
		return "xs:" + q.local
	}
	return q.local
}

// Type describes complex type name ("c:" prefix for core types).
func (s *Schema) Type(name string) (*TypeInfo, bool) {
	ct, ok := s.complex[typeKey(name)]
	if !ok {
		return nil, false
	}
	return s.info(ct, typeName(ct.name)), true
}

func (s *Schema) info(ct *complexType, name string) *TypeInfo {
	ti := &TypeInfo{Name: name, Abstract: ct.abstract}
	if ct.base != nil && ct.base.complex != nil {
		ti.Base = typeName(ct.base.complex.name)
	}
	seen := map[string]int{}
	var walk func(p *particle, min, max int, inChoice bool)
	walk = func(p *particle, min, max int, inChoice bool) {
		if p == nil {
			return
		}
		emin := min * p.min
		emax := unbounded
		if max != unbounded && p.max != unbounded {
			emax = max * p.max
		}
		if p.kind != pElement {
			for _, c := range p.children {
				walk(c, emin, emax, inChoice || p.kind == pChoice)
			}
			return
		}
		if inChoice {
			emin = 0
		}
		f := FieldInfo{Name: p.name.local, Min: emin, Max: emax, InChoice: inChoice, Nillable: p.nillable, Fixed: p.fixed}
		switch {
		case p.typ.complex != nil:
			f.Complex = true
			if p.typ.complex.name.local == "" {
				f.Inline = s.info(p.typ.complex, name+strings.ToUpper(p.name.local[:1])+p.name.local[1:])
			} else {
				f.Type = typeName(p.typ.complex.name)
			}
		case p.typ.simple != nil:
			f.Builtin = builtinOf(p.typ.simple)
			if p.typ.simple.name.local != "" {
				f.Type = typeName(p.typ.simple.name)
			} else {
				f.Type = "xs:" + f.Builtin
			}
		}
		if i, dup := seen[f.Name]; dup {
			// Same element in two choice branches: keep one field, the loosest occurrence.
			g := &ti.Fields[i]
			g.Min = 0
			if g.Max != unbounded && (f.Max == unbounded || f.Max > g.Max) {
				g.Max = f.Max
			}
			return
		}
		seen[f.Name] = len(ti.Fields)
		ti.Fields = append(ti.Fields, f)
	}
	walk(ct.content, 1, 1, false)
	return ti
}

// Concrete lists the non-abstract complex types deriving from name (itself included when concrete), sorted.
func (s *Schema) Concrete(name string) []string {
	ct, ok := s.complex[typeKey(name)]
	if !ok {
		return nil
	}
	var out []string
	for _, t := range s.complex {
		if !t.abstract && derives(t, ct) {
			out = append(out, typeName(t.name))
		}
	}
	sort.Strings(out)
	return out
}

// Enumeration returns the enumeration values of simple type name (nearest restriction that has some).
func (s *Schema) Enumeration(name string) []string {
	st, ok := s.simple[qname{"", name}]
	if !ok {
		st, ok = s.simple[qname{NamespaceC, strings.TrimPrefix(name, "c:")}]
	}
	for t, i := st, 0; ok && t != nil && i < 100; i++ {
		if len(t.enums) > 0 {
			return append([]string(nil), t.enums...)
		}
		if t.base == nil {
			break
		}
		t = t.base.simple
	}
	return nil
}
