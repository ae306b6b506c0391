package api

import "time"

// snippetExpand fills a template's variables: {{workspace}}, {{date}} (in
// the time_zone sent, UTC otherwise) and the custom ones sent.
func (s *server) snippetExpand(c *call) (reply, error) {
	ws, id, err := c.wsAnd("snippet")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Variables map[string]string `json:"variables"`
		TimeZone  string            `json:"time_zone"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	zone := time.UTC
	if in.TimeZone != "" {
		if zone, err = time.LoadLocation(in.TimeZone); err != nil || in.TimeZone == "Local" {
			return reply{}, invalidField("time_zone", "is not an IANA time zone such as Europe/Berlin")
		}
	}
	text, err := s.d.Compose.Expand(c.ctx(), c.actor, ws, id, in.Variables, zone)
	if err != nil {
		return reply{}, err
	}
	return ok(map[string]string{"text": text}), nil
}
