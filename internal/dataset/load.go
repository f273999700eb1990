package dataset

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Config says which columns to use and how to encode the target.
type Config struct {
	// Target names one or more target columns (required, except for
	// LoadTable with Features given: rows to predict on).
	Target []string
	// Features names the input columns, in the order the network sees
	// them; empty means every column in file order that is not a target,
	// the weight or in Exclude.
	Features []string
	// Classify is set when the loss is cross_entropy or bce: a single
	// target column then holds classes, whether integers or strings. When
	// false, a single target column with any non-numeric value is still a
	// class target.
	Classify bool
	// Binary is set when the loss is bce. A single class target must then
	// have exactly 2 classes and becomes ONE output column, y = 1 for the
	// second class in sorted order. With several target columns, each must
	// hold 0 or 1 and is used as is.
	Binary bool
	// Classes, when not nil, fixes the class list and its order (from a
	// trained model); a label outside it is an error. It forces a class
	// target.
	Classes []string

	// The settings below are the tabular ones (data.* spec keys); Load
	// honours Format's delimiter and decimal mark only.

	// Exclude names columns that are never inputs. It may not overlap
	// Features.
	Exclude []string
	// Categorical names input columns read as categories even when every
	// value is a number.
	Categorical []string
	// Weight names a column of per-row sample weights (finite, ≥ 0),
	// never an input.
	Weight string
	// Kinds, when not nil, fixes the kind of each column of Features (the
	// columns of a trained Encoder) instead of inferring them: a text cell
	// in a number column is then an error.
	Kinds []Kind
	// Keep names columns whose texts are kept as read, in Set.Kept (for
	// predict --keep).
	Keep []string
	// Format is the file's separator, decimal mark and missing texts.
	Format Format
	// Stdin is read for the path "-"; nil means os.Stdin.
	Stdin io.Reader
	// Float32 stores the inputs as float32 (Set.X32, X nil), each number
	// parsed as float64 and rounded to nearest float32 as it is stored, so
	// that a float32 run never holds a float64 matrix of the file's size. A
	// raw set with category columns still reads into X, its numbers rounded
	// to float32 values, and Encoder.Apply makes X32 (see Set.Float32).
	Float32 bool
}

// Set is a loaded data set, row-major.
//
// Classes holds the class names as written in the file (after trimming),
// sorted numerically when every one is an integer ("2" < "7" < "10") and
// bytewise otherwise, or in the order of Config.Classes when that was given.
//
// A set from LoadTable is raw: X holds one value per source column, listed
// in Columns. A number column holds the number, a category column the index
// of the cell's text in that column's Levels, and a missing cell (either
// kind) NaN. Encoder.Apply turns it into network inputs.
type Set struct {
	Path     string
	Features []string  // column names of X, in order (network inputs once encoded)
	Targets  []string  // target column names
	Classes  []string  // class names in output order, nil for numeric targets
	Binary   bool      // bce: a class target is one 0/1 column, or several targets hold 0/1
	Rows     int       // number of data rows
	X        []float64 // Rows × len(Features); nil when X32 holds the inputs
	// X32 holds the inputs instead of X (Rows × len(Features)) in a set
	// read with Config.Float32.
	X32 []float32
	// Float32 is set when the inputs are float32 values (Config.Float32):
	// they are in X32, except in a raw set with category columns, whose X
	// keeps the codes exact and its numbers rounded to float32 values until
	// Encoder.Apply writes the encoded inputs to X32.
	Float32 bool
	Y       []float64 // Rows × Outputs(): one-hot over Classes (1 column if Binary), or the numeric targets; nil without targets
	Labels  []int     // class index per row (class targets only), nil otherwise

	Columns []SourceColumn // raw sets: the kind and texts of each column of X; nil once encoded
	Weights []float64      // per-row sample weights, nil without a weight column
	Lines   []int          // file line of each row (for messages after loading)
	Kept    [][]string     // Kept[k][row]: the text of Config.Keep[k]
	Format  Format         // how the file was read
	// TextLine is the line of the first text value of a single target that
	// holds numbers otherwise (which made it a class target), 0 when there
	// is none: a mse target with a stray text cell can then be pointed at.
	TextLine  int
	TextValue string // the text at TextLine
}

// SourceColumn is one column of a raw Set.
type SourceColumn struct {
	Name   string
	Kind   Kind
	Levels []string // category columns: the distinct texts in order of first appearance
}

// Outputs is the width of Y: the number of output units a network needs
// (1 for a Binary class target, len(Classes) for other class targets,
// len(Targets) for numeric ones, 0 for a set without targets).
func (s *Set) Outputs() int {
	switch {
	case s.Classes != nil && s.Binary:
		return 1
	case s.Classes != nil:
		return len(s.Classes)
	default:
		return len(s.Targets)
	}
}

