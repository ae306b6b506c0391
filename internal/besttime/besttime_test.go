package besttime

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// newYork loads the zone the synthetic channels live in.
func newYork(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no tz database: %v", err)
	}
	return loc
}

// synth is a synthetic channel: n posts at uniformly random local hours
// over 26 weeks from Monday 2026-01-05 (so across the 8 March DST change),
// engagement 100 × lognormal noise × lift(weekday, hour). Times are handed
// over in UTC so only Compute's zone conversion can find the local hour.
func synth(loc *time.Location, n int, seed uint64, lift func(time.Weekday, int) float64) []Post {
	return synthFrom(time.Date(2026, time.January, 5, 0, 0, 0, 0, loc), n, seed, lift)
}

// synthFrom is synth starting on another date, in start's zone.
func synthFrom(start time.Time, n int, seed uint64, lift func(time.Weekday, int) float64) []Post {
	y, m, d0 := start.Date()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	posts := make([]Post, 0, n)
	for range n {
		day, hour, minute := rng.IntN(26*7), rng.IntN(24), rng.IntN(60)
		at := time.Date(y, m, d0+day, hour, minute, 0, 0, start.Location())
		if at.Hour() != hour { // 02:xx on the spring-forward day does not exist
			continue
		}
		e := 100 * math.Exp(0.3*rng.NormFloat64()) * lift(at.Weekday(), hour)
		posts = append(posts, Post{PublishedAt: at.UTC(), Engagement: e})
	}
	return posts
}

// flat is a lift function with no peaks.
func flat(time.Weekday, int) float64 { return 1 }

// peaks gives Tuesday and Thursday 09:00 and 18:00 three times the
// engagement.
func peaks(d time.Weekday, h int) float64 {
	if (d == time.Tuesday || d == time.Thursday) && (h == 9 || h == 18) {
		return 3
	}
	return 1
}

// isPeak reports whether s is one of the peaks above.
func isPeak(s Slot) bool { return peaks(s.Weekday, s.Hour) == 3 }

func TestRecoversKnownPeaks(t *testing.T) {
	loc := newYork(t)
	posts := synth(loc, 1500, 1, peaks)
	res := Compute(posts, loc, "bluesky", Options{})
	if len(res.Best) != 5 {
		t.Fatalf("Best has %d slots, want 5", len(res.Best))
	}
	for _, s := range res.Best[:4] {
		if !isPeak(s) {
			t.Errorf("top 4 = %v, want Tue/Thu 09:00 and 18:00", res.Best[:4])
			break
		}
	}
	for _, s := range res.Best {
		c := res.Cells[s.Weekday][s.Hour]
		if isPeak(s) && (c.Source != SourceHistory || c.Lift < 1.6 || s.Confidence < 0.5) {
			t.Errorf("peak %v: cell %+v, want history with lift ≥ 1.6 and confidence ≥ 0.5", s, c)
		}
	}
	if res.Best[0].Score != 1 || res.Overall < 0.5 {
		t.Errorf("best score %v, overall %v; want 1 and ≥ 0.5", res.Best[0].Score, res.Overall)
	}
	if !strings.HasPrefix(res.Note, "Based on 1") || !strings.HasSuffix(res.Note, "over 26 weeks") {
		t.Errorf("note %q", res.Note)
	}
}

func TestPeaksSurviveSeeds(t *testing.T) {
	loc := newYork(t)
	for seed := uint64(2); seed < 12; seed++ {
		res := Compute(synth(loc, 1500, seed, peaks), loc, "linkedin", Options{TopN: 4})
		for _, s := range res.Best {
			if !isPeak(s) {
				t.Errorf("seed %d: Best = %v", seed, res.Best)
				break
			}
		}
	}
}

func TestDSTUsesLocalHourOfEachPost(t *testing.T) {
	loc := newYork(t)
	est := time.Date(2026, time.March, 3, 14, 0, 0, 0, time.UTC)  // Tue 09:00 EST
	edt := time.Date(2026, time.March, 10, 13, 0, 0, 0, time.UTC) // Tue 09:00 EDT
	res := Compute([]Post{{PublishedAt: est, Engagement: 1}, {PublishedAt: edt, Engagement: 1}}, loc, "", Options{})
	if got := res.Cells[time.Tuesday][9].Posts; got != 2 {
		t.Errorf("Tue 09:00 has %d posts, want both", got)
	}
}

