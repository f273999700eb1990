package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goodModel is a trained-looking model.json for the tiny data: features
// x1, x2; classes a, b, c.
const goodModel = `{"format": "nntrain-model/1", "features": ["x1", "x2"], "targets": ["label"], "classes": ["a", "b", "c"],
 "normalize": {"kind": "none"}, "loss": "cross_entropy",
 "layers": [
  {"in": 2, "out": 4, "activation": "tanh", "weight": [[-1, 0.5], [0.3, -2], [1, 1], [0.2, -0.3]], "bias": [0, 0.1, 0, -0.1]},
  {"in": 4, "out": 3, "activation": "softmax", "weight": [[-1, 1, 1, -1], [1, 1, 1, 0], [1, 0, 0, 0]], "bias": [0, 0, 0]}]}
`

// withColumn adds a column to a CSV text, cell(i) for data row i.
func withColumn(csv, name string, cell func(i int) string) string {
	lines := strings.Split(strings.TrimSuffix(csv, "\n"), "\n")
	lines[0] += "," + name
	for i := range lines[1:] {
		lines[i+1] += "," + cell(i)
	}
	return strings.Join(lines, "\n") + "\n"
}

// regSpecFor is a mse spec on the data at path.
func regSpecFor(path string) string {
	return "name: reg\ndata: {train: " + path + ", target: y}\nmodel:\n  layers:\n    - {units: 1, activation: linear}\nloss: mse\ntrain: {learning_rate: 0.1, epochs: 2}\noutput: {dir: run}\n"
}

