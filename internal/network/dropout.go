package network

import (
	"fmt"
	"math/rand/v2"
)

// Dropout is the random stream of a run's dropout masks. A training forward
// pass (ForwardTrain) draws, for every layer with a dropout probability p,
// one mask of m×Out values, serially and in layer order, so the masks do not
// depend on the number of workers:
//
//	mask = 1/(1−p) with probability 1−p, else 0       (inverted dropout)
//	A_out = A ⊙ mask                                 (what the next layer reads)
//
// as PyTorch's F.dropout in training mode (noise.bernoulli_(1−p).div_(1−p);
// input·noise). Evaluation (Forward) never drops anything.
//
// The stream's state is the PCG's, which MarshalBinary and UnmarshalBinary
// save and restore, so a resumed run draws the masks an uninterrupted one
// would have.
type Dropout struct {
	src *rand.PCG
	rng *rand.Rand

	// Fill, when set, replaces the random draw: it sets each of the m×Out
	// values of a layer's mask to 1 (keep) or 0 (drop), which ForwardTrain
	// then scales by 1/(1−p). Tests use it to replay masks made elsewhere
	// (a PyTorch fixture's); layer counts from 0.
	Fill func(layer int, mask []float64)

	// Hold, when set, makes ForwardTrain reuse the masks already in the
	// workspace instead of drawing new ones (a gradient check holds the
	// masks of its first pass fixed).
	Hold bool

	fill []float64 // what Fill writes into
}

// fillBuf returns a buffer of n values for Fill (a test hook: it may
// allocate on first use).
func (d *Dropout) fillBuf(n int) []float64 {
	if cap(d.fill) < n {
		d.fill = make([]float64, n)
	}
	return d.fill[:n]
}

// NewDropout returns the stream seeded with (seed, stream), as
// rand.NewPCG(seed, stream).
func NewDropout(seed, stream uint64) *Dropout {
	src := rand.NewPCG(seed, stream)
	return &Dropout{src: src, rng: rand.New(src)}
}

// MarshalBinary returns the stream's state.
func (d *Dropout) MarshalBinary() ([]byte, error) { return d.src.MarshalBinary() }

// UnmarshalBinary restores a state from MarshalBinary.
func (d *Dropout) UnmarshalBinary(b []byte) error { return d.src.UnmarshalBinary(b) }

// HasDropout reports whether any layer drops units while training.
func (n *NetOf[T]) HasDropout() bool {
	for _, l := range n.Layers {
		if l.Dropout > 0 {
			return true
		}
	}
	return false
}

// drawMask fills mask (m×Out of layer i, whose dropout is p) and sets
// out = a ⊙ mask. The draws are float64 whatever T is, so both precisions
// drop the same units; the scale 1/(1−p) is rounded to T.
func drawMask[T Float](d *Dropout, i int, p float64, mask, out, a []T) {
	scale := T(1 / (1 - p))
	switch {
	case d.Hold:
	case d.Fill != nil:
		keep := d.fillBuf(len(mask))
		d.Fill(i, keep)
		for j, k := range keep {
			if k != 0 && k != 1 {
				panic(fmt.Sprintf("network: Dropout.Fill set mask value %v of layer %d, want 0 or 1", k, i))
			}
			mask[j] = T(k) * scale
		}
	default:
		for j := range mask {
			if d.rng.Float64() < p {
				mask[j] = 0
			} else {
				mask[j] = scale
			}
		}
	}
	for j, k := range mask {
		out[j] = a[j] * k
	}
}
