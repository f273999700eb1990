package dataset

import (
	"math/rand/v2"
	"runtime"
)

// Prepared is the data of a training run, ready for the network: the
// training rows, the validation rows split from them and the test rows,
// each encoded and normalised by what was fitted on the training rows.
type Prepared struct {
	Train, Val, Test *Set // Val nil without a validation split, Test nil without a test file
	Encoder          *Encoder
	Norm             Norm
	// ValUnseen and TestUnseen count the rows whose categories the
	// training rows did not have (all-zero blocks).
	ValUnseen, TestUnseen []Unseen
}

// Plan says how to prepare a training run's data (from a spec's data keys).
type Plan struct {
	Train, Test string // paths; Test "" when there is none; "-" reads Config.Stdin
	// Config has the targets, features, exclude, categorical, weight and
	// format; Classes must be nil (they come from the training file).
	Config          Config
	Impute          Impute
	Normalize       NormKind
	ValidationSplit float64 // in [0, 1)
	// Split draws the validation rows; nil when ValidationSplit is 0.
	Split *rand.Rand
	// Check, when not nil, sees the raw training file before anything else
	// is done (the caller matches the output layer to the classes).
	Check func(all *Set) error
	// SplitErr, when the split leaves no training or no validation row,
	// makes the error (the caller names the spec key).
	SplitErr func(rows, train, val int) error
}

// Prepare reads the training file, splits off the validation rows (a
// stratified sample for class targets), fits the encoder and the
// normalisation on the remaining training rows and applies both to the
// training, validation and test rows:
//
//	load → split → Fit → Apply → FitNorm → Norm.Apply
//
// Imputation values and categories thus never see a validation or test row.
// With p.Config.Float32 every set holds its inputs in X32 (rounded to
// float32 as read; the statistics are computed in float64 from those
// values, each normalised input in float64 and rounded once).
func Prepare(p Plan) (*Prepared, error) {
	if p.Test != "" && p.Test != StdinPath {
		// Fail fast on a missing or headerless test file, before the
		// training file (which may be large) is read.
		if _, err := HeaderFormat(p.Test, p.Config.Format); err != nil {
			return nil, err
		}
	}
	all, err := LoadTable(p.Train, p.Config)
	if err != nil {
		return nil, err
	}
	// The CSV's bytes are garbage now. Collect them before anything else is
	// allocated, so the test set and the run reuse that memory instead of
	// growing the heap to twice the live data.
	runtime.GC()
	if p.Check != nil {
		if err := p.Check(all); err != nil {
			return nil, err
		}
	}
	out := &Prepared{Train: all}
	if p.ValidationSplit > 0 {
		tr, va := Split(all.Rows, all.Labels, p.ValidationSplit, p.Split)
		if len(tr) == 0 || len(va) == 0 {
			return nil, p.SplitErr(all.Rows, len(tr), len(va))
		}
		out.Train, out.Val = all.Partition(tr, va)
	}
	if out.Encoder, err = Fit(out.Train, p.Impute, p.Config.Categorical); err != nil {
		return nil, err
	}
	if out.Train, _, err = out.Encoder.Apply(out.Train); err != nil {
		return nil, err
	}
	if out.Val != nil {
		if out.Val, out.ValUnseen, err = out.Encoder.Apply(out.Val); err != nil {
			return nil, err
		}
	}
	if p.Test != "" {
		cfg := out.Encoder.Config(p.Config)
		cfg.Classes = all.Classes
		raw, err := LoadTable(p.Test, cfg)
		if err != nil {
			return nil, err
		}
		if out.Test, out.TestUnseen, err = out.Encoder.Apply(raw); err != nil {
			return nil, err
		}
	}
	if out.Norm, err = out.Encoder.FitNorm(p.Normalize, out.Train); err != nil {
		return nil, err
	}
	for _, d := range []*Set{out.Train, out.Val, out.Test} {
		if d != nil {
			out.Norm.ApplySet(d)
		}
	}
	return out, nil
}
