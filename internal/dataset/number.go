package dataset

import (
	"errors"
	"fmt"
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

// parseSimple returns the value of b when b is one plain decimal that
// scanNumbers accepts in full.
func parseSimple(b []byte) (v float64, ok bool) {
	var dst [1]float64
	end, ok := scanNumbers(b, 0, dst[:])
	return dst[0], ok && end == len(b)
}

// scanNumbers reads len(dst) comma-separated plain decimals [-]ddd[.ddd]
// from data[p:] into dst and returns the index after the last one (at its
// terminator, which it does not check).
//
// This is Clinger's fast path: when the digits form an integer m ≤ 2^53
// with k ≤ 22 of them after the point, the value is exactly m / 10^k, and
// one IEEE division of two exact operands is correctly rounded, so the
// result is the float64 strconv.ParseFloat gives. Other forms (a leading
// +, exponents, long mantissas, inf, nan, hex), numbers outside those
// bounds and missing commas report ok = false, and the caller reads the
// record the general way.
//
// It reads a whole run of columns in one call because its loop then keeps
// its few variables in registers; the per-field cost is what decides how
// fast a file such as Fashion-MNIST (47 million fields) loads.
func scanNumbers(data []byte, p int, dst []float64) (end int, ok bool) {
	for i := range dst {
		if i > 0 {
			if p >= len(data) || data[p] != ',' {
				return p, false
			}
			p++
		}
		neg := false
		if p < len(data) && data[p] == '-' {
			neg = true
			p++
		}
		start := p
		var mant uint64
		for p < len(data) {
			d := data[p] - '0'
			if d > 9 {
				break
			}
			mant = mant*10 + uint64(d)
			p++
		}
		digits, frac := p-start, 0
		if p < len(data) && data[p] == '.' {
			p++
			fracStart := p
			for p < len(data) {
				d := data[p] - '0'
				if d > 9 {
					break
				}
				mant = mant*10 + uint64(d)
				p++
			}
			frac = p - fracStart
			digits += frac
		}
		// Up to 15 digits are below 2^53, with at most 15 after the point:
		// one comparison settles the common case. More than 19 digits may
		// have overflowed mant.
		if uint(digits-1) >= 15 && (digits == 0 || digits > 19 || mant > 1<<53 || frac >= len(pow10)) {
			return p, false
		}
		v := float64(int64(mant)) // mant ≤ 2^53: the signed conversion is exact and cheaper
		if frac > 0 {
			v /= pow10[frac]
		}
		if neg {
			v = -v
		}
		dst[i] = v
	}
	return p, true
}

// parseValue parses a numeric field and rejects what cannot be a feature or
// regression target: empty fields, text, NaN and ±Inf.
// errNotNumber is parseValue's error for text that is not a number at all
// (rather than empty, out of range or not finite).
var errNotNumber = errors.New("not a number")

func parseValue(b []byte) (float64, error) {
	v, err := parseFloat(b)
	if err != nil {
		switch {
		case len(b) == 0:
			return 0, errors.New("missing value")
		case errors.Is(err, strconv.ErrRange):
			return 0, errors.New("number out of range: " + quoteValue(b))
		default:
			return 0, fmt.Errorf("%w: %s", errNotNumber, quoteValue(b))
		}
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, errors.New("not a finite number: " + quoteValue(b))
	}
	return v, nil
}
