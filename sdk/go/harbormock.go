// Package harbormock runs harbor-mock, a stand-in for Harbor's /api/v2.0 robot-account API,
// as a child process of a Go test.
//
//	func TestRobots(t *testing.T) {
//		harbor := harbormock.Start(t, harbormock.WithSeed(7))
//		client := harbor.Session(t) // isolated state, clock, journal and faults
//		// point a Harbor client at client.APIURL() (admin / Harbor12345) ...
//		client.Clock().Advance(31 * 24 * time.Hour)
//		if n := len(client.Journal()); n == 0 { t.Fatal("no request reached the mock") }
//	}
//
// Start finds the binary ($HARBOR_MOCK_BIN, then harbor-mock on PATH), starts it on
// 127.0.0.1 and a free port read from its startup line, checks its health, and stops it
// through t.Cleanup. On Linux the server also dies with the test process, even a killed one.
//
// Methods that talk to the server report failures with t.Fatalf of the test that made the
// object, so call them from that test's goroutine.
package harbormock

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Option configures Start. Connect takes only WithControlToken and ignores the others.
type Option func(*config)

type config struct {
	binary       string
	fixtures     string
	fixturesData any
	seed         *uint64
	clock        *time.Time
	robotPrefix  *string
	journalSize  int
	args         []string
	startTimeout time.Duration
	controlToken *string
}

// controlTokenEnv holds the control token when WithControlToken is not given: a server started
// with --control-token (a container, a CI service) wants it on every control call but
// /_mock/health.
const controlTokenEnv = "HARBOR_MOCK_CONTROL_TOKEN"

// token is WithControlToken's, else $HARBOR_MOCK_CONTROL_TOKEN; "" is none.
func (c *config) token() string {
	if c.controlToken != nil {
		return *c.controlToken
	}
	return os.Getenv(controlTokenEnv)
}

// WithBinary runs this executable instead of $HARBOR_MOCK_BIN or harbor-mock on PATH.
func WithBinary(path string) Option { return func(c *config) { c.binary = path } }

// WithFixtures loads this fixtures file (the binary's built-in defaults otherwise).
func WithFixtures(path string) Option { return func(c *config) { c.fixtures = path } }

// WithFixturesData loads fixtures given as a value that marshals to the fixtures format
// ({"users", "projects", "members", "robots"}); written to a file in t.TempDir().
func WithFixturesData(v any) Option { return func(c *config) { c.fixturesData = v } }

// WithSeed makes secrets, salts, request and session ids reproducible.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = &seed } }

// WithClock starts the clock at t, frozen until moved through Clock().
func WithClock(t time.Time) Option { return func(c *config) { c.clock = &t } }

// WithRobotPrefix sets the robot name prefix (Harbor's robot_name_prefix, default "robot$").
func WithRobotPrefix(prefix string) Option { return func(c *config) { c.robotPrefix = &prefix } }

// WithJournalSize sets how many requests the journal keeps (default 1000).
func WithJournalSize(n int) Option { return func(c *config) { c.journalSize = n } }

// WithArgs appends command-line flags.
func WithArgs(args ...string) Option { return func(c *config) { c.args = append(c.args, args...) } }

// WithControlToken sets the control token: Start passes it to the server as --control-token,
// and every control call (a session's included) sends it as "Authorization: Bearer <token>".
// For Connect, it is the running server's token. Without this option the token is
// $HARBOR_MOCK_CONTROL_TOKEN (none when unset); WithControlToken("") is none whatever the
// environment says.
func WithControlToken(token string) Option { return func(c *config) { c.controlToken = &token } }

// WithStartTimeout bounds the wait for the startup line (default 10s).
func WithStartTimeout(d time.Duration) Option { return func(c *config) { c.startTimeout = d } }

// Server is a running harbor-mock process. Its Instance methods act on the main instance.
type Server struct {
	*Instance
	binary  string
	cmd     *exec.Cmd
	logs    *logTail
	exited  chan struct{} // closed when the process has been waited for
	stopped sync.Once
	// StartupDuration is the time from Start's call to a server that answered its health check.
	StartupDuration time.Duration
}

// The startup line, in either log format (pretty text, or json's fields.message).
var listening = regexp.MustCompile(`harbor-mock listening on http://([^\s;"]+)`)

const (
	keepLines = 500
	tailLines = 20
)

// FindBinary returns the harbor-mock executable: $HARBOR_MOCK_BIN, else harbor-mock on PATH.
func FindBinary() (string, error) {
	if bin := os.Getenv("HARBOR_MOCK_BIN"); bin != "" {
		return bin, nil
	}
	bin, err := exec.LookPath("harbor-mock")
	if err != nil {
		return "", fmt.Errorf("harbor-mock binary not found: $HARBOR_MOCK_BIN is unset and %w; "+
			"install it (cargo install, pip install harbor-mock, npm install harbor-mock) or set $HARBOR_MOCK_BIN", err)
	}
	return bin, nil
}