// Subset returns a new Set holding copies of the given rows, in the order given.
func (s *Set) Subset(rows []int) *Set {
	nf, no := len(s.Features), s.Outputs()
	t := &Set{
		Path:     s.Path,
		Features: slices.Clone(s.Features),
		Targets:  slices.Clone(s.Targets),
		Classes:  slices.Clone(s.Classes),
		Binary:   s.Binary,
		Rows:     len(rows),
		Columns:  s.Columns,
		Format:   s.Format,
		Float32:  s.Float32,
		TextLine: s.TextLine, TextValue: s.TextValue,
	}
	if s.X32 != nil {
		t.X32 = make([]float32, len(rows)*nf)
		Gather(t.X32, s.X32, nf, rows)
	} else {
		t.X = make([]float64, len(rows)*nf)
		Gather(t.X, s.X, nf, rows)
	}
	if s.Y != nil {
		t.Y = make([]float64, len(rows)*no)
		Gather(t.Y, s.Y, no, rows)
	}
	t.Labels = pick(s.Labels, rows)
	t.Weights = pick(s.Weights, rows)
	t.Lines = pick(s.Lines, rows)
	for _, k := range s.Kept {
		t.Kept = append(t.Kept, pick(k, rows))
	}
	return t
}

// pick returns v[rows[0]], v[rows[1]], ..., or nil for a nil v.
func pick[T any](v []T, rows []int) []T {
	if v == nil {
		return nil
	}
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = v[r]
	}
	return out
}

// Load reads a CSV file with a header row into a Set whose every feature
// is a number: a text or empty cell in a feature is an error (the reading
// of nntrain-model/1 files and of specs without tabular settings; Format's
// missing texts are not used). path "-" reads cfg.Stdin.
func Load(path string, cfg Config) (*Set, error) {
	data, err := ReadAll(path, cfg.Stdin)
	if err != nil {
		return nil, err
	}
	return load(DisplayPath(path), data, cfg)
}

// LoadTable reads a CSV file into a raw Set (see Set) for an Encoder: the
// feature columns are numbers or categories, inferred (a column is a
// category when it is in cfg.Categorical or any non-missing value is not a
// number) or fixed by cfg.Kinds; cells whose trimmed text is one of
// cfg.Format.Missing are missing (NaN). A missing target or weight is an
// error: rows are never dropped. path "-" reads cfg.Stdin, a .gz file is
// decompressed.
func LoadTable(path string, cfg Config) (*Set, error) {
	data, err := ReadAll(path, cfg.Stdin)
	if err != nil {
		return nil, err
	}
	return loadTable(DisplayPath(path), data, cfg)
}

// LoadFeatures reads only the named feature columns, in the order given (for
// predicting on rows that may lack the target). Every name must exist, and
// every value be a number.
func LoadFeatures(path string, features []string) (*Set, error) {
	data, err := ReadAll(path, nil)
	if err != nil {
		return nil, err
	}
	return loadFeatures(DisplayPath(path), data, features)
}

// fileErr drops the operation and path that os errors repeat, keeping the
// cause ("no such file or directory") and its identity for errors.Is.
func fileErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("cannot read: %w", pe.Err)
	}
	return err
}

// target encodings
const (
	encNumeric = iota // numbers copied to Y
	encBits           // bce with several columns: numbers that must be 0 or 1
	encClass          // one column of class labels
)

// column kinds while reading: the exported Kinds, and kindInfer for a
// column that is a number until a text cell says otherwise.
const kindInfer Kind = 0

// plan is what a parse pass extracts from each record.
type plan struct {
	features []int  // column indexes of the features
	kinds    []Kind // per feature: KindNumber, KindCategory or kindInfer
	targets  []int  // column indexes of the targets
	weight   int    // column index of the weight, or -1
	keep     []int  // column indexes of the kept columns
	enc      int
	tabular  bool            // missing texts mean NaN (LoadTable); otherwise an empty cell is an error
	missing  map[string]bool // missing texts (tabular)
}

// options choose how to read; tests compare the ways against each other.
type options struct {
	slow   bool // read every record the general way, never the fast path
	chunks int  // read in this many parallel parts; 0 decides by size and GOMAXPROCS
}

// parallelChunk is the least input worth a goroutine of its own.
const parallelChunk = 1 << 20

func (o options) parts(r *reader) int {
	if o.chunks > 0 {
		return o.chunks
	}
	return min(runtime.GOMAXPROCS(0), (len(r.data)-r.pos)/parallelChunk)
}

func load(path string, data []byte, cfg Config) (*Set, error) {
	return loadWith(path, data, cfg, options{})
}

func loadTable(path string, data []byte, cfg Config) (*Set, error) {
	return loadTableWith(path, data, cfg, options{})
}

