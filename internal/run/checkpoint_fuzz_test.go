package run

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/nntrain/nntrain/internal/network"
	"github.com/nntrain/nntrain/internal/spec"
)

// FuzzCheckpoint feeds the checkpoint reader payloads under a valid first
// line (the checksum would stop a fuzzer at once otherwise), so the gob
// decoding of the spec and the State, and Restore into a fresh job, meet
// hostile bytes: they may fail, never panic.
//
//	go test -run '^$' -fuzz '^FuzzCheckpoint$' -fuzztime 60s -parallel 1 ./internal/run/
func FuzzCheckpoint(f *testing.F) {
	sp, err := spec.Load("../../configs/iris.yaml", []string{"train.epochs=2"}, nil)
	if err != nil {
		f.Fatal(err)
	}
	j, err := Load(sp)
	if err != nil {
		f.Fatal(err)
	}
	if err := j.Init(""); err != nil {
		f.Fatal(err)
	}
	pool := network.NewPool(1)
	defer pool.Close()
	tr, err := j.Trainer(pool)
	if err != nil {
		f.Fatal(err)
	}
	good, err := j.NewCheckpoint(tr.State()).MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	var c Checkpoint
	if err := c.UnmarshalBinary(good); err != nil {
		f.Fatalf("a checkpoint does not read back: %v", err)
	}
	// The seed is the payload of a real checkpoint, with its meta length.
	nl := 0
	for good[nl] != '\n' {
		nl++
	}
	var n, m int
	var sum string
	if _, err := fmt.Sscanf(string(good[len(checkpointMagic):nl]), "1 bytes=%d meta=%d sha256=%s", &n, &m, &sum); err != nil {
		f.Fatal(err)
	}
	f.Add(good[nl+1:], m)
	f.Add([]byte{}, 0)
	f.Fuzz(func(t *testing.T, payload []byte, meta int) {
		if meta < 0 || meta > len(payload) {
			return
		}
		head := fmt.Sprintf("%s%d bytes=%d meta=%d sha256=%x\n", checkpointMagic, CheckpointVersion, len(payload), meta, sha256.Sum256(payload))
		var c Checkpoint
		if err := c.UnmarshalBinary(append([]byte(head), payload...)); err != nil {
			return
		}
		tr, err := j.Trainer(pool)
		if err != nil {
			t.Fatal(err)
		}
		_ = tr.Restore(c.State) // may refuse; must not panic
	})
}
