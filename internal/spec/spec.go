package spec

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Spec is a loaded, valid training spec with every default filled in.
type Spec struct {
	Name   string
	Seed   int64 // 0 when not given, meaning the seed 0
	Data   Data
	Model  Model
	Loss   string // mse | bce | cross_entropy
	Train  Train
	Output Output

	File string // path of the spec file as given to Load
	Dir  string // directory of the spec file; relative paths resolve against it

	pos map[string]pos // where each given key came from
}

// Data says which rows and columns to train on.
type Data struct {
	Train, Test     string            // resolved against Dir; Test "" when not given
	Target          []string          // the YAML takes a string or a list
	ClassNames      map[string]string // integer class label in decimal ("3") -> name; nil when not given
	Features        []string          // nil: every column that is not a target
	ValidationSplit float64           // in [0, 1)
	Shuffle         bool              // default true
	Normalize       string            // none | standard | minmax

	// The tabular columns.
	Exclude     []string // never inputs
	Categorical []string // categories even when every value is a number
	Missing     []string // cell texts that mean missing; default DefaultMissing
	Impute      Impute
	Delimiter   byte   // ',' (default) ';' '\t' '|'
	Decimal     byte   // '.' (default) or ','
	Weight      string // the column of per-row sample weights, or ""
}

// Impute names how missing cells are filled.
type Impute struct {
	Number   string // mean (default) | median | zero | error
	Category string // most_frequent (default) | missing | error
}

// DefaultMissing is data.missing when the spec does not set it.
var DefaultMissing = []string{"", "NA", "N/A", "NaN", "nan", "NULL", "null"}

// Model is the network's shape and initialisation.
type Model struct {
	Init      string  // normal | xavier | he | zeros; default normal
	InitScale float64 // default 0.01
	Layers    []Layer // at least one
}

// Layer is one dense layer.
type Layer struct {
	Units      int
	Activation string  // linear | sigmoid | tanh | relu | leaky_relu | softmax
	Alpha      float64 // leaky_relu slope, default 0.01; 0 for other activations
	Dropout    float64 // in [0, 1), default 0; hidden layers only
}

// Train holds the optimiser and loop settings.
type Train struct {
	Optimizer     string     // sgd | momentum | nesterov | adam | adamw | rmsprop; default sgd
	LearningRate  float64    // > 0
	Momentum      float64    // momentum, nesterov: in [0, 1); default 0.9
	Betas         [2]float64 // adam, adamw: each in [0, 1); default 0.9, 0.999
	Eps           float64    // adam, adamw, rmsprop: > 0; default 1e-8
	WeightDecay   float64    // adamw: >= 0; default 0.01
	Alpha         float64    // rmsprop: in [0, 1); default 0.99
	ClipNorm      float64    // >= 0; 0 = no clipping
	Schedule      *Schedule  // nil: the same learning rate every epoch
	Epochs        int        // >= 1
	BatchSize     int        // 0 = the whole training set
	L2            float64    // >= 0
	EarlyStopping *EarlyStopping
	Workers       int          // 0 = number of CPUs
	ClassWeight   *ClassWeight // nil when not given
	// CheckpointEvery is how many epochs pass between two checkpoints in
	// the run folder; 0 writes none. Default 1.
	CheckpointEvery int
	// Precision is the element type training and the model compute in:
	// float64 (default) or float32.
	Precision string
}

// ClassWeight is train.class_weight: each class's factor in the row weights
// of the loss. Either Balanced (w_c = n / (K·n_c) over the training rows) or
// the given Weights, classes not listed getting 1.
type ClassWeight struct {
	Balanced bool
	Weights  map[string]float64 // class name as in the data → weight ≥ 0
	Classes  []string           // the keys of Weights in the order written
}

// EarlyStopping stops training when the monitored figure has not improved
// by more than MinDelta for Patience epochs.
type EarlyStopping struct {
	Patience int     // >= 1
	MinDelta float64 // >= 0
	Monitor  string  // val_loss (default) | val_accuracy | val_r2
}