func loadWith(path string, data []byte, cfg Config, opt options) (*Set, error) {
	if len(cfg.Target) == 0 {
		return nil, &Error{Path: path, Err: errors.New("no target column given")}
	}
	cfg.Format.Missing = nil
	return read(path, data, cfg, opt, false)
}

func loadTableWith(path string, data []byte, cfg Config, opt options) (*Set, error) {
	if len(cfg.Target) == 0 && len(cfg.Features) == 0 {
		return nil, &Error{Path: path, Err: errors.New("no target column given")}
	}
	return read(path, data, cfg, opt, true)
}

func loadFeatures(path string, data []byte, features []string) (*Set, error) {
	return loadFeaturesWith(path, data, features, options{})
}

func loadFeaturesWith(path string, data []byte, features []string, opt options) (*Set, error) {
	if len(features) == 0 {
		return nil, &Error{Path: path, Err: errors.New("no feature columns given")}
	}
	return read(path, data, Config{Features: features}, opt, false)
}

// read checks cfg against the header, makes the plan and parses the rows,
// again when the first pass found that a target holds classes or a column
// holds text.
func read(path string, data []byte, cfg Config, opt options, tabular bool) (*Set, error) {
	format, err := cfg.Format.resolve()
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	cfg.Format = format
	r, err := newReader(path, data)
	if err != nil {
		return nil, err
	}
	r.delim, r.dec = format.Delimiter, format.Decimal
	if err := r.header(); err != nil {
		return nil, err
	}
	r.slow = opt.slow
	p, err := makePlan(r, cfg, tabular)
	if err != nil {
		return nil, err
	}
	if tabular && format.missingNumber() {
		r.slow = true // the fast path would read a missing text such as -999 as a number
	}
	if len(p.keep) > 0 {
		r.slow = true // the fast path keeps no text of the number columns it parses
	}
	start := *r // the reader just after the header, for another pass
	textLine, textValue := 0, ""
	for {
		s, err := parseRows(r, p, cfg, opt.parts(r))
		var nc *needClassError
		var nt *needTextError
		switch {
		case errors.As(err, &nc):
			// A single target turned out to hold text: read it as classes.
			p.enc = encClass
			textLine, textValue = nc.line, nc.text
		case errors.As(err, &nt):
			// Columns that were inferred as numbers hold text: categories.
			for _, j := range nt.features {
				p.kinds[j] = KindCategory
			}
		case err != nil:
			return nil, err
		default:
			s.TextLine, s.TextValue = textLine, textValue
			s.Format = format
			if !tabular {
				s.Columns = nil
			}
			return s, nil
		}
		fresh := start
		r = &fresh
	}
}

