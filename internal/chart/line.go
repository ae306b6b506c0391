package chart

import (
	"html/template"
	"strings"
	"unicode/utf8"
)

// maxMarkers is the most points per chart that get a dot; longer series
// show only the line (and dots for points between two gaps, which would
// otherwise be invisible).
const maxMarkers = 60

// Line draws a line chart of one or more series over the same labels, such
// as a metric per day. Missing values break the line; a point between two
// gaps is drawn as a dot. Several series get the classes chart-s0 to
// chart-s5 (colour and dash pattern) and a legend. The value axis starts at
// zero unless the values sit far from it.
func Line(c Chart, series ...Series) template.HTML {
	c = c.normalize()
	f := newFigure(c)
	g := align(c, series)
	st := g.stats()
	t := g.table(c, false)
	if st.present == 0 {
		return f.empty("line", t, st.unavailable)
	}
	lo := st.min
	if lo >= 0 && lo <= st.max/2 {
		lo = 0
	}
	// The last label is centred on the plot's edge: leave it room.
	right := max(12, float64(min(utf8.RuneCountInString(g.labels[len(g.labels)-1]), labelRunes))*charW/2+2)
	p := newPlot(c, niceScale(lo, st.max, false), 10, right)
	n := len(g.labels)
	slot := p.x1 - p.x0
	if n > 1 {
		slot /= float64(n - 1)
	}
	x := func(i int) float64 {
		if n == 1 {
			return (p.x0 + p.x1) / 2
		}
		return p.x0 + float64(i)*slot
	}
	f.open("line", g.names, lineKeys)
	f.svg(seriesDesc("Line chart", g) + rangeText(st, c.Unit))
	p.axes(&f.b, c)
	p.xLabels(&f.b, g.labels, x, slot)
	f.b.WriteString(`<g class="chart-plot">`)
	for s := range g.cells {
		drawLine(&f.b, p, g, s, x, n <= maxMarkers, c.Unit)
	}
	f.b.WriteString(`</g>`)
	f.closeSVG()
	return f.done(t)
}

// drawLine draws series s as a path broken at missing values, with a dot
// per point when markers is set.
func drawLine(b *strings.Builder, p plot, g grid, s int, x func(int) float64, markers bool, unit string) {
	row, class := g.cells[s], seriesClass(s)
	isPresent := func(j int) bool { return j >= 0 && j < len(row) && row[j].st == present }
	b.WriteString(`<g class="chart-series">`)
	pen, started := false, false
	for j, c := range row {
		if c.st != present {
			pen = false
			continue
		}
		switch {
		case !started:
			b.WriteString(`<path class="chart-line ` + class + `" fill="none" d="M`)
			started = true
		case pen:
			b.WriteString(" L")
		default:
			b.WriteString(" M")
		}
		num(b, x(j))
		b.WriteByte(',')
		num(b, p.y(c.v))
		pen = true
	}
	if started {
		b.WriteString(`"/>`)
	}
	for j, c := range row {
		if c.st != present || !markers && (isPresent(j-1) || isPresent(j+1)) {
			continue
		}
		b.WriteString(`<circle class="chart-point ` + class + `" cx="`)
		num(b, x(j))
		b.WriteString(`" cy="`)
		num(b, p.y(c.v))
		b.WriteString(`" r="3">`)
		tooltip(b, g.labels[j], " · ", g.names[s], ": ", valueText(c.v, unit))
		b.WriteString(`</circle>`)
	}
	b.WriteString(`</g>`)
}

// seriesDesc starts a chart's <desc>: its kind, series and labels.
func seriesDesc(kind string, g grid) string {
	var b strings.Builder
	b.WriteString(kind)
	if len(g.names) == 1 {
		b.WriteString(" of " + g.names[0])
	} else {
		b.WriteString(" of " + plural(len(g.names), "series", "series") + ": " + strings.Join(g.names, ", "))
	}
	b.WriteString(", " + plural(len(g.labels), "point", "points") + " " + spanText(g.labels) + ". ")
	return b.String()
}
