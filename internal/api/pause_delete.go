package api

import "herald/internal/publish"

// pauseDelete resumes publishing for the workspace, or the channel named by
// ?channel_id=. ?choice= says what happens to the posts the pause held
// back: now, shift (by the length of the pause; the default) or review.
func (s *server) pauseDelete(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	q := c.r.URL.Query()
	choice := publish.ResumeChoice(q.Get("choice"))
	switch choice {
	case "":
		choice = publish.ResumeShift
	case publish.ResumeNow, publish.ResumeShift, publish.ResumeReview:
	default:
		return reply{}, invalidField("choice", "must be now, shift or review")
	}
	if err := s.d.Publish.Resume(c.ctx(), c.actor, ws, q.Get("channel_id"), choice, nil); err != nil {
		return reply{}, err
	}
	return noContent(), nil
}