// Schedule is a learning-rate schedule; only the keys of its Kind are set,
// the others are 0.
type Schedule struct {
	Kind      string  // step | exponential | cosine | plateau
	StepSize  int     // step: >= 1, required
	Gamma     float64 // step (default 0.1), exponential (required): > 0
	TMax      int     // cosine: >= 1, default train.epochs
	EtaMin    float64 // cosine: >= 0, default 0
	Factor    float64 // plateau: in (0, 1), default 0.1
	Patience  int     // plateau: >= 0, default 10
	Threshold float64 // plateau: >= 0, default 1e-4
	MinLR     float64 // plateau: >= 0, default 0
}

// Output says where a run's files go.
type Output struct {
	Dir string // default runs/<name>, resolved against the spec's Dir
}

// Accepted values of the enumerated keys.
var (
	Activations     = []string{"linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"}
	Losses          = []string{"mse", "bce", "cross_entropy"}
	Optimizers      = []string{"sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop"}
	Schedules       = []string{"step", "exponential", "cosine", "plateau"}
	Monitors        = []string{"val_loss", "val_accuracy", "val_r2"}
	Precisions      = []string{"float64", "float32"}
	Inits           = []string{"normal", "xavier", "he", "zeros"}
	Normalizers     = []string{"none", "standard", "minmax"}
	NumberImputes   = []string{"mean", "median", "zero", "error"}
	CategoryImputes = []string{"most_frequent", "missing", "error"}
	Delimiters      = []string{",", ";", "\t", "|"}
	Decimals        = []string{".", ","}
)

// MaxWorkers bounds train.workers; more is almost surely a typo.
const MaxWorkers = 256

// MaxEpochs bounds train.epochs. cost.csv holds a row per epoch (about 40
// bytes), so ten million epochs already make a 400 MB file; more is a typo
// or a run no one will wait for. The other counts (units, batch_size,
// patience) stop at 2³¹−1: a batch larger than the training rows is the
// whole set, and the size of a network is checked against the machine's
// memory before anything is allocated.
const MaxEpochs = 10_000_000

// Load reads the spec file at path, applies the overrides, validates it and
// fills in the defaults. sets are --set key=value strings in command-line
// order; env is an os.Environ()-style list of which only NNTRAIN_ variables
// are used. Precedence: --set over environment over file. The error, when
// there is one, is an *Error naming the file and line or the override.
func Load(path string, sets []string, env []string) (*Spec, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, &Error{File: path, Msg: "is a directory, not a spec file (YAML)"}
	} else if err == nil && !fi.Mode().IsRegular() {
		// /dev/zero would be read until the memory runs out, a FIFO
		// without a writer blocks: as for data files, only a regular file.
		return nil, &Error{File: path, Msg: "is not a regular file (a device, FIFO or socket); give a spec file (YAML)"}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is already in the message
		}
		return nil, &Error{File: path, Msg: "cannot read: " + err.Error()}
	}
	return Parse(path, data, sets, env)
}

// Parse is Load for spec bytes already read; path is used for messages, for
// the default name and to resolve relative paths.
func Parse(path string, data []byte, sets []string, env []string) (*Spec, error) {
	t, err := parseFile(path, data)
	if err != nil {
		return nil, err
	}
	envs, err := parseEnv(env)
	if err != nil {
		return nil, err
	}
	flags, err := parseSets(sets)
	if err != nil {
		return nil, err
	}
	for _, o := range append(envs, flags...) {
		if err := t.apply(o); err != nil {
			return nil, err
		}
	}
	d := &decoder{t: t, vals: map[string]value{}}
	if err := d.node(root, "", t.root, pos{file: path}); err != nil {
		return nil, err
	}
	return d.build(path)
}

// Where returns where a key's value came from: "FILE:LINE", the override
// ("--set k=v"), or, for a key left to its default, the position of the
// nearest enclosing key that was given (or just the file).
func (s *Spec) Where(key string) string { return s.at(key).String() }

// Errorf returns an *Error about key positioned like Where, for mistakes
// found after loading (a target column missing from the data, say):
//
//	iris.yaml:5: data.target: no column "specis" in data/iris.csv
func (s *Spec) Errorf(key, format string, args ...any) error {
	return s.at(key).errorf(key, format, args...)
}

func (s *Spec) at(key string) pos { return lookupPos(s.pos, s.File, key) }