// Start runs harbor-mock for the test t and returns once it answers; t.Cleanup stops it.
// When the server cannot be found or does not start, Start fails t with a message naming the
// binary and showing its last log lines.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	began := time.Now()
	cfg := config{startTimeout: 10 * time.Second}
	for _, opt := range opts {
		opt(&cfg)
	}
	bin := cfg.binary
	if bin == "" {
		var err error
		if bin, err = FindBinary(); err != nil {
			t.Fatal(err)
		}
	}
	args, err := cfg.commandArgs(t)
	if err != nil {
		t.Fatalf("harbor-mock: %v", err)
	}
	s := &Server{binary: bin, logs: &logTail{}, exited: make(chan struct{})}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Env = childEnv()
	s.cmd.SysProcAttr = sysProcAttr()
	// One pipe for stdout and stderr, so the log lines stay in order.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatalf("harbor-mock: %v", err)
	}
	s.cmd.Stdout, s.cmd.Stderr = w, w
	err = spawn(s.cmd)
	w.Close()
	if err != nil {
		r.Close()
		t.Fatalf("harbor-mock could not be run: %s: %v", bin, err)
	}
	t.Cleanup(s.Stop)

	addr := make(chan string, 1)
	go s.read(r, addr)
	var exitErr error
	go func() {
		exitErr = s.cmd.Wait()
		close(s.exited)
	}()
	select {
	case a, ok := <-addr:
		if !ok { // output ended without a startup line: the process is exiting
			<-s.exited
			s.fail(t, fmt.Sprintf("%s exited (%v) before listening", bin, exitErr))
		}
		s.Instance = newInstance(t, "http://"+a, nil, cfg.token())
	case <-time.After(cfg.startTimeout):
		s.Stop()
		s.fail(t, fmt.Sprintf("%s printed no listening line within %v and was stopped", bin, cfg.startTimeout))
	}
	// The socket is bound before the startup line is printed, so this is no poll: it checks
	// that the control API answers (and was not switched off through WithArgs).
	if err := s.call("GET", "/health", nil, nil); err != nil {
		s.Stop()
		s.fail(t, fmt.Sprintf("%s: %v", bin, err))
	}
	// A --control-token in WithArgs that is not WithControlToken's.
	if err := s.checkToken("harbor-mock started, but " + bin); err != nil {
		s.Stop()
		t.Fatal(err)
	}
	s.StartupDuration = time.Since(began)
	return s
}

// commandArgs is the command line after the binary.
// Connect attaches to a harbor-mock that runs already (a container, a CI service) at url:
// the same API, but nothing is stopped at cleanup. Of the options only WithControlToken
// applies (default $HARBOR_MOCK_CONTROL_TOKEN). It fails t when no control API answers, or
// when it answers 401 because the control token is missing or wrong.
func Connect(t testing.TB, url string, opts ...Option) *Server {
	t.Helper()
	var cfg config
	for _, opt := range opts {
		opt(&cfg)
	}
	s := &Server{Instance: newInstance(t, strings.TrimRight(url, "/"), nil, cfg.token()), logs: &logTail{}}
	if err := s.call("GET", "/health", nil, nil); err != nil {
		t.Fatalf("harbor-mock: none answers at %s: %v", url, err)
	}
	if err := s.checkToken("harbor-mock at " + url); err != nil {
		t.Fatal(err)
	}
	return s
}

// checkToken fails when the control API refuses our token (or its absence). /_mock/health
// takes none, so it asks a guarded route; other errors (a control API switched off with
// --no-control) are left to the calls that meet them.
func (s *Server) checkToken(who string) error {
	var e *ControlError
	if err := s.call("GET", "/clock", nil, nil); !errors.As(err, &e) || e.Status != 401 {
		return nil
	}
	given := "it needs a control token and none was given"
	if s.token != "" {
		given = "the control token given was refused"
	}
	return fmt.Errorf("%s: 401 unauthorized: %s. Pass the server's --control-token with "+
		"harbormock.WithControlToken or in $%s", who, given, controlTokenEnv)
}

func (c *config) commandArgs(t testing.TB) ([]string, error) {
	args := []string{"--listen", "127.0.0.1:0"}
	switch {
	case c.fixturesData != nil:
		data, err := json.Marshal(c.fixturesData)
		if err != nil {
			return nil, fmt.Errorf("fixtures: %w", err)
		}
		path := t.TempDir() + "/fixtures.json"
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, err
		}
		args = append(args, "--fixtures", path)
	case c.fixtures != "":
		args = append(args, "--fixtures", c.fixtures)
	}
	if c.seed != nil {
		args = append(args, "--seed", strconv.FormatUint(*c.seed, 10))
	}
	if c.clock != nil {
		args = append(args, "--clock", formatTime(*c.clock))
	}
	if c.robotPrefix != nil {
		args = append(args, "--robot-prefix", *c.robotPrefix)
	}
	if c.journalSize > 0 {
		args = append(args, "--journal-size", strconv.Itoa(c.journalSize))
	}
	if token := c.token(); token != "" {
		args = append(args, "--control-token", token)
	}
	return append(args, c.args...), nil
}

