package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// lockName is the file in a run folder whose flock marks the folder as held
// by a run; it holds that run's pid, for the message of a second run.
const lockName = ".nntrain.lock"

// dirLock is a run's exclusive hold on its folder.
type dirLock struct {
	f     *os.File
	c     *committer // whose immediate exit removes the lock file
	path  string
	dir   string
	fresh bool // the folder was created for this run
}

// lockDir creates dir if needed and takes it for this run: a second run
// (in this or another process) gets an error naming the holder's pid. The
// lock is the kernel's (flock), so a run that dies, even by SIGKILL,
// releases it; an immediate exit (a second Ctrl-C) through c removes its
// file.
func lockDir(dir string, c *committer) (*dirLock, error) {
	_, err := os.Stat(dir)
	fresh := errors.Is(err, os.ErrNotExist)
	if err := ensureDir(dir); err != nil {
		return nil, err
	}
	p := filepath.Join(dir, lockName)
	for range 100 {
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("%s: cannot lock the run folder: %w", dir, unwrapPath(err))
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			b := make([]byte, 32)
			n, _ := f.ReadAt(b, 0)
			f.Close()
			if errors.Is(err, unix.EWOULDBLOCK) {
				pid := strings.TrimSpace(string(b[:n]))
				if _, perr := strconv.Atoi(pid); perr != nil {
					pid = "unknown: it is just starting"
				}
				return nil, fmt.Errorf("%s: is in use by another nntrain run (pid %s); wait for it to end, or use another --out", dir, pid)
			}
			return nil, fmt.Errorf("%s: cannot lock the run folder: %w", dir, err)
		}
		// The holder before us removes the file as it releases it; a lock
		// on a removed file holds nothing, so take the new one.
		var held, now unix.Stat_t
		if unix.Fstat(int(f.Fd()), &held) != nil || unix.Stat(p, &now) != nil || held.Ino != now.Ino || held.Dev != now.Dev {
			f.Close()
			continue
		}
		if err := f.Truncate(0); err == nil {
			f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		}
		c.addPending(p)
		return &dirLock{f: f, c: c, path: p, dir: dir, fresh: fresh}, nil
	}
	return nil, fmt.Errorf("%s: cannot lock the run folder: its lock file keeps changing", dir)
}

// release gives the folder up: the lock file is removed while still held,
// then closed; a folder created for a run that left nothing in it goes too.
func (l *dirLock) release() {
	os.Remove(l.path)
	l.c.dropPending(l.path)
	l.f.Close()
	if l.fresh {
		os.Remove(l.dir) // only if empty
	}
}

// recoverModelDir completes or undoes an interrupted commit in the folder
// of a model a command reads (predict, eval), so that the model it reads
// belongs with the folder's other files. A folder held by a running run is
// left to that run.
func recoverModelDir(modelPath string, c *committer) {
	dir := filepath.Dir(modelPath)
	js, _ := filepath.Glob(filepath.Join(dir, journalLive+"*"))
	if len(js) == 0 {
		return
	}
	l, err := lockDir(dir, c)
	if err != nil {
		return
	}
	defer l.release()
	recoverDir(dir, outputNames...)
}
