package main

import (
	"os"
	"path/filepath"

	"github.com/google/renameio/v2"
)

// writeFile is the one way the CLI writes a file: data goes to a temporary
// file in path's directory, is flushed to disk (fsync), and then takes
// path's place in one step, so that a reader or a crash sees the old file or
// the new one, never a part. With replace an existing file is replaced,
// keeping its permissions (0644 for a new one); without it, writeFile fails
// when path exists, even if it appeared while data was being written.
func writeFile(path string, data []byte, replace bool) error {
	f, err := renameio.NewPendingFile(path, renameio.WithTempDir(filepath.Dir(path)),
		renameio.WithPermissions(0o644), renameio.WithExistingPermissions())
	if err != nil {
		return err
	}
	defer f.Cleanup()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if replace {
		return f.CloseAtomicallyReplace()
	}
	if err := f.Sync(); err != nil {
		return err
	}
	// A hard link fails when path exists: never overwrite without replace.
	return os.Link(f.Name(), path)
}
