package chart

import (
	"html/template"
	"strings"
	"unicode/utf8"
)

// Bar layout limits, in user units.
const (
	maxBarWidth   = 56  // bars stay bars on a wide chart with few labels
	barFill       = 0.7 // share of its slot a bar fills
	minNASlot     = 18  // narrowest slot that says "n/a" for a missing value
	valueLabelPad = 18  // room above the plot for the tallest bar's label
)

// Bar draws one series as vertical bars from zero: up for positive values,
// down for negative ones. A missing value leaves its slot empty, marked
// "n/a" where there is room. Values are written above the bars when they
// fit.
func Bar(c Chart, s Series) template.HTML {
	c = c.normalize()
	f := newFigure(c)
	g := align(c, []Series{s})
	st := g.stats()
	t := g.table(c, false)
	if st.present == 0 {
		return f.empty("bar", t, st.unavailable)
	}
	values := make([]cell, len(g.labels))
	copy(values, g.cells[0])
	l := newBarLayout(c, st.min, st.max, values)
	f.open("bar", g.names, noLegend)
	f.svg(seriesDesc("Bar chart", g) + rangeText(st, c.Unit))
	l.p.axes(&f.b, c)
	l.p.xLabels(&f.b, g.labels, l.center, l.slot)
	f.b.WriteString(`<g class="chart-plot">`)
	for j, v := range g.cells[0] {
		if v.st != present {
			l.na(&f.b, j)
			continue
		}
		l.segment(&f.b, "chart-col "+seriesClass(0), j, 0, v.v)
		tooltip(&f.b, g.labels[j], ": ", valueText(v.v, c.Unit))
		f.b.WriteString(`</rect>`)
		l.valueLabel(&f.b, j, v.v, v.v)
	}
	f.b.WriteString(`</g>`)
	f.closeSVG()
	return f.done(t)
}

// StackedBar draws one bar per label with the series stacked in it:
// positive values upwards from zero and negative ones downwards, each
// series in its colour class, with a legend. The data table adds each
// label's total, which is also written above the bars when it fits.
func StackedBar(c Chart, series ...Series) template.HTML {
	c = c.normalize()
	f := newFigure(c)
	g := align(c, series)
	st := g.stats()
	t := g.table(c, true)
	if st.present == 0 {
		return f.empty("stacked", t, st.unavailable)
	}
	totals := make([]cell, len(g.labels))
	lo, hi := 0.0, 0.0
	var ts stats
	for j := range g.labels {
		pos, neg, seen := 0.0, 0.0, false
		for s := range g.cells {
			if v := g.cells[s][j]; v.st == present {
				pos, neg, seen = pos+max(v.v, 0), neg+min(v.v, 0), true
			}
		}
		lo, hi = min(lo, neg), max(hi, pos)
		totals[j] = cell{v: pos + neg}
		if !seen {
			totals[j].st = absent
		}
		ts.add(totals[j])
	}
	ts.unavailable = st.unavailable
	l := newBarLayout(c, lo, hi, totals)
	f.open("stacked", g.names, boxKeys)
	f.svg(seriesDesc("Stacked bar chart", g) + "Totals per label: " + rangeText(ts, c.Unit))
	l.p.axes(&f.b, c)
	l.p.xLabels(&f.b, g.labels, l.center, l.slot)
	f.b.WriteString(`<g class="chart-plot">`)
	for j := range g.labels {
		if totals[j].st != present {
			l.na(&f.b, j)
			continue
		}
		pos, neg := 0.0, 0.0
		for s := range g.cells {
			v := g.cells[s][j]
			if v.st != present || v.v == 0 {
				continue
			}
			if v.v > 0 {
				l.segment(&f.b, "chart-seg "+seriesClass(s), j, pos, pos+v.v)
				pos += v.v
			} else {
				l.segment(&f.b, "chart-seg "+seriesClass(s), j, neg+v.v, neg)
				neg += v.v
			}
			tooltip(&f.b, g.labels[j], " · ", g.names[s], ": ", valueText(v.v, c.Unit))
			f.b.WriteString(`</rect>`)
		}
		l.valueLabel(&f.b, j, totals[j].v, stackEnd(pos, neg))
	}
	f.b.WriteString(`</g>`)
	f.closeSVG()
	return f.done(t)
}

// stackEnd is the end of a stack its total is written at: the top of the
// positive part, or the bottom of a stack that only goes down.
func stackEnd(pos, neg float64) float64 {
	if pos > 0 || neg == 0 {
		return pos
	}
	return neg
}

// barLayout places bars in equal slots along the x axis.
type barLayout struct {
	p          plot
	slot, bar  float64
	showValues bool
	labels     []string // value labels, one per slot
}

// newBarLayout lays out bars for values from lo to hi; labels holds the
// value written at each bar, and decides whether they fit.
func newBarLayout(c Chart, lo, hi float64, labels []cell) barLayout {
	l := barLayout{labels: make([]string, len(labels))}
	widest := 0
	for i, v := range labels {
		if v.st == present {
			l.labels[i] = compact(v.v, c.Unit)
			widest = max(widest, utf8.RuneCountInString(l.labels[i]))
		}
	}
	l.p = newPlot(c, niceScale(lo, hi, true), valueLabelPad, 12)
	l.slot = (l.p.x1 - l.p.x0) / float64(len(labels))
	l.bar = min(l.slot*barFill, maxBarWidth)
	l.showValues = l.slot >= float64(widest)*charW*0.9+4
	if l.showValues && lo < 0 && l.p.y(lo)+14 > l.p.y1 {
		// Room under the lowest bar for its label.
		l.p = newPlot(c, l.p.sc.extendLow(), valueLabelPad, 12)
	}
	return l
}

// center is the middle of slot j.
func (l barLayout) center(j int) float64 {
	return l.p.x0 + (float64(j)+0.5)*l.slot
}

// segment opens the <rect> of a bar part between values from and to in
// slot j. A part too thin to see is drawn one unit high, so a zero bar
// still shows that the value exists.
func (l barLayout) segment(b *strings.Builder, class string, j int, from, to float64) {
	hi, lo := max(from, to), min(from, to)
	top, bottom := l.p.y(hi), l.p.y(lo)
	if bottom-top < 1 {
		if hi > 0 || hi == 0 && lo == 0 {
			top = bottom - 1
		} else {
			bottom = top + 1
		}
	}
	rect(b, class, l.center(j)-l.bar/2, top, l.bar, bottom-top)
}

// valueLabel writes slot j's label above a bar ending at end, or below it
// when the bar goes down.
func (l barLayout) valueLabel(b *strings.Builder, j int, v, end float64) {
	if !l.showValues || l.labels[j] == "" {
		return
	}
	y := l.p.y(end) - 4
	if v < 0 || end < 0 {
		y = l.p.y(end) + 12
	}
	text(b, "chart-value", l.center(j), y, "middle", l.labels[j])
}

// na marks slot j as not available.
func (l barLayout) na(b *strings.Builder, j int) {
	if l.slot < minNASlot {
		return
	}
	text(b, "chart-na", l.center(j), l.p.y(0)-4, "middle", "n/a")
}
