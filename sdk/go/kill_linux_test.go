package harbormock

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHelperServerProcess is the "test process" of TestKilledTestProcessLeavesNoServerBehind:
// run as a child, it starts a server, prints its URL and pid, and hangs as a stuck test would.
func TestHelperServerProcess(t *testing.T) {
	if os.Getenv("HARBORMOCK_HELPER_PROCESS") != "1" {
		t.Skip("run by TestKilledTestProcessLeavesNoServerBehind")
	}
	s := Start(t)
	fmt.Printf("server %s %d\n", s.URL(), s.PID())
	os.Stdin.Read(make([]byte, 1))
}

func TestKilledTestProcessLeavesNoServerBehind(t *testing.T) {
	child := exec.Command(os.Args[0], "-test.run=^TestHelperServerProcess$", "-test.v")
	child.Env = append(os.Environ(), "HARBORMOCK_HELPER_PROCESS=1")
	stdin, _ := child.StdinPipe()
	defer stdin.Close()
	stdout, _ := child.StdoutPipe()
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	var url string
	var pid int
	for sc := bufio.NewScanner(stdout); sc.Scan(); {
		if _, err := fmt.Sscanf(sc.Text(), "server %s %d", &url, &pid); err == nil {
			break
		}
	}
	if pid == 0 {
		child.Process.Kill()
		t.Fatalf("the child printed no server line: %v", child.Wait())
	}
	serverExit := pidfdOpen(t, pid)
	defer syscall.Close(serverExit)

	child.Process.Signal(syscall.SIGKILL) // no cleanup runs: the kernel has to stop the server
	child.Wait()

	if !readable(t, serverExit, 10*time.Second) {
		syscall.Kill(pid, syscall.SIGKILL) // do not leave behind the orphan this test found
		t.Fatalf("server %d still running 10s after its test process was killed", pid)
	}
	if addr := strings.TrimPrefix(url, "http://"); !refused(addr) {
		t.Fatalf("%s still accepts connections", addr)
	}
}

// pidfdOpen returns a descriptor that becomes readable when process pid ends (Linux 5.3).
func pidfdOpen(t *testing.T, pid int) int {
	const sysPidfdOpen = 434 // the same number on every architecture
	fd, _, errno := syscall.Syscall(sysPidfdOpen, uintptr(pid), 0, 0)
	if errno != 0 {
		t.Fatalf("pidfd_open(%d): %v", pid, errno)
	}
	return int(fd)
}

func readable(t *testing.T, fd int, timeout time.Duration) bool {
	var set syscall.FdSet
	set.Bits[fd/64] |= 1 << (uint(fd) % 64)
	tv := syscall.NsecToTimeval(timeout.Nanoseconds())
	n, err := syscall.Select(fd+1, &set, nil, nil, &tv)
	if err != nil {
		t.Fatalf("select: %v", err)
	}
	return n == 1
}
