package chart

import (
	"fmt"
	"testing"
)

// BenchmarkLine90 draws a 90-day line chart of three series, as on a
// channel dashboard.
func BenchmarkLine90(b *testing.B) {
	var series []Series
	for s, name := range []string{"Impressions", "Engagements", "Clicks"} {
		ser := Series{Name: name}
		for i := range 90 {
			ser.Points = append(ser.Points, Point{Label: fmt.Sprintf("2026-%02d-%02d", 1+i/30, 1+i%30), Value: float64((i*37+s*11)%100) * 123.4, Missing: i%29 == 0})
		}
		series = append(series, ser)
	}
	c := Chart{Title: "Last 90 days", XLabel: "Day", YLabel: "Count", ID: "bench"}
	b.ReportAllocs()
	for b.Loop() {
		_ = Line(c, series...)
	}
}

// BenchmarkLine90Single draws one 90-point series.
func BenchmarkLine90Single(b *testing.B) {
	s := Series{Name: "Clicks"}
	for i := range 90 {
		s.Points = append(s.Points, Point{Label: fmt.Sprint(i), Value: float64(i * i)})
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = Line(Chart{Title: "Clicks", ID: "bench"}, s)
	}
}
