package report

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // logos are the media library's JPEG thumbnails
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"herald/internal/metrics"
)

// Page geometry in millimetres (A4 portrait).
const (
	pageW, pageH = 210.0, 297.0
	margin       = 15.0
	contentW     = pageW - 2*margin
	bottom       = pageH - 20 // content ends here; the footer is below
	family       = "go"
)

type rgb [3]int

var (
	textInk = rgb{33, 37, 41}
	muted   = rgb{108, 117, 125}
	gridInk = rgb{222, 226, 230}
	stripe  = rgb{246, 247, 249}
	white   = rgb{255, 255, 255}
)

// doc is one report being drawn. Page breaks are placed by hand (auto
// breaks would split table rows and charts).
type doc struct {
	*fpdf.Fpdf
	r                  Report
	brand, tint, onTop rgb
}

// Render draws a report as a PDF document.
func Render(r Report) ([]byte, error) {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(true)
	f.SetCreationDate(r.Generated)
	f.SetModificationDate(r.Generated)
	f.SetTitle(printable("Analytics report: "+r.Workspace+", "+r.Label()), true)
	f.SetAuthor("Herald", true)
	f.SetCreator("Herald", true)
	f.AddUTF8FontFromBytes(family, "", goregular.TTF)
	f.AddUTF8FontFromBytes(family, "B", gobold.TTF)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(false, 0)
	f.AliasNbPages("{nb}")
	d := &doc{Fpdf: f, r: r, brand: parseHex(r.Brand.Color)}
	d.tint = mix(d.brand, white, 0.85)
	d.onTop = white
	if luminance(d.brand) > 160 {
		d.onTop = textInk
	}
	f.SetFooterFunc(d.footer)
	f.AddPage()
	d.header()
	if r.HasData {
		d.kpiTable()
		d.channelChart()
		d.dayChart()
		d.channelTable()
		d.groupTable("By content pillar", "Pillar", r.Pillars)
		d.groupTable("By label", "Label", r.Labels)
		d.groupTable("By campaign", "Campaign", r.Campaigns)
		d.postTable("Top posts", r.Top, "No post of this period has engagement figures yet.")
		d.postTable("Bottom posts", r.Bottom, "Not enough posts with engagement figures to compare yet.")
	} else {
		d.noData()
	}
	d.definitions()
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("report: render pdf: %w", err)
	}
	return buf.Bytes(), nil
}

func (d *doc) fill(c rgb) { d.SetFillColor(c[0], c[1], c[2]) }
func (d *doc) ink(c rgb)  { d.SetTextColor(c[0], c[1], c[2]) }
func (d *doc) pen(c rgb)  { d.SetDrawColor(c[0], c[1], c[2]) }

// text writes one line of at most w millimetres at the current position.
func (d *doc) text(w, h float64, s, align string, fill bool) {
	d.CellFormat(w, h, d.fit(printable(s), w-1), "", 0, align, fill, 0, "")
}

