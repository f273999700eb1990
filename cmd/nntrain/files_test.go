package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteAllRollsBack makes the k-th rename of a set fail and checks that
// the folder then holds exactly what it held before: the replaced files
// restored, the new ones removed, no temporary or backup file left.
func TestWriteAllRollsBack(t *testing.T) {
	files := []outFile{{"a.txt", []byte("new a")}, {"b.txt", []byte("new b")}, {"c.txt", []byte("new c")}}
	for fail := range len(files) {
		for _, existing := range [][]string{{"a.txt", "b.txt", "c.txt"}, {"b.txt"}, nil} {
			name := files[fail].name + " fails, existing " + strings.Join(existing, ",")
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				before := map[string]string{}
				for _, n := range existing {
					before[n] = "old " + n
					writeFiles(t, dir, map[string]string{n: before[n]})
				}
				calls := 0
				c := newCommitter()
				c.rename = func(from, to string) error {
					defer func() { calls++ }()
					if calls == fail {
						return &os.LinkError{Op: "rename", Old: from, New: to, Err: errors.New("injected failure")}
					}
					return os.Rename(from, to)
				}
				err := c.writeAll(dir, files)
				if err == nil || !strings.Contains(err.Error(), "injected failure") || !strings.Contains(err.Error(), filepath.Join(dir, files[fail].name)) {
					t.Fatalf("got error %v, want the injected failure naming %s", err, files[fail].name)
				}
				ents, _ := os.ReadDir(dir)
				if len(ents) != len(before) {
					var names []string
					for _, e := range ents {
						names = append(names, e.Name())
					}
					t.Errorf("got files %v, want only %v", names, existing)
				}
				for n, want := range before {
					if got, err := os.ReadFile(filepath.Join(dir, n)); err != nil || string(got) != want {
						t.Errorf("%s: got %q (%v), want %q", n, got, err, want)
					}
				}
			})
		}
	}
}

func TestWriteAllReplaces(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "run")
	for _, content := range []string{"first", "second"} {
		if err := newCommitter().writeAll(dir, []outFile{{"a.txt", []byte(content)}, {"b.txt", []byte(content + " b")}}); err != nil {
			t.Fatal(err)
		}
		for n, want := range map[string]string{"a.txt": content, "b.txt": content + " b"} {
			if got, _ := os.ReadFile(filepath.Join(dir, n)); string(got) != want {
				t.Errorf("%s: got %q, want %q", n, got, want)
			}
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 2 {
			t.Errorf("got %d entries, want 2 (a temporary or backup file was left)", len(ents))
		}
	}
}
