package spec

import (
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// KV is one resolved key of a spec: its dotted path, as --set takes it, and
// its value as text.
type KV struct {
	Key, Value string
}

// Flatten lists every key of the resolved spec (defaults filled in) in the
// order of the contract, one leaf each: model.layers.0.units, …; file paths
// are made absolute so that the same spec read from another working folder
// flattens the same. A key the spec leaves unset (train.early_stopping
// without early stopping) is absent. Two specs that train the same run
// flatten to the same list, which is what a checkpoint compares.
func Flatten(s *Spec) []KV {
	var kvs []KV
	flattenValue(&kvs, "", reflect.ValueOf(*s))
	return kvs
}

func flattenValue(kvs *[]KV, key string, v reflect.Value) {
	if cw, ok := v.Interface().(ClassWeight); ok {
		// One key in the spec: "balanced" or a map of class → weight.
		val := "balanced"
		if !cw.Balanced {
			parts := make([]string, 0, len(cw.Weights))
			for _, c := range slices.Sorted(maps.Keys(cw.Weights)) {
				parts = append(parts, strconv.Quote(c)+": "+strconv.FormatFloat(cw.Weights[c], 'g', -1, 64))
			}
			val = "{" + strings.Join(parts, ", ") + "}"
		}
		*kvs = append(*kvs, KV{key, val})
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() || (key == "" && (f.Name == "File" || f.Name == "Dir")) {
				continue
			}
			flattenValue(kvs, join(key, snake(f.Name)), v.Field(i))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			flattenValue(kvs, key, v.Elem())
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Struct {
			for i := range v.Len() {
				flattenValue(kvs, join(key, strconv.Itoa(i)), v.Index(i))
			}
			return
		}
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = scalar(v.Index(i))
		}
		*kvs = append(*kvs, KV{key, "[" + strings.Join(parts, ", ") + "]"})
	case reflect.Map:
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, k.String())
		}
		slices.Sort(keys)
		for _, k := range keys {
			*kvs = append(*kvs, KV{join(key, k), scalar(v.MapIndex(reflect.ValueOf(k)))})
		}
	default:
		val := scalar(v)
		if v.Kind() == reflect.String && isPathKey(key) && val != "" {
			if abs, err := filepath.Abs(val); err == nil {
				val = abs
			}
		}
		*kvs = append(*kvs, KV{key, val})
	}
}

// isPathKey says which keys hold a file or folder path.
func isPathKey(key string) bool {
	return key == "data.train" || key == "data.test" || key == "output.dir"
}

func scalar(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case reflect.String:
		return strconv.Quote(v.String())
	default:
		return fmt.Sprint(v.Interface())
	}
}

// snake turns a Go field name into its spec key: LearningRate →
// learning_rate, L2 → l2, TMax → t_max, MinLR → min_lr.
func snake(name string) string {
	var b strings.Builder
	rs := []rune(name)
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) ||
			(unicode.IsUpper(rs[i-1]) && i+1 < len(rs) && unicode.IsLower(rs[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
