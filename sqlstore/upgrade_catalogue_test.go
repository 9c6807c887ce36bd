package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// sqliteCatalogue reads SQLite's schema: tables without goose's and
// SQLite's own, and without the shadow tables of virtual (FTS5) tables.
type sqliteCatalogue struct{}

func (sqliteCatalogue) placeholder(int) string { return "?" }

func (sqliteCatalogue) tables(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all, virtual []string
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			return nil, err
		}
		if strings.HasPrefix(name, "sqlite_") || name == "goose_db_version" {
			continue
		}
		if strings.HasPrefix(strings.ToUpper(ddl), "CREATE VIRTUAL TABLE") {
			virtual = append(virtual, name)
		}
		all = append(all, name)
	}
	var out []string
	for _, name := range all {
		shadow := false
		for _, v := range virtual {
			if strings.HasPrefix(name, v+"_") {
				shadow = true
			}
		}
		if !shadow {
			out = append(out, name)
		}
	}
	return out, rows.Err()
}

func (sqliteCatalogue) columns(ctx context.Context, db *sql.DB, table string) ([]column, error) {
	refs := map[string]string{}
	fk, err := db.QueryContext(ctx, fmt.Sprintf("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('%s')", table))
	if err != nil {
		return nil, err
	}
	for fk.Next() {
		var parent, from string
		var to sql.NullString
		if err := fk.Scan(&parent, &from, &to); err != nil {
			fk.Close()
			return nil, err
		}
		refs[from] = parent + "." + to.String
	}
	fk.Close()
	// table_xinfo lists generated columns too (hidden 2 or 3): they take
	// no value.
	rows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT name, type, hidden FROM pragma_table_xinfo('%s') ORDER BY cid", table))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []column
	for rows.Next() {
		var c column
		var hidden int
		if err := rows.Scan(&c.name, &c.typ, &hidden); err != nil {
			return nil, err
		}
		if hidden != 0 {
			continue
		}
		c.ref = refs[c.name]
		out = append(out, c)
	}
	return out, rows.Err()
}

// postgresCatalogue reads PostgreSQL's information schema of the current
// schema.
type postgresCatalogue struct{}

func (postgresCatalogue) placeholder(i int) string { return fmt.Sprintf("$%d", i) }

func (postgresCatalogue) tables(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version' ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, rows.Err()
}

func (postgresCatalogue) columns(ctx context.Context, db *sql.DB, table string) ([]column, error) {
	refs := map[string]string{}
	fk, err := db.QueryContext(ctx, `SELECT kcu.column_name, ccu.table_name, ccu.column_name
		FROM information_schema.table_constraints tc
		JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
		JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
		WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND tc.table_name = $1`, table)
	if err != nil {
		return nil, err
	}
	for fk.Next() {
		var from, parent, to string
		if err := fk.Scan(&from, &parent, &to); err != nil {
			fk.Close()
			return nil, err
		}
		refs[from] = parent + "." + to
	}
	fk.Close()
	rows, err := db.QueryContext(ctx, `SELECT column_name, data_type, is_generated FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []column
	for rows.Next() {
		var c column
		var generated string
		if err := rows.Scan(&c.name, &c.typ, &generated); err != nil {
			return nil, err
		}
		if generated == "ALWAYS" || c.typ == "tsvector" {
			continue
		}
		c.ref = refs[c.name]
		out = append(out, c)
	}
	return out, rows.Err()
}
