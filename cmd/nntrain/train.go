package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nntrain/nntrain/internal/backprop"
	"github.com/nntrain/nntrain/internal/dataset"
	"github.com/nntrain/nntrain/internal/metrics"
	"github.com/nntrain/nntrain/internal/network"
	"github.com/nntrain/nntrain/internal/run"
	"github.com/nntrain/nntrain/internal/spec"
)

type trainOptions struct {
	config string
	out    string
	init   string
	sets   []string
	quiet  bool
	json   bool
	gates  gateFlags
	resume bool
}

func newTrainCmd(s *streams) *cobra.Command {
	o := &trainOptions{}
	c := &cobra.Command{
		Use:   "train --config SPEC.yaml [--out DIR] [--init MODEL.json] [--set key=value]... [--quiet]",
		Short: "Train a network; write model.json, cost.csv, cost.png and metrics.json",
		Long: `Train the network a spec describes on its data, then write to the run folder
(output.dir of the spec, or --out):

  model.json    the trained weights, features, classes and normalisation
  cost.csv      train_loss (and val_loss, accuracy or r2, lr) per epoch
  cost.png      a plot of cost.csv
  metrics.json  loss and metrics on the train, validation and test rows
  boundary.png  for classes on exactly two inputs: the predicted class over
                the input plane, with the training rows

Files are written to temporary names and renamed, so a run that fails or is
interrupted leaves the files of an earlier run as they were. A run holds its
folder (a second run into it exits 2), and keeps checkpoint/ there every
train.checkpoint_every epochs (default 1, 0 none) and when interrupted;
--resume continues from it, to the same bytes as a run left alone.

Progress goes to stderr: a bar on a terminal, one line per epoch otherwise,
nothing with --quiet; a one-line summary ends the run. An epoch line's
train_loss (as in cost.csv) is the mean over that epoch's batches, each taken
before its update; the summary scores the final (or kept) weights, so its
train loss is lower.

Any spec key can be overridden: --set train.learning_rate=0.05, or the
environment, NNTRAIN_TRAIN_LEARNING_RATE=0.05 (flags win over the
environment, the environment over the file).

--fail-under KEY=MIN and --fail-over KEY=MAX gate on metrics.json by its key
paths (validation.accuracy=0.9, validation.loss=0.3, test.per_class.yes.recall=0.5);
a key that the run would not have is an error before training.

Exit status: 0 done; 1 a --fail-under or --fail-over bound was missed (the
files are written); 2 a bad spec, data file or command line, or a loss that diverged
(nothing is written); 130 interrupted: Ctrl-C or SIGTERM finishes the current
batch, writes the checkpoint (not the outputs) and prints the command that
resumes; a second Ctrl-C stops at once.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := notEmpty(c, "out"); err != nil {
				return err
			}
			return runTrain(c.Context(), s, o)
		},
	}
	f := c.Flags()
	f.StringVarP(&o.config, "config", "c", "", "the spec (YAML)")
	f.StringVarP(&o.out, "out", "o", "", "run folder (overrides output.dir)")
	f.StringVar(&o.init, "init", "", "start from the weights of this model.json instead of a random initialisation")
	f.StringArrayVar(&o.sets, "set", nil, "override a spec key by its dotted path, e.g. --set train.learning_rate=0.05 (repeatable)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing but errors")
	f.BoolVar(&o.json, "json", false, "print a one-line JSON summary on stdout")
	f.BoolVar(&o.resume, "resume", false, "continue the interrupted run whose checkpoint is in the run folder (same spec; train.epochs may grow, train.workers change)")
	o.gates.add(c, "a metrics.json figure", trainUnderExample, trainOverExample)
	fileFlags(c, map[string][]string{"config": {"yaml", "yml"}, "init": {"json"}, "out": nil})
	_ = c.RegisterFlagCompletionFunc("set", completeSet)
	_ = c.RegisterFlagCompletionFunc("fail-under", completeGate)
	_ = c.RegisterFlagCompletionFunc("fail-over", completeGate)
	return c
}

// bigBatchRows is the training-set size from which a whole-set batch
// (batch_size 0) earns a hint: one update per epoch over that many rows is
// slow to learn and holds every row's activations at once.
const bigBatchRows = 100_000

// The examples of train's gate flags.
const (
	trainUnderExample = "validation.accuracy=0.9"
	trainOverExample  = "validation.loss=0.3"
)

func runTrain(ctx context.Context, s *streams, o *trainOptions) (retErr error) {
	if err := requireFlag("train", "config", o.config); err != nil {
		return err
	}
	gates, err := o.gates.parse("train", trainUnderExample, trainOverExample)
	if err != nil {
		return badInput(err)
	}
	if err := checkInput(o.config, "--config"); err != nil {
		return badInput(err)
	}
	sp, err := spec.Load(o.config, o.sets, s.env)
	if err != nil {
		return badInput(err)
	}
	if err := checkSpecInputs(sp); err != nil {
		return badInput(err)
	}
	if err := checkInput(o.init, "--init"); err != nil {
		return badInput(err)
	}
	outDir := sp.Output.Dir
	if o.out != "" {
		outDir = o.out
	}
	// The run's files must not replace its inputs (--init may be the
	// folder's own model.json: it is read before the run and replaced by
	// the trained one, as a run started from it means).
	for _, name := range outputNames {
		if err := checkOutputNotInput("train", "the output", filepath.Join(outDir, name),
			input{"--config", o.config}, input{"data.train", sp.Data.Train}, input{"data.test", sp.Data.Test}); err != nil {
			return badInput(err)
		}
	}
	// The run holds its folder from here to its end, so that the files of
	// a folder always come from one run; an earlier run's interrupted
	// commit is completed or undone first.
	if err := checkDir(outDir); err != nil {
		return badInput(err)
	}
	lock, err := lockDir(outDir, s.files)
	if err != nil {
		return badInput(err)
	}
	defer lock.release()
	if err := recoverDir(outDir, outputNames...); err != nil {
		return badInput(err)
	}

	// A resume is refused before the data is read when the checkpoint is
	// missing, damaged or from another spec.
	var ck *run.Checkpoint
	var ckFile string
	if o.resume {
		if o.init != "" {
			return badInput(errors.New("nntrain train: --resume continues with the checkpoint's weights; it cannot be combined with --init"))
		}
		if ck, ckFile, err = readCheckpoint(outDir); err != nil {
			return badInput(err)
		}
		if err := run.CheckResume(sp, ck, ckFile); err != nil {
			return badInput(err)
		}
	}
	j, err := run.Load(sp)
	if err != nil {
		return badInput(err)
	}
	if ck == nil {
		if err := j.Init(o.init); err != nil {
			return badInput(err)
		}
	}
	if err := checkGates(gates, j); err != nil {
		return badInput(err)
	}
	if o.init == "" && j.InitKind == network.InitZeros && len(sp.Model.Layers) > 1 {
		// Shown even with --quiet: the run cannot learn what it should.
		fmt.Fprintf(s.err, "nntrain train: warning: model.init is zeros (%s): the units of each hidden layer start equal, get equal gradients and stay equal, so a hidden layer acts as one unit; use he, xavier or normal\n",
			sp.Where("model.init"))
	}
	// Categories of the validation or test rows that the training rows
	// lack are all-zero inputs there; say so, as predict and eval do.
	for _, u := range j.ValUnseen {
		fmt.Fprintf(s.err, "nntrain train: validation rows: %s\n", u)
	}
	for _, u := range j.TestUnseen {
		fmt.Fprintf(s.err, "nntrain train: %s: %s\n", j.Test.Path, u)
	}
	if !o.quiet && sp.Train.BatchSize == 0 && j.Train.Rows >= bigBatchRows {
		fmt.Fprintf(s.err, "nntrain train: hint: train.batch_size is 0, so each epoch is one update over all %d rows; a batch_size of 32 to 512 usually learns in far fewer epochs and less memory\n",
			j.Train.Rows)
	}
	if ctx.Err() != nil {
		return interrupted(0, outDir)
	}

	metric := j.Metric()
	pool := network.NewPool(run.Workers(sp.Train.Workers))
	defer pool.Close()
	prog := newProgress(s, o.quiet, sp, j, metric)
	cp := &checkpointer{job: j, every: sp.Train.CheckpointEvery, outDir: outDir, files: s.files, warn: s.err, sync: s.syncCheckpoints}
	defer cp.wait() // no write may be left in flight at exit
	if ck == nil {
		cp.fresh = lock.fresh
		defer func() {
			// A run that fails leaves no trace: the checkpoints it wrote
			// could only lead to the same failure.
			var ee *exitError
			if errors.As(retErr, &ee) && ee.code == exitBadInput {
				cp.discard()
			}
		}()
	}
	cbs := []backprop.Callback{prog, cp}
	if s.onBatch != nil {
		cbs = append(cbs, s.onBatch)
	}
	tr, err := j.Trainer(pool, cbs...)
	if err != nil {
		return badInput(fmt.Errorf("%s: %w", sp.File, err))
	}
	cp.tr = tr
	// The cost rows go to a file as epochs end (a run's memory does not
	// grow with its epochs), and a checkpoint records how much of it is
	// valid instead of holding the rows.
	cost, err := openCostStream(j, s.files, outDir, cp.every > 0 || ck != nil, ck, ckFile)
	if err != nil {
		return badInput(err)
	}
	defer func() {
		cp.wait() // no write may still sync the file
		cost.close(s.files)
	}()
	cp.cost = cost
	tr.SetEpochSink(cost.add)
	if ck != nil {
		if err := tr.Restore(ck.State); err != nil {
			return badInput(fmt.Errorf("%s: does not fit the run of %s: %w", ckFile, sp.File, err))
		}
	}
	start := time.Now()
	hist, err := tr.Fit(ctx)
	if !errors.Is(err, backprop.ErrInterrupted) {
		// No checkpoint write may land after the run's end (whose commit
		// removes checkpoint/).
		cp.wait()
	}
	prog.finish()
	elapsed := time.Since(start)
	var nf *backprop.NonFiniteError
	switch {
	case errors.Is(err, backprop.ErrInterrupted) && cp.every > 0:
		return interruptedWithCheckpoint(cp, o, outDir)
	case errors.Is(err, backprop.ErrInterrupted):
		return interrupted(hist.Done, outDir)
	case errors.As(err, &nf) && nf.BeforeUpdate:
		// No update has happened: the data's scale is the cause.
		return badInput(fmt.Errorf("%s: the loss of the first batch is %v before any update, so not the learning rate but the values in %s (or the initial weights) are too large: rescale them, or set data.normalize for the features; nothing was written, the files in %s are as they were",
			sp.File, nf.Loss, j.Train.Path, outDir))
	case errors.As(err, &nf):
		return badInput(fmt.Errorf("%s: %w (train.learning_rate is %g); nothing was written, the files in %s are as they were",
			sp.File, nf, sp.Train.LearningRate, outDir))
	case err != nil:
		return badInput(fmt.Errorf("%s: %w", sp.File, err))
	}

	res, err := j.Finish(pool, tr, hist)
	if err != nil {
		return badInput(err)
	}
	if err := cost.finish(); err != nil {
		return badInput(fmt.Errorf("%w; nothing was written, the files in %s are as they were", err, outDir))
	}
	series, err := readCostSeries(cost.path, hist.Done)
	if err != nil {
		return fmt.Errorf("cost.png: %w", err)
	}
	var pngBuf bytes.Buffer
	kept := hist.BestEpoch // early stopping keeps the weights of the best epoch; else 0
	if err := drawCost(&pngBuf, series, costPlot{name: sp.Name, loss: sp.Loss, metric: metric, kept: kept}); err != nil {
		return fmt.Errorf("cost.png: %w", err)
	}
	files := []outFile{
		{name: "model.json", data: res.ModelJSON},
		{name: "cost.csv", src: cost.path},
		{name: "metrics.json", data: res.MetricsJSON},
		{name: "cost.png", data: pngBuf.Bytes()},
	}
	var extra []string
	if wantsBoundary(j.Train) {
		var b bytes.Buffer
		bp := boundaryPlot{name: sp.Name, net: j.Net, norm: j.Norm, d: j.Train, classNames: j.Model().ClassNames}
		pool := network.NewPool(run.Workers(sp.Train.Workers))
		err := plotBoundary(&b, pool, bp)
		pool.Close()
		if err != nil {
			return fmt.Errorf("boundary.png: %w", err)
		}
		files, extra = append(files, outFile{name: "boundary.png", data: b.Bytes()}), append(extra, "boundary.png")
	}
	if ctx.Err() != nil {
		return interrupted(hist.Done, outDir)
	}
	// The run is complete: its checkpoint goes with the same commit.
	if err := s.files.writeAll(outDir, files, checkpointDir); err != nil {
		return badInput(err)
	}

	all := res.Reports()
	monitor := "val_loss"
	if es := sp.Train.EarlyStopping; es != nil {
		monitor = es.Monitor
	}
	summary := summaryLine(sp.Name, hist, kept, monitor, elapsed, res.Splits, outDir, extra...)
	if !o.quiet {
		fmt.Fprintln(s.err, summary)
	}
	if o.json {
		js := map[string]any{
			"name": sp.Name, "epochs": hist.Done, "seconds": elapsed.Seconds(),
			"stopped_early": hist.StoppedEarly, "out": outDir, "metrics": all,
			"kernel": pool.Kernel().String(),
		}
		if kept > 0 {
			js["best_epoch"] = kept
		}
		b, err := json.Marshal(js)
		if err != nil {
			return err
		}
		fmt.Fprintln(s.out, string(b))
	}
	msg, err := missed("train", gates, func(k string) (float64, error) { return metrics.Value(all, k) })
	if err != nil {
		return badInput(err)
	}
	if msg != "" {
		return &exitError{code: exitCheckFailed, err: fmt.Errorf("nntrain train: %s (the run's files were written to %s)", msg, outDir)}
	}
	return nil
}

// checkGates resolves each gate's key path before training, on reports of
// no rows shaped as the run's splits, so that a typo costs no training run.
func checkGates(gates []gate, j *run.Job) error {
	all := map[string]metrics.Report{}
	for name, d := range map[string]*dataset.Set{"train": j.Train, "validation": j.Val, "test": j.Test} {
		if d == nil {
			continue
		}
		all[name] = run.EmptyReport(d)
	}
	return checkKeys("train", gates, func(k string) (float64, error) { return metrics.Value(all, k) })
}

// summaryLine is the one line a person reads at the end of a run:
//
//	iris: 200 epochs in 1.2s; final weights: train loss 0.0519 accuracy 0.9667; validation loss 0.0413 accuracy 0.9667; files in runs/iris: model.json cost.csv cost.png metrics.json
//
// extra names the files written besides those four (boundary.png).
func summaryLine(name string, res *backprop.Result, kept int, monitor string, elapsed time.Duration, splits []metrics.Split, outDir string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d epochs in %s", name, res.Done, fmtDuration(elapsed))
	switch {
	case res.StoppedEarly:
		fmt.Fprintf(&b, " (stopped early: no better %s since epoch %d, whose weights were kept)", monitor, kept)
	case kept > 0 && kept < res.Done:
		fmt.Fprintf(&b, " (kept the weights of epoch %d, the best %s)", kept, monitor)
	}
	// The epoch lines (and cost.csv) show train_loss as the mean over an
	// epoch's batches, each taken before its update; these figures score
	// the weights written, so they differ, and are labelled.
	if kept > 0 && kept < res.Done {
		fmt.Fprintf(&b, "; weights of epoch %d:", kept)
	} else {
		b.WriteString("; final weights:")
	}
	for i, sp := range splits {
		r := sp.Report
		sep := "; "
		if i == 0 {
			sep = " "
		}
		fmt.Fprintf(&b, "%s%s loss %.4g", sep, sp.Name, r.Loss)
		if r.Accuracy != nil {
			fmt.Fprintf(&b, " accuracy %.4f", *r.Accuracy)
		}
		if r.R2 != nil && math.IsNaN(*r.R2) {
			b.WriteString(" r2 n/a")
		} else if r.R2 != nil {
			fmt.Fprintf(&b, " r2 %.4f", *r.R2)
		}
	}
	fmt.Fprintf(&b, "; files in %s: model.json cost.csv cost.png metrics.json", outDir)
	for _, f := range extra {
		b.WriteString(" " + f)
	}
	return b.String()
}

// interruptedWithCheckpoint saves the state of an interrupted run and
// says how to continue it.
func interruptedWithCheckpoint(cp *checkpointer, o *trainOptions, outDir string) error {
	st := cp.tr.State()
	where := fmt.Sprintf("after %d epochs", st.Epoch)
	if st.Batch > 0 {
		where += fmt.Sprintf(" and %d of the batches of epoch %d", st.Batch, st.Epoch+1)
	}
	if err := cp.save(); err != nil {
		msg := "no checkpoint was written"
		if cp.written > 0 {
			msg = fmt.Sprintf("the checkpoint of epoch %d is kept", cp.written)
		}
		return &exitError{code: exitInterrupted, err: fmt.Errorf(
			"nntrain train: interrupted %s; cannot write the checkpoint: %v; %s, the other files in %s are as they were", where, err, msg, outDir)}
	}
	return &exitError{code: exitInterrupted, err: fmt.Errorf(
		"nntrain train: interrupted %s (the current batch was finished); the checkpoint is in %s, the other files in %s are as they were; continue with:\n  %s",
		where, filepath.Join(outDir, checkpointDir), outDir, resumeCommand(o))}
}

// interrupted is the error of a run stopped by SIGINT or SIGTERM.
func interrupted(epochs int, outDir string) error {
	return &exitError{code: exitInterrupted, err: fmt.Errorf(
		"nntrain train: interrupted after %d epochs (the current batch was finished); nothing was written, the files in %s are as they were",
		epochs, outDir)}
}
