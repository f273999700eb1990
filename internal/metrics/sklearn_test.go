package metrics

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"testing"
)

// sklearnCase is testdata/sklearn.json, written once by
// testdata/gen_sklearn.py with Debian's scikit-learn.
type sklearnCase struct {
	Version        string `json:"sklearn_version"`
	Classification struct {
		Classes   []string              `json:"classes"`
		True      []int                 `json:"true"`
		Pred      []int                 `json:"pred"`
		Accuracy  float64               `json:"accuracy"`
		Precision float64               `json:"precision"`
		Recall    float64               `json:"recall"`
		F1        float64               `json:"f1"`
		PerClass  map[string]ClassStats `json:"per_class"`
		Confusion [][]int               `json:"confusion"`
	} `json:"classification"`
	Regression []struct {
		Name string    `json:"name"`
		Rows int       `json:"rows"`
		Cols int       `json:"cols"`
		Y    []float64 `json:"y"`
		YHat []float64 `json:"yhat"`
		MSE  float64   `json:"mse"`
		RMSE float64   `json:"rmse"`
		MAE  float64   `json:"mae"`
		R2   float64   `json:"r2"`
	} `json:"regression"`
	Binary []struct {
		Name             string    `json:"name"`
		True             []int     `json:"true"`
		Score            []float64 `json:"score"`
		RocAUC           float64   `json:"roc_auc"`
		AveragePrecision float64   `json:"average_precision"`
	} `json:"binary"`
	MultiLabel struct {
		Targets         []string              `json:"targets"`
		True            []float64             `json:"true"`
		Prob            []float64             `json:"prob"`
		Accuracy        float64               `json:"accuracy"`
		HammingAccuracy float64               `json:"hamming_accuracy"`
		Precision       float64               `json:"precision"`
		Recall          float64               `json:"recall"`
		F1              float64               `json:"f1"`
		PerTarget       map[string]ClassStats `json:"per_target"`
	} `json:"multilabel"`
}

func loadSklearn(t *testing.T) sklearnCase {
	t.Helper()
	b, err := os.ReadFile("testdata/sklearn.json")
	if err != nil {
		t.Fatal(err)
	}
	var c sklearnCase
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// worst tracks the largest relative difference seen, for the log.
type worst struct {
	diff float64
	what string
}

func (w *worst) check(t *testing.T, what string, got, want float64) {
	t.Helper()
	d := math.Abs(got-want) / math.Max(1, math.Abs(want))
	if d > w.diff {
		w.diff, w.what = d, what
	}
	if d > 1e-12 {
		t.Errorf("%s = %.17g, want %.17g (scikit-learn)", what, got, want)
	}
}

func TestAgainstSklearnClassification(t *testing.T) {
	sk := loadSklearn(t)
	c := sk.Classification
	got := Classification(len(c.True), 0, c.True, c.Pred, c.Classes)
	var w worst
	w.check(t, "accuracy", *got.Accuracy, c.Accuracy)
	w.check(t, "precision", *got.Precision, c.Precision)
	w.check(t, "recall", *got.Recall, c.Recall)
	w.check(t, "f1", *got.F1, c.F1)
	for _, name := range c.Classes {
		g, want := got.PerClass[name], c.PerClass[name]
		w.check(t, "per_class."+name+".precision", g.Precision, want.Precision)
		w.check(t, "per_class."+name+".recall", g.Recall, want.Recall)
		w.check(t, "per_class."+name+".f1", g.F1, want.F1)
		if g.Support != want.Support {
			t.Errorf("per_class.%s.support = %d, want %d", name, g.Support, want.Support)
		}
	}
	if !reflect.DeepEqual(got.Confusion, c.Confusion) {
		t.Errorf("confusion = %v, want %v", got.Confusion, c.Confusion)
	}
	t.Logf("scikit-learn %s: worst relative difference %.3g (%s)", sk.Version, w.diff, w.what)
}

func TestAgainstSklearnRegression(t *testing.T) {
	sk := loadSklearn(t)
	for _, c := range sk.Regression {
		t.Run(c.Name, func(t *testing.T) {
			got := Regression(c.Rows, 0, c.Y, c.YHat, c.Cols)
			var w worst
			w.check(t, "mse", *got.MSE, c.MSE)
			w.check(t, "rmse", *got.RMSE, c.RMSE)
			w.check(t, "mae", *got.MAE, c.MAE)
			w.check(t, "r2", *got.R2, c.R2)
			t.Logf("scikit-learn %s: worst relative difference %.3g (%s)", sk.Version, w.diff, w.what)
		})
	}
}

func TestAgainstSklearnBinary(t *testing.T) {
	sk := loadSklearn(t)
	if len(sk.Binary) < 5 {
		t.Fatalf("%d binary cases in testdata/sklearn.json, want at least 5", len(sk.Binary))
	}
	for _, c := range sk.Binary {
		t.Run(c.Name, func(t *testing.T) {
			pred := make([]int, len(c.True)) // the class predictions do not enter the scores
			r := Classification(len(c.True), 0, c.True, pred, []string{"neg", "pos"})
			r.AddBinaryScores(c.True, c.Score)
			var w worst
			w.check(t, "roc_auc", *r.RocAUC, c.RocAUC)
			w.check(t, "average_precision", *r.AveragePrecision, c.AveragePrecision)
			t.Logf("scikit-learn %s: worst relative difference %.3g (%s)", sk.Version, w.diff, w.what)
		})
	}
}

func TestAgainstSklearnMultiLabel(t *testing.T) {
	sk := loadSklearn(t)
	c := sk.MultiLabel
	rows := len(c.True) / len(c.Targets)
	got := MultiLabel(rows, 0, c.True, c.Prob, c.Targets)
	var w worst
	w.check(t, "accuracy", *got.Accuracy, c.Accuracy)
	w.check(t, "hamming_accuracy", *got.HammingAccuracy, c.HammingAccuracy)
	w.check(t, "precision", *got.Precision, c.Precision)
	w.check(t, "recall", *got.Recall, c.Recall)
	w.check(t, "f1", *got.F1, c.F1)
	for _, name := range c.Targets {
		g, want := got.PerTarget[name], c.PerTarget[name]
		w.check(t, "per_target."+name+".precision", g.Precision, want.Precision)
		w.check(t, "per_target."+name+".recall", g.Recall, want.Recall)
		w.check(t, "per_target."+name+".f1", g.F1, want.F1)
		if g.Support != want.Support {
			t.Errorf("per_target.%s.support = %d, want %d", name, g.Support, want.Support)
		}
	}
	t.Logf("scikit-learn %s: worst relative difference %.3g (%s)", sk.Version, w.diff, w.what)
}
