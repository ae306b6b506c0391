package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"herald/internal/model"
	"herald/internal/publish"
	"herald/internal/schedule"
)

// queueData is a channel's queue page: the posting slots editor and the
// queued posts in order.
type queueData struct {
	Channel   model.Channel
	Zone      string
	Slots     []slotRow
	Queued    []queuedRow
	Moves     []moveRow // a preview of what saving the slots would move
	Previewed bool
	CanSlots  bool
	CanOrder  bool
	CanPause  bool
	Weekdays  []weekdayOption
}

// slotRow is one row of the slots editor.
type slotRow struct {
	Index   int
	Weekday int
	Time    string // HH:MM; "" for a blank row
}

// queuedRow is one queued post.
type queuedRow struct {
	TargetID, PostID, Text, Planned string
	First, Last                     bool
}

// moveRow is one queued post that new slots would move.
type moveRow struct {
	Text, From, To string
}

type weekdayOption struct {
	Value int
	Label string
}

// blankSlotRows is how many empty rows the editor offers for new slots.
const blankSlotRows = 2

// queueShow is a channel's queue page.
func (h *handler) queueShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	h.renderQueue(w, r, v, http.StatusOK, m, id, nil, nil, nil)
}

// renderQueue draws the page. slots is nil to show the saved slots, or the
// submitted ones; change is a preview of saving them.
func (h *handler) renderQueue(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, id string, f *form,
	slots []schedule.Slot, change *publish.SlotChange) {
	ctx := r.Context()
	qu, err := h.d.Publish.ChannelQueue(ctx, v.actor, m.Workspace.ID, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := queueData{Channel: qu.Channel, Zone: qu.Zone.String(), CanSlots: model.Can(m.Role, model.ActSlotsManage),
		CanOrder: model.Can(m.Role, model.ActPostSchedule), CanPause: model.Can(m.Role, model.ActPublishPause)}
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		d.Weekdays = append(d.Weekdays, weekdayOption{Value: int(wd), Label: wd.String()})
	}
	if slots == nil {
		slots = slices.Clone(qu.Slots)
		schedule.SortSlots(slots)
	}
	for i, s := range slots {
		d.Slots = append(d.Slots, slotRow{Index: i, Weekday: int(s.Weekday), Time: fmt.Sprintf("%02d:%02d", s.Minute/60, s.Minute%60)})
	}
	for i := 0; i < blankSlotRows; i++ {
		d.Slots = append(d.Slots, slotRow{Index: len(slots) + i, Weekday: int(time.Monday)})
	}
	texts := map[string]string{}
	for i, t := range qu.Queued {
		text := h.postText(r, v, m.Workspace.ID, t.PostID, texts)
		d.Queued = append(d.Queued, queuedRow{TargetID: t.ID, PostID: t.PostID, Text: text, Planned: localTime(t.ScheduledAt, d.Zone),
			First: i == 0, Last: i == len(qu.Queued)-1})
	}
	if change != nil {
		d.Previewed = true
		for _, mv := range change.Moves {
			row := moveRow{From: localTime(mv.From, d.Zone), To: localTime(mv.To, d.Zone)}
			if mv.Index < len(change.Queued) {
				row.Text = h.postText(r, v, m.Workspace.ID, change.Queued[mv.Index].PostID, texts)
			}
			d.Moves = append(d.Moves, row)
		}
	}
	h.render(w, r, v, status, "channel_queue", &page{Title: "Queue · " + qu.Channel.Name, Heading: "Queue for " + qu.Channel.Name,
		Section: "channels", WS: &m, Form: f, Data: d})
}

// postText is a queued post's text for the list, read once per post.
func (h *handler) postText(r *http.Request, v *visit, ws, postID string, cache map[string]string) string {
	if t, ok := cache[postID]; ok {
		return t
	}
	text := postID
	if p, err := h.d.Compose.Get(r.Context(), v.actor, ws, postID); err == nil {
		text = clip(p.Base.Text, 80)
	}
	cache[postID] = text
	return text
}

