package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// classReport has integer class names whose numeric order ("2" before "10")
// is not the bytewise order, a zero accuracy that must still be written, and
// a class with no support.
func classReport() Report {
	return Report{
		Rows: 2, Loss: 1.5,
		Accuracy: ptr(0), Precision: ptr(0), Recall: ptr(0), F1: ptr(0),
		PerClass: map[string]ClassStats{
			"2":  {Support: 2},
			"10": {Support: 0},
		},
		Confusion: [][]int{{0, 2}, {0, 0}},
		Classes:   []string{"2", "10"},
	}
}

func regReport() Report {
	return Report{Rows: 3, Loss: math.NaN(), MSE: ptr(0), RMSE: ptr(0), MAE: ptr(0.25), R2: ptr(1)}
}

func TestWriteJSON(t *testing.T) {
	tests := []struct {
		name   string
		splits []Split
		want   string
	}{
		{
			name:   "splits reordered, zeros kept, NaN as null",
			splits: []Split{{"test", regReport()}, {"train", classReport()}},
			want: `{
  "train": {
    "rows": 2,
    "loss": 1.5,
    "accuracy": 0,
    "precision": 0,
    "recall": 0,
    "f1": 0,
    "per_class": {
      "2": {
        "precision": 0,
        "recall": 0,
        "f1": 0,
        "support": 2
      },
      "10": {
        "precision": 0,
        "recall": 0,
        "f1": 0,
        "support": 0
      }
    },
    "confusion": [
      [
        0,
        2
      ],
      [
        0,
        0
      ]
    ]
  },
  "test": {
    "rows": 3,
    "loss": null,
    "mse": 0,
    "rmse": 0,
    "mae": 0.25,
    "r2": 1
  }
}
`,
		},
		{
			name:   "only validation",
			splits: []Split{{"validation", Report{Rows: 1, Loss: 0.1, R2: ptr(-2.5)}}},
			want:   "{\n  \"validation\": {\n    \"rows\": 1,\n    \"loss\": 0.1,\n    \"r2\": -2.5\n  }\n}\n",
		},
		{
			name: "no splits",
			want: "{}\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteJSON(&b, tt.splits); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestWriteJSONErrors(t *testing.T) {
	tests := []struct {
		name   string
		splits []Split
		want   string
	}{
		{"unknown split", []Split{{"val", Report{}}}, `unknown split "val"`},
		{"duplicate split", []Split{{"test", Report{}}, {"test", Report{}}}, `split "test" given twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteJSON(&bytes.Buffer{}, tt.splits)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// sameReport compares reports treating NaN as equal to NaN.
func sameReport(a, b Report) bool {
	nanless := func(r Report) Report {
		fix := func(p *float64) *float64 {
			if p != nil && math.IsNaN(*p) {
				return ptr(-12345.678)
			}
			return p
		}
		if math.IsNaN(r.Loss) {
			r.Loss = -12345.678
		}
		r.Accuracy, r.Precision, r.Recall, r.F1 = fix(r.Accuracy), fix(r.Precision), fix(r.Recall), fix(r.F1)
		r.HammingAccuracy, r.RocAUC, r.AveragePrecision = fix(r.HammingAccuracy), fix(r.RocAUC), fix(r.AveragePrecision)
		r.MSE, r.RMSE, r.MAE, r.R2 = fix(r.MSE), fix(r.RMSE), fix(r.MAE), fix(r.R2)
		return r
	}
	return reflect.DeepEqual(nanless(a), nanless(b))
}

func TestJSONRoundTrip(t *testing.T) {
	c := Classification(5, 0.123456789012345678, []int{0, 0, 1, 1, 2}, []int{0, 1, 1, 1, 1}, []string{"b", "a", "c"})
	r := Regression(3, 1e-300, []float64{1, 2, 3, 4, 5, 6}, []float64{1.1, 2, 2.9, 4, 5.5, 6}, 2)
	empty := Classification(0, math.Inf(1), nil, nil, []string{"x.1", "x"})
	empty.AddBinaryScores(nil, nil)
	splits := []Split{{"train", c}, {"validation", r}, {"test", empty}}
	var b bytes.Buffer
	if err := WriteJSON(&b, splits); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(&b)
	if err != nil {
		t.Fatal(err)
	}
	// A non-finite number is written as null and read back as NaN.
	empty.Loss = math.NaN()
	for _, s := range []Split{{"train", c}, {"validation", r}, {"test", empty}} {
		if !sameReport(got[s.Name], s.Report) {
			t.Errorf("%s: got %+v, want %+v", s.Name, got[s.Name], s.Report)
		}
	}

	// Binary scores and a multi-label report, whose per_target keeps its order.
	bin := Classification(4, 0.5, []int{0, 1, 1, 0}, []int{0, 1, 0, 0}, []string{"no", "yes"})
	bin.AddBinaryScores([]int{0, 1, 1, 0}, []float64{0.1, 0.9, 0.4, 0.4})
	ml := MultiLabel(2, 0.25, []float64{1, 0, 1, 1, 1, 0}, []float64{0.7, 0.2, 0.5, 0.1, 0.9, 0.6}, []string{"z", "a.b", "m"})
	b.Reset()
	if err := WriteJSON(&b, []Split{{"train", bin}, {"test", ml}}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"roc_auc": 0.875`, `"average_precision": 0.8333333333333333`, `"hamming_accuracy": 0.6666666666666666`, `"per_target": {`} {
		if !strings.Contains(b.String(), key) {
			t.Errorf("metrics.json lacks %s:\n%s", key, b.String())
		}
	}
	got, err = ReadJSON(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !sameReport(got["train"], bin) || !sameReport(got["test"], ml) {
		t.Errorf("got %+v and %+v, want %+v and %+v", got["train"], got["test"], bin, ml)
	}
}

// Keys come in the contract's order, the new ones beside their kin.
func TestMarshalKeyOrder(t *testing.T) {
	bin := Classification(4, 0.5, []int{0, 1, 1, 0}, []int{0, 1, 0, 0}, []string{"no", "yes"})
	bin.AddBinaryScores([]int{0, 1, 1, 0}, []float64{0.1, 0.9, 0.4, 0.4})
	ml := MultiLabel(1, 0.25, []float64{1, 0}, []float64{0.7, 0.2}, []string{"q", "p"})
	for _, tt := range []struct {
		r    Report
		keys []string
	}{
		{bin, []string{"rows", "loss", "accuracy", "precision", "recall", "f1", "roc_auc", "average_precision", "per_class", "confusion"}},
		{ml, []string{"rows", "loss", "accuracy", "hamming_accuracy", "precision", "recall", "f1", "per_target"}},
	} {
		b, err := tt.r.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		var keys []string
		depth := 0
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			switch v := tok.(type) {
			case json.Delim:
				if v == '{' || v == '[' {
					depth++
				} else {
					depth--
				}
			case string:
				if depth == 1 {
					keys = append(keys, v)
					// skip the value
					var raw json.RawMessage
					if err := dec.Decode(&raw); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		if !reflect.DeepEqual(keys, tt.keys) {
			t.Errorf("keys %q, want %q", keys, tt.keys)
		}
	}
}

func TestWriteReportJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteReportJSON(&b, Report{Rows: 4, Loss: 2, MSE: ptr(4), RMSE: ptr(2), MAE: ptr(2), R2: ptr(0)}); err != nil {
		t.Fatal(err)
	}
	want := `{"rows":4,"loss":2,"mse":4,"rmse":2,"mae":2,"r2":0}` + "\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestUnmarshalIgnoresUnknownKeys(t *testing.T) {
	var r Report
	in := `{"rows": 7, "loss": 0.5, "future_metric": [1, 2], "accuracy": 1, "per_class": {"z": {"precision": 1, "recall": 1, "f1": 1, "support": 7, "extra": 0}, "a": {"support": 0}}}`
	if err := json.Unmarshal([]byte(in), &r); err != nil {
		t.Fatal(err)
	}
	if r.Rows != 7 || r.Loss != 0.5 || r.Accuracy == nil || *r.Accuracy != 1 || r.MSE != nil {
		t.Errorf("got %+v", r)
	}
	if want := []string{"z", "a"}; !reflect.DeepEqual(r.Classes, want) {
		t.Errorf("classes = %q, want %q (the per_class order)", r.Classes, want)
	}
}

func TestValue(t *testing.T) {
	cls := Report{
		Rows: 10, Loss: 0.5, Accuracy: ptr(0.8), Precision: ptr(0.7), Recall: ptr(0.6), F1: ptr(0.65),
		PerClass: map[string]ClassStats{
			"setosa": {Precision: 0.9, Recall: 0.8, F1: 0.85, Support: 4},
			"1.5":    {Precision: 0.1, Recall: 0.2, F1: 0.3, Support: 6},
		},
		Confusion: [][]int{{3, 1}, {2, 4}},
		Classes:   []string{"setosa", "1.5"},
	}
	cls.RocAUC, cls.AveragePrecision = ptr(0.91), ptr(0.87)
	reg := Report{Rows: 3, Loss: 0.1, MSE: ptr(0.2), RMSE: ptr(0.4), MAE: ptr(0.3), R2: ptr(0), Accuracy: nil}
	ml := MultiLabel(2, 0.25, []float64{1, 0, 1, 1}, []float64{0.7, 0.2, 0.5, 0.1}, []string{"spam", "x.y"})
	all := map[string]Report{"train": cls, "test": reg, "validation": {Rows: 0, Loss: math.NaN(), R2: ptr(math.NaN())}, "ml": ml}
	tests := []struct {
		path string
		want float64
	}{
		{"train.rows", 10},
		{"train.loss", 0.5},
		{"train.accuracy", 0.8},
		{"train.precision", 0.7},
		{"train.recall", 0.6},
		{"train.f1", 0.65},
		{"train.per_class.setosa.f1", 0.85},
		{"train.per_class.1.5.recall", 0.2},
		{"train.per_class.1.5.support", 6},
		{"train.confusion.setosa.1.5", 1},
		{"train.confusion.1.5.setosa", 2},
		{"train.confusion.1.1", 4},
		{"test.r2", 0},
		{"test.mse", 0.2},
		{"test.rmse", 0.4},
		{"test.mae", 0.3},
		{"train.roc_auc", 0.91},
		{"train.average_precision", 0.87},
		{"ml.accuracy", 0.5},
		{"ml.hamming_accuracy", 0.75},
		{"ml.per_target.spam.precision", 1},
		{"ml.per_target.x.y.recall", 0},
		{"ml.per_target.x.y.support", 1},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := Value(all, tt.path)
			if err != nil || got != tt.want {
				t.Errorf("got %v, %v, want %v, nil", got, err, tt.want)
			}
		})
	}
	errs := []struct {
		path, want string
	}{
		{"val.accuracy", `no split "val" (have: train, validation, test)`},
		{"train", `no key "" (have: rows, loss, accuracy`},
		{"train.acc", `no key "acc"`},
		{"test.accuracy", `no key "accuracy" (have: rows, loss, mse, rmse, mae, r2)`},
		{"train.r2", `no key "r2"`},
		{"train.per_class.virginica.f1", `no class "virginica" (have: setosa, 1.5)`},
		{"train.per_class.setosa.f2", `no per-class figure "f2"`},
		{"train.per_class.setosa", `want per_class.<class>`},
		{"train.confusion.2.0", `want confusion.<true class>.<predicted class>`},
		{"train.confusion.setosa", `want confusion.<true class>.<predicted class>`},
		{"validation.r2", `value is not a number`},
		{"validation.loss", `value is not a number`},
		{"test.roc_auc", `no key "roc_auc"`},
		{"ml.per_class.spam.f1", `(have: rows, loss, accuracy, hamming_accuracy, precision, recall, f1, per_target.<target>.<figure>)`},
		{"ml.per_target.ham.f1", `no target "ham" (have: spam, x.y)`},
		{"ml.per_target.spam.f2", `no per-target figure "f2"`},
	}
	for _, tt := range errs {
		t.Run("error "+tt.path, func(t *testing.T) {
			got, err := Value(all, tt.path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.path) {
				t.Errorf("got %v, %v, want an error naming %q and containing %q", got, err, tt.path, tt.want)
			}
		})
	}
	// Report.Value (eval's keys) is the same lookup without the split; its
	// errors name the key.
	paths := []string{"train.acc", "test.accuracy", "validation.r2", "ml.per_target.ham.f1", "train.per_class.setosa"}
	for _, tt := range tests {
		paths = append(paths, tt.path)
	}
	for _, path := range paths {
		split, key, _ := strings.Cut(path, ".")
		want, wantErr := Value(all, path)
		got, err := all[split].Value(key)
		var ke *KeyError
		if got != want || (err == nil) != (wantErr == nil) || (err != nil && (!errors.As(err, &ke) || ke.Path != key ||
			ke.Err.Error() != wantErr.(*KeyError).Err.Error())) {
			t.Errorf("Report.Value(%q) = %v, %v; Value(all, %q) = %v, %v", key, got, err, path, want, wantErr)
		}
	}
}

func TestMarshalPerClassWithoutClasses(t *testing.T) {
	// A report built by hand, without Classes, writes per_class sorted.
	r := Report{Rows: 1, PerClass: map[string]ClassStats{"b": {Support: 1}, "a": {}}}
	got, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"rows":1,"loss":0,"per_class":{"a":{"precision":0,"recall":0,"f1":0,"support":0},"b":{"precision":0,"recall":0,"f1":0,"support":1}}}`
	if string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestReadJSONErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not an object", `[1]`, "cannot unmarshal array"},
		{"loss not a number", `{"test": {"rows": 1, "loss": "x"}}`, "loss:"},
		{"accuracy not a number", `{"test": {"rows": 1, "accuracy": true}}`, "accuracy:"},
		{"per_class not an object", `{"test": {"per_class": [1]}}`, "per_class: want an object"},
		{"per_class entry", `{"test": {"per_class": {"a": {"support": 0.5}}}}`, `per_class: "a":`},
		{"confusion", `{"test": {"confusion": [["1"]]}}`, "confusion:"},
		{"rows", `{"test": {"rows": 1.5}}`, "rows:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJSON(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// FuzzReadJSON checks that every report ReadJSON accepts is written back by
// MarshalJSON into JSON that reads to the same report.
func FuzzReadJSON(f *testing.F) {
	var b bytes.Buffer
	c := Classification(5, 0.5, []int{0, 0, 1, 1, 2}, []int{0, 1, 1, 1, 1}, []string{"10", "2", "a.b"})
	r := Regression(2, math.NaN(), []float64{1, 2}, []float64{1, 3}, 1)
	if err := WriteJSON(&b, []Split{{"train", c}, {"test", r}}); err != nil {
		f.Fatal(err)
	}
	f.Add(b.String())
	f.Add(`{"validation": {"rows": 0, "loss": null, "per_class": {}, "confusion": []}}`)
	f.Add(`{"x": {"per_class": {"a": {}, "a": {"support": 2}}, "confusion": [[1], [2, 3]]}}`)
	f.Fuzz(func(t *testing.T, in string) {
		all, err := ReadJSON(strings.NewReader(in))
		if err != nil {
			return
		}
		for name, rep := range all {
			out, err := json.Marshal(rep)
			if err != nil {
				t.Fatalf("%s: Marshal: %v", name, err)
			}
			var back Report
			if err := json.Unmarshal(out, &back); err != nil {
				t.Fatalf("%s: Unmarshal of %s: %v", name, out, err)
			}
			if !sameReport(back, rep) {
				t.Fatalf("%s: got %+v, want %+v (via %s)", name, back, rep, out)
			}
		}
	})
}

// metrics.json of a run with early stopping has best_epoch in every split,
// is still one object per split, and ReadJSON still reads its splits.
func TestWriteRunJSON(t *testing.T) {
	acc := 0.5
	splits := []Split{{Name: "train", Report: Report{Rows: 2, Loss: 0.25, Accuracy: &acc}}}
	for _, best := range []int{0, 7} {
		var b bytes.Buffer
		if err := WriteRunJSON(&b, splits, best); err != nil {
			t.Fatal(err)
		}
		var plain bytes.Buffer
		if err := WriteJSON(&plain, splits); err != nil {
			t.Fatal(err)
		}
		var v map[string]map[string]any
		if err := json.Unmarshal(b.Bytes(), &v); err != nil {
			t.Fatalf("best %d: %v in\n%s (every top-level value must be a split object)", best, err, b.String())
		}
		got, has := v["train"]["best_epoch"]
		switch {
		case best == 0 && (has || b.String() != plain.String()):
			t.Errorf("best 0: got\n%s\nwant WriteJSON's\n%s", b.String(), plain.String())
		case best > 0 && got != float64(best):
			t.Errorf("best_epoch %v, want %d in\n%s", got, best, b.String())
		case best > 0 && !strings.HasSuffix(b.String(), ",\n    \"best_epoch\": 7\n  }\n}\n"):
			t.Errorf("layout:\n%s", b.String())
		}
		all, err := ReadJSON(&b)
		if err != nil || len(all) != 1 || all["train"].Rows != 2 {
			t.Errorf("ReadJSON: %v, %v", all, err)
		}
	}
}
