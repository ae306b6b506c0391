package metrics

import "testing"

func TestCompareChangeAndFormat(t *testing.T) {
	cur := KPIs{Posts: 6, Engagements: known(30), RateByImp: known(0.125), FollowerNet: known(-5)}
	prev := KPIs{Posts: 4, Engagements: known(40), FollowerNet: known(-10)}
	got := map[string]KPIChange{}
	for _, k := range Compare(cur, prev) {
		if k.Formula == "" {
			t.Errorf("%s has no formula", k.Key)
		}
		got[k.Key] = k
	}
	for _, c := range []struct {
		key, change string
		up          bool
		value       string
	}{
		{"posts", "+50%", true, "6"},
		{"engagements", "-25%", false, "30"},
		{"engagement_rate_imp", "", false, "12.50%"}, // nothing before
		{"follower_growth", "+50%", true, "-5"},      // from −10 to −5 is up
		{"ctr", "", false, "n/a"},
	} {
		k := got[c.key]
		change, up := k.Change()
		if change != c.change || up != c.up {
			t.Errorf("%s change %q up %v, want %q %v", c.key, change, up, c.change, c.up)
		}
		if v := Format(k.Current, k.Percent, "n/a"); v != c.value {
			t.Errorf("%s shows %q, want %q", c.key, v, c.value)
		}
	}
	if v := Format(known(2.25), false, "n/a"); v != "2.2" && v != "2.3" {
		t.Errorf("2.25 shows %q", v)
	}
}
