package dataset

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
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
//
// Classes holds the class names as written in the file (after trimming),
// sorted numerically when every one is an integer ("2" < "7" < "10") and
// bytewise otherwise, or in the order of Config.Classes when that was given.
type Set struct {
	Path     string
	Features []string  // feature column names in use, in order
	Targets  []string  // target column names
	Classes  []string  // class names in output order, nil for numeric targets
	Binary   bool      // bce: a class target is one 0/1 column, or several targets hold 0/1
	Rows     int       // number of data rows
	X        []float64 // Rows × len(Features)
	Y        []float64 // Rows × Outputs(): one-hot over Classes (1 column if Binary), or the numeric targets; nil from LoadFeatures
	Labels   []int     // class index per row (class targets only), nil otherwise
}

// Outputs is the width of Y: the number of output units a network needs
// (1 for a Binary class target, len(Classes) for other class targets,
// len(Targets) for numeric ones, 0 for a set from LoadFeatures).
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

func loadWith(path string, data []byte, cfg Config, opt options) (*Set, error) {
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
	r.slow = opt.slow
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
	if len(cfg.Features) == 0 {
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
	s, err := parseRows(r, p, cfg, opt.parts(r))
	if errors.Is(err, errNeedClass) {
		// A single target turned out to hold text: read it as classes.
		p.enc = encClass
		r = &start
		s, err = parseRows(r, p, cfg, opt.parts(r))
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

func loadFeatures(path string, data []byte, features []string) (*Set, error) {
	return loadFeaturesWith(path, data, features, options{})
}

func loadFeaturesWith(path string, data []byte, features []string, opt options) (*Set, error) {
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
	index := make(map[string]int, len(r.names))
	for i, name := range r.names {
		index[name] = i
	}
	var p plan
	seen := make(map[string]bool, len(features))
	for _, name := range features {
		i, ok := index[name]
		if !ok {
			return nil, &Error{Path: path, Err: fmt.Errorf("feature column %q not found; the columns are: %s", name, listNames(r.names))}
		}
		if seen[name] {
			return nil, &Error{Path: path, Err: fmt.Errorf("feature column %q is listed twice", name)}
		}
		seen[name] = true
		p.features = append(p.features, i)
	}
	r.slow = opt.slow
	return parseRows(r, p, Config{}, opt.parts(r))
}

// errNeedClass stops a numeric pass over a single target that holds text.
var errNeedClass = errors.New("dataset: target holds text")

// part is a run of whole records that one goroutine reads. x, y and ids are
// windows of the set's buffers, sized by an upper bound on the part's rows,
// so appending to them never reallocates.
type part struct {
	r     *reader
	rows  int
	x, y  []float64
	ids   []int    // class ids, local to the part
	names []string // the part's classes by local id: cfg.Classes, then new ones in order of appearance
	err   error
}

// parseRows reads the data records after the header, in parallel parts
// when the file is large and has no quotes (so that every newline ends a
// record).
func parseRows(r *reader, p plan, cfg Config, chunks int) (*Set, error) {
	for i, c := range cfg.Classes {
		if slices.Contains(cfg.Classes[:i], c) {
			return nil, &Error{Path: r.path, Err: fmt.Errorf("class list has %q twice", c)}
		}
	}
	nf, nt := len(p.features), len(p.targets)
	class := nt > 0 && p.enc == encClass
	ny := nt // Y values per row while reading (classes are encoded afterwards)
	if class {
		ny = 0
	}
	featPos := make([]int, len(r.names)) // column → position among the features, or -1
	for i := range featPos {
		featPos[i] = -1
	}
	for j, c := range p.features {
		featPos[c] = j
	}
	runs := makeRuns(featPos)

	// Each part gets room for an upper bound on its rows, plus one row that
	// the reading loop fills before it learns that the input has ended.
	// A record ends at a newline or the end of the input and holds
	// len(names)−1 commas, which bounds junk with many newlines or many
	// columns by the size of the input.
	readers := r.split(chunks)
	bound := make([]int, len(readers))
	total := 0
	for i, pr := range readers {
		body := pr.data[pr.pos:]
		bound[i] = bytes.Count(body, []byte{'\n'}) + 1
		if len(r.names) > 1 {
			bound[i] = min(bound[i], bytes.Count(body, []byte{','})/(len(r.names)-1)+1)
		}
		bound[i]++
		total += bound[i]
	}
	x := make([]float64, total*nf)
	y := make([]float64, total*ny)
	var ids []int
	if class {
		ids = make([]int, total)
	}
	parts := make([]part, len(readers))
	off := 0
	for i, pr := range readers {
		end := off + bound[i]
		parts[i] = part{r: pr, x: x[off*nf : off*nf : end*nf], y: y[off*ny : off*ny : end*ny]}
		if class {
			parts[i].ids = ids[off:off:end]
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

	// The first part with a problem holds the first problem in the file.
	for i := range parts {
		if parts[i].err != nil {
			return nil, parts[i].err
		}
	}
	// Close the gaps that blank lines left between the parts, and number
	// the classes in order of first appearance over the whole file.
	rows := 0
	names := slices.Clone(cfg.Classes)
	byName := make(map[string]int)
	for i, name := range names {
		byName[name] = i
	}
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
		moveTo(x, rows*nf, pt.x)
		moveTo(y, rows*ny, pt.y)
		rows += pt.rows
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
		out = append(out, &reader{path: r.path, data: r.data[:end], pos: start, line: line, names: r.names, slow: r.slow})
		line += bytes.Count(r.data[start:end], []byte{'\n'})
		start = end
	}
	if len(out) == 0 {
		return []*reader{r}
	}
	return out
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
	fail := func(c int, err error) {
		pt.err = &Error{Path: r.path, Line: r.recLine, Column: r.names[c], Err: err}
	}
	for {
		pt.x = pt.x[:len(pt.x)+nf]
		xrow := pt.x[len(pt.x)-nf:]
		if r.slow || !r.fast(runs, ncol, xrow) {
			ok, err := r.next()
			if err != nil {
				pt.err = err
				return
			}
			if !ok {
				pt.x = pt.x[:len(pt.x)-nf]
				return
			}
			if len(r.spans) != ncol {
				pt.err = &Error{Path: r.path, Line: r.recLine,
					Err: fmt.Errorf("expected %d fields as in the header, found %d", ncol, len(r.spans))}
				return
			}
			for j, c := range p.features {
				v, err := parseValue(r.field(c))
				if err != nil {
					fail(c, err)
					return
				}
				xrow[j] = v
			}
		}
		switch {
		case nt == 0:
		case class:
			c := p.targets[0]
			b := r.field(c)
			id, ok := byName[string(b)]
			if !ok {
				switch {
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
				v, err := parseValue(b)
				if errors.Is(err, errNotNumber) && nt == 1 {
					pt.err = errNeedClass // text in a single target: classes
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
		pt.rows++
	}
}

// encodeClasses sorts the classes found (unless cfg fixed them) and fills
// Labels and the one-hot (or, for bce, single 0/1) Y.
func (s *Set) encodeClasses(ids []int, names []string, cfg Config) error {
	classes := names
	if cfg.Classes == nil {
		classes = sortClasses(names)
	}
	if cfg.Classes == nil {
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
			copy(s.X[i*nf:(i+1)*nf], s.X[r*nf:(r+1)*nf])
			if s.Y != nil {
				copy(s.Y[i*no:(i+1)*no], s.Y[r*no:(r+1)*no])
			}
			if s.Labels != nil {
				s.Labels[i] = s.Labels[r]
			}
		}
	}
	n := len(train)
	t := *s
	t.Rows = n
	t.X = s.X[: n*nf : n*nf]
	if s.Y != nil {
		t.Y = s.Y[: n*no : n*no]
	}
	if s.Labels != nil {
		t.Labels = s.Labels[:n:n]
	}
	return &t, v
}
