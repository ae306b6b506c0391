package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"herald/internal/model"
)

// PublishTarget is a target with what the publisher needs around it.
type PublishTarget struct {
	model.Target
	WorkspaceID string
}

// TargetForPublish loads a target by ID with its workspace.
func (q *Queries) TargetForPublish(ctx context.Context, id string) (PublishTarget, error) {
	var pt PublishTarget
	row := q.q.QueryRowContext(ctx, `SELECT `+targetCols+`, workspace_id FROM post_targets WHERE id = $1`, id)
	t, err := scanTarget(scanTail{row, &pt.WorkspaceID})
	pt.Target = t
	return pt, wrap("target for publish", err)
}

// scanTail scans a row whose last column goes to extra.
type scanTail struct {
	row   interface{ Scan(...any) error }
	extra *string
}

func (s scanTail) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra)...) }

// ScheduleTarget plans a target for at (zone is the IANA zone it was chosen
// in) and returns its new generation. Only targets that are not published
// or being published may be planned.
func (q *Queries) ScheduleTarget(ctx context.Context, id string, at time.Time, zone string, queued bool, now time.Time) (int, error) {
	var gen int
	err := q.q.QueryRowContext(ctx, `UPDATE post_targets SET status = 'scheduled', scheduled_at = $1, time_zone = $2, queued = $3,
		generation = generation + 1, error = '', error_kind = '', attempts = 0, lease_until = NULL, updated_at = $4
		WHERE id = $5 AND status NOT IN ('publishing', 'published', 'unconfirmed') RETURNING generation`,
		ts(at), zone, b2i(queued), ts(now), id).Scan(&gen)
	return gen, wrap("schedule target", err)
}

// SetTargetStatus moves a target to status outside publishing (draft,
// paused, cancelled...) and bumps its generation so pending jobs lapse.
// from limits which statuses may change; it returns ErrNotFound when the
// target is in none of them.
func (q *Queries) SetTargetStatus(ctx context.Context, id string, status model.TargetStatus, from []model.TargetStatus, now time.Time) error {
	args := []any{string(status), ts(now), id}
	in := ""
	for i, f := range from {
		if i > 0 {
			in += ", "
		}
		args = append(args, string(f))
		in += "$" + strconv.Itoa(len(args))
	}
	return q.execOne(ctx, "set target status", `UPDATE post_targets SET status = $1, generation = generation + 1, lease_until = NULL,
		updated_at = $2 WHERE id = $3 AND status IN (`+in+`)`, args...)
}

