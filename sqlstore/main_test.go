package sqlstore_test

import (
	"os"
	"testing"

	"github.com/hindsight-sre/hindsight/internal/testenv"
)

// TestMain runs four parallel tests at a time: most of this package's time
// is spent waiting for PostgreSQL to create databases and commit
// migrations, not computing. Four keep the connections of the stores open
// at once well under PostgreSQL's default limit of 100.
func TestMain(m *testing.M) {
	testenv.DefaultParallel(4)
	os.Exit(m.Run())
}
