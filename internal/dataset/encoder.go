package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// NumberImpute is how a missing number cell is filled (data.impute.number).
type NumberImpute uint8

const (
	ImputeMean        NumberImpute = iota // the mean of the column's training values
	ImputeMedian                          // the middle value, or the mean of the two middle values
	ImputeZero                            // 0
	ImputeNumberError                     // a missing cell is an error
)

// CategoryImpute is how a missing category cell is filled
// (data.impute.category).
type CategoryImpute uint8

const (
	ImputeMostFrequent  CategoryImpute = iota // the commonest training category (ties: the first in sorted order)
	ImputeOwnCategory                         // a category of its own, named "" ("missing" in a spec)
	ImputeCategoryError                       // a missing cell is an error
)

// Impute says how missing cells are filled; the zero value is the default
// (mean, most_frequent).
type Impute struct {
	Number   NumberImpute
	Category CategoryImpute
}

// The spec's names of the imputations, in the order of the constants.
var (
	NumberImputes   = []string{"mean", "median", "zero", "error"}
	CategoryImputes = []string{"most_frequent", "missing", "error"}
)

// ParseNumberImpute reads data.impute.number.
func ParseNumberImpute(s string) (NumberImpute, error) {
	if i := slices.Index(NumberImputes, s); i >= 0 {
		return NumberImpute(i), nil
	}
	return 0, fmt.Errorf("must be one of %s, got %s", strings.Join(NumberImputes, ", "), strconv.Quote(s))
}

// ParseCategoryImpute reads data.impute.category.
func ParseCategoryImpute(s string) (CategoryImpute, error) {
	if i := slices.Index(CategoryImputes, s); i >= 0 {
		return CategoryImpute(i), nil
	}
	return 0, fmt.Errorf("must be one of %s, got %s", strings.Join(CategoryImputes, ", "), strconv.Quote(s))
}

func (m NumberImpute) String() string   { return NumberImputes[m] }
func (m CategoryImpute) String() string { return CategoryImputes[m] }

// Column is one source column as a trained model applies it to raw rows:
// a number (imputed, then normalised) or a category (imputed, then one
// input per category). In model.json (format 2) it is
//
//	{"name": "sex", "kind": "category", "categories": ["female", "male"], "fill": "male"}
//	{"name": "age", "kind": "number", "fill": 29.69}
//
// with "fill" absent when a missing cell is an error.
type Column struct {
	Name       string
	Kind       Kind
	Categories []string // category columns: the training categories, in input order
	Fill       float64  // number columns: the value of a missing cell
	FillText   string   // category columns: the category of a missing cell
	HasFill    bool     // false when a missing cell is an error
}

// columnJSON is Column as model.json holds it.
type columnJSON struct {
	Name       string          `json:"name"`
	Kind       Kind            `json:"kind"`
	Categories []string        `json:"categories,omitempty"`
	Fill       json.RawMessage `json:"fill,omitempty"`
}

