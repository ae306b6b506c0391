package api

import (
	"time"

	"herald/internal/model"
	"herald/internal/publish"
	"herald/internal/schedule"
)

// timeOption is one instant offered instead of a skipped or repeated local
// time, in a validation problem's options.
type timeOption struct {
	At            string `json:"at"`
	OffsetSeconds int    `json:"offset_seconds"`
	Label         string `json:"label"`
}

func viewTimeOptions(opts []time.Time) []timeOption {
	out := make([]timeOption, 0, len(opts))
	for _, t := range opts {
		_, off := t.Zone()
		out = append(out, timeOption{At: stamp(t), OffsetSeconds: off, Label: t.Format("2006-01-02 15:04 MST (-07:00)")})
	}
	return out
}

type attemptView struct {
	ID         string  `json:"id"`
	TargetID   string  `json:"target_id"`
	ChannelID  string  `json:"channel_id"`
	StartedAt  string  `json:"started_at"`
	DurationMS int64   `json:"duration_ms"`
	Outcome    string  `json:"outcome"`
	ErrorKind  *string `json:"error_kind"`
	Message    *string `json:"message"`
	Worker     *string `json:"worker"`
}

func viewAttempt(channelID string, a model.Attempt) attemptView {
	return attemptView{ID: a.ID, TargetID: a.TargetID, ChannelID: channelID, StartedAt: stamp(a.StartedAt), DurationMS: a.Duration.Milliseconds(),
		Outcome: a.Outcome, ErrorKind: stringOrNull(a.ErrorKind), Message: stringOrNull(a.Message), Worker: stringOrNull(a.Worker)}
}

type slotsView struct {
	ChannelID string   `json:"channel_id"`
	TimeZone  string   `json:"time_zone"`
	Slots     []string `json:"slots"`
}

func viewSlots(qu publish.ChannelQueue) slotsView {
	v := slotsView{ChannelID: qu.Channel.ID, TimeZone: qu.Zone.String(), Slots: []string{}}
	slots := append([]schedule.Slot(nil), qu.Slots...)
	schedule.SortSlots(slots)
	for _, s := range slots {
		v.Slots = append(v.Slots, s.String())
	}
	return v
}

type queuedView struct {
	TargetID    string `json:"target_id"`
	PostID      string `json:"post_id"`
	ScheduledAt string `json:"scheduled_at"`
}

type queueView struct {
	slotsView
	Data []queuedView `json:"data"`
}

func viewQueue(qu publish.ChannelQueue) queueView {
	v := queueView{slotsView: viewSlots(qu), Data: []queuedView{}}
	for _, t := range qu.Queued {
		v.Data = append(v.Data, queuedView{TargetID: t.ID, PostID: t.PostID, ScheduledAt: stamp(t.ScheduledAt)})
	}
	return v
}

type moveView struct {
	TargetID string  `json:"target_id"`
	PostID   string  `json:"post_id"`
	From     *string `json:"from"`
	To       *string `json:"to"`
}

type slotChangeView struct {
	Saved bool       `json:"saved"`
	Moves []moveView `json:"moves"`
}

func viewSlotChange(ch publish.SlotChange, saved bool) slotChangeView {
	v := slotChangeView{Saved: saved, Moves: []moveView{}}
	for _, m := range ch.Moves {
		mv := moveView{From: stampOrNull(m.From), To: stampOrNull(m.To)}
		if m.Index < len(ch.Queued) {
			mv.TargetID, mv.PostID = ch.Queued[m.Index].ID, ch.Queued[m.Index].PostID
		}
		v.Moves = append(v.Moves, mv)
	}
	return v
}

type pauseView struct {
	ChannelID *string `json:"channel_id"`
	Reason    string  `json:"reason"`
	PausedBy  string  `json:"paused_by"`
	PausedAt  string  `json:"paused_at"`
}

func viewPauses(list []model.Pause) map[string]any {
	out := make([]pauseView, 0, len(list))
	for _, p := range list {
		out = append(out, pauseView{ChannelID: stringOrNull(p.ChannelID), Reason: p.Reason, PausedBy: p.PausedBy, PausedAt: stamp(p.PausedAt)})
	}
	return map[string]any{"data": out}
}
