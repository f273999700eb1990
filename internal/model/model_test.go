package model

import (
	"strings"
	"testing"
)

// Models a reader must refuse with one clear line.
func TestReadRejects(t *testing.T) {
	layer := `"layers":[{"in":1,"out":2,"activation":"softmax","weight":[[1],[2]],"bias":[0,0]}]`
	for _, tc := range []struct {
		name, json, want string
	}{
		// predict indexed into an empty class list and panicked (issue 14).
		{"empty classes", `{"format":"nntrain-model/1","features":["x"],"targets":["y"],"classes":[],"loss":"cross_entropy",` + layer + `}`,
			`"classes" is an empty list`},
		{"one class", `{"format":"nntrain-model/1","features":["x"],"targets":["y"],"classes":["a"],"loss":"cross_entropy",` + layer + `}`,
			"at least 2 classes"},
		{"unknown loss", `{"format":"nntrain-model/1","features":["x"],"targets":["y"],"loss":"hinge",` + layer + `}`,
			`loss "hinge"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Read([]byte(tc.json))
			if err == nil || m != nil {
				t.Fatalf("got model %v, error %v; want an error", m, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %q, want it to say %q", err, tc.want)
			}
		})
	}
}
