package harbormock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// Instance is what a Server and a Session have in common: their URLs and the control API
// (/_mock/...) acting on that instance alone. Failures are reported with t.Fatalf.
type Instance struct {
	t    testing.TB
	url  string
	http *http.Client
	// token is sent as "Authorization: Bearer <token>" when not empty.
	token string
}

func newInstance(t testing.TB, base string, client *http.Client, token string) *Instance {
	if client == nil {
		// The mock is on loopback: no HTTP(S)_PROXY from the environment.
		client = &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 30 * time.Second}
	}
	return &Instance{t: t, url: base, http: client, token: token}
}

// URL is the base URL: http://127.0.0.1:PORT, or http://127.0.0.1:PORT/sessions/ID.
// harborapi-style clients take it or APIURL.
func (i *Instance) URL() string { return i.url }

// APIURL is URL()+"/api/v2.0". go-client's harbor.ClientSetConfig.URL needs this form for a
// session: it uses a non-empty URL path verbatim instead of /api/v2.0.
func (i *Instance) APIURL() string { return i.url + "/api/v2.0" }

// ControlError is a control call the server refused (Status is the HTTP status and Message
// the first message of Harbor's error envelope) or that did not reach it (Status 0).
type ControlError struct {
	Method, URL string
	Status      int
	Message     string
}

func (e *ControlError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("%s %s: no answer: %s", e.Method, e.URL, e.Message)
	}
	return fmt.Sprintf("%s %s: %d: %s", e.Method, e.URL, e.Status, e.Message)
}

