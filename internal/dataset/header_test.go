package dataset

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestHeaderMatchesLoad(t *testing.T) {
	for _, tc := range []struct {
		name, data string
	}{
		{"plain", "a,b,y\n1,2,3\n"},
		{"bom crlf", "\xef\xbb\xbfa, b ,y\r\n1,2,3\r\n"},
		{"quoted newline", "\"a\nx\",\"b,c\",y\n1,2,3\n"},
		{"header only without newline", "a,b,y"},
		{"leading blank lines", "\n \r\na,b,y\n1,2,3\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "d.csv")
			if err := os.WriteFile(path, []byte(tc.data), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := Header(path)
			if err != nil {
				t.Fatal(err)
			}
			r, err := newReader(path, []byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if err := r.header(); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, r.names) {
				t.Errorf("Header = %q, want %q", got, r.names)
			}
		})
	}
}

func TestHeaderErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, data, want string
	}{
		{"empty", "", "empty file"},
		{"duplicate", "a,a,y\n1,2,3\n", "duplicate column name"},
		{"binary", "a,\x00b\n", "binary data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".csv")
			os.WriteFile(path, []byte(tc.data), 0o644)
			_, err := Header(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("got %v, want an error naming %s with %q", err, path, tc.want)
			}
		})
	}
	if _, err := Header(dir); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("a folder: got %v", err)
	}
}