// makePlan finds the columns that cfg names.
func makePlan(r *reader, cfg Config, tabular bool) (plan, error) {
	path := r.path
	keyErr := func(key, format string, a ...any) error {
		return &Error{Path: path, Key: key, Err: fmt.Errorf(format, a...)}
	}
	index := make(map[string]int, len(r.names))
	for i, name := range r.names {
		index[name] = i
	}
	notFound := func(key, what, name string) error {
		if key == "features" && cfg.Kinds != nil {
			return &Error{Path: path, Err: fmt.Errorf("no column %s, which the model takes as an input; the columns are: %s", quoteText(name), listNames(r.names))}
		}
		if !tabular {
			return &Error{Path: path, Err: fmt.Errorf("%s column %s not found; the columns are: %s", what, quoteText(name), listNames(r.names))}
		}
		return keyErr(key, "no column %s; the columns are: %s", quoteText(name), listNames(r.names))
	}
	p := plan{weight: -1, tabular: tabular}
	isTarget := make(map[string]bool, len(cfg.Target))
	for _, name := range cfg.Target {
		i, ok := index[name]
		if !ok {
			return p, notFound("target", "target", name)
		}
		if isTarget[name] {
			return p, &Error{Path: path, Err: fmt.Errorf("target column %s is listed twice", quoteText(name))}
		}
		isTarget[name] = true
		p.targets = append(p.targets, i)
	}
	if cfg.Weight != "" {
		i, ok := index[cfg.Weight]
		switch {
		case !ok:
			return p, notFound("weight", "weight", cfg.Weight)
		case isTarget[cfg.Weight]:
			return p, keyErr("weight", "%s is the target; the weight column must be another one", quoteText(cfg.Weight))
		case slices.Contains(cfg.Features, cfg.Weight):
			return p, keyErr("weight", "%s is also in features: the weight column is never an input", quoteText(cfg.Weight))
		}
		p.weight = i
	}
	excluded := make(map[string]bool, len(cfg.Exclude))
	for _, name := range cfg.Exclude {
		if _, ok := index[name]; !ok {
			return p, notFound("exclude", "excluded", name)
		}
		if slices.Contains(cfg.Features, name) {
			return p, keyErr("exclude", "%s is in both features and exclude", quoteText(name))
		}
		excluded[name] = true
	}
	if len(cfg.Features) == 0 {
		for i, name := range r.names {
			if !isTarget[name] && !excluded[name] && i != p.weight {
				p.features = append(p.features, i)
			}
		}
	} else {
		seen := make(map[string]bool, len(cfg.Features))
		for _, name := range cfg.Features {
			i, ok := index[name]
			switch {
			case !ok:
				return p, notFound("features", "feature", name)
			case isTarget[name]:
				return p, &Error{Path: path, Err: fmt.Errorf("column %s is both a feature and a target", quoteText(name))}
			case seen[name]:
				return p, &Error{Path: path, Err: fmt.Errorf("feature column %s is listed twice", quoteText(name))}
			}
			seen[name] = true
			p.features = append(p.features, i)
		}
	}
	if len(p.features) == 0 {
		return p, &Error{Path: path, Err: errors.New("no feature columns (every column is a target)")}
	}
	p.kinds = make([]Kind, len(p.features))
	switch {
	case !tabular:
		for j := range p.kinds {
			p.kinds[j] = KindNumber
		}
	case cfg.Kinds != nil:
		if len(cfg.Kinds) != len(p.features) {
			panic(fmt.Sprintf("dataset: %d kinds for %d features", len(cfg.Kinds), len(p.features)))
		}
		copy(p.kinds, cfg.Kinds)
	}
	for _, name := range cfg.Categorical {
		i, ok := index[name]
		switch {
		case !ok:
			return p, notFound("categorical", "categorical", name)
		case isTarget[name]:
			return p, keyErr("categorical", "%s is the target; categorical is for input columns (a target holds classes with loss cross_entropy or bce)", quoteText(name))
		case i == p.weight:
			return p, keyErr("categorical", "%s is the weight column, which is never an input", quoteText(name))
		}
		if j := slices.Index(p.features, i); j >= 0 {
			p.kinds[j] = KindCategory
		}
	}
	for _, name := range cfg.Keep {
		i, ok := index[name]
		if !ok {
			return p, notFound("keep", "kept", name)
		}
		p.keep = append(p.keep, i)
	}
	if tabular {
		p.missing = make(map[string]bool, len(cfg.Format.Missing))
		for _, m := range cfg.Format.Missing {
			p.missing[m] = true
		}
	}

	single := len(p.targets) == 1
	switch {
	case cfg.Classes != nil && !single:
		return p, &Error{Path: path, Err: fmt.Errorf("a fixed class list needs one target column, got %d: %s",
			len(cfg.Target), listNames(cfg.Target))}
	case cfg.Classes != nil || (single && (cfg.Classify || cfg.Binary)):
		p.enc = encClass
	case cfg.Binary:
		p.enc = encBits
	default:
		p.enc = encNumeric
	}
	for i, c := range cfg.Classes {
		if slices.Contains(cfg.Classes[:i], c) {
			return p, &Error{Path: path, Err: fmt.Errorf("class list has %s twice", quoteText(c))}
		}
	}
	return p, nil
}

// needClassError stops a numeric pass over a single target that holds
// text, at line.
type needClassError struct {
	line int
	text string
}

func (e *needClassError) Error() string { return "dataset: target holds text" }

// needTextError stops a pass in which inferred number columns turned out
// to hold text (features are positions in plan.features).
type needTextError struct{ features []int }

func (e *needTextError) Error() string { return "dataset: number columns hold text" }

// part is a run of whole records that one goroutine reads. x, y, ids, w
// and lines are windows of the set's buffers, sized by an upper bound on
// the part's rows, so appending to them never reallocates.
type part struct {
	r    *reader
	rows int
	x, y []float64
	// x32 replaces x when the inputs are stored as float32: each record is
	// parsed into row and then rounded into x32.
	x32   []float32
	row   []float64
	ids   []int    // class ids, local to the part
	names []string // the part's classes by local id: cfg.Classes, then new ones in order of appearance
	w     []float64
	lines []int
	kept  [][]string
	// levels[j], for category feature j: the part's texts by local code,
	// in order of appearance; byLevel[j] the reverse.
	levels  [][]string
	byLevel []map[string]int
	text    []bool // inferred feature j held text
	soft    error  // the first unreadable number in an inferred column
	err     error
}