// call sends a control request; body (if not nil) goes as JSON, a 2xx answer is decoded
// into out (if not nil).
func (i *Instance) call(method, path string, body, out any) error {
	target := i.url + "/_mock" + path
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, target, reader)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if i.token != "" {
		req.Header.Set("Authorization", "Bearer "+i.token)
	}
	resp, err := i.http.Do(req)
	if err != nil {
		return &ControlError{Method: method, URL: target, Message: err.Error()}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return &ControlError{Method: method, URL: target, Message: err.Error()}
	}
	if resp.StatusCode/100 != 2 {
		var envelope struct {
			Errors []struct{ Message string } `json:"errors"`
		}
		message := string(bytes.TrimSpace(raw))
		if json.Unmarshal(raw, &envelope) == nil && len(envelope.Errors) > 0 {
			message = envelope.Errors[0].Message
		}
		return &ControlError{Method: method, URL: target, Status: resp.StatusCode, Message: message}
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

func (i *Instance) must(method, path string, body, out any) {
	i.t.Helper()
	if err := i.call(method, path, body, out); err != nil {
		i.t.Fatalf("harbor-mock: %v", err)
	}
}

// Counts is what Reset and LoadState report: the numbers of each kind of record loaded.
type Counts struct {
	Users    int `json:"users"`
	Projects int `json:"projects"`
	Members  int `json:"members"`
	Robots   int `json:"robots"`
}

// Reset puts the instance back to its fixtures: state, clock, journal and faults.
func (i *Instance) Reset() Counts {
	i.t.Helper()
	var c Counts
	i.must("POST", "/reset", nil, &c)
	return c
}

// State returns the whole state in fixtures format (robots carry hashed secrets).
func (i *Instance) State() json.RawMessage {
	i.t.Helper()
	var state json.RawMessage
	i.must("GET", "/state", nil, &state)
	return state
}

// LoadState replaces the state with v (a value that marshals to the fixtures format).
func (i *Instance) LoadState(v any) Counts {
	i.t.Helper()
	var c Counts
	i.must("PUT", "/state", v, &c)
	return c
}

// JournalEntry is one request the instance received. Authorization and cookies in Headers are
// redacted, and so is the value of every key naming a secret or password in Body.
type JournalEntry struct {
	// Seq is the entry's position in the journal's history, from 1.
	Seq uint64 `json:"seq"`
	// Time is the instance's clock when the request arrived.
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	// Path is a session's path without its /sessions/<id> prefix.
	Path string `json:"path"`
	// Query is the raw query string.
	Query     string `json:"query,omitempty"`
	RequestID string `json:"request_id"`
	// RequestIDSource is "client" when the request carried X-Request-Id, "generated" when the
	// mock made it.
	RequestIDSource string `json:"request_id_source"`
	Status          int    `json:"status"`
	// ResponseSize is the response body's size in bytes.
	ResponseSize int64 `json:"response_size"`
	// Error says why the mock answered a 500 (its X-Harbor-Mock-Error header); empty otherwise.
	Error string `json:"error,omitempty"`
	// Caller is "anonymous", a username, or a robot's full name.
	Caller  string            `json:"caller"`
	Headers map[string]string `json:"headers"`
	// BodySize is the request body's size in bytes, as sent.
	BodySize int64 `json:"body_size"`
	// Body is the request body as text (redacted), up to the server's per-body limit.
	Body string `json:"body,omitempty"`
	// BodyTruncated is true when Body was cut at that limit.
	BodyTruncated bool `json:"body_truncated,omitempty"`
}

// JournalFilter selects journal entries; zero fields match anything. Path takes * wildcards.
type JournalFilter struct {
	Method string
	Path   string
	Status int
}

// Journal returns the requests received, oldest first, that match every filter given.
func (i *Instance) Journal(filter ...JournalFilter) []JournalEntry {
	i.t.Helper()
	query := url.Values{}
	for _, f := range filter {
		if f.Method != "" {
			query.Set("method", f.Method)
		}
		if f.Path != "" {
			query.Set("path", f.Path)
		}
		if f.Status != 0 {
			query.Set("status", strconv.Itoa(f.Status))
		}
	}
	path := "/journal"
	if len(query) > 0 {
		path += "?" + query.Encode()
	}
	var entries []JournalEntry
	i.must("GET", path, nil, &entries)
	return entries
}

// ClearJournal forgets the journaled requests and returns how many there were.
func (i *Instance) ClearJournal() int {
	i.t.Helper()
	var cleared struct{ Cleared int }
	i.must("DELETE", "/journal", nil, &cleared)
	return cleared.Cleared
}

// Clock returns the instance's clock.
func (i *Instance) Clock() *Clock { return &Clock{i} }

// Clock is an instance's clock (/_mock/clock).
type Clock struct{ i *Instance }

// ClockState is the instance's time and whether it stands still.
type ClockState struct {
	Now    time.Time `json:"now"`
	Frozen bool      `json:"frozen"`
}

// Get returns the current time and whether the clock is frozen.
func (c *Clock) Get() ClockState {
	c.i.t.Helper()
	var s ClockState
	c.i.must("GET", "/clock", nil, &s)
	return s
}

// Now returns the instance's current time.
func (c *Clock) Now() time.Time {
	c.i.t.Helper()
	return c.Get().Now
}

// Set moves the clock to now (millisecond precision).
func (c *Clock) Set(now time.Time) ClockState {
	c.i.t.Helper()
	var s ClockState
	c.i.must("PUT", "/clock", map[string]any{"now": formatTime(now)}, &s)
	return s
}

// SetFrozen stops (true) or releases (false) the clock.
func (c *Clock) SetFrozen(frozen bool) ClockState {
	c.i.t.Helper()
	var s ClockState
	c.i.must("PUT", "/clock", map[string]any{"frozen": frozen}, &s)
	return s
}

// Advance moves the clock on by d (back when negative), in whole milliseconds.
func (c *Clock) Advance(d time.Duration) ClockState {
	c.i.t.Helper()
	var s ClockState
	c.i.must("POST", "/clock/advance", map[string]any{"by": fmt.Sprintf("%dms", d.Milliseconds())}, &s)
	return s
}

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// Faults returns the instance's fault rules.
func (i *Instance) Faults() *Faults { return &Faults{i} }

// Faults are an instance's fault rules (/_mock/faults).
type Faults struct{ i *Instance }

// Fault is a fault rule: requests matching Method (any when empty) and Path (* wildcards)
// are answered with Status and Harbor's error body (Message for statuses below 500), delayed
// by LatencyMS, or dropped (connection closed). Times limits how often the rule fires (0:
// always). ID is set by the server.
type Fault struct {
	ID        uint64 `json:"id,omitempty"`
	Method    string `json:"method,omitempty"`
	Path      string `json:"path"`
	Times     int    `json:"times,omitempty"`
	Status    int    `json:"status,omitempty"`
	Message   string `json:"message,omitempty"`
	LatencyMS int64  `json:"latency_ms,omitempty"`
	Drop      bool   `json:"drop,omitempty"`
}

// Add adds a rule and returns it with its ID.
func (f *Faults) Add(rule Fault) Fault {
	f.i.t.Helper()
	rule.ID = 0
	var added Fault
	f.i.must("POST", "/faults", rule, &added)
	return added
}

// List returns the rules in force, oldest first.
func (f *Faults) List() []Fault {
	f.i.t.Helper()
	var rules []Fault
	f.i.must("GET", "/faults", nil, &rules)
	return rules
}

// Remove removes the rule with this ID; there must be one.
func (f *Faults) Remove(id uint64) {
	f.i.t.Helper()
	f.i.must("DELETE", fmt.Sprintf("/faults/%d", id), nil, nil)
}

// Clear removes every rule.
func (f *Faults) Clear() {
	f.i.t.Helper()
	for _, rule := range f.List() {
		err := f.i.call("DELETE", fmt.Sprintf("/faults/%d", rule.ID), nil, nil)
		if e, ok := err.(*ControlError); err != nil && !(ok && e.Status == 404) { // used up meanwhile
			f.i.t.Fatalf("harbor-mock: %v", err)
		}
	}
}
