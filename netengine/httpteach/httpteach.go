// Package httpteach reads HTTP/1.x messages the way a teacher does: leniently,
// pointing at each part (start line, headers, the blank line, the body) and
// at the classic mistakes students make when they type a message by hand.
// It is not a server's parser (see netengine/httpserve for that). Texts
// meant for people are English keys the UI translates.
package httpteach

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Kind is what the first line says the message is.
type Kind int

const (
	// Unknown: the first line is neither a request line nor a status line.
	Unknown Kind = iota
	RequestKind
	ResponseKind
)

// Header is one header line.
type Header struct {
	Name, Value string
	// Explain is a one-line English explanation for common headers, or "".
	Explain string
	// Line is the 1-based line number in the message.
	Line int
	// End is how the line ended, as an escape: `\r\n`, `\n`, or "" when
	// the line is unfinished.
	End string
}

// Problem is a mistake found in the message.
type Problem struct {
	// Code is stable: "no-blank-line", "lone-lf", "lone-cr",
	// "content-length", "bad-start-line", "bad-header", "no-host".
	Code string
	// Text is an English sentence (a translation key); Args fill its template.
	Text string
	Args map[string]any
	Line int
}

// Message is an analysed HTTP message.
type Message struct {
	Kind Kind
	// StartLine is the first line without its line ending; StartEnd and
	// BlankEnd are the endings of the start line and of the blank line
	// (`\r\n`, `\n` or "").
	StartLine               string
	StartEnd, BlankEnd      string
	Method, Target, Version string
	StatusCode              int
	Reason                  string
	Headers                 []Header
	// BlankLine reports whether the empty line that ends the headers arrived.
	BlankLine bool
	// HeaderBytes is the length of start line + headers + blank line.
	HeaderBytes int
	Body        []byte
	// ContentLength is the declared length, or -1.
	ContentLength int
	Problems      []Problem
}

// Get returns the first header named name (case-insensitive).
func (m *Message) Get(name string) (string, bool) {
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// Complete reports whether the whole message arrived: the blank line and,
// with Content-Length, every body byte.
func (m *Message) Complete() bool {
	if !m.BlankLine {
		return false
	}
	return m.ContentLength < 0 || len(m.Body) >= m.ContentLength
}

// LooksLikeHTTP reports whether p starts like an HTTP request or response,
// so the UI can offer the HTTP view.
func LooksLikeHTTP(p []byte) bool {
	line := p
	if i := bytes.IndexAny(p, "\r\n"); i >= 0 {
		line = p[:i]
	}
	s := string(line)
	if strings.HasPrefix(s, "HTTP/") {
		return true
	}
	f := strings.Fields(s)
	if len(f) >= 2 && methods[f[0]] {
		return len(f) == 2 || strings.HasPrefix(f[2], "HTTP/") || len(p) == len(line)
	}
	return false
}

var methods = map[string]bool{"GET": true, "POST": true, "HEAD": true, "PUT": true, "DELETE": true,
	"OPTIONS": true, "PATCH": true, "CONNECT": true, "TRACE": true}

// Explanations of common headers (English keys; the UI translates them).
var Explanations = map[string]string{
	"host":                      "Which site the client wants: the name and port it typed. Required in HTTP/1.1.",
	"connection":                "keep-alive: reuse this TCP connection for more requests (long connection); close: close it after this response (short connection).",
	"user-agent":                "Which browser or program sent the request.",
	"accept":                    "Which content types the client can handle, in order of preference (q=).",
	"accept-encoding":           "Compressions the client understands (gzip, deflate, br); the server may compress the body with one.",
	"accept-language":           "The user's preferred languages, e.g. zh-CN,zh;q=0.9.",
	"cache-control":             "Caching rules: max-age=0 asks to revalidate, no-cache/no-store forbid using a stored copy.",
	"content-type":              "The type of the body and its character set, e.g. text/html; charset=utf-8.",
	"content-length":            "The size of the body in bytes (not characters): the receiver reads exactly this many bytes after the blank line.",
	"content-encoding":          "How the body is compressed (gzip): the receiver must decompress it.",
	"upgrade-insecure-requests": "The browser prefers an HTTPS version of the page if there is one.",
	"referer":                   "The page that linked to this request.",
	"cookie":                    "Cookies the browser stored for this site, sent back with each request.",
	"set-cookie":                "Asks the browser to store a cookie.",
	"server":                    "Which server software answered.",
	"date":                      "When the response was generated (GMT).",
	"location":                  "Where to go instead (with a 3xx redirect status).",
	"transfer-encoding":         "chunked: the body comes in pieces, each preceded by its size, instead of a Content-Length.",
	"keep-alive":                "Parameters of a long connection: idle timeout and maximum number of requests.",
	"sec-fetch-mode":            "Browser security metadata: how the request was made (navigate, cors…).",
	"if-modified-since":         "Conditional request: send the body only if it changed since this date (else 304).",
	"if-none-match":             "Conditional request: send the body only if its ETag differs (else 304).",
	"etag":                      "A version tag of the resource, used by If-None-Match.",
	"last-modified":             "When the resource last changed, used by If-Modified-Since.",
}

// Analyze reads p as an HTTP/1.x message. It never fails: what it cannot
// read becomes a Problem.
func Analyze(p []byte) *Message {
	m := &Message{ContentLength: -1}
	pos, lineNo := 0, 0
	ending := "" // the current line's ending as an escape: `\r\n`, `\n` or ""
	for pos < len(p) {
		lineNo++
		end := bytes.IndexByte(p[pos:], '\n')
		var raw []byte
		next := len(p)
		if end >= 0 {
			raw = p[pos : pos+end]
			next = pos + end + 1
			if len(raw) > 0 && raw[len(raw)-1] == '\r' {
				raw = raw[:len(raw)-1]
				ending = `\r\n`
			} else {
				ending = `\n`
				m.problem("lone-lf", "Line {{.Line}} ends with LF only; HTTP wants CR LF (\\r\\n).", lineNo)
			}
		} else {
			raw = p[pos:]
			ending = ""
		}
		if i := bytes.IndexByte(raw, '\r'); i >= 0 {
			m.problem("lone-cr", "Line {{.Line}} contains a lone CR (\\r) that does not end the line.", lineNo)
		}
		line := string(raw)
		if end < 0 { // unfinished last line
			if lineNo == 1 {
				m.startLine(line)
				m.StartEnd = ending
			} else if line != "" {
				m.header(line, lineNo)
				m.Headers[len(m.Headers)-1].End = ending
			}
			pos = len(p)
			break
		}
		pos = next
		if lineNo == 1 {
			m.startLine(line)
			m.StartEnd = ending
			continue
		}
		if line == "" {
			m.BlankLine = true
			m.BlankEnd = ending
			break
		}
		m.header(line, lineNo)
		m.Headers[len(m.Headers)-1].End = ending
	}
	m.HeaderBytes = pos
	if m.BlankLine {
		m.Body = p[pos:]
	}
	if v, ok := m.Get("Content-Length"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			m.problemArgs("content-length", "Content-Length {{.Value}} is not a number of bytes.", 0, map[string]any{"Value": v})
		} else {
			m.ContentLength = n
			if m.BlankLine && len(m.Body) > n {
				m.problemArgs("content-length", "Content-Length says {{.Declared}} bytes but the body has {{.Actual}}: the extra bytes will be read as the next message.", 0,
					map[string]any{"Declared": n, "Actual": len(m.Body)})
			}
		}
	} else if m.Kind == ResponseKind && m.BlankLine && len(m.Body) > 0 {
		if _, chunked := m.Get("Transfer-Encoding"); !chunked {
			m.problem("content-length", "No Content-Length: the browser only knows the body ended when the connection closes (close it after sending).", 0)
		}
	}
	if !m.BlankLine && len(p) > 0 {
		m.problem("no-blank-line", "The blank line (an empty line, CR LF) after the headers is missing: the receiver keeps waiting for more headers.", 0)
	}
	if m.Kind == RequestKind && strings.HasPrefix(m.Version, "HTTP/1.1") && m.BlankLine {
		if _, ok := m.Get("Host"); !ok {
			m.problem("no-host", "HTTP/1.1 requests must have a Host header.", 0)
		}
	}
	return m
}

