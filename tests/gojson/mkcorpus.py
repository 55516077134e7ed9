#!/usr/bin/env python3
"""Writes tests/gojson/corpus.jsonl: the fixed corpus of request bodies for the Go/Rust
differential test. Each line is one case:

    {"id": ..., "class": ..., "shape": ..., "body": "<text>" | "body_b64": "...", "why": ...}

`body` is used when the bytes are valid UTF-8, `body_b64` otherwise (invalid UTF-8, encoded
surrogates). Run `python3 mkcorpus.py > corpus.jsonl`, then record Go's answers with
`go run . -meta < corpus.jsonl > expected.jsonl` (see README.md).
"""
import base64
import json
import sys

CASES = []
SEEN = set()


def case(cid, cls, shape, body, why, validate=None):
    """`validate`: the line the model's generated Validate reports for a body Go decodes (the
    Go program does not run Validate; Harbor answers 422 with it, inside a second list)."""
    assert cid not in SEEN, cid
    SEEN.add(cid)
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    c = {"id": cid, "class": cls, "shape": shape}
    try:
        c["body"] = body.decode("utf-8")
    except UnicodeDecodeError:
        c["body_b64"] = base64.b64encode(body).decode("ascii")
    c["why"] = why
    if validate:
        c["validate"] = validate
    CASES.append(c)


RC = "RobotCreate"


def rc(cid, cls, body, why):
    case(cid, cls, RC, body, why)


# ---------------------------------------------------------------- baseline
rc("ok-minimal", "baseline", b'{"name":"ci","duration":30,"level":"project"}', "a plain body")
rc("ok-full", "baseline",
   b'{"name":"ci","description":"CI pusher","duration":30,"level":"project","disable":true,"secret":"s",'
   b'"permissions":[{"kind":"project","namespace":"library","access":[{"resource":"repository","action":"pull"},'
   b'{"resource":"repository","action":"push","effect":"allow"}]}]}', "every RobotCreate field set")
rc("ok-empty-object", "baseline", b"{}", "nothing set: all zero values")

# ---------------------------------------------------------------- invalid UTF-8
rc("utf8-latin1-description", "utf8", b'{"name":"a","description":"M\xfcller"}',
   "goharbor/harbor#16884: Latin-1 0xFC inside a string is stored as U+FFFD")
rc("utf8-ff", "utf8", b'{"description":"\xff\xfe"}', "0xFF 0xFE are never valid UTF-8: two U+FFFD")
rc("utf8-lone-continuation", "utf8", b'{"description":"a\x80b"}', "a lone continuation byte")
rc("utf8-truncated-3byte", "utf8", b'{"description":"\xe2\x82"}', "a truncated 3-byte sequence: Go replaces each byte (two U+FFFD); Rust from_utf8_lossy would give one")
rc("utf8-truncated-then-ascii", "utf8", b'{"description":"\xe2\x82x"}', "truncated sequence followed by ASCII")
rc("utf8-overlong-slash", "utf8", b'{"description":"\xc0\xaf"}', "overlong encoding of '/'")
rc("utf8-encoded-surrogate", "utf8", b'{"description":"\xed\xa0\x80"}', "CESU/WTF-8 surrogate bytes are invalid UTF-8")
rc("utf8-5byte", "utf8", b'{"description":"\xf8\x88\x80\x80\x80"}', "obsolete 5-byte form")
rc("utf8-above-10ffff", "utf8", b'{"description":"\xf4\x90\x80\x80"}', "code point above U+10FFFF")
rc("utf8-valid-umlaut", "utf8", '{"description":"Müller"}', "valid UTF-8 is stored as is")
rc("utf8-valid-emoji", "utf8", '{"description":"\U0001F600"}', "4-byte UTF-8")
rc("utf8-u2028", "utf8", '{"description":"a\u2028b"}', "U+2028 raw in a string is fine")
rc("utf8-in-name", "utf8", b'{"name":"ci\xe9"}', "invalid UTF-8 in name (later validated by Harbor's name regex)")
rc("utf8-in-key-unknown", "utf8", b'{"n\xffme":"x","name":"y"}', "invalid UTF-8 in a key: key becomes n\\uFFFDme, unknown, ignored")
rc("utf8-in-key-only", "utf8", b'{"nam\xe9":"x"}', "invalid key never matches 'name'")
rc("utf8-outside-string", "utf8", b'{\xfc"name":"x"}', "a non-ASCII byte outside a string: syntax error quoting it as Latin-1 'ü'")
rc("utf8-outside-string-c1", "utf8", b'{"name":"x"\x85}', "byte 0x85 outside a string: quoted as '\\u0085'")
rc("utf8-in-permission", "utf8", b'{"permissions":[{"kind":"project","namespace":"lib\xffrary","access":[]}]}', "invalid UTF-8 nested in a permission")
case("utf8-in-metadata", "utf8", "ProjectReq", b'{"project_name":"p","metadata":{"public":"tr\xfcue"}}', "invalid UTF-8 in a metadata string")
case("utf8-in-secret-patch", "utf8", "RobotSec", b'{"secret":"Abcdefg1\xff"}', "invalid UTF-8 in a PATCH secret")
case("utf8-in-username", "utf8", "UserCreationReq", b'{"username":"j\xf6rg","email":"j@x.org"}', "Latin-1 ö in a username")

