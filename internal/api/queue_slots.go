package api

import (
	"herald/internal/schedule"
)

// slotsGet returns a channel's weekly posting slots.
func (s *server) slotsGet(c *call) (reply, error) {
	ws, id, err := c.wsAnd("channel")
	if err != nil {
		return reply{}, err
	}
	qu, err := s.d.Publish.ChannelQueue(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewSlots(qu)), nil
}

// slotsPut replaces a channel's slots and re-times its queue; with
// ?preview=true it only answers which queued posts would move.
func (s *server) slotsPut(c *call) (reply, error) {
	ws, id, err := c.wsAnd("channel")
	if err != nil {
		return reply{}, err
	}
	preview := false
	switch c.r.URL.Query().Get("preview") {
	case "", "false":
	case "true":
		preview = true
	default:
		return reply{}, invalidField("preview", "must be true or false")
	}
	var in struct {
		Slots []string `json:"slots"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.Slots == nil {
		return reply{}, invalidField("slots", "is required: a list such as [\"mon 09:30\"], or [] for none")
	}
	slots := make([]schedule.Slot, 0, len(in.Slots))
	for _, raw := range in.Slots {
		sl, err := schedule.ParseSlot(raw)
		if err != nil {
			return reply{}, err
		}
		slots = append(slots, sl)
	}
	change, err := s.d.Publish.SetSlots(c.ctx(), c.actor, ws, id, slots, preview)
	if err != nil {
		return reply{}, err
	}
	return ok(viewSlotChange(change, !preview)), nil
}