// parseRows reads the data records after the header, in parallel parts
// when the file is large and has no quotes (so that every newline ends a
// record).
func parseRows(r *reader, p plan, cfg Config, chunks int) (*Set, error) {
	nf, nt := len(p.features), len(p.targets)
	class := nt > 0 && p.enc == encClass
	ny := nt // Y values per row while reading (classes are encoded afterwards)
	if class {
		ny = 0
	}
	featPos := make([]int, len(r.names)) // column → position among the number features, or -1
	for i := range featPos {
		featPos[i] = -1
	}
	for j, c := range p.features {
		if p.kinds[j] != KindCategory {
			featPos[c] = j
		}
	}
	runs := makeRuns(featPos)

	// Each part gets room for an upper bound on its rows, plus one row that
	// the reading loop fills before it learns that the input has ended.
	// A record ends at a newline or the end of the input and holds
	// len(names)−1 separators, which bounds junk with many newlines or many
	// columns by the size of the input.
	readers := r.split(chunks)
	bound := make([]int, len(readers))
	total := 0
	for i, pr := range readers {
		body := pr.data[pr.pos:]
		bound[i] = bytes.Count(body, []byte{'\n'}) + 1
		if len(r.names) > 1 {
			bound[i] = min(bound[i], bytes.Count(body, []byte{r.delim})/(len(r.names)-1)+1)
		}
		bound[i]++
		total += bound[i]
	}
	// float32 storage, unless a category column's codes must stay exact
	// in float64 (such a set is rounded at the end instead).
	f32 := cfg.Float32 && !slices.Contains(p.kinds, KindCategory)
	var x []float64
	var x32 []float32
	if f32 {
		x32 = make([]float32, total*nf)
	} else {
		x = make([]float64, total*nf)
	}
	y := make([]float64, total*ny)
	var ids []int
	if class {
		ids = make([]int, total)
	}
	var w []float64
	if p.weight >= 0 {
		w = make([]float64, total)
	}
	var lines []int
	if p.tabular {
		lines = make([]int, total)
	}
	parts := make([]part, len(readers))
	off := 0
	for i, pr := range readers {
		end := off + bound[i]
		parts[i] = part{r: pr, y: y[off*ny : off*ny : end*ny]}
		if f32 {
			parts[i].x32, parts[i].row = x32[off*nf:off*nf:end*nf], make([]float64, nf)
		} else {
			parts[i].x = x[off*nf : off*nf : end*nf]
		}
		if class {
			parts[i].ids = ids[off:off:end]
		}
		if w != nil {
			parts[i].w = w[off:off:end]
		}
		if lines != nil {
			parts[i].lines = lines[off:off:end]
		}
		off = end
	}
	if len(parts) == 1 {
		parts[0].read(p, cfg, runs, class)
	} else {
		var wg sync.WaitGroup
		panics := make([]any, len(parts))
		for i := range parts {
			wg.Go(func() {
				// A bug in a part must reach the caller's goroutine, where
				// the command recovers it, not kill the process from here.
				defer func() { panics[i] = recover() }()
				parts[i].read(p, cfg, runs, class)
			})
		}
		wg.Wait()
		for _, r := range panics {
			if r != nil {
				panic(r)
			}
		}
	}

	// The first part with a problem holds the first problem in the file;
	// such problems do not depend on the kinds of the inferred columns. Of
	// these, text anywhere makes a category: one more pass reads every such
	// column as one. Only then may a value such as 1e999 or inf in an
	// inferred column be an error (it is a category in a text column), so
	// those come last.
	for i := range parts {
		if err := parts[i].err; err != nil {
			return nil, err
		}
	}
	var text []int
	for j := range nf {
		for i := range parts {
			if parts[i].text != nil && parts[i].text[j] {
				text = append(text, j)
				break
			}
		}
	}
	if len(text) > 0 {
		return nil, &needTextError{features: text}
	}
	for i := range parts {
		if err := parts[i].soft; err != nil {
			return nil, err
		}
	}
	// Close the gaps that blank lines left between the parts, and number
	// the classes and categories in order of first appearance over the
	// whole file.
	rows := 0
	names := slices.Clone(cfg.Classes)
	byName := make(map[string]int)
	for i, name := range names {
		byName[name] = i
	}
	columns := make([]SourceColumn, nf)
	byLevel := make([]map[string]int, nf)
	for j, c := range p.features {
		columns[j] = SourceColumn{Name: r.names[c], Kind: p.kinds[j]}
		if columns[j].Kind == kindInfer {
			columns[j].Kind = KindNumber
		}
		if columns[j].Kind == KindCategory {
			byLevel[j] = map[string]int{}
			columns[j].Levels = []string{}
		}
	}
	kept := make([][]string, len(p.keep))
	for _, pt := range parts {
		if class {
			remap := make([]int, len(pt.names))
			for local, name := range pt.names {
				id, ok := byName[name]
				if !ok {
					id = len(names)
					names = append(names, name)
					byName[name] = id
				}
				remap[local] = id
			}
			for j, id := range pt.ids {
				pt.ids[j] = remap[id]
			}
			moveTo(ids, rows, pt.ids)
		}
		for j := range nf {
			if columns[j].Kind != KindCategory {
				continue
			}
			remap := make([]float64, len(pt.levels[j]))
			for local, text := range pt.levels[j] {
				code, ok := byLevel[j][text]
				if !ok {
					code = len(columns[j].Levels)
					columns[j].Levels = append(columns[j].Levels, text)
					byLevel[j][text] = code
				}
				remap[local] = float64(code)
			}
			for i := j; i < len(pt.x); i += nf {
				if v := pt.x[i]; !math.IsNaN(v) {
					pt.x[i] = remap[int(v)]
				}
			}
		}
		if f32 {
			moveTo(x32, rows*nf, pt.x32)
		} else {
			moveTo(x, rows*nf, pt.x)
		}
		moveTo(y, rows*ny, pt.y)
		if w != nil {
			moveTo(w, rows, pt.w)
		}
		if lines != nil {
			moveTo(lines, rows, pt.lines)
		}
		for k := range kept {
			kept[k] = append(kept[k], pt.kept[k]...)
		}
		rows += pt.rows
	}
	if rows == 0 {
		return nil, &Error{Path: r.path, Err: errors.New("no data rows after the header")}
	}
	s := &Set{Path: r.path, Rows: rows, Columns: columns, Float32: cfg.Float32}
	switch {
	case f32:
		s.X32 = x32[: rows*nf : rows*nf]
	default:
		s.X = x[: rows*nf : rows*nf]
	}
	if w != nil {
		s.Weights = w[:rows:rows]
	}
	if lines != nil {
		s.Lines = lines[:rows:rows]
	}
	if cfg.Float32 && !f32 {
		if err := roundNumbers(s.X, columns, s.Lines, r.path); err != nil {
			return nil, err
		}
	}
	if len(p.keep) > 0 {
		s.Kept = kept
	}
	for _, c := range p.features {
		s.Features = append(s.Features, r.names[c])
	}
	for _, c := range p.targets {
		s.Targets = append(s.Targets, r.names[c])
	}
	switch {
	case nt == 0:
	case class:
		if err := s.encodeClasses(ids[:rows], names, cfg); err != nil {
			return nil, err
		}
	default:
		s.Y = y[: rows*ny : rows*ny]
		s.Binary = p.enc == encBits
	}
	return s, nil
}