# ---------------------------------------------------------------- escapes
rc("esc-lone-high", "escape", b'{"description":"\\ud800"}', "lone high surrogate escape: U+FFFD")
rc("esc-lone-low", "escape", b'{"description":"\\udc00"}', "lone low surrogate escape: U+FFFD")
rc("esc-high-then-ascii", "escape", b'{"description":"\\ud800\\u0041"}', "high surrogate followed by a non-surrogate escape: U+FFFD then A")
rc("esc-high-high", "escape", b'{"description":"\\ud800\\ud800"}', "two high surrogates: two U+FFFD")
rc("esc-high-then-text", "escape", b'{"description":"\\ud800x"}', "high surrogate followed by text")
rc("esc-pair", "escape", b'{"description":"\\ud83d\\ude00"}', "valid surrogate pair: U+1F600")
rc("esc-pair-reversed", "escape", b'{"description":"\\ude00\\ud83d"}', "reversed pair: two U+FFFD")
rc("esc-pair-upper", "escape", b'{"description":"\\uD83D\\uDE00"}', "upper-case hex digits")
rc("esc-nul", "escape", b'{"description":"a\\u0000b"}', "\\u0000 is stored as a NUL character")
rc("esc-nul-name", "escape", b'{"name":"\\u0000"}', "NUL in a name")
rc("esc-umlaut", "escape", b'{"description":"M\\u00fcller"}', "\\u00fc")
rc("esc-ufffd", "escape", b'{"description":"\\ufffd"}', "explicit U+FFFD")
rc("esc-slash", "escape", b'{"description":"a\\/b"}', "\\/ is a valid escape")
rc("esc-all-short", "escape", b'{"description":"\\b\\f\\n\\r\\t\\"\\\\"}', "all short escapes")
rc("esc-single-quote", "escape", b'{"description":"\\\'"}', "\\' is rejected by the scanner (though unquote would take it)")
rc("esc-x", "escape", b'{"description":"\\x41"}', "\\x is not a JSON escape")
rc("esc-a", "escape", b'{"description":"\\a"}', "\\a is not a JSON escape")
rc("esc-U", "escape", b'{"description":"\\U0041"}', "\\U is not a JSON escape")
rc("esc-0", "escape", b'{"description":"\\0"}', "\\0 is not a JSON escape")
rc("esc-u-short", "escape", b'{"description":"\\u12"}', "\\u with two hex digits")
rc("esc-u-nonhex", "escape", b'{"description":"\\u12g4"}', "\\u with a non-hex digit")
rc("esc-u-eof", "escape", b'{"description":"\\u12', "\\u cut off by the end of the body")
rc("esc-backslash-eof", "escape", b'{"description":"\\', "backslash at end of body")
rc("esc-in-key", "escape", b'{"n\\u0061me":"x"}', "escaped key still matches name")
rc("esc-in-key-upper", "escape", b'{"\\u004eAME":"x"}', "escaped upper-case key matches name case-insensitively")
rc("esc-surrogate-in-key", "escape", b'{"name\\ud800":"x"}', "lone surrogate in a key: unknown key")
rc("raw-ctrl-01", "escape", b'{"description":"a\x01b"}', "raw control character inside a string")
rc("raw-tab", "escape", b'{"description":"a\tb"}', "raw TAB inside a string")
rc("raw-newline", "escape", b'{"description":"a\nb"}', "raw LF inside a string")
rc("raw-cr", "escape", b'{"description":"a\rb"}', "raw CR inside a string")
rc("raw-del", "escape", b'{"description":"a\x7fb"}', "raw DEL (0x7F) is allowed")
rc("raw-ctrl-in-key", "escape", b'{"na\x1fme":"x"}', "raw control character in a key")

# ---------------------------------------------------------------- numbers into int64 (duration)
NUMS = [
    ("0", "zero"), ("-0", "negative zero is a valid int"), ("-1", "never expires"),
    ("30", "plain"), ("9223372036854775807", "max int64"), ("-9223372036854775808", "min int64"),
    ("9223372036854775808", "max int64 + 1 overflows"), ("-9223372036854775809", "min int64 - 1 overflows"),
    ("18446744073709551616", "2^64"), ("123456789012345678901234567890", "30 digits"),
    ("1.0", "a float literal is not an int64 even if integral"), ("1.5", "fraction"),
    ("1e5", "exponent"), ("1E2", "upper-case exponent"), ("1e+2", "signed exponent"), ("1e-2", "negative exponent"),
    ("0e0", "zero with exponent"), ("-0.0", "negative zero float"),
    ("1e400", "huge exponent (serde_json: out of range)"), ("1E400", "huge exponent, upper-case"),
    ("-1e400", "negative huge exponent"), ("1e-400", "tiny exponent"),
    ("1" + "0" * 400, "400-digit integer"),
    ("00", "leading zero"), ("01", "leading zero"), ("-01", "leading zero after sign"),
    (".5", "no integer part"), ("+1", "leading plus"), ("0x10", "hex"), ("1.", "no fraction digits"),
    ("1e", "no exponent digits"), ("1e+", "sign without exponent digits"), ("-", "sign only"),
    ("--1", "double sign"), ("NaN", "NaN literal"), ("Infinity", "Infinity literal"), ("-Infinity", "-Infinity literal"),
    ("1_000", "underscore"), ("1 2", "two numbers"), ("0.0.0", "two dots"),
]
for i, (lit, why) in enumerate(NUMS):
    rc(f"num-duration-{i:02d}", "number", ('{"duration":' + lit + "}").encode(), f"duration={lit}: {why}")
for lit in ["1e400", "123456789012345678901234567890", "-0", "1.5e-7", "1" + "0" * 400]:
    rc(f"num-unknown-{lit[:12]}-{len(lit)}", "number", ('{"name":"a","extra":' + lit + "}").encode(),
       f"{lit[:20]} in an unknown key: only syntax matters, the value is skipped")
rc("num-in-array-unknown", "number", b'{"extra":[1e400,-0,0.1e-999]}', "odd numbers in an ignored array")
case("num-ptr-duration-overflow", "number", "Robot", b'{"duration":9223372036854775808}', "overflow into *int64")
case("num-ptr-duration-float", "number", "Robot", b'{"duration":2.0}', "float literal into *int64")
case("num-storage-limit-float", "number", "ProjectReq", b'{"project_name":"p","storage_limit":1e3}', "storage_limit 1e3 is not an int64")
case("num-storage-limit-max", "number", "ProjectReq", b'{"project_name":"p","storage_limit":9223372036854775807}', "storage_limit max int64")
case("num-registry-id-neg-zero", "number", "ProjectReq", b'{"project_name":"p","registry_id":-0}', "-0 into *int64")
case("num-role-id-float", "number", "RoleRequest", b'{"role_id":1.0}', "role_id 1.0")
case("num-role-id-big", "number", "RoleRequest", b'{"role_id":99999999999999999999}', "role_id overflow")
case("num-config-ldap-scope", "number", "Configurations", b'{"ldap_scope":2,"ldap_timeout":-0,"token_expiration":30}', "*int64 config fields")
case("num-config-float", "number", "Configurations", b'{"session_timeout":1.5}', "float into *int64 config")
rc("num-top-level", "number", b"5", "a number at top level: type error")
rc("num-top-level-trailing", "number", b"5x", "top-level number followed by garbage: the number ends the value, then type error")
rc("num-top-level-neg-eof", "number", b"-", "top-level '-' then end of body")
rc("num-top-level-float-eof", "number", b"1.", "top-level '1.' then end of body")