// queueSlots previews or saves the slots editor.
func (h *handler) queueSlots(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	f := newForm(r)
	slots, err := slotsFromForm(r)
	preview := r.PostForm.Get("op") == "preview"
	var change publish.SlotChange
	if err == nil {
		change, err = h.d.Publish.SetSlots(r.Context(), v.actor, m.Workspace.ID, id, slots, preview)
	}
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields("slots")
			h.renderQueue(w, r, v, status, m, id, f, slots, nil)
		})
		return
	}
	if preview {
		h.renderQueue(w, r, v, http.StatusOK, m, id, f, slots, &change)
		return
	}
	msg := "Posting slots saved."
	if n := len(change.Moves); n > 0 {
		msg = fmt.Sprintf("Posting slots saved; %s moved to the new slots.", plural(n, "queued post"))
	}
	h.setFlash(w, r, "success", msg)
	redirect(w, r, "/w/"+m.Workspace.ID+"/channels/"+id+"/queue")
}

// slotsFromForm reads the editor's rows (slot_day_N, slot_time_N,
// slot_remove_N); rows without a time, or marked for removal, are left out.
func slotsFromForm(r *http.Request) ([]schedule.Slot, error) {
	f := r.PostForm
	n, _ := strconv.Atoi(f.Get("slot_rows"))
	slots := []schedule.Slot{}
	for i := 0; i < n && i < 500; i++ {
		k := strconv.Itoa(i)
		clock := strings.TrimSpace(f.Get("slot_time_" + k))
		if clock == "" || f.Get("slot_remove_"+k) != "" {
			continue
		}
		day, err := strconv.Atoi(f.Get("slot_day_" + k))
		if err != nil || day < 0 || day > 6 {
			return slots, model.Invalid("slots", "row %d has no weekday; choose one", i+1)
		}
		s, err := schedule.ParseSlot(strings.ToLower(time.Weekday(day).String()) + " " + clock)
		if err != nil {
			return slots, model.Invalid("slots", "row %d: %s", i+1, model.AsError(err).Msg)
		}
		slots = append(slots, s)
	}
	return slots, nil
}

// queueOrder re-orders the queue: "move" is up:ID, down:ID or next:ID from
// the buttons, "order" the comma-separated target IDs from drag and drop.
func (h *handler) queueOrder(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	var err error
	if mv := r.PostForm.Get("move"); mv != "" {
		dir, target, _ := strings.Cut(mv, ":")
		if dir == "next" {
			_, err = h.d.Publish.ShareNext(ctx, v.actor, m.Workspace.ID, id, target)
		} else {
			var qu publish.ChannelQueue
			if qu, err = h.d.Publish.ChannelQueue(ctx, v.actor, m.Workspace.ID, id); err == nil {
				_, err = h.d.Publish.Reorder(ctx, v.actor, m.Workspace.ID, id, moved(qu.Queued, target, dir))
			}
		}
	} else {
		_, err = h.d.Publish.Reorder(ctx, v.actor, m.Workspace.ID, id, nonEmpty(strings.Split(r.PostForm.Get("order"), ",")))
	}
	if err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields()
			h.renderQueue(w, r, v, status, m, id, f, nil, nil)
		})
		return
	}
	h.setFlash(w, r, "success", "Queue order saved; the posts were re-timed into the slots.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/channels/"+id+"/queue")
}

// moved is the queue's order with one target moved up or down a place.
func moved(queued []model.Target, target, dir string) []string {
	order := make([]string, len(queued))
	at := -1
	for i, t := range queued {
		order[i] = t.ID
		if t.ID == target {
			at = i
		}
	}
	if at < 0 {
		return []string{target} // unknown: let the service name it
	}
	to := at - 1
	if dir == "down" {
		to = at + 1
	}
	if to >= 0 && to < len(order) {
		order[at], order[to] = order[to], order[at]
	}
	return order
}