// fit shortens s with an ellipsis until it is at most w wide.
func (d *doc) fit(s string, w float64) string {
	if d.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && d.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// header draws the brand band: workspace, period, and the logo.
func (d *doc) header() {
	d.fill(d.brand)
	d.Rect(0, 0, pageW, 38, "F")
	textW := contentW
	if w := d.logo(); w > 0 {
		textW -= w + 6
	}
	d.ink(d.onTop)
	d.SetXY(margin, 9)
	d.SetFont(family, "B", 18)
	d.text(textW, 9, d.r.Workspace, "L", false)
	d.SetXY(margin, 19)
	d.SetFont(family, "", 11)
	d.text(textW, 6, "Analytics report · "+d.r.Label(), "L", false)
	d.SetXY(margin, 26)
	d.SetFont(family, "", 8)
	days := int(d.r.To.Sub(d.r.From).Hours()/24 + 0.5)
	d.text(textW, 5, fmt.Sprintf("Compared with the %d days before · times in %s · made by Herald on %s", days, d.r.Zone,
		d.r.Generated.In(d.r.Zone).Format("2 Jan 2006 15:04")), "L", false)
	d.ink(textInk)
	d.SetY(46)
}

// logo draws the brand logo at the band's right and returns its width, 0
// without one.
func (d *doc) logo() float64 {
	if len(d.r.Brand.Logo) == 0 {
		return 0
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(d.r.Brand.Logo))
	if err != nil || format != "jpeg" || cfg.Width == 0 || cfg.Height == 0 {
		return 0
	}
	opts := fpdf.ImageOptions{ImageType: "JPG"}
	d.RegisterImageOptionsReader("logo", opts, bytes.NewReader(d.r.Brand.Logo))
	if !d.Ok() { // a logo that does not decode is left out, not an error
		d.ClearError()
		return 0
	}
	h := 24.0
	w := min(h*float64(cfg.Width)/float64(cfg.Height), 60)
	h = w * float64(cfg.Height) / float64(cfg.Width)
	d.ImageOptions("logo", pageW-margin-w, (38-h)/2, w, h, false, opts, 0, "")
	return w
}

func (d *doc) footer() {
	d.SetY(pageH - 13)
	d.SetFont(family, "", 7.5)
	d.ink(muted)
	d.SetX(margin)
	d.text(contentW/2, 5, "Herald · "+d.r.Workspace+" · "+d.r.Label(), "L", false)
	d.CellFormat(contentW/2, 5, fmt.Sprintf("Page %d of {nb}", d.PageNo()), "", 0, "R", false, 0, "")
	d.ink(textInk)
}

// section starts a titled part, on a new page unless need millimetres
// below the title still fit.
func (d *doc) section(title string, need float64) {
	if d.GetY()+14+need > bottom {
		d.AddPage()
		d.SetY(margin)
	}
	d.Ln(4)
	d.SetX(margin)
	d.SetFont(family, "B", 13)
	d.ink(d.brand)
	if luminance(d.brand) > 200 {
		d.ink(textInk) // a very light brand colour would be unreadable on white
	}
	d.text(contentW, 8, title, "L", false)
	d.Ln(8)
	d.pen(d.brand)
	d.SetLineWidth(0.4)
	d.Line(margin, d.GetY(), margin+contentW, d.GetY())
	d.Ln(2)
	d.ink(textInk)
	d.SetFont(family, "", 9)
}

// note writes a muted paragraph.
func (d *doc) note(s string) {
	d.SetFont(family, "", 9)
	d.ink(muted)
	for _, line := range d.SplitText(printable(s), contentW) {
		d.SetX(margin)
		d.CellFormat(contentW, 5, line, "", 1, "L", false, 0, "")
	}
	d.ink(textInk)
}

func (d *doc) noData() {
	d.Ln(6)
	d.SetFont(family, "B", 16)
	d.ink(d.brand)
	d.SetX(margin)
	d.text(contentW, 10, "No data yet for this period", "L", false)
	d.Ln(12)
	d.ink(textInk)
	d.note("Nothing was published in this period and no account was read, so there is nothing to report: no figures, no charts. " +
		"Herald reads a post's counters an hour after it goes out, and each account's followers daily.")
}

// column is one column of a table.
type column struct {
	title string
	w     float64
	align string // L, C or R
}

const rowH = 6.5

// table draws a table, repeating its header on each new page.
func (d *doc) table(cols []column, rows [][]string) {
	head := func() {
		d.SetFont(family, "B", 8.5)
		d.fill(d.tint)
		d.SetX(margin)
		for _, c := range cols {
			d.text(c.w, 7, c.title, c.align, true)
		}
		d.Ln(7)
		d.SetFont(family, "", 8.5)
	}
	head()
	for i, row := range rows {
		if d.GetY()+rowH > bottom {
			d.AddPage()
			d.SetY(margin)
			head()
		}
		d.fill(stripe)
		d.SetX(margin)
		for j, c := range cols {
			d.text(c.w, rowH, row[j], c.align, i%2 == 1)
		}
		d.Ln(rowH)
	}
}

func (d *doc) kpiTable() {
	d.section("Key figures", 8*rowH)
	rows := make([][]string, 0, len(d.r.KPIs))
	for _, k := range d.r.KPIs {
		ch := k.Change
		if ch == "" {
			ch = "–"
		}
		rows = append(rows, []string{k.Label, k.Value, k.Previous, ch})
	}
	d.table([]column{{"Figure", 74, "L"}, {"This period", 38, "R"}, {"Period before", 38, "R"}, {"Change", 30, "R"}}, rows)
}

func (d *doc) channelTable() {
	d.section("Per channel", 3*rowH)
	if len(d.r.Channels) == 0 {
		d.note("No channel published or was read in this period.")
		return
	}
	var rows [][]string
	for _, c := range d.r.Channels {
		k := c.K
		rows = append(rows, []string{c.Name, strconv.Itoa(k.Posts), Show(k.Engagements, false), Show(k.Impressions, false), Show(k.Reach, false),
			Show(k.RateByImp, true), Show(k.RateByFol, true), Show(k.Followers, false), signed(k.FollowerNet) + " (" + Show(k.FollowerPct, true) + ")"})
	}
	d.table([]column{{"Channel", 30, "L"}, {"Posts", 11, "R"}, {"Engagements", 21, "R"}, {"Impressions", 20, "R"}, {"Reach", 17, "R"},
		{"Rate (impr.)", 19, "R"}, {"Rate (foll.)", 19, "R"}, {"Followers", 18, "R"}, {"Growth", 25, "R"}}, rows)
}

// signed shows a change with its sign.
func signed(v metrics.Value) string {
	s := Show(v, false)
	if v.Known && v.V > 0 {
		return "+" + s
	}
	return s
}

func (d *doc) groupTable(title, noun string, rows []Row) {
	d.section(title, 3*rowH)
	if len(rows) == 0 {
		d.note("No posts in this period.")
		return
	}
	var cells [][]string
	for _, g := range rows {
		cells = append(cells, []string{g.Name, strconv.Itoa(g.K.Posts), Show(g.K.Engagements, false), g.PerPost(), Show(g.K.RateByImp, true)})
	}
	d.table([]column{{noun, 76, "L"}, {"Posts", 20, "R"}, {"Engagements", 30, "R"}, {"Per post", 24, "R"}, {"Rate (impr.)", 30, "R"}}, cells)
}

func (d *doc) postTable(title string, posts []PostRow, none string) {
	d.section(title, 3*rowH)
	if len(posts) == 0 {
		d.note(none)
		return
	}
	var rows [][]string
	for i, p := range posts {
		text := p.Text
		if strings.TrimSpace(text) == "" {
			text = "(no text)"
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), text, p.Channel, p.PublishedAt.In(d.r.Zone).Format("2 Jan 15:04"),
			Show(p.Engagements, false), Show(p.Impressions, false), Show(p.Reach, false)})
	}
	d.table([]column{{"#", 7, "R"}, {"Post", 62, "L"}, {"Channel", 30, "L"}, {"Published", 22, "L"}, {"Engagements", 22, "R"},
		{"Impressions", 22, "R"}, {"Reach", 15, "R"}}, rows)
}