func lookupPos(m map[string]pos, file, key string) pos {
	for k := key; ; {
		if p, ok := m[k]; ok && (p.line > 0 || p.source != "") {
			return p
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			return pos{file: file}
		}
		k = k[:i]
	}
}

// Accessors over the decoded values; ok is false when the key was not given.

func (d *decoder) str(key string) (string, bool) { v, ok := d.vals[key].v.(string); return v, ok }
func (d *decoder) strs(key string) ([]string, bool) {
	v, ok := d.vals[key].v.([]string)
	return v, ok
}
func (d *decoder) intVal(key string) (int64, bool) { v, ok := d.vals[key].v.(int64); return v, ok }
func (d *decoder) floatVal(key string) (float64, bool) {
	v, ok := d.vals[key].v.(float64)
	return v, ok
}
func (d *decoder) boolVal(key string) (bool, bool)      { v, ok := d.vals[key].v.(bool); return v, ok }
func (d *decoder) has(key string) bool                  { _, ok := d.vals[key]; return ok }
func (d *decoder) at(key string) pos                    { return lookupPos(d.posMap(), d.t.file, key) }
func (d *decoder) errorf(key, f string, a ...any) error { return d.at(key).errorf(key, f, a...) }

func (d *decoder) posMap() map[string]pos {
	m := make(map[string]pos, len(d.vals))
	for k, v := range d.vals {
		m[k] = v.pos
	}
	return m
}

func (d *decoder) required(key string) error {
	if d.has(key) {
		return nil
	}
	if p, ok := d.nulled[key]; ok {
		// --set train.epochs= : the override emptied it, so it is at fault.
		return p.errorf(key, "required key is missing: the override's empty value means \"not given\"")
	}
	return d.errorf(key, "required key is missing")
}

func (d *decoder) oneOf(key string, v string, allowed []string) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	msg := fmt.Sprintf("must be one of %s, got %q", strings.Join(allowed, ", "), v)
	if s := suggest(v, allowed); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return d.errorf(key, "%s", msg)
}

// intIn reads an integer key with a default and checks lo <= v <= hi.
func (d *decoder) intIn(key string, def, lo, hi int64, rule string) (int, error) {
	v, ok := d.intVal(key)
	if !ok {
		return int(def), nil
	}
	if v < lo || v > hi {
		// rule states the lower end (and what it means); the upper one is
		// stated too, so that a value past it says what is accepted.
		r, note, _ := strings.Cut(rule, " (")
		if note != "" {
			note = " (" + note
		}
		return 0, d.errorf(key, "must be %s and <= %d%s, got %d", r, hi, note, v)
	}
	return int(v), nil
}

// floatIn reads a number key with a default and checks it with ok.
func (d *decoder) floatIn(key string, def float64, good func(float64) bool, rule string) (float64, error) {
	v, given := d.floatVal(key)
	if !given {
		return def, nil
	}
	if !good(v) {
		return 0, d.errorf(key, "must be %s, got %s", rule, strconv.FormatFloat(v, 'g', -1, 64))
	}
	return v, nil
}

func nonEmpty(d *decoder, key, v string) error {
	if strings.TrimSpace(v) == "" {
		return d.errorf(key, "must not be empty")
	}
	return nil
}