# ---------------------------------------------------------------- numbers into strings / bools / structs
rc("type-num-into-string", "type", b'{"name":5}', "number into string: Go does not print the literal")
rc("type-float-into-string", "type", b'{"name":1.5e3}', "float into string")
rc("type-bool-into-string", "type", b'{"name":true}', "bool into string")
rc("type-object-into-string", "type", b'{"name":{}}', "object into string")
rc("type-array-into-string", "type", b'{"name":["a"]}', "array into string")
rc("type-string-into-int", "type", b'{"duration":"30"}', "string into int64")
rc("type-bool-into-int", "type", b'{"duration":true}', "bool into int64")
rc("type-object-into-int", "type", b'{"duration":{}}', "object into int64")
rc("type-array-into-int", "type", b'{"duration":[30]}', "array into int64")
rc("type-string-into-bool", "type", b'{"disable":"true"}', "string into bool")
rc("type-num-into-bool", "type", b'{"disable":1}', "number into bool")
rc("type-num-into-bool-0", "type", b'{"disable":0}', "0 into bool")
rc("type-object-into-bool", "type", b'{"disable":{}}', "object into bool")
rc("type-perms-object", "type", b'{"permissions":{}}', "object into []*RobotPermission")
rc("type-perms-string", "type", b'{"permissions":"x"}', "string into []*RobotPermission")
rc("type-perms-number", "type", b'{"permissions":1}', "number into []*RobotPermission")
rc("type-perms-item-number", "type", b'{"permissions":[1]}', "number into a RobotPermission element")
rc("type-perms-item-string", "type", b'{"permissions":["x"]}', "string into a RobotPermission element")
rc("type-perms-item-array", "type", b'{"permissions":[[]]}', "array into a RobotPermission element")
rc("type-perms-item-true", "type", b'{"permissions":[true]}', "bool into a RobotPermission element")
rc("type-access-object", "type", b'{"permissions":[{"access":{}}]}', "object into []*Access: nested field path")
rc("type-access-item-string", "type", b'{"permissions":[{"access":["x"]}]}', "string into an Access element")
rc("type-access-resource-num", "type", b'{"permissions":[{"access":[{"resource":1}]}]}',
   "number into Access.resource: Go names the innermost struct (Access) and the full field path")
rc("type-access-action-bool", "type", b'{"permissions":[{"kind":"project","access":[{"resource":"r","action":false}]}]}', "bool into Access.action")
rc("type-kind-num", "type", b'{"permissions":[{"kind":1}]}', "number into RobotPermission.kind")
rc("type-second-element", "type", b'{"permissions":[{"kind":"a"},{"kind":2}]}', "error in the second element: same field path, no index")
rc("type-first-error-wins", "type", b'{"duration":"x","name":5}', "two type errors: the first in document order is reported")
rc("type-first-error-wins-2", "type", b'{"name":5,"duration":"x"}', "the same, other order")
rc("type-then-syntax", "type", b'{"duration":"x","name":}', "a syntax error anywhere beats a type error (whole value is scanned first)")
rc("type-error-duplicate-overridden", "type", b'{"duration":"x","duration":5}',
   "the bad value is overridden by a later duplicate, but Go already saved the error")
rc("type-error-in-unknown-ok", "type", b'{"extra":{"duration":"x"}}', "wrong types under an unknown key are never checked")
case("type-public-string", "type", "ProjectReq", b'{"project_name":"p","public":"true"}', "string into *bool: Go prints the element type bool")
case("type-metadata-string", "type", "ProjectReq", b'{"project_name":"p","metadata":"x"}', "string into *ProjectMetadata")
case("type-metadata-array", "type", "ProjectReq", b'{"project_name":"p","metadata":[]}', "array into *ProjectMetadata")
case("type-metadata-public-bool", "type", "ProjectReq", b'{"project_name":"p","metadata":{"public":true}}', "bool into metadata.public (string, as Harbor's API wants \"true\")")
case("type-metadata-autoscan-bool", "type", "ProjectReq", b'{"project_name":"p","metadata":{"auto_scan":true}}', "bool into metadata.auto_scan (*string)")
case("type-metadata-severity-num", "type", "ProjectReq", b'{"project_name":"p","metadata":{"severity":3}}', "number into *string")
case("type-cve-items-id-num", "type", "ProjectReq", b'{"project_name":"p","cve_allowlist":{"items":[{"cve_id":1}]}}', "number into a CVE id: path cve_allowlist.items.cve_id")
case("type-cve-expires-string", "type", "ProjectReq", b'{"project_name":"p","cve_allowlist":{"expires_at":"1"}}', "string into *int64 expires_at")
case("type-member-user-id-string", "type", "ProjectMember", b'{"role_id":1,"member_user":{"user_id":"3"}}', "string into member_user.user_id")
case("type-member-group-type-float", "type", "ProjectMember", b'{"role_id":1,"member_group":{"group_type":1.5}}', "float into member_group.group_type")
case("type-member-user-array", "type", "ProjectMember", b'{"role_id":1,"member_user":[]}', "array into *UserEntity")
case("type-role-id-string", "type", "RoleRequest", b'{"role_id":"1"}', "string into role_id")
case("type-user-email-num", "type", "UserCreationReq", b'{"username":"u","email":1}', "number into email")
case("type-config-bool-string", "type", "Configurations", b'{"self_registration":"true"}', "string into *bool config")
case("type-config-int-string", "type", "Configurations", b'{"ldap_scope":"2"}', "string into *int64 config")
case("type-config-string-num", "type", "Configurations", b'{"auth_mode":1}', "number into *string config")
case("type-config-string-bool", "type", "Configurations", b'{"oidc_name":false}', "bool into *string config")
case("type-sysadmin-string", "type", "UserSysAdminFlag", b'{"sysadmin_flag":"true"}', "string into sysadmin_flag")
case("type-password-num", "type", "PasswordReq", b'{"old_password":"a","new_password":12345678}', "number into new_password")
case("type-robot-id-string", "type", "Robot", b'{"id":"7","name":"x"}', "string into Robot.id")
case("type-robot-editable-null-string", "type", "Robot", b'{"editable":"false"}', "string into Robot.editable")