// childEnv is ours minus HARBOR_MOCK_*: a control token, state file or listen address meant
// for another server must not change this one.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HARBOR_MOCK_") {
			env = append(env, kv)
		}
	}
	return append(env, "NO_COLOR=1")
}

// read keeps the log tail and hands over the address; it reads to EOF so the server never
// blocks on a full pipe.
func (s *Server) read(r io.ReadCloser, addr chan<- string) {
	defer r.Close()
	found := false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		s.logs.add(line)
		if !found {
			if m := listening.FindStringSubmatch(line); m != nil {
				found = true
				addr <- m[1]
			}
		}
	}
	if !found {
		close(addr)
	}
}

func (s *Server) fail(t testing.TB, what string) {
	t.Helper()
	// The control token stays out of error messages (and the CI logs they end up in).
	args := append([]string(nil), s.cmd.Args...)
	for i := 1; i < len(args); i++ {
		if args[i-1] == "--control-token" {
			args[i] = "***"
		}
	}
	t.Fatalf("harbor-mock did not start: %s\ncommand: %s\nlast log lines:\n%s",
		what, strings.Join(args, " "), indent(s.logs.last(tailLines)))
}

// Binary is the path of the executable that was run.
func (s *Server) Binary() string { return s.binary }

// PID is the server's process id (0 for a server attached with Connect).
func (s *Server) PID() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Logs returns the server's output lines (the last 500 at most).
func (s *Server) Logs() []string { return s.logs.last(keepLines) }

// Stop stops the server: SIGTERM (it exits at once with status 0), SIGKILL after 5 seconds.
// Start registers it with t.Cleanup; calling it again is harmless.
func (s *Server) Stop() {
	s.stopped.Do(func() {
		if s.cmd == nil || s.cmd.Process == nil { // attached with Connect, or never started
			return
		}
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		if s.Instance != nil {
			s.http.CloseIdleConnections()
		}
	})
}

// Session opens an isolated instance (own state, clock, journal, faults) on the server for
// the test t, deleted through t.Cleanup. Its Instance methods report failures to t.
func (s *Server) Session(t testing.TB, opts ...SessionOption) *Session {
	t.Helper()
	var cfg sessionConfig
	for _, opt := range opts {
		opt(&cfg)
	}
	var created struct {
		ID       string `json:"id"`
		BasePath string `json:"base_path"`
	}
	if err := s.call("POST", "/sessions", cfg.fixtures, &created); err != nil {
		t.Fatalf("harbor-mock: new session: %v", err)
	}
	session := &Session{Instance: newInstance(t, s.url+created.BasePath, s.http, s.token), ID: created.ID}
	t.Cleanup(func() {
		// A server already stopped took the session with it.
		var e *ControlError
		if err := s.call("DELETE", "/sessions/"+created.ID, nil, nil); err != nil &&
			!(errors.As(err, &e) && (e.Status == 0 || e.Status == 404)) {
			t.Errorf("harbor-mock: delete session %s: %v", created.ID, err)
		}
	})
	return session
}

// SessionInfo is a live session as the server lists it.
type SessionInfo struct {
	ID string `json:"id"`
	// Created is when the session was made, LastUsed when a request last reached it (real
	// time, not the instance's clock).
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"last_used"`
	// Robots is how many robots it holds.
	Robots int `json:"robots"`
}

// Sessions lists the sessions that live on the server, those of other tests included.
func (s *Server) Sessions() []SessionInfo {
	s.t.Helper()
	var sessions []SessionInfo
	s.must("GET", "/sessions", nil, &sessions)
	return sessions
}

// Session is an isolated instance on a server, under /sessions/<ID>.
type Session struct {
	*Instance
	ID string
}

// SessionOption configures Server.Session.
type SessionOption func(*sessionConfig)

type sessionConfig struct{ fixtures any }

// SessionFixtures gives the session these fixtures (a value that marshals to the fixtures
// format) instead of the server's.
func SessionFixtures(v any) SessionOption { return func(c *sessionConfig) { c.fixtures = v } }

// logTail keeps the last keepLines lines.
type logTail struct {
	mu    sync.Mutex
	lines []string
}

func (l *logTail) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) == keepLines {
		l.lines = append(l.lines[:0], l.lines[1:]...)
	}
	l.lines = append(l.lines, line)
}

func (l *logTail) last(n int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n > len(l.lines) {
		n = len(l.lines)
	}
	return append([]string(nil), l.lines[len(l.lines)-n:]...)
}

func indent(lines []string) string {
	if len(lines) == 0 {
		return "  (no output)"
	}
	return "  " + strings.Join(lines, "\n  ")
}