func resolvePath(dir, p string) string {
	if p == "-" {
		return p // standard input
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

// build validates the decoded values in the order of the contract and
// assembles the Spec.
func (d *decoder) build(file string) (*Spec, error) {
	s := &Spec{File: file, Dir: filepath.Dir(file), pos: d.posMap()}
	var err error

	// name, seed
	s.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	if v, ok := d.str("name"); ok {
		s.Name = v
	}
	if strings.TrimSpace(s.Name) == "" || s.Name == "." || s.Name == ".." {
		return nil, d.errorf("name", "must not be empty")
	}
	if strings.ContainsAny(s.Name, `/\`) {
		return nil, d.errorf("name", "must not contain a path separator (it names the run's directory), got %q", s.Name)
	}
	s.Seed, _ = d.intVal("seed")

	// data
	if err := d.required("data.train"); err != nil {
		return nil, err
	}
	train, _ := d.str("data.train")
	if err := nonEmpty(d, "data.train", train); err != nil {
		return nil, err
	}
	s.Data.Train = resolvePath(s.Dir, train)
	if test, ok := d.str("data.test"); ok {
		if err := nonEmpty(d, "data.test", test); err != nil {
			return nil, err
		}
		s.Data.Test = resolvePath(s.Dir, test)
	}
	if err := d.required("data.target"); err != nil {
		return nil, err
	}
	s.Data.Target, _ = d.strs("data.target")
	if err := d.columns("data.target", s.Data.Target); err != nil {
		return nil, err
	}
	if m, ok := d.vals["data.class_names"].v.(map[string]string); ok {
		s.Data.ClassNames = m
	}
	if f, ok := d.strs("data.features"); ok {
		if err := d.columns("data.features", f); err != nil {
			return nil, err
		}
		for _, c := range f {
			if slices.Contains(s.Data.Target, c) {
				return nil, d.errorf("data.features", "%q is the target; a column cannot be both", c)
			}
		}
		s.Data.Features = f
	}
	if s.Data.ValidationSplit, err = d.floatIn("data.validation_split", 0,
		func(x float64) bool { return x >= 0 && x < 1 }, "in [0, 1)"); err != nil {
		return nil, err
	}
	s.Data.Shuffle = true
	if v, ok := d.boolVal("data.shuffle"); ok {
		s.Data.Shuffle = v
	}
	s.Data.Normalize = "none"
	if v, ok := d.str("data.normalize"); ok {
		if err := d.oneOf("data.normalize", v, Normalizers); err != nil {
			return nil, err
		}
		s.Data.Normalize = v
	}
	if err := d.tabular(&s.Data); err != nil {
		return nil, err
	}

	// model
	s.Model.Init = "normal"
	if v, ok := d.str("model.init"); ok {
		if err := d.oneOf("model.init", v, Inits); err != nil {
			return nil, err
		}
		s.Model.Init = v
	}
	if s.Model.InitScale, err = d.floatIn("model.init_scale", 0.01,
		func(x float64) bool { return x > 0 }, "> 0"); err != nil {
		return nil, err
	}
	if err := d.required("model.layers"); err != nil {
		return nil, err
	}
	n, _ := d.vals["model.layers"].v.(int)
	if n == 0 {
		return nil, d.errorf("model.layers", "needs at least one layer")
	}
	for i := range n {
		l, err := d.layer(i, i == n-1)
		if err != nil {
			return nil, err
		}
		s.Model.Layers = append(s.Model.Layers, l)
	}

	// loss, which must fit the output layer
	if err := d.required("loss"); err != nil {
		return nil, err
	}
	s.Loss, _ = d.str("loss")
	if err := d.oneOf("loss", s.Loss, Losses); err != nil {
		return nil, err
	}
	outKey := fmt.Sprintf("model.layers.%d.activation", n-1)
	out := s.Model.Layers[n-1].Activation
	switch {
	case s.Loss == "cross_entropy" && out != "softmax":
		return nil, d.errorf("loss", "cross_entropy needs a softmax output layer, but %s is %q (%s)", outKey, out, d.at(outKey))
	case out == "softmax" && s.Loss != "cross_entropy":
		return nil, d.errorf("loss", "a softmax output layer needs loss cross_entropy, got %q", s.Loss)
	case s.Loss == "bce" && out != "sigmoid":
		return nil, d.errorf("loss", "bce needs a sigmoid output layer, but %s is %q (%s)", outKey, out, d.at(outKey))
	}

	// train
	s.Train.Optimizer = "sgd"
	if v, ok := d.str("train.optimizer"); ok {
		if err := d.oneOf("train.optimizer", v, Optimizers); err != nil {
			return nil, err
		}
		s.Train.Optimizer = v
	}
	if err := d.required("train.learning_rate"); err != nil {
		return nil, err
	}
	if s.Train.LearningRate, err = d.floatIn("train.learning_rate", 0,
		func(x float64) bool { return x > 0 }, "> 0"); err != nil {
		return nil, err
	}
	if err := d.optimizerKeys(&s.Train); err != nil {
		return nil, err
	}
	if s.Train.ClipNorm, err = d.floatIn("train.clip_norm", 0,
		func(x float64) bool { return x >= 0 }, ">= 0 (0 = no clipping)"); err != nil {
		return nil, err
	}
	if err := d.required("train.epochs"); err != nil {
		return nil, err
	}
	if s.Train.Epochs, err = d.intIn("train.epochs", 0, 1, MaxEpochs, ">= 1"); err != nil {
		return nil, err
	}
	if s.Train.BatchSize, err = d.intIn("train.batch_size", 0, 0, math.MaxInt32, ">= 0 (0 = the whole training set)"); err != nil {
		return nil, err
	}
	if s.Train.L2, err = d.floatIn("train.l2", 0,
		func(x float64) bool { return x >= 0 }, ">= 0"); err != nil {
		return nil, err
	}
	if d.has("train.schedule") {
		if s.Train.Schedule, err = d.schedule(s.Train.Epochs); err != nil {
			return nil, err
		}
	}
	if d.has("train.early_stopping") {
		es := &EarlyStopping{}
		if err := d.required("train.early_stopping.patience"); err != nil {
			return nil, err
		}
		if es.Patience, err = d.intIn("train.early_stopping.patience", 0, 1, math.MaxInt32, ">= 1"); err != nil {
			return nil, err
		}
		if es.MinDelta, err = d.floatIn("train.early_stopping.min_delta", 0,
			func(x float64) bool { return x >= 0 }, ">= 0"); err != nil {
			return nil, err
		}
		es.Monitor = "val_loss"
		if v, ok := d.str("train.early_stopping.monitor"); ok {
			if err := d.oneOf("train.early_stopping.monitor", v, Monitors); err != nil {
				return nil, err
			}
			es.Monitor = v
		}
		switch {
		case es.Monitor == "val_accuracy" && s.Loss == "mse":
			return nil, d.errorf("train.early_stopping.monitor", "val_accuracy is for class targets (bce, cross_entropy); with mse watch val_loss or val_r2")
		case es.Monitor == "val_r2" && s.Loss != "mse":
			return nil, d.errorf("train.early_stopping.monitor", "val_r2 is for regression (mse); with %s watch val_loss or val_accuracy", s.Loss)
		}
		if s.Data.ValidationSplit == 0 {
			return nil, d.errorf("train.early_stopping", "watches %s, so it needs data.validation_split > 0", es.Monitor)
		}
		s.Train.EarlyStopping = es
	}
	if s.Train.Workers, err = d.intIn("train.workers", 0, 0, MaxWorkers,
		">= 0 (0 = number of CPUs)"); err != nil {
		return nil, err
	}
	if s.Train.ClassWeight, err = d.classWeightIn("train.class_weight", s); err != nil {
		return nil, err
	}
	if s.Train.CheckpointEvery, err = d.intIn("train.checkpoint_every", 1, 0, math.MaxInt32, ">= 0 (0 = no checkpoints)"); err != nil {
		return nil, err
	}
	s.Train.Precision = "float64"
	if v, ok := d.str("train.precision"); ok {
		if err := d.oneOf("train.precision", v, Precisions); err != nil {
			return nil, err
		}
		s.Train.Precision = v
	}

	// output
	s.Output.Dir = filepath.Join(s.Dir, "runs", s.Name)
	if v, ok := d.str("output.dir"); ok {
		if err := nonEmpty(d, "output.dir", v); err != nil {
			return nil, err
		}
		s.Output.Dir = resolvePath(s.Dir, v)
	}
	return s, nil
}

// classWeightIn validates train.class_weight. That the classes exist, and
// that the target is one of classes at all, is checked against the data.
func (d *decoder) classWeightIn(key string, s *Spec) (*ClassWeight, error) {
	if !d.has(key) {
		return nil, nil
	}
	if s.Loss == "bce" && len(s.Data.Target) > 1 {
		return nil, d.errorf(key, "is for a class target, but bce with %d target columns is multi-label classification", len(s.Data.Target))
	}
	if s.Loss == "mse" && len(s.Data.Target) > 1 {
		return nil, d.errorf(key, "is for a class target, but mse with %d target columns is regression", len(s.Data.Target))
	}
	switch v := d.vals[key].v.(type) {
	case string:
		if v != "balanced" {
			msg := fmt.Sprintf("must be balanced or a mapping {class: weight, ...}, got %q", v)
			if suggest(v, []string{"balanced"}) != "" {
				msg += ` (did you mean "balanced"?)`
			}
			return nil, d.errorf(key, "%s", msg)
		}
		return &ClassWeight{Balanced: true}, nil
	case *ClassWeight:
		return v, nil
	}
	panic("spec: class_weight decoded to an unexpected value")
}

// columns checks a list of column names: not empty, no empty names, no
// duplicates.
func (d *decoder) columns(key string, cols []string) error {
	if len(cols) == 0 {
		return d.errorf(key, "must name at least one column")
	}
	for i, c := range cols {
		if strings.TrimSpace(c) == "" {
			return d.errorf(key, "column names must not be empty")
		}
		if slices.Contains(cols[:i], c) {
			return d.errorf(key, "column %q is listed twice", c)
		}
	}
	return nil
}

func (d *decoder) layer(i int, last bool) (Layer, error) {
	k := fmt.Sprintf("model.layers.%d", i)
	var l Layer
	if err := d.required(k + ".units"); err != nil {
		return l, err
	}
	units, err := d.intIn(k+".units", 0, 1, math.MaxInt32, ">= 1")
	if err != nil {
		return l, err
	}
	l.Units = units
	if err := d.required(k + ".activation"); err != nil {
		return l, err
	}
	l.Activation, _ = d.str(k + ".activation")
	if err := d.oneOf(k+".activation", l.Activation, Activations); err != nil {
		return l, err
	}
	if l.Activation == "softmax" {
		if !last {
			return l, d.errorf(k+".activation", "softmax is for the output layer only")
		}
		if l.Units < 2 {
			return l, d.errorf(k+".units", "a softmax layer needs at least 2 units (over 1 unit it is always 1), got %d", l.Units)
		}
	}
	if l.Dropout, err = d.floatIn(k+".dropout", 0, func(x float64) bool { return x >= 0 && x < 1 }, "in [0, 1)"); err != nil {
		return l, err
	}
	if last && l.Dropout > 0 {
		return l, d.errorf(k+".dropout", "dropout is for hidden layers; the output layer's units are the predictions")
	}
	if l.Activation != "leaky_relu" {
		if d.has(k + ".alpha") {
			return l, d.errorf(k+".alpha", "only a leaky_relu layer takes alpha, this one is %s", l.Activation)
		}
		return l, nil
	}
	if l.Alpha, err = d.floatIn(k+".alpha", 0.01, func(x float64) bool { return x >= 0 }, ">= 0"); err != nil {
		return l, err
	}
	return l, nil
}

// tabular reads the data keys about columns and cell texts.
func (d *decoder) tabular(data *Data) error {
	if data.Train == "-" && data.Test == "-" {
		return d.errorf("data.test", `"-" (stdin) can be read once only, and data.train reads it already`)
	}
	if v, ok := d.strs("data.exclude"); ok {
		if err := d.columns("data.exclude", v); err != nil {
			return err
		}
		for _, c := range v {
			if slices.Contains(data.Features, c) {
				return d.errorf("data.exclude", "%q is in data.features too; a column cannot be both an input and excluded", c)
			}
		}
		data.Exclude = v
	}
	if v, ok := d.strs("data.categorical"); ok {
		if err := d.columns("data.categorical", v); err != nil {
			return err
		}
		for _, c := range v {
			if slices.Contains(data.Target, c) {
				return d.errorf("data.categorical", "%q is the target; categorical is for input columns (a target holds classes with loss cross_entropy or bce)", c)
			}
		}
		data.Categorical = v
	}
	data.Missing = slices.Clone(DefaultMissing)
	if v, ok := d.strs("data.missing"); ok {
		data.Missing = []string{}
		for _, m := range v {
			// Cells are compared trimmed, so a padded missing text would never match.
			if m = strings.TrimSpace(m); !slices.Contains(data.Missing, m) {
				data.Missing = append(data.Missing, m)
			}
		}
	}
	data.Impute = Impute{Number: "mean", Category: "most_frequent"}
	if v, ok := d.str("data.impute.number"); ok {
		if err := d.oneOf("data.impute.number", v, NumberImputes); err != nil {
			return err
		}
		data.Impute.Number = v
	}
	if v, ok := d.str("data.impute.category"); ok {
		if err := d.oneOf("data.impute.category", v, CategoryImputes); err != nil {
			return err
		}
		data.Impute.Category = v
	}
	data.Delimiter = ','
	if v, ok := d.str("data.delimiter"); ok {
		if v == `\t` || v == "tab" {
			v = "\t"
		}
		if !slices.Contains(Delimiters, v) {
			return d.errorf("data.delimiter", `must be one of ",", ";", "\t" (a tab), "|"; got %q`, v)
		}
		data.Delimiter = v[0]
	}
	data.Decimal = '.'
	if v, ok := d.str("data.decimal"); ok {
		if !slices.Contains(Decimals, v) {
			return d.errorf("data.decimal", `must be "." or ","; got %q`, v)
		}
		data.Decimal = v[0]
	}
	if data.Decimal == ',' && data.Delimiter == ',' {
		return d.errorf("data.decimal", `"," needs a data.delimiter other than "," (";" is usual with decimal commas)`)
	}
	if v, ok := d.str("data.weight"); ok {
		if err := nonEmpty(d, "data.weight", v); err != nil {
			return err
		}
		switch {
		case slices.Contains(data.Target, v):
			return d.errorf("data.weight", "%q is the target; the weight column must be another one", v)
		case slices.Contains(data.Features, v):
			return d.errorf("data.weight", "%q is in data.features; the weight column is never an input", v)
		case slices.Contains(data.Categorical, v):
			return d.errorf("data.weight", "%q is in data.categorical; the weight column is never an input", v)
		}
		data.Weight = v
	}
	return nil
}

// Which optimizers take which keys (train.momentum and the rest). A key
// given for an optimizer that does not use it is accepted when it holds its
// default and an error otherwise, as alpha on a layer that is not
// leaky_relu is: the contract's examples list the keys with their defaults
// beside optimizers that do not use them (momentum: 0.9 with sgd; betas,
// eps, weight_decay and alpha with adamw), so such a block loads under any
// optimizer, while a value that would be silently dropped is refused. sgd
// takes momentum (an argument of PyTorch's SGD too) and ignores it.
var optimizerKeys = map[string][]string{
	"momentum":     {"sgd", "momentum", "nesterov"},
	"betas":        {"adam", "adamw"},
	"eps":          {"adam", "adamw", "rmsprop"},
	"weight_decay": {"adamw"},
	"alpha":        {"rmsprop"},
}

func (d *decoder) optimizerKeys(t *Train) error {
	if err := d.optimizerValues(t); err != nil {
		return err
	}
	changed := map[string]bool{ // a value other than the default
		"momentum":     t.Momentum != 0.9,
		"betas":        t.Betas != [2]float64{0.9, 0.999},
		"eps":          t.Eps != 1e-8,
		"weight_decay": t.WeightDecay != 0.01,
		"alpha":        t.Alpha != 0.99,
	}
	for _, k := range []string{"momentum", "betas", "eps", "weight_decay", "alpha"} {
		if key := "train." + k; changed[k] && !slices.Contains(optimizerKeys[k], t.Optimizer) {
			return d.errorf(key, "the %s optimizer does not take %s (only %s do%s)",
				t.Optimizer, k, strings.Join(optimizerKeys[k], ", "), singular(len(optimizerKeys[k])))
		}
	}
	return nil
}

// optimizerValues reads the optimizer keys, PyTorch's defaults filled in.
func (d *decoder) optimizerValues(t *Train) error {
	unit := func(x float64) bool { return x >= 0 && x < 1 }
	var err error
	if t.Momentum, err = d.floatIn("train.momentum", 0.9, unit, "in [0, 1)"); err != nil {
		return err
	}
	if t.Optimizer == "nesterov" && t.Momentum == 0 {
		return d.errorf("train.momentum", "nesterov needs a momentum > 0 (PyTorch's SGD refuses nesterov=True without one)")
	}
	t.Betas = [2]float64{0.9, 0.999}
	if b, ok := d.vals["train.betas"].v.([]float64); ok {
		if len(b) != 2 {
			return d.errorf("train.betas", "must be two numbers [beta1, beta2], got %d", len(b))
		}
		for i, x := range b {
			if !unit(x) {
				return d.errorf("train.betas", "beta%d must be in [0, 1), got %s", i+1, strconv.FormatFloat(x, 'g', -1, 64))
			}
		}
		t.Betas = [2]float64{b[0], b[1]}
	}
	if t.Eps, err = d.floatIn("train.eps", 1e-8, func(x float64) bool { return x > 0 }, "> 0"); err != nil {
		return err
	}
	if t.WeightDecay, err = d.floatIn("train.weight_decay", 0.01, func(x float64) bool { return x >= 0 }, ">= 0"); err != nil {
		return err
	}
	if t.Alpha, err = d.floatIn("train.alpha", 0.99, unit, "in [0, 1)"); err != nil {
		return err
	}
	return nil
}

func singular(n int) string {
	if n == 1 {
		return "es"
	}
	return ""
}

// Which schedule kinds take which keys of train.schedule.
var scheduleKeys = map[string][]string{
	"step":        {"step_size", "gamma"},
	"exponential": {"gamma"},
	"cosine":      {"t_max", "eta_min"},
	"plateau":     {"factor", "patience", "threshold", "min_lr"},
}

// schedule reads train.schedule, PyTorch's defaults filled in; epochs is
// cosine's default t_max.
func (d *decoder) schedule(epochs int) (*Schedule, error) {
	const p = "train.schedule"
	if err := d.required(p + ".kind"); err != nil {
		return nil, err
	}
	sc := &Schedule{}
	sc.Kind, _ = d.str(p + ".kind")
	if err := d.oneOf(p+".kind", sc.Kind, Schedules); err != nil {
		return nil, err
	}
	for _, k := range []string{"step_size", "gamma", "t_max", "eta_min", "factor", "patience", "threshold", "min_lr"} {
		if d.has(p+"."+k) && !slices.Contains(scheduleKeys[sc.Kind], k) {
			return nil, d.errorf(p+"."+k, "a %s schedule does not take %s (it takes %s)", sc.Kind, k, strings.Join(scheduleKeys[sc.Kind], ", "))
		}
	}
	pos := func(x float64) bool { return x > 0 }
	nonNeg := func(x float64) bool { return x >= 0 }
	var err error
	switch sc.Kind {
	case "step":
		if err := d.required(p + ".step_size"); err != nil {
			return nil, err
		}
		if sc.StepSize, err = d.intIn(p+".step_size", 0, 1, math.MaxInt32, ">= 1"); err != nil {
			return nil, err
		}
		if sc.Gamma, err = d.floatIn(p+".gamma", 0.1, pos, "> 0"); err != nil {
			return nil, err
		}
	case "exponential":
		if err := d.required(p + ".gamma"); err != nil {
			return nil, err
		}
		if sc.Gamma, err = d.floatIn(p+".gamma", 0, pos, "> 0"); err != nil {
			return nil, err
		}
	case "cosine":
		if sc.TMax, err = d.intIn(p+".t_max", int64(epochs), 1, math.MaxInt32, ">= 1"); err != nil {
			return nil, err
		}
		if sc.EtaMin, err = d.floatIn(p+".eta_min", 0, nonNeg, ">= 0"); err != nil {
			return nil, err
		}
	case "plateau":
		if sc.Factor, err = d.floatIn(p+".factor", 0.1, func(x float64) bool { return x > 0 && x < 1 }, "in (0, 1)"); err != nil {
			return nil, err
		}
		if sc.Patience, err = d.intIn(p+".patience", 10, 0, math.MaxInt32, ">= 0"); err != nil {
			return nil, err
		}
		if sc.Threshold, err = d.floatIn(p+".threshold", 1e-4, nonNeg, ">= 0"); err != nil {
			return nil, err
		}
		if sc.MinLR, err = d.floatIn(p+".min_lr", 0, nonNeg, ">= 0"); err != nil {
			return nil, err
		}
	}
	return sc, nil
}
