package main

import (
	"fmt"
	"io"
	"os"

	"github.com/nntrain/nntrain/internal/spec"
)

// readInput reads a whole input file, refusing what is not a regular file
// (a device such as /dev/zero would be read forever, a FIFO may block).
func readInput(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: is %s, not a regular file", path, fileKind(fi.Mode()))
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	return b, nil
}

// fileKind names what a non-regular file is, for messages.
func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// checkInput refuses an input that is not a regular file: a device
// (/dev/zero, /dev/urandom) would be read forever and a FIFO may block, or
// be read once by a check and found empty by the load. A missing file or a
// folder is left to the reader, whose messages say so. flag names where the
// path came from ("--data", "data.test").
func checkInput(path, flag string) error {
	if path == "" {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() || fi.Mode().IsRegular() {
		return nil
	}
	return fmt.Errorf("%s: is %s, not a regular file (%s); nntrain reads its inputs from regular files", path, fileKind(fi.Mode()), flag)
}

// checkSpecInputs checks the spec's data files with checkInput.
func checkSpecInputs(sp *spec.Spec) error {
	if err := checkInput(sp.Data.Train, "data.train in "+sp.File); err != nil {
		return err
	}
	return checkInput(sp.Data.Test, "data.test in "+sp.File)
}

// input is a file a command reads, with the flag or key that named it.
type input struct{ flag, path string }

// checkOutputNotInput refuses an output path that names one of the
// command's inputs (the same file after resolving paths, symlinks and hard
// links), which writing would replace. cmd is the command's name for the
// message; outFlag how the output was named.
func checkOutputNotInput(cmd, outFlag, out string, inputs ...input) error {
	for _, in := range inputs {
		if in.path != "" && sameFile(in.path, out) {
			return fmt.Errorf("nntrain %s: %s %s is the %s file %s: writing it would replace an input; write elsewhere", cmd, outFlag, out, in.flag, in.path)
		}
	}
	return nil
}

// sameFile says out names the existing file in (an input), through a
// symbolic link, a hard link or another spelling of the path.
func sameFile(in, out string) bool {
	ii, err := os.Stat(in)
	if err != nil {
		return false
	}
	oi, err := os.Stat(out)
	return err == nil && os.SameFile(ii, oi)
}
