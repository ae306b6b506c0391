package chart

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// FuzzLine feeds random values and labels to the charts: they must never
// panic, and always give well-formed markup with finite numbers and only
// the elements a chart uses.
func FuzzLine(f *testing.F) {
	f.Add("Mon", "Clicks", 1.0, 2.0, 3.0, uint8(5), uint8(0), "")
	f.Add("<script>", "</svg>&amp;", -1.0, 0.0, 1e12, uint8(90), uint8(0x55), "%")
	f.Add("", "", math.NaN(), math.Inf(1), math.Inf(-1), uint8(3), uint8(1), "clicks")
	f.Add("\x00\xff\n", "\ufffe", 0.0, 0.0, 0.0, uint8(1), uint8(0xff), "\x01")
	f.Add("a", "b", 5e-324, math.MaxFloat64, -math.MaxFloat64, uint8(200), uint8(2), "")
	f.Add("a", "b", 1e15, -1e15, 1e-10, uint8(7), uint8(0), "")
	f.Fuzz(func(t *testing.T, label, title string, a, b, c float64, n, mask uint8, unit string) {
		vals := []float64{a, b, c}
		s1, s2 := Series{Name: label}, Series{Name: title}
		for i := range int(n) {
			p := Point{Label: fmt.Sprint(label, i), Value: vals[i%3] * float64(i%5+1), Missing: mask>>(i%8)&1 == 1}
			s1.Points = append(s1.Points, p)
			if i%2 == 0 {
				p.Value = vals[(i+1)%3]
				s2.Points = append(s2.Points, p)
			}
		}
		ch := Chart{Title: title, XLabel: label, YLabel: title, Unit: unit, Width: int(a), Height: int(n) * 3}
		rows := make([]string, n%9)
		for i := range rows {
			rows[i] = label + fmt.Sprint(i)
		}
		cols := []string{"x", label, title}
		grid := [][]float64{vals, {c, b, a}, {b}}
		missing := [][]bool{{mask&1 == 1}}
		userText := label + title + unit
		for _, html := range []string{
			string(Line(ch, s1, s2)),
			string(Line(ch, s1)),
			string(Bar(ch, s1)),
			string(StackedBar(ch, s1, s2)),
			string(Heatmap(ch, rows, cols, grid, missing)),
		} {
			root, err := parseErr(html)
			if err != nil {
				t.Fatalf("%v\n%s", err, html)
			}
			if strings.Contains(html, "<script") {
				t.Fatalf("unescaped markup in the chart")
			}
			for _, bad := range []string{"NaN", "Inf"} {
				if strings.Contains(html, bad) && !strings.Contains(userText, bad) && !strings.Contains(strings.ToValidUTF8(userText, ""), bad) {
					t.Fatalf("chart contains %q:\n%s", bad, html)
				}
			}
			if len(root.find("svg")) != 1 || len(root.find("title")) == 0 || len(root.find("desc")) != 1 {
				t.Fatalf("chart lacks its svg, title or desc")
			}
		}
	})
}