# ---------------------------------------------------------------- keys
rc("key-upper", "key", b'{"NAME":"a"}', "upper-case key binds")
rc("key-mixed", "key", b'{"NaMe":"a","DuRaTiOn":5}', "mixed-case keys bind")
rc("key-dup-last-wins", "key", b'{"name":"a","name":"b"}', "duplicate key: last wins")
rc("key-dup-case-last-wins", "key", b'{"name":"a","NAME":"b"}', "exact then folded duplicate: last wins")
rc("key-dup-case-last-wins-2", "key", b'{"NAME":"b","name":"a"}', "folded then exact duplicate: last wins")
rc("key-kelvin", "key", '{"permissions":[{"\u212aind":"project"}]}'.encode(), "KELVIN SIGN folds to K: matches kind")
rc("key-long-s", "key", '{"\u017fecret":"x","de\u017fcription":"d"}'.encode(), "LATIN SMALL LETTER LONG S folds to s")
rc("key-long-s-escaped", "key", b'{"\\u017fecret":"x"}', "escaped long s folds to s as well")
rc("key-dotless-i", "key", '{"d\u0131sable":true}'.encode(), "DOTLESS I does not fold to i: unknown key")
rc("key-dotted-I", "key", '{"d\u0130sable":true}'.encode(), "CAPITAL I WITH DOT does not fold to i: unknown key")
rc("key-fullwidth", "key", '{"\uff4eame":"x"}'.encode(), "fullwidth n does not fold: unknown")
rc("key-trailing-space", "key", b'{"name ":"x"}', "key with a trailing space: unknown")
rc("key-underscore-missing", "key", b'{"permission":[]}', "near-miss key: unknown")
rc("key-unknown", "key", b'{"name":"a","unknown":{"deep":[1,2,{"x":null}]}}', "unknown keys and their values are skipped")
rc("key-empty", "key", b'{"":"x","name":"a"}', "empty key: unknown")
rc("key-nested-upper", "key", b'{"PERMISSIONS":[{"KIND":"project","NameSpace":"lib","ACCESS":[{"Resource":"repository","ACTION":"pull"}]}]}', "case-insensitive at every level")
case("key-robot-dup-datetime", "key", "Robot", b'{"creation_time":"bad","creation_time":"2026-08-21T06:00:00Z"}', "a bad date-time overridden by a good duplicate: the UnmarshalJSON error aborts at once")
case("key-config-upper", "key", "Configurations", b'{"AUTH_MODE":"db_auth","Self_Registration":false}', "case-insensitive pointer fields")

# ---------------------------------------------------------------- nulls
rc("null-top", "null", b"null", "top-level null: Go leaves the zero struct, no error")
rc("null-top-spaces", "null", b"  null  ", "top-level null with whitespace")
rc("null-name", "null", b'{"name":null}', "null into string: no-op")
rc("null-duration", "null", b'{"duration":null}', "null into int64: no-op")
rc("null-disable", "null", b'{"disable":null}', "null into bool: no-op")
rc("null-permissions", "null", b'{"permissions":null}', "null into a slice: nil")
rc("null-permission-item", "null", b'{"permissions":[null]}', "null element: a nil *RobotPermission")
rc("null-access-item", "null", b'{"permissions":[{"kind":"project","access":[null,{"resource":"r"}]}]}', "null Access element")
rc("null-access", "null", b'{"permissions":[{"access":null}]}', "null access: nil slice")
rc("empty-permissions", "null", b'{"permissions":[]}', "empty array: an empty, non-nil slice")
rc("null-dup-after-value-int", "null", b'{"duration":5,"duration":null}', "null after a value into int64 keeps the value (null is a no-op)")
rc("null-dup-after-value-string", "null", b'{"name":"a","name":null}', "null after a value into string keeps the value")
rc("null-dup-after-value-slice", "null", b'{"permissions":[{"kind":"a"}],"permissions":null}', "null after a value into a slice clears it")
case("null-dup-after-value-ptr", "null", "Robot", b'{"duration":5,"duration":null}', "null after a value into *int64 clears it")
case("null-robot-duration", "null", "Robot", b'{"duration":null}', "null into *int64: nil")
case("null-robot-datetime", "null", "Robot", b'{"creation_time":null}', "null into strfmt.DateTime: its UnmarshalJSON ignores null")
case("null-public", "null", "ProjectReq", b'{"project_name":"p","public":null}', "null into *bool")
case("null-metadata", "null", "ProjectReq", b'{"project_name":"p","metadata":null}', "null into *ProjectMetadata")
case("null-metadata-fields", "null", "ProjectReq", b'{"project_name":"p","metadata":{"public":null,"auto_scan":null}}', "null metadata fields")
case("null-metadata-dup", "null", "ProjectReq", b'{"metadata":{"public":"true"},"metadata":null}', "null after an object clears the pointer")
case("null-config-all", "null", "Configurations", b'{"auth_mode":null,"self_registration":null,"ldap_scope":null}', "nulls into pointer config fields")
case("null-member-user", "null", "ProjectMember", b'{"role_id":1,"member_user":null}', "null *UserEntity")
case("null-cve-items", "null", "ProjectReq", b'{"cve_allowlist":{"items":[null]}}', "null CVE item")

# ---------------------------------------------------------------- duplicates merge
case("merge-metadata", "merge", "ProjectReq", b'{"metadata":{"public":"true"},"metadata":{"auto_scan":"true"}}',
     "a second object for a struct pointer decodes into the same struct: both fields set")
rc("merge-permissions", "merge", b'{"permissions":[{"kind":"project","namespace":"lib"}],"permissions":[{"kind":"system"}]}',
   "a second array decodes into the existing elements: namespace survives")
rc("merge-permissions-shorter", "merge", b'{"permissions":[{"kind":"a"},{"kind":"b"}],"permissions":[{"namespace":"n"}]}',
   "a shorter second array truncates the slice; the first element is merged")
rc("merge-permissions-null-elem", "merge", b'{"permissions":[{"kind":"a"}],"permissions":[null]}', "null element replaces the pointer")
rc("merge-permissions-empty", "merge", b'{"permissions":[{"kind":"a"}],"permissions":[]}', "empty second array: empty slice")
rc("merge-access", "merge", b'{"permissions":[{"access":[{"resource":"r","action":"pull"}]}],"permissions":[{"access":[{"action":"push"}]}]}',
   "merge reaches nested Access elements")
case("merge-cve", "merge", "ProjectReq", b'{"cve_allowlist":{"id":1,"items":[{"cve_id":"A"}]},"cve_allowlist":{"project_id":2}}', "cve_allowlist merged")
rc("merge-ghost-element", "merge", b'{"permissions":[{"kind":"a"},{"kind":"b"}],"permissions":[{}],"permissions":[{},{}]}',
   "truncation keeps the backing array: a third, longer array decodes into the old second element (kind b comes back)")
rc("merge-ghost-after-grow", "merge", b'{"permissions":[{"kind":"a"}],"permissions":[{},{"kind":"c"}],"permissions":[{}],"permissions":[{},{}]}',
   "growth copies the old elements into a new backing array; ghost semantics follow Go's capacity")
case("merge-member", "merge", "ProjectMember", b'{"member_user":{"user_id":3},"member_user":{"username":"u"}}', "member_user merged")

