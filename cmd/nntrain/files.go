package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

type outFile struct {
	name string
	data []byte
}

// ensureDir creates the run folder, or says why it cannot be one.
func ensureDir(dir string) error {
	if err := checkDir(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) && pe.Path != dir {
			return fmt.Errorf("%s: cannot create the output folder: %s: %w", dir, pe.Path, pe.Err)
		}
		return fmt.Errorf("%s: cannot create the output folder: %w", dir, unwrapPath(err))
	}
	return nil
}

// checkDir fails early, before a long run, when dir cannot become the run
// folder: it or one of its parents is a file. It creates nothing, so a run
// that fails later leaves no trace.
func checkDir(dir string) error {
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err == nil {
			if fi.IsDir() {
				return nil
			}
			if p == filepath.Clean(dir) {
				return fmt.Errorf("%s: is a file, want a folder for the run's outputs (output.dir or --out)", dir)
			}
			return fmt.Errorf("%s: cannot create the output folder: %s is a file", dir, p)
		}
		if !errors.Is(err, os.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return fmt.Errorf("%s: cannot use as the output folder: %w", dir, unwrapPath(err))
		}
		if filepath.Dir(p) == p {
			return nil
		}
	}
}

// committer writes sets of files all or nothing and knows, for an
// immediate exit on a second interrupt, what is in flight. The command owns
// one (streams.files); nothing here is package state.
type committer struct {
	// rename is os.Rename; tests make it fail part way through a set.
	rename func(oldpath, newpath string) error

	// mu is held while files are being renamed into place; a second
	// interrupt takes it before exiting, so the process never dies between
	// two renames of one set.
	mu sync.Mutex
	// committed is set, under mu, once a set of files has been renamed
	// into place, so that an immediate exit can say so.
	committed bool
	// checkpoint is, under mu, the checkpoint file last renamed into
	// place, "" when none was.
	checkpoint string

	// pending lists temporary files that exist right now, so that an
	// immediate exit can remove them.
	pendingMu sync.Mutex
	pending   map[string]bool
	seq       int // for tempName
}

func newCommitter() *committer {
	return &committer{rename: os.Rename, pending: map[string]bool{}}
}

// tempName returns a fresh name in dir starting with prefix, already
// recorded as pending: an immediate exit that comes before the file is
// created, or just after, removes it all the same.
func (c *committer) tempName(dir, prefix string) string {
	c.pendingMu.Lock()
	defer c.pendingMu.Unlock()
	for {
		c.seq++
		name := filepath.Join(dir, fmt.Sprintf("%s%d-%d", prefix, os.Getpid(), c.seq))
		if _, err := os.Lstat(name); errors.Is(err, os.ErrNotExist) && !c.pending[name] {
			c.pending[name] = true
			return name
		}
	}
}

func (c *committer) addPending(name string) {
	c.pendingMu.Lock()
	c.pending[name] = true
	c.pendingMu.Unlock()
}

func (c *committer) dropPending(name string) {
	c.pendingMu.Lock()
	delete(c.pending, name)
	c.pendingMu.Unlock()
}

// abort is the immediate exit's part: it waits for a rename in progress,
// removes every temporary file still lying around, and says whether a set
// had been committed. It keeps mu, so no later rename can start.
func (c *committer) abort() (committed bool, checkpoint string) {
	c.mu.Lock()
	c.pendingMu.Lock()
	defer c.pendingMu.Unlock()
	for n := range c.pending {
		os.Remove(n)
	}
	return c.committed, c.checkpoint
}

// writeAll writes files into dir all or nothing. Each is first written and
// synced to a temporary name; then every existing file it replaces is kept
// under a backup name (a hard link, so the file never disappears) and the
// new ones are renamed over the old. If any step fails, the old files are
// renamed back and the new ones removed, so the folder holds exactly what
// it held before; no reader ever sees a half-written file.
func (c *committer) writeAll(dir string, files []outFile) error {
	if err := ensureDir(dir); err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
			return fmt.Errorf("%s: is a folder, cannot replace it with a file; nothing was written", p)
		} else if err == nil && !fi.Mode().IsRegular() {
			return fmt.Errorf("%s: is not a regular file, cannot replace it; nothing was written", p)
		}
	}
	var tmps []string
	cleanup := func() {
		for _, t := range tmps {
			os.Remove(t)
			c.dropPending(t)
		}
	}
	for _, f := range files {
		t, err := os.CreateTemp(dir, "."+f.name+".tmp-*")
		if err != nil {
			cleanup()
			return fmt.Errorf("%s: cannot write in the output folder: %w; nothing was written", dir, unwrapPath(err))
		}
		tmps = append(tmps, t.Name())
		c.addPending(t.Name())
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
			return fmt.Errorf("%s: %w; nothing was written", filepath.Join(dir, f.name), unwrapPath(err))
		}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	// Keep every file about to be replaced.
	backups := make([]string, len(files))
	dropBackups := func() {
		for _, b := range backups {
			if b != "" {
				os.Remove(b)
				c.dropPending(b)
			}
		}
	}
	for i, f := range files {
		p := filepath.Join(dir, f.name)
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			continue
		}
		b, err := c.backup(dir, p)
		if err != nil {
			dropBackups()
			cleanup()
			return fmt.Errorf("%s: cannot keep a copy of the old file while replacing it: %w; nothing was written", p, unwrapPath(err))
		}
		backups[i] = b
	}
	for i, f := range files {
		p := filepath.Join(dir, f.name)
		err := c.rename(tmps[i], p)
		if err == nil {
			c.dropPending(tmps[i])
			continue
		}
		// Undo the renames done so far.
		for k := range i {
			q := filepath.Join(dir, files[k].name)
			if backups[k] != "" {
				os.Rename(backups[k], q)
				c.dropPending(backups[k])
				backups[k] = ""
			} else {
				os.Remove(q)
			}
		}
		dropBackups()
		cleanup()
		return fmt.Errorf("%s: %w; nothing was written", p, unwrapPath(err))
	}
	dropBackups()
	c.committed = true
	syncDir(dir)
	return nil
}

// backup makes a second name for the file at p in dir, by a hard link where
// the file system allows one and by a copy otherwise.
func (c *committer) backup(dir, p string) (string, error) {
	f, err := os.CreateTemp(dir, "."+filepath.Base(p)+".old-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	c.addPending(name)
	f.Close()
	os.Remove(name)
	if err := os.Link(p, name); err == nil {
		return name, nil
	}
	if err := copyFile(p, name); err != nil {
		os.Remove(name)
		c.dropPending(name)
		return "", err
	}
	return name, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes the renames durable; where a folder cannot be synced the
// files are still complete, so errors are ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
