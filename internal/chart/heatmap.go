package chart

import (
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Heatmap layout, in user units.
const (
	heatLevels   = 6  // colour steps, classes chart-h0 to chart-h5
	swatchWidth  = 18 // one legend step
	legendHeight = 30 // room for the legend under the column labels
)

// heat is a heatmap's checked values and where its highest value is.
type heat struct {
	rows, cols []string
	cells      [][]cell // [row][col]
	st         stats
	top        [2]int // row and column of the highest value
}

// Heatmap draws a grid of values, such as engagement by weekday (rows) and
// hour (columns), with darker cells for higher values in six steps and a
// legend from the lowest to the highest value. values[r][c] is the value of
// row r and column c; missing[r][c] (missing may be nil or shorter) marks
// values that are not available, which are drawn as outlined empty cells.
// Values beyond the end of a row are not available too.
func Heatmap(c Chart, rows, cols []string, values [][]float64, missing [][]bool) template.HTML {
	c = c.normalize()
	f := newFigure(c)
	h := newHeat(rows, cols, values, missing)
	t := h.table(c)
	if h.st.present == 0 {
		return f.empty("heatmap", t, h.st.unavailable)
	}
	f.open("heatmap", nil, noLegend)
	f.svg(h.desc(c.Unit))
	h.draw(&f.b, c)
	f.closeSVG()
	return f.done(t)
}

// newHeat checks the values of a heatmap.
func newHeat(rows, cols []string, values [][]float64, missing [][]bool) heat {
	h := heat{rows: numbered(rows), cols: numbered(cols)}
	if len(h.cols) == 0 {
		h.rows = nil // no cells at all
	}
	h.cells = make([][]cell, len(h.rows))
	for r := range h.rows {
		h.cells[r] = make([]cell, len(h.cols))
		for k := range h.cols {
			v := cell{st: absent}
			if r < len(values) && k < len(values[r]) {
				v = check(values[r][k], r < len(missing) && k < len(missing[r]) && missing[r][k])
			}
			if v.st == present && (h.st.present == 0 || v.v > h.st.max) {
				h.top = [2]int{r, k}
			}
			h.st.add(v)
			h.cells[r][k] = v
		}
	}
	return h
}

// numbered cleans labels, numbering the empty ones.
func numbered(labels []string) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		if out[i] = strings.TrimSpace(cleanText(l)); out[i] == "" {
			out[i] = strconv.Itoa(i + 1)
		}
	}
	return out
}

// level is the colour step of v.
func (h heat) level(v float64) int {
	span := h.st.max - h.st.min
	if span <= 0 {
		if v == 0 {
			return 0
		}
		return heatLevels - 1
	}
	return min(int((v-h.st.min)/span*heatLevels), heatLevels-1)
}

// desc describes the heatmap for its <desc>.
func (h heat) desc(unit string) string {
	return "Heatmap of " + plural(len(h.rows), "row", "rows") + " (" + spanText(h.rows) + ") by " +
		plural(len(h.cols), "column", "columns") + " (" + spanText(h.cols) + "). Highest: " +
		valueText(h.st.max, unit) + " at " + h.rows[h.top[0]] + " · " + h.cols[h.top[1]] + ". " + rangeText(h.st, unit)
}

// table is the heatmap's data, one row per heatmap row.
func (h heat) table(c Chart) *table {
	t := &table{head: append([]string{firstHead(c.YLabel, "Row")}, h.cols...)}
	for r, l := range h.rows {
		row, miss := []string{l}, []bool{false}
		for _, v := range h.cells[r] {
			row, miss = append(row, cellText(v, c.Unit)), append(miss, v.st != present)
		}
		t.add(row, miss)
	}
	return t
}

// draw writes the labels, cells, axis titles and legend.
func (h heat) draw(b *strings.Builder, c Chart) {
	widest := 1
	for _, l := range h.rows {
		widest = max(widest, min(utf8.RuneCountInString(l), labelRunes))
	}
	x0, top := 8+float64(widest)*charW+tickGap, 6.0
	if c.YLabel != "" {
		x0 += titleRoom
	}
	bottom := 20.0 + legendHeight
	if c.XLabel != "" {
		bottom += titleRoom
	}
	x1, y1 := float64(c.Width)-8, float64(c.Height)-bottom
	cw, ch := (x1-x0)/float64(len(h.cols)), (y1-top)/float64(len(h.rows))
	gap := 0.0
	if min(cw, ch) >= 6 {
		gap = 1
	}
	b.WriteString(`<g class="chart-axes">`)
	rowEvery := 1
	if ch < 13 {
		rowEvery = int(math.Ceil(13 / ch))
	}
	for r := 0; r < len(h.rows); r += rowEvery {
		text(b, "chart-tick", x0-tickGap, top+(float64(r)+0.5)*ch+4, "end", shorten(h.rows[r], labelRunes))
	}
	every := labelEvery(h.cols, cw)
	for k := 0; k < len(h.cols); k += every {
		text(b, "chart-tick", x0+(float64(k)+0.5)*cw, y1+14, "middle", shorten(h.cols[k], labelRunes))
	}
	if c.YLabel != "" {
		b.WriteString(`<text class="chart-axis-title" transform="rotate(-90)" x="`)
		num(b, -(top+y1)/2)
		b.WriteString(`" y="12" text-anchor="middle">`)
		b.WriteString(esc(c.YLabel))
		b.WriteString(`</text>`)
	}
	if c.XLabel != "" {
		text(b, "chart-axis-title", (x0+x1)/2, y1+32, "middle", c.XLabel)
	}
	b.WriteString(`</g><g class="chart-plot">`)
	for r := range h.rows {
		for k, v := range h.cells[r] {
			class := "chart-cell chart-cell-na"
			if v.st == present {
				class = "chart-cell chart-h" + strconv.Itoa(h.level(v.v))
			}
			rect(b, class, x0+float64(k)*cw+gap/2, top+float64(r)*ch+gap/2, cw-gap, ch-gap)
			tooltip(b, h.rows[r], " · ", h.cols[k], ": ", heatValue(v, c.Unit))
			b.WriteString(`</rect>`)
		}
	}
	b.WriteString(`</g>`)
	h.legend(b, c)
}

// heatValue is a cell's value for its tooltip.
func heatValue(v cell, unit string) string {
	if v.st != present {
		return cellText(v, unit)
	}
	return valueText(v.v, unit)
}

// legend draws the colour scale from the lowest to the highest value and,
// when some are missing, the key for "not available".
func (h heat) legend(b *strings.Builder, c Chart) {
	y := float64(c.Height) - 22
	lo, hi := valueText(h.st.min, c.Unit), valueText(h.st.max, c.Unit)
	b.WriteString(`<g class="chart-heat-legend">`)
	x := 8.0
	text(b, "chart-tick", x, y+10, "start", lo)
	x += float64(utf8.RuneCountInString(lo))*charW + 6
	for i := range heatLevels {
		rect(b, "chart-swatch chart-h"+strconv.Itoa(i), x+float64(i)*swatchWidth, y, swatchWidth-2, 12)
		b.WriteString(`</rect>`)
	}
	x += heatLevels*swatchWidth + 4
	text(b, "chart-tick", x, y+10, "start", hi)
	x += float64(utf8.RuneCountInString(hi))*charW + 16
	if h.st.unavailable > 0 && x+100 <= float64(c.Width) {
		rect(b, "chart-swatch chart-cell-na", x, y, swatchWidth-2, 12)
		b.WriteString(`</rect>`)
		text(b, "chart-tick", x+swatchWidth+4, y+10, "start", notAvailable)
	}
	b.WriteString(`</g>`)
}
