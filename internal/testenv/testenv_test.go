package testenv

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"herald/internal/config"
)

func TestSQLite(t *testing.T) {
	cfg := SQLite(t)
	if cfg.DatabaseURL != "" || cfg.AutoMigrate != true || cfg.MaxBodyBytes <= 0 || len(cfg.Roles) == 0 {
		t.Fatalf("config %+v", cfg)
	}
	if st, err := os.Stat(cfg.DataDir); err != nil || !st.IsDir() {
		t.Fatalf("data dir %s: %v", cfg.DataDir, err)
	}
}

// TestPostgresSchemaIsPrivate checks that a PostgreSQL configuration points
// at its own schema and that the schema is gone after the test.
func TestPostgresSchemaIsPrivate(t *testing.T) {
	base, ok := postgresURL()
	if !ok {
		t.Skip(PostgresEnv + " is not set")
	}
	ctx := context.Background()
	var schema string
	t.Run("inner", func(t *testing.T) {
		cfg := Postgres(t)
		conn, err := pgx.Connect(ctx, cfg.DatabaseURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil || len(schema) < 3 || schema[:2] != "t_" {
			t.Fatalf("current schema %q: %v", schema, err)
		}
	})
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_namespace WHERE nspname = $1", schema).Scan(&n); err != nil || n != 0 {
		t.Fatalf("schema %s still exists (%d, %v)", schema, n, err)
	}
}

func TestConfigEngine(t *testing.T) {
	cfg := Config(t)
	if onPG := cfg.DatabaseURL != ""; onPG != *postgresFlag {
		t.Fatalf("Config on PostgreSQL: %v, -postgres: %v", onPG, *postgresFlag)
	}
}

func TestEachRunsBothEngines(t *testing.T) {
	var engines []string
	Each(t, func(t *testing.T, cfg config.Config) {
		if cfg.DatabaseURL == "" {
			engines = append(engines, "sqlite")
		} else {
			engines = append(engines, "postgres")
		}
	})
	_, pg := postgresURL()
	if len(engines) == 0 || engines[0] != "sqlite" || (pg && len(engines) != 2) {
		t.Fatalf("engines %v (postgres configured: %v)", engines, pg)
	}
}
