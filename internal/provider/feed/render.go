package feed

import (
	"encoding/xml"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"herald/internal/provider/count"
)

// FeedMeta describes a feed.
type FeedMeta struct {
	ID          string // tag URI (Settings["feed_id"]); Atom's feed id
	Title       string
	Description string
	Link        string // the website
	FeedURL     string // where this document is served (rel="self")
	Author      string
	Language    string
	Updated     time.Time // zero: the newest item's time
}

// Item is one published segment.
type Item struct {
	ID        string // the RemotePost id (a tag URI)
	Title     string // empty: the text's first line
	Text      string // plain text as written; rendered as escaped HTML
	Link      string // optional permalink
	Published time.Time
	Updated   time.Time // zero: Published
	Author    string
	Media     []Enclosure
}

// Enclosure is an image or other file attached by URL.
type Enclosure struct {
	URL    string
	Type   string
	Length int64
	Alt    string
}

// Render writes the feed as "rss" (RSS 2.0, https://www.rssboard.org/rss-specification)
// or "atom" (Atom 1.0, RFC 4287), items in the order given.
func Render(format string, meta FeedMeta, items []Item) ([]byte, error) {
	if meta.Title == "" {
		return nil, fmt.Errorf("feed: a title is required")
	}
	if meta.Updated.IsZero() {
		for _, it := range items {
			if t := it.updated(); t.After(meta.Updated) {
				meta.Updated = t
			}
		}
	}
	var doc any
	switch format {
	case "rss":
		doc = rssDoc(meta, items)
	case "atom":
		if meta.ID == "" {
			return nil, fmt.Errorf("feed: Atom needs a feed id")
		}
		doc = atomDoc(meta, items)
	default:
		return nil, fmt.Errorf("feed: unknown format %q (rss or atom)", format)
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

func (it Item) updated() time.Time {
	if !it.Updated.IsZero() {
		return it.Updated
	}
	return it.Published
}

func (it Item) title() string {
	if it.Title != "" {
		return it.Title
	}
	first, _, _ := strings.Cut(strings.TrimSpace(it.Text), "\n")
	return strings.TrimSpace(first)
}

// contentHTML turns plain text into HTML: escaped, URLs linked (found by
// the counting package, the one place Herald parses text), paragraphs on
// blank lines, <br> on single newlines, then the images.
func (it Item) contentHTML() string {
	var b strings.Builder
	text := strings.ReplaceAll(strings.TrimSpace(it.Text), "\r\n", "\n")
	last := 0
	for _, s := range count.URLs(text) {
		b.WriteString(html.EscapeString(text[last:s.Start]))
		u := text[s.Start:s.End]
		href := u
		if !strings.Contains(u, "://") {
			href = "https://" + u
		}
		fmt.Fprintf(&b, `<a href="%s">%s</a>`, html.EscapeString(href), html.EscapeString(u))
		last = s.End
	}
	b.WriteString(html.EscapeString(text[last:]))
	var out strings.Builder
	for _, para := range strings.Split(b.String(), "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			out.WriteString("<p>" + strings.ReplaceAll(para, "\n", "<br>") + "</p>")
		}
	}
	for _, m := range it.Media {
		if strings.HasPrefix(m.Type, "image/") {
			fmt.Fprintf(&out, `<p><img src="%s" alt="%s"></p>`, html.EscapeString(m.URL), html.EscapeString(m.Alt))
		}
	}
	return out.String()
}

// rfc822 is RSS's date format (RFC 822 with a four-digit year, RFC 1123).
func rfc822(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

// rfc3339 is Atom's date format.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Generator     string    `xml:"generator"`
	Docs          string    `xml:"docs"`
	Self          *atomLink `xml:"atom:link,omitempty"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string        `xml:"title,omitempty"`
	Link        string        `xml:"link,omitempty"`
	Description string        `xml:"description"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Enclosure   *rssEnclosure `xml:"enclosure,omitempty"`
}

type rssGUID struct {
	Value       string `xml:",chardata"`
	IsPermaLink string `xml:"isPermaLink,attr"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length string `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

func rssDoc(m FeedMeta, items []Item) rss {
	link := m.Link
	if link == "" {
		link = m.FeedURL // RSS requires a channel link
	}
	desc := m.Description
	if desc == "" {
		desc = m.Title // and a description
	}
	ch := rssChannel{Title: m.Title, Link: link, Description: desc, Language: m.Language,
		Generator: "Herald", Docs: "https://www.rssboard.org/rss-specification"}
	if !m.Updated.IsZero() {
		ch.LastBuildDate = rfc822(m.Updated)
	}
	if m.FeedURL != "" {
		ch.Self = &atomLink{Href: m.FeedURL, Rel: "self", Type: "application/rss+xml"}
	}
	for _, it := range items {
		ri := rssItem{Title: it.title(), Link: it.Link, Description: it.contentHTML(),
			GUID: rssGUID{Value: it.ID, IsPermaLink: "false"}, PubDate: rfc822(it.Published)}
		if len(it.Media) > 0 { // RSS 2.0 allows one enclosure per item
			e := it.Media[0]
			ri.Enclosure = &rssEnclosure{URL: e.URL, Length: strconv.FormatInt(e.Length, 10), Type: e.Type}
		}
		ch.Items = append(ch.Items, ri)
	}
	return rss{Version: "2.0", Atom: "http://www.w3.org/2005/Atom", Channel: ch}
}

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string      `xml:"xml:lang,attr,omitempty"`
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Subtitle  *atomText   `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomText struct {
	Type  string `xml:"type,attr,omitempty"`
	Value string `xml:",chardata"`
}

type atomLink struct {
	Href   string `xml:"href,attr"`
	Rel    string `xml:"rel,attr,omitempty"`
	Type   string `xml:"type,attr,omitempty"`
	Length string `xml:"length,attr,omitempty"`
	Title  string `xml:"title,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Updated   string      `xml:"updated"`
	Published string      `xml:"published"`
	Author    *atomPerson `xml:"author,omitempty"`
	Links     []atomLink  `xml:"link"`
	Content   atomText    `xml:"content"`
}

func atomDoc(m FeedMeta, items []Item) atomFeed {
	author := m.Author
	if author == "" {
		author = m.Title // Atom requires an author on the feed or every entry
	}
	f := atomFeed{Lang: m.Language, ID: m.ID, Title: atomText{Type: "text", Value: m.Title}, Updated: rfc3339(m.Updated),
		Author: atomPerson{Name: author}, Generator: "Herald"}
	if m.Updated.IsZero() {
		f.Updated = rfc3339(time.Unix(0, 0))
	}
	if m.Description != "" {
		f.Subtitle = &atomText{Type: "text", Value: m.Description}
	}
	if m.FeedURL != "" {
		f.Links = append(f.Links, atomLink{Href: m.FeedURL, Rel: "self", Type: "application/atom+xml"})
	}
	if m.Link != "" {
		f.Links = append(f.Links, atomLink{Href: m.Link, Rel: "alternate", Type: "text/html"})
	}
	for _, it := range items {
		e := atomEntry{ID: it.ID, Title: atomText{Type: "text", Value: it.title()}, Updated: rfc3339(it.updated()),
			Published: rfc3339(it.Published), Content: atomText{Type: "html", Value: it.contentHTML()}}
		if it.Author != "" {
			e.Author = &atomPerson{Name: it.Author}
		}
		if it.Link != "" {
			e.Links = append(e.Links, atomLink{Href: it.Link, Rel: "alternate", Type: "text/html"})
		}
		for _, md := range it.Media {
			e.Links = append(e.Links, atomLink{Href: md.URL, Rel: "enclosure", Type: md.Type,
				Length: strconv.FormatInt(md.Length, 10), Title: md.Alt})
		}
		f.Entries = append(f.Entries, e)
	}
	return f
}
