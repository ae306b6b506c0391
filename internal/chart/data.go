package chart

import (
	"math"
	"strconv"
	"strings"
)

// grid is series aligned by position and checked for drawing.
type grid struct {
	labels []string // one per position, never empty
	names  []string // one per series, never empty
	cells  [][]cell // [series][position]; short series are padded as absent
}

// align lines up the series by position. A position's label is the first
// non-empty label any series gives it, or its number.
func align(c Chart, series []Series) grid {
	n := 0
	for _, s := range series {
		n = max(n, len(s.Points))
	}
	g := grid{labels: make([]string, n), names: make([]string, len(series)), cells: make([][]cell, len(series))}
	for i, s := range series {
		g.names[i] = seriesName(c, s.Name, i, len(series))
		g.cells[i] = make([]cell, n)
		for j := range n {
			if j >= len(s.Points) {
				g.cells[i][j] = cell{st: absent}
				continue
			}
			p := s.Points[j]
			g.cells[i][j] = check(p.Value, p.Missing)
			if g.labels[j] == "" {
				g.labels[j] = strings.TrimSpace(cleanText(p.Label))
			}
		}
	}
	for j, l := range g.labels {
		if l == "" {
			g.labels[j] = strconv.Itoa(j + 1)
		}
	}
	return g
}

// seriesName is a series's name, or a stand-in for an unnamed one.
func seriesName(c Chart, name string, i, count int) string {
	if name = strings.TrimSpace(cleanText(name)); name != "" {
		return name
	}
	if count == 1 && c.YLabel != "" {
		return c.YLabel
	}
	if count == 1 {
		return "Value"
	}
	return "Series " + strconv.Itoa(i+1)
}

// stats summarizes values for the axis and the description.
type stats struct {
	present, unavailable int
	min, max             float64
}

// add counts one value.
func (s *stats) add(c cell) {
	if c.st != present {
		s.unavailable++
		return
	}
	if s.present == 0 {
		s.min, s.max = c.v, c.v
	}
	s.min, s.max = math.Min(s.min, c.v), math.Max(s.max, c.v)
	s.present++
}

// stats summarizes every value of the grid.
func (g grid) stats() stats {
	var s stats
	for _, row := range g.cells {
		for _, c := range row {
			s.add(c)
		}
	}
	return s
}

// table is the grid as a data table: one row per label, one column per
// series, and with total a column of each label's sum.
func (g grid) table(c Chart, total bool) *table {
	t := &table{head: []string{firstHead(c.XLabel, "Label")}}
	for _, n := range g.names {
		t.head = append(t.head, columnHead(n, c.Unit))
	}
	if total {
		t.head = append(t.head, columnHead("Total", c.Unit))
	}
	for j, l := range g.labels {
		row, miss := []string{l}, []bool{false}
		sum, seen := 0.0, false
		for i := range g.cells {
			v := g.cells[i][j]
			row, miss = append(row, cellText(v, c.Unit)), append(miss, v.st != present)
			if v.st == present {
				sum, seen = sum+v.v, true
			}
		}
		if total {
			tc := cell{v: sum}
			if !seen {
				tc.st = absent
			}
			row, miss = append(row, cellText(tc, c.Unit)), append(miss, !seen)
		}
		t.add(row, miss)
	}
	return t
}

// firstHead is the label column's heading.
func firstHead(label, fallback string) string {
	if label != "" {
		return label
	}
	return fallback
}

// rangeText describes the values' range and how many are unavailable, for
// a chart's <desc>.
func rangeText(s stats, unit string) string {
	var b strings.Builder
	if s.min == s.max {
		b.WriteString("Every value is " + valueText(s.min, unit) + ".")
	} else {
		b.WriteString("Values range from " + valueText(s.min, unit) + " to " + valueText(s.max, unit) + ".")
	}
	if s.unavailable > 0 {
		b.WriteString(" " + plural(s.unavailable, "value is", "values are") + " not available.")
	}
	b.WriteString(" The data table after the chart lists every value.")
	return b.String()
}

// spanText names the first and last label, for a chart's <desc>.
func spanText(labels []string) string {
	if len(labels) == 1 {
		return "at " + labels[0]
	}
	return "from " + labels[0] + " to " + labels[len(labels)-1]
}
