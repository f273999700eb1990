package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// Why not viper: the project lists viper for flag/env/file layering, but it
// fights two requirements here. Viper merges everything into
// map[string]any, so an error can no longer say which line of the file or
// which flag the bad value came from; and it reads the process environment
// through os.Getenv one known key at a time, so it can neither take the env
// list Load is given (tests, determinism) nor notice an NNTRAIN_ variable
// that names no key. The layering itself is a few lines on the yaml.v3 node
// tree, which keeps the positions.

// tree is a parsed spec with its overrides applied.
type tree struct {
	file string
	root *yaml.Node // top-level mapping
	// origin maps nodes that came from an override to the override
	// ("--set k=v", "NNTRAIN_K=v"); nodes not in it came from the file.
	origin map[*yaml.Node]string
}

var lineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns a yaml.v3 syntax error into FILE:LINE: yaml: ...
func yamlError(file string, data []byte, err error) *Error {
	msg := err.Error()
	e := &Error{File: file, Msg: msg}
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = "yaml: " + m[2]
		if l := tabIndented(data, e.Line); l > 0 {
			e.Msg += fmt.Sprintf(" (line %d is indented with a tab: YAML indents with spaces)", l)
		}
	}
	return e
}

// tabIndented returns the line near line n (1-based) whose indentation
// holds a tab, or 0; yaml.v3 reports such an error at the line itself or
// at a neighbour.
func tabIndented(data []byte, n int) int {
	lines := bytes.Split(data, []byte("\n"))
	for _, l := range []int{n, n + 1, n - 1} {
		if l < 1 || l > len(lines) {
			continue
		}
		text := lines[l-1]
		indent := text[:len(text)-len(bytes.TrimLeft(text, " \t"))]
		if bytes.IndexByte(indent, '\t') >= 0 {
			return l
		}
	}
	return 0
}

// parseYAML parses one YAML document, turning a panic inside yaml.v3 into
// an error so that no input can crash the caller.
func parseYAML(data []byte) (doc *yaml.Node, more *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: cannot parse: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var d yaml.Node
	if err := dec.Decode(&d); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	var m yaml.Node
	switch err := dec.Decode(&m); {
	case err == nil:
		return &d, &m, nil
	case errors.Is(err, io.EOF):
		return &d, nil, nil
	default:
		return nil, nil, err
	}
}

func parseFile(file string, data []byte) (*tree, error) {
	t := &tree{file: file, origin: map[*yaml.Node]string{}}
	doc, more, err := parseYAML(data)
	if err != nil {
		return nil, yamlError(file, data, err)
	}
	if more != nil {
		return nil, &Error{File: file, Line: more.Line, Msg: "a spec is one YAML document, found a second one"}
	}
	if doc == nil || len(doc.Content) == 0 || isNull(doc.Content[0]) {
		t.root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: 1, Column: 1}
		return t, nil
	}
	t.root = doc.Content[0]
	if t.root.Kind != yaml.MappingNode {
		return nil, &Error{File: file, Line: t.root.Line,
			Msg: "a spec is a mapping of keys (name, data, model, loss, train, ...), got " + describe(t.root)}
	}
	return t, nil
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || n.Kind == 0 || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names what a node holds, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	n = resolve(n)
	switch {
	case isNull(n):
		return "null"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.ScalarNode:
		if v := []rune(n.Value); len(v) > 60 {
			return strconv.Quote(string(v[:57])) + "..."
		}
		return strconv.Quote(n.Value)
	}
	return "an unknown YAML node"
}

// override is one --set flag or NNTRAIN_ variable.
type override struct {
	source string // as the user wrote it: "--set k=v" or "NNTRAIN_K=v"
	path   string // dotted key path
	value  string
}

func parseSets(sets []string) ([]override, error) {
	var out []override
	for _, s := range sets {
		src := "--set " + s
		k, v, ok := strings.Cut(s, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, &Error{Source: src, Msg: "expected key=value (e.g. --set train.learning_rate=0.05)"}
		}
		out = append(out, override{source: src, path: k, value: v})
	}
	return out, nil
}

const envPrefix = "NNTRAIN_"

// machineVars are NNTRAIN_ variables that set up the machine rather than the
// run (the matrix kernel, read by package network); they are no spec key and
// not an error here. A spec key can never have these names: no section is
// called "kernel".
var machineVars = []string{"NNTRAIN_KERNEL"}

type envPattern struct {
	re  *regexp.Regexp
	key string // with placeholders
}

