package httpx

import (
	"bufio"
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// parseAll feeds in and returns every request (as copies) and the error.
func parseAll(t testing.TB, in string, step int) ([]string, *Error) {
	var p Parser
	var out []string
	data := []byte(in)
	for len(data) > 0 {
		n := step
		if n <= 0 || n > len(data) {
			n = len(data)
		}
		p.Feed(data[:n])
		data = data[n:]
		for {
			r, err := p.Next()
			if err != nil {
				var perr *Error
				if !errors.As(err, &perr) {
					t.Fatalf("Next returned %T, not *Error: %v", err, err)
				}
				return out, perr
			}
			if r == nil {
				break
			}
			out = append(out, string(r.Method)+" "+string(r.Target)+" "+r.ProtoString())
		}
	}
	return out, nil
}

func TestParserCases(t *testing.T) {
	long := strings.Repeat("a", MaxRequestLine)
	many := strings.Repeat("X-A: 1\r\n", MaxHeaderFields+1)
	big := strings.Repeat("X-Big: "+strings.Repeat("b", 1000)+"\r\n", 66)
	cases := []struct {
		name, in string
		reqs     int
		status   int
	}{
		{"simple", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 1, 0},
		{"bare LF accepted", "GET / HTTP/1.1\nHost: a\n\n", 1, 0},
		{"leading CRLF ignored", "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 1, 0},
		{"pipelined", "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\nHEAD /c HTTP/1.0\r\n\r\n", 3, 0},
		{"body skipped", "GET /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\nHost: a\r\n\r\n", 2, 0},
		{"chunked skipped", "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: 1\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n", 2, 0},
		{"same CL twice ok", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n", 1, 0},
		{"differing CL", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 0, 400},
		{"CL list", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 1\r\n\r\n", 0, 400},
		{"CL and TE", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 0, 400},
		{"TE in 1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 0, 400},
		{"TE gzip", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 0, 501},
		{"bare CR in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 0, 400},
		{"bare CR in line", "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", 0, 400},
		{"obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", 0, 400},
		{"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 0, 400},
		{"no host 1.1", "GET / HTTP/1.1\r\n\r\n", 0, 400},
		{"two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 0, 400},
		{"no host 1.0 ok", "GET / HTTP/1.0\r\n\r\n", 1, 0},
		{"HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 0, 505},
		{"HTTP/1.2 is 1.x", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", 1, 0},
		{"lower-case version", "GET / http/1.1\r\nHost: a\r\n\r\n", 0, 400},
		{"double space", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 0, 400},
		{"relative target", "GET a HTTP/1.1\r\nHost: a\r\n\r\n", 0, 400},
		{"asterisk OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 1, 0},
		{"asterisk GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 0, 400},
		{"absolute form", "GET http://a/b HTTP/1.1\r\nHost: a\r\n\r\n", 1, 0},
		{"NUL in target", "GET /\x00 HTTP/1.1\r\nHost: a\r\n\r\n", 0, 400},
		{"request-line 8K ok", "GET /" + long[1:] + " HTTP/1.1\r\nHost: a\r\n\r\n", 0, 414},
		{"request-line too long", "GET /" + long + " HTTP/1.1\r\nHost: a\r\n\r\n", 0, 414},
		{"too many fields", "GET / HTTP/1.1\r\nHost: a\r\n" + many + "\r\n", 0, 431},
		{"head too big", "GET / HTTP/1.1\r\nHost: a\r\n" + big + "\r\n", 0, 431},
		{"bad chunk size", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 1, 400},
	}
	// "request-line 8K ok": method+SP+target+SP+version is over 8 KiB, so 414 too;
	// a line of exactly MaxRequestLine bytes is accepted:
	exact := "GET /" + strings.Repeat("a", MaxRequestLine-len("GET / HTTP/1.1")) + " HTTP/1.1\r\nHost: a\r\n\r\n"
	cases = append(cases, struct {
		name, in string
		reqs     int
		status   int
	}{"request-line exactly 8K", exact, 1, 0})
	for _, c := range cases {
		for _, step := range []int{0, 1, 7} {
			reqs, err := parseAll(t, c.in, step)
			st := 0
			if err != nil {
				st = err.Status
			}
			if len(reqs) != c.reqs || st != c.status {
				t.Errorf("%s (step %d): got %d requests, status %d (%v); want %d, %d", c.name, step, len(reqs), st, err, c.reqs, c.status)
			}
		}
	}
}

func TestKeepAliveRules(t *testing.T) {
	cases := []struct {
		in   string
		keep bool
	}{
		{"GET / HTTP/1.1\r\nHost: a\r\n\r\n", true},
		{"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", false},
		{"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n", false},
		{"GET / HTTP/1.0\r\n\r\n", false},
		{"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true},
	}
	for _, c := range cases {
		var p Parser
		p.Feed([]byte(c.in))
		r, err := p.Next()
		if err != nil || r == nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		if r.KeepAlive != c.keep {
			t.Errorf("%q: keep-alive %v, want %v", c.in, r.KeepAlive, c.keep)
		}
	}
}

func TestKnownFields(t *testing.T) {
	var p Parser
	p.Feed([]byte("GET /x HTTP/1.1\r\nhost: h:1\r\nRANGE: bytes=0-1\r\nIf-None-Match: \"a\"\r\nIf-Modified-Since: Wed, 21 Oct 2015 07:28:00 GMT\r\nAccept-Encoding: gzip\r\nAccept: application/json\r\nIf-Range: \"a\"\r\n\r\n"))
	r, err := p.Next()
	if err != nil {
		t.Fatal(err)
	}
	got := []string{string(r.Host), string(r.Range), string(r.IfNoneMatch), string(r.IfModifiedSince), string(r.AcceptEncoding), string(r.Accept), string(r.IfRange), string(r.Get("ACCEPT"))}
	want := []string{"h:1", "bytes=0-1", `"a"`, "Wed, 21 Oct 2015 07:28:00 GMT", "gzip", "application/json", `"a"`, "application/json"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("field %d: %q, want %q", i, got[i], want[i])
		}
	}
	if _, ok := ParseTime(r.IfModifiedSince); !ok {
		t.Error("ParseTime failed")
	}
}

func TestDateCached(t *testing.T) {
	a := Date()
	if len(a) != 29 || !bytes.HasSuffix(a, []byte(" GMT")) {
		t.Fatalf("Date() = %q", a)
	}
}

// FuzzParser checks that the parser never panics, that feeding byte by
// byte gives the same result as feeding at once, and that every request
// it accepts is accepted by net/http.ReadRequest with the same method,
// target, version and Host (our parser may be stricter, never looser).
func FuzzParser(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /a?b=c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: b\r\n\r\n",
		"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET http://a/b HTTP/1.1\r\nHost: a\r\nX: y\r\n z\r\n\r\n",
		"GET /%2e%2e/etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		whole, errW := parseAll(t, string(data), 0)
		split, errS := parseAll(t, string(data), 1)
		if strings.Join(whole, "|") != strings.Join(split, "|") || (errW == nil) != (errS == nil) {
			t.Fatalf("whole %q %v vs byte by byte %q %v", whole, errW, split, errS)
		}
		if errW != nil && errS != nil && errW.Status != errS.Status {
			t.Fatalf("status whole %d vs split %d", errW.Status, errS.Status)
		}
		// Differential check of the first request.
		var p Parser
		p.Feed(data)
		r, err := p.Next()
		if err != nil || r == nil {
			return
		}
		raw := bytes.TrimLeft(r.Raw, "\r\n")
		req, gerr := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if gerr != nil {
			t.Fatalf("we accepted %q, net/http refused: %v", raw, gerr)
		}
		if req.Method != string(r.Method) || req.RequestURI != string(r.Target) || req.ProtoMajor != r.Major || req.ProtoMinor != r.Minor {
			t.Fatalf("mismatch: net/http %s %s %d.%d vs ours %s %s %d.%d", req.Method, req.RequestURI, req.ProtoMajor, req.ProtoMinor, r.Method, r.Target, r.Major, r.Minor)
		}
		if req.Close == r.KeepAlive {
			t.Fatalf("keep-alive mismatch for %q: net/http Close=%v, ours KeepAlive=%v", raw, req.Close, r.KeepAlive)
		}
		if r.Host != nil && req.Host != string(r.Host) && !hasSchemePrefix(r.Target) {
			t.Fatalf("host mismatch: %q vs %q", req.Host, r.Host)
		}
		if !r.Chunked && req.ContentLength != r.ContentLength {
			t.Fatalf("content-length mismatch: %d vs %d", req.ContentLength, r.ContentLength)
		}
	})
}

// TestNextNeedsMoreIsNilError: "need more bytes" is a nil error interface,
// also while a body is being skipped (issue 16.4: a nil *Error returned as
// error is not nil), and a parse error is an *Error found with errors.As.
func TestNextNeedsMoreIsNilError(t *testing.T) {
	var p Parser
	var err error
	p.Feed([]byte("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n123"))
	if _, err = p.Next(); err != nil {
		t.Fatalf("first request: %v", err)
	}
	for _, in := range []string{"", "45", "6789"} { // the body is still arriving
		p.Feed([]byte(in))
		var r *Request
		if r, err = p.Next(); r != nil || err != nil {
			t.Fatalf("after %q: %v, %#v (a typed nil is not nil)", in, r, err)
		}
	}
	p.Feed([]byte("0GET /b HTTP/1.1\r\nHost: a\r\n\r\n"))
	if r, err := p.Next(); err != nil || r == nil || string(r.Target) != "/b" {
		t.Fatalf("after the body: %v %v", r, err)
	}
	p.Feed([]byte("GET /c HTTP/2.0\r\nHost: a\r\n\r\n"))
	_, err = p.Next()
	var perr *Error
	if !errors.As(err, &perr) || perr.Status != 505 {
		t.Fatalf("bad version: %v", err)
	}
	if _, again := p.Next(); again != err {
		t.Fatalf("later calls: %v, want the same error", again)
	}
}
