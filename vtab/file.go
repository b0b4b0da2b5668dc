package vtab

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"path/filepath"
)

// FileDB opens the SQLite database file at path read-only, with the
// engine's tables in it as in DB, for querying what was kept in a file
// (awssql --db): statements run one at a time under Begin, as in DB. Each
// new connection runs setup first (temporary views, say). A missing file is
// an error, not a new empty database.
func (e *Engine) FileDB(path string, setup ...string) (*sql.DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	dsn := (&url.URL{Scheme: "file", Path: abs, RawQuery: "mode=ro"}).String()
	db := sql.OpenDB(fileConnector{e: e, dsn: dsn, setup: setup})
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return db, nil
}

type fileConnector struct {
	e     *Engine
	dsn   string
	setup []string
}

func (c fileConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.e.driver.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	if err := c.e.install(conn); err != nil {
		conn.Close()
		return nil, err
	}
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("vtab: %T cannot run statements", conn)
	}
	for _, s := range c.setup {
		if _, err := ex.ExecContext(ctx, s, nil); err != nil {
			conn.Close()
			return nil, fmt.Errorf("%s: %w", s, err)
		}
	}
	return conn, nil
}

func (c fileConnector) Driver() driver.Driver { return c.e.driver }