var envPatterns = sync.OnceValue(func() []envPattern {
	var ps []envPattern
	for _, k := range Keys() {
		ps = append(ps, envPattern{re: regexp.MustCompile("^" + envRegexp(k) + "$"), key: k})
	}
	return ps
})

func envRegexp(key string) string {
	segs := strings.Split(key, ".")
	for i, s := range segs {
		switch s {
		case indexPlaceholder, labelPlaceholder:
			segs[i] = `(-?[0-9]+)`
		default:
			segs[i] = regexp.QuoteMeta(strings.ToUpper(s))
		}
	}
	return regexp.QuoteMeta(envPrefix) + strings.Join(segs, "_")
}

// EnvName returns the environment variable that overrides a concrete
// dotted key, e.g. NNTRAIN_MODEL_LAYERS_0_UNITS for model.layers.0.units.
func EnvName(key string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// envKey maps an NNTRAIN_ variable name to the dotted key path it overrides.
func envKey(name string) (string, bool) {
	up := strings.ToUpper(name)
	for _, p := range envPatterns() {
		m := p.re.FindStringSubmatch(up)
		if m == nil {
			continue
		}
		segs := strings.Split(p.key, ".")
		g := 1
		for i, s := range segs {
			if s == indexPlaceholder || s == labelPlaceholder {
				segs[i] = m[g]
				g++
			}
		}
		return strings.Join(segs, "."), true
	}
	return "", false
}

var digitsRE = regexp.MustCompile(`[0-9]+`)

// maxSuggestNumbers is how many of the numbers in an unknown variable's
// name fill the placeholders of candidate names: a name with thousands of
// numbers in it must not make thousands of candidates per key.
const maxSuggestNumbers = 3

// envCandidates are the variable names a suggestion for name is drawn from:
// every key with its placeholders filled by one of the first numbers in name
// (or 0).
func envCandidates(name string) []string {
	var nums []string
	for _, n := range digitsRE.FindAllString(name, maxSuggestNumbers) {
		if !slices.Contains(nums, n) {
			nums = append(nums, n)
		}
	}
	if !slices.Contains(nums, "0") {
		nums = append(nums, "0")
	}
	var cands []string
	for _, k := range Keys() {
		for _, n := range nums {
			c := EnvName(strings.NewReplacer(indexPlaceholder, n, labelPlaceholder, n).Replace(k))
			if !slices.Contains(cands, c) {
				cands = append(cands, c)
			}
		}
	}
	return cands
}

func envSuggestion(name string) string {
	cands := envCandidates(name)
	up := strings.ToUpper(name)
	if s := suggest(up, cands); s != "" {
		return s
	}
	// NNTRAIN_EPOCHS for NNTRAIN_TRAIN_EPOCHS: the section left out.
	var found []string
	for _, c := range cands {
		if strings.HasSuffix(c, "_"+strings.TrimPrefix(up, envPrefix)) && !slices.Contains(found, c) {
			found = append(found, c)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return ""
}

// parseEnv picks the NNTRAIN_ variables out of an os.Environ-style list.
// They are returned in an order that applies a container before the keys
// inside it and list items by increasing index, so the result does not
// depend on the order of the list. When a name repeats, the last one wins.
func parseEnv(env []string) ([]override, error) {
	byName := map[string]override{}
	for _, kv := range env {
		name, v, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, envPrefix) || slices.Contains(machineVars, name) {
			continue
		}
		src := name + "=" + v
		path, ok := envKey(name)
		if !ok {
			msg := "environment variable names no spec key"
			if s := envSuggestion(name); s != "" {
				msg += " (did you mean " + s + "?)"
			}
			return nil, &Error{Source: src, Msg: msg}
		}
		if v == "" {
			delete(byName, name)
			continue
		}
		byName[name] = override{source: src, path: path, value: v}
	}
	out := make([]override, 0, len(byName))
	for _, o := range byName {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return pathLess(out[i].path, out[j].path) })
	return out, nil
}

// pathLess orders dotted paths by depth, then segment by segment with
// numeric segments compared as numbers.
func pathLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	if len(as) != len(bs) {
		return len(as) < len(bs)
	}
	for i := range as {
		if as[i] == bs[i] {
			continue
		}
		an, aerr := strconv.Atoi(as[i])
		bn, berr := strconv.Atoi(bs[i])
		if aerr == nil && berr == nil && an != bn {
			return an < bn
		}
		return as[i] < bs[i]
	}
	return false
}

