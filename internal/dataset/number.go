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

// parseNumber reads one CSV number: a decimal
//
//	[+-] digits [dec digits] [(e|E) [+-] digits]   (digits on at least one side of the mark)
//
// with dec as the decimal mark, or one of the inf, infinity and nan
// spellings that strconv.ParseFloat accepts (any case, optional sign).
// Anything else, Go literal syntax included (1_000, 0x1p4), is text:
// strconv.ErrSyntax. The value is what strconv.ParseFloat gives for the same
// text with a '.' mark, without allocating for well-formed numbers.
func parseNumber(b []byte, dec byte) (float64, error) {
	if v, ok := parseSimple(b, dec); ok {
		return v, nil
	}
	if !isDecimal(b, dec) && !isInfNaN(b) {
		return 0, strconv.ErrSyntax
	}
	if dec != '.' {
		var buf [64]byte
		c := append(buf[:0], b...)
		for i, ch := range c {
			if ch == dec {
				c[i] = '.'
			}
		}
		b = c
	}
	// ParseFloat does not keep s (its errors copy it), so viewing the bytes
	// as a string is safe.
	v, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(b), len(b)), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, strconv.ErrSyntax
	}
	return v, err
}

// isDecimal reports whether b is a plain decimal number with mark dec.
func isDecimal(b []byte, dec byte) bool {
	i, n := 0, len(b)
	if i < n && (b[i] == '+' || b[i] == '-') {
		i++
	}
	digits := 0
	for i < n && b[i] >= '0' && b[i] <= '9' {
		i++
		digits++
	}
	if i < n && b[i] == dec {
		i++
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < n && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < n && (b[i] == '+' || b[i] == '-') {
			i++
		}
		exp := 0
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == n
}

// isInfNaN reports whether b is [+-]inf, [+-]infinity or [+-]nan in any case.
func isInfNaN(b []byte) bool {
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		b = b[1:]
	}
	if len(b) != 3 && len(b) != 8 {
		return false
	}
	var low [8]byte
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	s := string(low[:len(b)])
	return s == "inf" || s == "infinity" || s == "nan"
}

// parseSimple returns the value of b when b is one plain decimal that
// scanNumbers accepts in full.
func parseSimple(b []byte, dec byte) (v float64, ok bool) {
	var dst [1]float64
	end, ok := scanNumbers(b, 0, dst[:], ',', dec)
	return dst[0], ok && end == len(b)
}

// scanNumbers reads len(dst) plain decimals [-]ddd[.ddd], separated by
// delim and with dec as the decimal mark, from data[p:] into dst and
// returns the index after the last one (at its terminator, which it does
// not check).
//
// This is Clinger's fast path: when the digits form an integer m ≤ 2^53
// with k ≤ 22 of them after the point, the value is exactly m / 10^k, and
// one IEEE division of two exact operands is correctly rounded, so the
// result is the float64 strconv.ParseFloat gives. Other forms (a leading
// +, exponents, long mantissas, inf, nan), numbers outside those bounds and
// missing separators report ok = false, and the caller reads the record the
// general way.
//
// It reads a whole run of columns in one call because its loop then keeps
// its few variables in registers; the per-field cost is what decides how
// fast a file such as Fashion-MNIST (47 million fields) loads.
func scanNumbers(data []byte, p int, dst []float64, delim, dec byte) (end int, ok bool) {
	for i := range dst {
		if i > 0 {
			if p >= len(data) || data[p] != delim {
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
		if p < len(data) && data[p] == dec {
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

// errNotNumber is parseValue's error for text that is not a number at all
// (rather than empty, out of range or not finite).
var errNotNumber = errors.New("not a number")

// parseValue parses a numeric field and rejects what cannot be a feature or
// regression target: empty fields, text, NaN and ±Inf.
func parseValue(b []byte, dec byte) (float64, error) {
	v, err := parseNumber(b, dec)
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
