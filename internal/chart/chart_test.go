package chart

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// render parses a chart, checks what every chart must satisfy and returns
// its root.
func render(t *testing.T, html string) *node {
	t.Helper()
	for _, bad := range []string{"NaN", "Inf", "+Inf", "e+"} {
		if strings.Contains(html, bad) {
			t.Errorf("chart contains %q:\n%s", bad, html)
		}
	}
	root := parse(t, html)
	if !hasClasses(root, []string{"chart"}) {
		t.Errorf("figure class = %q, want chart", root.attr["class"])
	}
	svg := root.one(t, "svg")
	if svg.attr["role"] != "img" {
		t.Errorf("svg role = %q", svg.attr["role"])
	}
	for _, ref := range []string{"aria-labelledby", "aria-describedby"} {
		id := svg.attr[ref]
		var found bool
		for _, k := range svg.kids {
			found = found || k.attr["id"] == id && (k.name == "title" || k.name == "desc")
		}
		if id == "" || !found {
			t.Errorf("svg %s=%q does not name its <title> or <desc>", ref, id)
		}
	}
	if svg.kids[0].name != "title" || svg.kids[1].name != "desc" {
		t.Errorf("svg must start with <title> and <desc>")
	}
	return root
}

func series(name string, values ...float64) Series {
	s := Series{Name: name}
	for i, v := range values {
		s.Points = append(s.Points, Point{Label: fmt.Sprintf("d%d", i+1), Value: v})
	}
	return s
}

func TestLineTwoSeriesWithGap(t *testing.T) {
	a := series("Likes", 1, 4, 9, 16, 25)
	a.Points[2].Missing = true
	b := series("Replies", 2, 3, 5, 7, 11)
	root := render(t, string(Line(Chart{Title: "Engagement", XLabel: "Day", YLabel: "Count", Unit: "reactions", ID: "eng"}, a, b)))

	if got := root.attr["id"]; got != "eng" {
		t.Errorf("figure id = %q", got)
	}
	if n := len(root.find("circle", "chart-point")); n != 9 {
		t.Errorf("points = %d, want 9 (one missing)", n)
	}
	lines := root.find("path", "chart-line")
	if len(lines) != 2 {
		t.Fatalf("lines = %d, want 2", len(lines))
	}
	if !hasClasses(lines[0], []string{"chart-s0"}) || !hasClasses(lines[1], []string{"chart-s1"}) {
		t.Errorf("series classes: %q, %q", lines[0].attr["class"], lines[1].attr["class"])
	}
	if d := lines[0].attr["d"]; strings.Count(d, "M") != 2 || strings.Count(d, "L") != 2 {
		t.Errorf("the missing value must break the line, d=%q", d)
	}
	if n := len(root.find("span", "chart-key")); n != 2 {
		t.Errorf("legend keys = %d, want 2", n)
	}
	if got, want := root.tableHead(), []string{"Day", "Likes (reactions)", "Replies (reactions)"}; !slices.Equal(got, want) {
		t.Errorf("table head = %q, want %q", got, want)
	}
	rows := root.tableRows()
	want := [][]string{{"d1", "1", "2"}, {"d2", "4", "3"}, {"d3", "not available", "5"}, {"d4", "16", "7"}, {"d5", "25", "11"}}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("table rows = %q, want %q", rows, want)
	}
	titles := root.find("text", "chart-axis-title")
	if len(titles) != 2 || titles[0].text.String() != "Count (reactions)" || titles[1].text.String() != "Day" {
		t.Errorf("axis titles wrong: %d", len(titles))
	}
	ticks := tickTexts(root)
	if !slices.Contains(ticks, "0") || !slices.Contains(ticks, "25") {
		t.Errorf("y ticks %q: want 0 to 25", ticks)
	}
}

// tickTexts are the value axis's tick labels.
func tickTexts(root *node) []string {
	var out []string
	for _, g := range root.find("g", "chart-axes") {
		for _, k := range g.kids {
			if k.name == "text" && hasClasses(k, []string{"chart-tick"}) && k.attr["text-anchor"] == "end" {
				out = append(out, k.text.String())
			}
		}
	}
	return out
}

