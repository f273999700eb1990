package dataset

import (
	"errors"
	"fmt"
	"strconv"
)

// Format is how a file's cells are written: the field separator, the
// decimal mark of numbers and the texts that mean "missing" (data.delimiter,
// data.decimal, data.missing). The zero value is a comma-separated file
// with '.' decimals and no missing texts.
type Format struct {
	Delimiter byte     // ',' (0 means ','), ';', '\t' or '|'
	Decimal   byte     // '.' (0 means '.') or ','; not ',' with a ',' separator
	Missing   []string // a cell whose trimmed text is one of these is missing
}

// DefaultMissing is data.missing when a spec does not set it.
var DefaultMissing = []string{"", "NA", "N/A", "NaN", "nan", "NULL", "null"}

// Delimiters are the accepted separators, as a spec writes them.
var Delimiters = []string{",", ";", "\t", "|"}

// ParseDelimiter reads a separator as a spec gives it: one of , ; | or a
// tab (also written \t).
func ParseDelimiter(s string) (byte, error) {
	if s == `\t` {
		s = "\t"
	}
	switch s {
	case ",", ";", "\t", "|":
		return s[0], nil
	}
	return 0, fmt.Errorf(`must be one of ",", ";", "\t" (tab), "|"; got %s`, quoteText(s))
}

// ParseDecimal reads a decimal mark: "." or ",".
func ParseDecimal(s string) (byte, error) {
	switch s {
	case ".", ",":
		return s[0], nil
	}
	return 0, fmt.Errorf(`must be "." or ","; got %s`, quoteText(s))
}

// resolve fills in the defaults and checks the combination.
func (f Format) resolve() (Format, error) {
	if f.Delimiter == 0 {
		f.Delimiter = ','
	}
	if f.Decimal == 0 {
		f.Decimal = '.'
	}
	if _, err := ParseDelimiter(string(f.Delimiter)); err != nil {
		return f, fmt.Errorf("delimiter %w", err)
	}
	if _, err := ParseDecimal(string(f.Decimal)); err != nil {
		return f, fmt.Errorf("decimal %w", err)
	}
	if f.Decimal == f.Delimiter {
		return f, errors.New(`decimal "," needs a delimiter other than "," (";" is usual with decimal commas)`)
	}
	return f, nil
}

// missingNumber reports whether a missing text is a plain number (say
// -999) that the reader's fast path would take for a value: every cell is
// then checked against the missing texts before it is read as a number.
// (Other forms, NaN among them, never take the fast path.)
func (f Format) missingNumber() bool {
	for _, m := range f.Missing {
		if _, ok := parseSimple([]byte(m), f.Decimal); ok {
			return true
		}
	}
	return false
}

// Kind is what a source column holds.
type Kind uint8

const (
	KindNumber   Kind = iota + 1 // numbers, used as they are (after imputation and normalisation)
	KindCategory                 // texts, one-hot encoded
)

// ParseKind reads "number" or "category".
func ParseKind(s string) (Kind, error) {
	switch s {
	case "number":
		return KindNumber, nil
	case "category":
		return KindCategory, nil
	}
	return 0, fmt.Errorf(`kind must be "number" or "category", got %s`, strconv.Quote(s))
}

func (k Kind) String() string {
	switch k {
	case KindNumber:
		return "number"
	case KindCategory:
		return "category"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText writes the kind as model.json does.
func (k Kind) MarshalText() ([]byte, error) {
	if k != KindNumber && k != KindCategory {
		return nil, fmt.Errorf("dataset: no text for %v", k)
	}
	return []byte(k.String()), nil
}

// UnmarshalText reads a kind as model.json writes it.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}
