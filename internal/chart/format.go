package chart

import (
	"math"
	"strconv"
	"strings"
)

// Texts for values that cannot be shown.
const (
	notAvailable = "not available"
	notValid     = "not available (invalid value)"
)

// suffix is a thousands step of the compact format.
type suffix struct {
	div float64
	sym string
}

// suffixes are ordered from small to large; T covers up to MaxMagnitude.
var suffixes = []suffix{{1e3, "k"}, {1e6, "M"}, {1e9, "B"}, {1e12, "T"}}

// percent reports whether unit makes values percentages.
func percent(unit string) bool { return unit == "%" }

// compact formats v briefly for labels and tooltips: 950, 3.5, 1.2k, 3.4M,
// and percentages with one decimal (12.5%).
func compact(v float64, unit string) string {
	a := math.Abs(v)
	if percent(unit) {
		if a < 1e4 {
			return trimNumber(strconv.FormatFloat(v, 'f', 1, 64)) + "%"
		}
		return compactNumber(v) + "%"
	}
	return compactNumber(v)
}

// compactNumber formats v with a k, M, B or T suffix from a thousand up and
// at most two decimals below.
func compactNumber(v float64) string {
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a < 0.01:
		return strconv.FormatFloat(v, 'g', 2, 64)
	case a < 10:
		return trimZeros(strconv.FormatFloat(v, 'f', 2, 64))
	case a < 100:
		return trimZeros(strconv.FormatFloat(v, 'f', 1, 64))
	case a < 999.5:
		return trimNumber(strconv.FormatFloat(v, 'f', 0, 64))
	}
	for i, s := range suffixes {
		x := math.Round(v/s.div*10) / 10
		if math.Abs(x) < 999.95 || i == len(suffixes)-1 {
			return trimZeros(strconv.FormatFloat(x, 'f', 1, 64)) + s.sym
		}
	}
	return "0" // not reached
}

// full formats v exactly enough for the data table: digits grouped by
// thousands, up to four decimals, percentages with one decimal.
func full(v float64, unit string) string {
	if percent(unit) {
		return group(trimNumber(strconv.FormatFloat(v, 'f', 1, 64))) + "%"
	}
	r := math.Round(v*1e4) / 1e4
	if r == 0 && v != 0 {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	return group(trimNumber(strconv.FormatFloat(r, 'f', -1, 64)))
}

// cellText is the data table's text for one value.
func cellText(c cell, unit string) string {
	switch c.st {
	case absent:
		return notAvailable
	case invalid:
		return notValid
	}
	return full(c.v, unit)
}

// valueText is a value with its unit for tooltips and descriptions.
func valueText(v float64, unit string) string {
	s := compact(v, unit)
	if unit != "" && !percent(unit) {
		s += " " + unit
	}
	return s
}

// tickFormat returns the formatter for an axis's tick labels: each tick
// gets the suffix that fits it (500, 1k, 1.5k) and just enough decimals to
// tell neighbouring ticks apart.
func tickFormat(sc scale, unit string) func(float64) string {
	pct := ""
	if percent(unit) {
		pct = "%"
	}
	return func(v float64) string {
		div, sym := 1.0, ""
		// The margin keeps a tick a rounding error below 1000 from
		// reading "1000" instead of "1k".
		if a := math.Abs(v) * (1 + 1e-9); !percent(unit) || a >= 1e4 {
			for _, s := range suffixes {
				if a >= s.div {
					div, sym = s.div, s.sym
				}
			}
		}
		dec := 0
		if r := sc.step / div; r < 1 {
			dec = min(int(math.Ceil(-math.Log10(r)-1e-9)), 9)
		}
		s := trimZeros(strconv.FormatFloat(v/div, 'f', dec, 64))
		if s == "0" {
			return s + pct // zero needs no suffix
		}
		return s + sym + pct
	}
}

// trimZeros drops trailing decimal zeros and a trailing point.
func trimZeros(s string) string {
	if strings.IndexByte(s, '.') >= 0 && !strings.ContainsAny(s, "eE") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return trimNumber(s)
}

// trimNumber turns a negative zero such as "-0" or "-0.0" into a positive one.
func trimNumber(s string) string {
	if strings.HasPrefix(s, "-") && strings.Trim(s[1:], "0.") == "" {
		return s[1:]
	}
	return s
}

// group separates thousands in the integer part of a decimal number.
func group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	if len(intPart) <= 3 || strings.ContainsAny(s, "eE") {
		return sign + s
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String() + frac
}