func TestLineSinglePoint(t *testing.T) {
	root := render(t, string(Line(Chart{Title: "One", Width: 400}, series("Clicks", 7))))
	pts := root.find("circle", "chart-point")
	if len(pts) != 1 {
		t.Fatalf("points = %d, want 1", len(pts))
	}
	p := newPlot(Chart{Title: "One", Width: 400, Height: defaultHeight}, niceScale(0, 7, false), 10, 12)
	if cx := pts[0].attrFloat(t, "cx"); math.Abs(cx-(p.x0+p.x1)/2) > 0.1 {
		t.Errorf("single point at x=%v, want the middle %v", cx, (p.x0+p.x1)/2)
	}
}

func TestLineIsolatedPointsAndMarkers(t *testing.T) {
	// 90 points: too many for a dot each, but a point between two gaps
	// must still show.
	s := Series{Name: "Reach"}
	for i := range 90 {
		s.Points = append(s.Points, Point{Label: fmt.Sprint(i), Value: float64(i), Missing: i == 40 || i == 42})
	}
	root := render(t, string(Line(Chart{Title: "Reach"}, s)))
	pts := root.find("circle", "chart-point")
	if len(pts) != 1 || !strings.Contains(pts[0].text.String(), "41") {
		t.Errorf("want one dot, for the isolated point 41; got %d", len(pts))
	}
	if n := len(root.find("path", "chart-line")); n != 1 {
		t.Errorf("lines = %d", n)
	}
}

func TestLineFarFromZero(t *testing.T) {
	// Follower counts in a narrow band keep an axis near their values.
	root := render(t, string(Line(Chart{Title: "Followers"}, series("", 10010, 10020, 10045))))
	ticks := tickTexts(root)
	if slices.Contains(ticks, "0") {
		t.Errorf("ticks %q should not reach zero", ticks)
	}
}

func TestEmptyStates(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name    string
		html    string
		rows    int
		invalid int
	}{
		{"line, no series", string(Line(Chart{Title: "Clicks"})), 0, 0},
		{"line, no points", string(Line(Chart{Title: "Clicks"}, Series{Name: "a"}, Series{Name: "b"})), 0, 0},
		{"line, all missing", string(Line(Chart{Title: "Clicks"}, Series{Points: []Point{{Label: "Mon", Missing: true}, {Label: "Tue", Missing: true}}})), 2, 0},
		{"line, all NaN and Inf", string(Line(Chart{Title: "Clicks"}, series("x", nan, inf, -inf))), 3, 3},
		{"bar, empty", string(Bar(Chart{Title: "Clicks"}, Series{})), 0, 0},
		{"bar, all missing", string(Bar(Chart{}, Series{Points: []Point{{Missing: true}}})), 1, 0},
		{"stacked, empty", string(StackedBar(Chart{Title: "Mix"})), 0, 0},
		{"stacked, all NaN", string(StackedBar(Chart{Title: "Mix"}, series("a", nan), series("b", nan))), 1, 2},
		{"heatmap, nothing", string(Heatmap(Chart{Title: "Best time"}, nil, nil, nil, nil)), 0, 0},
		{"heatmap, no columns", string(Heatmap(Chart{Title: "Best time"}, []string{"Mon"}, nil, nil, nil)), 0, 0},
		{"heatmap, no values", string(Heatmap(Chart{Title: "Best time"}, []string{"Mon", "Tue"}, []string{"9", "10"}, nil, nil)), 2, 0},
		{"heatmap, all missing", string(Heatmap(Chart{}, []string{"Mon"}, []string{"9"}, [][]float64{{3}}, [][]bool{{true}})), 1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := render(t, tc.html)
			if !hasClasses(root, []string{"chart-empty"}) {
				t.Errorf("figure class = %q, want chart-empty", root.attr["class"])
			}
			if msg := root.one(t, "text", "chart-empty-msg").text.String(); msg != NoData {
				t.Errorf("message = %q", msg)
			}
			if !strings.Contains(root.one(t, "desc").text.String(), NoData) {
				t.Errorf("desc does not say there is no data")
			}
			rows := root.tableRows()
			if len(rows) != tc.rows {
				t.Errorf("table rows = %d, want %d", len(rows), tc.rows)
			}
			if len(rows) == 0 && len(root.find("table")) != 0 {
				t.Errorf("an empty table was written")
			}
			if n := strings.Count(tc.html, notValid); n != tc.invalid {
				t.Errorf("%q appears %d times, want %d", notValid, n, tc.invalid)
			}
		})
	}
}

