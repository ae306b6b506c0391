package chart

import (
	"math"
	"testing"
)

func TestCompact(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		unit string
		want string
	}{
		{0, "", "0"},
		{7, "", "7"},
		{3.456, "", "3.46"},
		{42.26, "", "42.3"},
		{950, "", "950"},
		{999.6, "", "1k"},
		{1234, "", "1.2k"},
		{-1500, "", "-1.5k"},
		{999_950, "", "1M"},
		{3.4e6, "", "3.4M"},
		{2.5e11, "", "250B"},
		{1e12, "", "1T"},
		{9.99e14, "", "999T"},
		{0.005, "", "0.005"},
		{12.345, "%", "12.3%"},
		{12, "%", "12.0%"},
		{-0.01, "%", "0.0%"},
		{25000, "%", "25k%"},
	} {
		if got := compact(tc.v, tc.unit); got != tc.want {
			t.Errorf("compact(%v, %q) = %q, want %q", tc.v, tc.unit, got, tc.want)
		}
	}
}

func TestFull(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		unit string
		want string
	}{
		{0, "", "0"},
		{1234567, "", "1,234,567"},
		{-1234.5, "", "-1,234.5"},
		{0.1 + 0.2, "", "0.3"},
		{1e12, "", "1,000,000,000,000"},
		{0.00001234, "", "1.23e-05"},
		{12.34, "%", "12.3%"},
		{1234.56, "%", "1,234.6%"},
	} {
		if got := full(tc.v, tc.unit); got != tc.want {
			t.Errorf("full(%v, %q) = %q, want %q", tc.v, tc.unit, got, tc.want)
		}
	}
}

func TestNiceScale(t *testing.T) {
	for _, tc := range []struct {
		lo, hi       float64
		zero         bool
		wLo, wHi, wS float64
	}{
		{0, 97, true, 0, 100, 20},
		{3, 3, false, 0, 3, 1},
		{0, 0, true, 0, 1, 0.2},
		{-7, -7, true, -8, 0, 2},
		{-5, 10, true, -5, 10, 5},
		{10010, 10045, false, 10010, 10050, 10},
		{0, 1e12, true, 0, 1e12, 2e11},
		{0.001, 0.004, true, 0, 0.004, 0.001},
		{-MaxMagnitude, MaxMagnitude, true, -MaxMagnitude, MaxMagnitude, 5e14},
	} {
		sc := niceScale(tc.lo, tc.hi, tc.zero)
		if !near(sc.lo, tc.wLo) || !near(sc.hi, tc.wHi) || !near(sc.step, tc.wS) {
			t.Errorf("niceScale(%v, %v) = %v..%v step %v, want %v..%v step %v", tc.lo, tc.hi, sc.lo, sc.hi, sc.step, tc.wLo, tc.wHi, tc.wS)
		}
		if len(sc.ticks) < 2 || len(sc.ticks) > 12 {
			t.Errorf("niceScale(%v, %v): %d ticks", tc.lo, tc.hi, len(sc.ticks))
		}
		m := sc.step / math.Pow10(int(math.Floor(math.Log10(sc.step)+1e-9)))
		if !near(m, 1) && !near(m, 2) && !near(m, 5) {
			t.Errorf("step %v is not 1, 2 or 5 times a power of ten", sc.step)
		}
	}
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*max(1, math.Abs(a), math.Abs(b))
}

func TestTickFormat(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		unit   string
		want   []string
	}{
		{0, 97, "", []string{"0", "20", "40", "60", "80", "100"}},
		{0, 2000, "", []string{"0", "500", "1k", "1.5k", "2k"}},
		{10010, 10045, "", []string{"10.01k", "10.02k", "10.03k", "10.04k", "10.05k"}},
		{0, 1, "", []string{"0", "0.2", "0.4", "0.6", "0.8", "1"}},
		{-2000, 0, "", []string{"-2k", "-1.5k", "-1k", "-500", "0"}},
		{999.7, 1000.1, "", []string{"999.7", "999.8", "999.9", "1k", "1.0001k"}},
		{0, 12, "%", []string{"0%", "5%", "10%", "15%"}},
		{0, 0.7, "%", []string{"0%", "0.2%", "0.4%", "0.6%", "0.8%"}},
		{-0.3, 0.3, "", []string{"-0.4", "-0.2", "0", "0.2", "0.4"}},
		{1e11, 1.6e12, "", []string{"0", "500B", "1T", "1.5T", "2T"}},
	} {
		sc := niceScale(tc.lo, tc.hi, false)
		f := tickFormat(sc, tc.unit)
		var got []string
		for _, v := range sc.ticks {
			got = append(got, f(v))
		}
		if len(got) != len(tc.want) {
			t.Errorf("ticks for %v..%v = %q, want %q", tc.lo, tc.hi, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("ticks for %v..%v = %q, want %q", tc.lo, tc.hi, got, tc.want)
				break
			}
		}
	}
}