// ClaimTarget takes a target for publishing with a compare-and-swap: it must
// still be at generation gen and scheduled, or held by a claim whose lease
// ran out (its worker died). It reports whether this caller won.
func (q *Queries) ClaimTarget(ctx context.Context, id string, gen int, now, leaseUntil time.Time) (bool, error) {
	res, err := q.q.ExecContext(ctx, `UPDATE post_targets SET status = 'publishing', lease_until = $1, attempts = attempts + 1,
		publish_at = COALESCE(publish_at, $2), updated_at = $2
		WHERE id = $3 AND generation = $4 AND (status = 'scheduled' OR (status = 'publishing' AND lease_until < $2))`,
		ts(leaseUntil), ts(now), id, gen)
	if err != nil {
		return false, wrap("claim target", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap("claim target", err)
}

// SaveDone records the segments already out, while the claim holds.
func (q *Queries) SaveDone(ctx context.Context, id string, gen int, done []model.RemotePost) error {
	return q.execOne(ctx, "save done", `UPDATE post_targets SET done = $1 WHERE id = $2 AND generation = $3 AND status = 'publishing'`,
		jsonText(done), id, gen)
}

// LockPost holds a post's row until the transaction ends, so an edit and a
// publishing claim of the same post happen one after the other. SQLite's
// single writer already serialises them; PostgreSQL needs the row lock.
func (q *Queries) LockPost(ctx context.Context, id string) error {
	query := `SELECT id FROM posts WHERE id = $1`
	if q.dialect == Postgres {
		query += ` FOR UPDATE`
	}
	var got string
	return wrap("lock post", q.q.QueryRowContext(ctx, query, id).Scan(&got))
}

// TargetOutcome is how a claimed attempt ended.
type TargetOutcome struct {
	Status      model.TargetStatus
	Error       string
	ErrorKind   string
	RemoteID    string
	RemoteURL   string
	PublishedAt time.Time
	RetryAt     time.Time // for status scheduled: when to try again
	// Done, when set, records every segment of a published target.
	Done []model.RemotePost
}

// FinishTarget ends a claim: published, failed, unconfirmed, or back to
// scheduled for a retry. It only acts while this claim (gen, publishing)
// still holds.
func (q *Queries) FinishTarget(ctx context.Context, id string, gen int, o TargetOutcome, now time.Time) error {
	var done any // NULL keeps the segments saved so far
	if o.Done != nil {
		done = jsonText(o.Done)
	}
	if o.Status == model.TargetScheduled {
		return q.execOne(ctx, "finish target", `UPDATE post_targets SET status = 'scheduled', error = $1, error_kind = $2,
			lease_until = $3, updated_at = $4, done = COALESCE($7, done) WHERE id = $5 AND generation = $6 AND status = 'publishing'`,
			o.Error, o.ErrorKind, ts(o.RetryAt), ts(now), id, gen, done)
	}
	return q.execOne(ctx, "finish target", `UPDATE post_targets SET status = $1, error = $2, error_kind = $3, remote_id = $4,
		remote_url = $5, published_at = $6, lease_until = NULL, updated_at = $7, done = COALESCE($10, done)
		WHERE id = $8 AND generation = $9 AND status = 'publishing'`,
		string(o.Status), o.Error, o.ErrorKind, o.RemoteID, o.RemoteURL, ts(o.PublishedAt), ts(now), id, gen, done)
}

// AddAttempt logs one attempt.
func (q *Queries) AddAttempt(ctx context.Context, a model.Attempt) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO publish_attempts (id, target_id, workspace_id, started_at, duration_ms, outcome, error_kind, message, worker)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, a.ID, a.TargetID, a.WorkspaceID, ts(a.StartedAt), a.Duration.Milliseconds(), a.Outcome, a.ErrorKind, a.Message, a.Worker)
	return wrap("add attempt", err)
}

// Attempts lists a target's attempts, newest first.
func (q *Queries) Attempts(ctx context.Context, targetID string) ([]model.Attempt, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, target_id, workspace_id, started_at, duration_ms, outcome, error_kind, message, worker
		FROM publish_attempts WHERE target_id = $1 ORDER BY started_at DESC, id DESC LIMIT 200`, targetID)
	if err != nil {
		return nil, wrap("attempts", err)
	}
	defer rows.Close()
	var out []model.Attempt
	for rows.Next() {
		var a model.Attempt
		var ms int64
		if err := rows.Scan(&a.ID, &a.TargetID, &a.WorkspaceID, tm(&a.StartedAt), &ms, &a.Outcome, &a.ErrorKind, &a.Message, &a.Worker); err != nil {
			return nil, wrap("attempts", err)
		}
		a.Duration = time.Duration(ms) * time.Millisecond
		out = append(out, a)
	}
	return out, wrap("attempts", rows.Err())
}

// DueRef names a target that should be worked on now.
type DueRef struct {
	ID         string
	Generation int
	At         time.Time
}

// StrandedTargets finds work whose job may be lost: scheduled targets due
// before dueBefore, and claims whose lease ran out before now (their worker
// died). The sweeper enqueues a job for each; claiming is a CAS, so a
// duplicate job is harmless.
func (q *Queries) StrandedTargets(ctx context.Context, dueBefore, now time.Time, limit int) ([]DueRef, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, generation, scheduled_at FROM post_targets
		WHERE (status = 'scheduled' AND scheduled_at <= $1 AND (lease_until IS NULL OR lease_until <= $2))
		   OR (status = 'publishing' AND lease_until < $2)
		ORDER BY scheduled_at LIMIT `+strconv.Itoa(limit), ts(dueBefore), ts(now))
	if err != nil {
		return nil, wrap("stranded targets", err)
	}
	defer rows.Close()
	var out []DueRef
	for rows.Next() {
		var d DueRef
		if err := rows.Scan(&d.ID, &d.Generation, tm(&d.At)); err != nil {
			return nil, wrap("stranded targets", err)
		}
		out = append(out, d)
	}
	return out, wrap("stranded targets", rows.Err())
}

