//go:build unix

package sqlstore

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on path, creating the file if needed,
// and returns the function that releases it. The file stays: removing it
// would let a process that opened it just before lock a different file than
// the next one. The lock goes with the process if it dies.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