func (d *doc) definitions() {
	d.section("How each figure is computed", 20)
	for _, k := range d.r.KPIs {
		lines := d.SplitText(printable(k.Formula), contentW-4)
		if d.GetY()+5+float64(len(lines))*4.5 > bottom {
			d.AddPage()
			d.SetY(margin)
		}
		d.SetX(margin)
		d.SetFont(family, "B", 9)
		d.text(contentW, 5, k.Label, "L", false)
		d.Ln(5)
		d.SetFont(family, "", 8.5)
		for _, l := range lines {
			d.SetX(margin + 4)
			d.CellFormat(contentW-4, 4.5, l, "", 1, "L", false, 0, "")
		}
		d.Ln(1)
	}
	d.note(NotAvailable + ": not available, because the network does not report the figure, or a rate's denominator is zero or unknown. " +
		"Never shown as 0. Each figure is compared with the period of the same length just before.")
}

func parseHex(s string) rgb {
	if !hexColor.MatchString(s) {
		s = DefaultColor
	}
	var c rgb
	for i := range c {
		n, _ := strconv.ParseUint(s[1+2*i:3+2*i], 16, 8)
		c[i] = int(n)
	}
	return c
}

// mix blends a toward b by t (0 to 1).
func mix(a, b rgb, t float64) rgb {
	var c rgb
	for i := range c {
		c[i] = int(float64(a[i])*(1-t) + float64(b[i])*t + 0.5)
	}
	return c
}

func luminance(c rgb) float64 {
	return 0.2126*float64(c[0]) + 0.7152*float64(c[1]) + 0.0722*float64(c[2])
}