// specWith is tinySpec with old replaced by new (old must occur).
func specWith(pairs ...string) string {
	s := tinySpec
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			panic("specWith: " + pairs[i] + " not in tinySpec")
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// modelWith is goodModel with old replaced by new.
func modelWith(pairs ...string) string {
	s := goodModel
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			panic("modelWith: " + pairs[i] + " not in goodModel")
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

type badCase struct {
	name  string
	files map[string]string // over the base files: spec.yaml, train.csv, model.json, new.csv
	args  []string
	env   []string
	// want are fragments of the message; the first is how stderr starts.
	want []string
	// lines is how many lines stderr may have; 0 means 1.
	lines int
}

var (
	trainSpec = []string{"train", "-q", "-c", "spec.yaml"}
	predictM  = func(m string) []string { return []string{"predict", "--model", m, "--data", "new.csv"} }
	evalData  = func(d string) []string { return []string{"eval", "--model", "model.json", "--data", d} }
	trainData = func(d string) []string { return []string{"train", "-q", "-c", "spec.yaml", "--set", "data.train=" + d} }
)

// Line numbers of tinySpec's keys, for the messages.
//
//	1 name  3 data  4 data.train  5 data.target  6 model  7 model.layers
//	8 layers[0]  9 layers[1]  10 loss  11 train  12 train.learning_rate
//	13 train.epochs  14 output  15 output.dir
func badCases(t *testing.T) []badCase {
	return []badCase{
		// --- train.class_weight against the data ---
		{name: "class_weight names a class the data lacks", files: map[string]string{"spec.yaml": specWith("  epochs: 5", "  epochs: 5\n  class_weight: {a: 2, d: 3}")},
			args: trainSpec, want: []string{"spec.yaml:14: train.class_weight.d: ", `no class "d" in column "label" of `, "train.csv", "(its classes: a, b, c)"}},
		{name: "class_weight names an integer class the data lacks", files: map[string]string{
			"spec.yaml": specWith("  epochs: 5", "  epochs: 5\n  class_weight: {10: 2}"),
			"train.csv": "x1,x2,label\n1,2,1\n2,1,2\n3,3,3\n1,1,1\n2,2,2\n3,1,3\n"},
			args: trainSpec, want: []string{"spec.yaml:14: train.class_weight.10: ", `no class "10"`, "(its classes: 1, 2, 3)"}},
		{name: "class_weight zero for every class", files: map[string]string{"spec.yaml": specWith("  epochs: 5", "  epochs: 5\n  class_weight: {a: 0, b: 0, c: 0}")},
			args: trainSpec, want: []string{"spec.yaml:14: train.class_weight: gives every training row of ", "weight 0"}},
		{name: "class_weight with a regression target", files: map[string]string{
			"spec.yaml": specWith("  target: label", "  target: y", "    - {units: 3, activation: softmax}", "    - {units: 1, activation: linear}",
				"loss: cross_entropy", "loss: mse", "  epochs: 5", "  epochs: 5\n  class_weight: balanced"),
			"train.csv": regCSV},
			args: trainSpec, want: []string{"spec.yaml:14: train.class_weight: ", `is for a class target, but column "y" of `, "is a number, so loss mse makes this regression"}},
		{name: "class_weight with a multi-label target", files: map[string]string{
			"spec.yaml": specWith("  target: label", "  target: [a, b]", "    - {units: 3, activation: softmax}", "    - {units: 2, activation: sigmoid}",
				"loss: cross_entropy", "loss: bce"),
			"train.csv": "x,a,b\n1,0,1\n2,1,1\n3,0,0\n"},
			args: append(trainSpec, "--set", "train.class_weight={1: 2}"), want: []string{"--set train.class_weight={1: 2}: train.class_weight: ", "multi-label"}},
		// --- the spec file: YAML ---
		{name: "tab indentation", files: map[string]string{"spec.yaml": "name: t\ndata:\n\ttrain: train.csv\n"},
			args: trainSpec, want: []string{"spec.yaml:3:", "tab"}},
		{name: "unclosed flow sequence", files: map[string]string{"spec.yaml": specWith("- {units: 3, activation: softmax}", "- {units: 3, activation: softmax")},
			args: trainSpec, want: []string{"spec.yaml:", "yaml"}},
		{name: "bad indentation", files: map[string]string{"spec.yaml": specWith("  target: label", "    target: label")},
			args: trainSpec, want: []string{"spec.yaml:5:"}},
		{name: "duplicate key", files: map[string]string{"spec.yaml": specWith("  epochs: 5", "  epochs: 5\n  epochs: 6")},
			args: trainSpec, want: []string{"spec.yaml:14:", "train.epochs", "duplicate", "spec.yaml:13"}},
		{name: "empty spec", files: map[string]string{"spec.yaml": ""},
			args: trainSpec, want: []string{"spec.yaml", "data.train", "required"}},
		{name: "spec is a list", files: map[string]string{"spec.yaml": "- name: x\n"},
			args: trainSpec, want: []string{"spec.yaml:1:", "mapping", "list"}},
		{name: "spec is binary garbage", files: map[string]string{"spec.yaml": "\x00\x01\x02\xff\xfe garbage \x00"},
			args: trainSpec, want: []string{"spec.yaml"}},
		{name: "spec is CSV", files: map[string]string{"spec.yaml": tinyCSV},
			args: trainSpec, want: []string{"spec.yaml:1:"}},

		// --- unknown keys, in the file, --set and the environment ---
		{name: "unknown top-level key", files: map[string]string{"spec.yaml": tinySpec + "bogus: 1\n"},
			args: trainSpec, want: []string{"spec.yaml:16:", `"bogus"`, "unknown key"}},
		{name: "misspelt key", files: map[string]string{"spec.yaml": specWith("learning_rate", "learnig_rate")},
			args: trainSpec, want: []string{"spec.yaml:12:", "learnig_rate", "learning_rate"}},
		{name: "unknown layer key", files: map[string]string{"spec.yaml": specWith("{units: 4, activation: tanh}", "{units: 4, activation: tanh, dropuot: 0.5}")},
			args: trainSpec, want: []string{"spec.yaml:8:", "dropuot", `did you mean "dropout"`}},
		{name: "unknown key through --set", args: append(trainSpec, "--set", "train.bogus=1"),
			want: []string{"--set train.bogus=1", "unknown key"}},
		{name: "misspelt key through --set", args: append(trainSpec, "--set", "train.learnig_rate=0.5"),
			want: []string{"--set train.learnig_rate=0.5", "learning_rate"}},
		{name: "unknown key through the environment", args: trainSpec, env: []string{"NNTRAIN_TRAIN_BOGUS=1"},
			want: []string{"NNTRAIN_TRAIN_BOGUS=1", "spec key"}},
		{name: "unknown environment variable with a 14 KB name", args: trainSpec, env: []string{"NNTRAIN_" + strings.Repeat("MODEL_LAYERS_1_", 1000) + "=1"},
			want: []string{"NNTRAIN_MODEL_LAYERS_1_MODEL", "names no spec key"}},
		{name: "--set without =", args: append(trainSpec, "--set", "train.epochs"),
			want: []string{"--set train.epochs", "key=value"}},
		{name: "--set with an empty key", args: append(trainSpec, "--set", "=3"),
			want: []string{"--set =3"}},

		// --- wrong types ---
		{name: "epochs is a word", files: map[string]string{"spec.yaml": specWith("epochs: 5", "epochs: three")},
			args: trainSpec, want: []string{"spec.yaml:13:", "train.epochs", "integer", `"three"`}},
		{name: "epochs is a fraction", files: map[string]string{"spec.yaml": specWith("epochs: 5", "epochs: 2.5")},
			args: trainSpec, want: []string{"spec.yaml:13:", "train.epochs", "integer", "2.5"}},
		{name: "learning rate is a list", files: map[string]string{"spec.yaml": specWith("learning_rate: 0.1", "learning_rate: [0.1]")},
			args: trainSpec, want: []string{"spec.yaml:12:", "train.learning_rate", "number"}},
		{name: "layers is a number", files: map[string]string{"spec.yaml": specWith("  layers:\n    - {units: 4, activation: tanh}\n    - {units: 3, activation: softmax}", "  layers: 5")},
			args: trainSpec, want: []string{"spec.yaml:7:", "model.layers", "list"}},
		{name: "train is a string", files: map[string]string{"spec.yaml": specWith("train:\n  learning_rate: 0.1\n  epochs: 5", "train: fast")},
			args: trainSpec, want: []string{"spec.yaml:11:", "train", "mapping"}},
		{name: "shuffle is not a bool", files: map[string]string{"spec.yaml": specWith("  target: label", "  target: label\n  shuffle: maybe")},
			args: trainSpec, want: []string{"spec.yaml:6:", "data.shuffle", `"maybe"`}},
		{name: "wrong type through --set", args: append(trainSpec, "--set", "train.epochs=x"),
			want: []string{"--set train.epochs=x", "train.epochs", "integer", `"x"`}},
		{name: "wrong type through the environment", args: trainSpec, env: []string{"NNTRAIN_TRAIN_LEARNING_RATE=fast"},
			want: []string{"NNTRAIN_TRAIN_LEARNING_RATE=fast", "train.learning_rate", "number", `"fast"`}},

		// --- values out of range ---
		{name: "units 0", files: map[string]string{"spec.yaml": specWith("units: 4", "units: 0")},
			args: trainSpec, want: []string{"spec.yaml:8:", "model.layers", "units", ">= 1", "got 0"}},
		{name: "units negative", files: map[string]string{"spec.yaml": specWith("units: 4", "units: -3")},
			args: trainSpec, want: []string{"spec.yaml:8:", "units", "-3"}},
		{name: "learning rate 0", files: map[string]string{"spec.yaml": specWith("learning_rate: 0.1", "learning_rate: 0")},
			args: trainSpec, want: []string{"spec.yaml:12:", "train.learning_rate", "> 0", "got 0"}},
		{name: "learning rate negative", files: map[string]string{"spec.yaml": specWith("learning_rate: 0.1", "learning_rate: -0.1")},
			args: trainSpec, want: []string{"spec.yaml:12:", "train.learning_rate", "> 0", "-0.1"}},
		{name: "learning rate .nan", files: map[string]string{"spec.yaml": specWith("learning_rate: 0.1", "learning_rate: .nan")},
			args: trainSpec, want: []string{"spec.yaml:12:", "train.learning_rate"}},
		{name: "learning rate .inf", files: map[string]string{"spec.yaml": specWith("learning_rate: 0.1", "learning_rate: .inf")},
			args: trainSpec, want: []string{"spec.yaml:12:", "train.learning_rate"}},
		{name: "epochs 0", files: map[string]string{"spec.yaml": specWith("epochs: 5", "epochs: 0")},
			args: trainSpec, want: []string{"spec.yaml:13:", "train.epochs", ">= 1", "got 0"}},
		{name: "epochs too big for an int", files: map[string]string{"spec.yaml": specWith("epochs: 5", "epochs: 99999999999999999999999")},
			args: trainSpec, want: []string{"spec.yaml:13:", "train.epochs"}},
		{name: "epochs past the maximum", args: append(trainSpec, "--set", "train.epochs=1000000000000000"),
			want: []string{"--set train.epochs=1000000000000000", "train.epochs", ">= 1", "<= 10000000", "got 1000000000000000"}},
		{name: "batch_size past the maximum", args: append(trainSpec, "--set", "train.batch_size=1000000000000"),
			want: []string{"--set train.batch_size=1000000000000", "train.batch_size", "<= 2147483647", "got 1000000000000"}},
		{name: "units past the maximum", args: append(trainSpec, "--set", "model.layers.0.units=3000000000"),
			want: []string{"--set model.layers.0.units=3000000000", "units", "<= 2147483647"}},
		{name: "empty value for a required key", args: append(trainSpec, "--set", "train.epochs="),
			want: []string{"--set train.epochs=: train.epochs", "required", "empty value"}},
		{name: "empty --out", args: append(trainSpec, "--out", ""),
			want: []string{"nntrain train: ", "--out", "empty"}},
		{name: "empty predict --out", args: []string{"predict", "--model", "model.json", "--data", "new.csv", "--out", ""},
			want: []string{"nntrain predict: ", "--out", "empty"}},
		{name: "validation_split 1", args: append(trainSpec, "--set", "data.validation_split=1"),
			want: []string{"--set data.validation_split=1", "[0, 1)", "got 1"}},
		{name: "validation_split negative", files: map[string]string{"spec.yaml": specWith("  target: label", "  target: label\n  validation_split: -0.2")},
			args: trainSpec, want: []string{"spec.yaml:6:", "data.validation_split", "[0, 1)", "-0.2"}},
		{name: "validation_split leaves no validation rows", args: append(trainSpec, "--set", "data.validation_split=0.01"),
			want: []string{"--set data.validation_split=0.01", "data.validation_split", "12 rows", "0 validation rows"}},
		{name: "l2 negative", files: map[string]string{"spec.yaml": specWith("  epochs: 5", "  epochs: 5\n  l2: -1")},
			args: trainSpec, want: []string{"spec.yaml:14:", "train.l2", "-1"}},
		{name: "batch_size negative", args: append(trainSpec, "--set", "train.batch_size=-4"),
			want: []string{"--set train.batch_size=-4", "train.batch_size", "-4"}},
		{name: "momentum 1.5", args: append(trainSpec, "--set", "train.optimizer=momentum", "--set", "train.momentum=1.5"),
			want: []string{"--set train.momentum=1.5", "train.momentum", "1.5"}},
		{name: "workers absurd", args: append(trainSpec, "--set", "train.workers=100000"),
			want: []string{"--set train.workers=100000", "train.workers", "100000"}},
		{name: "empty layer list", files: map[string]string{"spec.yaml": specWith("  layers:\n    - {units: 4, activation: tanh}\n    - {units: 3, activation: softmax}", "  layers: []")},
			args: trainSpec, want: []string{"spec.yaml:7:", "model.layers"}},
		{name: "early stopping patience 0", files: map[string]string{"spec.yaml": specWith("  epochs: 5", "  epochs: 5\n  early_stopping: {patience: 0}")},
			args: trainSpec, want: []string{"spec.yaml:14:", "patience", "got 0"}},

		// --- names that are not known ---
		{name: "unknown activation", files: map[string]string{"spec.yaml": specWith("activation: tanh", "activation: tanhh")},
			args: trainSpec, want: []string{"spec.yaml:8:", "activation", `"tanhh"`, "relu", `did you mean "tanh"`}},
		{name: "unknown loss", files: map[string]string{"spec.yaml": specWith("loss: cross_entropy", "loss: hinge")},
			args: trainSpec, want: []string{"spec.yaml:10:", "loss", `"hinge"`, "mse, bce, cross_entropy"}},
		{name: "unknown optimizer", files: map[string]string{"spec.yaml": specWith("  epochs: 5", "  epochs: 5\n  optimizer: adagrad")},
			args: trainSpec, want: []string{"spec.yaml:14:", "train.optimizer", `"adagrad"`, "sgd, momentum, nesterov, adam, adamw, rmsprop"}},
		{name: "unknown init", files: map[string]string{"spec.yaml": specWith("  layers:", "  init: glorot\n  layers:")},
			args: trainSpec, want: []string{"spec.yaml:7:", "model.init", `"glorot"`, "xavier"}},
		{name: "unknown normalize", args: append(trainSpec, "--set", "data.normalize=zscore"),
			want: []string{"--set data.normalize=zscore", "data.normalize", `"zscore"`, "standard"}},

		// --- a network that does not fit the loss or the data ---
		{name: "softmax on a hidden layer", files: map[string]string{"spec.yaml": specWith("activation: tanh", "activation: softmax")},
			args: trainSpec, want: []string{"spec.yaml:8:", "softmax", "output layer"}},
		{name: "mse after softmax", files: map[string]string{"spec.yaml": specWith("loss: cross_entropy", "loss: mse")},
			args: trainSpec, want: []string{"spec.yaml:10:", "loss", "softmax", `"mse"`}},
		{name: "cross_entropy after sigmoid", files: map[string]string{"spec.yaml": specWith("{units: 3, activation: softmax}", "{units: 3, activation: sigmoid}")},
			args: trainSpec, want: []string{"spec.yaml:", "cross_entropy", "sigmoid"}},
		{name: "bce on three classes", files: map[string]string{"spec.yaml": specWith("loss: cross_entropy", "loss: bce", "{units: 3, activation: softmax}", "{units: 1, activation: sigmoid}")},
			args: trainSpec, want: []string{"train.csv", "bce", "2 classes", "found 3"}},
		{name: "output units do not match the classes", files: map[string]string{"spec.yaml": specWith("{units: 3, activation: softmax}", "{units: 2, activation: softmax}")},
			args: trainSpec, want: []string{"spec.yaml:9:", "model.layers.1.units", "2 units", "3 classes", "a, b, c"}},

		{name: "a layer of 2e9 units", args: append(trainSpec, "--set", "model.layers.0.units=2000000000"),
			want: []string{"--set model.layers.0.units=2000000000: model.layers.0.units", "12,000,000,003 parameters", "GiB", "this machine's"}},
		{name: "gradcheck of a layer of 2e9 units", args: []string{"gradcheck", "-c", "spec.yaml", "--set", "model.layers.0.units=2000000000"},
			want: []string{"--set model.layers.0.units=2000000000: model.layers.0.units", "parameters", "memory"}},
		{name: "layers of 2³¹−1 units", args: append(trainSpec, "--set", "model.layers.0.units=2147483647", "--set", "model.layers.1={units: 2147483647, activation: tanh}", "--set", "model.layers.2={units: 3, activation: softmax}"),
			want: []string{"--set model.layers.0.units=2147483647: model.layers.0.units", "4,611,686,029,164,806,141 parameters", "more than 2⁶⁴ bytes"}},
		{name: "an ID column as the class target", files: map[string]string{"ids.csv": idCSV(600)}, args: append(trainData("ids.csv"), "--set", "data.target=id"),
			want: []string{`ids.csv: column "id"`, "600 distinct values in 600 rows", "ID column"}},

		// --- files that cannot be read ---
		{name: "missing spec", args: []string{"train", "-c", "nope.yaml"},
			want: []string{"nope.yaml: ", "no such file"}},
		{name: "spec is a folder", files: map[string]string{"dir/x": ""}, args: []string{"train", "-c", "dir"},
			want: []string{"dir: ", "directory"}},
		{name: "missing data file", args: trainData("nope.csv"),
			want: []string{"nope.csv: ", "no such file"}},
		{name: "data is a folder", files: map[string]string{"dir/x": ""}, args: trainData("dir"),
			want: []string{"dir: ", "directory"}},
		{name: "missing model", args: predictM("nope.json"),
			want: []string{"nope.json: ", "no such file"}},
		{name: "model is a folder", files: map[string]string{"dir/x": ""}, args: predictM("dir"),
			want: []string{"dir: ", "directory"}},
		{name: "missing predict data", args: []string{"predict", "--model", "model.json", "--data", "nope.csv"},
			want: []string{"nope.csv: ", "no such file"}},

		// --- CSV content ---
		{name: "empty CSV", files: map[string]string{"d.csv": ""}, args: trainData("d.csv"),
			want: []string{"d.csv: ", "empty"}},
		{name: "header without rows", files: map[string]string{"d.csv": "x1,x2,label\n"}, args: trainData("d.csv"),
			want: []string{"d.csv: ", "no data rows"}},
		{name: "duplicate header names", files: map[string]string{"d.csv": "x1,x1,label\n1,2,a\n"}, args: trainData("d.csv"),
			want: []string{"d.csv: line 1", `"x1"`, "duplicate", "1 and 2"}},
		{name: "empty header name", files: map[string]string{"d.csv": "x1,,label\n1,2,a\n"}, args: trainData("d.csv"),
			want: []string{"d.csv: line 1", "field 2", "empty"}},
		{name: "row with too few fields", files: map[string]string{"d.csv": "x1,x2,label\n1,2,a\n3,b\n"}, args: trainData("d.csv"),
			want: []string{"d.csv: line 3", "expected 3 fields", "found 2"}},
		{name: "row with too many fields", files: map[string]string{"d.csv": "x1,x2,label\n1,2,a\n3,4,b,9\n"}, args: trainData("d.csv"),
			want: []string{"d.csv: line 3", "expected 3 fields", "found 4"}},
		// A text cell makes a category column, an empty or NaN cell is
		// imputed; a model that reads the column as numbers refuses them.
		{name: "text in a number column of the model", files: map[string]string{"new.csv": "x2,x1\n1,2\n3,abc\n"}, args: predictM("model.json"),
			want: []string{`new.csv: line 3, column "x1"`, "not a number", `"abc"`}},
		{name: "empty cell for a format-1 model", files: map[string]string{"new.csv": "x2,x1\n1,2\n,4\n"}, args: predictM("model.json"),
			want: []string{`new.csv: line 3, column "x2"`, "missing value"}},
		{name: "NaN cell for a format-1 model", files: map[string]string{"new.csv": "x2,x1\n1,2\n3,NaN\n"}, args: predictM("model.json"),
			want: []string{`new.csv: line 3, column "x1"`, "NaN"}},
		{name: "an ID column", files: map[string]string{"d.csv": withColumn(tinyCSV, "id", func(i int) string { return fmt.Sprintf("p%03d", i) })}, args: trainData("d.csv"),
			want: []string{`d.csv: column "id"`, "12 different texts in 12 training rows", "ID", "data.exclude", "data.categorical"}},
		{name: "a column of missing cells only", files: map[string]string{"d.csv": withColumn(tinyCSV, "x3", func(i int) string { return []string{"NA", ""}[i%2] })}, args: trainData("d.csv"),
			want: []string{`d.csv: column "x3"`, "every cell", "missing", "data.exclude"}},
		{name: "a missing class label", files: map[string]string{"d.csv": strings.Replace(tinyCSV, "2,1,b", "2,1,NA", 1)}, args: trainData("d.csv"),
			want: []string{`d.csv: line 3, column "label"`, "missing class label", `"NA"`, "never dropped"}},
		{name: "a missing regression target", files: map[string]string{"spec.yaml": regSpecFor("d.csv"), "d.csv": "x,y\n1,2\n2,\n3,4\n"}, args: trainSpec,
			want: []string{`d.csv: line 3, column "y"`, "missing target value", "never dropped"}},
		{name: "a text cell in a mse target", files: map[string]string{"spec.yaml": regSpecFor("d.csv"), "d.csv": "x,y\n1,2\n2,3\n3,abc\n4,5\n"}, args: trainSpec,
			want: []string{`d.csv: line 4, column "y"`, `"abc" is not a number`, "mse"}},
		{name: "a negative sample weight", files: map[string]string{"d.csv": withColumn(tinyCSV, "w", func(i int) string { return []string{"1", "-0.5"}[min(i, 1)] })},
			args: append(trainData("d.csv"), "--set", "data.weight=w"),
			want: []string{`d.csv: line 3, column "w"`, "negative weight", `"-0.5"`}},
		{name: "a sample weight that is text", files: map[string]string{"d.csv": withColumn(tinyCSV, "w", func(i int) string { return []string{"1", "heavy"}[min(i, 1)] })},
			args: append(trainData("d.csv"), "--set", "data.weight=w"),
			want: []string{`d.csv: line 3, column "w"`, "not a number", `"heavy"`}},
		{name: "a weight column not in the file", args: append(trainSpec, "--set", "data.weight=w"),
			want: []string{"--set data.weight=w: data.weight: train.csv: ", `no column "w"`}},
		{name: "excluded column not in the file", args: append(trainSpec, "--set", "data.exclude=[zz]"),
			want: []string{"--set data.exclude=[zz]: data.exclude: train.csv: ", `no column "zz"`, "x1, x2, label"}},
		{name: "categorical column not in the file", args: append(trainSpec, "--set", "data.categorical=[x9]"),
			want: []string{"--set data.categorical=[x9]: data.categorical: train.csv: ", `no column "x9"`}},
		{name: "features and exclude overlap", args: append(trainSpec, "--set", "data.features=[x1,x2]", "--set", "data.exclude=[x2]"),
			want: []string{"--set data.exclude=[x2]: data.exclude: ", `"x2"`, "data.features"}},
		{name: "decimal comma with comma separator", args: append(trainSpec, "--set", "data.decimal=,"),
			want: []string{"--set data.decimal=,: data.decimal: ", `data.delimiter other than ","`}},
		{name: "standard normalisation overflows", files: map[string]string{"d.csv": strings.NewReplacer("1,2,a\n", "1e308,2,a\n", "2,1,b\n", "1.7e308,1,b\n", "3,3,c\n", "-1.7e308,3,c\n").Replace(tinyCSV)},
			args: append(trainData("d.csv"), "--set", "data.normalize=standard"),
			want: []string{"--set data.normalize=standard: data.normalize: d.csv: ", `column "x1"`, "overflow"}},
		{name: "unknown --delimiter", args: []string{"predict", "--model", "model.json", "--data", "new.csv", "--delimiter", ":"},
			want: []string{"nntrain predict: --delimiter", `":"`}},
		{name: "format-2 model whose features are not its columns' inputs", files: map[string]string{"m.json": modelWith(`"nntrain-model/1"`, `"nntrain-model/2"`,
			`"normalize"`, `"columns": [{"name": "x1", "kind": "number", "fill": 0}, {"name": "x3", "kind": "number"}], "normalize"`)}, args: predictM("m.json"),
			want: []string{"m.json: ", "features", "x1, x3"}},
		{name: "infinite feature", files: map[string]string{"d.csv": "x1,x2,label\n1,2,a\n-Inf,4,b\n"}, args: trainData("d.csv"),
			want: []string{`d.csv: line 3, column "x1"`, "Inf"}},
		{name: "overflowing feature", files: map[string]string{"d.csv": "x1,x2,label\n1,2,a\n1e999,4,b\n"}, args: trainData("d.csv"),
			want: []string{`d.csv: line 3, column "x1"`, "1e999"}},
		{name: "binary garbage", files: map[string]string{"d.csv": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"}, args: trainData("d.csv"),
			want: []string{"d.csv: "}},
		{name: "unterminated quote", files: map[string]string{"d.csv": "x1,x2,label\n1,2,\"a\n3,4,b\n"}, args: trainData("d.csv"),
			want: []string{"d.csv: line 2", "quote"}},
		{name: "missing target column", args: append(trainSpec, "--set", "data.target=species"),
			want: []string{"--set data.target=species: data.target: train.csv: ", `"species"`, "x1, x2, label"}},
		{name: "missing feature column", args: append(trainSpec, "--set", "data.features=[x1,x9]"),
			want: []string{"--set data.features=[x1,x9]: data.features: train.csv: ", `"x9"`, "x1, x2, label"}},
		{name: "target is also a feature", args: append(trainSpec, "--set", "data.features=[x1,label]"),
			want: []string{"--set data.features=[x1,label]", "data.features", `"label"`, "target"}},
		{name: "one class only", files: map[string]string{"d.csv": "x1,x2,label\n1,2,a\n3,4,a\n"}, args: trainData("d.csv"),
			want: []string{"d.csv: ", `column "label"`, `only the class "a"`, "at least 2"}},

		// --- model.json given to --model or --init ---
		{name: "model is not JSON", files: map[string]string{"m.json": "this is not json"}, args: predictM("m.json"),
			want: []string{"m.json: line 1, column ", "invalid JSON"}},
		{name: "model is truncated", files: map[string]string{"m.json": goodModel[:200]}, args: predictM("m.json"),
			want: []string{"m.json: ", "JSON"}},
		{name: "model is a CSV", files: map[string]string{"m.json": tinyCSV}, args: predictM("m.json"),
			want: []string{"m.json: ", "JSON"}},
		{name: "model of another format", files: map[string]string{"m.json": modelWith(`"nntrain-model/1"`, `"nntrain-model/3"`)}, args: predictM("m.json"),
			want: []string{"m.json: ", `"nntrain-model/3"`, `"nntrain-model/2"`, `"nntrain-model/1"`}},
		{name: "format-2 model without columns", files: map[string]string{"m.json": modelWith(`"nntrain-model/1"`, `"nntrain-model/2"`)}, args: predictM("m.json"),
			want: []string{"m.json: ", `"columns"`}},
		{name: "model without format", files: map[string]string{"m.json": `{"class_name": "Sequential", "config": {}}`}, args: predictM("m.json"),
			want: []string{"m.json: ", "not an nntrain model"}},
		{name: "model weight rows do not match out", files: map[string]string{"m.json": modelWith(`[[-1, 0.5], [0.3, -2], [1, 1], [0.2, -0.3]]`, `[[-1, 0.5], [0.3, -2], [1, 1]]`)},
			args: predictM("m.json"), want: []string{"m.json: ", "layers[0].weight", "3 rows", "out = 4"}},
		{name: "model weight row does not match in", files: map[string]string{"m.json": modelWith(`[[-1, 0.5], [0.3, -2]`, `[[-1, 0.5], [0.3, -2, 7]`)},
			args: predictM("m.json"), want: []string{"m.json: ", "layers[0].weight[1]", "3 values", "in = 2"}},
		{name: "model layers do not chain", files: map[string]string{"m.json": modelWith(`{"in": 4, "out": 3`, `{"in": 5, "out": 3`)},
			args: predictM("m.json"), want: []string{"m.json: ", "layers[1].in", "5", "layers[0].out"}},
		{name: "model weight is a string", files: map[string]string{"m.json": modelWith(`[[-1, 0.5]`, `[["-1", 0.5]`)},
			args: predictM("m.json"), want: []string{"m.json: line 4, column ", "weight", "expected a number", "string"}},
		{name: "model bias is short", files: map[string]string{"m.json": modelWith(`"bias": [0, 0, 0]`, `"bias": [0, 0]`)},
			args: predictM("m.json"), want: []string{"m.json: ", "layers[1].bias", "2 values", "out = 3"}},
		{name: "model unknown activation", files: map[string]string{"m.json": modelWith(`"tanh"`, `"swish"`)},
			args: predictM("m.json"), want: []string{"m.json: ", "layers[0].activation", `"swish"`}},
		{name: "model features do not match in", files: map[string]string{"m.json": modelWith(`"features": ["x1", "x2"]`, `"features": ["x1"]`)},
			args: predictM("m.json"), want: []string{"m.json: ", "layers[0].in", "1 features"}},
		{name: "model lists a class twice", files: map[string]string{"m.json": modelWith(`"classes": ["a", "b", "c"]`, `"classes": ["a", "b", "a"]`)},
			args: predictM("m.json"), want: []string{"m.json: ", "classes", `"a"`, "twice"}},
		{name: "model lists a feature twice", files: map[string]string{"m.json": modelWith(`"features": ["x1", "x2"]`, `"features": ["x1", "x1"]`)},
			args: predictM("m.json"), want: []string{"m.json: ", "features", `"x1"`, "twice"}},
		{name: "model loss does not fit softmax", files: map[string]string{"m.json": modelWith(`"loss": "cross_entropy"`, `"loss": "mse"`)},
			args: predictM("m.json"), want: []string{"m.json: ", "softmax", "cross_entropy", `"mse"`}},
		{name: "model bce on three classes", files: map[string]string{"m.json": modelWith(`"loss": "cross_entropy"`, `"loss": "bce"`, `"softmax"`, `"sigmoid"`)},
			args: predictM("m.json"), want: []string{"m.json: ", "bce", "2 classes", "3 classes"}},
		{name: "model with classes and two targets", files: map[string]string{"m.json": modelWith(`"targets": ["label"]`, `"targets": ["label", "other"]`)},
			args: predictM("m.json"), want: []string{"m.json: ", "one target", "2 targets"}},
		{name: "model is a JSON list", files: map[string]string{"m.json": "[" + goodModel + "]"}, args: predictM("m.json"),
			want: []string{"m.json: line 1, column ", "expected an object", "array"}},
		{name: "model is two JSON objects", files: map[string]string{"m.json": goodModel + goodModel}, args: predictM("m.json"),
			want: []string{"m.json: line ", "invalid JSON", "after top-level value"}},
		{name: "eval data that is UTF-16", files: map[string]string{"d.csv": "\xff\xfex\x001\x00,\x00x\x002\x00"}, args: evalData("d.csv"),
			want: []string{"d.csv: line 1", "NUL"}},
		{name: "CSV that is only a byte order mark", files: map[string]string{"d.csv": "\ufeff"}, args: trainData("d.csv"),
			want: []string{"d.csv: ", "empty"}},
		{name: "CSV with an empty class label", files: map[string]string{"d.csv": "x1,x2,label\n1,2,a\n3,4,\n5,6,b\n"}, args: trainData("d.csv"),
			want: []string{`d.csv: line 3, column "label"`, "missing"}},
		{name: "CSV separated by semicolons", files: map[string]string{"d.csv": "x1;x2;label\n1;2;a\n3;4;b\n"}, args: trainData("d.csv"),
			want: []string{"spec.yaml:3: data.delimiter: d.csv: line 1: ", `holds no "," but holds ";"`, `set the delimiter to ";"`}},
		{name: "data is the spec itself", args: trainData("spec.yaml"),
			want: []string{"spec.yaml:5: data.target: spec.yaml: ", `"label"`}},
		{name: "data is /dev/null", args: trainData("/dev/null"),
			want: []string{"/dev/null: ", "not a regular file"}},
		{name: "test data with an unseen class", files: map[string]string{"t.csv": "x1,x2,label\n1,2,a\n3,4,zebra\n"}, args: append(trainSpec, "--set", "data.test=t.csv"),
			want: []string{`t.csv: line 3, column "label"`, `"zebra"`, "a, b, c"}},
		{name: "test data without a feature", files: map[string]string{"t.csv": "x1,label\n1,a\n"}, args: append(trainSpec, "--set", "data.test=t.csv"),
			want: []string{"t.csv: ", `"x2"`}},
		{name: "layer index past the end", args: append(trainSpec, "--set", "model.layers.5.units=3"),
			want: []string{"--set model.layers.5.units=3", "past the end"}},
		{name: "a section set whole", args: append(trainSpec, "--set", "train={epochs: 3}"),
			want: []string{"--set train={epochs: 3}", "section"}},
		{name: "layer without units", args: append(trainSpec, "--set", "model.layers.0={activation: tanh}"),
			want: []string{"--set model.layers.0={activation: tanh}", "model.layers.0.units", "missing"}},
		{name: "leaky_relu alpha not a number", files: map[string]string{"spec.yaml": specWith("{units: 4, activation: tanh}", "{units: 4, activation: leaky_relu, alpha: steep}")},
			args: trainSpec, want: []string{"spec.yaml:8:", "alpha", `"steep"`}},
		{name: "seed not an integer", args: append(trainSpec, "--set", "seed=abc"),
			want: []string{"--set seed=abc", "seed", "integer"}},
		{name: "init_scale 0", args: append(trainSpec, "--set", "model.init_scale=0"),
			want: []string{"--set model.init_scale=0", "model.init_scale", "> 0"}},
		{name: "class name for a string class", args: append(trainSpec, "--set", "data.class_names={zz: Zed}"),
			want: []string{"--set data.class_names={zz: Zed}", "data.class_names", `"zz"`}},
		{name: "spec is the binary", args: []string{"train", "-c", binary},
			want: []string{binary + ": "}},
		{name: "output folder cannot be made", args: append(trainSpec, "--out", "/proc/nntrain-test"),
			want: []string{"/proc/nntrain-test: ", "cannot create"}},
		{name: "targets too large for a float64 loss", files: map[string]string{"reg.csv": "x,y\n1,1e300\n2,-1e300\n3,4\n", "reg.yaml": regSpec},
			args: []string{"train", "-q", "-c", "reg.yaml"}, want: []string{"reg.yaml: ", "first batch", "+Inf", "before any update", "reg.csv", "nothing was written"}},
		{name: "init is not JSON", files: map[string]string{"m.json": "{"}, args: append(trainSpec, "--init", "m.json"),
			want: []string{"m.json: ", "JSON"}},
		{name: "init of another format", files: map[string]string{"m.json": modelWith(`"nntrain-model/1"`, `"tf-saved-model"`)}, args: append(trainSpec, "--init", "m.json"),
			want: []string{"m.json: ", `"tf-saved-model"`}},
		{name: "init does not match the spec", args: append(trainSpec, "--init", "model.json", "--set", "model.layers.0.units=5"),
			want: []string{"model.json: ", "layers[0]", "4×2", "5×2"}},
		{name: "init has other layers", args: append(trainSpec, "--init", "model.json", "--set", "model.layers=[{units: 3, activation: softmax}]"),
			want: []string{"model.json: ", "2 layers", "1"}},
		{name: "missing init", args: append(trainSpec, "--init", "nope.json"),
			want: []string{"nope.json: ", "no such file"}},

		// --- data for predict and eval ---
		{name: "predict data lacks a feature", files: map[string]string{"d.csv": "x1,label\n1,a\n"}, args: []string{"predict", "--model", "model.json", "--data", "d.csv"},
			want: []string{"d.csv: ", `"x2"`, "x1, label"}},
		{name: "predict data has a bad value", files: map[string]string{"d.csv": "x1,x2\n1,2\n1,x\n"}, args: []string{"predict", "--model", "model.json", "--data", "d.csv"},
			want: []string{`d.csv: line 3, column "x2"`, `"x"`}},
		{name: "eval data with an unseen class", files: map[string]string{"d.csv": "x1,x2,label\n1,2,a\n3,4,zebra\n"}, args: evalData("d.csv"),
			want: []string{`d.csv: line 3, column "label"`, `"zebra"`, "a, b, c"}},
		{name: "eval of a model whose outputs are NaN", files: map[string]string{"model.json": nanModel}, args: evalData("train.csv"),
			want: []string{"model.json: ", "NaN or infinite for 12 of the 12 rows of train.csv", "overflow"}},
		{name: "eval data without the target", files: map[string]string{"d.csv": "x1,x2\n1,2\n"}, args: evalData("d.csv"),
			want: []string{"d.csv: ", `"label"`}},

		// --- the command line ---
		{name: "unknown flag", args: append(trainSpec, "--bogus"),
			want: []string{"nntrain train: ", "--bogus"}},
		{name: "missing --config", args: []string{"train"},
			want: []string{"nntrain train: ", "--config"}},
		{name: "missing --model", args: []string{"predict", "--data", "new.csv"},
			want: []string{"nntrain predict: ", "--model"}},
		{name: "missing --data", args: []string{"eval", "--model", "model.json"},
			want: []string{"nntrain eval: ", "--data"}},
		{name: "extra argument", args: append(trainSpec, "extra"),
			want: []string{"nntrain train: ", `"extra"`}},
		{name: "spec given as an argument", args: []string{"train", "spec.yaml"},
			want: []string{"nntrain train: ", `"spec.yaml"`, "did you mean --config spec.yaml?"}},
		{name: "flag without its value", args: []string{"predict", "--data", "new.csv", "--model"},
			want: []string{"nntrain predict: ", "--model"}},
		{name: "unknown command", args: []string{"trian"},
			want: []string{"nntrain: ", `"trian"`, "train"}, lines: 6},
		{name: "output folder is a file", files: map[string]string{"run": "a file"}, args: trainSpec,
			want: []string{"run: ", "is a file"}},
		{name: "output folder under a file", files: map[string]string{"f": "a file"}, args: append(trainSpec, "--out", "f/run"),
			want: []string{"f/run: ", "f is a file"}},
		{name: "predict --out is a folder", files: map[string]string{"dir/x": ""}, args: []string{"predict", "--model", "model.json", "--data", "new.csv", "--out", "dir"},
			want: []string{"dir: ", "is a folder"}},
		{name: "fail-under without =", args: append(trainSpec, "--fail-under", "validation.accuracy"),
			want: []string{"nntrain train: ", "--fail-under", "KEY=VALUE"}},
		{name: "fail-under not a number", args: append(trainSpec, "--fail-under", "train.accuracy=high"),
			want: []string{"nntrain train: ", "--fail-under", `"high"`, "number"}},
		{name: "fail-under unknown key path", args: append(trainSpec, "--fail-under", "train.acuracy=0.5"),
			want: []string{"nntrain train: ", "--fail-under train.acuracy", `"acuracy"`, "accuracy"}},
		{name: "fail-under missing split", args: append(trainSpec, "--fail-under", "validation.accuracy=0.5"),
			want: []string{"nntrain train: ", "--fail-under validation.accuracy", `no split "validation"`, "train"}},
		{name: "gradcheck --rows 0", args: []string{"gradcheck", "-c", "spec.yaml", "--rows", "0"},
			want: []string{"nntrain gradcheck: ", "--rows"}},
		{name: "params with a bad spec", args: []string{"params", "-c", "spec.yaml", "--set", "model.layers.0.units=0"},
			want: []string{"--set model.layers.0.units=0", "units"}},
	}
}

// TestBadInput runs the real binary on each bad input: exit status 2, one
// message that starts with what is at fault and says what was expected and
// found, nothing on stdout, no Go stack trace.
func TestBadInput(t *testing.T) {
	for _, c := range badCases(t) {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV, "model.json": goodModel, "new.csv": "x2,x1\n1,2\n3,4\n"}
			for n, s := range c.files {
				files[n] = s
			}
			writeFiles(t, dir, files)
			r := nntrainIn(t, dir, c.env, c.args...)
			t.Logf("exit %d: %s", r.code, r.err)
			if r.code != exitBadInput {
				t.Errorf("got exit %d, want %d\nstderr: %s", r.code, exitBadInput, r.err)
			}
			if !strings.HasPrefix(r.err, c.want[0]) {
				t.Errorf("stderr starts %q, want %q", firstLine(r.err), c.want[0])
			}
			for _, w := range c.want[1:] {
				if !strings.Contains(r.err, w) {
					t.Errorf("message lacks %q:\n%s", w, r.err)
				}
			}
			lines := c.lines
			if lines == 0 {
				lines = 1
			}
			if n := strings.Count(strings.TrimRight(r.err, "\n"), "\n") + 1; n > lines {
				t.Errorf("got %d lines on stderr, want %d:\n%s", n, lines, r.err)
			}
			if r.out != "" {
				t.Errorf("stdout: got %q, want nothing", r.out)
			}
			noStackTrace(t, r.err)
			if _, err := os.Stat(filepath.Join(dir, "run", "model.json")); err == nil {
				t.Errorf("run/model.json was written")
			}
		})
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// TestRealWorldFilesAccepted trains on files as spreadsheets and other
// tools write them: a UTF-8 byte order mark, CRLF line ends, quoted fields
// holding commas and quotes, spaces after commas.
func TestRealWorldFilesAccepted(t *testing.T) {
	for _, c := range []struct {
		name, csv string
		spec      string
	}{
		{"BOM", "\ufeff" + tinyCSV, tinySpec},
		{"CRLF", strings.ReplaceAll(tinyCSV, "\n", "\r\n"), tinySpec},
		{"BOM and CRLF in the spec too", strings.ReplaceAll("\ufeff"+tinyCSV, "\n", "\r\n"), "\ufeff" + strings.ReplaceAll(tinySpec, "\n", "\r\n")},
		{"quoted fields with commas and quotes", strings.NewReplacer(",a\n", ",\"a, \"\"the first\"\"\"\n", "x1,x2,label", `"x1","x2","label"`).Replace(tinyCSV), tinySpec},
		{"spaces after commas", strings.ReplaceAll(tinyCSV, ",", ", "), tinySpec},
		{"no newline at the end", strings.TrimSuffix(tinyCSV, "\n"), tinySpec},
		{"blank line at the end", tinyCSV + "\n", tinySpec},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"spec.yaml": c.spec, "train.csv": c.csv})
			r := nntrainIn(t, dir, nil, "train", "-q", "-c", "spec.yaml", "--json")
			if r.code != 0 {
				t.Fatalf("got exit %d, want 0\n%s", r.code, r.err)
			}
			m, err := os.ReadFile(filepath.Join(dir, "run", "model.json"))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{`"x1"`, `"x2"`, `"label"`} {
				if !strings.Contains(string(m), want) {
					t.Errorf("model.json lacks %s", want)
				}
			}
			if strings.Contains(c.name, "quoted") && !strings.Contains(string(m), `"a, \"the first\""`) {
				t.Errorf("model.json lacks the class %q:\n%s", `a, "the first"`, m)
			}
		})
	}
}