// SetPause starts (or updates the reason of) a pause.
func (q *Queries) SetPause(ctx context.Context, p model.Pause) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO pauses (workspace_id, channel_id, reason, paused_by, paused_at) VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT (workspace_id, channel_id) DO UPDATE SET reason = excluded.reason`,
		p.WorkspaceID, p.ChannelID, p.Reason, p.PausedBy, ts(p.PausedAt))
	return wrap("set pause", err)
}

// DeletePause ends a pause.
func (q *Queries) DeletePause(ctx context.Context, workspaceID, channelID string) error {
	return q.execOne(ctx, "delete pause", `DELETE FROM pauses WHERE workspace_id = $1 AND channel_id = $2`, workspaceID, channelID)
}

// Pauses lists a workspace's pauses, the workspace-wide one first.
func (q *Queries) Pauses(ctx context.Context, workspaceID string) ([]model.Pause, error) {
	return q.PausesIn(ctx, []string{workspaceID})
}

// TargetsWithStatus lists a workspace's targets in a status (optionally of
// one channel), oldest plan first.
func (q *Queries) TargetsWithStatus(ctx context.Context, workspaceID, channelID string, status model.TargetStatus) ([]model.Target, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+targetCols+` FROM post_targets WHERE workspace_id = $1 AND status = $2
		AND ($3 = '' OR channel_id = $3) ORDER BY scheduled_at, id`, workspaceID, string(status), channelID)
	if err != nil {
		return nil, wrap("targets with status", err)
	}
	defer rows.Close()
	var out []model.Target
	for rows.Next() {
		t, err := scanTarget(rows)
		if err != nil {
			return nil, wrap("targets with status", err)
		}
		out = append(out, t)
	}
	return out, wrap("targets with status", rows.Err())
}

// Slots returns a channel's weekly posting slots.
func (q *Queries) Slots(ctx context.Context, channelID string) ([][2]int, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT weekday, minute FROM posting_slots WHERE channel_id = $1 ORDER BY weekday, minute`, channelID)
	if err != nil {
		return nil, wrap("slots", err)
	}
	defer rows.Close()
	var out [][2]int
	for rows.Next() {
		var s [2]int
		if err := rows.Scan(&s[0], &s[1]); err != nil {
			return nil, wrap("slots", err)
		}
		out = append(out, s)
	}
	return out, wrap("slots", rows.Err())
}

// SetSlots replaces a channel's weekly posting slots.
func (q *Queries) SetSlots(ctx context.Context, channelID string, slots [][2]int) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM posting_slots WHERE channel_id = $1`, channelID); err != nil {
		return wrap("set slots", err)
	}
	for _, s := range slots {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO posting_slots (channel_id, weekday, minute) VALUES ($1, $2, $3)`, channelID, s[0], s[1]); err != nil {
			return wrap("set slots", err)
		}
	}
	return nil
}

