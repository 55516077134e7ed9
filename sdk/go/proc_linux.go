package harbormock

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// Pdeathsig makes Linux kill the server when its parent dies, so a test binary killed with
// SIGKILL (a CI timeout, an impatient ^C^C) leaves no server behind. The signal fires when
// the *thread* that forked the child exits, and Go may end an OS thread whose goroutine
// locked it; so every server is forked from one goroutine locked to its thread for the life of
// the process (golang/go#27505).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

var spawner = sync.OnceValue(func() chan<- func() {
	jobs := make(chan func())
	go func() {
		runtime.LockOSThread() // never unlocked: this thread lives as long as the process
		for job := range jobs {
			job()
		}
	}()
	return jobs
})

func spawn(cmd *exec.Cmd) error {
	done := make(chan error, 1)
	spawner() <- func() { done <- cmd.Start() }
	return <-done
}
