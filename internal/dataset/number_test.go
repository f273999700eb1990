package dataset

import (
	"math"
	"regexp"
	"strconv"
	"testing"
)

// csvNumber is the contract's number syntax, written out independently of
// isDecimal: a decimal (optional sign, digits, point, exponent) or an inf
// or nan spelling; Go literal forms such as 1_000 and 0x1p4 are text.
var csvNumber = regexp.MustCompile(`^(?i:[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(e[+-]?[0-9]+)?|inf|infinity|nan))$`)

// parseFloat reads a CSV number with a '.' decimal mark; see parseNumber.
func parseFloat(b []byte) (float64, error) { return parseNumber(b, '.') }

func TestParseFloatMatchesStrconv(t *testing.T) {
	inputs := []string{
		"0", "-0", "+0", "1", "-1", "007", "255", "5.1", "-2.7098", "0.1", ".5", "5.", "-.5",
		"9007199254740992", "9007199254740993", "-9007199254740993", "18446744073709551615",
		"18446744073709551616", "1234567890123456789", "12345678901234567890",
		"0.0000000000000000000001", "0.00000000000000000000001", "1.0000000000000000000001",
		"3.14159265358979323846", "1e3", "1E-3", "2.5e+10", "1e308", "1e309", "1e-400",
		"0x1p-2", "0x1p4", "0X10", "1_000", "1e1_0", "0b101", "0o17", "inf", "-Inf", "+INFINITY", "infinit", "NaN", "-nan", "nana", " 1", "1 ", "", "-", "+", ".", "1.2.3", "--1", "1e", "abc",
		"4.9406564584124654e-324", "2.2250738585072011e-308", "0.30000000000000004",
	}
	for _, s := range inputs {
		t.Run(s, func(t *testing.T) { checkParseFloat(t, s) })
	}
}

// checkParseFloat compares parseFloat with strconv.ParseFloat on the texts
// that are CSV numbers, and checks that the others are syntax errors.
func checkParseFloat(t *testing.T, s string) {
	t.Helper()
	want, wantErr := strconv.ParseFloat(s, 64)
	if !csvNumber.MatchString(s) {
		want, wantErr = 0, strconv.ErrSyntax
	}
	got, gotErr := parseFloat([]byte(s))
	if (gotErr != nil) != (wantErr != nil) {
		t.Fatalf("parseFloat(%q): got error %v, want %v", s, gotErr, wantErr)
	}
	if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
		t.Fatalf("parseFloat(%q) = %v (%#x), want %v (%#x)", s, got, math.Float64bits(got), want, math.Float64bits(want))
	}
}

func FuzzParseFloat(f *testing.F) {
	for _, s := range []string{"0", "-1.5", "9007199254740993", ".5", "1e5", "0.1234567890123456789012"} {
		f.Add(s)
	}
	f.Fuzz(checkParseFloat)
}

func TestParseFloatAllocs(t *testing.T) {
	fields := [][]byte{[]byte("255"), []byte("-2.7098"), []byte("1.5e-3"), []byte("3.14159265358979323846")}
	allocs := testing.AllocsPerRun(100, func() {
		for _, b := range fields {
			if _, err := parseFloat(b); err != nil {
				t.Fatal(err)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("got %v allocations per run, want 0", allocs)
	}
}

func TestParseNumberDecimalComma(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1,5", 1.5, true}, {"-0,25", -0.25, true}, {"3", 3, true}, {",5", 0.5, true}, {"1,5e3", 1500, true},
		{"3,14159265358979323846", 3.14159265358979323846, true},
		{"1.5", 0, false}, {"1,5,0", 0, false}, {"1.000,5", 0, false},
	} {
		got, err := parseNumber([]byte(tt.in), ',')
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseNumber(%q, ',') = %v, %v; want %v (ok %v)", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
