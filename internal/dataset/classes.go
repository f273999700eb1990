package dataset

import "fmt"

// Bounds on the classes of a target, checked before the one-hot Y (rows ×
// classes float64s) is allocated: 60,000 distinct values in 60,000 rows
// (an ID column given as the target) would need 28.8 GB, and could not be
// learnt anyway.
const (
	// MaxClasses is the most classes a target may have: one output unit
	// each, and a one-hot row of that many float64s.
	MaxClasses = 10_000
	// idClasses is the class count above which a target with more classes
	// than half its rows is taken for an ID: a classifier needs several
	// rows of each class, and a few rows per class of a small problem
	// (3 classes in 4 rows) is a test, not an ID.
	idClasses = 100
)

// checkClassCount returns an error naming the column when a class target
// has so many classes that it is surely not one. Only classes found in the
// data are checked: a list fixed by a model is that model's.
func checkClassCount(path, column string, classes, rows int) error {
	switch {
	case classes > idClasses && classes > rows/2:
		return &Error{Path: path, Column: column, Err: fmt.Errorf(
			"%d distinct values in %d rows: a class target needs several rows per class; this looks like an ID column, not a target (choose another data.target, or loss mse for a numeric one)",
			classes, rows)}
	case classes > MaxClasses:
		return &Error{Path: path, Column: column, Err: fmt.Errorf(
			"%d classes, more than the %d a target may have (one output unit each)", classes, MaxClasses)}
	}
	return nil
}
