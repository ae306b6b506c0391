package store

import (
	"context"
	"database/sql"
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