// ChannelPostsBetween counts a channel's targets that went out or are
// planned between from and to (inclusive), leaving out the given targets.
func (q *Queries) ChannelPostsBetween(ctx context.Context, channelID string, from, to time.Time, except []string) (int, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id FROM post_targets WHERE channel_id = $1
		AND status IN ('scheduled', 'publishing', 'published', 'paused', 'unconfirmed')
		AND COALESCE(published_at, scheduled_at) >= $2 AND COALESCE(published_at, scheduled_at) <= $3`, channelID, ts(from), ts(to))
	if err != nil {
		return 0, wrap("channel posts between", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return 0, wrap("channel posts between", err)
		}
		if !slices.Contains(except, id) {
			n++
		}
	}
	return n, wrap("channel posts between", rows.Err())
}

// DueTarget is a scheduled target a dispatcher may claim, with the instant
// it may go out: its planned time, or later when a retry waits.
type DueTarget struct {
	ID string
	At time.Time
}

// LockDueTargets lists up to limit scheduled targets that may go out at or
// before before, oldest first. On PostgreSQL it locks them and their posts
// until the transaction ends and skips rows another transaction holds, so
// processes claiming at once split the work and a post being edited waits
// for the next round.
func (q *Queries) LockDueTargets(ctx context.Context, before time.Time, limit int) ([]DueTarget, error) {
	query := `SELECT t.id, t.scheduled_at, t.lease_until FROM post_targets t
		WHERE t.status = 'scheduled' AND t.scheduled_at <= $1 AND (t.lease_until IS NULL OR t.lease_until <= $1)
		ORDER BY t.scheduled_at LIMIT ` + strconv.Itoa(limit)
	if q.dialect == Postgres {
		query = strings.Replace(query, "FROM post_targets t", "FROM post_targets t JOIN posts p ON p.id = t.post_id", 1) +
			` FOR UPDATE OF t, p SKIP LOCKED`
	}
	rows, err := q.q.QueryContext(ctx, query, ts(before))
	if err != nil {
		return nil, wrap("lock due targets", err)
	}
	defer rows.Close()
	var out []DueTarget
	for rows.Next() {
		var d DueTarget
		var retry time.Time
		if err := rows.Scan(&d.ID, tm(&d.At), tm(&retry)); err != nil {
			return nil, wrap("lock due targets", err)
		}
		if retry.After(d.At) {
			d.At = retry
		}
		out = append(out, d)
	}
	return out, wrap("lock due targets", rows.Err())
}

// TargetClaim is one target of a batch claim: the network-visible time it
// gets unless an earlier attempt fixed one, and how long the claim holds.
type TargetClaim struct {
	ID         string
	PublishAt  time.Time
	LeaseUntil time.Time
}

// ClaimTargets claims scheduled targets in one statement (each still
// scheduled, as LockDueTargets found them) and returns those it took, as
// they are after the claim.
func (q *Queries) ClaimTargets(ctx context.Context, claims []TargetClaim, now time.Time) ([]PublishTarget, error) {
	if len(claims) == 0 {
		return nil, nil
	}
	args := []any{ts(now)}
	var values strings.Builder
	for _, c := range claims {
		addRow(&values, &args, c.ID, ts(c.PublishAt), ts(c.LeaseUntil))
	}
	// VALUES columns are column1..3 on both engines.
	rows, err := q.q.QueryContext(ctx, `UPDATE post_targets SET status = 'publishing', lease_until = v.column3,
		attempts = attempts + 1, publish_at = COALESCE(publish_at, v.column2), updated_at = $1
		FROM (VALUES `+values.String()+`) AS v WHERE post_targets.id = v.column1 AND post_targets.status = 'scheduled'
		RETURNING `+prefixed("post_targets.", targetCols)+`, post_targets.workspace_id`, args...)
	if err != nil {
		return nil, wrap("claim targets", err)
	}
	defer rows.Close()
	var out []PublishTarget
	for rows.Next() {
		var pt PublishTarget
		t, err := scanTarget(scanTail{rows, &pt.WorkspaceID})
		if err != nil {
			return nil, wrap("claim targets", err)
		}
		pt.Target = t
		out = append(out, pt)
	}
	return out, wrap("claim targets", rows.Err())
}

// ReleaseClaim gives back a claim that never reached the network (its
// process is shutting down): the target is scheduled again as it was.
func (q *Queries) ReleaseClaim(ctx context.Context, id string, gen int, now time.Time) error {
	return q.execOne(ctx, "release claim", `UPDATE post_targets SET status = 'scheduled', lease_until = NULL,
		attempts = attempts - 1, updated_at = $1 WHERE id = $2 AND generation = $3 AND status = 'publishing'`, ts(now), id, gen)
}

// PostsByIDs loads posts with their targets, keyed by ID; IDs that match no
// post are left out.
func (q *Queries) PostsByIDs(ctx context.Context, ids []string) (map[string]model.Post, error) {
	out := map[string]model.Post{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids, 0)
	rows, err := q.q.QueryContext(ctx, `SELECT `+postCols+` FROM posts WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, wrap("posts by ids", err)
	}
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			rows.Close()
			return nil, wrap("posts by ids", err)
		}
		out[p.ID] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("posts by ids", err)
	}
	rows, err = q.q.QueryContext(ctx, `SELECT `+targetCols+` FROM post_targets WHERE post_id IN (`+in+`) ORDER BY id`, args...)
	if err != nil {
		return nil, wrap("posts by ids", err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTarget(rows)
		if err != nil {
			return nil, wrap("posts by ids", err)
		}
		if p, ok := out[t.PostID]; ok {
			p.Targets = append(p.Targets, t)
			out[t.PostID] = p
		}
	}
	return out, wrap("posts by ids", rows.Err())
}

