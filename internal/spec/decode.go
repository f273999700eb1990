package spec

import (
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// value is one decoded key: a string, []string, int64, float64, []float64, bool or
// map[string]string; the item count (int) for a list; nil for a mapping.
type value struct {
	v   any
	pos pos
}

// decoder walks the node tree along the schema, checking keys and types.
// Validation of the values comes after, in build.
type decoder struct {
	t    *tree
	vals map[string]value
	// nulled holds the keys an override set to null (--set k=), where
	// that override is, so that a required key it removed blames it.
	nulled map[string]pos
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func (d *decoder) node(f *field, key string, n *yaml.Node, at pos) error {
	r := resolve(n)
	if r == nil {
		return at.errorf(key, "broken YAML alias")
	}
	switch f.kind {
	case kSection, kStruct:
		return d.mapping(f, key, r, at)
	case kList:
		if r.Kind != yaml.SequenceNode {
			return at.errorf(key, "expected a list, got %s", describe(r))
		}
		d.vals[key] = value{v: len(r.Content), pos: at}
		for i, item := range r.Content {
			if err := d.node(f.elem, join(key, strconv.Itoa(i)), item, d.t.pos(item)); err != nil {
				return err
			}
		}
		return nil
	case kLabelMap:
		return d.labelMap(key, r, at)
	case kClassWeight:
		return d.classWeight(key, r, at)
	case kString:
		s, err := scalarString(key, r, at)
		if err != nil {
			return err
		}
		d.vals[key] = value{v: s, pos: at}
	case kStrings, kTexts:
		var list []string
		if r.Kind == yaml.SequenceNode {
			list = []string{} // given, even when empty
			for i, item := range r.Content {
				if ri := resolve(item); f.kind == kTexts && ri != nil && ri.Kind == yaml.ScalarNode && isNull(ri) {
					list = append(list, ri.Value) // null, NULL, ~ or nothing: the text as written
					continue
				}
				s, err := scalarString(join(key, strconv.Itoa(i)), resolve(item), d.t.pos(item))
				if err != nil {
					return err
				}
				list = append(list, s)
			}
		} else {
			s, err := scalarString(key, r, at)
			if err != nil {
				return at.errorf(key, "expected a string or a list of strings, got %s", describe(r))
			}
			list = []string{s}
		}
		d.vals[key] = value{v: list, pos: at}
	case kInt:
		if r.Kind != yaml.ScalarNode || r.ShortTag() != "!!int" {
			return at.errorf(key, "expected an integer, got %s", describe(r))
		}
		var x int64
		if err := r.Decode(&x); err != nil {
			return at.errorf(key, "integer out of range: %s", r.Value)
		}
		d.vals[key] = value{v: x, pos: at}
	case kFloat:
		if r.Kind != yaml.ScalarNode || r.ShortTag() != "!!int" && r.ShortTag() != "!!float" {
			return at.errorf(key, "expected a number, got %s", describe(r))
		}
		var x float64
		if err := r.Decode(&x); err != nil {
			return at.errorf(key, "expected a number, got %s", describe(r))
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return at.errorf(key, "must be a finite number, got %s", r.Value)
		}
		d.vals[key] = value{v: x, pos: at}
	case kFloats:
		if r.Kind != yaml.SequenceNode {
			return at.errorf(key, "expected a list of numbers, got %s", describe(r))
		}
		var list []float64
		for i, item := range r.Content {
			ik, ip := join(key, strconv.Itoa(i)), d.t.pos(item)
			ir := resolve(item)
			if ir == nil || ir.Kind != yaml.ScalarNode || ir.ShortTag() != "!!int" && ir.ShortTag() != "!!float" {
				return ip.errorf(ik, "expected a number, got %s", describe(ir))
			}
			var x float64
			if err := ir.Decode(&x); err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return ip.errorf(ik, "must be a finite number, got %s", ir.Value)
			}
			list = append(list, x)
		}
		d.vals[key] = value{v: list, pos: at}
	case kBool:
		if r.Kind != yaml.ScalarNode || r.ShortTag() != "!!bool" {
			return at.errorf(key, "expected true or false, got %s", describe(r))
		}
		var x bool
		if err := r.Decode(&x); err != nil {
			return at.errorf(key, "expected true or false, got %s", describe(r))
		}
		d.vals[key] = value{v: x, pos: at}
	default:
		panic("spec: decode: unknown kind")
	}
	return nil
}

// scalarString accepts any non-null scalar as text: a column may well be
// named 2024 or true.
func scalarString(key string, r *yaml.Node, at pos) (string, error) {
	if r == nil || r.Kind != yaml.ScalarNode || isNull(r) {
		return "", at.errorf(key, "expected a string, got %s", describe(r))
	}
	return r.Value, nil
}

// keyOf checks a mapping key node and returns its text.
func (d *decoder) keyOf(key string, kn *yaml.Node) (string, pos, error) {
	kp := d.t.pos(kn)
	kr := resolve(kn)
	if kr == nil || kr.Kind != yaml.ScalarNode {
		return "", kp, kp.errorf(key, "a key must be a plain name, got %s", describe(kr))
	}
	if kr.ShortTag() == "!!merge" {
		return "", kp, kp.errorf(key, "merge keys (<<) are not supported: write the keys out")
	}
	return kr.Value, kp, nil
}

func (d *decoder) mapping(f *field, key string, r *yaml.Node, at pos) error {
	if r.Kind != yaml.MappingNode {
		return at.errorf(key, "expected a mapping, got %s", describe(r))
	}
	d.vals[key] = value{pos: at}
	seen := map[string]pos{}
	for i := 0; i+1 < len(r.Content); i += 2 {
		kn, vn := r.Content[i], r.Content[i+1]
		name, kp, err := d.keyOf(key, kn)
		if err != nil {
			return err
		}
		if first, dup := seen[name]; dup {
			return kp.errorf(join(key, name), "duplicate key (first at %s)", first)
		}
		seen[name] = kp
		c := f.child(name)
		if c == nil {
			msg := "unknown key " + strconv.Quote(shorten(name))
			if key != "" {
				msg += " in " + key
			}
			if s := suggest(name, f.childNames()); s != "" {
				msg += " (did you mean " + strconv.Quote(s) + "?)"
			}
			return kp.errorf("", "%s", msg)
		}
		if isNull(vn) {
			if p := d.t.pos(vn); p.source != "" {
				if d.nulled == nil {
					d.nulled = map[string]pos{}
				}
				d.nulled[join(key, name)] = p
			}
			continue // null means "not given"
		}
		// A container's position is its key's line; a scalar's, its own.
		vp := d.t.pos(vn)
		if vp.source == "" && resolve(vn).Kind != yaml.ScalarNode {
			vp = kp
		}
		if err := d.node(c, join(key, name), vn, vp); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) labelMap(key string, r *yaml.Node, at pos) error {
	if r.Kind != yaml.MappingNode {
		return at.errorf(key, "expected a mapping from integer class labels to names, got %s", describe(r))
	}
	m := map[string]string{}
	seen := map[string]pos{}
	for i := 0; i+1 < len(r.Content); i += 2 {
		kn, vn := r.Content[i], r.Content[i+1]
		name, kp, err := d.keyOf(key, kn)
		if err != nil {
			return err
		}
		label, ok := canonLabel(name)
		if !ok {
			return kp.errorf(key, "class label %q is not an integer (class_names names integer labels)", name)
		}
		if first, dup := seen[label]; dup {
			return kp.errorf(join(key, label), "duplicate class label (first at %s)", first)
		}
		seen[label] = kp
		s, err := scalarString(join(key, label), resolve(vn), d.t.pos(vn))
		if err != nil {
			return err
		}
		if strings.TrimSpace(s) == "" {
			return d.t.pos(vn).errorf(join(key, label), "class name must not be empty")
		}
		m[label] = s
		d.vals[join(key, label)] = value{v: s, pos: d.t.pos(vn)}
	}
	d.vals[key] = value{v: m, pos: at}
	return nil
}

// classWeight decodes train.class_weight: the text "balanced" (checked in
// build) or a mapping from class names, as written in the data, to numbers.
// A map is stored as a *ClassWeight, the text as a string.
func (d *decoder) classWeight(key string, r *yaml.Node, at pos) error {
	if r.Kind == yaml.ScalarNode {
		s, err := scalarString(key, r, at)
		if err != nil {
			return err
		}
		d.vals[key] = value{v: s, pos: at}
		return nil
	}
	if r.Kind != yaml.MappingNode {
		return at.errorf(key, "expected balanced or a mapping from class names to weights, got %s", describe(r))
	}
	cw := &ClassWeight{Weights: map[string]float64{}}
	seen := map[string]pos{}
	for i := 0; i+1 < len(r.Content); i += 2 {
		kn, vn := r.Content[i], r.Content[i+1]
		name, kp, err := d.keyOf(key, kn)
		if err != nil {
			return err
		}
		k := join(key, name)
		if first, dup := seen[name]; dup {
			return kp.errorf(k, "duplicate class (first at %s)", first)
		}
		seen[name] = kp
		vr, vp := resolve(vn), d.t.pos(vn)
		if vr == nil || vr.Kind != yaml.ScalarNode || vr.ShortTag() != "!!int" && vr.ShortTag() != "!!float" {
			return vp.errorf(k, "a class weight must be a number, got %s", describe(vr))
		}
		var x float64
		if err := vr.Decode(&x); err != nil {
			return vp.errorf(k, "a class weight must be a number, got %s", describe(vr))
		}
		if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
			return vp.errorf(k, "a class weight must be a finite number >= 0, got %s", vr.Value)
		}
		cw.Weights[name] = x
		cw.Classes = append(cw.Classes, name)
		d.vals[k] = value{v: x, pos: vp}
	}
	if len(cw.Classes) == 0 {
		return at.errorf(key, "names no class: give balanced or {class: weight, ...}")
	}
	d.vals[key] = value{v: cw, pos: at}
	return nil
}
