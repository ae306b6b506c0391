package store

import "testing"

func TestToNumbered(t *testing.T) {
	for in, want := range map[string]string{
		`SELECT 1`: `SELECT 1`,
		`SELECT a FROM t WHERE b = $1 AND c = $2`:    `SELECT a FROM t WHERE b = ? AND c = ?`,
		`UPDATE t SET a = $1 WHERE b = $1 OR c = $2`: `UPDATE t SET a = ?1 WHERE b = ?1 OR c = ?2`,
		`SELECT $2, $1`: `SELECT ?2, ?1`,
		`SELECT '$1', $1 FROM t WHERE x LIKE '%$%'`:  `SELECT '$1', ? FROM t WHERE x LIKE '%$%'`,
		`INSERT INTO t VALUES ($1,$2,$3),($4,$5,$6)`: `INSERT INTO t VALUES (?,?,?),(?,?,?)`,
		`SELECT $10, $11`:                        `SELECT ?10, ?11`,
		`SELECT $1 WHERE a = 'it''s' AND b = $2`: `SELECT ? WHERE a = 'it''s' AND b = ?`,
	} {
		if got := toNumbered(in); got != want {
			t.Errorf("toNumbered(%q) = %q, want %q", in, got, want)
		}
	}
}
