package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/run"
)

// costFile is the name of the cost rows file in checkpoint/, beside state.
const costFile = "cost.csv"

// costStream is a run's cost.csv, written row by row as epochs end instead
// of kept in memory. With checkpoints it is checkpoint/cost.csv, appended
// to across resumes, and each checkpoint records how many of its bytes
// (and rows) are valid; without, it is a temporary file in the run folder,
// pending in the committer (an immediate exit removes it). The finished
// file becomes the run's cost.csv in the commit.
type costStream struct {
	path string
	temp bool // the temporary file of a run without checkpoints
	f    *os.File
	w    *bufio.Writer
	h    hash.Hash // SHA-256 of the bytes written so far
	n    int64     // bytes written so far
	rows int
	line []byte
	job  *run.Job
	err  error // the first write error
}

// openCostStream starts the cost rows of j's run in outDir: a fresh file
// with cost.csv's header, or with ck (a resume) the checkpoint's file cut
// back to the length ck records. A file shorter than that, or whose
// recorded part does not have the recorded checksum, is a damaged
// checkpoint.
func openCostStream(j *run.Job, files *committer, outDir string, checkpoints bool, ck *run.Checkpoint, ckFile string) (*costStream, error) {
	cs := &costStream{job: j, h: sha256.New()}
	if !checkpoints {
		cs.temp = true
		cs.path = files.tempName(outDir, "."+costFile+".tmp-")
		err := files.create(func() (err error) {
			cs.f, err = os.OpenFile(cs.path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
			return err
		})
		if err != nil {
			files.dropPending(cs.path)
			return nil, fmt.Errorf("%s: %w", filepath.Join(outDir, costFile), unwrapPath(err))
		}
		return cs, cs.header()
	}
	dir := filepath.Join(outDir, checkpointDir)
	cs.path = filepath.Join(dir, costFile)
	if ck == nil {
		if err := ensureDir(dir); err != nil {
			return nil, err
		}
		// The state of an earlier run goes first: it would not match the
		// fresh rows file.
		if err := os.Remove(filepath.Join(dir, checkpointFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		return cs.rewrite(dir, nil)
	}
	damaged := func(format string, a ...any) error {
		return fmt.Errorf("%s: %s; the checkpoint %s is damaged, cannot resume from it (start the run again without --resume)", cs.path, fmt.Sprintf(format, a...), ckFile)
	}
	want := ck.Cost
	if want.Bytes == 0 && len(ck.State.Epochs) == ck.State.Epoch {
		// A checkpoint of an earlier nntrain: the rows are in the state.
		return cs.rewrite(dir, ck.State.Epochs)
	}
	if want.Rows != ck.State.Epoch || want.Bytes <= 0 {
		return nil, damaged("the checkpoint records %d rows (%d bytes) for %d finished epochs", want.Rows, want.Bytes, ck.State.Epoch)
	}
	f, err := os.OpenFile(cs.path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil, damaged("missing")
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cs.path, unwrapPath(err))
	}
	cs.f = f
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, damaged("not a regular file")
	}
	if fi.Size() < want.Bytes {
		f.Close()
		return nil, damaged("has %d bytes, but the checkpoint records %d (%d rows): truncated", fi.Size(), want.Bytes, want.Rows)
	}
	if _, err := io.CopyN(cs.h, f, want.Bytes); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", cs.path, unwrapPath(err))
	}
	if !bytes.Equal(cs.h.Sum(nil), want.Sum) {
		f.Close()
		return nil, damaged("its first %d bytes do not have the checksum the checkpoint records", want.Bytes)
	}
	// Rows written after the checkpoint, before the run stopped, go: the
	// resumed run writes them again.
	if err := f.Truncate(want.Bytes); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", cs.path, unwrapPath(err))
	}
	if _, err := f.Seek(want.Bytes, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", cs.path, unwrapPath(err))
	}
	cs.w = bufio.NewWriterSize(f, 64<<10)
	cs.n, cs.rows = want.Bytes, want.Rows
	return cs, nil
}

// rewrite starts the file afresh with rows.
func (cs *costStream) rewrite(dir string, rows []backprop.Epoch) (*costStream, error) {
	if err := ensureDir(dir); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(cs.path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cs.path, unwrapPath(err))
	}
	cs.f = f
	if err := cs.header(); err != nil {
		return nil, err
	}
	for _, e := range rows {
		if err := cs.add(e); err != nil {
			return nil, err
		}
	}
	return cs, nil
}

func (cs *costStream) header() error {
	cs.w = bufio.NewWriterSize(cs.f, 64<<10)
	cs.write(cs.job.CostHeader())
	return cs.err
}

func (cs *costStream) write(b []byte) {
	if cs.err != nil {
		return
	}
	cs.h.Write(b)
	_, cs.err = cs.w.Write(b)
	cs.n += int64(len(b))
}

// add is the Trainer's epoch sink: it appends e's row.
func (cs *costStream) add(e backprop.Epoch) error {
	cs.line = cs.job.AppendCostRow(cs.line[:0], e)
	cs.write(cs.line)
	cs.rows++
	if cs.err != nil {
		return fmt.Errorf("%s: %w", cs.path, unwrapPath(cs.err))
	}
	return nil
}

// mark flushes the rows so far to the file and says what a checkpoint taken
// now records of it; sync (which may run beside later adds) makes them
// durable before the checkpoint's state is written.
func (cs *costStream) mark() (run.CostFile, error) {
	if cs.err == nil {
		cs.err = cs.w.Flush()
	}
	if cs.err != nil {
		return run.CostFile{}, fmt.Errorf("%s: %w", cs.path, unwrapPath(cs.err))
	}
	return run.CostFile{Rows: cs.rows, Bytes: cs.n, Sum: cs.h.Sum(nil)}, nil
}

func (cs *costStream) sync() error {
	if err := cs.f.Sync(); err != nil {
		return fmt.Errorf("%s: %w", cs.path, unwrapPath(err))
	}
	return nil
}

// finish flushes, syncs and closes the file: it is the run's cost.csv.
func (cs *costStream) finish() error {
	if _, err := cs.mark(); err != nil {
		return err
	}
	if err := cs.sync(); err != nil {
		return err
	}
	err := cs.f.Close()
	cs.f = nil
	return err
}

// close ends the stream of a run that stops without a commit: the file of a
// run with checkpoints stays (the checkpoint's part of it is whole), a
// temporary one goes.
func (cs *costStream) close(files *committer) {
	if cs.f != nil {
		if !cs.temp {
			cs.w.Flush()
		}
		cs.f.Close()
		cs.f = nil
	}
	if cs.temp {
		os.Remove(cs.path)
		files.dropPending(cs.path)
	}
}