// moveTo copies src to dst[at:] unless it is already there.
func moveTo[T any](dst []T, at int, src []T) {
	if len(src) > 0 && &dst[at] != &src[0] {
		copy(dst[at:], src)
	}
}

// split divides the records after r.pos into at most n readers of about
// equal size, cut after newlines. A file with quotes stays whole: a quoted
// field may hold a newline.
func (r *reader) split(n int) []*reader {
	if n <= 1 || bytes.IndexByte(r.data[r.pos:], '"') >= 0 {
		return []*reader{r}
	}
	var out []*reader
	start, line := r.pos, r.line
	for i := 0; i < n && start < len(r.data); i++ {
		end := len(r.data)
		if i < n-1 {
			end = start + (len(r.data)-start)/(n-i)
			if j := bytes.IndexByte(r.data[end:], '\n'); j >= 0 {
				end += j + 1
			} else {
				end = len(r.data)
			}
		}
		out = append(out, &reader{path: r.path, data: r.data[:end], pos: start, line: line, names: r.names,
			slow: r.slow, delim: r.delim, dec: r.dec})
		line += bytes.Count(r.data[start:end], []byte{'\n'})
		start = end
	}
	if len(out) == 0 {
		return []*reader{r}
	}
	return out
}

// isMissing reports whether a field's trimmed text is a missing text.
func (p *plan) isMissing(b []byte) bool {
	return p.missing != nil && p.missing[string(bytes.Trim(b, " \t\r"))]
}

// missingMsg says why a required cell (a target, a weight) is missing.
func (p *plan) missingMsg(what string, b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("missing %s (rows are never dropped: fill the cell or remove the row)", what)
	}
	return fmt.Errorf("missing %s: %s is a missing text (rows are never dropped: fill the cell or remove the row)", what, quoteValue(b))
}