# ---------------------------------------------------------------- trailing data
rc("trail-garbage", "trailing", b'{"name":"a"}garbage', "anything after the first value is never read")
rc("trail-second-object", "trailing", b'{"name":"a"}{"name":"b"}', "a second value is ignored")
rc("trail-close", "trailing", b'{"name":"a"}}', "an extra closing brace is ignored")
rc("trail-comma", "trailing", b'{"name":"a"},', "a trailing comma is ignored")
rc("trail-invalid-utf8", "trailing", b'{"name":"a"}\xff\xfe', "invalid bytes after the value are ignored")
rc("trail-space-newline", "trailing", b'{"name":"a"} \r\n\t', "trailing whitespace")
rc("trail-null-garbage", "trailing", b"nullx", "top-level null followed by garbage")
rc("trail-true-garbage", "trailing", b"truex", "top-level true then garbage: type error, not syntax")
rc("trail-array-garbage", "trailing", b"[]x", "top-level array then garbage: type error")
rc("trail-string-garbage", "trailing", b'"a"x', "top-level string then garbage: type error")
rc("trail-unterminated-second", "trailing", b'{"name":"a"} {"name":', "an unterminated second value is not read")

# ---------------------------------------------------------------- whitespace, BOM
rc("ws-leading", "whitespace", b' \t\r\n{"name":"a"}', "leading JSON whitespace")
rc("ws-inside", "whitespace", b'{ "name" \t:\n "a" \r, "duration" : 1 }', "whitespace between tokens")
rc("ws-formfeed", "whitespace", b'\x0c{"name":"a"}', "form feed is not JSON whitespace")
rc("ws-vtab", "whitespace", b'{\x0b"name":"a"}', "vertical tab is not JSON whitespace")
rc("ws-nbsp", "whitespace", b'\xc2\xa0{"name":"a"}', "NO-BREAK SPACE is not JSON whitespace: quoted as the byte 0xC2")
rc("ws-nul-byte", "whitespace", b'{"name":"a"\x00}', "NUL byte between tokens")
rc("bom-utf8", "bom", b'\xef\xbb\xbf{"name":"a"}', "UTF-8 BOM: Go rejects it as the character 'ï'")
rc("bom-utf16be", "bom", b'\xfe\xff{"name":"a"}', "UTF-16 BE BOM")
rc("bom-inside-string", "bom", b'{"name":"\xef\xbb\xbfa"}', "a BOM inside a string is an ordinary character")
rc("bom-after-value", "bom", b'{"name":"a"}\xef\xbb\xbf', "a BOM after the value is never read")

# ---------------------------------------------------------------- empty / truncated
rc("empty", "empty", b"", "empty body: io.EOF (Harbor: '<param> in body is required')")
rc("empty-spaces", "empty", b"   ", "whitespace-only body: io.EOF")
rc("empty-newlines", "empty", b"\r\n\n\t", "whitespace-only body: io.EOF")
rc("trunc-brace", "empty", b"{", "unexpected EOF")
rc("trunc-key", "empty", b'{"name"', "unexpected EOF after a key")
rc("trunc-colon", "empty", b'{"name":', "unexpected EOF after a colon")
rc("trunc-value", "empty", b'{"name":"a"', "unexpected EOF after a value")
rc("trunc-comma", "empty", b'{"name":"a",', "unexpected EOF after a comma")
rc("trunc-string", "empty", b'{"name":"a', "unexpected EOF inside a string")
rc("trunc-array", "empty", b"[", "unexpected EOF in an array")
rc("trunc-literal", "empty", b"nul", "unexpected EOF inside a literal")
rc("trunc-true", "empty", b"t", "unexpected EOF inside true")
rc("trunc-number-key", "empty", b'{"duration":12', "unexpected EOF after a number")
rc("trunc-then-spaces", "empty", b'{"name":"a"   ', "unexpected EOF with trailing spaces")

# ---------------------------------------------------------------- top-level types
rc("top-array", "toplevel", b"[]", "array into a struct")
rc("top-array-objects", "toplevel", b'[{"name":"a"}]', "array of objects into a struct")
rc("top-string", "toplevel", b'"name"', "string into a struct")
rc("top-true", "toplevel", b"true", "bool into a struct")
rc("top-false", "toplevel", b"false", "bool into a struct")
case("top-array-project", "toplevel", "ProjectReq", b"[]", "array into models.ProjectReq")
case("top-string-sec", "toplevel", "RobotSec", b'"s"', "string into models.RobotSec")

# ---------------------------------------------------------------- syntax
SYNTAX = [
    ("single-quotes", b"{'name':'a'}", "single-quoted key"),
    ("trailing-comma-object", b'{"name":"a",}', "trailing comma in an object"),
    ("trailing-comma-array", b'{"permissions":[{},]}', "trailing comma in an array"),
    ("missing-colon", b'{"name" "a"}', "missing colon"),
    ("missing-comma", b'{"name":"a" "duration":1}', "missing comma"),
    ("missing-value", b'{"name":}', "missing value"),
    ("unquoted-key", b"{name:1}", "unquoted key"),
    ("comment-block", b'{/* c */"name":"a"}', "comments are not JSON"),
    ("comment-line", b'{"name":"a"// c\n}', "line comment"),
    ("True", b'{"disable":True}', "capitalised literal"),
    ("nul-literal", b'{"disable":nul}', "truncated literal inside an object"),
    ("tru-x", b'{"disable":trux}', "broken literal true"),
    ("fals-x", b'{"disable":falsy}', "broken literal false"),
    ("nulx", b'{"name":nulx}', "broken literal null"),
    ("colon-comma", b'{"name":,}', "comma where a value belongs"),
    ("double-comma", b'{"name":"a",,"duration":1}', "double comma"),
    ("array-missing-comma", b'{"permissions":[{} {}]}', "missing comma in an array"),
    ("close-mismatch", b'{"permissions":[}', "mismatched close"),
    ("close-mismatch-2", b'{"permissions":{]}', "mismatched close"),
    ("key-number", b"{1:2}", "number as key"),
    ("leading-garbage", b'x{"name":"a"}', "garbage before the value"),
    ("leading-close", b"}", "close brace at start"),
    ("only-colon", b":", "colon at start"),
    ("object-in-key", b'{{"a":1}:1}', "object as key"),
    ("string-key-after-comma", b'{"a":1,}', "comma then close"),
    ("key-then-close", b'{"a"}', "key without value"),
    ("escape-outside", b'{\\"name":"a"}', "backslash outside a string"),
]
for sid, body, why in SYNTAX:
    rc("syn-" + sid, "syntax", body, why)

# ---------------------------------------------------------------- depth
def nest_arrays(n):
    return "[" * n + "]" * n


