package chart

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// node is an element of a parsed chart: the markup is XHTML-compatible
// (every element closed, attributes quoted), so encoding/xml reads it.
type node struct {
	name string
	attr map[string]string
	kids []*node
	text strings.Builder
}

// allowedElements are the only elements a chart may contain; anything else
// would mean user text escaped into markup.
var allowedElements = []string{
	"figure", "figcaption", "ul", "li", "span", "svg", "title", "desc", "g", "line", "text",
	"path", "circle", "rect", "details", "summary", "div", "table", "caption", "thead", "tbody", "tr", "th", "td",
}

// numericAttrs must hold finite numbers.
var numericAttrs = []string{"x", "y", "width", "height", "cx", "cy", "r", "x1", "x2", "y1", "y2", "rx", "font-size"}

// parseErr parses a chart, reporting why it is not well-formed or not safe.
func parseErr(s string) (*node, error) {
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	var root *node
	var stack []*node
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if !slices.Contains(allowedElements, tok.Name.Local) {
				return nil, errors.New("unexpected element <" + tok.Name.Local + ">")
			}
			n := &node{name: tok.Name.Local, attr: map[string]string{}}
			for _, a := range tok.Attr {
				n.attr[a.Name.Local] = a.Value
				if err := checkAttr(a.Name.Local, a.Value); err != nil {
					return nil, err
				}
			}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				root = n
			} else {
				top := stack[len(stack)-1]
				top.kids = append(top.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			for _, n := range stack {
				n.text.Write(tok)
			}
		}
	}
	if root == nil || root.name != "figure" {
		return nil, errors.New("no <figure> root")
	}
	return root, nil
}

// checkAttr rejects numbers that are not finite and broken path data.
func checkAttr(name, v string) error {
	switch {
	case slices.Contains(numericAttrs, name):
		return finite(name, v)
	case name == "d":
		for f := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == ' ' || r == ',' || r == 'M' || r == 'L' }) {
			if err := finite(name, f); err != nil {
				return err
			}
		}
	}
	return nil
}

func finite(name, v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return errors.New("attribute " + name + "=" + strconv.Quote(v) + " is not a finite number")
	}
	return nil
}

// parse parses a chart or fails the test.
func parse(t testing.TB, s string) *node {
	t.Helper()
	n, err := parseErr(s)
	if err != nil {
		t.Fatalf("chart markup: %v\n%s", err, s)
	}
	return n
}

// find returns the elements under n (n included) named name that have all
// the given classes.
func (n *node) find(name string, classes ...string) []*node {
	var out []*node
	var walk func(*node)
	walk = func(e *node) {
		if e.name == name && hasClasses(e, classes) {
			out = append(out, e)
		}
		for _, k := range e.kids {
			walk(k)
		}
	}
	walk(n)
	return out
}

func hasClasses(e *node, classes []string) bool {
	have := strings.Fields(e.attr["class"])
	for _, c := range classes {
		if !slices.Contains(have, c) {
			return false
		}
	}
	return true
}

// one returns the single element named name with the classes.
func (n *node) one(t testing.TB, name string, classes ...string) *node {
	t.Helper()
	got := n.find(name, classes...)
	if len(got) != 1 {
		t.Fatalf("want one <%s class=%v>, got %d", name, classes, len(got))
	}
	return got[0]
}

// attrFloat reads a numeric attribute.
func (n *node) attrFloat(t testing.TB, name string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(n.attr[name], 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.name, name, n.attr[name], err)
	}
	return f
}

// tableRows returns the texts of the data table's body rows.
func (n *node) tableRows() [][]string {
	var rows [][]string
	for _, body := range n.find("tbody") {
		for _, tr := range body.kids {
			var row []string
			for _, c := range tr.kids {
				row = append(row, c.text.String())
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// tableHead returns the texts of the data table's column headings.
func (n *node) tableHead() []string {
	var head []string
	for _, th := range n.find("th") {
		if th.attr["scope"] == "col" {
			head = append(head, th.text.String())
		}
	}
	return head
}
