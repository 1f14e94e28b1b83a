// Package httpx is NetLab's own HTTP/1.1 message layer: an incremental,
// strict request parser and a small response writer. Names follow RFC 9112
// (request-line, field-line, message framing) and RFC 9110 (semantics).
//
// The parser never blocks and never allocates per byte: bytes are fed as
// they arrive (Parser.Feed) and complete requests are taken out with
// Parser.Next. A Request points into the parser's buffer and is valid until
// the next call to Feed.
package httpx

import "strconv"

// Limits of the parser (RFC 9112 §2.3, RFC 6585 §5).
const (
	// MaxRequestLine is the longest request-line accepted; longer → 414.
	MaxRequestLine = 8 << 10
	// MaxHeaderBytes is the longest request head (request-line + field
	// lines); longer → 431.
	MaxHeaderBytes = 64 << 10
	// MaxHeaderFields is the most field lines accepted; more → 431.
	MaxHeaderFields = 100
	// maxLeadingCRLF: empty lines tolerated before a request-line (§2.2).
	maxLeadingCRLF = 8
)

// Field is one field line (name: value) of a request head, with OWS trimmed.
type Field struct {
	Name, Value []byte
}

// Request is one parsed request head. Its byte slices point into the
// parser's buffer: they are valid until the next Parser.Feed.
type Request struct {
	// Method is the method token, case-sensitive (GET ≠ get).
	Method []byte
	// Target is the request-target exactly as sent (origin-form "/a?b",
	// asterisk-form "*", absolute-form "http://h/a", authority-form "h:1").
	Target []byte
	// Major and Minor are the HTTP-version digits.
	Major, Minor int
	// Fields are all field lines in order.
	Fields []Field
	// Raw is the whole request head including the final empty line.
	Raw []byte

	// Values of the fields the server needs, found while parsing.
	Host, Connection, IfModifiedSince, IfNoneMatch, Range, IfRange, Accept, AcceptEncoding []byte
	// ContentLength is the body length, -1 when the body is chunked, 0 when none.
	ContentLength int64
	// Chunked: Transfer-Encoding: chunked.
	Chunked bool
	// KeepAlive: the connection stays open after the response (HTTP/1.1
	// without "Connection: close", HTTP/1.0 with "Connection: keep-alive").
	KeepAlive bool
}

// MethodIs reports whether the method equals m.
func (r *Request) MethodIs(m string) bool { return string(r.Method) == m }

// Get returns the value of the first field called name (case-insensitive).
func (r *Request) Get(name string) []byte {
	for i := range r.Fields {
		if equalFold(r.Fields[i].Name, name) {
			return r.Fields[i].Value
		}
	}
	return nil
}

// ProtoString is "HTTP/1.1" etc.
func (r *Request) ProtoString() string {
	return "HTTP/" + strconv.Itoa(r.Major) + "." + strconv.Itoa(r.Minor)
}

// Error is a request the parser rejects; Status is the response code to
// send (400, 414, 431, 501, 505) before closing the connection.
type Error struct {
	Status int
	Reason string
}

func (e *Error) Error() string { return "httpx: " + strconv.Itoa(e.Status) + " " + e.Reason }

func errf(status int, reason string) *Error { return &Error{Status: status, Reason: reason} }

// token characters (RFC 9110 §5.6.2): tchar.
var tchar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-32] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return
}()

// fieldVChar: bytes allowed inside a field-value (VCHAR, obs-text, SP, HTAB).
var fieldVChar = func() (t [256]bool) {
	for c := 0x21; c <= 0xff; c++ {
		t[c] = c != 0x7f
	}
	t[' '] = true
	t['\t'] = true
	return
}()

// targetChar: bytes allowed in a request-target (visible ASCII).
var targetChar = func() (t [256]bool) {
	for c := 0x21; c < 0x7f; c++ {
		t[c] = true
	}
	return
}()

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 32
	}
	return c
}

func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		if lower(b[i]) != lower(s[i]) {
			return false
		}
	}
	return true
}

// HasToken reports whether the comma-separated list v contains token t
// (case-insensitive), e.g. HasToken("keep-alive, Upgrade", "upgrade").
func HasToken(v []byte, t string) bool {
	for len(v) > 0 {
		i := 0
		for i < len(v) && v[i] != ',' {
			i++
		}
		if equalFold(trimOWS(v[:i]), t) {
			return true
		}
		if i == len(v) {
			break
		}
		v = v[i+1:]
	}
	return false
}

func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}