rc("depth-9999-under-key", "depth", ('{"x":' + nest_arrays(9999) + "}").encode(), "depth 10000 counting the outer object: accepted (serde_json stops at 128)")
rc("depth-10000-under-key", "depth", ('{"x":' + nest_arrays(10000) + "}").encode(), "depth 10001: exceeded max depth")
rc("depth-200-under-key", "depth", ('{"x":' + nest_arrays(200) + "}").encode(), "depth 201: fine for Go, beyond serde_json's 128")
rc("depth-127-under-key", "depth", ('{"x":' + nest_arrays(127) + "}").encode(), "depth 128")
rc("depth-128-under-key", "depth", ('{"x":' + nest_arrays(128) + "}").encode(), "depth 129")
rc("depth-objects-300", "depth", ('{"x":' + '{"a":' * 300 + "1" + "}" * 300 + "}").encode(), "300 nested objects")
rc("depth-top-10000", "depth", nest_arrays(10000).encode(), "top-level depth 10000: an array, so a type error")
rc("depth-top-10001", "depth", nest_arrays(10001).encode(), "top-level depth 10001: exceeded max depth")
rc("depth-unclosed-10001", "depth", ("[" * 10001).encode(), "the depth error comes before the end of the body")
rc("depth-unclosed-100", "depth", ("[" * 100).encode(), "unclosed but shallow: unexpected EOF")
rc("depth-in-permissions", "depth", ('{"permissions":[{"access":[' + nest_arrays(200) + "]}]}").encode(), "deep arrays where an Access object belongs: type error")

# ---------------------------------------------------------------- strfmt.DateTime (Robot PUT)
DT = [
    ("rfc3339-millis", "2026-08-21T06:00:00.123Z", "RFC3339Millis"),
    ("rfc3339", "2026-08-21T06:00:00Z", "RFC3339"),
    ("rfc3339-micro-offset", "2026-08-21T06:00:00.123456+00:00", "RFC3339Micro with +00:00"),
    ("rfc3339-nano", "2026-08-21T06:00:00.123456789Z", "RFC3339Nano"),
    ("rfc3339-offset", "2026-08-21T06:00:00+02:00", "positive offset"),
    ("rfc3339-neg-offset", "2026-08-21T06:00:00-05:30", "negative half-hour offset"),
    ("millis-nocolon", "2026-08-21T06:00:00.123+0200", "RFC3339MillisNoColon"),
    ("micro-nocolon", "2026-08-21T06:00:00.123456-0100", "RFC3339MicroNoColon"),
    ("nocolon-nofrac", "2026-08-21T06:00:00+0200", "no fraction and no colon: no layout matches"),
    ("local", "2026-08-21T06:00:00", "ISO8601LocalTime: UTC"),
    ("local-frac", "2026-08-21T06:00:00.5", "fraction after seconds is accepted by any layout"),
    ("local-comma-frac", "2026-08-21T06:00:00,5", "comma fraction"),
    ("rfc-comma-frac", "2026-08-21T06:00:00,123Z", "comma fraction with a zone"),
    ("reduced", "2026-08-21T06:00Z", "ISO8601TimeWithReducedPrecision"),
    ("reduced-local", "2026-08-21T06:00", "ISO8601TimeWithReducedPrecisionLocaltime"),
    ("space", "2026-08-21 06:00:00", "ISO8601TimeUniversalSortableDateTimePattern"),
    ("space-multi", "2026-08-21   06:00:00", "several spaces match the layout's one space"),
    ("date-only", "2026-08-21", "date only"),
    ("empty", "", "empty string: Unix epoch"),
    ("space-only", " ", "one space"),
    ("yesterday", "yesterday", "not a date"),
    ("lower-t", "2026-08-21t06:00:00z", "lower-case t and z"),
    ("feb-30", "2026-02-30", "day out of range"),
    ("feb-29-leap", "2024-02-29", "leap day"),
    ("feb-29-noleap", "2023-02-29", "not a leap year"),
    ("month-13", "2026-13-01", "month out of range"),
    ("month-00", "2026-00-10", "month zero"),
    ("day-00", "2026-01-00", "day zero"),
    ("hour-24", "2026-08-21T24:00:00Z", "hour 24"),
    ("minute-60", "2026-08-21T06:60:00Z", "minute 60"),
    ("second-60", "2026-08-21T06:00:60Z", "leap second is out of range"),
    ("offset-24", "2026-08-21T06:00:00+24:00", "offset hour 24 is accepted"),
    ("offset-25", "2026-08-21T06:00:00+25:00", "offset hour 25 is out of range"),
    ("offset-minus-zero", "2026-08-21T06:00:00-00:00", "-00:00 is UTC"),
    ("many-frac", "2026-08-21T06:00:00.1234567891234Z", "more than nine fraction digits are truncated"),
    ("dot-z", "2026-08-21T06:00:00.Z", "dot without digits"),
    ("short-month", "2026-8-21", "one-digit month"),
    ("plus-year", "+2026-08-21", "signed year"),
    ("year-0", "0000-01-01T00:00:00Z", "year zero"),
    ("trailing-space", "2026-08-21T06:00:00Z ", "trailing space"),
    ("trailing-umlaut", "2026-08-21T06:00:00Zü", "non-ASCII trailing text: time quotes it with \\x escapes"),
    ("single-digit-hour", "2026-08-21T6:00:00Z", "hour takes one digit"),
    ("unix", "1755756000", "unix seconds as a string"),
    ("frac-plus-sign", "2026-08-21T06:00:00.+12Z", "Go's atoi accepts a sign inside a fixed-width fraction: RFC3339Millis reads .+12 as 12 ms"),
    ("frac-minus-sign", "2026-08-21T06:00:00.-12Z", "a negative fraction is a range error in that layout; other layouts decide"),
    ("offset-minute-60", "2026-08-21T06:00:00+05:60", "offset minute 60 is accepted (only > 60 is out of range)"),
    ("offset-bad-sign", "2026-08-21T06:00:00*05:00", "offset sign must be + or -"),
    ("offset-short", "2026-08-21T06:00:00+05", "offset without minutes"),
    ("nano-10-digits-no-zone", "2026-08-21T06:00:00.1234567890", "ten fraction digits, local time"),
]
for did, s, why in DT:
    case("dt-" + did, "datetime", "Robot", ('{"creation_time":' + json.dumps(s, ensure_ascii=False) + "}").encode(), why)
