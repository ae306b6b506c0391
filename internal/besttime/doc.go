// Package besttime answers "when should this channel post?": from a
// channel's own publishing history it builds a weekday × hour heatmap of how
// well posts do when published in each local hour of the week, says how sure
// it is, falls back to network-level rules of thumb when history is thin,
// and proposes the best slots to fill the channel's weekly posting schedule.
//
// It is pure computation: no database, no clock, no network. Callers pass
// the posts (publish time and an engagement score), the channel's time
// zone and its network; the same input always gives the same Result.
//
// # Method
//
//  1. Each post is placed in the slot (weekday, hour) of its publish time in
//     the channel's zone, converted post by post, so daylight saving time
//     changes keep "09:00" meaning 09:00 local on both sides.
//  2. Outliers are capped (winsorised): no post counts for more than the
//     99th percentile of the channel's scores, nor more than three times its
//     median, so one viral post cannot make its hour the best.
//  3. Each capped score is divided by the channel's baseline, the
//     (recency-weighted) mean of the capped scores, so 1.0 means "an
//     average post on this channel". Working with per-post means, never
//     totals, is the normalisation for post count: an hour with many posts
//     is not better just because it collects more engagement.
//  4. Slots borrow strength from their neighbours with a small kernel: the
//     hour itself weighs 1, the hours before and after 0.3 each, the same
//     hour on the day before and after 0.15 each.
//  5. The smoothed mean is shrunk toward the network's default with a
//     Bayesian prior written as pseudo-counts: the default counts as
//     Options.PriorPosts posts (3 by default). This is the conjugate-normal
//     posterior mean with a fixed prior strength; it was preferred to
//     empirical Bayes because with 168 slots and a few posts in each the
//     estimated between-slot variance is itself too noisy to trust. While
//     the channel has fewer than Options.MinPosts posts the prior weight is
//     scaled up by MinPosts/posts, so thin history blends smoothly into the
//     defaults instead of switching at a threshold.
//  6. Optionally, older posts weigh less (Options.HalfLife), because
//     audiences and algorithms change; it is off by default so results are
//     easy to explain.
//
// Confidence of a slot is n/(n+10), where n is the (recency-weighted) count
// of posts in the slot and its kernel neighbours: about 0.5 with ten posts
// around that hour, 0.9 with ninety.
//
// Example:
//
//	res := besttime.Compute(posts, zone, "bluesky", besttime.Options{})
//	fmt.Println(res.Note) // "Based on 134 posts over 12 weeks"
//	for _, s := range besttime.SlotsFor(res, 5) {
//		fmt.Println(s) // "Tue 09:00", then schedule.Slot{Weekday: s.Weekday, Minute: s.Minute()}
//	}
package besttime
