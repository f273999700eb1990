package run

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/spec"
)

// CheckpointVersion is the version written in a checkpoint's first line; a
// reader refuses any other.
const CheckpointVersion = 1

const checkpointMagic = "nntrain-checkpoint/"

// Checkpoint is the content of a run folder's checkpoint file: the
// training State and what the run was started with, so that a resumed run
// can be refused when it would not continue the same run.
type Checkpoint struct {
	Spec  []spec.KV // the resolved spec, spec.Flatten
	Data  []DataFile
	State *backprop.State
}

// DataFile is a data file the run reads, by key, with its size when the
// checkpoint was written: a file that changed size since is not the data
// the run was trained on.
type DataFile struct {
	Key  string // data.train or data.test
	Size int64
}

// ResumeFreeKeys may differ between a checkpoint's spec and the one that
// resumes it: train.epochs (which may grow, see CheckResume) and
// train.workers (the bytes do not depend on the worker count).
var ResumeFreeKeys = []string{"train.epochs", "train.workers"}

// checkpointMeta is what is gob-encoded before the State's bytes.
type checkpointMeta struct {
	Spec []spec.KV
	Data []DataFile
}

// NewCheckpoint is the checkpoint of the job at st.
func (j *Job) NewCheckpoint(st *backprop.State) *Checkpoint {
	return &Checkpoint{Spec: spec.Flatten(j.Spec), Data: dataFiles(j.Spec), State: st}
}

func dataFiles(s *spec.Spec) []DataFile {
	var fs []DataFile
	for _, f := range []struct{ key, path string }{{"data.train", s.Data.Train}, {"data.test", s.Data.Test}} {
		if f.path == "" {
			continue
		}
		size := int64(-1)
		if fi, err := os.Stat(f.path); err == nil {
			size = fi.Size()
		}
		fs = append(fs, DataFile{Key: f.key, Size: size})
	}
	return fs
}

// MarshalBinary encodes c as one line
//
//	nntrain-checkpoint/1 bytes=N meta=M sha256=HEX
//
// and N bytes of payload whose SHA-256 is HEX: M bytes of a gob stream of
// the spec and data files, then the State as backprop.State.MarshalBinary
// writes it. A truncated or damaged file is detected before anything is
// decoded.
func (c *Checkpoint) MarshalBinary() ([]byte, error) {
	var meta bytes.Buffer
	if err := gob.NewEncoder(&meta).Encode(checkpointMeta{Spec: c.Spec, Data: c.Data}); err != nil {
		return nil, err
	}
	sb, err := c.State.MarshalBinary()
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write(meta.Bytes())
	h.Write(sb)
	head := fmt.Sprintf("%s%d bytes=%d meta=%d sha256=%x\n", checkpointMagic, CheckpointVersion, meta.Len()+len(sb), meta.Len(), h.Sum(nil))
	b := make([]byte, 0, len(head)+meta.Len()+len(sb))
	b = append(b, head...)
	b = append(b, meta.Bytes()...)
	return append(b, sb...), nil
}

// ErrDamaged is the error of a checkpoint file that is truncated or whose
// checksum does not match.
var ErrDamaged = errors.New("damaged")