// apply sets one override on the tree.
func (t *tree) apply(o override) error {
	if _, msg := lookupPath(o.path); msg != "" {
		return &Error{Source: o.source, Msg: msg}
	}
	val, err := parseValue(o.value)
	if err != nil {
		e := &Error{Source: o.source, Key: o.path, Msg: err.Error()}
		if m := lineRE.FindStringSubmatch(e.Msg); m != nil {
			e.Msg = "yaml: " + m[2]
		}
		return e
	}
	t.mark(val, o.source)
	return t.set(o.path, val, o.source)
}

// parseValue parses an override's value as YAML: a scalar, or a flow
// sequence or mapping such as [a, b] or {units: 8, activation: relu}.
func parseValue(s string) (*yaml.Node, error) {
	switch v := strings.TrimSpace(s); v {
	case "-", ",", "|":
		// Alone, YAML reads these as a list of one null or a syntax error;
		// as values they are stdin (--set data.train=-) and separators
		// (--set data.delimiter=|, --set data.decimal=,).
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}, nil
	}
	doc, _, err := parseYAML([]byte(s))
	if err != nil {
		return nil, err
	}
	if doc == nil || len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}, nil
	}
	return doc.Content[0], nil
}

// mark records that n and everything under it came from src.
func (t *tree) mark(n *yaml.Node, src string) {
	if n == nil || t.origin[n] != "" {
		return
	}
	t.origin[n] = src
	for _, c := range n.Content {
		t.mark(c, src)
	}
}

// set puts val at the dotted path, creating the mappings and list items on
// the way and copying every container it passes through, so that a node
// shared through a YAML alias changes only where the path points.
func (t *tree) set(path string, val *yaml.Node, src string) error {
	segs := strings.Split(path, ".")
	slot := &t.root
	f := root
	for i, s := range segs {
		n, err := t.own(slot, f, strings.Join(segs[:i], "."), src)
		if err != nil {
			return err
		}
		switch f.kind {
		case kSection, kStruct, kLabelMap:
			match := func(k *yaml.Node) bool { return k.Value == s }
			if f.kind == kLabelMap {
				want, _ := canonLabel(s)
				match = func(k *yaml.Node) bool { c, ok := canonLabel(k.Value); return ok && c == want }
			}
			j := -1
			for k := 0; k+1 < len(n.Content); k += 2 {
				if key := resolve(n.Content[k]); key != nil && key.Kind == yaml.ScalarNode && match(key) {
					j = k
					break
				}
			}
			if j < 0 {
				key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
				t.origin[key] = src
				n.Content = append(n.Content, key, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"})
				j = len(n.Content) - 2
			}
			slot = &n.Content[j+1]
			if f.kind == kLabelMap {
				f = &field{kind: kString}
			} else {
				f = f.child(s)
			}
		case kList:
			idx, _ := strconv.Atoi(s)
			if idx > len(n.Content) {
				return &Error{Source: src, Key: path, Msg: fmt.Sprintf(
					"index %d is past the end of %s, which has %d items (index %d adds one)",
					idx, strings.Join(segs[:i], "."), len(n.Content), len(n.Content))}
			}
			if idx == len(n.Content) {
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"})
			}
			slot = &n.Content[idx]
			f = f.elem
		default:
			panic("spec: set: path " + path + " passes through a scalar")
		}
	}
	*slot = val
	return nil
}

// own makes *slot a container of the kind f needs that set may modify:
// a copy of the existing one, or a new empty one in place of null.
func (t *tree) own(slot **yaml.Node, f *field, key, src string) (*yaml.Node, error) {
	want := yaml.MappingNode
	if f.kind == kList {
		want = yaml.SequenceNode
	}
	n := resolve(*slot)
	if isNull(n) {
		c := &yaml.Node{Kind: want}
		t.origin[c] = src
		*slot = c
		return c, nil
	}
	if n.Kind != want {
		what := "a mapping"
		if want == yaml.SequenceNode {
			what = "a list"
		}
		return nil, t.pos(*slot).errorf(key, "expected %s, got %s", what, describe(n))
	}
	c := *n
	c.Anchor = ""
	c.Content = append([]*yaml.Node(nil), n.Content...)
	if o := t.origin[n]; o != "" {
		t.origin[&c] = o
	}
	*slot = &c
	return &c, nil
}

// pos is where node n came from.
func (t *tree) pos(n *yaml.Node) pos {
	if src := t.origin[n]; src != "" {
		return pos{file: t.file, source: src}
	}
	if r := resolve(n); r != n {
		if src := t.origin[r]; src != "" {
			return pos{file: t.file, source: src}
		}
	}
	return pos{file: t.file, line: n.Line}
}