case("dt-invalid-utf8", "datetime", "Robot", b'{"creation_time":"2026-08-21T06:00:00Z\xff"}', "invalid UTF-8 becomes U+FFFD before parsing: quoted as \\xef\\xbf\\xbd")
case("dt-escaped", "datetime", "Robot", b'{"creation_time":"2026\\u002d08-21T06:00:00Z"}', "escapes are decoded before parsing")
case("dt-number", "datetime", "Robot", b'{"creation_time":20260821}', "number into a date-time: DateTime.UnmarshalJSON's own json.Unmarshal error, with Go's field context added")
case("dt-bool", "datetime", "Robot", b'{"update_time":true}', "bool into a date-time")
case("dt-object", "datetime", "Robot", b'{"update_time":{}}', "object into a date-time")
case("dt-array", "datetime", "Robot", b'{"update_time":["2026-08-21"]}', "array into a date-time")
case("dt-after-type-error", "datetime", "Robot", b'{"id":"x","creation_time":"bad"}', "a date-time error aborts decoding and wins over an earlier saved type error")
case("dt-before-type-error", "datetime", "Robot", b'{"creation_time":"bad","id":"x"}', "date-time error first")
case("dt-type-error-then-ok", "datetime", "Robot", b'{"id":"x","creation_time":"2026-08-21T06:00:00Z"}', "a good date-time after a type error: the type error is reported")
case("dt-cve-nested", "datetime", "ProjectReq", b'{"project_name":"p","cve_allowlist":{"creation_time":"bad"}}', "date-time nested in cve_allowlist")
case("dt-cve-nested-num", "datetime", "ProjectReq", b'{"project_name":"p","cve_allowlist":{"update_time":5}}', "number into a nested date-time: which struct does Go name?")
case("dt-both", "datetime", "Robot", b'{"creation_time":"2026-08-21T06:00:00.123Z","update_time":"2026-08-21 06:00:00"}', "both date-times set")

case("dt-after-nested-type-error", "datetime", "ProjectReq", b'{"storage_limit":"x","cve_allowlist":{"items":[1],"creation_time":"bad"}}',
     "after a saved type error nothing is stored, but a nested date-time error still aborts and wins")
case("dt-num-after-type-error", "datetime", "ProjectReq", b'{"storage_limit":"x","cve_allowlist":{"update_time":5}}',
     "the same for a non-string date-time: Go's field context of the nested struct")
rc("type-first-error-in-array", "type", b'{"permissions":[1,{"access":{}}],"name":5}', "the first of three type errors, inside an array")
case("merge-null-then-object", "merge", "ProjectReq", b'{"metadata":{"auto_scan":"true"},"metadata":{"severity":"high"},"metadata":null,"metadata":{"public":"x"}}',
     "null sets the pointer to nil: the last object starts from a fresh struct")

# ---------------------------------------------------------------- other shapes, happy paths
case("robot-put-full", "baseline", "Robot",
     b'{"id":7,"name":"robot$library+ci","description":"d","secret":"s","level":"project","duration":30,"editable":true,'
     b'"disable":false,"expires_at":1758348000,"permissions":[{"kind":"project","namespace":"library","access":[{"resource":"repository","action":"pull"}]}],'
     b'"creator_type":"local","creator_ref":1,"creation_time":"2026-08-21T06:00:00.123Z","update_time":"2026-08-21T06:00:00.123Z"}',
     "the GET object sent back")
case("robotsec-ok", "baseline", "RobotSec", b'{"secret":"Abcdefg1"}', "PATCH body")
case("robotsec-empty", "empty", "RobotSec", b"", "PATCH empty body")
case("project-full", "baseline", "ProjectReq",
     b'{"project_name":"p","public":true,"metadata":{"public":"true","auto_scan":"false","severity":"high"},'
     b'"cve_allowlist":{"items":[{"cve_id":"CVE-2019-10164"}],"expires_at":1700000000},"storage_limit":-1,"registry_id":3}',
     "every ProjectReq field")
case("project-name-256", "baseline", "ProjectReq", ('{"project_name":"' + "a" * 256 + '"}').encode(), "decoding accepts it; Validate (maxLength 255) then fails",
     validate="project_name in body should be at most 255 chars long")
case("member-ok", "baseline", "ProjectMember", b'{"role_id":2,"member_user":{"username":"alice"}}', "add a member by name")
case("member-group", "baseline", "ProjectMember", b'{"role_id":3,"member_group":{"group_name":"g","group_type":1,"ldap_group_dn":"cn=g"}}', "add a group")
case("member-empty", "empty", "ProjectMember", b"  ", "whitespace-only body for a non-required body param: io.EOF (Harbor: parse error 'EOF')")
case("role-ok", "baseline", "RoleRequest", b'{"role_id":4}', "change role")
case("role-empty", "empty", "RoleRequest", b"", "empty body")
case("user-ok", "baseline", "UserCreationReq", b'{"username":"bob","email":"bob@example.com","realname":"Bob","password":"Passw0rd","comment":"c"}', "create user")
case("config-ok", "baseline", "Configurations", b'{"auth_mode":"db_auth","self_registration":false,"robot_token_duration":30,"robot_name_prefix":"robot$"}', "a few configuration fields")
case("config-empty-object", "baseline", "Configurations", b"{}", "all pointers nil")
case("password-ok", "baseline", "PasswordReq", b'{"old_password":"a","new_password":"b"}', "change password")
case("sysadmin-ok", "baseline", "UserSysAdminFlag", b'{"sysadmin_flag":true}', "grant admin")
case("sysadmin-null", "null", "UserSysAdminFlag", b'{"sysadmin_flag":null}', "null into bool")

# ---------------------------------------------------------------- model Validate (maxLength counts runes)
LONG = "at most 255 chars long"
case("validate-name-255-umlauts", "validate", "ProjectReq", ('{"project_name":"' + "\u00fc" * 255 + '"}').encode(),
     "255 runes in 510 bytes: within maxLength (Harbor's name rule then says 400)")
case("validate-name-256-latin1", "validate", "ProjectReq", b'{"project_name":"' + b"\xfc" * 256 + b'"}',
     "256 invalid bytes become 256 U+FFFD: one rune each, too long", validate="project_name in body should be " + LONG)
case("validate-name-255-latin1", "validate", "ProjectReq", b'{"project_name":"' + b"\xfc" * 255 + b'"}',
     "255 U+FFFD (765 bytes once repaired): within maxLength")
case("validate-user-both", "validate", "UserCreationReq",
     ('{"username":"' + "u" * 256 + '","email":"' + "e" * 256 + '","password":"Passw0rd"}').encode(),
     "both too long: go-swagger lists every failure, in field order (email before username)",
     validate="email in body should be " + LONG + "\nusername in body should be " + LONG)
case("validate-user-email-dup", "validate", "UserCreationReq",
     ('{"email":"' + "e" * 256 + '","email":"e@x.org","username":"u"}').encode(),
     "the long value was replaced by a later duplicate before Validate runs")

