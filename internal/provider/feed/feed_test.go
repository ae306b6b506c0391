package feed

import (
	"bytes"
	"context"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"herald/internal/provider"
)

var fixed = time.Date(2026, 3, 14, 15, 9, 26, 0, time.FixedZone("CET", 3600))

func connectFeed(t *testing.T) (*Provider, provider.Account) {
	t.Helper()
	p := New(Options{Now: func() time.Time { return fixed }, Rand: bytes.NewReader(bytes.Repeat([]byte{7}, 64))})
	acct, err := p.Connect(context.Background(), map[string]string{"title": "Herald news", "link": "https://Example.com/blog", "author": "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	return p, acct
}

func TestContractPublishIsIdempotentByKey(t *testing.T) {
	p, acct := connectFeed(t)
	if acct.RemoteID != "tag:example.com,2026-03-14:herald/feed/0707070707070707" {
		t.Fatalf("feed id %q", acct.RemoteID)
	}
	var progress []int
	post := provider.Post{Key: "01J/target", Segments: []provider.Segment{{Text: "a"}, {Text: "b"}},
		Progress: func(i int, _ provider.RemotePost) error { progress = append(progress, i); return nil }}
	first, err := p.Publish(context.Background(), acct, post)
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.Publish(context.Background(), acct, provider.Post{Key: "01J/target", Segments: post.Segments})
	if err != nil {
		t.Fatal(err)
	}
	if first[0].ID != "tag:example.com,2026-03-14:herald/item/01J%2Ftarget/0" || first[0].ID != again[0].ID ||
		first[1].ID != again[1].ID || first[0].ID == first[1].ID || len(progress) != 2 {
		t.Fatalf("ids %v / %v", first, again)
	}
	other, _ := p.Publish(context.Background(), acct, provider.Post{Key: "other", Segments: post.Segments})
	if other[0].ID == first[0].ID {
		t.Fatal("two targets share an item id")
	}
	// Resume: only the remaining segment is named.
	res, _ := p.Publish(context.Background(), acct, provider.Post{Key: "01J/target", Segments: post.Segments, Done: first[:1]})
	if len(res) != 2 || res[1].ID != first[1].ID {
		t.Fatalf("resume %v", res)
	}
	if _, err := p.Connect(context.Background(), map[string]string{"title": ""}); provider.TraitOf(err) != provider.Permanent {
		t.Fatal("feed without a title accepted")
	}
	if p.Delete(context.Background(), acct, first[0]) != nil {
		t.Fatal("delete")
	}
}

var items = []Item{
	{ID: "tag:example.com,2026-03-14:herald/item/a/0", Text: "Launch <today> & \"tomorrow\"\nsee example.com/x?a=1&b=2\n\nSecond paragraph \x01 bell",
		Link: "https://example.com/p/1", Published: fixed, Author: "Ada",
		Media: []Enclosure{{URL: "https://cdn.example.com/i.png?a=1&b=2", Type: "image/png", Length: 1234, Alt: `a "quoted" <alt>`}}},
	{ID: "tag:example.com,2026-03-14:herald/item/b/0", Title: "Explicit title", Text: "plain", Published: fixed.Add(time.Hour)},
}

var meta = FeedMeta{ID: "tag:example.com,2026-03-14:herald/feed/x", Title: "News & <stuff>", Link: "https://example.com/",
	FeedURL: "https://herald.example/feeds/x.xml", Language: "en"}

// wellFormed reads every token, failing on any XML syntax error.
func wellFormed(t *testing.T, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("not well-formed: %v\n%s", err, doc)
		}
	}
}

