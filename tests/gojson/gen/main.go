// Command gen writes a bounded, seeded run of near-JSON request bodies for the differential
// test: mutations of the fixed corpus (byte flips, inserted escapes, key case changes, number
// and date-time edge cases, duplicated keys, truncation, trailing data, other shapes).
//
//	go run ./gen -seed 1 -n 2000 > /tmp/gen.jsonl      # the cases
//	go run . < /tmp/gen.jsonl > /tmp/gen-expected.jsonl  # Go's answers
//
// The same seed and corpus always give the same cases (math/rand/v2 PCG).
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
)

type seedCase struct {
	ID      string `json:"id"`
	Shape   string `json:"shape"`
	Body    string `json:"body"`
	BodyB64 string `json:"body_b64"`
}

var shapes = []string{"RobotCreate", "Robot", "RobotSec", "ProjectReq", "ProjectMember", "RoleRequest",
	"UserCreationReq", "UserProfile", "Configurations", "PasswordReq", "UserSysAdminFlag"}

// Interesting bytes: structure, quotes, escapes, controls, UTF-8 lead and continuation bytes.
var bytePool = []byte{0x00, 0x01, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1f, ' ', '"', '\'', '\\', '/', ',', ':',
	'{', '}', '[', ']', '-', '+', '.', '0', '1', '9', 'e', 'E', 'n', 't', 'f', 'x', 0x7f, 0x80, 0xa0, 0xad,
	0xbf, 0xc0, 0xc3, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf8, 0xfe, 0xff}

var escapes = []string{`\ud800`, `\udbff`, `\udc00`, `\ud83d\ude00`, `\ude00\ud83d`, `\ud800\u0041`, `\u0000`,
	`\u00fc`, `\uFFFD`, `\/`, `\'`, `\x41`, `\u12`, `\u12g4`, `\"`, `\\`, `\b\f\n\r\t`, "\xfc", "\xe2\x82", "\xed\xa0\x80"}

var numbers = []string{"0", "-0", "1", "-1", "30", "007", "1.0", "1.5", "-0.0", "1e5", "1E+2", "1e-2", "1e400",
	"-1e400", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
	"123456789012345678901234567890", ".5", "+1", "0x10", "1.", "1e", "-", "NaN", "Infinity", `"30"`, "true", "null",
	"[]", "{}", `"true"`}

