package metrics

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// CostLog is the per-epoch log written to cost.csv. Columns starts with
// "epoch" and "train_loss", then the columns that exist for the run
// ("val_loss", "train_accuracy", "val_accuracy", or "train_r2", "val_r2", ...);
// each row has one value per column, epoch counted from 1.
type CostLog struct {
	Columns []string
	Rows    [][]float64
}

// NewCostLog returns an empty log with the given columns.
func NewCostLog(columns ...string) *CostLog {
	return &CostLog{Columns: append([]string(nil), columns...)}
}

// Append adds one epoch's row; it panics when the row does not have one
// value per column.
func (c *CostLog) Append(row ...float64) {
	if len(row) != len(c.Columns) {
		panic(fmt.Sprintf("metrics: CostLog.Append: %d values for %d columns", len(row), len(c.Columns)))
	}
	c.Rows = append(c.Rows, append([]float64(nil), row...))
}

// Column returns a copy of the named column's values, or nil when there is
// no such column.
func (c *CostLog) Column(name string) []float64 {
	j := slices.Index(c.Columns, name)
	if j < 0 {
		return nil
	}
	out := make([]float64, len(c.Rows))
	for i, row := range c.Rows {
		out[i] = row[j]
	}
	return out
}

// WriteCSV writes the header and one line per row. The epoch column is
// written as an integer; other values by strconv.FormatFloat(v, 'g', -1, 64),
// the shortest text that reads back to the same float64 (NaN, +Inf and -Inf
// as Go spells them). It returns an error when the columns do not start with
// epoch, a row has the wrong length, or an epoch is not a whole number.
func (c *CostLog) WriteCSV(w io.Writer) error {
	if len(c.Columns) == 0 || c.Columns[0] != "epoch" {
		return fmt.Errorf("metrics: cost log columns %q: want epoch first", c.Columns)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(c.Columns); err != nil {
		return err
	}
	rec := make([]string, len(c.Columns))
	for i, row := range c.Rows {
		if len(row) != len(c.Columns) {
			return fmt.Errorf("metrics: cost log row %d: %d values for %d columns", i+1, len(row), len(c.Columns))
		}
		if e := row[0]; e != math.Trunc(e) || math.Abs(e) > 1<<53 {
			return fmt.Errorf("metrics: cost log row %d: epoch %v is not a whole number", i+1, e)
		}
		rec[0] = strconv.FormatInt(int64(row[0]), 10)
		for j := 1; j < len(row); j++ {
			rec[j] = strconv.FormatFloat(row[j], 'g', -1, 64)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadCostCSV reads what WriteCSV writes. Errors name the line and column;
// the caller adds the file name.
func ReadCostCSV(r io.Reader) (*CostLog, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("empty file: want a header starting with epoch,train_loss")
	}
	if err != nil {
		return nil, err
	}
	if len(header) < 2 || header[0] != "epoch" || header[1] != "train_loss" {
		return nil, fmt.Errorf("line 1: header %q: want epoch,train_loss first", header)
	}
	c := &CostLog{Columns: slices.Clone(header)}
	for j, name := range c.Columns {
		// A column is a metric's name; a line break in one (a quoted "\r\n")
		// would not even read back as written: encoding/csv turns it into "\n".
		if strings.ContainsFunc(name, unicode.IsControl) {
			return nil, fmt.Errorf("line 1, column %d: name %q holds a control character", j+1, name)
		}
		if slices.Index(c.Columns, name) != j {
			return nil, fmt.Errorf("line 1, column %d: %q repeats column %d", j+1, name, slices.Index(c.Columns, name)+1)
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return c, nil
		}
		if err != nil {
			return nil, err // csv.ParseError carries the line and column
		}
		line, _ := cr.FieldPos(0)
		row := make([]float64, len(rec))
		epoch, err := strconv.ParseInt(rec[0], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("line %d, column \"epoch\": not a whole number: %q", line, rec[0])
		}
		row[0] = float64(epoch)
		for j := 1; j < len(rec); j++ {
			v, err := strconv.ParseFloat(rec[j], 64)
			if err != nil {
				return nil, fmt.Errorf("line %d, column %q: not a number: %q", line, c.Columns[j], rec[j])
			}
			row[j] = v
		}
		c.Rows = append(c.Rows, row)
	}
}