// idCSV is n rows whose "id" column is distinct in every row.
func idCSV(n int) string {
	var b strings.Builder
	b.WriteString("x1,x2,id\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,%d,user%d\n", i%7, i%11, i)
	}
	return b.String()
}

// TestParamsHugeCounts: params counts without allocating, so a spec far too
// large to train still prints its exact size (past 2⁶³ here).
func TestParamsHugeCounts(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"spec.yaml": tinySpec, "train.csv": tinyCSV})
	r := nntrainIn(t, dir, nil, "params", "-c", "spec.yaml", "--json", "--set", "model.layers.0.units=2147483647",
		"--set", "model.layers.1={units: 2147483647, activation: tanh}", "--set", "model.layers.2={units: 2147483647, activation: softmax}")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.err)
	}
	// 2·n + n + 2·(n² + n), n = 2³¹−1
	if want := `"total":9223372039002259453}`; !strings.Contains(r.out, want) {
		t.Errorf("got %s, want the total %s", r.out, want)
	}
}

// nanModel is goodModel with weights so large that relu passes +Inf on and
// the next layer makes Inf − Inf = NaN of every output.
var nanModel = modelWith(`"tanh"`, `"relu"`, `[[-1, 0.5], [0.3, -2], [1, 1], [0.2, -0.3]]`, `[[1e308, 1e308], [1e308, 1e308], [1, 1], [0.2, -0.3]]`)

// TestPredictNaNOutputs: predict still writes a row per input row, but a
// row whose outputs are NaN gets no class, and stderr says how many.
func TestPredictNaNOutputs(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"model.json": nanModel, "new.csv": "x1,x2\n1,2\n3,4\n"})
	r := nntrainIn(t, dir, nil, "predict", "--model", "model.json", "--data", "new.csv")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.err)
	}
	if !strings.Contains(r.err, "warning") || !strings.Contains(r.err, "NaN or infinite for 2 of the 2 rows") {
		t.Errorf("stderr lacks the warning: %q", r.err)
	}
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want a header and 2 rows:\n%s", len(lines), r.out)
	}
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, ",NaN") {
			t.Errorf("row %q: want an empty class and NaN probabilities", l)
		}
	}
}