func TestRenderRSS(t *testing.T) {
	doc, err := Render("rss", meta, items)
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, doc)
	var v struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		Channel struct {
			Title         string `xml:"title"`
			Description   string `xml:"description"`
			Language      string `xml:"language"`
			LastBuildDate string `xml:"lastBuildDate"`
			// RSS <link> and <atom:link> share a local name: read both and
			// tell them apart by namespace.
			Links []struct {
				XMLName xml.Name
				Value   string `xml:",chardata"`
				Href    string `xml:"href,attr"`
				Rel     string `xml:"rel,attr"`
			} `xml:"link"`
			Items []struct {
				Title       string `xml:"title"`
				Link        string `xml:"link"`
				Description string `xml:"description"`
				PubDate     string `xml:"pubDate"`
				GUID        struct {
					Value       string `xml:",chardata"`
					IsPermaLink string `xml:"isPermaLink,attr"`
				} `xml:"guid"`
				Enclosure *struct {
					URL    string `xml:"url,attr"`
					Length string `xml:"length,attr"`
					Type   string `xml:"type,attr"`
				} `xml:"enclosure"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	ch := v.Channel
	var link, self string
	for _, l := range ch.Links {
		switch l.XMLName.Space {
		case "":
			link = l.Value
		case "http://www.w3.org/2005/Atom":
			if l.Rel == "self" {
				self = l.Href
			}
		}
	}
	if v.Version != "2.0" || ch.Title != "News & <stuff>" || link != "https://example.com/" || ch.Description == "" || ch.Language != "en" {
		t.Fatalf("channel %+v", ch)
	}
	if self != meta.FeedURL {
		t.Fatalf("atom:link self %+v", ch.Links)
	}
	if _, err := time.Parse(time.RFC1123Z, ch.LastBuildDate); err != nil || !strings.HasSuffix(ch.LastBuildDate, "+0000") {
		t.Fatalf("lastBuildDate %q: %v", ch.LastBuildDate, err)
	}
	it := ch.Items[0]
	if pd, err := time.Parse(time.RFC1123Z, it.PubDate); err != nil || !pd.Equal(fixed) {
		t.Fatalf("pubDate %q: %v", it.PubDate, err)
	}
	if it.GUID.Value != items[0].ID || it.GUID.IsPermaLink != "false" || it.Title != `Launch <today> & "tomorrow"` {
		t.Fatalf("item %+v", it)
	}
	if it.Enclosure == nil || it.Enclosure.URL != items[0].Media[0].URL || it.Enclosure.Length != "1234" || it.Enclosure.Type != "image/png" {
		t.Fatalf("enclosure %+v", it.Enclosure)
	}
	want := `<p>Launch &lt;today&gt; &amp; &#34;tomorrow&#34;<br>see <a href="https://example.com/x?a=1&amp;b=2">example.com/x?a=1&amp;b=2</a></p><p>Second paragraph`
	if !strings.HasPrefix(it.Description, want) || !strings.Contains(it.Description, `alt="a &#34;quoted&#34; &lt;alt&gt;"`) {
		t.Fatalf("description %q", it.Description)
	}
	if strings.ContainsRune(string(doc), '\x01') {
		t.Fatal("control character written: XML 1.0 forbids it")
	}
	if ch.Items[1].Title != "Explicit title" || ch.Items[1].Enclosure != nil {
		t.Fatalf("second item %+v", ch.Items[1])
	}
}

func TestRenderAtom(t *testing.T) {
	doc, err := Render("atom", meta, items)
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, doc)
	type link struct {
		Href   string `xml:"href,attr"`
		Rel    string `xml:"rel,attr"`
		Type   string `xml:"type,attr"`
		Length string `xml:"length,attr"`
	}
	var v struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"http://www.w3.org/2005/Atom id"`
		Title   string   `xml:"http://www.w3.org/2005/Atom title"`
		Updated string   `xml:"http://www.w3.org/2005/Atom updated"`
		Links   []link   `xml:"http://www.w3.org/2005/Atom link"`
		Author  struct {
			Name string `xml:"http://www.w3.org/2005/Atom name"`
		} `xml:"http://www.w3.org/2005/Atom author"`
		Entries []struct {
			ID        string `xml:"id"`
			Title     string `xml:"title"`
			Updated   string `xml:"updated"`
			Published string `xml:"published"`
			Links     []link `xml:"link"`
			Content   struct {
				Type  string `xml:"type,attr"`
				Value string `xml:",chardata"`
			} `xml:"content"`
		} `xml:"http://www.w3.org/2005/Atom entry"`
	}
	if err := xml.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	if v.ID != meta.ID || v.Title != meta.Title || v.Author.Name != meta.Title || len(v.Entries) != 2 {
		t.Fatalf("feed %+v", v)
	}
	// The feed's updated is the newest entry's, in RFC 3339.
	if u, err := time.Parse(time.RFC3339, v.Updated); err != nil || !u.Equal(fixed.Add(time.Hour)) {
		t.Fatalf("updated %q: %v", v.Updated, err)
	}
	rels := map[string]string{}
	for _, l := range v.Links {
		rels[l.Rel] = l.Href
	}
	if rels["self"] != meta.FeedURL || rels["alternate"] != meta.Link {
		t.Fatalf("links %+v", v.Links)
	}
	e := v.Entries[0]
	for _, d := range []string{e.Updated, e.Published} {
		if _, err := time.Parse(time.RFC3339, d); err != nil {
			t.Fatalf("date %q: %v", d, err)
		}
	}
	if e.ID != items[0].ID || e.Content.Type != "html" || !strings.Contains(e.Content.Value, "&lt;today&gt;") || len(e.Links) != 2 || e.Links[1].Rel != "enclosure" {
		t.Fatalf("entry %+v", e)
	}
	if len(v.Entries[1].Links) != 0 {
		t.Fatal("an entry without a link got an empty link element")
	}
}

func TestRenderErrors(t *testing.T) {
	if _, err := Render("json", meta, nil); err == nil {
		t.Fatal("unknown format accepted")
	}
	if _, err := Render("rss", FeedMeta{}, nil); err == nil {
		t.Fatal("feed without title accepted")
	}
	m := meta
	m.ID = ""
	if _, err := Render("atom", m, nil); err == nil {
		t.Fatal("Atom feed without id accepted")
	}
	// An empty feed is still valid.
	for _, f := range []string{"rss", "atom"} {
		doc, err := Render(f, meta, nil)
		if err != nil {
			t.Fatal(err)
		}
		wellFormed(t, doc)
	}
}
