// Package chart draws line, bar, stacked bar and heatmap charts as SVG on
// the server, so dashboards and reports need no JavaScript and satisfy a
// Content-Security-Policy without inline styles: every position is an SVG
// attribute and every colour a CSS class styled by chart.css (see CSS).
//
// Each chart is one <figure class="chart"> holding a visible caption, an
// <svg role="img"> with a <title> and a <desc>, axis labels, and after the
// SVG a "Show data" table with every value, so screen readers and keyboard
// users get the numbers too. Input that cannot be drawn (no points, every
// value missing, NaN or ±Inf) gives a clear "No data yet for this period"
// state instead of a broken chart; NaN and Inf never reach the markup.
//
// Titles and labels come from users and are always escaped.
//
// Example:
//
//	html := chart.Line(chart.Chart{Title: "Followers", XLabel: "Day", Unit: "followers"},
//		chart.Series{Name: "Mastodon", Points: []chart.Point{
//			{Label: "1 Mar", Value: 1200},
//			{Label: "2 Mar", Missing: true}, // not available: drawn as a gap
//			{Label: "3 Mar", Value: 1234},
//		}})
//	// html is a template.HTML ready for {{.Chart}} in a page template.
package chart

import (
	_ "embed"
	"html/template"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// CSS is the stylesheet for the charts (chart.css). It only uses the
// app's colour variables (--accent, --muted, --border, …), so charts follow
// the light and dark themes. The web layer serves it as a static asset.
//
//go:embed chart.css
var CSS []byte

// NoData is the message shown instead of a chart when there is nothing to
// draw.
const NoData = "No data yet for this period"

// MaxMagnitude is the largest absolute value a chart draws. Larger values
// are impossible for a social media metric, so they are treated like NaN:
// shown as "not available (invalid value)" in the data table and left out
// of the drawing, which keeps the axis arithmetic finite.
const MaxMagnitude = 1e15

// Default and limiting sizes of the SVG, in user units. The SVG scales to
// its box through its viewBox, so these are proportions more than pixels.
const (
	defaultWidth  = 640
	defaultHeight = 260
	minWidth      = 240
	maxWidth      = 2400
	minHeight     = 160
	maxHeight     = 1200
)

// Point is one value of a series.
type Point struct {
	// Label names the point on the x axis, such as a day or an hour.
	Label string
	// Value is the number to draw. NaN, ±Inf and values beyond
	// MaxMagnitude are treated as missing and flagged as invalid.
	Value float64
	// Missing marks a value that is not available (for example a metric the
	// network does not report). It is drawn as a gap, never as 0.
	Missing bool
}

// Series is a named sequence of points. Series drawn together are aligned
// by position: the i-th point of every series belongs to the i-th label.
type Series struct {
	// Name labels the series in the legend and the data table.
	Name string
	// Points are the values in x order.
	Points []Point
}

// Chart describes what every kind of chart shares: its texts and size.
type Chart struct {
	// Title is shown above the chart and is the SVG's accessible name.
	Title string
	// XLabel and YLabel name the axes; either may be empty.
	XLabel, YLabel string
	// Unit is the values' unit, such as "%" or "clicks". With "%" values
	// are percentages (12.5 means 12.5%) and are shown with one decimal.
	Unit string
	// Width and Height are the SVG's size in user units; zero means the
	// default of 640×260. Out-of-range sizes are clamped.
	Width, Height int
	// ID is an optional prefix for the element ids of the chart, for stable
	// markup. When empty, a process-wide counter makes one, so several
	// charts on one page never share an id.
	ID string
}

// idCounter numbers charts drawn without an ID.
var idCounter atomic.Uint64

// normalize fills in defaults and clamps the size.
func (c Chart) normalize() Chart {
	c.Title = strings.TrimSpace(cleanText(c.Title))
	if c.Title == "" {
		c.Title = "Chart"
	}
	c.XLabel = strings.TrimSpace(cleanText(c.XLabel))
	c.YLabel = strings.TrimSpace(cleanText(c.YLabel))
	c.Unit = strings.TrimSpace(cleanText(c.Unit))
	if c.Width <= 0 {
		c.Width = defaultWidth
	}
	if c.Height <= 0 {
		c.Height = defaultHeight
	}
	c.Width = min(max(c.Width, minWidth), maxWidth)
	c.Height = min(max(c.Height, minHeight), maxHeight)
	c.ID = elementID(c.ID)
	return c
}

// elementID keeps the letters, digits, '-' and '_' of want, so it is safe in
// an id attribute and an aria reference, or numbers a fresh one.
func elementID(want string) string {
	var b strings.Builder
	for _, r := range want {
		if r < utf8.RuneSelf && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
		if b.Len() >= 48 {
			break
		}
	}
	id := b.String()
	if id == "" {
		return "chart-" + strconv.FormatUint(idCounter.Add(1), 36)
	}
	if c := id[0]; c < 'A' || c > 'z' || (c > 'Z' && c < 'a') {
		id = "chart-" + id // ids start with a letter
	}
	return id
}

// state says whether a value can be drawn.
type state uint8

const (
	present state = iota
	absent        // missing: not available from the source
	invalid       // NaN, ±Inf or beyond MaxMagnitude
)

// cell is one value checked for drawing.
type cell struct {
	v  float64
	st state
}

// check classifies a point's value.
func check(v float64, missing bool) cell {
	switch {
	case missing:
		return cell{st: absent}
	case math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > MaxMagnitude:
		return cell{st: invalid}
	case v == 0:
		return cell{} // no negative zero
	}
	return cell{v: v}
}

// cleanText makes s safe for XML text: valid UTF-8, no control or other
// characters XML forbids, tabs and line breaks as spaces.
func cleanText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, badRune) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case badRune(r):
			return -1
		}
		return r
	}, s)
}

// badRune reports characters that XML forbids or that break a label's line.
func badRune(r rune) bool {
	return r < 0x20 || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF)
}

// esc cleans and HTML-escapes text for element content.
func esc(s string) string {
	return template.HTMLEscapeString(cleanText(s))
}

// shorten cuts s to at most n runes, ending in an ellipsis when cut, for
// axis labels; the data table keeps the whole text.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// num writes a coordinate with at most one decimal. It is the only way
// numbers reach attributes, so a NaN or Inf from a layout bug becomes 0
// rather than broken markup.
func num(b *strings.Builder, f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		f = 0
	}
	f = math.Round(f*10) / 10
	if f == 0 {
		f = 0
	}
	var buf [32]byte
	b.Write(strconv.AppendFloat(buf[:0], f, 'f', -1, 64))
}
