package report

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"herald/internal/metrics"
)

// poppler finds pdftoppm and pdftotext (Debian's poppler-utils), or
// skips; with HERALD_E2E=1 (CI, which installs them) their absence fails.
func poppler(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pdftoppm", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := tool + " is not installed (apt-get install poppler-utils); the PDF is not checked by rendering it"
			if os.Getenv("HERALD_E2E") == "1" {
				t.Fatal("HERALD_E2E=1 but " + msg)
			}
			t.Skip(msg)
		}
	}
}

func known(v float64) metrics.Value { return metrics.Value{V: v, Known: true} }

// sample is a report with data, names in several scripts and an emoji.
func sample() Report {
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	cur := metrics.KPIs{Posts: 12, Engagements: known(1234), Impressions: known(45678), RateByImp: known(0.027), FollowerNet: known(37),
		Followers: known(2150), FollowerPct: known(0.0175), PostsPerWeek: known(3), Reach: known(31337), AccountReach: known(4242)}
	prev := metrics.KPIs{Posts: 9, Engagements: known(987), Impressions: known(40000), RateByImp: known(0.0247), PostsPerWeek: known(2.25)}
	r := Report{Workspace: "Café Zürich — Ελληνικά 日本", From: from, To: from.AddDate(0, 0, 28), Zone: time.UTC, HasData: true,
		Brand: Brand{Color: "#aa3366"}, KPIs: kpiRows(cur, prev), Generated: from.AddDate(0, 0, 29),
		Channels:  []Row{{Name: "Bluesky Café", K: cur}, {Name: "Mastodon", K: metrics.KPIs{Posts: 1}}},
		Pillars:   []Row{{Name: "No pillar", K: cur}},
		Campaigns: []Row{{Name: "No campaign", K: metrics.KPIs{Posts: 1}}, {Name: "Spring sale", K: cur}},
		Top: []PostRow{{Text: "Launch day 🎉🚀 thank you all", Channel: "Bluesky Café", PublishedAt: from.Add(50 * time.Hour), Engagements: known(800),
			Reach: known(6502)}},
	}
	for d := 0; d < 28; d++ {
		day := Day{Date: from.AddDate(0, 0, d)}
		if d%3 == 0 {
			day.Posts, day.Engagements = 1, known(float64(10*d))
		}
		r.Days = append(r.Days, day)
	}
	return r
}

// render draws r, converts its first page to PNG with pdftoppm and its
// text with pdftotext.
func render(t *testing.T, r Report) (image.Image, string) {
	t.Helper()
	doc, err := Render(r)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", path, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pages) != 1 {
		t.Fatalf("pdftoppm made %v", pages)
	}
	data, err := os.ReadFile(pages[0])
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, text)
	}
	return img, string(text)
}

// inked is the share of pixels of img that are not white.
func inked(img image.Image) float64 {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				n++
			}
		}
	}
	return float64(n) / float64(b.Dx()*b.Dy())
}

// A report renders as a PDF that poppler reads: the first page is not
// blank, and the text layer holds the KPI numbers, names in Latin, Greek
// and accented letters, and a stand-in for what the font cannot draw.
func TestPDFRenders(t *testing.T) {
	poppler(t)
	img, text := render(t, sample())
	if share := inked(img); share < 0.05 {
		t.Errorf("the first page is %.1f%% inked; a report page has a band, tables and a chart", share*100)
	}
	for _, want := range []string{"Café Zürich — Ελληνικά", "Key figures", "1234", "987", "45678", "2.70%", "+25%", "Engagements per channel",
		"Engagements by day of publishing", "Bluesky Café", "By campaign", "Reach", "31337", "Daily account reach", "4242", "6502", "Spring sale", "No campaign", "Launch day",
		"How each figure is computed", "n/a", "Page 1 of"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range []string{"NaN", "Inf", "🎉", "日本"} {
		if strings.Contains(text, bad) {
			t.Errorf("the PDF's text has %q", bad)
		}
	}
	if !strings.Contains(text, "Launch day "+standIn()+" thank you") {
		t.Errorf("the emoji did not become one stand-in:\n%s", text)
	}
}

// A period without data says so plainly, with no figures or charts.
func TestPDFEmptyPeriod(t *testing.T) {
	poppler(t)
	r := sample()
	r.HasData, r.Channels, r.Pillars, r.Top, r.Days = false, nil, nil, nil, nil
	r.KPIs = kpiRows(metrics.KPIs{}, metrics.KPIs{})
	img, text := render(t, r)
	if inked(img) == 0 {
		t.Error("the empty report's page is blank")
	}
	if !strings.Contains(text, "No data yet for this period") {
		t.Errorf("no 'no data' message:\n%s", text)
	}
	for _, bad := range []string{"NaN", "Engagements per channel", "Key figures"} {
		if strings.Contains(text, bad) {
			t.Errorf("an empty report shows %q", bad)
		}
	}
}

// Text the font cannot draw becomes one stand-in per run; control
// characters and joiners go.
func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain":             "plain",
		"line\nbreak\ttab":  "line break tab",
		"Zoë ünïcödé Ωμέγα": "Zoë ünïcödé Ωμέγα",
		"👍🏽 great":          standIn() + " great",
		"日本語":               standIn(),
		"a\x00b":            "ab",
		"family 👨‍👩‍👧 here": "family " + standIn() + " here",
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}

// A JPEG logo is drawn in the band; bytes that are not a JPEG are left
// out rather than failing the report.
func TestPDFLogo(t *testing.T) {
	var logo bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for x := 0; x < 40; x++ {
		for y := 0; y < 20; y++ {
			img.Set(x, y, color.RGBA{R: uint8(x * 6), G: 80, B: 200, A: 255})
		}
	}
	if err := jpeg.Encode(&logo, img, nil); err != nil {
		t.Fatal(err)
	}
	r := sample()
	r.Brand.Logo = logo.Bytes()
	with, err := Render(r)
	if err != nil {
		t.Fatal(err)
	}
	r.Brand.Logo = []byte("not an image")
	without, err := Render(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(with, []byte("/Subtype /Image")) || bytes.Contains(without, []byte("/Subtype /Image")) {
		t.Errorf("the logo is not drawn once and only with a JPEG")
	}
}
