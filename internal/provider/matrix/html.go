package matrix

import (
	"html"
	"regexp"
	"strings"

	"herald/internal/provider/count"
)

// mdLink is a Markdown link with an absolute http(s) or mailto target.
var mdLink = regexp.MustCompile(`\[([^\[\]\n]+)\]\(((?:https?://|mailto:)[^\s()<>]+)\)`)

// inline Markdown on already escaped text: **bold**, *italic* and `code`.
var (
	mdBold   = regexp.MustCompile(`\*\*([^*\n]+)\*\*`)
	mdItalic = regexp.MustCompile(`(^|[\s(])\*([^*\s][^*\n]*)\*`)
	mdCode   = regexp.MustCompile("`([^`\n]+)`")
)

// render turns Herald's text into the plain body and the
// org.matrix.custom.html formatted_body of an m.text message
// (https://spec.matrix.org/latest/client-server-api/#mroommessage-msgtypes).
// Only a safe subset is produced: the text is escaped first, then Markdown
// links and bare URLs become <a href> (http, https, mailto only), **bold**,
// *italic* and `code` become tags, and line breaks become <br/>. The plain
// body writes a Markdown link as "label (url)".
func render(text string) (plain, formatted string) {
	var pb, hb strings.Builder
	last := 0
	for _, m := range mdLink.FindAllStringSubmatchIndex(text, -1) {
		pb.WriteString(text[last:m[0]])
		hb.WriteString(renderRun(text[last:m[0]]))
		label, target := text[m[2]:m[3]], text[m[4]:m[5]]
		pb.WriteString(label + " (" + target + ")")
		hb.WriteString(`<a href="` + html.EscapeString(target) + `">` + html.EscapeString(label) + `</a>`)
		last = m[1]
	}
	pb.WriteString(text[last:])
	hb.WriteString(renderRun(text[last:]))
	return pb.String(), hb.String()
}

// renderRun renders text that holds no Markdown link: bare URLs (found the
// way the counting package finds them) become links, the rest is formatted.
func renderRun(s string) string {
	var b strings.Builder
	last := 0
	for _, sp := range count.URLs(s) {
		b.WriteString(inline(s[last:sp.Start]))
		u := s[sp.Start:sp.End]
		href := u
		if !strings.Contains(u, "://") {
			href = "https://" + u
		}
		if strings.HasPrefix(href, "http://") || strings.HasPrefix(href, "https://") {
			b.WriteString(`<a href="` + html.EscapeString(href) + `">` + html.EscapeString(u) + `</a>`)
		} else {
			b.WriteString(inline(u))
		}
		last = sp.End
	}
	b.WriteString(inline(s[last:]))
	return b.String()
}

// inline escapes s, then applies inline Markdown and line breaks. The
// patterns only match characters that escaping leaves alone, so no markup
// from the text can get through.
func inline(s string) string {
	s = html.EscapeString(s)
	s = mdCode.ReplaceAllString(s, "<code>$1</code>")
	s = mdBold.ReplaceAllString(s, "<strong>$1</strong>")
	s = mdItalic.ReplaceAllString(s, "$1<em>$2</em>")
	return strings.ReplaceAll(s, "\n", "<br/>")
}
