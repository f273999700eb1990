package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nntrain/nntrain/internal/network"
)

var update = flag.Bool("update", false, "rewrite testdata/runtime/*.onnx and *.csv (then run scripts/onnx-check.sh --update for the runtime outputs)")

// The hand-built models below have category columns with and without a
// fill, an imputed "" category, numbers with and without a fill, every
// activation, and each kind of output. Their rows hold missing cells (both
// missing texts), unseen categories and untrimmed text. onnxruntime's
// outputs on those rows (testdata/runtime/*.ort.json, written by
// scripts/onnx-check.sh, which also re-runs them into $NNTRAIN_ORT_DIR) are
// compared with a reference computed here: the preprocessing spelled out
// row by row, then the network package's forward pass in float64.

var penguinColumns = []Column{
	{Name: "island", Kind: Category, Categories: []string{"Biscoe", "Dream", "Torgersen"}},
	{Name: "bill_length_mm", Kind: Number, HasFill: true, FillNumber: 43.92},
	{Name: "sex", Kind: Category, Categories: []string{"female", "male"}, HasFill: true, FillCategory: "male"},
	{Name: "body_mass_g", Kind: Number},
	{Name: "colour", Kind: Category, Categories: []string{"", "blue", "red"}, HasFill: true, FillCategory: ""},
	{Name: "year", Kind: Category, Categories: []string{"2007", "2008", "2009"}, HasFill: true, FillCategory: "2008"},
}

const penguinRows = `island,bill_length_mm,sex,body_mass_g,colour,year
Biscoe,39.1,male,3750,red,2007
Dream,,female,3800,blue,2008
Torgersen,40.3,,3250,,2009
NA,36.7,NA,3450,NA,NA
Atlantis,39.3,male,3650,green,2010
 Dream ,NA, female ,3625, red ,2007
Biscoe,46.5,female,4500,blue,
,50.0,male,5000,,2008
`

type runtimeCase struct {
	name   string
	out    Output
	acts   []network.Activation
	units  []int
	alpha  float64
	cls    []string
	target []string
}

var runtimeCases = []runtimeCase{
	{name: "softmax3", out: Classes, acts: []network.Activation{network.ReLU, network.Softmax}, units: []int{6, 3},
		cls: []string{"Adelie", "Chinstrap", "Gentoo"}, target: []string{"species"}},
	{name: "sigmoid1", out: Classes, acts: []network.Activation{network.LeakyReLU, network.Sigmoid}, units: []int{5, 1}, alpha: 0.01,
		cls: []string{"no", "yes"}, target: []string{"survived"}},
	{name: "regression2", out: Regression, acts: []network.Activation{network.Tanh, network.LeakyReLU, network.Linear}, units: []int{5, 4, 2}, alpha: 0.2,
		target: []string{"flipper_length_mm", "depth"}},
	{name: "multilabel2", out: MultiLabel, acts: []network.Activation{network.Sigmoid, network.Sigmoid}, units: []int{4, 2},
		target: []string{"a", "b"}},
}

// build makes the case's model with weights drawn from a fixed seed, and
// a normalisation that uses the inputs' spread (one-hot inputs 0 and 1).
func (c runtimeCase) build() *Model {
	rng := rand.New(rand.NewPCG(11, uint64(len(c.name))))
	m := &Model{Columns: slices.Clone(penguinColumns), Missing: []string{"", "NA"}, Output: c.out, Classes: c.cls, Targets: c.target}
	for _, col := range m.Columns {
		if col.Kind == Category {
			for range col.Categories {
				m.Offset, m.Scale = append(m.Offset, 0), append(m.Scale, 1)
			}
			continue
		}
		off, sc := 44.0, 5.5
		if col.Name == "body_mass_g" {
			off, sc = 4200, 800
		}
		m.Offset, m.Scale = append(m.Offset, off), append(m.Scale, sc)
	}
	in := m.Inputs()
	for i, u := range c.units {
		l := Layer{In: in, Out: u, Activation: c.acts[i], Alpha: c.alpha}
		for range u * in {
			l.W = append(l.W, rng.NormFloat64()*math.Sqrt(2/float64(in)))
		}
		for range u {
			l.B = append(l.B, rng.NormFloat64()*0.1)
		}
		m.Layers = append(m.Layers, l)
		in = u
	}
	m.Info = json.RawMessage(fmt.Sprintf(`{"case":%q}`, c.name))
	return m
}

