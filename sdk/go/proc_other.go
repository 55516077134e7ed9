//go:build !linux

package harbormock

import (
	"os/exec"
	"syscall"
)

// Outside Linux there is no parent-death signal: the server is stopped by t.Cleanup only.
func sysProcAttr() *syscall.SysProcAttr { return nil }

func spawn(cmd *exec.Cmd) error { return cmd.Start() }
