package spec

import (
	"strconv"
	"strings"
)

// kind is the shape of value a spec key holds.
type kind int

const (
	kSection     kind = iota // top-level mapping with fixed keys (data, model, ...)
	kStruct                  // mapping with fixed keys that may itself be set or left out
	kList                    // sequence of elem
	kLabelMap                // mapping from an integer class label to a string
	kClassWeight             // "balanced", or a mapping from a class name to a number
	kString
	kStrings // a string or a sequence of strings
	kTexts   // kStrings whose null items are their text (data.missing: [NA, null])
	kInt
	kFloat
	kFloats // a sequence of numbers
	kBool
)

// field describes one key of the spec.
type field struct {
	name   string
	kind   kind
	fields []*field // kSection, kStruct
	elem   *field   // kList
}

// Placeholders used in Keys for list indexes and class labels.
const (
	indexPlaceholder = "<i>"
	labelPlaceholder = "<label>"
)

func sec(name string, fs ...*field) *field { return &field{name: name, kind: kSection, fields: fs} }
func leaf(name string, k kind) *field      { return &field{name: name, kind: k} }

// root is the whole accepted spec, in the order of CONTRACT.md.
var root = &field{kind: kSection, fields: []*field{
	leaf("name", kString),
	leaf("seed", kInt),
	sec("data",
		leaf("train", kString),
		leaf("test", kString),
		leaf("target", kStrings),
		leaf("class_names", kLabelMap),
		leaf("features", kStrings),
		leaf("validation_split", kFloat),
		leaf("shuffle", kBool),
		leaf("normalize", kString),
		leaf("exclude", kStrings),
		leaf("categorical", kStrings),
		leaf("missing", kTexts),
		&field{name: "impute", kind: kStruct, fields: []*field{
			leaf("number", kString),
			leaf("category", kString),
		}},
		leaf("delimiter", kString),
		leaf("decimal", kString),
		leaf("weight", kString),
	),
	sec("model",
		leaf("init", kString),
		leaf("init_scale", kFloat),
		&field{name: "layers", kind: kList, elem: &field{kind: kStruct, fields: []*field{
			leaf("units", kInt),
			leaf("activation", kString),
			leaf("alpha", kFloat),
			leaf("dropout", kFloat),
		}}},
	),
	leaf("loss", kString),
	sec("train",
		leaf("optimizer", kString),
		leaf("learning_rate", kFloat),
		leaf("momentum", kFloat),
		leaf("betas", kFloats),
		leaf("eps", kFloat),
		leaf("weight_decay", kFloat),
		leaf("alpha", kFloat),
		leaf("clip_norm", kFloat),
		&field{name: "schedule", kind: kStruct, fields: []*field{
			leaf("kind", kString),
			leaf("step_size", kInt),
			leaf("gamma", kFloat),
			leaf("t_max", kInt),
			leaf("eta_min", kFloat),
			leaf("factor", kFloat),
			leaf("patience", kInt),
			leaf("threshold", kFloat),
			leaf("min_lr", kFloat),
		}},
		leaf("epochs", kInt),
		leaf("batch_size", kInt),
		leaf("l2", kFloat),
		&field{name: "early_stopping", kind: kStruct, fields: []*field{
			leaf("patience", kInt),
			leaf("min_delta", kFloat),
			leaf("monitor", kString),
		}},
		leaf("workers", kInt),
		leaf("checkpoint_every", kInt),
		leaf("precision", kString),
		leaf("class_weight", kClassWeight),
	),
	sec("output",
		leaf("dir", kString),
	),
}}

