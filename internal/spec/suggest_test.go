package spec

import (
	"strings"
	"testing"
)

// TestSuggestBoundedWork: a 14 KB NNTRAIN_ name once took over 120 s,
// because every number in it multiplied the candidates and each was
// compared cell by cell with the whole name. The work is bounded by
// construction: at most maxSuggestNumbers numbers make candidates, and a
// candidate whose length differs from the name's by more than the distance
// accepted is never compared (so a name longer than every key plus that
// distance costs no comparison at all).
func TestSuggestBoundedWork(t *testing.T) {
	long := "NNTRAIN_" + strings.Repeat("MODEL_LAYERS_1_", 1000)
	cands := envCandidates(long)
	if max := len(Keys()) * (maxSuggestNumbers + 1); len(cands) > max {
		t.Errorf("%d candidates for a name of %d bytes, want at most %d", len(cands), len(long), max)
	}
	compared := 0
	for _, c := range cands {
		if worthComparing(long, c) {
			compared++
		}
	}
	if compared != 0 {
		t.Errorf("%d candidates would be compared with a name of %d bytes, want 0", compared, len(long))
	}
	if s := envSuggestion(long); s != "" {
		t.Errorf("suggestion %q for a 14 KB name", s)
	}
	// The bound does not lose the typos it is for.
	for name, want := range map[string]string{
		"NNTRAIN_TRAIN_LEARNIG_RATE":    "NNTRAIN_TRAIN_LEARNING_RATE",
		"NNTRAIN_MODEL_LAYERS_3_UNTIS":  "NNTRAIN_MODEL_LAYERS_3_UNITS",
		"NNTRAIN_EPOCHS":                "NNTRAIN_TRAIN_EPOCHS",
		"NNTRAIN_MODEL_LAYERS_12_UNITZ": "NNTRAIN_MODEL_LAYERS_12_UNITS",
	} {
		if got := envSuggestion(name); got != want {
			t.Errorf("envSuggestion(%s) = %q, want %q", name, got, want)
		}
	}
}

// TestLongOverrideQuotedShort: an error about a 14 KB NNTRAIN_ name quotes
// its first 80 bytes and its length, not the whole name.
func TestLongOverrideQuotedShort(t *testing.T) {
	name := "NNTRAIN_" + strings.Repeat("X", 14000)
	_, err := parseEnv([]string{name + "=1"})
	if err == nil {
		t.Fatal("no error for an unknown variable")
	}
	msg := err.Error()
	if len(msg) > 300 || !strings.Contains(msg, "(14010 bytes)") || !strings.Contains(msg, "names no spec key") {
		t.Errorf("message of %d bytes: %.300q", len(msg), msg)
	}
	if got := shorten("--set a=\x1b[31m"); got != `--set a=\x1b[31m` {
		t.Errorf("shorten with a control character: got %s", got)
	}
}