// PausesIn lists the pauses of several workspaces, by workspace, each
// workspace-wide one first.
func (q *Queries) PausesIn(ctx context.Context, workspaceIDs []string) ([]model.Pause, error) {
	if len(workspaceIDs) == 0 {
		return nil, nil
	}
	in, args := inList(workspaceIDs, 0)
	rows, err := q.q.QueryContext(ctx, `SELECT workspace_id, channel_id, reason, paused_by, paused_at FROM pauses
		WHERE workspace_id IN (`+in+`) ORDER BY workspace_id, channel_id`, args...)
	if err != nil {
		return nil, wrap("pauses", err)
	}
	defer rows.Close()
	var out []model.Pause
	for rows.Next() {
		var p model.Pause
		if err := rows.Scan(&p.WorkspaceID, &p.ChannelID, &p.Reason, &p.PausedBy, tm(&p.PausedAt)); err != nil {
			return nil, wrap("pauses", err)
		}
		out = append(out, p)
	}
	return out, wrap("pauses", rows.Err())
}

// addRow appends one "($n, ...)" row of a VALUES list for vals to b,
// numbering after the arguments already in args, and the values to args.
func addRow(b *strings.Builder, args *[]any, vals ...any) {
	if b.Len() > 0 {
		b.WriteString(", ")
	}
	b.WriteString("(")
	for i, v := range vals {
		if i > 0 {
			b.WriteString(", ")
		}
		*args = append(*args, v)
		b.WriteString("$" + strconv.Itoa(len(*args)))
	}
	b.WriteString(")")
}

// inList makes "$n+1, $n+2, ..." placeholders for vals and their arguments.
func inList(vals []string, n int) (string, []any) {
	var b strings.Builder
	args := make([]any, len(vals))
	for i, v := range vals {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(n+i+1))
		args[i] = v
	}
	return b.String(), args
}

// AnyDueTarget reports whether some scheduled target may go out at or
// before before (a cheap read before LockDueTargets takes the write lock).
func (q *Queries) AnyDueTarget(ctx context.Context, before time.Time) (bool, error) {
	var one int
	err := q.q.QueryRowContext(ctx, `SELECT 1 FROM post_targets WHERE status = 'scheduled' AND scheduled_at <= $1
		AND (lease_until IS NULL OR lease_until <= $1) LIMIT 1`, ts(before)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, wrap("any due target", err)
}

// Publication is a target published without further bookkeeping: its
// outcome (status published) and the attempt that made it.
type Publication struct {
	TargetID   string
	Generation int
	Outcome    TargetOutcome
	Attempt    model.Attempt
}

// RecordPublications writes many publications in two statements: each
// target becomes published if its claim (generation, publishing) still
// holds, and the attempts of those that did are logged. It returns the IDs
// of the targets it marked.
func (q *Queries) RecordPublications(ctx context.Context, ps []Publication, now time.Time) (map[string]bool, error) {
	marked := map[string]bool{}
	if len(ps) == 0 {
		return marked, nil
	}
	args := []any{ts(now)}
	var values strings.Builder
	for _, p := range ps {
		var done any // NULL keeps the segments saved so far
		if p.Outcome.Done != nil {
			done = jsonText(p.Outcome.Done)
		}
		addRow(&values, &args, p.TargetID, strconv.Itoa(p.Generation), p.Outcome.RemoteID, p.Outcome.RemoteURL, ts(p.Outcome.PublishedAt), done)
	}
	rows, err := q.q.QueryContext(ctx, `UPDATE post_targets SET status = 'published', error = '', error_kind = '',
		remote_id = v.column3, remote_url = v.column4, published_at = v.column5, done = COALESCE(v.column6, done), lease_until = NULL, updated_at = $1
		FROM (VALUES `+values.String()+`) AS v
		WHERE post_targets.id = v.column1 AND post_targets.generation = CAST(v.column2 AS INTEGER) AND post_targets.status = 'publishing'
		RETURNING post_targets.id`, args...)
	if err != nil {
		return nil, wrap("record publications", err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, wrap("record publications", err)
		}
		marked[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("record publications", err)
	}
	args = args[:0]
	values.Reset()
	for _, p := range ps {
		if !marked[p.TargetID] {
			continue // the claim was lost (cancelled meanwhile): nothing to log
		}
		a := p.Attempt
		addRow(&values, &args, a.ID, a.TargetID, a.WorkspaceID, ts(a.StartedAt), a.Duration.Milliseconds(), a.Outcome, a.ErrorKind, a.Message, a.Worker)
	}
	if len(args) == 0 {
		return marked, nil
	}
	_, err = q.q.ExecContext(ctx, `INSERT INTO publish_attempts (id, target_id, workspace_id, started_at, duration_ms, outcome, error_kind, message, worker)
		VALUES `+values.String(), args...)
	return marked, wrap("record publications", err)
}
