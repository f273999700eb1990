package dataset

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Config says which columns to use and how to encode the target.
type Config struct {
	// Target names one or more target columns (required).
	Target []string
	// Features names the input columns, in the order the network sees
	// them; empty means every non-target column in file order.
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
}

// Set is a loaded data set, row-major.
type Set struct {
	Path     string
	Features []string  // feature column names in use, in order
	Targets  []string  // target column names
	Classes  []string  // class names in output order, nil for numeric targets
	Binary   bool      // classes are encoded as one 0/1 column (bce)
	Rows     int       //
	X        []float64 // Rows × len(Features)
	Y        []float64 // Rows × Outputs(): one-hot over Classes (1 column if Binary), or the numeric targets
	Labels   []int     // class index per row (class targets only), nil otherwise
}

// Outputs is the width of Y: the number of output units a network needs.
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
		X:        make([]float64, len(rows)*nf),
	}
	Gather(t.X, s.X, nf, rows)
	if s.Y != nil {
		t.Y = make([]float64, len(rows)*no)
		Gather(t.Y, s.Y, no, rows)
	}
	if s.Labels != nil {
		t.Labels = make([]int, len(rows))
		for i, r := range rows {
			t.Labels[i] = s.Labels[r]
		}
	}
	return t
}

// Load reads a CSV file with a header row into a Set.
func Load(path string, cfg Config) (*Set, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return load(path, data, cfg)
}

// LoadFeatures reads only the named feature columns, in the order given (for
// predicting on rows that may lack the target). Every name must exist.
func LoadFeatures(path string, features []string) (*Set, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return loadFeatures(path, data, features)
}

func readFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &Error{Path: path, Err: fileErr(err)}
	}
	if fi.IsDir() {
		return nil, &Error{Path: path, Err: errors.New("is a directory, not a CSV file")}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Path: path, Err: fileErr(err)}
	}
	return data, nil
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

// plan is what a parse pass extracts from each record.
type plan struct {
	features []int // column indexes of the features
	targets  []int // column indexes of the targets
	enc      int
}

func load(path string, data []byte, cfg Config) (*Set, error) {
	return loadWith(path, data, cfg, false)
}

