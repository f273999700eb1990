package spec

import (
	"fmt"
	"strconv"
)

// Error is a mistake in a spec file or in an override of it. Its message
// starts with where the value came from: "FILE:LINE" for the file (or just
// "FILE" when no line applies, e.g. a missing top-level key), or the
// override itself ("--set train.epochs=abc", "NNTRAIN_TRAIN_EPOCHS=abc").
type Error struct {
	File   string // the spec file as given to Load
	Line   int    // 1-based line in File; 0 when none applies or Source is set
	Source string // the override that supplied the value; "" when it came from the file
	Key    string // dotted key path; "" when the error is not about one key
	Msg    string
}

func (e *Error) Error() string {
	s := e.where()
	if e.Key != "" {
		s += ": " + e.Key
	}
	return s + ": " + e.Msg
}

func (e *Error) where() string {
	switch {
	case e.Source != "":
		return clip(e.Source)
	case e.Line > 0:
		return e.File + ":" + strconv.Itoa(e.Line)
	default:
		return e.File
	}
}

// pos is where a value came from.
type pos struct {
	file   string
	line   int
	source string
}

func (p pos) String() string { return (&Error{File: p.file, Line: p.line, Source: p.source}).where() }

func (p pos) errorf(key, format string, args ...any) *Error {
	return &Error{File: p.file, Line: p.line, Source: p.source, Key: key, Msg: fmt.Sprintf(format, args...)}
}

// clip cuts an override quoted at the start of a message to 80 characters,
// so that a 14 KB variable name or value still gives one short line.
func clip(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:77]) + "..."
	}
	return s
}