// reference applies m to rows as predict does: trim, impute, one-hot,
// normalise, then the network's forward pass in float64.
func reference(t *testing.T, m *Model, header []string, rows [][]string) []float64 {
	var x []float64
	for r, row := range rows {
		for _, c := range m.Columns {
			cell := strings.TrimSpace(row[slices.Index(header, c.Name)])
			missing := slices.Contains(m.Missing, cell)
			if c.Kind == Number {
				v := math.NaN()
				switch {
				case missing && c.HasFill:
					v = c.FillNumber
				case !missing:
					var err error
					if v, err = strconv.ParseFloat(cell, 64); err != nil {
						t.Fatalf("row %d, %s: %v", r+1, c.Name, err)
					}
				}
				x = append(x, v)
				continue
			}
			if missing {
				cell = "\x00none"
				if c.HasFill {
					cell = c.FillCategory
				}
			}
			for _, s := range c.Categories {
				x = append(x, b2f(s == cell))
			}
		}
	}
	in := m.Inputs()
	for i := range x {
		j := i % in
		x[i] = (x[i] - m.Offset[j]) / m.Scale[j]
	}
	var specs []network.LayerSpec
	for _, l := range m.Layers {
		specs = append(specs, network.LayerSpec{Units: l.Out, Activation: l.Activation, Alpha: l.Alpha})
	}
	net := network.New(in, specs)
	for i, l := range m.Layers {
		copy(net.Layers[i].W, l.W)
		copy(net.Layers[i].B, l.B)
	}
	pool := network.NewPool(1)
	defer pool.Close()
	return net.Forward(pool, net.NewWorkspace(len(rows)), x, len(rows))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

type ortTensor struct {
	Type string            `json:"type"`
	Dims []int             `json:"dims"`
	Data []json.RawMessage `json:"data"`
}

type ortDump struct {
	SHA256  string               `json:"onnx_sha256"`
	Outputs map[string]ortTensor `json:"outputs"`
}

func (t ortTensor) floats(tb testing.TB) []float64 {
	v := make([]float64, len(t.Data))
	for i, d := range t.Data {
		if string(d) == "null" {
			v[i] = math.NaN()
			continue
		}
		if err := json.Unmarshal(d, &v[i]); err != nil {
			tb.Fatal(err)
		}
	}
	return v
}

func (t ortTensor) strings(tb testing.TB) []string {
	v := make([]string, len(t.Data))
	for i, d := range t.Data {
		if err := json.Unmarshal(d, &v[i]); err != nil {
			tb.Fatal(err)
		}
	}
	return v
}

func TestRuntimeCategorical(t *testing.T) {
	dir := filepath.Join("testdata", "runtime")
	ortDir := dir
	if d := os.Getenv("NNTRAIN_ORT_DIR"); d != "" {
		ortDir = d
	}
	rowsPath := filepath.Join(dir, "penguins.csv")
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(rowsPath, []byte(penguinRows), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(penguinRows)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header, rows := recs[0], recs[1:]
	if b, err := os.ReadFile(rowsPath); err != nil || string(b) != penguinRows {
		t.Fatalf("%s differs from the rows of this test (err %v): run go test -update", rowsPath, err)
	}
	for _, c := range runtimeCases {
		for _, p := range []Precision{Float32, Float64} {
			t.Run(c.name+"/"+p.String(), func(t *testing.T) {
				m := c.build()
				b, err := EncodeONNX(m, p)
				if err != nil {
					t.Fatal(err)
				}
				base := fmt.Sprintf("%s.%s", c.name, p)
				golden := filepath.Join(dir, base+".onnx")
				if *update {
					if err := os.WriteFile(golden, b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				if g, err := os.ReadFile(golden); err != nil || !bytes.Equal(g, b) {
					t.Fatalf("%s differs from the graph EncodeONNX writes now (err %v): run go test -update, then scripts/onnx-check.sh --update", golden, err)
				}
				dumpPath := filepath.Join(ortDir, base+".ort.json")
				raw, err := os.ReadFile(dumpPath)
				if err != nil {
					t.Fatalf("no onnxruntime outputs: %v (scripts/onnx-check.sh --update writes them)", err)
				}
				var dump ortDump
				if err := json.Unmarshal(raw, &dump); err != nil {
					t.Fatalf("%s: %v", dumpPath, err)
				}
				sum := sha256.Sum256(b)
				if dump.SHA256 != hex.EncodeToString(sum[:]) {
					t.Fatalf("%s comes from another %s: run scripts/onnx-check.sh --update", dumpPath, golden)
				}
				want := reference(t, m, header, rows)
				compareRuntime(t, m, p, dump, want, len(rows))
			})
		}
	}
}

// compareRuntime checks onnxruntime's outputs against the reference a
// (rows × units of the last layer), within 1e-5 (float32) or 1e-12
// (float64) of max(1, |x|), and the labels exactly.
func compareRuntime(t *testing.T, m *Model, p Precision, dump ortDump, a []float64, rows int) {
	tol := 1e-5
	if p == Float64 {
		tol = 1e-12
	}
	k := m.Layers[len(m.Layers)-1].Out
	var worst float64
	check := func(what string, got, want []float64) {
		if len(got) != len(want) {
			t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
		}
		for i := range got {
			d := math.Abs(got[i]-want[i]) / math.Max(1, math.Abs(want[i]))
			worst = math.Max(worst, d)
			if !(d <= tol) {
				t.Errorf("%s[%d]: onnxruntime %v, reference %v (relative %.2g > %g)", what, i, got[i], want[i], d, tol)
			}
		}
	}
	need := func(name string) ortTensor {
		o, ok := dump.Outputs[name]
		if !ok {
			t.Fatalf("onnxruntime gave no %q output (has %v)", name, dump.Outputs)
		}
		return o
	}
	switch m.Output {
	case Regression:
		check("y", need("y").floats(t), a)
	case MultiLabel:
		check("probabilities", need("probabilities").floats(t), a)
		lab := need("label").floats(t)
		for i, v := range a {
			if lab[i] != b2f(v >= 0.5) {
				t.Errorf("label[%d] = %v, reference probability %v", i, lab[i], v)
			}
		}
	case Classes:
		probs := a
		if k == 1 {
			probs = nil
			for _, v := range a {
				probs = append(probs, 1-v, v)
			}
		}
		check("probabilities", need("probabilities").floats(t), probs)
		lab := need("label").strings(t)
		for r := range rows {
			best := 0
			if k == 1 {
				best = int(b2f(a[r] >= 0.5))
			} else {
				for j := range k {
					if a[r*k+j] > a[r*k+best] {
						best = j
					}
				}
			}
			if lab[r] != m.Classes[best] {
				t.Errorf("row %d: label %q, reference %q", r+1, lab[r], m.Classes[best])
			}
		}
	}
	t.Logf("worst |Δ|/max(1,|x|) %.2g (tolerance %g)", worst, tol)
}
