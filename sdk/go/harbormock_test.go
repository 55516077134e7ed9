package harbormock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// harbor sends one Harbor API request as admin and returns the status and decoded body.
func harbor(t *testing.T, method, url string, body any) (int, any) {
	t.Helper()
	var data []byte
	if body != nil {
		data, _ = json.Marshal(body)
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("admin", "Harbor12345")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func createRobot(t *testing.T, apiURL string) int {
	t.Helper()
	status, _ := harbor(t, "POST", apiURL+"/robots", map[string]any{
		"name": "ci", "duration": 30, "level": "project",
		"permissions": []any{map[string]any{"kind": "project", "namespace": "library",
			"access": []any{map[string]any{"resource": "repository", "action": "pull"}}}},
	})
	return status
}

func projectRobots(t *testing.T, apiURL string) []any {
	t.Helper()
	status, body := harbor(t, "GET", apiURL+"/robots?q=Level%3Dproject%2CProjectID%3D1", nil)
	if status != 200 {
		t.Fatalf("list robots: %d %v", status, body)
	}
	return body.([]any)
}

func refused(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err == nil {
		conn.Close()
		return false
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}

func TestStartServesAndStopFreesThePort(t *testing.T) {
	s := Start(t)
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || s.APIURL() != s.URL()+"/api/v2.0" {
		t.Fatalf("URL %q, APIURL %q", s.URL(), s.APIURL())
	}
	if n := len(projectRobots(t, s.APIURL())); n != 0 {
		t.Fatalf("%d robots", n)
	}
	if !strings.Contains(strings.Join(s.Logs(), "\n"), "listening on") {
		t.Fatalf("logs: %q", s.Logs())
	}
	if s.StartupDuration <= 0 || s.StartupDuration > 10*time.Second {
		t.Fatalf("startup took %v", s.StartupDuration)
	}
	t.Logf("ready %v after Start", s.StartupDuration)
	s.Stop()
	s.Stop()
	if addr := strings.TrimPrefix(s.URL(), "http://"); !refused(addr) {
		t.Fatalf("%s still accepts connections", addr)
	}
}

func TestBuiltInDefaultFixturesWhenNoneGiven(t *testing.T) {
	// Without --fixtures the binary serves the fixtures built into it, wherever it runs.
	t.Chdir(t.TempDir())
	s := Start(t)
	for _, arg := range s.cmd.Args {
		if arg == "--fixtures" {
			t.Fatalf("args %q", s.cmd.Args)
		}
	}
	if c := s.Reset(); c != (Counts{Users: 4, Projects: 1, Members: 3}) {
		t.Fatalf("counts %+v", c)
	}
}

func TestOptions(t *testing.T) {
	fixtures := map[string]any{
		"users":    []any{map[string]any{"id": 1, "username": "admin", "password": "Harbor12345", "sysadmin": true}},
		"projects": []any{map[string]any{"id": 1, "name": "library"}, map[string]any{"id": 2, "name": "team"}},
	}
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := Start(t, WithFixturesData(fixtures), WithSeed(7), WithClock(epoch), WithRobotPrefix("bot-"), WithJournalSize(1))
	if got := s.Clock().Get(); !got.Now.Equal(epoch) || !got.Frozen {
		t.Fatalf("clock %+v", got)
	}
	status, robot := harbor(t, "POST", s.APIURL()+"/robots", map[string]any{
		"name": "ci", "duration": 30, "level": "project",
		"permissions": []any{map[string]any{"kind": "project", "namespace": "team",
			"access": []any{map[string]any{"resource": "repository", "action": "pull"}}}},
	})
	if status != 201 || robot.(map[string]any)["name"] != "bot-team+ci" {
		t.Fatalf("create: %d %v", status, robot)
	}
	harbor(t, "GET", s.APIURL()+"/robots/1", nil)
	if n := len(s.Journal()); n != 1 {
		t.Fatalf("journal of size 1 holds %d", n)
	}
}

// fatalRecorder stands in for a test that Start fails: it records the message and ends the
// goroutine as t.Fatal does.
type fatalRecorder struct {
	testing.TB
	message string
}

func (r *fatalRecorder) Helper() {}
func (r *fatalRecorder) Fatal(args ...any) {
	r.message = fmt.Sprint(args...)
	runtime.Goexit()
}
func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.message = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func startFailure(t *testing.T, opts ...Option) string {
	t.Helper()
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(r, opts...)
	}()
	<-done
	if r.message == "" {
		t.Fatal("Start succeeded")
	}
	return r.message
}

func TestFailedStartNamesTheBinaryAndItsLastLogLines(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"users": [{"id": 1}]}`), 0o600)
	bin, err := FindBinary()
	if err != nil {
		t.Fatal(err)
	}
	message := startFailure(t, WithFixtures(bad))
	for _, want := range []string{
		"harbor-mock did not start: " + bin + " exited (exit status 1) before listening",
		"last log lines:",
		bad + ": line 1, column",
		"missing field `username`",
	} {
		if !strings.Contains(message, want) {
			t.Errorf("message lacks %q:\n%s", want, message)
		}
	}
}

func TestMissingBinaryIsNamed(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-harbor-mock")
	if message := startFailure(t, WithBinary(missing)); !strings.Contains(message, "could not be run: "+missing) {
		t.Fatal(message)
	}
	t.Setenv("HARBOR_MOCK_BIN", "")
	t.Setenv("PATH", t.TempDir())
	if message := startFailure(t); !strings.Contains(message, "harbor-mock binary not found") {
		t.Fatal(message)
	}
}

func TestCallerHarborMockEnvDoesNotLeakIn(t *testing.T) {
	// Settings meant for another server must not change this one: read by the server, this
	// would switch its control API off.
	t.Setenv("HARBOR_MOCK_NO_CONTROL", "true")
	// The control token is the helper's default, and reaches the server as a flag.
	t.Setenv("HARBOR_MOCK_CONTROL_TOKEN", "secret")
	s := Start(t)
	if c := s.Reset(); c.Users != 4 {
		t.Fatalf("counts %+v", c)
	}
	if status := controlStatus(t, "POST", s.URL()+"/_mock/reset", ""); status != 401 {
		t.Fatalf("without the token: %d", status)
	}
	// "" is no token, whatever the environment says.
	open := Start(t, WithControlToken(""))
	if status := controlStatus(t, "POST", open.URL()+"/_mock/reset", ""); status != 200 {
		t.Fatalf("a server without a token: %d", status)
	}
}

// controlStatus makes a control call by hand and returns its status.
func controlStatus(t *testing.T, method, url, token string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// connectFailure is the message Connect fails its test with.
func connectFailure(t *testing.T, url string, opts ...Option) string {
	t.Helper()
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() { defer close(done); Connect(r, url, opts...) }()
	<-done
	if r.message == "" {
		t.Fatal("Connect succeeded")
	}
	return r.message
}

func TestControlTokenIsSentOnEveryControlCall(t *testing.T) {
	t.Setenv("HARBOR_MOCK_CONTROL_TOKEN", "")
	s := Start(t, WithControlToken("s3cret"), WithClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	if status := controlStatus(t, "GET", s.URL()+"/_mock/clock", ""); status != 401 {
		t.Fatalf("without the token: %d", status)
	}
	if status := controlStatus(t, "GET", s.URL()+"/_mock/clock", "s3cret"); status != 200 {
		t.Fatalf("with the token: %d", status)
	}
	if c := s.Reset(); c.Users != 4 {
		t.Fatalf("counts %+v", c)
	}
	if now := s.Clock().Advance(24 * time.Hour).Now; !now.Equal(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("clock %v", now)
	}
	if createRobot(t, s.APIURL()) != 201 {
		t.Fatal("create")
	}
	if j := s.Journal(); len(j) != 1 || j[0].Method != "POST" {
		t.Fatalf("journal %+v", j)
	}
	if n := s.ClearJournal(); n != 1 {
		t.Fatalf("cleared %d", n)
	}
	// A session of its own test, so that its cleanup (the DELETE) runs before the checks below.
	t.Run("session", func(t *testing.T) {
		session := s.Session(t)
		if live := s.Sessions(); len(live) != 1 || live[0].ID != session.ID {
			t.Fatalf("sessions %+v", live)
		}
		if status := controlStatus(t, "GET", session.URL()+"/_mock/clock", ""); status != 401 {
			t.Fatalf("a session without the token: %d", status)
		}
		session.Clock().Set(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		if createRobot(t, session.APIURL()) != 201 {
			t.Fatal("create in the session")
		}
		if j := session.Journal(JournalFilter{Method: "POST"}); len(j) != 1 {
			t.Fatalf("session journal %+v", j)
		}
		if c := session.Reset(); c.Robots != 0 {
			t.Fatalf("session counts %+v", c)
		}
	})
	if live := s.Sessions(); len(live) != 0 { // deleted with the token too
		t.Fatalf("sessions after cleanup %+v", live)
	}

	// Attaching: the right token (given, or from the environment), a wrong one, none.
	attached := Connect(t, s.URL(), WithControlToken("s3cret"))
	if now := attached.Clock().Now(); !now.Equal(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("attached clock %v", now)
	}
	attached.Session(t)
	t.Setenv("HARBOR_MOCK_CONTROL_TOKEN", "s3cret")
	if c := Connect(t, s.URL()).Reset(); c.Robots != 0 {
		t.Fatalf("counts %+v", c)
	}
	if m := connectFailure(t, s.URL(), WithControlToken("wrong")); !strings.Contains(m, "401 unauthorized: the control token given was refused") {
		t.Fatal(m)
	}
	t.Setenv("HARBOR_MOCK_CONTROL_TOKEN", "")
	if m := connectFailure(t, s.URL()); !strings.Contains(m, "401 unauthorized: it needs a control token and none was given") {
		t.Fatal(m)
	}
}

func TestControlTokenInArgsOnlyIsAClearStartFailure(t *testing.T) {
	t.Setenv("HARBOR_MOCK_CONTROL_TOKEN", "")
	if m := startFailure(t, WithArgs("--control-token", "s3cret")); !strings.Contains(m, "401 unauthorized: it needs a control token") {
		t.Fatal(m)
	}
}

func TestControlTokenStaysOutOfStartFailures(t *testing.T) {
	m := startFailure(t, WithControlToken("s3cret"), WithArgs("--no-such-flag"))
	if strings.Contains(m, "s3cret") || !strings.Contains(m, "--control-token ***") {
		t.Fatal(m)
	}
}

func TestSessionsAreIsolated(t *testing.T) {
	s := Start(t)
	one, two := s.Session(t), s.Session(t)
	if !strings.HasPrefix(one.URL(), s.URL()+"/sessions/") || one.APIURL() != one.URL()+"/api/v2.0" {
		t.Fatalf("session URL %q", one.URL())
	}
	if createRobot(t, one.APIURL()) != 201 || createRobot(t, two.APIURL()) != 201 {
		t.Fatal("the same robot in two sessions must not conflict")
	}
	if len(projectRobots(t, one.APIURL())) != 1 || len(projectRobots(t, s.APIURL())) != 0 {
		t.Fatal("a session's robot leaked")
	}
	one.Clock().Advance(24 * time.Hour)
	if one.Clock().Now().Equal(two.Clock().Now()) {
		t.Fatal("clocks are shared")
	}
	fixtures := map[string]any{"users": []any{map[string]any{"id": 1, "username": "admin", "password": "Harbor12345", "sysadmin": true}}}
	if c := s.Session(t, SessionFixtures(fixtures)).Reset(); c.Users != 1 {
		t.Fatalf("session fixtures: %+v", c)
	}
}

func TestSessionIsDeletedAtCleanup(t *testing.T) {
	s := Start(t)
	var apiURL string
	t.Run("inner", func(t *testing.T) { apiURL = s.Session(t).APIURL() })
	if status, _ := harbor(t, "GET", apiURL+"/robots", nil); status != 404 {
		t.Fatalf("session still answers: %d", status)
	}
}

func TestSessionsAreListedUntilDeleted(t *testing.T) {
	s := Start(t)
	if n := len(s.Sessions()); n != 0 {
		t.Fatalf("%d sessions before any", n)
	}
	var one, two *Session
	t.Run("inner", func(t *testing.T) {
		one, two = s.Session(t), s.Session(t)
		createRobot(t, one.APIURL())
		listed := map[string]SessionInfo{}
		for _, info := range s.Sessions() {
			listed[info.ID] = info
		}
		if len(listed) != 2 || listed[one.ID].Robots != 1 || listed[two.ID].Robots != 0 {
			t.Fatalf("listed %+v", listed)
		}
		if info := listed[one.ID]; info.Created.IsZero() || info.LastUsed.Before(info.Created) {
			t.Fatalf("times %+v", info)
		}
	})
	if n := len(s.Sessions()); n != 0 {
		t.Fatalf("%d sessions after their test", n)
	}
}

func TestJournalEntriesCarryBodiesSizesAndRequestIDSource(t *testing.T) {
	s := Start(t, WithSeed(7))
	createRobot(t, s.APIURL())
	harbor(t, "POST", s.APIURL()+"/users", map[string]any{"username": "zoe", "password": "Zoe12345"})
	entries := s.Journal(JournalFilter{Method: "POST"})
	if len(entries) != 2 {
		t.Fatalf("journal %+v", entries)
	}
	created, user := entries[0], entries[1]
	var body struct{ Name string }
	if err := json.Unmarshal([]byte(created.Body), &body); err != nil || body.Name != "ci" {
		t.Fatalf("body %q: %v", created.Body, err)
	}
	if created.RequestIDSource != "generated" || created.BodySize != int64(len(created.Body)) ||
		created.BodyTruncated || created.ResponseSize == 0 || created.Error != "" {
		t.Fatalf("entry %+v", created)
	}
	if !strings.Contains(user.Body, `"password":"<redacted>"`) {
		t.Fatalf("user body %q", user.Body)
	}
}

func TestControlRoundTrips(t *testing.T) {
	s := Start(t, WithClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	for name, target := range map[string]*Instance{"server": s.Instance, "session": s.Session(t).Instance} {
		t.Run(name, func(t *testing.T) {
			clock := target.Clock()
			if got := clock.Advance(31 * 24 * time.Hour).Now; !got.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
				t.Fatalf("advance: %v", got)
			}
			if got := clock.Set(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)); got.Now.Hour() != 12 || !got.Frozen {
				t.Fatalf("set: %+v", got)
			}
			if clock.SetFrozen(false).Frozen {
				t.Fatal("still frozen")
			}

			faults := target.Faults()
			rule := faults.Add(Fault{Method: "GET", Path: "/api/v2.0/robots", Status: 503, Times: 1})
			faults.Add(Fault{Path: "/api/v2.0/robots/*", LatencyMS: 1})
			if rule.ID == 0 || len(faults.List()) != 2 {
				t.Fatalf("rule %+v, rules %+v", rule, faults.List())
			}
			if status, _ := harbor(t, "GET", target.APIURL()+"/robots", nil); status != 503 {
				t.Fatalf("fault: %d", status)
			}
			faults.Clear()
			if len(faults.List()) != 0 {
				t.Fatal("faults left")
			}

			createRobot(t, target.APIURL())
			if e := target.Journal(JournalFilter{Method: "POST", Path: "/api/v2.0/robots*", Status: 201}); len(e) != 1 || e[0].Caller != "admin" {
				t.Fatalf("journal: %+v", e)
			}
			if n := target.ClearJournal(); n != 2 || len(target.Journal()) != 0 {
				t.Fatalf("cleared %d", n)
			}

			if c := target.Reset(); c != (Counts{Users: 4, Projects: 1, Members: 3}) {
				t.Fatalf("reset: %+v", c)
			}
			if got := clock.Get(); !got.Frozen || got.Now.Year() != 2026 || got.Now.Month() != 1 {
				t.Fatalf("clock after reset: %+v", got)
			}
		})
	}
}

func TestControlErrorsAreReported(t *testing.T) {
	s := Start(t)
	err := s.call("POST", "/clock/advance", map[string]any{"by": "soon"}, nil)
	var e *ControlError
	if !errors.As(err, &e) || e.Status != 400 || !strings.Contains(e.Message, "not a duration") {
		t.Fatalf("%v", err)
	}
}

func TestConnectAttachesAndLeavesTheServerRunning(t *testing.T) {
	s := Start(t)
	attached := Connect(t, s.URL()+"/")
	if attached.URL() != s.URL() || attached.PID() != 0 {
		t.Fatalf("URL %q, PID %d", attached.URL(), attached.PID())
	}
	if createRobot(t, attached.Session(t).APIURL()) != 201 {
		t.Fatal("create in a session of the attached server")
	}
	attached.Stop()
	if c := s.Reset(); c.Users != 4 {
		t.Fatalf("the server stopped: %+v", c)
	}
	addr := s.URL()
	s.Stop()
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() { defer close(done); Connect(r, addr) }()
	<-done
	if !strings.Contains(r.message, "none answers at "+addr) {
		t.Fatal(r.message)
	}
}

// BenchmarkStartToReady: `go test -run '^$' -bench StartToReady -benchtime 21x` reports the
// median time from Start's call to a server that answered its health check.
func BenchmarkStartToReady(b *testing.B) {
	var took []time.Duration
	for range b.N {
		s := Start(b)
		took = append(took, s.StartupDuration)
		s.Stop()
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
}

func TestServerThatNeverListensIsStoppedAfterTheTimeout(t *testing.T) {
	silent := filepath.Join(t.TempDir(), "silent-harbor-mock")
	os.WriteFile(silent, []byte("#!/bin/sh\necho warming up\nexec sleep 60\n"), 0o755)
	message := startFailure(t, WithBinary(silent), WithStartTimeout(300*time.Millisecond))
	for _, want := range []string{silent + " printed no listening line within 300ms and was stopped", "  warming up"} {
		if !strings.Contains(message, want) {
			t.Errorf("message lacks %q:\n%s", want, message)
		}
	}
}
