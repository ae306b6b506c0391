package metrics

import (
	"fmt"
	"math"
	"strconv"
)

// KPIChange is one KPI of a period next to the period before, as the
// analytics page and the reports list them.
type KPIChange struct {
	Key, Label, Formula string
	Current, Previous   Value
	Percent             bool // a share (0.125), shown as a percentage
}

// Compare lists the KPIs of a period against the period before, in the
// order every page and report shows them.
func Compare(cur, prev KPIs) []KPIChange {
	posts := func(k KPIs) Value { return Value{V: float64(k.Posts), Known: true} }
	list := []KPIChange{
		{Key: "posts", Label: "Posts", Current: posts(cur), Previous: posts(prev)},
		{Key: "engagements", Label: "Engagements", Current: cur.Engagements, Previous: prev.Engagements},
		{Key: "impressions", Label: "Impressions", Current: cur.Impressions, Previous: prev.Impressions},
		{Key: "reach", Label: "Reach", Current: cur.Reach, Previous: prev.Reach},
		{Key: "engagement_rate_imp", Label: "Engagement rate (impressions)", Current: cur.RateByImp, Previous: prev.RateByImp, Percent: true},
		{Key: "engagement_rate_fol", Label: "Engagement rate (followers)", Current: cur.RateByFol, Previous: prev.RateByFol, Percent: true},
		{Key: "ctr", Label: "Click-through rate", Current: cur.CTR, Previous: prev.CTR, Percent: true},
		{Key: "follower_growth", Label: "Follower growth", Current: cur.FollowerNet, Previous: prev.FollowerNet},
		{Key: "account_reach", Label: "Daily account reach", Current: cur.AccountReach, Previous: prev.AccountReach},
		{Key: "account_impressions", Label: "Daily account impressions", Current: cur.AccountImpr, Previous: prev.AccountImpr},
		{Key: "frequency", Label: "Posts per week", Current: cur.PostsPerWeek, Previous: prev.PostsPerWeek},
		{Key: "response_time", Label: "Response time (minutes)", Current: cur.ResponseTime, Previous: prev.ResponseTime},
		{Key: "conversions", Label: "Conversions", Current: cur.Conversions, Previous: prev.Conversions},
		{Key: "conversion_rate", Label: "Conversion rate", Current: cur.ConversionRate, Previous: prev.ConversionRate, Percent: true},
	}
	for i := range list {
		list[i].Formula = KPIFormulas[list[i].Key]
	}
	return list
}

// Change is the relative change from the period before as text ("+12%")
// and whether it went up; "" when either value is unknown or the one
// before is 0.
func (c KPIChange) Change() (string, bool) {
	if !c.Current.Known || !c.Previous.Known || c.Previous.V == 0 {
		return "", false
	}
	ch := (c.Current.V - c.Previous.V) / math.Abs(c.Previous.V) * 100
	return fmt.Sprintf("%+.0f%%", ch), ch >= 0
}

// Format writes a figure: a share as a percentage with two decimals, a
// whole number as such, anything else with one decimal, and an unknown
// value as unknown (pages and PDFs word it differently).
func Format(v Value, pct bool, unknown string) string {
	switch {
	case !v.Known:
		return unknown
	case pct:
		return strconv.FormatFloat(v.V*100, 'f', 2, 64) + "%"
	case v.V == float64(int64(v.V)):
		return strconv.FormatInt(int64(v.V), 10)
	}
	return strconv.FormatFloat(v.V, 'f', 1, 64)
}
