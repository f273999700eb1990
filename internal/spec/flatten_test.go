package spec

import (
	"regexp"
	"slices"
	"testing"
)

// Every key Flatten lists is one the spec accepts, so a checkpoint's
// complaint names a key the user can look up and --set; and the keys given
// in the file come out with their values.
func TestFlattenNamesSpecKeys(t *testing.T) {
	for _, sets := range [][]string{
		{"train.early_stopping.patience=3", "data.class_names.1=one", "train.schedule.kind=cosine", "train.class_weight=balanced"},
		{"train.schedule.kind=plateau", "model.layers.0.dropout=0.5"},
		{"data.impute.number=median", "data.delimiter=;", "data.exclude=[id]"},
	} {
		s, err := Parse("t.yaml", []byte(base), sets, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkFlatten(t, s, sets)
	}
}

func checkFlatten(t *testing.T, s *Spec, sets []string) {
	known := Keys()
	index := regexp.MustCompile(`\.[0-9]+(\.|$)`)
	got := map[string]string{}
	for _, kv := range Flatten(s) {
		k := index.ReplaceAllString(kv.Key, ".<i>$1")
		if kv.Key == "data.class_names.1" {
			k = "data.class_names.<label>"
		}
		if !slices.Contains(known, k) {
			t.Errorf("Flatten gives %s (%s), not a spec key", kv.Key, k)
		}
		got[kv.Key] = kv.Value
	}
	for k, want := range map[string]string{
		"train.epochs": "10", "train.early_stopping.patience": "3",
		"train.checkpoint_every": "1", "model.layers.1.activation": `"softmax"`, "data.class_names.1": `"one"`,
		"train.schedule.t_max": "10", "train.class_weight": "balanced",
	} {
		if sets[0] != "train.early_stopping.patience=3" {
			break
		}
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
}