// UnmarshalBinary decodes what MarshalBinary wrote; another version, a
// truncated file or one whose checksum does not match is an error.
func (c *Checkpoint) UnmarshalBinary(data []byte) error {
	line, payload, ok := bytes.Cut(data, []byte("\n"))
	if !bytes.HasPrefix(line, []byte(checkpointMagic)) {
		return errors.New("not an nntrain checkpoint")
	}
	f := strings.Fields(string(line[len(checkpointMagic):]))
	if len(f) == 0 || f[0] != strconv.Itoa(CheckpointVersion) {
		return fmt.Errorf("unsupported checkpoint version %q (this nntrain reads version %d)", strings.Join(f[:min(len(f), 1)], ""), CheckpointVersion)
	}
	field := func(i int, name string) (string, bool) {
		if i >= len(f) {
			return "", false
		}
		return strings.CutPrefix(f[i], name+"=")
	}
	nb, ok1 := field(1, "bytes")
	nm, ok2 := field(2, "meta")
	sum, ok3 := field(3, "sha256")
	n, err1 := strconv.Atoi(nb)
	m, err2 := strconv.Atoi(nm)
	if !ok || !ok1 || !ok2 || !ok3 || len(f) != 4 || err1 != nil || err2 != nil || m < 0 || m > n {
		return fmt.Errorf("%w: its first line is cut or malformed", ErrDamaged)
	}
	if len(payload) != n {
		return fmt.Errorf("%w: %d bytes after the first line, want %d (truncated?)", ErrDamaged, len(payload), n)
	}
	if got := sha256.Sum256(payload); hex.EncodeToString(got[:]) != sum {
		return fmt.Errorf("%w: the checksum does not match the content", ErrDamaged)
	}
	var meta checkpointMeta
	if err := gob.NewDecoder(bytes.NewReader(payload[:m])).Decode(&meta); err != nil {
		return fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	st := &backprop.State{}
	if err := st.UnmarshalBinary(payload[m:]); err != nil {
		return err
	}
	*c = Checkpoint{Spec: meta.Spec, Data: meta.Data, State: st}
	return nil
}

// CheckResume says whether a run of s can continue from c: its spec must be
// the checkpoint's in every key but ResumeFreeKeys (the error names the
// first key, in the order of the contract, that differs), its data files
// the same size, and train.epochs at least the epochs the checkpoint has
// begun (its finished epochs, plus the one it stopped in part way).
func CheckResume(s *spec.Spec, c *Checkpoint, file string) error {
	now := spec.Flatten(s)
	then := map[string]string{}
	for _, kv := range c.Spec {
		then[kv.Key] = kv.Value
	}
	nowMap := map[string]string{}
	for _, kv := range now {
		nowMap[kv.Key] = kv.Value
	}
	// Walk both lists in order, so the first differing key is the
	// earliest in either.
	keys := make([]string, 0, len(now)+len(c.Spec))
	seen := map[string]bool{}
	for i := 0; i < max(len(now), len(c.Spec)); i++ {
		for _, l := range [][]spec.KV{now, c.Spec} {
			if i < len(l) && !seen[l[i].Key] {
				seen[l[i].Key] = true
				keys = append(keys, l[i].Key)
			}
		}
	}
	for _, k := range keys {
		free := false
		for _, f := range ResumeFreeKeys {
			free = free || k == f
		}
		a, inNow := nowMap[k]
		b, inThen := then[k]
		if free || (inNow == inThen && a == b) {
			continue
		}
		show := func(v string, ok bool) string {
			if !ok {
				return "not set"
			}
			return v
		}
		return s.Errorf(k, "is %s, but the run in the checkpoint %s was started with %s; a resumed run must use the spec it started with (only %s may change)",
			show(a, inNow), file, show(b, inThen), strings.Join(ResumeFreeKeys, " and "))
	}
	for _, d := range dataFiles(s) {
		for _, e := range c.Data {
			if e.Key == d.Key && e.Size != d.Size {
				path := s.Data.Train
				if d.Key == "data.test" {
					path = s.Data.Test
				}
				return fmt.Errorf("%s: has %d bytes but had %d when the checkpoint %s was written: it is not the data the run was trained on", path, d.Size, e.Size, file)
			}
		}
	}
	st := c.State
	switch {
	case st.Stopped:
	case st.Batch > 0 && s.Train.Epochs <= st.Epoch:
		return s.Errorf("train.epochs", "is %d, but the run in the checkpoint %s stopped within epoch %d; it may grow but not shrink below %d",
			s.Train.Epochs, file, st.Epoch+1, st.Epoch+1)
	case s.Train.Epochs < st.Epoch:
		return s.Errorf("train.epochs", "is %d, but the run in the checkpoint %s has finished %d epochs; it may grow but not shrink below %d",
			s.Train.Epochs, file, st.Epoch, st.Epoch)
	}
	return nil
}
