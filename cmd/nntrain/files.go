package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// outputNames are the files of a run folder.
var outputNames = []string{"model.json", "cost.csv", "metrics.json", "cost.png"}

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
	seq       int  // for tempName
	aborted   bool // set by abort: nothing may be created any more
}

var errAborted = errors.New("stopped at once by a second interrupt")

// create runs fn, which creates a file or folder under a pending name,
// unless an immediate exit has begun: abort and create exclude each other,
// so nothing is created after abort has removed what was pending.
func (c *committer) create(fn func() error) error {
	c.pendingMu.Lock()
	defer c.pendingMu.Unlock()
	if c.aborted {
		return errAborted
	}
	return fn()
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
	c.aborted = true
	for n := range c.pending {
		os.RemoveAll(n)
	}
	return c.committed, c.checkpoint
}

// A set of files is committed into a folder through a journal folder, so
// that a crash at any point (SIGKILL between two renames) leaves a state
// that recoverDir turns into the old set or the new one:
//
//	.commit-new-ID/new/NAME   the new files, synced      (crash: rolled back)
//	.commit-new-ID/old/NAME   hard links to the files they replace
//	.commit-new-ID/remove     names (folders) to delete with the commit
//	rename .commit-new-ID → .commit-ID                   the decision point
//	rename .commit-ID/new/NAME → NAME, for each file     (crash: rolled forward)
//	remove what .commit-ID/remove lists
//	rename .commit-ID → .commit-done-ID, remove it       (crash: removed)
//
// A rename that fails (rather than a crash) is undone at once from old/.
const (
	journalNew  = ".commit-new-"
	journalLive = ".commit-"
	journalDone = ".commit-done-"
)

// writeAll writes files into dir all or nothing and then removes the
// folders named in remove (a finished run's checkpoint/). If any step fails
// the folder holds exactly what it held before; after a crash, recoverDir
// (run by the next command that takes the folder) completes or undoes the
// commit. No reader ever sees a half-written file.
func (c *committer) writeAll(dir string, files []outFile, remove ...string) error {
	if err := ensureDir(dir); err != nil {
		return err
	}
	// Recovery of an earlier commit is the caller's, under the folder's
	// lock (train, predict and eval do it): done here it could undo the
	// commit of a run that holds the folder.
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
			return fmt.Errorf("%s: is a folder, cannot replace it with a file; nothing was written", p)
		} else if err == nil && !fi.Mode().IsRegular() {
			return fmt.Errorf("%s: is not a regular file, cannot replace it; nothing was written", p)
		}
	}
	// The staging folder is pending (removed by an immediate exit) from
	// before it exists until the decision point.
	staging := c.tempName(dir, journalNew)
	id := strings.TrimPrefix(filepath.Base(staging), journalNew)
	live := filepath.Join(dir, journalLive+id)
	fail := func(p string, err error) error {
		os.RemoveAll(staging)
		c.dropPending(staging)
		return fmt.Errorf("%s: %w; nothing was written", p, unwrapPath(err))
	}
	for _, sub := range []string{"new", "old"} {
		if err := c.create(func() error { return os.MkdirAll(filepath.Join(staging, sub), 0o755) }); err != nil {
			return fail(dir, fmt.Errorf("cannot write in the output folder: %w", unwrapPath(err)))
		}
	}
	for _, f := range files {
		if err := c.writeSynced(filepath.Join(staging, "new", f.name), f.data); err != nil {
			return fail(filepath.Join(dir, f.name), err)
		}
		p := filepath.Join(dir, f.name)
		if _, err := os.Lstat(p); err == nil {
			if err := c.create(func() error { return linkOrCopy(p, filepath.Join(staging, "old", f.name)) }); err != nil {
				return fail(p, fmt.Errorf("cannot keep a copy of the old file while replacing it: %w", unwrapPath(err)))
			}
		}
	}
	if len(remove) > 0 {
		if err := c.writeSynced(filepath.Join(staging, "remove"), []byte(strings.Join(remove, "\n")+"\n")); err != nil {
			return fail(dir, err)
		}
	}
	for _, sub := range []string{"new", "old", ""} {
		syncDir(filepath.Join(staging, sub))
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.rename(staging, live); err != nil {
		return fail(dir, err)
	}
	c.dropPending(staging)
	syncDir(dir)
	for i, f := range files {
		p := filepath.Join(dir, f.name)
		err := c.rename(filepath.Join(live, "new", f.name), p)
		if err == nil {
			continue
		}
		// Undo the renames done so far.
		for _, g := range files[:i] {
			q := filepath.Join(dir, g.name)
			if os.Rename(filepath.Join(live, "old", g.name), q) != nil {
				os.Remove(q)
			}
		}
		os.RemoveAll(live)
		syncDir(dir)
		return fmt.Errorf("%s: %w; nothing was written", p, unwrapPath(err))
	}
	for _, r := range remove {
		os.RemoveAll(filepath.Join(dir, r))
	}
	done := filepath.Join(dir, journalDone+id)
	if err := c.rename(live, done); err == nil {
		os.RemoveAll(done)
	}
	c.committed = true
	syncDir(dir)
	return nil
}