func TestNormalisesForPostCount(t *testing.T) {
	loc := newYork(t)
	lift := func(d time.Weekday, h int) float64 {
		if d == time.Wednesday && h == 15 {
			return 1.6
		}
		return 1
	}
	posts := synth(loc, 1500, 3, lift)
	// Monday noon gets twenty times the posts of any other hour, with the
	// same per-post engagement as everywhere else.
	rng := rand.New(rand.NewPCG(4, 4))
	for w := range 26 {
		for k := range 7 {
			at := time.Date(2026, time.January, 5+7*w, 12, 8*k, 0, 0, loc)
			posts = append(posts, Post{PublishedAt: at, Engagement: 100 * math.Exp(0.3*rng.NormFloat64())})
		}
	}
	busy := Slot{Weekday: time.Monday, Hour: 12}
	if got := topByTotal(posts, loc); got != busy {
		t.Fatalf("setup: by total engagement %v should win, got %v", busy, got)
	}
	res := Compute(posts, loc, "generic", Options{})
	if b := res.Best[0]; b.Weekday == busy.Weekday && b.Hour == busy.Hour {
		t.Errorf("busy slot ranked first: %v", res.Best)
	}
	if b := res.Best[0]; b.Weekday != time.Wednesday || b.Hour != 15 {
		t.Errorf("Best[0] = %v, want Wed 15:00", b)
	}
	if c := res.Cells[time.Monday][12]; math.Abs(c.Lift-1) > 0.15 || c.Confidence < 0.9 {
		t.Errorf("busy cell %+v: want lift ≈ 1 with high confidence", c)
	}
}

// topByTotal is the naive method the heatmap must not use: the slot with
// the most total engagement.
func topByTotal(posts []Post, loc *time.Location) Slot {
	var sum [7][24]float64
	best := Slot{}
	for _, p := range posts {
		at := p.PublishedAt.In(loc)
		sum[at.Weekday()][at.Hour()] += p.Engagement
		if s := sum[at.Weekday()][at.Hour()]; s > sum[best.Weekday][best.Hour] {
			best = Slot{Weekday: at.Weekday(), Hour: at.Hour()}
		}
	}
	return best
}

func TestViralOutlierDoesNotWin(t *testing.T) {
	loc := newYork(t)
	posts := synth(loc, 1500, 5, peaks)
	viral := time.Date(2026, time.April, 6, 14, 30, 0, 0, loc) // a Monday
	posts = append(posts, Post{PublishedAt: viral, Engagement: 100 * 300})
	res := Compute(posts, loc, "bluesky", Options{TopN: 4})
	for _, s := range res.Best {
		if !isPeak(s) {
			t.Errorf("Best = %v: the viral slot or another displaced a peak", res.Best)
			break
		}
	}
	if c := res.Cells[time.Monday][14]; c.Lift > 1.5 {
		t.Errorf("viral slot lift %.2f, want the outlier capped", c.Lift)
	}
}

func TestViralOutlierInShortHistory(t *testing.T) {
	loc := newYork(t)
	posts := synth(loc, 40, 6, flat)
	posts = append(posts, Post{PublishedAt: time.Date(2026, time.February, 2, 3, 0, 0, 0, loc), Engagement: 1e6})
	res := Compute(posts, loc, "mastodon", Options{})
	if b := res.Best[0]; b.Weekday == time.Monday && b.Hour == 3 {
		t.Errorf("viral 03:00 post made its slot best: %v", res.Best)
	}
}

func TestThinHistoryUsesDefaults(t *testing.T) {
	loc := newYork(t)
	posts := synth(loc, 5, 7, peaks)
	res := Compute(posts, loc, "bluesky", Options{})
	for d := range 7 {
		for h := range 24 {
			if s := res.Cells[d][h].Source; s == SourceHistory {
				t.Fatalf("%v %02d:00 has source %q with 5 posts", time.Weekday(d), h, s)
			}
		}
	}
	if res.Overall >= 0.2 {
		t.Errorf("overall confidence %.2f, want low", res.Overall)
	}
	assertDefaultHours(t, res, "bluesky")
	if want := "Not enough history yet (5 posts): using typical times for Bluesky"; res.Note != want {
		t.Errorf("note %q, want %q", res.Note, want)
	}
}

// assertDefaultHours checks Best lists hours the network default rates
// highly.
func assertDefaultHours(t *testing.T, res Result, network string) {
	t.Helper()
	def := Defaults(network)
	if len(res.Best) == 0 {
		t.Fatal("no Best slots")
	}
	for _, s := range res.Best {
		if w := def[s.Weekday][s.Hour]; w < 0.85 {
			t.Errorf("Best %v has default weight %.2f, want a typical %s hour", res.Best, w, network)
		}
	}
}