// read reads the records of the part, stopping at the first problem.
func (pt *part) read(p plan, cfg Config, runs []run, class bool) {
	r := pt.r
	nf, nt := len(p.features), len(p.targets)
	ncol := len(r.names)
	var byName map[string]int
	if class {
		byName = make(map[string]int)
		pt.names = slices.Clone(cfg.Classes)
		for i, c := range pt.names {
			byName[c] = i
		}
	}
	var cats []int // positions of the category features
	for j, k := range p.kinds {
		switch k {
		case KindCategory:
			cats = append(cats, j)
		case kindInfer:
			if pt.text == nil {
				pt.text = make([]bool, nf)
			}
		}
	}
	if len(cats) > 0 {
		pt.levels = make([][]string, nf)
		pt.byLevel = make([]map[string]int, nf)
		for _, j := range cats {
			pt.byLevel[j] = map[string]int{}
		}
	}
	pt.kept = make([][]string, len(p.keep))
	fail := func(c int, err error) {
		pt.err = &Error{Path: r.path, Line: r.recLine, Column: r.names[c], Err: err}
	}
	nan := math.NaN()
	f32 := pt.row != nil
	for {
		xrow := pt.row
		if !f32 {
			pt.x = pt.x[:len(pt.x)+nf]
			xrow = pt.x[len(pt.x)-nf:]
		}
		if r.slow || !r.fast(runs, ncol, xrow) {
			ok, err := r.next()
			if err != nil {
				pt.err = err
				return
			}
			if !ok {
				if !f32 {
					pt.x = pt.x[:len(pt.x)-nf]
				}
				return
			}
			if len(r.spans) != ncol {
				pt.err = &Error{Path: r.path, Line: r.recLine,
					Err: fmt.Errorf("expected %d fields as in the header, found %d", ncol, len(r.spans))}
				return
			}
			for j, c := range p.features {
				k := p.kinds[j]
				if k == KindCategory {
					continue
				}
				b := r.field(c)
				if p.isMissing(b) {
					xrow[j] = nan
					continue
				}
				v, err := parseValue(b, r.dec)
				if err != nil {
					if k == kindInfer {
						if errors.Is(err, errNotNumber) {
							pt.text[j] = true
						} else if pt.soft == nil {
							pt.soft = &Error{Path: r.path, Line: r.recLine, Column: r.names[c], Err: err}
						}
						xrow[j] = nan
						continue
					}
					fail(c, err)
					return
				}
				xrow[j] = v
			}
		}
		for _, j := range cats {
			c := p.features[j]
			b := r.field(c)
			if p.isMissing(b) {
				xrow[j] = nan
				continue
			}
			code, ok := pt.byLevel[j][string(b)]
			if !ok {
				code = len(pt.levels[j])
				pt.levels[j] = append(pt.levels[j], string(b))
				pt.byLevel[j][pt.levels[j][code]] = code
			}
			xrow[j] = float64(code)
		}
		if p.weight >= 0 {
			b := r.field(p.weight)
			if p.isMissing(b) || len(b) == 0 {
				fail(p.weight, p.missingMsg("weight", b))
				return
			}
			v, err := parseValue(b, r.dec)
			if err == nil && v < 0 {
				err = fmt.Errorf("negative weight %s (weights must be finite and >= 0)", quoteValue(b))
			}
			if err != nil {
				fail(p.weight, fmt.Errorf("weight: %w", err))
				return
			}
			pt.w = append(pt.w, v)
		}
		switch {
		case nt == 0:
		case class:
			c := p.targets[0]
			b := r.field(c)
			id, ok := byName[string(b)]
			if !ok {
				switch {
				case p.isMissing(b):
					fail(c, p.missingMsg("class label", b))
					return
				case len(b) == 0:
					fail(c, errors.New("missing class label"))
					return
				case cfg.Classes != nil:
					fail(c, fmt.Errorf("class %s is not one of the known classes: %s", quoteValue(b), listNames(cfg.Classes)))
					return
				}
				id = len(pt.names)
				pt.names = append(pt.names, string(b))
				byName[pt.names[id]] = id
			}
			pt.ids = append(pt.ids, id)
		default:
			for _, c := range p.targets {
				b := r.field(c)
				if p.isMissing(b) {
					fail(c, p.missingMsg("target value", b))
					return
				}
				v, err := parseValue(b, r.dec)
				if errors.Is(err, errNotNumber) && nt == 1 {
					pt.err = &needClassError{line: r.recLine, text: string(b)} // text in a single target: classes
					return
				}
				if err != nil {
					if nt > 1 {
						err = fmt.Errorf("%w (with several target columns every target must be numeric)", err)
					}
					fail(c, err)
					return
				}
				if p.enc == encBits && v != 0 && v != 1 {
					fail(c, fmt.Errorf("bce with several target columns needs 0 or 1 in each, found %s", quoteValue(b)))
					return
				}
				pt.y = append(pt.y, v)
			}
		}
		if f32 {
			// The record is whole: round it into the float32 storage
			// (whose window has room, so append never reallocates).
			for j, v := range xrow {
				w := float32(v)
				if math.IsInf(float64(w), 0) {
					err := &Error{Path: r.path, Line: r.recLine, Column: r.names[p.features[j]], Err: float32Overflow(v)}
					if p.kinds[j] != kindInfer {
						pt.err = err
						return
					}
					// The column may yet turn out to hold text (a category):
					// then its numbers are no error.
					if pt.soft == nil {
						pt.soft = err
					}
				}
				pt.x32 = append(pt.x32, w)
			}
		}
		if pt.lines != nil {
			pt.lines = append(pt.lines, r.recLine)
		}
		for k, c := range p.keep {
			pt.kept[k] = append(pt.kept[k], string(r.field(c)))
		}
		pt.rows++
	}
}