func TestAllZero(t *testing.T) {
	line := render(t, string(Line(Chart{Title: "Zero"}, series("a", 0, 0, 0))))
	if hasClasses(line, []string{"chart-empty"}) {
		t.Fatal("zeros are data, not an empty chart")
	}
	if n := len(line.find("circle", "chart-point")); n != 3 {
		t.Errorf("points = %d, want 3", n)
	}
	if ticks := tickTexts(line); ticks[0] != "0" || ticks[len(ticks)-1] != "1" {
		t.Errorf("ticks %q, want 0 to 1", ticks)
	}
	bar := render(t, string(Bar(Chart{Title: "Zero"}, series("a", 0, 0, 0, 0))))
	bars := bar.find("rect", "chart-col")
	if len(bars) != 4 {
		t.Fatalf("bars = %d, want 4", len(bars))
	}
	for _, b := range bars {
		if h := b.attrFloat(t, "height"); h != 1 {
			t.Errorf("a zero bar is a hairline, height = %v", h)
		}
	}
	if rows := bar.tableRows(); rows[0][1] != "0" {
		t.Errorf("table says %q for zero", rows[0][1])
	}
}

func TestBarNegative(t *testing.T) {
	s := series("Net followers", 10, -5, 0, 3)
	s.Points[2].Missing = true
	root := render(t, string(Bar(Chart{Title: "Growth", Unit: "followers", Width: 480, Height: 240}, s)))
	bars := root.find("rect", "chart-col")
	if len(bars) != 3 {
		t.Fatalf("bars = %d, want 3 (one missing)", len(bars))
	}
	zero := root.one(t, "line", "chart-zero")
	zy := zero.attrFloat(t, "y1")
	up, down := bars[0], bars[1]
	if y, h := up.attrFloat(t, "y"), up.attrFloat(t, "height"); math.Abs(y+h-zy) > 0.2 {
		t.Errorf("positive bar ends at %v, want the zero line %v", y+h, zy)
	}
	if y := down.attrFloat(t, "y"); math.Abs(y-zy) > 0.2 {
		t.Errorf("negative bar starts at %v, want the zero line %v", y, zy)
	}
	if down.attrFloat(t, "height") <= 0 || down.attrFloat(t, "height") >= up.attrFloat(t, "height") {
		t.Errorf("bar heights do not follow the values")
	}
	if !slices.Contains(tickTexts(root), "-5") {
		t.Errorf("ticks %q should reach below zero", tickTexts(root))
	}
	if na := root.one(t, "text", "chart-na"); na.text.String() != "n/a" {
		t.Errorf("missing bar marked %q", na.text.String())
	}
	values := root.find("text", "chart-value")
	var labels []string
	for _, v := range values {
		labels = append(labels, v.text.String())
	}
	if !slices.Equal(labels, []string{"10", "-5", "3"}) {
		t.Errorf("value labels = %q", labels)
	}
	if got := root.tableRows()[2]; got[1] != "not available" {
		t.Errorf("missing value in the table = %q", got[1])
	}
	if got := root.tableHead()[1]; got != "Net followers (followers)" {
		t.Errorf("value column = %q", got)
	}
}

func TestHugeValues(t *testing.T) {
	root := render(t, string(Bar(Chart{Title: "Impressions"}, series("", 1e12, 2.5e11, 4e9))))
	if got := root.tableRows()[0][1]; got != "1,000,000,000,000" {
		t.Errorf("table value = %q", got)
	}
	ticks := tickTexts(root)
	if ticks[len(ticks)-1] != "1T" {
		t.Errorf("ticks %q, want up to 1T", ticks)
	}
	labels := root.find("text", "chart-value")
	if len(labels) != 3 || labels[0].text.String() != "1T" || labels[1].text.String() != "250B" || labels[2].text.String() != "4B" {
		t.Errorf("value labels wrong")
	}
}

func TestInvalidValuesAreFlagged(t *testing.T) {
	s := series("Clicks", 5, math.NaN(), math.Inf(1), math.Inf(-1), 2e15, -1e16, 8)
	for name, html := range map[string]string{
		"line":    string(Line(Chart{Title: "Clicks"}, s)),
		"bar":     string(Bar(Chart{Title: "Clicks"}, s)),
		"stacked": string(StackedBar(Chart{Title: "Clicks"}, s, series("Other", 1, 1, 1, 1, 1, 1, 1))),
	} {
		t.Run(name, func(t *testing.T) {
			root := render(t, html)
			rows := root.tableRows()
			if len(rows) != 7 {
				t.Fatalf("rows = %d", len(rows))
			}
			for i := 1; i <= 5; i++ {
				if rows[i][1] != notValid {
					t.Errorf("row %d says %q, want %q", i, rows[i][1], notValid)
				}
			}
			if !strings.Contains(root.one(t, "desc").text.String(), "5 values are not available") {
				t.Errorf("desc does not count the invalid values: %q", root.one(t, "desc").text.String())
			}
		})
	}
}