func TestEmptyInputGivesDefaults(t *testing.T) {
	for _, network := range append(Networks(), "", "Twitter", "webhook") {
		res := Compute(nil, nil, network, Options{})
		for d := range 7 {
			for h := range 24 {
				c := res.Cells[d][h]
				if c.Source != SourceDefault || c.Confidence != 0 || c.Posts != 0 || !(c.Score > 0 && c.Score <= 1) {
					t.Fatalf("%s: cell %v %d = %+v", network, time.Weekday(d), h, c)
				}
			}
		}
		assertDefaultHours(t, res, network)
		if res.Overall != 0 || !strings.HasPrefix(res.Note, "No posts yet: using typical times for ") {
			t.Errorf("%s: overall %v, note %q", network, res.Overall, res.Note)
		}
	}
}

func TestUnusableInputGivesDefaults(t *testing.T) {
	at := time.Date(2026, time.May, 5, 9, 0, 0, 0, time.UTC)
	cases := map[string][]Post{
		"zero engagement": slices.Repeat([]Post{{PublishedAt: at}}, 50),
		"invalid":         {{PublishedAt: at, Engagement: math.NaN()}, {PublishedAt: at, Engagement: -1}, {Engagement: 5}, {PublishedAt: at, Engagement: math.Inf(1)}},
	}
	for name, posts := range cases {
		res := Compute(posts, time.UTC, "slack", Options{})
		if res.Cells[time.Tuesday][9].Source != SourceDefault || res.Overall != 0 {
			t.Errorf("%s: cell %+v overall %v", name, res.Cells[time.Tuesday][9], res.Overall)
		}
		assertDefaultHours(t, res, "slack")
		for _, s := range res.Best {
			if math.IsNaN(s.Score) {
				t.Errorf("%s: NaN score", name)
			}
		}
		t.Logf("%s: %s", name, res.Note)
	}
}

func TestRateUsesReach(t *testing.T) {
	loc := newYork(t)
	posts := synth(loc, 1500, 8, flat)
	for i := range posts {
		at := posts[i].PublishedAt.In(loc)
		posts[i].Reach = 1000
		if at.Weekday() == time.Friday && at.Hour() == 11 {
			posts[i].Reach = 250 // same engagement from a quarter of the reach
		}
	}
	res := Compute(posts, loc, "facebook", Options{Rate: true, TopN: 1})
	if b := res.Best[0]; b.Weekday != time.Friday || b.Hour != 11 {
		t.Errorf("by rate Best = %v, want Fri 11:00", res.Best)
	}
}

func TestRecencyWeighting(t *testing.T) {
	loc := newYork(t)
	// Old half: Monday 10:00 is the peak; recent half: Saturday 20:00.
	old := synth(loc, 1500, 9, func(d time.Weekday, h int) float64 { return peakAt(d, h, time.Monday, 10) })
	// Not old shifted by 26 weeks in UTC: that would move local hours
	// across the DST changes.
	later := time.Date(2026, time.July, 6, 0, 0, 0, 0, loc)
	recent := synthFrom(later, 1500, 10, func(d time.Weekday, h int) float64 { return peakAt(d, h, time.Saturday, 20) })
	posts := append(old, recent...)
	res := Compute(posts, loc, "", Options{TopN: 1, HalfLife: 4 * 7 * 24 * time.Hour})
	if b := res.Best[0]; b.Weekday != time.Saturday || b.Hour != 20 {
		t.Errorf("with half-life Best = %v, want Sat 20:00", res.Best)
	}
	if !strings.Contains(res.Note, "recent posts counting more") {
		t.Errorf("note %q", res.Note)
	}
}

// peakAt is a lift of 2.5 at one slot.
func peakAt(d time.Weekday, h int, pd time.Weekday, ph int) float64 {
	if d == pd && h == ph {
		return 2.5
	}
	return 1
}

func TestScoresAreNormalised(t *testing.T) {
	loc := newYork(t)
	res := Compute(synth(loc, 500, 11, peaks), loc, "nostr", Options{})
	top := 0.0
	for d := range 7 {
		for h := range 24 {
			c := res.Cells[d][h]
			if !(c.Score >= 0 && c.Score <= 1) || !(c.Confidence >= 0 && c.Confidence < 1) {
				t.Fatalf("cell %v %d out of range: %+v", time.Weekday(d), h, c)
			}
			top = max(top, c.Score)
		}
	}
	if top != 1 {
		t.Errorf("max score %v, want 1", top)
	}
}

func TestQuantile(t *testing.T) {
	v := []float64{1, 2, 3, 4, 5}
	for q, want := range map[float64]float64{0: 1, 0.5: 3, 0.9: 4.6, 1: 5} {
		if got := quantile(v, q); math.Abs(got-want) > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", q, got, want)
		}
	}
}

func BenchmarkCompute5000(b *testing.B) {
	loc := newYork(b)
	posts := synth(loc, 5000, 12, peaks)
	b.ReportAllocs()
	for b.Loop() {
		Compute(posts, loc, "bluesky", Options{HalfLife: 90 * 24 * time.Hour})
	}
}
