package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

type outFile struct {
	name string
	data []byte
}

func ensureDir(dir string) error {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fmt.Errorf("%s: output folder is a file", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create output folder: %w", err)
	}
	return nil
}

// writeAll writes every file to a temporary name in dir first and renames
// them only when all were written, so a failure leaves earlier files as they
// were and no reader ever sees a half-written file.
func writeAll(dir string, files []outFile) error {
	if err := ensureDir(dir); err != nil {
		return err
	}
	var tmps []string
	cleanup := func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}
	for _, f := range files {
		t, err := os.CreateTemp(dir, "."+f.name+".tmp-*")
		if err != nil {
			cleanup()
			return fmt.Errorf("cannot write in %s: %w", dir, unwrapPath(err))
		}
		tmps = append(tmps, t.Name())
		_, err = t.Write(f.data)
		if err == nil {
			err = t.Sync()
		}
		if cerr := t.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(t.Name(), 0o644)
		}
		if err != nil {
			cleanup()
			return fmt.Errorf("%s: %w", filepath.Join(dir, f.name), unwrapPath(err))
		}
	}
	for i, f := range files {
		if err := os.Rename(tmps[i], filepath.Join(dir, f.name)); err != nil {
			cleanup()
			return fmt.Errorf("%s: %w", filepath.Join(dir, f.name), unwrapPath(err))
		}
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
