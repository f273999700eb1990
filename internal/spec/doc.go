// Package spec reads, layers and validates an nntrain training spec.
//
// A spec is one YAML file (see CONTRACT.md, "Spec (YAML)"). Load parses it
// into a yaml.v3 node tree, applies overrides from the environment
// (NNTRAIN_<DOTTED_PATH_WITH_UNDERSCORES>) and then from --set key=value
// flags, so that --set beats the environment and the environment beats the
// file, and only then decodes the tree. Because overrides are applied to the
// tree before decoding, every error can say where the bad value came from:
// the spec file and line for the file's own keys, the flag or the variable
// for an override:
//
//	iris.yaml:7: unknown key "leraning_rate" in train (did you mean "learning_rate"?)
//	iris.yaml:12: train.learning_rate: must be > 0, got -0.1
//	--set train.epochs=abc: train.epochs: expected an integer, got "abc"
//	NNTRAIN_TRAIN_EPOCHS=0: train.epochs: must be >= 1 and <= 10000000, got 0
//
// Unknown keys are errors in all three sources. After Load the spec is
// valid and complete: defaults are filled in and data and output paths are
// resolved against the directory of the spec file.
//
// Defaults: name is the spec file's base name without its extension; seed
// is 0, which means the seed 0 (not "random"); data.shuffle true;
// data.normalize "none"; data.validation_split 0; model.init "normal";
// model.init_scale 0.01; leaky_relu alpha 0.01; train.optimizer "sgd";
// train.momentum 0.9; train.batch_size 0 (the whole training set);
// train.l2 0; train.workers 0 (the number of CPUs); train.precision float64; output.dir
// "runs/<name>" next to the spec file. data.train, data.target, model.layers
// (each with units and activation), loss, train.learning_rate and
// train.epochs are required.
//
// An override's key is a dotted path from Keys with list indexes and class
// labels filled in (model.layers.0.units, data.class_names.3); its value is
// parsed as YAML, so it may be a flow list or mapping
// (--set data.target=[a,b], --set model.layers.2={units: 3, activation:
// softmax}). The index one past the last layer appends a layer. The
// variable for a key is EnvName(key): NNTRAIN_MODEL_LAYERS_0_UNITS.
// train.class_weight is set whole (--set train.class_weight=balanced,
// --set 'train.class_weight={yes: 5}'): class names are free text, so they
// are not key segments.
//
// YAML anchors and aliases work, and an override changes only the place it
// names even when that place is shared through an alias. Merge keys (<<) are
// rejected: a spec is small enough to write out.
//
// A YAML null (`key:` with no value, `~`, or an empty --set value) means
// "not given" and leaves the default in place; an empty NNTRAIN_ variable is
// ignored, as shells make it easy to leave one set but empty.
//
// The package imports none of nntrain's other packages.
package spec