func TestStackedBar(t *testing.T) {
	likes := series("Likes", 5, 0, 7)
	reposts := series("Reposts", 2, 3, -4)
	replies := series("Replies", 1)
	root := render(t, string(StackedBar(Chart{Title: "Engagement", XLabel: "Post"}, likes, reposts, replies)))
	// Zero-height parts are not drawn: 5+2+1, 3, 7-4.
	if n := len(root.find("rect", "chart-seg")); n != 6 {
		t.Errorf("segments = %d, want 6", n)
	}
	for i, want := range []int{2, 3, 1} {
		if n := len(root.find("rect", "chart-seg", seriesClass(i))); n != want {
			t.Errorf("series %d has %d segments, want %d", i, n, want)
		}
	}
	if n := len(root.find("span", "chart-key")); n != 3 {
		t.Errorf("legend keys = %d", n)
	}
	if got, want := root.tableHead(), []string{"Post", "Likes", "Reposts", "Replies", "Total"}; !slices.Equal(got, want) {
		t.Errorf("head = %q, want %q", got, want)
	}
	want := [][]string{{"d1", "5", "2", "1", "8"}, {"d2", "0", "3", "not available", "3"}, {"d3", "7", "-4", "not available", "3"}}
	if rows := root.tableRows(); !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("rows = %q, want %q", rows, want)
	}
	// The negative part hangs below the zero line.
	zy := root.one(t, "line", "chart-zero").attrFloat(t, "y1")
	neg := root.find("rect", "chart-seg", "chart-s1")[2]
	if y := neg.attrFloat(t, "y"); math.Abs(y-zy) > 0.2 {
		t.Errorf("negative segment starts at %v, want %v", y, zy)
	}
}

func TestHeatmap(t *testing.T) {
	days := []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	var hours []string
	for h := range 24 {
		hours = append(hours, fmt.Sprintf("%02d", h))
	}
	values := make([][]float64, 7)
	missing := make([][]bool, 7)
	for d := range 7 {
		values[d] = make([]float64, 24)
		missing[d] = make([]bool, 24)
		for h := range 24 {
			values[d][h] = float64(d*24+h) / 10
		}
	}
	values[2][9] = 99 // the peak
	missing[6][23] = true
	values[6] = values[6][:20] // ragged: the rest is not available
	root := render(t, string(Heatmap(Chart{Title: "Best time to post", XLabel: "Hour", YLabel: "Weekday", Unit: "%"}, days, hours, values, missing)))

	if n := len(root.find("rect", "chart-cell")); n != 7*24 {
		t.Errorf("cells = %d", n)
	}
	if n := len(root.find("rect", "chart-cell", "chart-cell-na")); n != 4 {
		t.Errorf("missing cells = %d, want 4", n)
	}
	if n := len(root.find("rect", "chart-cell", "chart-h5")); n != 1 {
		t.Errorf("cells at the top level = %d, want the peak only", n)
	}
	if n := len(root.find("rect", "chart-swatch")); n != heatLevels+1 {
		t.Errorf("legend swatches = %d", n)
	}
	if d := root.one(t, "desc").text.String(); !strings.Contains(d, "Highest: 99.0% at Wed · 09") {
		t.Errorf("desc = %q", d)
	}
	rows := root.tableRows()
	if len(rows) != 7 || len(rows[0]) != 25 {
		t.Fatalf("table is %dx%d", len(rows), len(rows[0]))
	}
	if rows[2][10] != "99.0%" || rows[0][2] != "0.1%" || rows[6][24] != "not available" {
		t.Errorf("table values: %q %q %q", rows[2][10], rows[0][2], rows[6][24])
	}
	if head := root.tableHead(); head[0] != "Weekday" || head[1] != "00" {
		t.Errorf("head = %q", head[:2])
	}
}

func TestHeatmapFlat(t *testing.T) {
	root := render(t, string(Heatmap(Chart{}, []string{"a"}, []string{"1", "2"}, [][]float64{{0, 0}}, nil)))
	if n := len(root.find("rect", "chart-cell", "chart-h0")); n != 2 {
		t.Errorf("all-zero cells at level 0: %d", n)
	}
}

