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

// ScheduleState is what a schedule carries from one epoch to the next
// besides the learning rate itself (State.LR), part of State. All fields
// are finite numbers (Best is meaningful when HasBest).
type ScheduleState struct {
	Epoch   int     // PyTorch's last_epoch: steps taken (epochs finished)
	HasBest bool    // plateau: a loss has been seen
	Best    float64 // plateau: best loss so far
	Bad     int     // plateau: num_bad_epochs
}

// Schedule is the callback that sets each epoch's learning rate: after an
// epoch it steps the schedule and puts the next epoch's rate in State.LR,
// which the Trainer applies from the next batch on. Base is the spec's
// learning rate (PyTorch's base_lr, epoch 1's).
type Schedule struct {
	ScheduleConfig
	Base float64
}

// plateauEps is ReduceLROnPlateau's eps: a reduction smaller than it is skipped.
const plateauEps = 1e-8

// OnEpochEnd steps the schedule on the epoch just finished: plateau watches
// its val_loss, or its train_loss without validation data.
func (c Schedule) OnEpochEnd(s *State) bool {
	e := s.Epochs[len(s.Epochs)-1]
	watched := e.ValLoss
	if math.IsNaN(watched) {
		watched = e.TrainLoss
	}
	s.LR = c.Step(&s.Sched, s.LR, watched)
	return false
}

// Step ends an epoch trained with learning rate lr and returns the next
// epoch's, updating st. loss is what plateau watches; the other kinds
// ignore it. Each kind follows PyTorch's recursive get_lr,
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
func (c Schedule) Step(st *ScheduleState, lr, loss float64) float64 {
	st.Epoch++
	e := st.Epoch
	switch c.Kind {
	case StepLR:
		if e%c.StepSize == 0 {
			lr *= c.Gamma
		}
	case ExponentialLR:
		lr *= c.Gamma
	case CosineLR:
		t := float64(c.TMax)
		if mod(e-1-c.TMax, 2*c.TMax) == 0 {
			lr = lr + (c.Base-c.EtaMin)*(1-math.Cos(math.Pi/t))/2
		} else {
			lr = (1+math.Cos(math.Pi*float64(e)/t))/(1+math.Cos(math.Pi*float64(e-1)/t))*(lr-c.EtaMin) + c.EtaMin
		}
	case PlateauLR:
		if !st.HasBest || loss < st.Best*(1-c.Threshold) {
			st.HasBest, st.Best, st.Bad = true, loss, 0
		} else {
			st.Bad++
		}
		if st.Bad > c.Patience {
			if next := math.Max(lr*c.Factor, c.MinLR); lr-next > plateauEps {
				lr = next
			}
			st.Bad = 0
		}
	}
	return lr
}

// mod is the modulus with the sign of m, as Python's %.
func mod(a, m int) int {
	r := a % m
	if r < 0 {
		r += m
	}
	return r
}
