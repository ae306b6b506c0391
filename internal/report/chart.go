package report

import (
	"math"
	"sort"
	"strconv"

	"herald/internal/metrics"
)

// Charts drawn with PDF lines and rectangles, each with a title, axis
// labels and the values written beside the marks.

// maxBars bounds the channels in the bar chart; the table lists them all.
const maxBars = 15

// channelChart is a horizontal bar chart of engagements per channel.
func (d *doc) channelChart() {
	rows := append([]Row(nil), d.r.Channels...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].K.Engagements.V > rows[j].K.Engagements.V })
	note := ""
	if len(rows) > maxBars {
		note = "The " + strconv.Itoa(maxBars) + " channels with the most engagements; the table below lists all " + strconv.Itoa(len(rows)) + "."
		rows = rows[:maxBars]
	}
	const barH, gap = 6.0, 2.0
	d.section("Engagements per channel", float64(len(rows))*(barH+gap)+22)
	if len(rows) == 0 {
		d.note("No channel published or was read in this period.")
		return
	}
	top, anyKnown := 0.0, false
	for _, r := range rows {
		if r.K.Engagements.Known {
			top, anyKnown = max(top, r.K.Engagements.V), true
		}
	}
	if !anyKnown {
		d.note("No engagement figures for this period: the networks report none yet.")
		return
	}
	top = niceCeil(top)
	const labelW, valueW = 44.0, 20.0
	x0, w := margin+labelW, contentW-labelW-valueW
	d.SetFont(family, "", 7.5)
	d.ink(muted)
	d.SetXY(margin, d.GetY())
	d.text(labelW-2, 4, "Channel", "R", false)
	d.Ln(5)
	y0 := d.GetY()
	h := float64(len(rows)) * (barH + gap)
	d.axisX(x0, y0, w, h, top, "Engagements (likes, reposts, replies, quotes, clicks)")
	d.SetFont(family, "", 8.5)
	for i, r := range rows {
		y := y0 + float64(i)*(barH+gap) + gap/2
		d.ink(textInk)
		d.SetXY(margin, y)
		d.text(labelW-2, barH, r.Name, "R", false)
		if !r.K.Engagements.Known {
			d.ink(muted)
			d.SetXY(x0+1, y)
			d.text(valueW, barH, NotAvailable, "L", false)
			continue
		}
		bw := w * r.K.Engagements.V / top
		d.fill(d.brand)
		if bw > 0 {
			d.Rect(x0, y, bw, barH, "F")
		}
		d.SetXY(x0+bw+1, y)
		d.text(valueW, barH, Show(r.K.Engagements, false), "L", false)
	}
	d.ink(textInk)
	d.SetY(y0 + h + 12)
	if note != "" {
		d.note(note)
	}
}

// axisX draws vertical grid lines with tick values under them and the
// axis label below, for a plot of width w and height h at x0, y0.
func (d *doc) axisX(x0, y0, w, h, top float64, label string) {
	const ticks = 4
	d.pen(gridInk)
	d.SetLineWidth(0.2)
	d.SetFont(family, "", 7)
	d.ink(muted)
	for i := 0; i <= ticks; i++ {
		x := x0 + w*float64(i)/ticks
		d.Line(x, y0, x, y0+h)
		d.SetXY(x-10, y0+h+0.5)
		d.CellFormat(20, 4, tick(top*float64(i)/ticks), "", 0, "C", false, 0, "")
	}
	d.SetXY(x0, y0+h+5)
	d.text(w, 4, label, "C", false)
	d.ink(textInk)
}

// dayChart is a column chart of the engagements of the posts published on
// each day (each week for periods over two months).
func (d *doc) dayChart() {
	const plotH = 48.0
	span := 1
	if len(d.r.Days) > 62 {
		span = 7
	}
	title := "Engagements by day of publishing"
	xLabel := "Day the posts were published"
	if span == 7 {
		title, xLabel = "Engagements by week of publishing", "Week the posts were published (from its first day)"
	}
	d.section(title, plotH+20)
	buckets := bucket(d.r.Days, span)
	top, anyKnown := 0.0, false
	for _, b := range buckets {
		if b.Engagements.Known {
			top, anyKnown = max(top, b.Engagements.V), true
		}
	}
	if !anyKnown {
		d.note("No engagement figures yet for the posts of this period.")
		return
	}
	top = niceCeil(top)
	const axisW = 16.0
	x0, w := margin+axisW, contentW-axisW-2
	d.SetFont(family, "", 7.5)
	d.ink(muted)
	d.SetXY(margin, d.GetY())
	d.text(60, 4, "Engagements", "L", false)
	d.Ln(5)
	y0 := d.GetY()
	const ticks = 4
	d.pen(gridInk)
	d.SetLineWidth(0.2)
	d.SetFont(family, "", 7)
	for i := 0; i <= ticks; i++ {
		y := y0 + plotH - plotH*float64(i)/ticks
		d.Line(x0, y, x0+w, y)
		d.SetXY(margin, y-2)
		d.CellFormat(axisW-1.5, 4, tick(top*float64(i)/ticks), "", 0, "R", false, 0, "")
	}
	slot := w / float64(len(buckets))
	d.fill(d.brand)
	for i, b := range buckets {
		if !b.Engagements.Known || b.Engagements.V <= 0 {
			continue
		}
		bh := plotH * b.Engagements.V / top
		d.Rect(x0+float64(i)*slot+slot*0.15, y0+plotH-bh, slot*0.7, bh, "F")
	}
	every := int(math.Ceil(float64(len(buckets)) / 7))
	for i := 0; i < len(buckets); i += every {
		d.SetXY(x0+float64(i)*slot+slot/2-10, y0+plotH+0.5)
		d.CellFormat(20, 4, buckets[i].Date.Format("2 Jan"), "", 0, "C", false, 0, "")
	}
	d.SetXY(x0, y0+plotH+5)
	d.text(w, 4, xLabel, "C", false)
	d.ink(textInk)
	d.SetY(y0 + plotH + 11)
	d.note("Days without a bar had no post, or none of their posts has been read yet.")
}

// bucket sums days span at a time.
func bucket(days []Day, span int) []Day {
	var out []Day
	for i := 0; i < len(days); i += span {
		b := Day{Date: days[i].Date}
		for _, day := range days[i:min(i+span, len(days))] {
			b.Posts += day.Posts
			if day.Engagements.Known {
				b.Engagements = metrics.Value{V: b.Engagements.V + day.Engagements.V, Known: true}
			}
		}
		out = append(out, b)
	}
	return out
}

// niceCeil rounds v up to 1, 2, 4, 5 or 8 times a power of ten, so the
// axis ends on a round number and its quarters read easily.
func niceCeil(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 4, 5, 8, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// tick formats an axis value.
func tick(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}
