package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// numbered runs queries written with PostgreSQL's $N placeholders on
// SQLite as plain ? where the placeholders come in order ($1, $2, … each
// once), else as ?N. Binding named ($N) or numbered (?N) parameters costs
// a search per parameter on SQLite, so a statement with thousands of them
// (a multi-row insert of an inbox batch) took seconds; plain ? binds in
// order, in linear time.
type numbered struct{ q querier }

func (n numbered) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return n.q.ExecContext(ctx, toNumbered(q), args...)
}

func (n numbered) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return n.q.QueryContext(ctx, toNumbered(q), args...)
}

func (n numbered) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return n.q.QueryRowContext(ctx, toNumbered(q), args...)
}

// PrepareContext prepares a statement when the wrapped querier can.
func (n numbered) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	p, ok := n.q.(preparer)
	if !ok {
		return nil, errNoPrepare
	}
	return p.PrepareContext(ctx, toNumbered(q))
}

// toNumbered rewrites $N placeholders outside string literals.
func toNumbered(q string) string {
	if !strings.Contains(q, "$") {
		return q
	}
	var out strings.Builder
	out.Grow(len(q))
	inOrder, next := true, 1
	quoted := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			quoted = !quoted
		}
		if c != '$' || quoted || i+1 >= len(q) || q[i+1] < '0' || q[i+1] > '9' {
			out.WriteByte(c)
			continue
		}
		j := i + 1
		n := 0
		for j < len(q) && q[j] >= '0' && q[j] <= '9' {
			n = n*10 + int(q[j]-'0')
			j++
		}
		if n != next {
			inOrder = false
		}
		next++
		out.WriteByte('?')
		out.WriteString(q[i+1 : j])
		i = j - 1
	}
	if !inOrder {
		return out.String()
	}
	return plain(out.String())
}

// plain drops the numbers of ?N placeholders known to be in order.
func plain(q string) string {
	var out strings.Builder
	out.Grow(len(q))
	quoted := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			quoted = !quoted
		}
		out.WriteByte(c)
		if c == '?' && !quoted {
			for i+1 < len(q) && q[i+1] >= '0' && q[i+1] <= '9' {
				i++
			}
		}
	}
	return out.String()
}

// forDialect wraps a querier for the dialect's placeholders.
func forDialect(q querier, d Dialect) querier {
	if d == SQLite {
		return numbered{q}
	}
	return q
}

// oneOf is the condition "column is one of vals" with its arguments,
// numbered after n others: an IN list on SQLite, and on PostgreSQL one
// array parameter, which it plans once whatever the list's length.
func (q *Queries) oneOf(column string, vals []string, n int) (string, []any) {
	if q.dialect == Postgres {
		return column + " = ANY($" + strconv.Itoa(n+1) + ")", []any{vals}
	}
	in, args := inList(vals, n)
	return column + " IN (" + in + ")", args
}

// CustomPlans asks PostgreSQL to plan this transaction's statements for
// their actual arguments. Its generic plans for "= ANY(list)" and large
// multi-row statements guess the list's size and, after a few runs, chose
// scans ten to twenty times slower for the inbox's batches. No-op on
// SQLite.
func (t *Tx) CustomPlans(ctx context.Context) error {
	if t.dialect != Postgres {
		return nil
	}
	_, err := t.q.ExecContext(ctx, `SET LOCAL plan_cache_mode = force_custom_plan`)
	return wrap("custom plans", err)
}

// eachRow runs a statement once per row of arguments (args(i) for i < n),
// prepared once, and tells done (when not nil) how many rows each run
// changed. On SQLite this beats a multi-row statement: there are no round
// trips to save, and parsing a statement with thousands of parameters
// costs more than writing its rows.
func (q *Queries) eachRow(ctx context.Context, stmt string, n int, args func(i int) []any, done func(i int, changed int64)) error {
	if n == 0 {
		return nil
	}
	p, ok := q.q.(preparer)
	if !ok {
		return errNoPrepare
	}
	st, err := p.PrepareContext(ctx, stmt)
	if err != nil {
		return err
	}
	defer st.Close()
	for i := 0; i < n; i++ {
		res, err := st.ExecContext(ctx, args(i)...)
		if err != nil {
			return err
		}
		if done != nil {
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			done(i, k)
		}
	}
	return nil
}

// eachRowNarrowFirst runs narrow once per row (narrowArgs(i), i < n) and
// then full for the rows narrow changed none of. On SQLite an UPDATE
// rewrites every index holding a column its SET list names, changed or
// not: narrow names fewer columns and guards its WHERE clause with the
// values those columns must already have, full writes them all.
func (q *Queries) eachRowNarrowFirst(ctx context.Context, n int, narrow string, narrowArgs func(i int) []any,
	full string, fullArgs func(i int) []any) error {
	var rest []int
	err := q.eachRow(ctx, narrow, n, narrowArgs, func(i int, changed int64) {
		if changed == 0 {
			rest = append(rest, i)
		}
	})
	if err != nil {
		return err
	}
	return q.eachRow(ctx, full, len(rest), func(j int) []any { return fullArgs(rest[j]) }, nil)
}

// marks is the placeholders "$1, $2, …" for a comma-separated column list.
func marks(cols string) string {
	n := strings.Count(cols, ",") + 1
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i))
	}
	return b.String()
}