func TestEscaping(t *testing.T) {
	x := `<script>alert("x")</script>`
	s := Series{Name: x, Points: []Point{{Label: x, Value: 1}, {Label: "b&c", Value: 2}}}
	c := Chart{Title: x, XLabel: x, YLabel: x, Unit: x, ID: `"><script>`}
	for name, html := range map[string]string{
		"line":    string(Line(c, s, s)),
		"bar":     string(Bar(c, s)),
		"stacked": string(StackedBar(c, s, s)),
		"heatmap": string(Heatmap(c, []string{x}, []string{x}, [][]float64{{1}}, nil)),
		"empty":   string(Line(c, Series{Name: x, Points: []Point{{Label: x, Missing: true}}})),
	} {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(html, "<script") {
				t.Fatalf("unescaped user text:\n%s", html)
			}
			if !strings.Contains(html, "&lt;script&gt;") {
				t.Errorf("escaped label missing")
			}
			root := render(t, html)
			if root.attr["id"] != "script" {
				t.Errorf("id = %q, want the safe part of the ID", root.attr["id"])
			}
			if got := root.one(t, "figcaption").text.String(); got != x {
				t.Errorf("caption = %q, want the text back", got)
			}
		})
	}
}

func TestControlCharactersAreDropped(t *testing.T) {
	html := string(Bar(Chart{Title: "a\x00b\x1bc\ufffe"}, Series{Points: []Point{{Label: "x\ny\xff", Value: 1}}}))
	root := render(t, html)
	if got := root.one(t, "figcaption").text.String(); got != "abc" {
		t.Errorf("title = %q", got)
	}
	if got := root.tableRows()[0][0]; got != "x y\ufffd" {
		t.Errorf("label = %q", got)
	}
}

func TestIDs(t *testing.T) {
	a := render(t, string(Line(Chart{Title: "A"}, series("", 1, 2))))
	b := render(t, string(Line(Chart{Title: "A"}, series("", 1, 2))))
	if a.attr["id"] == b.attr["id"] {
		t.Errorf("two charts share the id %q", a.attr["id"])
	}
	for _, tc := range []struct{ in, want string }{
		{"clicks", "clicks"},
		{"7days", "chart-7days"},
		{"my chart!", "mychart"},
	} {
		if got := elementID(tc.in); got != tc.want {
			t.Errorf("elementID(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	root := render(t, string(Bar(Chart{ID: "posts"}, series("", 1))))
	if got := root.one(t, "svg").attr["aria-labelledby"]; got != "posts-title" {
		t.Errorf("aria-labelledby = %q", got)
	}
}

func TestSizes(t *testing.T) {
	for _, size := range [][2]int{{0, 0}, {-5, -5}, {1, 1}, {1 << 30, 1 << 30}, {300, 170}} {
		c := Chart{Title: "Size", XLabel: "Day", YLabel: "Clicks", Width: size[0], Height: size[1]}
		s := series("Clicks", 1, 2, 3)
		for _, html := range []string{string(Line(c, s)), string(Bar(c, s)), string(StackedBar(c, s, s)),
			string(Heatmap(c, []string{"a", "b"}, []string{"x"}, [][]float64{{1}, {2}}, nil))} {
			root := render(t, html)
			svg := root.one(t, "svg")
			if w := svg.attrFloat(t, "width"); w < minWidth || w > maxWidth {
				t.Errorf("width %v out of range", w)
			}
			for _, r := range root.find("rect") {
				if r.attrFloat(t, "height") < 0 || r.attrFloat(t, "width") < 0 {
					t.Errorf("negative rect size at %v", size)
				}
			}
		}
	}
}

func TestManyLabelsAreThinned(t *testing.T) {
	s := Series{}
	for i := range 365 {
		s.Points = append(s.Points, Point{Label: fmt.Sprintf("2026-01-%03d", i), Value: float64(i % 17)})
	}
	root := render(t, string(Bar(Chart{Title: "Year"}, s)))
	labels := root.find("g", "chart-xlabels")[0].kids
	if len(labels) == 0 || len(labels) > 40 {
		t.Errorf("x labels = %d, want a readable few", len(labels))
	}
	if n := len(root.find("text", "chart-value")); n != 0 {
		t.Errorf("value labels on 365 narrow bars: %d", n)
	}
	if n := len(root.tableRows()); n != 365 {
		t.Errorf("table rows = %d", n)
	}
}
