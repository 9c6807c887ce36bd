//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// newSession makes c start in a session of its own (setsid).
func newSession(c *exec.Cmd) { c.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
