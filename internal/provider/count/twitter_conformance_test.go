package count

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The twitter-text conformance files are reference data kept beside the
// repository (shared/testdata/twitter-text, see SOURCE.md there); CI clones
// shared/ next to the repo. From this package's directory that is four
// levels up.
const twitterTextDir = "../../../../shared/testdata/twitter-text"

func twitterTextFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(twitterTextDir, name))
	if os.IsNotExist(err) {
		t.Skipf("twitter-text conformance data not found at %s (clone shared/ beside the repo to run it)", twitterTextDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// conformanceCase is one entry of a twitter-text conformance file; Expected
// differs by group, so it is decoded later.
type conformanceCase struct {
	Description string    `yaml:"description"`
	Text        string    `yaml:"text"`
	Expected    yaml.Node `yaml:"expected"`
}

func loadConformance(t *testing.T, name string) map[string][]conformanceCase {
	t.Helper()
	var file struct {
		Tests map[string][]conformanceCase `yaml:"tests"`
	}
	if err := yaml.Unmarshal(twitterTextFile(t, name), &file); err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return file.Tests
}

type weightedExpectation struct {
	WeightedLength    int  `yaml:"weightedLength"`
	Valid             bool `yaml:"valid"`
	Permillage        int  `yaml:"permillage"`
	DisplayRangeStart int  `yaml:"displayRangeStart"`
	DisplayRangeEnd   int  `yaml:"displayRangeEnd"`
	ValidRangeStart   int  `yaml:"validRangeStart"`
	ValidRangeEnd     int  `yaml:"validRangeEnd"`
}

// parseTweet reproduces twitter-text's parseTweet result from the package's
// units, so every field of the conformance cases is checked, not just the
// length. Indices are UTF-16, as in JavaScript.
func parseTweet(text string, c twitterConfig, maxLength int) weightedExpectation {
	nt := nfc(text)
	sum, validEnd, valid := 0, 0, true
	for _, u := range c.units(nt.s, c.urlLength) {
		sum += u.weight
		valid = valid && !u.invalid
		if valid && sum <= maxLength*c.scale {
			validEnd = utf16Len(nt.s[:u.end]) - 1
		}
	}
	weighted := sum / c.scale
	return weightedExpectation{
		WeightedLength:  weighted,
		Valid:           valid && weighted > 0 && weighted <= maxLength,
		Permillage:      sum * 1000 / (maxLength * c.scale),
		DisplayRangeEnd: max(utf16Len(text)-1, 0),
		// parseTweet shifts the index by the length normalisation removed,
		// wherever it was removed.
		ValidRangeEnd: validEnd + utf16Len(text) - utf16Len(nt.s),
	}
}

// TestTwitterWeightedConformance runs every weighted-length case of
// twitter-text's validate.yml: WeightedTweetsCounterTest with the v2
// configuration (v3 without emoji parsing, which is what that group was
// written for), and the discounted-emoji and directional-marker groups with
// v3. Count must agree with the reference on length and overflow too.
func TestTwitterWeightedConformance(t *testing.T) {
	groups := loadConformance(t, "validate.yml")
	v2 := twitterV3
	v2.emoji = false
	configs := map[string]twitterConfig{
		"WeightedTweetsCounterTest":                    v2,
		"WeightedTweetsWithDiscountedEmojiCounterTest": twitterV3,
		"UnicodeDirectionalMarkerCounterTest":          twitterV3,
	}
	ran := 0
	for group, cfg := range configs {
		cases := groups[group]
		if len(cases) == 0 {
			t.Fatalf("validate.yml has no %s cases", group)
		}
		for _, tc := range cases {
			var want weightedExpectation
			if err := tc.Expected.Decode(&want); err != nil {
				t.Fatalf("%s %q: %v", group, tc.Description, err)
			}
			got := parseTweet(tc.Text, cfg, 280)
			if got != want {
				t.Errorf("%s %q:\n got %+v\nwant %+v", group, tc.Description, got, want)
			}
			if cfg.emoji {
				checkCountAgrees(t, tc.Text, want)
			}
			ran++
		}
	}
	if ran == 0 {
		t.Fatal("no weighted-length cases ran")
	}
	t.Logf("twitter-text weighted-length conformance: %d cases run", ran)
}

// checkCountAgrees compares the public Count with a conformance result.
func checkCountAgrees(t *testing.T, text string, want weightedExpectation) {
	t.Helper()
	res := Count(text, Defaults["x"])
	over := want.WeightedLength > 280
	if res.Used != want.WeightedLength || res.Over != over {
		t.Errorf("Count(%.40q) = %d over=%v, want %d over=%v", text, res.Used, res.Over, want.WeightedLength, over)
	}
	// On normalised text with nothing refused, the reference's last valid
	// index is the code unit just before OverAt.
	if over && res.InvalidAt < 0 && text == nfc(text).s {
		if got := utf16Len(text[:res.OverAt]) - 1; got != want.ValidRangeEnd {
			t.Errorf("Count(%.40q).OverAt is UTF-16 index %d, reference ends the valid range at %d", text, got+1, want.ValidRangeEnd)
		}
	}
	if !want.Valid && !over && want.WeightedLength > 0 && res.InvalidAt < 0 {
		t.Errorf("Count(%.40q) found no refused character, reference says invalid", text)
	}
}

// TestTwitterConfigMatchesV3 proves twitterV3 is the reference v3.json.
func TestTwitterConfigMatchesV3(t *testing.T) {
	var v3 struct {
		MaxWeightedTweetLength int  `json:"maxWeightedTweetLength"`
		Scale                  int  `json:"scale"`
		DefaultWeight          int  `json:"defaultWeight"`
		EmojiParsingEnabled    bool `json:"emojiParsingEnabled"`
		TransformedURLLength   int  `json:"transformedURLLength"`
		Ranges                 []struct {
			Start, End rune
			Weight     int
		} `json:"ranges"`
	}
	if err := json.Unmarshal(twitterTextFile(t, "v3.json"), &v3); err != nil {
		t.Fatal(err)
	}
	var ranges []weightRange
	for _, r := range v3.Ranges {
		ranges = append(ranges, weightRange{r.Start, r.End, r.Weight})
	}
	got := twitterV3
	if got.scale != v3.Scale || got.defaultWeight != v3.DefaultWeight || got.emoji != v3.EmojiParsingEnabled ||
		got.urlLength != v3.TransformedURLLength || !slices.Equal(got.ranges, ranges) {
		t.Errorf("twitterV3 = %+v, v3.json = %+v", got, v3)
	}
	if x := Defaults["x"]; x.Max != v3.MaxWeightedTweetLength || x.URLLength != v3.TransformedURLLength {
		t.Errorf(`Defaults["x"] = %+v, v3.json max %d url %d`, x, v3.MaxWeightedTweetLength, v3.TransformedURLLength)
	}
}

// TestTLDListMatchesReference proves tlds.go is tld_lib.yml.
func TestTLDListMatchesReference(t *testing.T) {
	var ref struct {
		Country []string `yaml:"country"`
		Generic []string `yaml:"generic"`
	}
	if err := yaml.Unmarshal(twitterTextFile(t, "tld_lib.yml"), &ref); err != nil {
		t.Fatal(err)
	}
	if got := strings.Fields(countryTLDs); !slices.Equal(got, ref.Country) {
		t.Errorf("countryTLDs has %d names, tld_lib.yml %d, or they differ", len(got), len(ref.Country))
	}
	if got := strings.Fields(genericTLDs); !slices.Equal(got, ref.Generic) {
		t.Errorf("genericTLDs has %d names, tld_lib.yml %d, or they differ", len(got), len(ref.Generic))
	}
}

// TestTwitterExtractConformance runs extract.yml's URL and hashtag groups
// against URLs and Hashtags. Indices in the file are UTF-16.
func TestTwitterExtractConformance(t *testing.T) {
	groups := loadConformance(t, "extract.yml")
	text := func(s string, sp Span) string { return s[sp.Start:sp.End] }
	ran := 0
	for _, group := range []string{"urls", "tco_urls_with_params", "hashtags", "hashtags_from_astral"} {
		for _, tc := range groups[group] {
			var want []string
			if err := tc.Expected.Decode(&want); err != nil {
				t.Fatalf("%s %q: %v", group, tc.Description, err)
			}
			var got []string
			if strings.HasPrefix(group, "hashtags") {
				for _, sp := range Hashtags(tc.Text) {
					_, n := utf8.DecodeRuneInString(tc.Text[sp.Start:])
					got = append(got, tc.Text[sp.Start+n:sp.End])
				}
			} else {
				for _, sp := range URLs(tc.Text) {
					got = append(got, text(tc.Text, sp))
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s %q: %.60q\n got %q\nwant %q", group, tc.Description, tc.Text, got, want)
			}
			ran++
		}
	}
	for _, group := range []string{"urls_with_indices", "urls_with_directional_markers", "hashtags_with_indices"} {
		for _, tc := range groups[group] {
			var want []struct {
				URL     string `yaml:"url"`
				Hashtag string `yaml:"hashtag"`
				Indices []int  `yaml:"indices"`
			}
			if err := tc.Expected.Decode(&want); err != nil {
				t.Fatalf("%s %q: %v", group, tc.Description, err)
			}
			spans := URLs(tc.Text)
			if group == "hashtags_with_indices" {
				spans = Hashtags(tc.Text)
			}
			var got, exp [][2]int
			for _, sp := range spans {
				got = append(got, [2]int{utf16Len(tc.Text[:sp.Start]), utf16Len(tc.Text[:sp.End])})
			}
			for _, w := range want {
				exp = append(exp, [2]int{w.Indices[0], w.Indices[1]})
			}
			if !slices.Equal(got, exp) {
				t.Errorf("%s %q: %.60q\n got %v\nwant %v", group, tc.Description, tc.Text, got, exp)
			}
			ran++
		}
	}
	if ran == 0 {
		t.Fatal("no extraction cases ran")
	}
	t.Logf("twitter-text extraction conformance: %d cases run", ran)
}
