package metrics

import (
	"context"
	"time"

	"herald/internal/store"
)

// Conversion KPIs, in the words the docs and tooltips use.
const (
	conversionsFormula    = "Conversions reported by the website in the period (server calls and the snippet), attributed or not"
	conversionRateFormula = "Conversion rate = conversions attributed to a tracked link or campaign ÷ human clicks on tracked links, both in the period"
)

// addConversions fills Conversions and ConversionRate for the period, for
// the workspace and for each channel already in byCh. Conversions are
// unknown, not 0, for a workspace that never turned conversion tracking
// on; the rate is unknown without clicks.
func addConversions(ctx context.Context, q *store.Queries, workspaceID string, from, to time.Time, total *KPIs, byCh map[string]KPIs) error {
	counts, err := q.ConversionCounts(ctx, workspaceID, from, to)
	if err != nil {
		return err
	}
	tracking, err := q.ConversionsEnabled(ctx, workspaceID)
	if err != nil || (!tracking && len(counts) == 0) {
		return err
	}
	clicks, err := q.HumanClicksByChannel(ctx, workspaceID, from, to)
	if err != nil {
		return err
	}
	var all, attributed, clicked int
	for _, c := range counts {
		all, attributed = all+c.All, attributed+c.Attributed
	}
	for _, n := range clicks {
		clicked += n
	}
	total.Conversions = known(float64(all))
	total.ConversionRate = ratio(float64(attributed), float64(clicked))
	for id, k := range byCh {
		c := counts[id]
		k.Conversions = known(float64(c.All))
		k.ConversionRate = ratio(float64(c.Attributed), float64(clicks[id]))
		byCh[id] = k
	}
	return nil
}
