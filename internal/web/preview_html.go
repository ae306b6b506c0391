package web

import (
	"html/template"
	"strconv"
	"strings"
	"unicode/utf16"

	"herald/internal/compose"
	"herald/internal/model"
)

// previewHTML draws one channel's version of a post the way the
// composer's script does (the same pv-* classes), on the server, for pages
// without the composer: the external review page and the approval queue.
// mediaURL gives an image's address, "" to show its alt text instead.
func previewHTML(t compose.TargetReport, mediaURL func(id string) string) template.HTML {
	var b strings.Builder
	b.WriteString(`<div class="pv pv-` + esc(t.Network) + `" data-preview="` + esc(t.Network) + `">`)
	segs := t.Content.Segments()
	for i, s := range segs {
		b.WriteString(`<article class="pv-post"><header class="pv-head"><span class="pv-avatar" aria-hidden="true">`)
		b.WriteString(esc(initials(t.ChannelName)) + `</span><span class="pv-name">` + esc(t.ChannelName) + `</span>`)
		if t.Handle != "" && t.Handle != t.ChannelName {
			b.WriteString(`<span class="pv-handle">` + esc(t.Handle) + `</span>`)
		}
		if len(segs) > 1 {
			b.WriteString(`<span class="pv-part">` + itoa(i+1) + "/" + itoa(len(segs)) + `</span>`)
		}
		b.WriteString(`</header>`)
		var marks []compose.Highlight
		if i < len(t.Highlights) {
			marks = t.Highlights[i]
		}
		body := `<div class="pv-text">` + highlighted(s.Text, marks) + `</div>`
		if cw := t.Content.Options["content_warning"]; cw != "" && t.Network == "mastodon" {
			body = `<details class="pv-cw"><summary>` + esc(cw) + `</summary>` + body + `</details>`
		}
		b.WriteString(body)
		writeMedia(&b, s.Media, mediaURL)
		if i == 0 && t.Content.Link != "" {
			b.WriteString(`<p class="pv-card"><span class="pv-card-body"><span class="pv-card-site">Link card</span> ` + esc(t.Content.Link) + `</span></p>`)
		}
		b.WriteString(`</article>`)
	}
	if t.Content.FirstComment != "" {
		b.WriteString(`<article class="pv-post pv-comment"><p class="pv-label">First comment</p><div class="pv-text">` + esc(t.Content.FirstComment) + `</div></article>`)
	}
	b.WriteString(`</div>`)
	return template.HTML(b.String()) //nolint:gosec // every piece of text above is escaped
}

func writeMedia(b *strings.Builder, refs []model.MediaRef, mediaURL func(string) string) {
	if len(refs) == 0 {
		return
	}
	b.WriteString(`<div class="pv-media pv-media-` + itoa(min(len(refs), 4)) + `">`)
	for _, r := range refs {
		if u := mediaURL(r.ID); u != "" {
			b.WriteString(`<img src="` + esc(u) + `" alt="` + esc(r.Alt) + `" loading="lazy">`)
		} else {
			alt := r.Alt
			if alt == "" {
				alt = "media"
			}
			b.WriteString(`<div class="pv-media-missing">` + esc(alt) + `</div>`)
		}
	}
	b.WriteString(`</div>`)
}

// highlighted escapes text and marks its mentions, hashtags and links;
// marks are in UTF-16 code units, as the validator reports them.
func highlighted(text string, marks []compose.Highlight) string {
	units := utf16.Encode([]rune(text))
	var b strings.Builder
	at := 0
	for _, m := range marks {
		if m.Start < at || m.End > len(units) || m.Start > m.End {
			continue
		}
		b.WriteString(esc(string(utf16.Decode(units[at:m.Start]))))
		b.WriteString(`<span class="pv-` + esc(m.Kind) + `">` + esc(string(utf16.Decode(units[m.Start:m.End]))) + `</span>`)
		at = m.End
	}
	b.WriteString(esc(string(utf16.Decode(units[at:]))))
	return b.String()
}

func esc(s string) string { return template.HTMLEscapeString(s) }

func itoa(n int) string { return strconv.Itoa(n) }
