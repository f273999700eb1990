package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// SplitNames lists the splits of metrics.json in the order they are written.
var SplitNames = []string{"train", "validation", "test"}

// Split is one named entry of metrics.json.
type Split struct {
	Name   string // "train", "validation" or "test"
	Report Report
}

// MarshalJSON writes the keys that apply in the contract's order (rows, loss,
// accuracy, hamming_accuracy, precision, recall, f1, roc_auc,
// average_precision, per_class, per_target, confusion, mse, rmse, mae, r2),
// per_class in Classes order and per_target in Targets order (sorted keys
// when the order does not cover them), and non-finite numbers as null.
func (r Report) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"rows":`)
	b.WriteString(strconv.Itoa(r.Rows))
	b.WriteString(`,"loss":`)
	writeFloat(&b, r.Loss)
	opt := func(key string, v *float64) {
		if v != nil {
			fmt.Fprintf(&b, `,%q:`, key)
			writeFloat(&b, *v)
		}
	}
	opt("accuracy", r.Accuracy)
	opt("hamming_accuracy", r.HammingAccuracy)
	opt("precision", r.Precision)
	opt("recall", r.Recall)
	opt("f1", r.F1)
	opt("roc_auc", r.RocAUC)
	opt("average_precision", r.AveragePrecision)
	for _, t := range []struct {
		key   string
		stats map[string]ClassStats
		order []string
	}{{"per_class", r.PerClass, r.Classes}, {"per_target", r.PerTarget, r.Targets}} {
		if t.stats == nil {
			continue
		}
		fmt.Fprintf(&b, `,%q:{`, t.key)
		for i, name := range statsOrder(t.stats, t.order) {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(name)
			s, err := json.Marshal(t.stats[name])
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", t.key, k, err)
			}
			b.Write(k)
			b.WriteByte(':')
			b.Write(s)
		}
		b.WriteByte('}')
	}
	if r.Confusion != nil {
		c, _ := json.Marshal(r.Confusion)
		b.WriteString(`,"confusion":`)
		b.Write(c)
	}
	opt("mse", r.MSE)
	opt("rmse", r.RMSE)
	opt("mae", r.MAE)
	opt("r2", r.R2)
	b.WriteByte('}')
	return b.Bytes(), nil
}

// classOrder returns the keys of PerClass: Classes when it names exactly
// those keys, else the keys sorted.
func (r Report) classOrder() []string { return statsOrder(r.PerClass, r.Classes) }

// targetOrder is classOrder for PerTarget and Targets.
func (r Report) targetOrder() []string { return statsOrder(r.PerTarget, r.Targets) }

func statsOrder(stats map[string]ClassStats, order []string) []string {
	if len(order) == len(stats) {
		ok := true
		for _, c := range order {
			if _, in := stats[c]; !in {
				ok = false
				break
			}
		}
		if ok {
			return order
		}
	}
	keys := make([]string, 0, len(stats))
	for k := range stats {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func writeFloat(b *bytes.Buffer, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		b.WriteString("null")
		return
	}
	s, _ := json.Marshal(v) // shortest form that reads back to the same bits
	b.Write(s)
}

// UnmarshalJSON reads what MarshalJSON writes: null numbers become NaN,
// Classes is set from the order of the per_class keys, and unknown keys are
// ignored.
func (r *Report) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	err := json.Unmarshal(data, &m)
	if err != nil {
		return err
	}
	var out Report
	if raw, ok := m["rows"]; ok {
		if err := json.Unmarshal(raw, &out.Rows); err != nil {
			return fmt.Errorf("rows: %w", err)
		}
	}
	if raw, ok := m["loss"]; ok {
		v, err := readFloat(raw)
		if err != nil {
			return fmt.Errorf("loss: %w", err)
		}
		out.Loss = v
	}
	for _, f := range []struct {
		key string
		dst **float64
	}{
		{"accuracy", &out.Accuracy}, {"hamming_accuracy", &out.HammingAccuracy},
		{"precision", &out.Precision}, {"recall", &out.Recall}, {"f1", &out.F1},
		{"roc_auc", &out.RocAUC}, {"average_precision", &out.AveragePrecision},
		{"mse", &out.MSE}, {"rmse", &out.RMSE}, {"mae", &out.MAE}, {"r2", &out.R2},
	} {
		raw, ok := m[f.key]
		if !ok {
			continue
		}
		v, err := readFloat(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", f.key, err)
		}
		*f.dst = &v
	}
	if raw, ok := m["per_class"]; ok {
		if out.PerClass, out.Classes, err = readStats(raw); err != nil {
			return fmt.Errorf("per_class: %w", err)
		}
	}
	if raw, ok := m["per_target"]; ok {
		if out.PerTarget, out.Targets, err = readStats(raw); err != nil {
			return fmt.Errorf("per_target: %w", err)
		}
	}
	if raw, ok := m["confusion"]; ok {
		if err := json.Unmarshal(raw, &out.Confusion); err != nil {
			return fmt.Errorf("confusion: %w", err)
		}
	}
	*r = out
	return nil
}

func readFloat(raw json.RawMessage) (float64, error) {
	var p *float64
	if err := json.Unmarshal(raw, &p); err != nil {
		return 0, err
	}
	if p == nil {
		return math.NaN(), nil
	}
	return *p, nil
}

// readStats decodes a per_class or per_target object token by token to keep
// the order of its keys, which is the order of the classes or targets.
func readStats(raw json.RawMessage) (map[string]ClassStats, []string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if tok == nil {
		return nil, nil, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("want an object, got %v", tok)
	}
	stats := map[string]ClassStats{}
	order := []string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		name := tok.(string) // object keys are always strings
		var s ClassStats
		if err := dec.Decode(&s); err != nil {
			return nil, nil, fmt.Errorf("%q: %w", name, err)
		}
		if _, dup := stats[name]; !dup {
			order = append(order, name)
		}
		stats[name] = s
	}
	_, err = dec.Token()
	return stats, order, err
}

// WriteJSON writes metrics.json: an object with one key per split, in the
// order train, validation, test whatever the order of splits, indented by
// two spaces and ending in a newline. A split name outside SplitNames or
// given twice is an error.
func WriteJSON(w io.Writer, splits []Split) error {
	byName := map[string]Report{}
	for _, s := range splits {
		if !slices.Contains(SplitNames, s.Name) {
			return fmt.Errorf("metrics: unknown split %q (want one of %s)", s.Name, strings.Join(SplitNames, ", "))
		}
		if _, dup := byName[s.Name]; dup {
			return fmt.Errorf("metrics: split %q given twice", s.Name)
		}
		byName[s.Name] = s.Report
	}
	var compact bytes.Buffer
	compact.WriteByte('{')
	first := true
	for _, name := range SplitNames {
		rep, ok := byName[name]
		if !ok {
			continue
		}
		if !first {
			compact.WriteByte(',')
		}
		first = false
		b, err := rep.MarshalJSON()
		if err != nil {
			return fmt.Errorf("metrics: split %s: %w", name, err)
		}
		fmt.Fprintf(&compact, "%q:", name)
		compact.Write(b)
	}
	compact.WriteByte('}')
	var out bytes.Buffer
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return fmt.Errorf("metrics: %w", err) // MarshalJSON wrote invalid JSON: a bug
	}
	out.WriteByte('\n')
	_, err := w.Write(out.Bytes())
	return err
}

// WriteRunJSON is WriteJSON for a training run's metrics.json: when
// bestEpoch > 0 (early stopping kept the weights of that epoch, which the
// figures are of) every split's object also holds "best_epoch": bestEpoch.
// It goes inside the splits, not beside them, so that metrics.json stays
// what the contract says, one object per split, for readers that walk it.
func WriteRunJSON(w io.Writer, splits []Split, bestEpoch int) error {
	if bestEpoch <= 0 {
		return WriteJSON(w, splits)
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, splits); err != nil {
		return err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		return fmt.Errorf("metrics: %w", err) // WriteJSON wrote invalid JSON: a bug
	}
	var compact bytes.Buffer
	compact.WriteByte('{')
	first := true
	for _, name := range SplitNames {
		obj, ok := doc[name]
		if !ok {
			continue
		}
		if !first {
			compact.WriteByte(',')
		}
		first = false
		var c bytes.Buffer
		if err := json.Compact(&c, obj); err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		body := bytes.TrimSuffix(c.Bytes(), []byte("}"))
		sep := ","
		if bytes.Equal(body, []byte("{")) {
			sep = ""
		}
		fmt.Fprintf(&compact, "%q:%s%s\"best_epoch\":%d}", name, body, sep, bestEpoch)
	}
	compact.WriteByte('}')
	var out bytes.Buffer
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	out.WriteByte('\n')
	_, err := w.Write(out.Bytes())
	return err
}

// WriteReportJSON writes one report as eval --json prints it: compact, on
// one line ending in a newline, like every --json output (one object per
// line, for jq and log collectors).
func WriteReportJSON(w io.Writer, r Report) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadJSON reads a metrics.json object of split name → report; keys that
// are not split names are left out, and so is a split's best_epoch.
func ReadJSON(r io.Reader) (map[string]Report, error) {
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, nil
	}
	all := map[string]Report{}
	for k, v := range raw {
		if !slices.Contains(SplitNames, k) {
			continue
		}
		var rep Report
		if err := json.Unmarshal(v, &rep); err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		all[k] = rep
	}
	return all, nil
}

// Value returns the number at a dotted key path of a metrics.json object:
//
//	validation.accuracy           a top-level metric of a split (rows and loss too)
//	test.per_class.setosa.f1      a per-class figure (precision, recall, f1, support)
//	test.per_target.spam.recall   a per-target figure of a multi-label model
//	test.confusion.setosa.virginica, test.confusion.0.2
//	                              a confusion cell, true class then predicted,
//	                              by class name or index
//
// A class or target name may itself contain dots. A missing split or key, a key that
// does not apply (r2 of a classifier) and a NaN value are errors that list
// what is there.
func Value(all map[string]Report, path string) (float64, error) {
	splitName, key, _ := strings.Cut(path, ".")
	rep, ok := all[splitName]
	if !ok {
		var have []string
		for _, n := range SplitNames {
			if _, in := all[n]; in {
				have = append(have, n)
			}
		}
		return 0, &KeyError{Path: path, Err: fmt.Errorf("no split %q (have: %s)", splitName, strings.Join(have, ", "))}
	}
	v, err := rep.Value(key)
	if ke, ok := err.(*KeyError); ok {
		ke.Path = path
	}
	return v, err
}

// Value returns the number at a key path of one report, as eval --json
// prints it: the paths of the package function Value without the split
// (accuracy, per_class.setosa.f1, confusion.0.2). Its errors are as Value's,
// a *KeyError naming key.
func (r Report) Value(key string) (float64, error) {
	v, err := r.value(key)
	if err != nil {
		return 0, &KeyError{Path: key, Err: err}
	}
	if math.IsNaN(v) {
		return 0, &KeyError{Path: key, Err: ErrNaN}
	}
	return v, nil
}

// KeyError is Value's error: the key path and what is wrong with it.
type KeyError struct {
	Path string
	Err  error
}

func (e *KeyError) Error() string { return fmt.Sprintf("metrics key %q: %v", e.Path, e.Err) }
func (e *KeyError) Unwrap() error { return e.Err }

// ErrNaN is Value's error for a key that exists but holds NaN (a diverged
// run, or a report of no rows).
var ErrNaN = errors.New("value is not a number")

// value resolves a key path inside one report.
func (r Report) value(key string) (float64, error) {
	switch key {
	case "rows":
		return float64(r.Rows), nil
	case "loss":
		return r.Loss, nil
	}
	scalars := map[string]*float64{
		"accuracy": r.Accuracy, "hamming_accuracy": r.HammingAccuracy,
		"precision": r.Precision, "recall": r.Recall, "f1": r.F1,
		"roc_auc": r.RocAUC, "average_precision": r.AveragePrecision,
		"mse": r.MSE, "rmse": r.RMSE, "mae": r.MAE, "r2": r.R2,
	}
	if p, ok := scalars[key]; ok && p != nil {
		return *p, nil
	}
	for _, t := range []struct {
		prefix, what string
		stats        map[string]ClassStats
		order        func() []string
	}{{"per_class", "class", r.PerClass, r.classOrder}, {"per_target", "target", r.PerTarget, r.targetOrder}} {
		rest, ok := strings.CutPrefix(key, t.prefix+".")
		if !ok || t.stats == nil {
			continue
		}
		i := strings.LastIndexByte(rest, '.')
		if i < 0 {
			return 0, fmt.Errorf("want %s.<%s>.<precision|recall|f1|support>", t.prefix, t.what)
		}
		name, stat := rest[:i], rest[i+1:]
		s, ok := t.stats[name]
		if !ok {
			return 0, fmt.Errorf("no %s %q (have: %s)", t.what, name, strings.Join(t.order(), ", "))
		}
		switch stat {
		case "precision":
			return s.Precision, nil
		case "recall":
			return s.Recall, nil
		case "f1":
			return s.F1, nil
		case "support":
			return float64(s.Support), nil
		}
		return 0, fmt.Errorf("no per-%s figure %q (have: precision, recall, f1, support)", t.what, stat)
	}
	if rest, ok := strings.CutPrefix(key, "confusion."); ok && r.Confusion != nil {
		for i := 0; i < len(rest); i++ {
			if rest[i] != '.' {
				continue
			}
			t, okT := r.classIndex(rest[:i])
			p, okP := r.classIndex(rest[i+1:])
			if okT && okP && p < len(r.Confusion[t]) {
				return float64(r.Confusion[t][p]), nil
			}
		}
		return 0, fmt.Errorf("want confusion.<true class>.<predicted class>, by name or index in [0, %d)", len(r.Confusion))
	}
	return 0, fmt.Errorf("no key %q (have: %s)", key, strings.Join(r.keys(), ", "))
}

// classIndex resolves a class name (when Classes is known) or an index into
// the confusion matrix.
func (r Report) classIndex(s string) (int, bool) {
	if len(r.Classes) == len(r.Confusion) {
		if i := slices.Index(r.Classes, s); i >= 0 {
			return i, true
		}
	}
	i, err := strconv.Atoi(s)
	if err != nil || i < 0 || i >= len(r.Confusion) {
		return 0, false
	}
	return i, true
}

// keys lists the top-level keys that apply to r, in the JSON order.
func (r Report) keys() []string {
	keys := []string{"rows", "loss"}
	for _, f := range []struct {
		key string
		set bool
	}{
		{"accuracy", r.Accuracy != nil}, {"hamming_accuracy", r.HammingAccuracy != nil},
		{"precision", r.Precision != nil}, {"recall", r.Recall != nil}, {"f1", r.F1 != nil},
		{"roc_auc", r.RocAUC != nil}, {"average_precision", r.AveragePrecision != nil},
		{"per_class.<class>.<figure>", r.PerClass != nil}, {"per_target.<target>.<figure>", r.PerTarget != nil},
		{"confusion.<true>.<predicted>", r.Confusion != nil},
		{"mse", r.MSE != nil}, {"rmse", r.RMSE != nil}, {"mae", r.MAE != nil}, {"r2", r.R2 != nil},
	} {
		if f.set {
			keys = append(keys, f.key)
		}
	}
	return keys
}
