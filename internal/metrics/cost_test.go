package metrics

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestCostLogRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1^0x9e3779b97f4a7c15))
	c := NewCostLog("epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy")
	// Values whose shortest decimal form is long or unusual.
	special := []float64{0.1, 1.0 / 3, math.SmallestNonzeroFloat64, math.MaxFloat64, math.Copysign(0, -1), 5e-324, 1e21, 123456789e-20, math.Inf(1), math.Inf(-1)}
	for e := 1; e <= 200; e++ {
		row := []float64{float64(e)}
		for j := 1; j < len(c.Columns); j++ {
			var v float64
			switch {
			case e <= len(special):
				v = special[(e+j)%len(special)]
			default:
				v = math.Float64frombits(rng.Uint64())
				if math.IsNaN(v) {
					v = rng.NormFloat64()
				}
			}
			row = append(row, v)
		}
		c.Append(row...)
	}
	var b bytes.Buffer
	if err := c.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.SplitN(b.String(), "\n", 3)[:2], []string{"epoch,train_loss,val_loss,train_accuracy,val_accuracy", "1,"}; got[0] != want[0] || !strings.HasPrefix(got[1], want[1]) {
		t.Errorf("first lines = %q, want header %q and a line starting %q", got, want[0], want[1])
	}
	got, err := ReadCostCSV(&b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != len(c.Rows) || strings.Join(got.Columns, ",") != strings.Join(c.Columns, ",") {
		t.Fatalf("got %d rows of %q, want %d rows of %q", len(got.Rows), got.Columns, len(c.Rows), c.Columns)
	}
	for i, row := range c.Rows {
		for j, want := range row {
			if g := got.Rows[i][j]; math.Float64bits(g) != math.Float64bits(want) {
				t.Errorf("row %d, column %s: got %v (bits %#x), want %v (bits %#x)", i+1, c.Columns[j], g, math.Float64bits(g), want, math.Float64bits(want))
			}
		}
	}
}

func TestCostLogNaN(t *testing.T) {
	c := NewCostLog("epoch", "train_loss")
	c.Append(1, math.NaN())
	var b bytes.Buffer
	if err := c.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	if want := "epoch,train_loss\n1,NaN\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	got, err := ReadCostCSV(&b)
	if err != nil || !math.IsNaN(got.Rows[0][1]) {
		t.Errorf("read back %v, %v, want NaN", got, err)
	}
}

func TestCostLogColumn(t *testing.T) {
	c := NewCostLog("epoch", "train_loss", "val_loss")
	c.Append(1, 0.9, 1.1)
	c.Append(2, 0.5, 0.7)
	if got := c.Column("val_loss"); len(got) != 2 || got[0] != 1.1 || got[1] != 0.7 {
		t.Errorf("val_loss = %v, want [1.1 0.7]", got)
	}
	if got := c.Column("val_r2"); got != nil {
		t.Errorf("val_r2 = %v, want nil", got)
	}
}

func TestWriteCSVErrors(t *testing.T) {
	tests := []struct {
		name string
		log  CostLog
		want string
	}{
		{"no columns", CostLog{}, "want epoch first"},
		{"epoch not first", CostLog{Columns: []string{"train_loss", "epoch"}}, "want epoch first"},
		{"short row", CostLog{Columns: []string{"epoch", "train_loss"}, Rows: [][]float64{{1, 2}, {2}}}, "row 2: 1 values for 2 columns"},
		{"fractional epoch", CostLog{Columns: []string{"epoch", "train_loss"}, Rows: [][]float64{{1.5, 2}}}, "epoch 1.5 is not a whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.log.WriteCSV(&bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestReadCostCSVErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "empty file"},
		{"no train_loss", "epoch,val_loss\n1,2\n", `line 1: header ["epoch" "val_loss"]: want epoch,train_loss first`},
		{"line break in a name", "epoch,train_loss,\"val\r\nloss\"\n", `line 1, column 3: name "val\nloss" holds a control character`},
		{"repeated column", "epoch,train_loss,val_loss,val_loss\n", `line 1, column 4: "val_loss" repeats column 3`},
		{"bad number", "epoch,train_loss,val_loss\n1,0.5,0.6\n2,0.4,abc\n", `line 3, column "val_loss": not a number: "abc"`},
		{"bad epoch", "epoch,train_loss\n1,0.5\n2.5,0.4\n", `line 3, column "epoch": not a whole number: "2.5"`},
		{"short line", "epoch,train_loss\n1\n", "record on line 2: wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCostCSV(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// FuzzReadCostCSV checks that whatever ReadCostCSV accepts, WriteCSV writes
// back into a file that reads to the same values.
func FuzzReadCostCSV(f *testing.F) {
	f.Add("epoch,train_loss\n1,0.5\n2,0.25\n")
	f.Add("epoch,train_loss,val_loss,train_accuracy,val_accuracy\n1,1.0986,1.1,0.33,0.3\n")
	f.Add("epoch,train_loss,train_r2\n1,NaN,-Inf\n2,1e-320,+Inf\n")
	f.Add("epoch,train_loss\n\"1\",\"0x1p-2\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := ReadCostCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := c.WriteCSV(&b); err != nil {
			t.Fatalf("WriteCSV of what ReadCostCSV accepted: %v", err)
		}
		d, err := ReadCostCSV(&b)
		if err != nil {
			t.Fatalf("ReadCostCSV of what WriteCSV wrote: %v\n%s", err, b.String())
		}
		if strings.Join(d.Columns, "\x00") != strings.Join(c.Columns, "\x00") || len(d.Rows) != len(c.Rows) {
			t.Fatalf("got %d rows of %q, want %d rows of %q", len(d.Rows), d.Columns, len(c.Rows), c.Columns)
		}
		for i := range c.Rows {
			for j, want := range c.Rows[i] {
				got := d.Rows[i][j]
				if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
					t.Fatalf("row %d, column %d: got %v, want %v", i+1, j+1, got, want)
				}
			}
		}
	})
}
