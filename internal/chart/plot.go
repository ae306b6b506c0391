package chart

import (
	"math"
	"strings"
	"unicode/utf8"
)

// Text metrics of the layout, in user units. The SVG cannot measure text on
// the server, so label room is estimated from the rune count.
const (
	charW      = 6.2 // average width of one character at font size 11
	tickGap    = 6   // between a tick label and the plot
	titleRoom  = 18  // for an axis title
	labelRunes = 14  // longest x axis label before it is shortened
)

// plot is the drawing area of a chart with a value axis, and that axis.
type plot struct {
	x0, x1, y0, y1 float64 // the plot area; y0 is the top
	sc             scale
	ticks          []string
}

// newPlot lays out a chart of size c around a value axis, leaving top
// units above the plot for value labels and right units beside it.
func newPlot(c Chart, sc scale, top, right float64) plot {
	format := tickFormat(sc, c.Unit)
	p := plot{sc: sc, ticks: make([]string, len(sc.ticks))}
	widest := 1
	for i, t := range sc.ticks {
		p.ticks[i] = format(t)
		widest = max(widest, utf8.RuneCountInString(p.ticks[i]))
	}
	left := 8 + float64(widest)*charW + tickGap
	if yTitle(c) != "" {
		left += titleRoom
	}
	bottom := 24.0
	if c.XLabel != "" {
		bottom += titleRoom
	}
	p.x0, p.x1 = left, float64(c.Width)-right
	p.y0, p.y1 = top, float64(c.Height)-bottom
	return p
}

// y maps a value to its vertical position.
func (p plot) y(v float64) float64 {
	return p.y1 - (v-p.sc.lo)/(p.sc.hi-p.sc.lo)*(p.y1-p.y0)
}

// yTitle is the value axis's title: its label and unit.
func yTitle(c Chart) string {
	switch {
	case c.Unit == "":
		return c.YLabel
	case c.YLabel == "":
		return c.Unit
	}
	return c.YLabel + " (" + c.Unit + ")"
}

// axes draws the horizontal grid lines with their tick labels, the zero
// line, and the axis titles.
func (p plot) axes(b *strings.Builder, c Chart) {
	b.WriteString(`<g class="chart-axes">`)
	for i, t := range p.sc.ticks {
		y := p.y(t)
		b.WriteString(`<line class="`)
		if p.sc.isZero(t) {
			b.WriteString(`chart-zero`)
		} else {
			b.WriteString(`chart-grid`)
		}
		b.WriteString(`" x1="`)
		num(b, p.x0)
		b.WriteString(`" x2="`)
		num(b, p.x1)
		b.WriteString(`" y1="`)
		num(b, y)
		b.WriteString(`" y2="`)
		num(b, y)
		b.WriteString(`"/>`)
		text(b, "chart-tick", p.x0-tickGap, y+4, "end", p.ticks[i])
	}
	if t := yTitle(c); t != "" {
		// Rotated a quarter turn back: x runs up the page, y to the right.
		mid := (p.y0 + p.y1) / 2
		b.WriteString(`<text class="chart-axis-title" transform="rotate(-90)" x="`)
		num(b, -mid)
		b.WriteString(`" y="12" text-anchor="middle">`)
		b.WriteString(esc(t))
		b.WriteString(`</text>`)
	}
	if c.XLabel != "" {
		text(b, "chart-axis-title", (p.x0+p.x1)/2, float64(c.Height)-6, "middle", c.XLabel)
	}
	b.WriteString(`</g>`)
}

// xLabels writes the labels under the plot at x(i), leaving out enough of
// them that they do not overlap when each gets slot units.
func (p plot) xLabels(b *strings.Builder, labels []string, x func(int) float64, slot float64) {
	every := labelEvery(labels, slot)
	b.WriteString(`<g class="chart-xlabels">`)
	for i := 0; i < len(labels); i += every {
		text(b, "chart-tick", x(i), p.y1+16, "middle", shorten(labels[i], labelRunes))
	}
	b.WriteString(`</g>`)
}

// labelEvery is how many labels of slot units each share the room of one.
func labelEvery(labels []string, slot float64) int {
	widest := 1
	for _, l := range labels {
		widest = max(widest, min(utf8.RuneCountInString(l), labelRunes))
	}
	need := float64(widest)*charW + 8
	if slot <= 0 || slot >= need {
		return 1
	}
	return int(math.Ceil(need / slot))
}

// text writes one <text> element; s is plain text.
func text(b *strings.Builder, class string, x, y float64, anchor, s string) {
	b.WriteString(`<text class="`)
	b.WriteString(class)
	b.WriteString(`" x="`)
	num(b, x)
	b.WriteString(`" y="`)
	num(b, y)
	b.WriteString(`" text-anchor="`)
	b.WriteString(anchor)
	b.WriteString(`">`)
	b.WriteString(esc(s))
	b.WriteString(`</text>`)
}

// tooltip writes a <title> child, which browsers show on hover.
func tooltip(b *strings.Builder, parts ...string) {
	b.WriteString(`<title>`)
	for _, s := range parts {
		b.WriteString(esc(s))
	}
	b.WriteString(`</title>`)
}

// rect writes the start of a <rect> with its class and box, leaving it
// open for a tooltip; the caller closes it with </rect>.
func rect(b *strings.Builder, class string, x, y, w, h float64) {
	b.WriteString(`<rect class="`)
	b.WriteString(class)
	b.WriteString(`" x="`)
	num(b, x)
	b.WriteString(`" y="`)
	num(b, y)
	b.WriteString(`" width="`)
	num(b, max(w, 0))
	b.WriteString(`" height="`)
	num(b, max(h, 0))
	b.WriteString(`">`)
}
