package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/nntrain/nntrain/internal/export/onnxpb"
)

// exportDir is a folder with a format-1 model.json (two classes, one
// sigmoid unit) and a file named "file".
func exportDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "fixtures", "bce_no_yes_first_momentum_batch10", "init.json"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"model.json": string(b), "file": "x", "bad.json": `{"format": "nntrain-model/1", "layers": [`})
	return dir
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		names = append(names, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestExportWrites(t *testing.T) {
	dir := exportDir(t)
	for _, c := range []struct {
		args []string
		file string
		elem onnxpb.TensorProto_DataType
	}{
		{[]string{"--format", "onnx", "--out", "m.onnx"}, "m.onnx", onnxpb.TensorProto_FLOAT},
		{[]string{"-f", "onnx", "-o", "sub/m64.onnx", "--precision", "float64"}, "sub/m64.onnx", onnxpb.TensorProto_DOUBLE},
		{[]string{"--out", "by-extension.onnx"}, "by-extension.onnx", onnxpb.TensorProto_FLOAT},
		{[]string{"--format", "safetensors", "--out", "m.safetensors"}, "m.safetensors", 0},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			r := nntrainIn(t, dir, nil, append([]string{"export", "--model", "model.json"}, c.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.err)
			}
			b, err := os.ReadFile(filepath.Join(dir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			if c.elem == 0 {
				if !strings.Contains(string(b[8:]), `"layers.1.weight":{"dtype":"F32","shape":[1,4]`) {
					t.Errorf("safetensors header: %.200s", b[8:])
				}
				return
			}
			var mp onnxpb.ModelProto
			if err := proto.Unmarshal(b, &mp); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, in := range mp.GetGraph().GetInput() {
				names = append(names, in.GetName())
				if e := in.GetType().GetTensorType().GetElemType(); e != int32(c.elem) {
					t.Errorf("input %s has type %d, want %d", in.GetName(), e, c.elem)
				}
			}
			if !slices.Equal(names, []string{"x1", "x2", "x3"}) {
				t.Errorf("inputs %v, want the model's features", names)
			}
		})
	}
}

// TestExportFormat2: the graph of a format-2 model takes its source
// columns, strings for the categories, not the one-hot inputs.
func TestExportFormat2(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "fixtures2", "tabular_onehot_mean_ce_sgd_batch10", "init.json"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"model.json": string(b)})
	if r := nntrainIn(t, dir, nil, "export", "--model", "model.json", "--out", "m.onnx", "--precision", "float64"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	b, err = os.ReadFile(filepath.Join(dir, "m.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	var mp onnxpb.ModelProto
	if err := proto.Unmarshal(b, &mp); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range mp.GetGraph().GetInput() {
		got = append(got, in.GetName()+":"+onnxpb.TensorProto_DataType(in.GetType().GetTensorType().GetElemType()).String())
	}
	if want := []string{"x1:DOUBLE", "colour:STRING", "grade:STRING", "x2:DOUBLE"}; !slices.Equal(got, want) {
		t.Errorf("inputs %v, want %v", got, want)
	}
}

// TestExportErrors: each bad use is exit 2 with one line naming what is
// wrong, and leaves the folder as it was (an earlier export included).
func TestExportErrors(t *testing.T) {
	dir := exportDir(t)
	if r := nntrainIn(t, dir, nil, "export", "--model", "model.json", "--format", "onnx", "--out", "old.onnx"); r.code != 0 {
		t.Fatal(r.err)
	}
	old, _ := os.ReadFile(filepath.Join(dir, "old.onnx"))
	if err := os.Symlink("model.json", filepath.Join(dir, "link.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder"), 0o755); err != nil {
		t.Fatal(err)
	}
	before := listDir(t, dir)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no model", []string{"--format", "onnx", "--out", "x.onnx"}, "--model is required"},
		{"no out", []string{"--model", "model.json", "--format", "onnx"}, "--out is required"},
		{"no format, unknown extension", []string{"--model", "model.json", "--out", "x.bin"}, "--format is required"},
		{"unknown format", []string{"--model", "model.json", "--format", "tflite", "--out", "x.onnx"}, `unknown format "tflite" (want onnx or safetensors)`},
		{"unknown precision", []string{"--model", "model.json", "--format", "onnx", "--precision", "float16", "--out", "x.onnx"}, `unknown precision "float16"`},
		{"missing model", []string{"--model", "none.json", "--format", "onnx", "--out", "x.onnx"}, "none.json: cannot read"},
		{"broken model", []string{"--model", "bad.json", "--format", "onnx", "--out", "old.onnx"}, "bad.json: line 1"},
		{"out is the model", []string{"--model", "model.json", "--format", "onnx", "--out", "model.json"}, "--out is the model file itself"},
		{"out is the model by a link", []string{"--model", "model.json", "--format", "onnx", "--out", "link.json"}, "--out is the model file itself"},
		{"out is the model by another path", []string{"--model", "model.json", "--format", "onnx", "--out", "folder/../model.json"}, "--out is the model file itself"},
		{"out under a file", []string{"--model", "model.json", "--format", "onnx", "--out", "file/x.onnx"}, "file: is a file"},
		{"out is a folder", []string{"--model", "model.json", "--format", "onnx", "--out", "folder"}, "is a folder"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := nntrainIn(t, dir, nil, append([]string{"export"}, c.args...)...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2\n%s", r.code, r.err)
			}
			if !strings.Contains(r.err, c.want) || strings.Count(strings.TrimSpace(r.err), "\n") > 0 {
				t.Errorf("stderr %q, want one line containing %q", r.err, c.want)
			}
			noStackTrace(t, r.err)
			if after := listDir(t, dir); !slices.Equal(after, before) {
				t.Errorf("the folder changed: %v, was %v", after, before)
			}
			if b, _ := os.ReadFile(filepath.Join(dir, "old.onnx")); string(b) != string(old) {
				t.Error("old.onnx was changed")
			}
		})
	}
}