var dates = []string{"2026-08-21T06:00:00.123Z", "2026-08-21T06:00:00Z", "2026-08-21T06:00:00+02:00",
	"2026-08-21T06:00:00.123456-0100", "2026-08-21T06:00:00", "2026-08-21T06:00", "2026-08-21T06:00Z",
	"2026-08-21 06:00:00", "2026-08-21", "", " ", "2026-02-30", "2024-02-29", "2026-13-01", "2026-08-21T24:00:00Z",
	"2026-08-21T06:00:00+25:00", "2026-08-21T06:00:00.+12Z", "2026-08-21T6:00:00Z", "2026-08-21t06:00:00z",
	"2026-08-21T06:00:00,5", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"}

var fieldNames = []string{"name", "description", "secret", "level", "disable", "duration", "permissions", "kind",
	"namespace", "access", "resource", "action", "id", "editable", "creation_time", "update_time", "project_name",
	"public", "metadata", "storage_limit", "registry_id", "cve_allowlist", "items", "role_id", "member_user",
	"member_group", "username", "email", "realname", "comment", "auth_mode", "self_registration", "ldap_scope", "sysadmin_flag",
	"new_password", "expires_at", "unknown"}

var values = []string{`"x"`, `null`, `5`, `true`, `[]`, `{}`, `[null]`, `[{}]`, `[{"kind":"project"}]`,
	`{"public":"true"}`, `[{"access":[{"resource":1}]}]`, `"2026-08-21T06:00:00Z"`, `"bad"`, `1.5`, `-0`}

var keyRe = regexp.MustCompile(`"([a-z_]+)"\s*:`)
var numRe = regexp.MustCompile(`-?[0-9][0-9.eE+-]*`)
var dateRe = regexp.MustCompile(`"\d{4}-\d\d-\d\d[^"]*"`)

func main() {
	seed := flag.Uint64("seed", 1, "random seed")
	n := flag.Int("n", 1000, "number of cases")
	corpus := flag.String("corpus", "corpus.jsonl", "seed corpus")
	flag.Parse()
	f, err := os.Open(*corpus)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var seeds []seedCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		var c seedCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if c.BodyB64 != "" {
			b, _ := base64.StdEncoding.DecodeString(c.BodyB64)
			c.Body = string(b)
		}
		if len(c.Body) < 4096 { // leave the deep-nesting bodies alone
			seeds = append(seeds, c)
		}
	}
	r := rand.New(rand.NewPCG(*seed, 0x6a736f6e))
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for i := 0; i < *n; i++ {
		s := seeds[r.IntN(len(seeds))]
		body := []byte(s.Body)
		shape := s.Shape
		for k := 1 + r.IntN(3); k > 0; k-- {
			body, shape = mutate(r, body, shape)
		}
		line, _ := json.Marshal(map[string]string{
			"id":       fmt.Sprintf("gen-%d-%d-%s", *seed, i, s.ID),
			"shape":    shape,
			"body_b64": base64.StdEncoding.EncodeToString(body),
		})
		out.Write(line)
		out.WriteByte('\n')
	}
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// insertAt puts s at a random position (inside a string literal when possible).
func insertAt(r *rand.Rand, body []byte, s string, inString bool) []byte {
	pos := r.IntN(len(body) + 1)
	if inString {
		if quotes := bytes.Count(body, []byte(`"`)); quotes > 0 {
			q := r.IntN(quotes)
			idx := -1
			for j := 0; j <= q; j++ {
				idx += 1 + bytes.IndexByte(body[idx+1:], '"')
			}
			pos = idx + 1
		}
	}
	return append(body[:pos:pos], append([]byte(s), body[pos:]...)...)
}

func mutate(r *rand.Rand, body []byte, shape string) ([]byte, string) {
	switch r.IntN(12) {
	case 0: // flip a byte
		if len(body) > 0 {
			body = bytes.Clone(body)
			body[r.IntN(len(body))] = pick(r, bytePool)
		}
	case 1: // insert a byte
		body = insertAt(r, body, string([]byte{pick(r, bytePool)}), r.IntN(2) == 0)
	case 2: // insert an escape or raw bytes into a string
		body = insertAt(r, body, pick(r, escapes), true)
	case 3: // change the case of a key, or use a folding rune
		body = keyRe.ReplaceAllFunc(body, func(m []byte) []byte {
			if r.IntN(2) == 0 {
				return m
			}
			switch r.IntN(4) {
			case 0:
				return bytes.ToUpper(m)
			case 1:
				return bytes.Replace(m, []byte("k"), []byte("\u212a"), 1)
			case 2:
				return bytes.Replace(m, []byte("s"), []byte("\u017f"), 1)
			default:
				b := bytes.Clone(m)
				j := 1 + r.IntN(len(b)-3)
				b[j] = bytes.ToUpper(b[j : j+1])[0]
				return b
			}
		})
	case 4: // a number edge case in place of a number
		locs := numRe.FindAllIndex(body, -1)
		if len(locs) > 0 {
			l := pick(r, locs)
			body = append(body[:l[0]:l[0]], append([]byte(pick(r, numbers)), body[l[1]:]...)...)
		} else {
			body = addField(r, body, `"duration":`+pick(r, numbers))
		}
	case 5: // a date-time edge case
		locs := dateRe.FindAllIndex(body, -1)
		ds := []byte(pick(r, dates))
		for k := r.IntN(3); k > 0 && len(ds) > 0; k-- { // and perhaps a character or two changed
			ds[r.IntN(len(ds))] = "0123456789-T:.,+Z z"[r.IntN(19)]
		}
		d, _ := json.Marshal(string(ds))
		if len(locs) > 0 {
			l := pick(r, locs)
			body = append(body[:l[0]:l[0]], append(d, body[l[1]:]...)...)
		} else {
			body = addField(r, body, `"`+pick(r, []string{"creation_time", "update_time"})+`":`+string(d))
		}
	case 6: // a (possibly duplicate) field at the top level
		body = addField(r, body, `"`+pick(r, fieldNames)+`":`+pick(r, values))
	case 7: // truncate
		if len(body) > 0 {
			body = body[:r.IntN(len(body))]
		}
	case 8: // trailing data
		body = append(bytes.Clone(body), pick(r, []string{"x", " ", "\n", "}", ",", "{}", "\xff", `{"name":`})...)
	case 9: // leading bytes
		body = append([]byte(pick(r, []string{" ", "\t\r\n", "\xef\xbb\xbf", "\x0c", "\xc2\xa0", "\x00"})), body...)
	case 10: // delete a byte
		if len(body) > 0 {
			i := r.IntN(len(body))
			body = append(body[:i:i], body[i+1:]...)
		}
	default: // the same body into another model
		shape = pick(r, shapes)
	}
	return body, shape
}

// addField inserts `field` right after the opening brace of a top-level object, or wraps it
// in a new object.
func addField(r *rand.Rand, body []byte, field string) []byte {
	t := strings.TrimLeft(string(body), " \t\r\n")
	if !strings.HasPrefix(t, "{") {
		return []byte("{" + field + "}")
	}
	lead := len(body) - len(t)
	rest := strings.TrimLeft(t[1:], " \t\r\n")
	sep := ","
	if strings.HasPrefix(rest, "}") {
		sep = ""
	}
	if r.IntN(2) == 0 { // at the end instead: after the last '}'
		if i := bytes.LastIndexByte(body, '}'); i > lead {
			inner := strings.TrimRight(string(body[:i]), " \t\r\n")
			if strings.HasSuffix(inner, "{") {
				sep = ""
			} else {
				sep = ","
			}
			return []byte(inner + sep + field + string(body[i:]))
		}
	}
	return []byte(string(body[:lead+1]) + field + sep + string(body[lead+1:]))
}
