package backprop

import (
	"fmt"
	"math"
)

// ScheduleKind is a learning-rate schedule, each one of PyTorch's
// (torch.optim.lr_scheduler, 1.13) stepped once after every epoch.
type ScheduleKind int

const (
	NoSchedule    ScheduleKind = iota
	StepLR                     // lr·γ^⌊(e−1)/step_size⌋
	ExponentialLR              // lr·γ^(e−1)
	CosineLR                   // CosineAnnealingLR(T_max, eta_min)
	PlateauLR                  // ReduceLROnPlateau(mode min, threshold_mode rel, cooldown 0, eps 1e-8)
)

var scheduleNames = [...]string{"none", "step", "exponential", "cosine", "plateau"}

func (k ScheduleKind) String() string {
	if k < 0 || int(k) >= len(scheduleNames) {
		return fmt.Sprintf("ScheduleKind(%d)", int(k))
	}
	return scheduleNames[k]
}

// ParseSchedule maps a spec name (step, exponential, cosine, plateau) to its kind.
func ParseSchedule(s string) (ScheduleKind, error) {
	for i, n := range scheduleNames[1:] {
		if n == s {
			return ScheduleKind(i + 1), nil
		}
	}
	return 0, fmt.Errorf("unknown schedule %q (want step, exponential, cosine or plateau)", s)
}

// ScheduleConfig is a schedule and its constants (PyTorch's argument names).
type ScheduleConfig struct {
	Kind      ScheduleKind
	StepSize  int     // step
	Gamma     float64 // step, exponential
	TMax      int     // cosine
	EtaMin    float64 // cosine
	Factor    float64 // plateau
	Patience  int     // plateau
	Threshold float64 // plateau
	MinLR     float64 // plateau
}

// ScheduleState is everything a schedule carries from one epoch to the
// next; a run restored with it continues exactly. All fields are finite
// numbers, so it survives any encoding (Best is meaningful when HasBest).
type ScheduleState struct {
	Epoch   int     // PyTorch's last_epoch: steps taken (epochs finished)
	LR      float64 // the learning rate of the next epoch
	HasBest bool    // plateau: a loss has been seen
	Best    float64 // plateau: best loss so far
	Bad     int     // plateau: num_bad_epochs
}

// Schedule sets the learning rate of each epoch. Make it with NewSchedule,
// read LR before an epoch and call Step after it.
type Schedule struct {
	ScheduleConfig
	Base  float64 // the spec's learning rate (PyTorch's base_lr)
	State ScheduleState
}

// plateauEps is ReduceLROnPlateau's eps: a reduction smaller than it is skipped.
const plateauEps = 1e-8

// NewSchedule starts a schedule at the learning rate base (epoch 1's).
func NewSchedule(c ScheduleConfig, base float64) *Schedule {
	return &Schedule{ScheduleConfig: c, Base: base, State: ScheduleState{LR: base}}
}

// LR is the learning rate of the coming epoch.
func (s *Schedule) LR() float64 { return s.State.LR }

// Step ends an epoch and sets the next epoch's learning rate. loss is what
// plateau watches (val_loss, or the epoch's train_loss without validation);
// the other kinds ignore it. Each kind follows PyTorch's recursive get_lr,
// which is what a scheduler stepped once per epoch computes, rather than
// the closed form (they differ in the last bits):
//
//	step:        lr ← lr·γ            when e % step_size == 0, e = epochs done
//	exponential: lr ← lr·γ
//	cosine:      lr ← lr + (base − η)(1 − cos(π/T))/2                  when (e − 1 − T) % 2T == 0
//	             lr ← (1 + cos(πe/T)) / (1 + cos(π(e−1)/T)) · (lr − η) + η   otherwise
//	plateau:     better when loss < best·(1 − threshold); after more than
//	             patience epochs that are not, lr ← max(lr·factor, min_lr)
//	             (skipped when that lowers it by no more than 1e-8)
func (s *Schedule) Step(loss float64) {
	st := &s.State
	st.Epoch++
	e := st.Epoch
	switch s.Kind {
	case StepLR:
		if e%s.StepSize == 0 {
			st.LR *= s.Gamma
		}
	case ExponentialLR:
		st.LR *= s.Gamma
	case CosineLR:
		t := float64(s.TMax)
		if mod(e-1-s.TMax, 2*s.TMax) == 0 {
			st.LR = st.LR + (s.Base-s.EtaMin)*(1-math.Cos(math.Pi/t))/2
		} else {
			st.LR = (1+math.Cos(math.Pi*float64(e)/t))/(1+math.Cos(math.Pi*float64(e-1)/t))*(st.LR-s.EtaMin) + s.EtaMin
		}
	case PlateauLR:
		if !st.HasBest || loss < st.Best*(1-s.Threshold) {
			st.HasBest, st.Best, st.Bad = true, loss, 0
		} else {
			st.Bad++
		}
		if st.Bad > s.Patience {
			if lr := math.Max(st.LR*s.Factor, s.MinLR); st.LR-lr > plateauEps {
				st.LR = lr
			}
			st.Bad = 0
		}
	}
}

// mod is the modulus with the sign of m, as Python's %.
func mod(a, m int) int {
	r := a % m
	if r < 0 {
		r += m
	}
	return r
}