// loadWith is load with the choice to read every record the general way
// (slow), which tests compare against the fast path.
func loadWith(path string, data []byte, cfg Config, slow bool) (*Set, error) {
	ferr := func(format string, a ...any) error {
		return &Error{Path: path, Err: fmt.Errorf(format, a...)}
	}
	if len(cfg.Target) == 0 {
		return nil, ferr("no target column given")
	}
	r, err := newReader(path, data)
	if err != nil {
		return nil, err
	}
	if err := r.header(); err != nil {
		return nil, err
	}
	r.slow = slow
	index := make(map[string]int, len(r.names))
	for i, name := range r.names {
		index[name] = i
	}
	var p plan
	isTarget := make(map[string]bool, len(cfg.Target))
	for _, name := range cfg.Target {
		i, ok := index[name]
		if !ok {
			return nil, ferr("target column %q not found; the columns are: %s", name, listNames(r.names))
		}
		if isTarget[name] {
			return nil, ferr("target column %q is listed twice", name)
		}
		isTarget[name] = true
		p.targets = append(p.targets, i)
	}
	if cfg.Features == nil {
		for i, name := range r.names {
			if !isTarget[name] {
				p.features = append(p.features, i)
			}
		}
	} else {
		seen := make(map[string]bool, len(cfg.Features))
		for _, name := range cfg.Features {
			i, ok := index[name]
			switch {
			case !ok:
				return nil, ferr("feature column %q not found; the columns are: %s", name, listNames(r.names))
			case isTarget[name]:
				return nil, ferr("column %q is both a feature and a target", name)
			case seen[name]:
				return nil, ferr("feature column %q is listed twice", name)
			}
			seen[name] = true
			p.features = append(p.features, i)
		}
	}
	if len(p.features) == 0 {
		return nil, ferr("no feature columns (every column is a target)")
	}

	single := len(p.targets) == 1
	switch {
	case cfg.Classes != nil && !single:
		return nil, ferr("a fixed class list needs one target column, got %d: %s",
			len(cfg.Target), strings.Join(cfg.Target, ", "))
	case cfg.Classes != nil || (single && (cfg.Classify || cfg.Binary)):
		p.enc = encClass
	case cfg.Binary:
		p.enc = encBits
	default:
		p.enc = encNumeric
	}
	start := *r // the reader just after the header, for a second pass
	s, err := parseRows(r, p, cfg)
	if errors.Is(err, errNeedClass) {
		// A single target turned out to hold text: read it as classes.
		p.enc = encClass
		r = &start
		s, err = parseRows(r, p, cfg)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

func loadFeatures(path string, data []byte, features []string) (*Set, error) {
	if len(features) == 0 {
		return nil, &Error{Path: path, Err: errors.New("no feature columns given")}
	}
	r, err := newReader(path, data)
	if err != nil {
		return nil, err
	}
	if err := r.header(); err != nil {
		return nil, err
	}
	var p plan
	seen := make(map[string]bool, len(features))
	for _, name := range features {
		i := slices.Index(r.names, name)
		if i < 0 {
			return nil, &Error{Path: path, Err: fmt.Errorf("feature column %q not found; the columns are: %s", name, listNames(r.names))}
		}
		if seen[name] {
			return nil, &Error{Path: path, Err: fmt.Errorf("feature column %q is listed twice", name)}
		}
		seen[name] = true
		p.features = append(p.features, i)
	}
	p.targets = nil
	return parseRows(r, p, Config{})
}

// errNeedClass stops a numeric pass over a single target that holds text.
var errNeedClass = errors.New("dataset: target holds text")

// parseRows reads the data records after the header.
func parseRows(r *reader, p plan, cfg Config) (*Set, error) {
	// An upper bound on the rows, so that X is allocated once.
	est := bytes.Count(r.data[r.pos:], []byte{'\n'}) + 1
	nf, nt := len(p.features), len(p.targets)
	x := make([]float64, 0, est*nf)
	var y []float64
	var ids []int // class id per row, in order of first appearance (or cfg.Classes order)
	var names []string
	var byName map[string]int
	switch {
	case nt == 0:
	case p.enc == encClass:
		ids = make([]int, 0, est)
		byName = make(map[string]int)
		for i, c := range cfg.Classes {
			if _, dup := byName[c]; dup {
				return nil, &Error{Path: r.path, Err: fmt.Errorf("class list has %q twice", c)}
			}
			byName[c] = i
		}
		names = slices.Clone(cfg.Classes)
	default:
		y = make([]float64, 0, est*nt)
	}
	ncol := len(r.names)
	featPos := make([]int, ncol) // column → position among the features, or -1
	for i := range featPos {
		featPos[i] = -1
	}
	for j, c := range p.features {
		featPos[c] = j
	}
	rows := 0
	for {
		x = slices.Grow(x, nf)[:len(x)+nf]
		xrow := x[len(x)-nf:]
		if r.slow || !r.fast(featPos, xrow) {
			ok, err := r.next()
			if err != nil {
				return nil, err
			}
			if !ok {
				x = x[:len(x)-nf]
				break
			}
			if len(r.spans) != ncol {
				return nil, &Error{Path: r.path, Line: r.recLine,
					Err: fmt.Errorf("expected %d fields as in the header, found %d", ncol, len(r.spans))}
			}
			for j, c := range p.features {
				v, err := parseValue(r.field(c))
				if err != nil {
					return nil, &Error{Path: r.path, Line: r.recLine, Column: r.names[c], Err: err}
				}
				xrow[j] = v
			}
		}
		switch {
		case nt == 0:
		case p.enc == encClass:
			c := p.targets[0]
			b := r.field(c)
			id, ok := byName[string(b)]
			if !ok {
				switch {
				case len(b) == 0:
					return nil, &Error{Path: r.path, Line: r.recLine, Column: r.names[c], Err: errors.New("missing class label")}
				case cfg.Classes != nil:
					return nil, &Error{Path: r.path, Line: r.recLine, Column: r.names[c],
						Err: fmt.Errorf("class %s is not one of the known classes: %s", quoteValue(b), listNames(cfg.Classes))}
				}
				id = len(names)
				names = append(names, string(b))
				byName[names[id]] = id
			}
			ids = append(ids, id)
		default:
			for _, c := range p.targets {
				b := r.field(c)
				v, err := parseFloat(b)
				if err != nil && len(b) > 0 && nt == 1 && !errors.Is(err, strconv.ErrRange) {
					return nil, errNeedClass
				}
				v, err = parseValue(b)
				if err != nil {
					if nt > 1 {
						err = fmt.Errorf("%w (with several target columns every target must be numeric)", err)
					}
					return nil, &Error{Path: r.path, Line: r.recLine, Column: r.names[c], Err: err}
				}
				if p.enc == encBits && v != 0 && v != 1 {
					return nil, &Error{Path: r.path, Line: r.recLine, Column: r.names[c],
						Err: fmt.Errorf("bce with several target columns needs 0 or 1 in each, found %s", quoteValue(b))}
				}
				y = append(y, v)
			}
		}
		rows++
	}
	if rows == 0 {
		return nil, &Error{Path: r.path, Err: errors.New("no data rows after the header")}
	}
	s := &Set{Path: r.path, Rows: rows, X: x[: rows*nf : rows*nf]}
	for _, c := range p.features {
		s.Features = append(s.Features, r.names[c])
	}
	for _, c := range p.targets {
		s.Targets = append(s.Targets, r.names[c])
	}
	switch {
	case nt == 0:
	case p.enc == encClass:
		if err := s.encodeClasses(ids, names, cfg); err != nil {
			return nil, err
		}
	default:
		s.Y = y
		s.Binary = p.enc == encBits
	}
	return s, nil
}

// encodeClasses sorts the classes found (unless cfg fixed them) and fills
// Labels and the one-hot (or, for bce, single 0/1) Y.
func (s *Set) encodeClasses(ids []int, names []string, cfg Config) error {
	classes := names
	if cfg.Classes == nil {
		classes = sortClasses(names)
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
	s.Labels = make([]int, len(ids))
	k := s.Outputs()
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
