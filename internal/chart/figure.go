package chart

import (
	"html/template"
	"strconv"
	"strings"
)

// figure writes the markup every chart shares: the <figure> with its
// caption and legend, the <svg> with its <title> and <desc>, and the data
// table after it.
type figure struct {
	b strings.Builder
	c Chart
}

// newFigure starts the markup of a normalized chart.
func newFigure(c Chart) *figure {
	f := &figure{c: c}
	f.b.Grow(4096)
	return f
}

// legendKind says how legend keys look: a line or a filled square.
type legendKind uint8

const (
	noLegend legendKind = iota
	lineKeys
	boxKeys
)

// open writes the <figure> start, the visible title and, for several
// series, a legend. The legend is hidden from screen readers because the
// data table names the series.
func (f *figure) open(kind string, names []string, keys legendKind) {
	f.b.WriteString(`<figure class="chart chart-`)
	f.b.WriteString(kind)
	f.b.WriteString(`" id="`)
	f.b.WriteString(f.c.ID)
	f.b.WriteString(`"><figcaption class="chart-title">`)
	f.b.WriteString(esc(f.c.Title))
	f.b.WriteString(`</figcaption>`)
	if keys == noLegend || len(names) < 2 {
		return
	}
	f.b.WriteString(`<ul class="chart-legend" aria-hidden="true">`)
	for i, n := range names {
		f.b.WriteString(`<li><span class="chart-key `)
		if keys == lineKeys {
			f.b.WriteString(`chart-key-line `)
		}
		f.b.WriteString(seriesClass(i))
		f.b.WriteString(`"></span>`)
		f.b.WriteString(esc(n))
		f.b.WriteString(`</li>`)
	}
	f.b.WriteString(`</ul>`)
}

// svg opens the <svg>, named by its <title> and described by its <desc>.
// desc is plain text and is escaped here.
func (f *figure) svg(desc string) {
	b := &f.b
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 `)
	b.WriteString(strconv.Itoa(f.c.Width))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(f.c.Height))
	b.WriteString(`" width="`)
	b.WriteString(strconv.Itoa(f.c.Width))
	b.WriteString(`" height="`)
	b.WriteString(strconv.Itoa(f.c.Height))
	b.WriteString(`" font-size="11" role="img" focusable="false" aria-labelledby="`)
	b.WriteString(f.c.ID)
	b.WriteString(`-title" aria-describedby="`)
	b.WriteString(f.c.ID)
	b.WriteString(`-desc"><title id="`)
	b.WriteString(f.c.ID)
	b.WriteString(`-title">`)
	b.WriteString(esc(f.c.Title))
	b.WriteString(`</title><desc id="`)
	b.WriteString(f.c.ID)
	b.WriteString(`-desc">`)
	b.WriteString(esc(desc))
	b.WriteString(`</desc>`)
}

// closeSVG ends the <svg>.
func (f *figure) closeSVG() { f.b.WriteString(`</svg>`) }

// done writes the data table, if it has rows, and ends the figure.
func (f *figure) done(t *table) template.HTML {
	if t != nil && len(t.rows) > 0 {
		t.write(&f.b, f.c.Title)
	}
	f.b.WriteString(`</figure>`)
	return template.HTML(f.b.String()) // #nosec G203 -- every user text went through esc
}

// empty draws the "no data yet" state: the same box as a chart, so the
// page does not jump, with the message in it. The data table still follows
// when there were labels, saying which values were not available.
func (f *figure) empty(kind string, t *table, unavailable int) template.HTML {
	f.b.Reset()
	f.b.WriteString(`<figure class="chart chart-`)
	f.b.WriteString(kind)
	f.b.WriteString(` chart-empty" id="`)
	f.b.WriteString(f.c.ID)
	f.b.WriteString(`"><figcaption class="chart-title">`)
	f.b.WriteString(esc(f.c.Title))
	f.b.WriteString(`</figcaption>`)
	desc := NoData + "."
	if unavailable > 0 {
		desc += " " + plural(unavailable, "value is", "values are") + " not available."
	}
	f.svg(desc)
	w, h := float64(f.c.Width), float64(f.c.Height)
	f.b.WriteString(`<rect class="chart-frame" x="0.5" y="0.5" width="`)
	num(&f.b, w-1)
	f.b.WriteString(`" height="`)
	num(&f.b, h-1)
	f.b.WriteString(`" rx="6" fill="none"/><text class="chart-empty-msg" x="`)
	num(&f.b, w/2)
	f.b.WriteString(`" y="`)
	num(&f.b, h/2+5)
	f.b.WriteString(`" text-anchor="middle">`)
	f.b.WriteString(NoData)
	f.b.WriteString(`</text>`)
	f.closeSVG()
	return f.done(t)
}

// seriesClass is the colour class of the i-th series; colours repeat after
// six series.
func seriesClass(i int) string {
	return "chart-s" + strconv.Itoa(i%6)
}

// plural writes n with the singular or plural noun.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// table is a chart's data: a header row and rows that start with their
// label. Texts are plain and escaped when written.
type table struct {
	head    []string
	rows    [][]string
	missing [][]bool // marks "not available" cells, to style them
}

// add appends a row.
func (t *table) add(row []string, missing []bool) {
	t.rows = append(t.rows, row)
	t.missing = append(t.missing, missing)
}

// write renders the table inside a "Show data" disclosure, which screen
// readers announce right after the chart.
func (t *table) write(b *strings.Builder, title string) {
	b.WriteString(`<details class="chart-data"><summary>Show data<span class="sr-only"> for `)
	b.WriteString(esc(title))
	b.WriteString(`</span></summary><div class="table-wrap"><table class="table table-compact chart-table"><caption class="sr-only">`)
	b.WriteString(esc(title))
	b.WriteString(`</caption><thead><tr>`)
	for _, h := range t.head {
		b.WriteString(`<th scope="col">`)
		b.WriteString(esc(h))
		b.WriteString(`</th>`)
	}
	b.WriteString(`</tr></thead><tbody>`)
	for i, row := range t.rows {
		b.WriteString(`<tr>`)
		for j, v := range row {
			switch {
			case j == 0:
				b.WriteString(`<th scope="row">`)
			case t.missing[i][j]:
				b.WriteString(`<td class="num chart-missing">`)
			default:
				b.WriteString(`<td class="num">`)
			}
			b.WriteString(esc(v))
			if j == 0 {
				b.WriteString(`</th>`)
			} else {
				b.WriteString(`</td>`)
			}
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table></div></details>`)
}

// columnHead names a value column, with the unit unless values carry it.
func columnHead(name, unit string) string {
	if unit == "" || percent(unit) {
		return name
	}
	return name + " (" + unit + ")"
}