// encodeClasses sorts the classes found (unless cfg fixed them) and fills
// Labels and the one-hot (or, for bce, single 0/1) Y.
func (s *Set) encodeClasses(ids []int, names []string, cfg Config) error {
	classes := names
	if cfg.Classes == nil {
		classes = sortClasses(names)
		if err := checkClassCount(s.Path, s.Targets[0], len(classes), len(ids)); err != nil {
			return err
		}
	}
	if cfg.Binary && len(classes) != 2 {
		return &Error{Path: s.Path, Column: s.Targets[0],
			Err: fmt.Errorf("bce needs 2 classes, found %d: %s", len(classes), listNames(classes))}
	}
	// remap[id] is the position of class id in classes.
	remap := make([]int, len(names))
	pos := make(map[string]int, len(classes))
	for i, c := range classes {
		pos[c] = i
	}
	for id, name := range names {
		remap[id] = pos[name]
	}
	s.Classes = classes
	s.Binary = cfg.Binary
	k := s.Outputs()
	if len(ids) > 0 && k > MaxCells/len(ids) {
		// An ID column as the target: its one-hot matrix would not fit.
		return &Error{Path: s.Path, Column: s.Targets[0],
			Err: fmt.Errorf("%d classes in %d rows: their one-hot targets would be more than %d values; is the target an ID column?", k, len(ids), MaxCells)}
	}
	s.Labels = make([]int, len(ids))
	s.Y = make([]float64, len(ids)*k)
	for i, id := range ids {
		l := remap[id]
		s.Labels[i] = l
		if s.Binary {
			s.Y[i] = float64(l) // the second class is y = 1
		} else {
			s.Y[i*k+l] = 1
		}
	}
	return nil
}

// sortClasses returns the class names sorted numerically when every one is
// an integer, else bytewise.
func sortClasses(names []string) []string {
	out := slices.Clone(names)
	vals := make(map[string]int64, len(names))
	for _, n := range names {
		v, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			slices.Sort(out)
			return out
		}
		vals[n] = v
	}
	slices.SortFunc(out, func(a, b string) int {
		if c := cmp.Compare(vals[a], vals[b]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return out
}

// Partition splits s into a training and a validation set by the sorted row
// lists of Split. The validation rows are copied; the training rows are
// moved down inside s's own arrays, which the training set then uses, so a
// large data set is not held twice. s must not be used afterwards.
func (s *Set) Partition(train, val []int) (*Set, *Set) {
	v := s.Subset(val)
	nf, no := len(s.Features), s.Outputs()
	for i, r := range train {
		if r < i || (i > 0 && r <= train[i-1]) {
			panic("dataset: Partition needs sorted, distinct training rows")
		}
		if r != i {
			if s.X32 != nil {
				copy(s.X32[i*nf:(i+1)*nf], s.X32[r*nf:(r+1)*nf])
			} else {
				copy(s.X[i*nf:(i+1)*nf], s.X[r*nf:(r+1)*nf])
			}
			if s.Y != nil {
				copy(s.Y[i*no:(i+1)*no], s.Y[r*no:(r+1)*no])
			}
			if s.Labels != nil {
				s.Labels[i] = s.Labels[r]
			}
			if s.Weights != nil {
				s.Weights[i] = s.Weights[r]
			}
			if s.Lines != nil {
				s.Lines[i] = s.Lines[r]
			}
			for _, k := range s.Kept {
				k[i] = k[r]
			}
		}
	}
	n := len(train)
	t := *s
	t.Rows = n
	if s.X32 != nil {
		t.X32 = s.X32[: n*nf : n*nf]
	} else {
		t.X = s.X[: n*nf : n*nf]
	}
	if s.Y != nil {
		t.Y = s.Y[: n*no : n*no]
	}
	if s.Labels != nil {
		t.Labels = s.Labels[:n:n]
	}
	if s.Weights != nil {
		t.Weights = s.Weights[:n:n]
	}
	if s.Lines != nil {
		t.Lines = s.Lines[:n:n]
	}
	if s.Kept != nil {
		t.Kept = make([][]string, len(s.Kept))
		for i, k := range s.Kept {
			t.Kept[i] = k[:n:n]
		}
	}
	return &t, v
}
