package run

import (
	"fmt"
	"strings"

	"github.com/nntrain/nntrain/internal/network"
	"github.com/nntrain/nntrain/internal/spec"
	"github.com/nntrain/nntrain/internal/trace"
)

// TraceOptions choose what `nntrain trace` passes through the network.
type TraceOptions struct {
	Init string // a model.json whose weights replace the seeded initialisation
	Rows []int  // 0-based training rows (those the validation split leaves)
}

// Trace is the job of `nntrain trace`: Load, Init, then one forward and
// backward pass on the chosen training rows (trace.New). Nothing is trained
// or written. A row past the end is a *trace.RowError.
func Trace(s *spec.Spec, o TraceOptions) (*trace.Pass, error) {
	j, err := Load(s)
	if err != nil {
		return nil, err
	}
	if err := j.Init(o.Init); err != nil {
		return nil, err
	}
	pool := network.NewPool(1)
	defer pool.Close()
	// The rows' weights in the loss, as training and gradcheck use them.
	p, err := trace.New(j.Net, pool, j.Loss, s.Train.L2, j.Train, j.Weights[j.Train], o.Rows)
	if err != nil {
		return nil, err
	}
	if p.RowW != nil {
		p.RowWFrom = rowWeightsFrom(s)
	}
	p.Spec, p.Weights = s.File, o.Init
	if o.Init == "" {
		p.Weights = fmt.Sprintf("model.init %s, seed %d", s.Model.Init, s.Seed)
		if j.InitKind == network.InitNormal {
			p.Weights = fmt.Sprintf("model.init normal × %g, seed %d", s.Model.InitScale, s.Seed)
		}
	}
	if j.Val != nil {
		p.Data = fmt.Sprintf("the %d training rows of %s (those data.validation_split leaves)", j.Train.Rows, j.Train.Path)
	}
	return p, nil
}

// rowWeightsFrom says for a person how the spec weights each row:
// wᵢ = class_weight[yᵢ] · sample_weightᵢ, naming the keys that give the
// factors present.
func rowWeightsFrom(s *spec.Spec) string {
	var f, from []string
	if cw := s.Train.ClassWeight; cw != nil {
		f = append(f, "class_weight[yᵢ]")
		if cw.Balanced {
			from = append(from, "train.class_weight: balanced, n / (K · n_c)")
		} else {
			kv := make([]string, len(cw.Classes))
			for i, c := range cw.Classes {
				kv[i] = fmt.Sprintf("%s: %g", c, cw.Weights[c])
			}
			from = append(from, "train.class_weight: {"+strings.Join(kv, ", ")+"}, other classes 1")
		}
	}
	if s.Data.Weight != "" {
		f = append(f, "sample_weightᵢ")
		from = append(from, fmt.Sprintf("data.weight: column %q", s.Data.Weight))
	}
	return "wᵢ = " + strings.Join(f, " · ") + "  (" + strings.Join(from, "; ") + ")"
}
