package dataset

import (
	"errors"
	"math"
	"strconv"
	"unsafe"
)

// pow10 holds the powers of ten that are exact in float64.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat returns what strconv.ParseFloat(string(b), 64) returns, without
// allocating for well-formed numbers.
func parseFloat(b []byte) (float64, error) {
	if v, ok := parseSimple(b); ok {
		return v, nil
	}
	if len(b) == 0 {
		return 0, strconv.ErrSyntax
	}
	// ParseFloat does not keep s (its errors copy it), so viewing the bytes
	// as a string is safe.
	return strconv.ParseFloat(unsafe.String(unsafe.SliceData(b), len(b)), 64)
}

// parseSimple is Clinger's fast path: a plain decimal [+-]ddd[.ddd] whose
// digits form an integer m ≤ 2^53 with at most 22 digits after the point is
// exactly m / 10^k, and one IEEE division of two exact operands is correctly
// rounded, so the result is the float64 strconv.ParseFloat gives. Anything
// else (exponents, long mantissas, inf, nan, hex) reports ok = false.
func parseSimple(b []byte) (v float64, ok bool) {
	i := 0
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		i = 1
	}
	var mant uint64
	digits, frac := 0, 0
	dot := false
	for ; i < len(b); i++ {
		c := b[i]
		if c-'0' <= 9 {
			if digits == 19 { // mant could overflow uint64
				return 0, false
			}
			mant = mant*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
			continue
		}
		if c == '.' && !dot {
			dot = true
			continue
		}
		return 0, false
	}
	if digits == 0 || mant > 1<<53 || frac >= len(pow10) {
		return 0, false
	}
	v = float64(mant)
	if frac > 0 {
		v /= pow10[frac]
	}
	if neg {
		v = -v
	}
	return v, true
}

// parseValue parses a numeric field and rejects what cannot be a feature or
// regression target: empty fields, text, NaN and ±Inf.
func parseValue(b []byte) (float64, error) {
	v, err := parseFloat(b)
	if err != nil {
		switch {
		case len(b) == 0:
			return 0, errors.New("missing value")
		case errors.Is(err, strconv.ErrRange):
			return 0, errors.New("number out of range: " + quoteValue(b))
		default:
			return 0, errors.New("not a number: " + quoteValue(b))
		}
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, errors.New("not a finite number: " + quoteValue(b))
	}
	return v, nil
}
