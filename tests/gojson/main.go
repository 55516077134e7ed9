// Command gojson decodes request bodies exactly as Harbor's go-swagger server does, so the
// mock's Rust decoder can be compared with the real thing.
//
// Harbor (go-openapi/runtime v0.32.2, json.go JSONConsumer) binds a body with
//
//	dec := json.NewDecoder(r); dec.UseNumber(); dec.Decode(&body)
//
// where body is a value of the go-swagger model type (templates/server/parameter.gotmpl:
// `var body models.RobotCreate; route.Consumer.Consume(r.Body, &body)`). This program does the
// same for each case read from stdin, one JSON object per line:
//
//	{"id":"...","shape":"RobotCreate","body":"<text>"}       or with "body_b64" for raw bytes
//
// and writes one line per case:
//
//	{"id":"...","ok":true,"value":<dump>}
//	{"id":"...","ok":false,"eof":<io.EOF?>,"error":"<err.Error()>"}
//
// The dump shows what Go stored, field by field in declaration order (json names): a nil
// pointer or nil slice is null, an empty slice is [], a strfmt.DateTime is its time formatted
// with time.RFC3339Nano (the zero DateTime is "0001-01-01T00:00:00Z"; "" decodes to the Unix
// epoch). Strings are written with only `"`, `\` and bytes below 0x20 escaped (\u00XX); the
// decoder has already replaced invalid UTF-8 and lone surrogates with U+FFFD, so those show up
// as a literal U+FFFD.
//
// With -meta the first output line is {"meta":{...}} naming the Go version.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/go-openapi/strfmt"

	"harbor-mock/tests/gojson/models"
)

// Case is one input line.
type Case struct {
	ID      string `json:"id"`
	Shape   string `json:"shape"`
	Body    string `json:"body"`
	BodyB64 string `json:"body_b64"`
}

// newShape returns a pointer to a fresh zero value of the named model.
func newShape(name string) (any, bool) {
	switch name {
	case "RobotCreate":
		return new(models.RobotCreate), true
	case "Robot":
		return new(models.Robot), true
	case "RobotSec":
		return new(models.RobotSec), true
	case "ProjectReq":
		return new(models.ProjectReq), true
	case "ProjectMember":
		return new(models.ProjectMember), true
	case "RoleRequest":
		return new(models.RoleRequest), true
	case "UserCreationReq":
		return new(models.UserCreationReq), true
	case "Configurations":
		return new(models.Configurations), true
	case "UserProfile":
		return new(models.UserProfile), true
	case "PasswordReq":
		return new(models.PasswordReq), true
	case "UserSysAdminFlag":
		return new(models.UserSysAdminFlag), true
	}
	return nil, false
}

// consume is go-openapi/runtime's JSONConsumer, verbatim in effect.
func consume(r io.Reader, data any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber() // preserve number formats
	return dec.Decode(data)
}

func main() {
	meta := flag.Bool("meta", false, "write a first line naming the Go version")
	flag.Parse()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 0, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	if *meta {
		fmt.Fprintf(out, `{"meta":{"go":%q,"strfmt":"v0.26.3","runtime":"v0.32.2"}}`+"\n", runtime.Version())
	}
	for in.Scan() {
		line := bytes.TrimSpace(in.Bytes())
		if len(line) == 0 {
			continue
		}
		var c Case
		if err := json.Unmarshal(line, &c); err != nil {
			fmt.Fprintln(os.Stderr, "bad case line:", err)
			os.Exit(2)
		}
		body := []byte(c.Body)
		if c.BodyB64 != "" {
			b, err := base64.StdEncoding.DecodeString(c.BodyB64)
			if err != nil {
				fmt.Fprintln(os.Stderr, "bad body_b64 in", c.ID, err)
				os.Exit(2)
			}
			body = b
		}
		target, ok := newShape(c.Shape)
		if !ok {
			fmt.Fprintln(os.Stderr, "unknown shape", c.Shape, "in", c.ID)
			os.Exit(2)
		}
		id, _ := json.Marshal(c.ID)
		if err := consume(bytes.NewReader(body), target); err != nil {
			msg := encodeString(err.Error())
			fmt.Fprintf(out, `{"id":%s,"ok":false,"eof":%t,"error":%s}`+"\n", id, errors.Is(err, io.EOF), msg)
			continue
		}
		var sb strings.Builder
		dump(&sb, reflect.ValueOf(target).Elem())
		fmt.Fprintf(out, `{"id":%s,"ok":true,"value":%s}`+"\n", id, sb.String())
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "reading stdin:", err)
		os.Exit(2)
	}
}

var dateTimeType = reflect.TypeFor[strfmt.DateTime]()

// dump writes v in the canonical form described in the package comment.
func dump(sb *strings.Builder, v reflect.Value) {
	if v.Type() == dateTimeType {
		sb.WriteString(encodeString(time.Time(v.Interface().(strfmt.DateTime)).Format(time.RFC3339Nano)))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			sb.WriteString("null")
			return
		}
		dump(sb, v.Elem())
	case reflect.Slice:
		if v.IsNil() {
			sb.WriteString("null")
			return
		}
		sb.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				sb.WriteByte(',')
			}
			dump(sb, v.Index(i))
		}
		sb.WriteByte(']')
	case reflect.Struct:
		sb.WriteByte('{')
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			if i > 0 {
				sb.WriteByte(',')
			}
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			sb.WriteString(encodeString(name))
			sb.WriteByte(':')
			dump(sb, v.Field(i))
		}
		sb.WriteByte('}')
	case reflect.String:
		sb.WriteString(encodeString(v.String()))
	case reflect.Int64:
		sb.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Bool:
		sb.WriteString(strconv.FormatBool(v.Bool()))
	default:
		panic("dump: unexpected kind " + v.Kind().String())
	}
}

// encodeString quotes s escaping only '"', '\\' and bytes below 0x20 (as \u00XX).
func encodeString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
