package spec

import (
	"reflect"
	"testing"
)

func TestClassWeight(t *testing.T) {
	cw := "  batch_size: 8\n  class_weight: "
	for _, tt := range []struct {
		name string
		text string
		sets []string
		env  []string
		want *ClassWeight
	}{
		{"not given", base, nil, nil, nil},
		{"balanced", edit(t, "  batch_size: 8", cw+"balanced"), nil, nil, &ClassWeight{Balanced: true}},
		{"map", edit(t, "  batch_size: 8", cw+"{10: 3.0, cat: 2, \"7\": 0}"), nil, nil,
			&ClassWeight{Weights: map[string]float64{"10": 3, "cat": 2, "7": 0}, Classes: []string{"10", "cat", "7"}}},
		{"block map", edit(t, "  batch_size: 8", cw+"\n    yes: 5\n    no: 0.5"), nil, nil,
			&ClassWeight{Weights: map[string]float64{"yes": 5, "no": 0.5}, Classes: []string{"yes", "no"}}},
		{"set balanced", base, []string{"train.class_weight=balanced"}, nil, &ClassWeight{Balanced: true}},
		{"set map over balanced", edit(t, "  batch_size: 8", cw+"balanced"), []string{"train.class_weight={a: 2}"}, nil,
			&ClassWeight{Weights: map[string]float64{"a": 2}, Classes: []string{"a"}}},
		{"env", base, nil, []string{"NNTRAIN_TRAIN_CLASS_WEIGHT=balanced"}, &ClassWeight{Balanced: true}},
		{"null is not given", edit(t, "  batch_size: 8", cw+"~"), nil, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("t.yaml", []byte(tt.text), tt.sets, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s.Train.ClassWeight, tt.want) {
				t.Errorf("got %+v, want %+v", s.Train.ClassWeight, tt.want)
			}
		})
	}
}

func TestClassWeightErrors(t *testing.T) {
	cw := "  batch_size: 8\n  class_weight: "
	runErrCases(t, []errCase{
		{"typo", edit(t, "  batch_size: 8", cw+"balancd"), nil, nil,
			[]string{`t.yaml:21: train.class_weight: must be balanced or a mapping {class: weight, ...}, got "balancd" (did you mean "balanced"?)`}},
		{"list", edit(t, "  batch_size: 8", cw+"[1, 2]"), nil, nil,
			[]string{`t.yaml:21: train.class_weight: expected balanced or a mapping from class names to weights, got a list`}},
		{"text weight", edit(t, "  batch_size: 8", cw+"{a: heavy}"), nil, nil,
			[]string{`t.yaml:21: train.class_weight.a: a class weight must be a number, got "heavy"`}},
		{"negative weight", edit(t, "  batch_size: 8", cw+"\n    a: 1\n    b: -2"), nil, nil,
			[]string{`t.yaml:23: train.class_weight.b: a class weight must be a finite number >= 0, got -2`}},
		{"nan weight", edit(t, "  batch_size: 8", cw+"{a: .nan}"), nil, nil,
			[]string{`t.yaml:21: train.class_weight.a: a class weight must be a finite number >= 0`}},
		{"duplicate class", edit(t, "  batch_size: 8", cw+"\n    a: 1\n    a: 2"), nil, nil,
			[]string{`t.yaml:23: train.class_weight.a: duplicate class (first at t.yaml:22)`}},
		{"empty map", edit(t, "  batch_size: 8", cw+"{}"), nil, nil,
			[]string{`t.yaml:21: train.class_weight: names no class`}},
		{"multi-label", edit(t, "  target: label", "  target: [a, b]", "loss: cross_entropy", "loss: bce",
			"      activation: softmax", "      activation: sigmoid", "  batch_size: 8", cw+"balanced"), nil, nil,
			[]string{`t.yaml:21: train.class_weight: is for a class target, but bce with 2 target columns is multi-label classification`}},
		{"regression", edit(t, "  target: label", "  target: [a, b]", "loss: cross_entropy", "loss: mse",
			"      activation: softmax", "      activation: linear"), []string{"train.class_weight=balanced"}, nil,
			[]string{`--set train.class_weight=balanced: train.class_weight: is for a class target, but mse with 2 target columns is regression`}},
		{"set a class", base, []string{"train.class_weight.a=2"}, nil,
			[]string{`--set train.class_weight.a=2: unknown key "train.class_weight.a"`}},
	})
}
