package publish

import (
	"context"
	"slices"
	"time"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/schedule"
	"herald/internal/store"
)

// ChannelQueue is a channel's posting slots and the posts waiting in them.
type ChannelQueue struct {
	Channel model.Channel
	Slots   []schedule.Slot
	Zone    *time.Location
	Queued  []model.Target // in order of their planned instants
}

// ChannelQueue returns a channel's slots and queued targets.
func (s *Service) ChannelQueue(ctx context.Context, a model.Actor, workspaceID, channelID string) (ChannelQueue, error) {
	c, err := s.channel(ctx, a, workspaceID, channelID)
	if err != nil {
		return ChannelQueue{}, err
	}
	return s.queueOf(ctx, s.Store.Read(), c)
}

func (s *Service) queueOf(ctx context.Context, q *store.Queries, c model.Channel) (ChannelQueue, error) {
	zone, err := schedule.LoadZone(c.TimeZone)
	if err != nil {
		zone = time.UTC
	}
	raw, err := q.Slots(ctx, c.ID)
	if err != nil {
		return ChannelQueue{}, err
	}
	slots := make([]schedule.Slot, len(raw))
	for i, r := range raw {
		slots[i] = schedule.Slot{Weekday: time.Weekday(r[0]), Minute: r[1]}
	}
	targets, err := q.TargetsWithStatus(ctx, c.WorkspaceID, c.ID, model.TargetScheduled)
	if err != nil {
		return ChannelQueue{}, err
	}
	qu := ChannelQueue{Channel: c, Slots: slots, Zone: zone}
	for _, t := range targets {
		if t.Queued {
			qu.Queued = append(qu.Queued, t)
		}
	}
	return qu, nil
}

func (s *Service) channel(ctx context.Context, a model.Actor, workspaceID, channelID string) (model.Channel, error) {
	chans, err := s.Channels.List(ctx, a, workspaceID)
	if err != nil {
		return model.Channel{}, err
	}
	for _, c := range chans {
		if c.ID == channelID {
			return c, nil
		}
	}
	return model.Channel{}, model.NotFound("no channel with that ID in this workspace")
}

// NextSlot is the channel's next free posting slot after now: not held by
// another scheduled post on that channel.
func (s *Service) NextSlot(ctx context.Context, c model.Channel, now time.Time) (time.Time, error) {
	qu, err := s.queueOf(ctx, s.Store.Read(), c)
	if err != nil {
		return time.Time{}, err
	}
	if len(qu.Slots) == 0 {
		return time.Time{}, model.Invalid("mode", "%s has no posting slots; add some under the channel's queue, or choose a time", c.Name)
	}
	taken, err := s.takenBy(ctx, c, nil)
	if err != nil {
		return time.Time{}, err
	}
	return schedule.NextFree(qu.Slots, qu.Zone, now, taken, 0)
}

// takenBy reports the instants held by the channel's scheduled posts,
// leaving out the given targets.
func (s *Service) takenBy(ctx context.Context, c model.Channel, except []string) (func(time.Time) bool, error) {
	targets, err := s.Store.Read().TargetsWithStatus(ctx, c.WorkspaceID, c.ID, model.TargetScheduled)
	if err != nil {
		return nil, err
	}
	held := map[int64]bool{}
	for _, t := range targets {
		if !slices.Contains(except, t.ID) {
			held[t.ScheduledAt.Truncate(time.Minute).Unix()] = true
		}
	}
	return func(at time.Time) bool { return held[at.Truncate(time.Minute).Unix()] }, nil
}

// SlotChange is what saving new slots would do to the queue.
type SlotChange struct {
	Moves  []schedule.Move
	Queued []model.Target
}