// recoverDir finishes what a crash interrupted in dir: a commit past its
// decision point is completed, one before it is undone, and temporary files
// of earlier versions (.NAME.tmp-*, .NAME.old-*) and of checkpoints are
// removed (those of the files named, and of checkpoint/state). The caller
// holds the folder (its run lock), or no other run is writing into it.
func recoverDir(dir string, names ...string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", dir, unwrapPath(err))
	}
	changed := false
	for _, e := range ents {
		n := e.Name()
		p := filepath.Join(dir, n)
		switch {
		case strings.HasPrefix(n, journalNew), strings.HasPrefix(n, journalDone):
			os.RemoveAll(p)
			changed = true
		case strings.HasPrefix(n, journalLive):
			news, _ := os.ReadDir(filepath.Join(p, "new"))
			for _, f := range news {
				if err := os.Rename(filepath.Join(p, "new", f.Name()), filepath.Join(dir, f.Name())); err != nil {
					return fmt.Errorf("%s: completing an interrupted commit: %w", dir, unwrapPath(err))
				}
			}
			if b, err := os.ReadFile(filepath.Join(p, "remove")); err == nil {
				for _, r := range strings.Fields(string(b)) {
					if filepath.IsLocal(r) {
						os.RemoveAll(filepath.Join(dir, r))
					}
				}
			}
			os.RemoveAll(p)
			changed = true
		case !e.IsDir() && isOldTemp(n, names):
			os.Remove(p)
			changed = true
		}
	}
	if tmps, _ := filepath.Glob(filepath.Join(dir, checkpointDir, "."+checkpointFile+".tmp-*")); len(tmps) > 0 {
		for _, t := range tmps {
			os.Remove(t)
		}
	}
	if changed {
		syncDir(dir)
	}
	return nil
}

// isOldTemp says whether n is a temporary name the committer of earlier
// versions gave one of the files names: .NAME.tmp-DIGITS or .NAME.old-DIGITS.
func isOldTemp(n string, names []string) bool {
	for _, name := range names {
		for _, kind := range []string{".tmp-", ".old-"} {
			pre := "." + name + kind
			if rest, ok := strings.CutPrefix(n, pre); ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
				return true
			}
		}
	}
	return false
}

// writeSynced creates the file p (which must not exist, and be pending or
// in a pending folder) with data, synced.
func (c *committer) writeSynced(p string, data []byte) error {
	var f *os.File
	err := c.create(func() (err error) {
		f, err = os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		return err
	})
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// linkOrCopy makes dst a second name for src, by a hard link where the
// file system allows one and by a copy otherwise.
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	return copyFile(src, dst)
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
