package chart

import "math"

// targetTicks is about how many intervals a value axis gets.
const targetTicks = 5

// scale is a value axis: its range and its ticks, evenly spaced by a
// "nice" step of 1, 2 or 5 times a power of ten.
type scale struct {
	lo, hi, step float64
	ticks        []float64
}

// niceScale returns an axis covering lo..hi (finite, lo <= hi, within
// MaxMagnitude), widened to whole steps; with zero it also covers 0, as a
// bar chart must. A range too narrow to divide becomes 0..v (or 0..1 for
// zero), so a flat or single-valued series still gets a readable axis.
func niceScale(lo, hi float64, zero bool) scale {
	if zero {
		lo, hi = min(lo, 0), max(hi, 0)
	}
	if span := hi - lo; span < 1e-9 || span < 1e-6*max(math.Abs(lo), math.Abs(hi)) {
		switch v := hi; {
		case math.Abs(v) < 1e-9:
			lo, hi = 0, 1
		case v > 0:
			lo, hi = 0, v
		default:
			lo, hi = v, 0
		}
	}
	step := niceStep((hi - lo) / targetTicks)
	sc := scale{lo: math.Floor(lo/step) * step, hi: math.Ceil(hi/step) * step, step: step}
	n := int(math.Round((sc.hi - sc.lo) / step))
	sc.ticks = make([]float64, 0, n+1)
	for i := range n + 1 {
		sc.ticks = append(sc.ticks, sc.lo+float64(i)*step)
	}
	return sc
}

// niceStep rounds raw up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	p := math.Pow10(int(math.Floor(math.Log10(raw))))
	switch f := raw / p; {
	case f <= 1:
		return p
	case f <= 2:
		return 2 * p
	case f <= 5:
		return 5 * p
	}
	return 10 * p
}

// extendLow adds one step below the axis, to make room under the lowest
// bar for its value label.
func (sc scale) extendLow() scale {
	sc.lo -= sc.step
	sc.ticks = append([]float64{sc.lo}, sc.ticks...)
	return sc
}

// isZero reports whether tick t is the axis's zero, allowing for the
// rounding of lo + i*step.
func (sc scale) isZero(t float64) bool {
	return math.Abs(t) < sc.step/1e6
}
