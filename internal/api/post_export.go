package api

import (
	"bytes"
	"net/http"
	"strconv"

	"herald/internal/compose"
)

// postExport answers the workspace's posts (with the list's filters) as
// CSV in the import format, or as JSON with variants and targets.
func (s *server) postExport(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	format := c.r.URL.Query().Get("format")
	if format == "" {
		format = compose.ExportCSV
	}
	if format != compose.ExportCSV && format != compose.ExportJSON {
		return reply{}, invalidField("format", "is csv or json")
	}
	f, err := postFilter(c)
	if err != nil {
		return reply{}, err
	}
	// Buffered so that a failure half way is still a proper problem; an
	// export is bounded by the workspace's posts.
	var buf bytes.Buffer
	if err := s.d.Compose.Export(c.ctx(), c.actor, ws, &buf, format, f); err != nil {
		return reply{}, err
	}
	h := c.w.Header()
	if format == compose.ExportCSV {
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="posts.csv"`)
	} else {
		h.Set("Content-Type", "application/json")
		h.Set("Content-Disposition", `attachment; filename="posts.json"`)
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(buf.Bytes())
	return reply{streamed: true}, nil
}