// MarshalJSON writes the column as model.json format 2 does; a number
// fill is written in its shortest form that reads back to the same bits.
func (c Column) MarshalJSON() ([]byte, error) {
	j := columnJSON{Name: c.Name, Kind: c.Kind, Categories: c.Categories}
	if c.Kind == KindCategory && j.Categories == nil {
		j.Categories = []string{}
	}
	if c.HasFill {
		var err error
		if c.Kind == KindNumber {
			j.Fill, err = json.Marshal(c.Fill)
		} else {
			j.Fill, err = json.Marshal(c.FillText)
		}
		if err != nil {
			return nil, fmt.Errorf("column %s: fill: %w", quoteText(c.Name), err)
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a column of model.json format 2; Encoder.Validate
// checks it against the others.
func (c *Column) UnmarshalJSON(b []byte) error {
	var j columnJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*c = Column{Name: j.Name, Kind: j.Kind, Categories: j.Categories}
	if len(j.Fill) == 0 || bytes.Equal(j.Fill, []byte("null")) {
		return nil
	}
	c.HasFill = true
	switch c.Kind {
	case KindNumber:
		if err := json.Unmarshal(j.Fill, &c.Fill); err != nil {
			return fmt.Errorf("column %s: fill of a number column must be a number, got %s", quoteText(c.Name), j.Fill)
		}
	case KindCategory:
		if err := json.Unmarshal(j.Fill, &c.FillText); err != nil {
			return fmt.Errorf("column %s: fill of a category column must be a text, got %s", quoteText(c.Name), j.Fill)
		}
	}
	return nil
}

// Mark is a one-character separator or decimal mark, a string in JSON.
type Mark byte

func (m Mark) MarshalText() ([]byte, error) { return []byte{byte(m)}, nil }

func (m *Mark) UnmarshalText(b []byte) error {
	if len(b) != 1 {
		return fmt.Errorf("must be one character, got %s", strconv.Quote(string(b)))
	}
	*m = Mark(b[0])
	return nil
}

// Encoder turns the raw rows of a file (a Set from LoadTable) into network
// inputs: missing cells imputed, categories one-hot encoded in place of
// their column. It is fitted on the training rows (Fit) and stored with the
// model, whose model.json (format 2) holds its fields under these keys, so
// that predict and eval apply exactly the same map to new rows (Apply).
type Encoder struct {
	Columns   []Column `json:"columns"`
	Missing   []string `json:"missing"`
	Delimiter Mark     `json:"delimiter"`
	Decimal   Mark     `json:"decimal"`
}

// NumberEncoder is the encoder of a model without one (nntrain-model/1):
// every feature a number, nothing missing, commas and decimal points.
func NumberEncoder(features []string) *Encoder {
	e := &Encoder{Delimiter: ',', Decimal: '.'}
	for _, f := range features {
		e.Columns = append(e.Columns, Column{Name: f, Kind: KindNumber})
	}
	return e
}

// Format is the file format the encoder was fitted on.
func (e *Encoder) Format() Format {
	return Format{Delimiter: byte(e.Delimiter), Decimal: byte(e.Decimal), Missing: e.Missing}
}

// Config sets cfg up to read a file for the encoder: its columns, with
// their kinds fixed, and its format (which a caller may then override).
func (e *Encoder) Config(cfg Config) Config {
	cfg.Features = make([]string, len(e.Columns))
	cfg.Kinds = make([]Kind, len(e.Columns))
	for i, c := range e.Columns {
		cfg.Features[i], cfg.Kinds[i] = c.Name, c.Kind
	}
	cfg.Categorical = nil
	cfg.Exclude = nil
	cfg.Format = e.Format()
	return cfg
}

// Inputs returns the names of the network inputs: a number column's name,
// or column=category for each category of a category column.
func (e *Encoder) Inputs() []string {
	var names []string
	for _, c := range e.Columns {
		if c.Kind == KindNumber {
			names = append(names, c.Name)
			continue
		}
		for _, cat := range c.Categories {
			names = append(names, c.Name+"="+cat)
		}
	}
	return names
}

// width is the number of inputs of column c.
func (c *Column) width() int {
	if c.Kind == KindCategory {
		return len(c.Categories)
	}
	return 1
}

// NumberInputs reports, per input, whether it comes from a number column.
func (e *Encoder) NumberInputs() []bool {
	var out []bool
	for _, c := range e.Columns {
		for range c.width() {
			out = append(out, c.Kind == KindNumber)
		}
	}
	return out
}

// Validate checks an encoder read from a model file.
func (e *Encoder) Validate() error {
	if len(e.Columns) == 0 {
		return errors.New("columns: none listed")
	}
	seen := map[string]bool{}
	for i, c := range e.Columns {
		at := fmt.Sprintf("columns[%d]", i)
		switch {
		case c.Name == "":
			return fmt.Errorf("%s: the name is empty", at)
		case seen[c.Name]:
			return fmt.Errorf("%s: %s is listed twice", at, quoteText(c.Name))
		case c.Kind != KindNumber && c.Kind != KindCategory:
			return fmt.Errorf("%s: kind must be number or category", at)
		case c.Kind == KindNumber && c.Categories != nil:
			return fmt.Errorf("%s: a number column has no categories", at)
		case c.Kind == KindNumber && c.HasFill && (math.IsNaN(c.Fill) || math.IsInf(c.Fill, 0)):
			return fmt.Errorf("%s: fill must be finite", at)
		case c.Kind == KindCategory && len(c.Categories) == 0:
			return fmt.Errorf("%s: a category column needs at least one category", at)
		case c.Kind == KindCategory && c.HasFill && !slices.Contains(c.Categories, c.FillText) && c.FillText != "":
			return fmt.Errorf("%s: fill %s is not one of the categories", at, quoteText(c.FillText))
		}
		seen[c.Name] = true
		cats := map[string]bool{}
		for _, cat := range c.Categories {
			if cats[cat] {
				return fmt.Errorf("%s: category %s is listed twice", at, quoteText(cat))
			}
			cats[cat] = true
		}
	}
	if _, err := (Format{Delimiter: byte(e.Delimiter), Decimal: byte(e.Decimal)}).resolve(); err != nil {
		return err
	}
	return nil
}

// MaxCells bounds the values of an encoded input matrix (8 GiB of float64):
// past it a run would fail with an out-of-memory crash instead of a message.
const MaxCells = 1 << 30

// Fit fits an encoder on the training rows of a raw Set (from LoadTable,
// after the validation split): per number column the imputed value, per
// category column the categories seen (sorted as classes are: integers
// numerically, other text bytewise; the "" of ImputeOwnCategory first) and
// the imputed category. categorical is data.categorical: a category column
// listed there may have any number of categories; any other with more
// distinct texts than half the rows is taken for an ID and refused.
func Fit(train *Set, imp Impute, categorical []string) (*Encoder, error) {
	if train.Columns == nil {
		panic("dataset: Fit needs a raw set from LoadTable")
	}
	if train.X32 != nil {
		return fit(train, train.X32, imp, categorical)
	}
	return fit(train, train.X, imp, categorical)
}

// fit is Fit on the raw inputs x (train.X or train.X32); the statistics
// are computed in float64 from the stored values.
func fit[T float](train *Set, x []T, imp Impute, categorical []string) (*Encoder, error) {
	e := &Encoder{Missing: train.Format.Missing, Delimiter: Mark(train.Format.Delimiter), Decimal: Mark(train.Format.Decimal)}
	nf := len(train.Columns)
	colErr := func(name string, format string, a ...any) error {
		return &Error{Path: train.Path, Column: name, Err: fmt.Errorf(format, a...)}
	}
	for j, sc := range train.Columns {
		c := Column{Name: sc.Name, Kind: sc.Kind}
		// Only the median needs the values themselves; the mean is summed
		// as the rows go by, so a wide all-number file is not copied, and
		// only when it is the fill (an exact sum costs more than a copy).
		keep := sc.Kind == KindNumber && imp.Number == ImputeMedian
		summed := sc.Kind == KindNumber && imp.Number == ImputeMean
		var vals []float64
		var sum fsummer
		counts := make([]int, len(sc.Levels))
		missing, n := 0, 0
		for i := range train.Rows {
			v := float64(x[i*nf+j])
			switch {
			case math.IsNaN(v):
				missing++
			case sc.Kind == KindNumber:
				n++
				if summed {
					sum.add(v)
				}
				if keep {
					vals = append(vals, v)
				}
			default:
				counts[int(v)]++
			}
		}
		if missing == train.Rows {
			return nil, colErr(sc.Name, "every cell of the %d training rows is missing; add the column to data.exclude", train.Rows)
		}
		if sc.Kind == KindNumber {
			c.HasFill = imp.Number != ImputeNumberError
			switch imp.Number {
			case ImputeMean:
				c.Fill = fsumMean(&sum, n, x[j:], nf)
			case ImputeMedian:
				c.Fill = median(vals)
			}
			if math.IsInf(c.Fill, 0) {
				return nil, colErr(sc.Name, "the %s of the training values overflows float64; scale the column down", imp.Number)
			}
			e.Columns = append(e.Columns, c)
			continue
		}
		var seen []string
		for code, n := range counts {
			if n > 0 {
				seen = append(seen, sc.Levels[code])
			}
		}
		if 2*len(seen) > train.Rows && !slices.Contains(categorical, sc.Name) {
			return nil, colErr(sc.Name, "%d different texts in %d training rows: this looks like an ID, not a category; add the column to data.exclude (or list it in data.categorical to one-hot encode it anyway)",
				len(seen), train.Rows)
		}
		c.Categories = sortCategories(seen)
		switch imp.Category {
		case ImputeMostFrequent:
			// The most frequent; of a tie, the first in category order
			// (walking the sorted categories, not comparing positions per
			// tie, which was quadratic in the categories).
			code := make(map[string]int, len(sc.Levels))
			for k, text := range sc.Levels {
				code[text] = k
			}
			best := -1
			for _, cat := range c.Categories {
				if k := code[cat]; best < 0 || counts[k] > counts[best] {
					best = k
				}
			}
			c.FillText, c.HasFill = sc.Levels[best], true
		case ImputeOwnCategory:
			c.FillText, c.HasFill = "", true
			if missing > 0 && !slices.Contains(c.Categories, "") {
				c.Categories = append([]string{""}, c.Categories...)
			}
		}
		e.Columns = append(e.Columns, c)
	}
	inputs := e.Inputs()
	seen := make(map[string]bool, len(inputs))
	for _, in := range inputs {
		if seen[in] {
			return nil, &Error{Path: train.Path, Err: fmt.Errorf("two inputs would be named %s (a column name and a column=category name meet); rename a column", quoteText(in))}
		}
		seen[in] = true
	}
	return e, nil
}

// fsummer sums float64s correctly rounded: Shewchuk's exact partials, as
// Python's math.fsum keeps them. The mean fill is then the same whatever
// the order of the rows, and it is what NumPy's and Python's means give.
type fsummer struct{ partials []float64 }

func (f *fsummer) add(v float64) {
	i := 0
	for _, y := range f.partials {
		if math.Abs(v) < math.Abs(y) {
			v, y = y, v
		}
		hi := v + y
		lo := y - (hi - v)
		if lo != 0 {
			f.partials[i] = lo
			i++
		}
		v = hi
	}
	f.partials = append(f.partials[:i], v)
}

// sum is the correctly rounded sum of what was added; with an overflow on
// the way it is ±Inf or NaN.
func (f *fsummer) sum() float64 {
	p := f.partials
	n := len(p)
	if n == 0 {
		return 0
	}
	// Add the partials from the largest down while the sum stays exact,
	// then round half-even across the partials that remain.
	n--
	hi, lo := p[n], 0.0
	for n > 0 {
		n--
		v, y := hi, p[n]
		hi = v + y
		lo = y - (hi - v)
		if lo != 0 {
			break
		}
	}
	if n > 0 && ((lo < 0 && p[n-1] < 0) || (lo > 0 && p[n-1] > 0)) {
		y := lo * 2
		v := hi + y
		if v-hi == y {
			hi = v
		}
	}
	return hi
}

// fsumMean is f's sum over count values; when the sum overflows,
// Σ(x/count) over the non-NaN values of column x[0], x[stride],
// x[2·stride], … (float32 values never overflow the sum, but a set of
// either kind goes through here).
func fsumMean[T float](f *fsummer, count int, x []T, stride int) float64 {
	n := float64(count)
	if s := f.sum(); !math.IsInf(s, 0) && !math.IsNaN(s) {
		return s / n
	}
	s := 0.0
	for i := 0; i < len(x); i += stride {
		if v := float64(x[i]); !math.IsNaN(v) {
			s += v / n
		}
	}
	return s
}

// median is the middle value of x, or the mean of the two middle values.
func median(x []float64) float64 {
	v := slices.Clone(x)
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	a, b := v[n/2-1], v[n/2]
	if m := (a + b) / 2; !math.IsInf(m, 0) {
		return m
	}
	return a/2 + b/2
}

// sortCategories sorts as sortClasses does, with "" (ImputeOwnCategory's)
// before every other text.
func sortCategories(texts []string) []string {
	var rest []string
	empty := false
	for _, t := range texts {
		if t == "" {
			empty = true
		} else {
			rest = append(rest, t)
		}
	}
	out := sortClasses(rest)
	if empty {
		out = append([]string{""}, out...)
	}
	return out
}

// Unseen counts the rows of one category column whose inputs Apply left at
// zero: the cell holds a category the training rows did not have, or is
// missing while the training rows had no missing cell to make the ""
// category of ImputeOwnCategory.
type Unseen struct {
	Column  string
	Rows    int    // rows with a category the training rows did not have
	Example string // the first such category
	Missing int    // missing cells without a "" category
}

func (u Unseen) String() string {
	var parts []string
	if u.Rows > 0 {
		parts = append(parts, fmt.Sprintf("%s a category that the training rows did not have (the first: %s)", rowsHave(u.Rows), quoteText(u.Example)))
	}
	if u.Missing > 0 {
		parts = append(parts, fmt.Sprintf(`%s a missing cell, and the training rows had none to make a "" category`, rowsHave(u.Missing)))
	}
	return fmt.Sprintf("column %s: %s; their %s inputs are all 0", quoteText(u.Column), strings.Join(parts, "; "), quoteText(u.Column))
}

func rowsHave(n int) string {
	if n == 1 {
		return "1 row has"
	}
	return strconv.Itoa(n) + " rows have"
}

// Apply encodes a raw Set read for the encoder (LoadTable with e.Config):
// each missing cell takes its column's fill (an error naming the row when
// the column has none), each category column becomes its one-hot block. It
// returns the encoded set, which has the same rows, targets and weights,
// and per category column with unknown categories how many rows had one.
// A set of number columns only is encoded in place.
func (e *Encoder) Apply(s *Set) (*Set, []Unseen, error) {
	if len(s.Columns) != len(e.Columns) {
		return nil, nil, &Error{Path: s.Path, Err: fmt.Errorf("read %d columns for an encoder of %d", len(s.Columns), len(e.Columns))}
	}
	for j, c := range e.Columns {
		if sc := s.Columns[j]; sc.Name != c.Name || sc.Kind != c.Kind {
			return nil, nil, &Error{Path: s.Path, Column: sc.Name,
				Err: fmt.Errorf("read as a %s column where the encoder has the %s column %s", sc.Kind, c.Kind, quoteText(c.Name))}
		}
	}
	nf := len(e.Columns)
	width := 0
	offset := make([]int, nf)
	numbersOnly := true
	for j := range e.Columns {
		offset[j] = width
		width += e.Columns[j].width()
		numbersOnly = numbersOnly && e.Columns[j].Kind == KindNumber
	}
	if s.Rows > 0 && width > MaxCells/s.Rows {
		return nil, nil, &Error{Path: s.Path, Err: fmt.Errorf("%d rows × %d inputs after one-hot encoding is more than %d values; exclude columns with many categories",
			s.Rows, width, MaxCells)}
	}
	missingErr := func(i, j int) error {
		key := "number"
		if e.Columns[j].Kind == KindCategory {
			key = "category"
		}
		e := &Error{Path: s.Path, Column: e.Columns[j].Name,
			Err: fmt.Errorf("missing value, and data.impute.%s is error", key)}
		if s.Lines != nil {
			e.Line = s.Lines[i]
		}
		return e
	}
	out := *s
	out.Columns = nil
	out.Features = e.Inputs()
	if numbersOnly {
		// The raw matrix is the input matrix: fill it where it stands (a
		// large all-number file is not held twice).
		var err error
		if s.X32 != nil {
			err = fillMissing(e, s.X32, s.Rows, missingErr)
		} else {
			err = fillMissing(e, s.X, s.Rows, missingErr)
		}
		if err != nil {
			return nil, nil, err
		}
		return &out, nil, nil
	}
	// lookup[j][code] is the input of level code of category column j
	// within its block, or -1.
	lookup := make([][]int, nf)
	fillAt := make([]int, nf)
	for j, c := range e.Columns {
		if c.Kind != KindCategory {
			continue
		}
		pos := make(map[string]int, len(c.Categories))
		for k, cat := range c.Categories {
			pos[cat] = k
		}
		lookup[j] = make([]int, len(s.Columns[j].Levels))
		for code, text := range s.Columns[j].Levels {
			if k, ok := pos[text]; ok {
				lookup[j][code] = k
			} else {
				lookup[j][code] = -1
			}
		}
		fillAt[j] = -1
		if k, ok := pos[c.FillText]; ok && c.HasFill {
			fillAt[j] = k
		}
	}
	// The raw codes are float64 (X); a Float32 set's encoded inputs go to
	// X32, its numbers already float32 values.
	src := s.X64()
	var err error
	var unseen []Unseen
	if s.Float32 {
		out.X, out.X32 = nil, make([]float32, s.Rows*width)
		unseen, err = encodeRows(e, s, src, out.X32, width, offset, lookup, fillAt, missingErr)
	} else {
		out.X, out.X32 = make([]float64, s.Rows*width), nil
		unseen, err = encodeRows(e, s, src, out.X, width, offset, lookup, fillAt, missingErr)
	}
	if err != nil {
		return nil, nil, err
	}
	var report []Unseen
	for j, u := range unseen {
		if u.Rows > 0 || u.Missing > 0 {
			u.Column = e.Columns[j].Name
			report = append(report, u)
		}
	}
	return &out, report, nil
}

// fillMissing puts each number column's fill into its missing (NaN) cells
// of x, rows × len(e.Columns) row-major, or returns missingErr(row, column)
// for a column without one.
func fillMissing[T float](e *Encoder, x []T, rows int, missingErr func(i, j int) error) error {
	nf := len(e.Columns)
	for i := range rows {
		row := x[i*nf : (i+1)*nf]
		for j, v := range row {
			if !math.IsNaN(float64(v)) {
				continue
			}
			if !e.Columns[j].HasFill {
				return missingErr(i, j)
			}
			row[j] = T(e.Columns[j].Fill)
		}
	}
	return nil
}

// encodeRows writes the encoded inputs of the raw rows src (s.Rows ×
// len(e.Columns)) to x (s.Rows × width): numbers (filled when missing) at
// their offset, a 1 at each category's place in its block. It returns, per
// column, the rows left at zero.
func encodeRows[T float](e *Encoder, s *Set, src []float64, x []T, width int, offset []int, lookup [][]int, fillAt []int,
	missingErr func(i, j int) error) ([]Unseen, error) {
	nf := len(e.Columns)
	unseen := make([]Unseen, nf)
	for i := range s.Rows {
		row := src[i*nf : (i+1)*nf]
		dst := x[i*width : (i+1)*width]
		for j, v := range row {
			c := &e.Columns[j]
			if c.Kind == KindNumber {
				if math.IsNaN(v) {
					if !c.HasFill {
						return nil, missingErr(i, j)
					}
					v = c.Fill
				}
				dst[offset[j]] = T(v)
				continue
			}
			if math.IsNaN(v) {
				if !c.HasFill {
					return nil, missingErr(i, j)
				}
				if k := fillAt[j]; k >= 0 {
					dst[offset[j]+k] = 1
				} else {
					unseen[j].Missing++
				}
				continue
			}
			k := lookup[j][int(v)]
			if k < 0 {
				if unseen[j].Rows == 0 {
					unseen[j].Example = s.Columns[j].Levels[int(v)]
				}
				unseen[j].Rows++
				continue
			}
			dst[offset[j]+k] = 1
		}
	}
	return unseen, nil
}

// FitNorm fits the normalisation of kind on an encoded training set: the
// statistics of number inputs (as FitNorm computes them), offset 0 and
// scale 1 for one-hot inputs, which stay 0/1. Statistics that overflow
// float64 (values near ±1e308) are an error naming the column.
func (e *Encoder) FitNorm(kind NormKind, s *Set) (Norm, error) {
	nin := len(s.Features)
	var n Norm
	if s.X32 != nil {
		n = FitNorm32(kind, s.X32, s.Rows, nin)
	} else {
		n = FitNorm(kind, s.X, s.Rows, nin)
	}
	isNum := e.NumberInputs()
	if len(isNum) != nin {
		panic(fmt.Sprintf("dataset: Encoder.FitNorm: %d inputs in the set, %d in the encoder", nin, len(isNum)))
	}
	for j, num := range isNum {
		if !num {
			n.Offset[j], n.Scale[j] = 0, 1
			continue
		}
		if o, sc := n.Offset[j], n.Scale[j]; math.IsInf(o, 0) || math.IsNaN(o) || math.IsInf(sc, 0) || math.IsNaN(sc) {
			return Norm{}, &Error{Path: s.Path, Column: s.Features[j], Key: "normalize",
				Err: fmt.Errorf("the %s statistics of the column overflow float64 (offset %g, scale %g): its values are too large; scale the column down or use another normalize", kind, o, sc)}
		}
	}
	return n, nil
}