// SetSlots replaces a channel's posting slots and re-plans its queue in
// order. With preview set it only reports what would move.
func (s *Service) SetSlots(ctx context.Context, a model.Actor, workspaceID, channelID string, slots []schedule.Slot, preview bool) (SlotChange, error) {
	if err := schedule.ValidateSlots(slots); err != nil {
		return SlotChange{}, err
	}
	c, err := s.channel(ctx, a, workspaceID, channelID)
	if err != nil {
		return SlotChange{}, err
	}
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActSlotsManage); err != nil {
		return SlotChange{}, err
	}
	qu, err := s.queueOf(ctx, s.Store.Read(), c)
	if err != nil {
		return SlotChange{}, err
	}
	qu.Slots = slots
	change, plan, err := s.replan(ctx, c, qu)
	if err != nil || preview {
		return change, err
	}
	raw := make([][2]int, len(slots))
	for i, sl := range slots {
		raw[i] = [2]int{int(sl.Weekday), sl.Minute}
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetSlots(ctx, c.ID, raw); err != nil {
			return err
		}
		if err := s.apply(ctx, tx, workspaceID, qu.Queued, plan); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "channel.slots", "channel", c.ID, workspaceID, map[string]any{"slots": len(slots), "moved": len(change.Moves)})
	})
	return change, err
}

// Reorder puts a channel's queued targets in the given order (the first
// goes out first) and re-times them into the slots.
func (s *Service) Reorder(ctx context.Context, a model.Actor, workspaceID, channelID string, order []string) (SlotChange, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostSchedule); err != nil {
		return SlotChange{}, err
	}
	c, err := s.channel(ctx, a, workspaceID, channelID)
	if err != nil {
		return SlotChange{}, err
	}
	qu, err := s.queueOf(ctx, s.Store.Read(), c)
	if err != nil {
		return SlotChange{}, err
	}
	byID := map[string]model.Target{}
	for _, t := range qu.Queued {
		byID[t.ID] = t
	}
	var sorted []model.Target
	for _, id := range order {
		t, ok := byID[id]
		if !ok {
			return SlotChange{}, model.Invalid("order", "%q is not queued on %s", id, c.Name)
		}
		sorted = append(sorted, t)
		delete(byID, id)
	}
	for _, t := range qu.Queued { // anything not named keeps its place after
		if _, left := byID[t.ID]; left {
			sorted = append(sorted, t)
		}
	}
	qu.Queued = sorted
	change, plan, err := s.replan(ctx, c, qu)
	if err != nil {
		return change, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := s.apply(ctx, tx, workspaceID, qu.Queued, plan); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "queue.reorder", "channel", c.ID, workspaceID, map[string]any{"queued": len(sorted)})
	})
	return change, err
}

// ShareNext moves a post's target on a channel to the front of its queue.
func (s *Service) ShareNext(ctx context.Context, a model.Actor, workspaceID, channelID, targetID string) (SlotChange, error) {
	return s.Reorder(ctx, a, workspaceID, channelID, []string{targetID})
}

// replan assigns the queue's targets, in order, to the next free slots
// (instants held by posts outside the queue stay theirs).
func (s *Service) replan(ctx context.Context, c model.Channel, qu ChannelQueue) (SlotChange, []time.Time, error) {
	if len(qu.Queued) == 0 {
		return SlotChange{}, nil, nil
	}
	if len(qu.Slots) == 0 {
		return SlotChange{}, nil, model.Invalid("slots", "%d posts are queued on %s; keep at least one slot, or reschedule them first", len(qu.Queued), c.Name)
	}
	except := make([]string, len(qu.Queued))
	old := make([]time.Time, len(qu.Queued))
	for i, t := range qu.Queued {
		except[i], old[i] = t.ID, t.ScheduledAt
	}
	taken, err := s.takenBy(ctx, c, except)
	if err != nil {
		return SlotChange{}, nil, err
	}
	plan, err := schedule.Plan(qu.Slots, qu.Zone, s.now(), len(qu.Queued), taken)
	if err != nil {
		return SlotChange{}, nil, err
	}
	return SlotChange{Moves: schedule.Moves(old, plan), Queued: qu.Queued}, plan, nil
}

// apply re-times queued targets that move (new generation, new job).
func (s *Service) apply(ctx context.Context, tx *store.Tx, workspaceID string, queued []model.Target, plan []time.Time) error {
	for i, t := range queued {
		if i < len(plan) && !plan[i].Equal(t.ScheduledAt) {
			if err := s.plan(ctx, tx, workspaceID, t, plan[i], t.TimeZone, true); err != nil {
				return err
			}
		}
	}
	return nil
}
