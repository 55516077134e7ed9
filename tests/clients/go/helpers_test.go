// Package clients drives harbor-mock through Harbor's Go clients, as their users do: go-client
// (goharbor/go-client, the library harbor-cli is built on), mittwald/goharbor-client v5 and the
// harbor-cli binary. Each test starts the release binary (HARBOR_MOCK_BIN, else harbor-mock on
// PATH) on a free port through the SDK helper sdk/go, and works in sessions of its own, so the
// journal it reads holds its own requests only.
//
// What each client sends and relies on: ../shared/harbor-clients.md; docs/clients.md says how
// the mock meets it and which test pins it.
package clients

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	harbormock "github.com/harbor-mock/harbor-mock/sdk/go"
)

// clock is the frozen start time of every server: its millisecond part shows whether the
// clients' date parsers keep fractions.
var clock = time.Date(2026, 1, 1, 0, 0, 0, 123_000_000, time.UTC)

const (
	adminUser, adminPassword = "admin", "Harbor12345"
	bobUser, bobPassword     = "bob", "Bob12345" // developer of library
	day                      = 24 * time.Hour
)

// startMock starts one server for a top-level test; subtests open sessions on it.
func startMock(t *testing.T) *harbormock.Server {
	t.Helper()
	return harbormock.Start(t, harbormock.WithSeed(7), harbormock.WithClock(clock))
}

// exchange is one request a client sent and the status it got, body included.
type exchange struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
	Status              int
}

// recorder is an http.RoundTripper that keeps every request body, for the assertions on what a
// client sends that the mock's journal (headers only) does not hold.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []exchange
}

func newRecorder() *recorder {
	// The mock is on loopback: no proxy from the environment.
	return &recorder{next: &http.Transport{Proxy: nil}}
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.seen = append(r.seen, exchange{
		Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery,
		Header: req.Header.Clone(), Body: string(body), Status: resp.StatusCode,
	})
	r.mu.Unlock()
	return resp, nil
}

// last returns the last exchange with this method whose path ends with suffix.
func (r *recorder) last(t *testing.T, method, suffix string) exchange {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.seen) - 1; i >= 0; i-- {
		if e := r.seen[i]; e.Method == method && strings.HasSuffix(e.Path, suffix) {
			return e
		}
	}
	t.Fatalf("no %s …%s was sent", method, suffix)
	return exchange{}
}

// calls summarises a session's journal as "METHOD PATH?QUERY STATUS CALLER" lines (a session
// journals its paths without its own prefix, as Harbor's paths).
func calls(session *harbormock.Session, filter ...harbormock.JournalFilter) []string {
	var out []string
	for _, e := range session.Journal(filter...) {
		line := e.Method + " " + e.Path
		if e.Query != "" {
			line += "?" + e.Query
		}
		out = append(out, fmt.Sprintf("%s %d %s", line, e.Status, e.Caller))
	}
	return out
}

// equal fails the test when got and want differ, printing both.
func equal[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

// lines fails the test when the two lists of lines differ.
func lines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s:\ngot:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func ptr[T any](v T) *T { return &v }

// contains fails the test unless s holds every one of wants.
func contains(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(s, want) {
			t.Fatalf("%s does not hold %s:\n%s", what, want, s)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
