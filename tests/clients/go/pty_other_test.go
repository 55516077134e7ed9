//go:build !linux

package clients

import (
	"errors"
	"os"
	"syscall"
)

func openPTY() (master, slave *os.File, err error) {
	return nil, nil, errors.New("pseudo-terminals are opened on Linux only")
}

func terminalAttr() *syscall.SysProcAttr { return nil }
