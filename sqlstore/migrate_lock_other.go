//go:build !unix

package sqlstore

// lockFile is a no-op where flock is not available: processes that open a
// new SQLite file at the same moment there must be started one after the
// other.
func lockFile(path string) (func(), error) { return func() {}, nil }
