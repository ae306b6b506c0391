package publish

import (
	"context"
	"time"

	"herald/internal/model"
)

// NextSlot is the channel's next free posting slot after now.
func (s *Service) NextSlot(ctx context.Context, c model.Channel, now time.Time) (time.Time, error) {
	return time.Time{}, model.Invalid("mode", "%s has no posting slots; add some under the channel's queue settings", c.Name)
}