// BodyShort reports whether fewer body bytes than Content-Length arrived.
// That is normal while a message is still arriving, a mistake in a message
// about to be sent.
func (m *Message) BodyShort() bool {
	return m.BlankLine && m.ContentLength >= 0 && len(m.Body) < m.ContentLength
}

func (m *Message) problem(code, text string, line int) {
	m.problemArgs(code, text, line, map[string]any{"Line": line})
}

func (m *Message) problemArgs(code, text string, line int, args map[string]any) {
	for _, p := range m.Problems { // one per code is enough for a student
		if p.Code == code {
			return
		}
	}
	m.Problems = append(m.Problems, Problem{Code: code, Text: text, Args: args, Line: line})
}

func (m *Message) startLine(line string) {
	m.StartLine = line
	f := strings.Fields(line)
	switch {
	case len(f) >= 2 && strings.HasPrefix(f[0], "HTTP/"):
		m.Kind = ResponseKind
		m.Version = f[0]
		code, err := strconv.Atoi(f[1])
		if err != nil || code < 100 || code > 999 {
			m.problemArgs("bad-start-line", "The status line should look like HTTP/1.1 200 OK.", 1, nil)
		}
		m.StatusCode = code
		if len(f) > 2 {
			m.Reason = strings.Join(f[2:], " ")
		}
	case len(f) == 3 && strings.HasPrefix(f[2], "HTTP/"):
		m.Kind = RequestKind
		m.Method, m.Target, m.Version = f[0], f[1], f[2]
	default:
		m.problemArgs("bad-start-line", "The first line should be a request line (GET / HTTP/1.1) or a status line (HTTP/1.1 200 OK).", 1, nil)
	}
}

func (m *Message) header(line string, n int) {
	i := strings.IndexByte(line, ':')
	if i <= 0 {
		m.problemArgs("bad-header", "Line {{.Line}} is not a header (Name: value). Did you forget the blank line before the body?", n, map[string]any{"Line": n})
		m.Headers = append(m.Headers, Header{Name: "", Value: line, Line: n})
		return
	}
	name := line[:i]
	h := Header{Name: name, Value: strings.TrimSpace(line[i+1:]), Line: n}
	h.Explain = Explanations[strings.ToLower(strings.TrimSpace(name))]
	m.Headers = append(m.Headers, h)
}

// String is a short summary for logs.
func (m *Message) String() string {
	switch m.Kind {
	case RequestKind:
		return fmt.Sprintf("%s %s %s (%d headers, %d body bytes)", m.Method, m.Target, m.Version, len(m.Headers), len(m.Body))
	case ResponseKind:
		return fmt.Sprintf("%s %d %s (%d headers, %d body bytes)", m.Version, m.StatusCode, m.Reason, len(m.Headers), len(m.Body))
	}
	return "not HTTP"
}