func (f *field) child(name string) *field {
	for _, c := range f.fields {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (f *field) childNames() []string {
	names := make([]string, len(f.fields))
	for i, c := range f.fields {
		names[i] = c.name
	}
	return names
}

// Keys returns every dotted key path the spec accepts, in the order of the
// contract. A list index is written "<i>" (model.layers.<i>.units stands for
// model.layers.0.units, model.layers.1.units, ...) and a class label
// "<label>" (data.class_names.<label>). Top-level sections such as "train"
// are not keys themselves: their keys are set one by one. Containers that
// may be given whole (model.layers, model.layers.<i>, data.class_names,
// train.early_stopping) are keys too.
func Keys() []string {
	var keys []string
	var walk func(f *field, prefix string)
	walk = func(f *field, prefix string) {
		if prefix != "" && f.kind != kSection {
			keys = append(keys, prefix)
		}
		switch f.kind {
		case kSection, kStruct:
			for _, c := range f.fields {
				walk(c, join(prefix, c.name))
			}
		case kList:
			walk(f.elem, join(prefix, indexPlaceholder))
		case kLabelMap:
			keys = append(keys, join(prefix, labelPlaceholder))
		}
	}
	walk(root, "")
	return keys
}

// lookupPath checks a dotted override path against the schema and returns
// the field it names. It returns an error message (without position) for an
// unknown path.
func lookupPath(path string) (*field, string) {
	segs := strings.Split(path, ".")
	f := root
	for i, s := range segs {
		sofar := strings.Join(segs[:i+1], ".")
		switch f.kind {
		case kSection, kStruct:
			c := f.child(s)
			if c == nil {
				return nil, unknownKeyMsg(path)
			}
			f = c
		case kList:
			if n, err := strconv.Atoi(s); err != nil || n < 0 || s != strconv.Itoa(n) {
				return nil, "\"" + s + "\" in " + sofar + " is not a list index (0, 1, ...)"
			}
			f = f.elem
		case kLabelMap:
			if _, ok := canonLabel(s); !ok {
				return nil, "\"" + s + "\" in " + sofar + " is not an integer class label"
			}
			if i != len(segs)-1 {
				return nil, unknownKeyMsg(path)
			}
			return &field{name: s, kind: kString}, ""
		default:
			return nil, unknownKeyMsg(path)
		}
	}
	if f.kind == kSection {
		return nil, "\"" + path + "\" is a section, not a key: set its keys one by one (e.g. " + path + "." + f.fields[0].name + ")"
	}
	return f, ""
}

func unknownKeyMsg(path string) string {
	msg := "unknown key \"" + shorten(path) + "\""
	// Suggest among concrete forms of the known keys: turn the placeholders
	// of each key into the segments the user actually typed.
	segs := strings.Split(path, ".")
	var cands []string
	for _, k := range Keys() {
		ks := strings.Split(k, ".")
		if len(ks) != len(segs) {
			continue
		}
		for i := range ks {
			if ks[i] == indexPlaceholder || ks[i] == labelPlaceholder {
				ks[i] = segs[i]
			}
		}
		cands = append(cands, strings.Join(ks, "."))
	}
	if s := suggest(path, cands); s != "" {
		msg += " (did you mean \"" + s + "\"?)"
	}
	return msg
}

// canonLabel returns the decimal form of an integer class label, so that
// "007" and "7" name the same class (as they do in the data).
func canonLabel(s string) (string, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return "", false
	}
	return strconv.FormatInt(n, 10), true
}

// suggest returns the candidate closest to s when it is close enough to be
// a likely typo, else "".
//
// Only candidates worthComparing with s are compared, so a long s (a
// 14 KB environment variable name) costs nothing: the distance of two
// strings is at least the difference of their lengths.
func suggest(s string, cands []string) string {
	best, bestD := "", -1
	for _, c := range cands {
		if !worthComparing(s, c) {
			continue
		}
		d := editDistance(s, c)
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD > suggestLimit(s) || best == s {
		return ""
	}
	return best
}

// suggestLimit is the largest edit distance suggest accepts for s.
func suggestLimit(s string) int {
	if len(s) >= 9 {
		return 3
	}
	return 2
}

// worthComparing reports whether c could be within suggestLimit of s: their
// lengths (in bytes, an upper bound of the runes that differ) are close.
func worthComparing(s, c string) bool {
	d := len(s) - len(c)
	return d >= -4*suggestLimit(s) && d <= 4*suggestLimit(s)
}

// editDistance is the Levenshtein distance counting an adjacent swap as one
// edit (the commonest typo: "leraning").
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