# ---------------------------------------------------------------- UserProfile (PUT /users/{id})
UP = "UserProfile"
case("profile-ok", "baseline", UP, b'{"email":"bob@example.com","realname":"Bob","comment":"c"}', "update a profile")
case("profile-latin1", "utf8", UP, b'{"email":"bob@example.com","realname":"B\xf6b"}', "Latin-1 in realname: U+FFFD")
case("profile-surrogate", "escape", UP, b'{"email":"bob@example.com","comment":"\\udc00"}', "lone low surrogate in comment")
case("profile-email-num", "type", UP, b'{"email":5}', "number into email")
case("profile-empty", "empty", UP, b" ", "whitespace only: profile in body is required")
case("profile-array", "toplevel", UP, b"[]", "array into models.UserProfile")
case("profile-upper-keys", "key", UP, b'{"EMAIL":"bob@example.com","RealName":"Bob"}', "case-insensitive keys")
case("profile-null-after", "null", UP, b'{"email":"bob@example.com","realname":"Bob","realname":null}', "null keeps the earlier string")

# ---------------------------------------------------------------- bodies the mock stores: read back through the API
SYS = b'"level":"system","duration":30,"permissions":[{"kind":"system","namespace":"/","access":[{"resource":"project","action":"create"}]}]'


def stored(cid, body, why, shape=RC):
    case("stored-" + cid, "stored", shape, body, why)


stored("latin1-description", b'{"name":"s1","description":"M\xfcller",' + SYS + b'}', "goharbor/harbor#16884: the description is stored with U+FFFD")
stored("truncated-utf8", b'{"name":"s2","description":"\xe2\x82x\xff",' + SYS + b'}', "one U+FFFD per bad byte")
stored("lone-surrogate", b'{"name":"s3","description":"\\ud800x\\udc00",' + SYS + b'}', "lone surrogates stored as U+FFFD")
stored("surrogate-pair", b'{"name":"s4","description":"\\ud83d\\ude00",' + SYS + b'}', "a proper pair is one rune")
stored("folded-keys", '{"NAME":"s5","deſcription":"d","LEVEL":"system","DURATION":30,"Permissions":[{"\u212aind":"system","NAMESPACE":"/","Access":[{"RESOURCE":"project","Action":"create"}]}]}'.encode(),
       "keys in any case, long s and Kelvin sign fold")
stored("exact-key-wins", b'{"name":"s6","description":"exact","DESCRIPTION":"upper",' + SYS + b'}', "both keys bind to description: the last wins")
stored("null-after-value", b'{"name":"s7","duration":null,' + SYS + b',"description":"d","description":null}', "null after a value leaves plain fields alone")
stored("merge-permissions", b'{"name":"s8",' + SYS + b',"permissions":[{"access":[{"action":"list"}]}]}',
       "a repeated array decodes into the earlier slice: kind, namespace and resource survive, action changes")
stored("odd-numbers-ignored", b'{"name":"s9","x":[1e400,-0,1' + b"0" * 300 + b'],' + SYS + b'}', "number literals under unknown keys only need to be well-formed")
stored("trailing-garbage", b'{"name":"s10",' + SYS + b'} trailing {"x":', "nothing after the first value is read")
stored("deep-unknown", b'{"name":"s11","x":' + b"[" * 5000 + b"]" * 5000 + b',' + SYS + b'}', "5000 levels under an unknown key")
stored("raw-del-u2028", '{"name":"s12","description":"a\x7fb\u2028c",'.encode() + SYS + b'}', "DEL and U+2028 are ordinary characters")
stored("escaped-key", b'{"n\\u0061me":"s13","\\u0044escription":"e",' + SYS + b'}', "escapes in keys are decoded before matching")
stored("duration-neg-zero-then-value", b'{"name":"s14",' + SYS + b',"duration":-0,"duration":7}', "-0 is an int64; the later value wins")

PUT = b'"name":"robot$gojson","level":"system","duration":30,"permissions":[{"kind":"system","namespace":"/","access":[{"resource":"project","action":"create"}]}]'
R = "Robot"
stored("put-latin1", b'{' + PUT + b',"description":"D\xfcsseldorf","disable":true}', "PUT stores U+FFFD and the flag", R)
stored("put-duration-null", b'{' + PUT + b',"duration":null}', "a nil *int64 keeps the stored duration", R)
stored("put-duration-neg-zero", b'{' + PUT.replace(b'"duration":30', b'"duration":-1') + b',"duration":-0,"duration":5}', "decoded into the same *int64", R)
stored("put-date-only", b'{' + PUT + b',"creation_time":"2026-08-21","update_time":"2026-08-21T6:00:00,5Z"}', "date-times Go accepts and Harbor ignores", R)
stored("put-merge-access", b'{' + PUT + b',"permissions":[{"access":[{"action":"list"},{"resource":"audit-log","action":"list"}]}]}',
       "the first access element merges, a second one is new", R)
stored("sec-latin1", b'{"secret":"Abcdefg1\xff"}', "the secret holds U+FFFD; the robot logs in with it", "RobotSec")
stored("sec-folded", b'{"SECRET":"Abcdefg1x","\\u017fecret":"Abcdefg1y"}', "the later folded key wins", "RobotSec")
stored("project-merge-metadata", b'{"project_name":"gojson-p1","metadata":{"auto_scan":"true"},"METADATA":{"severity":"high"}}',
       "a repeated object decodes into the same struct: both keys kept", "ProjectReq")
stored("project-latin1-meta", b'{"project_name":"gojson-p2","metadata":{"prevent_vul":"tr\xfcue","public":"false"}}', "U+FFFD in a metadata value", "ProjectReq")
stored("member-folded", b'{"ROLE_ID":2,"Member_User":{"USERNAME":"carol"}}', "case-insensitive keys at every level", "ProjectMember")
stored("role-null-after", b'{"role_id":3,"role_id":null}', "null after a value leaves role_id at 3", "RoleRequest")
stored("user-latin1", b'{"username":"dave","email":"dave@example.com","password":"Passw0rd","realname":"D\xe4ve","comment":"\\ud800"}',
       "U+FFFD in realname and comment", "UserCreationReq")
stored("profile-latin1", b'{"email":"bob@example.com","realname":"B\xf6b","comment":"a\\u00fcb"}', "U+FFFD and an escape", UP)
stored("password-folded", b'{"NEW_PASSWORD":"Newpassw0rd"}', "the admin sets another user's password", "PasswordReq")
stored("sysadmin-null-after", b'{"sysadmin_flag":true,"sysadmin_flag":null}', "null after true leaves true", "UserSysAdminFlag")
stored("config-null-clears", b'{"read_only":true,"READ_ONLY":null,"banner_message":"M\xfcller"}',
       "a pointer set to nil by a later null is not a change; U+FFFD stored", "Configurations")

for c in CASES:
    sys.stdout.write(json.dumps(c, ensure_ascii=False) + "\n")
print(f"{len(CASES)} cases", file=sys.stderr)
