package spec

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
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
		return shorten(e.Source)
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

// maxSource is how much of an override a message quotes: a 14 KB variable
// name must not flood the terminal.
const maxSource = 80

// shorten cuts an override to maxSource bytes (at a rune boundary) and says
// how long it was; control characters are escaped so the message stays on
// one line.
func shorten(s string) string {
	n := len(s)
	if n > maxSource {
		cut := maxSource
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "… (" + strconv.Itoa(n) + " bytes)"
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		// Escaped as Go would quote it, without the quotes, so the message
		// still starts with "--set" or the variable's name.
		q := strconv.Quote(s)
		return q[1 : len(q)-1]
	}
	return s
}
