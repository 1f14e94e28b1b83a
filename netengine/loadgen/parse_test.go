package loadgen

import (
	"strings"
	"testing"
)

type parsed struct {
	status int
	keep   bool
	n      int // bytes consumed
	err    bool
	done   bool
}

// parseIn feeds resp to a fresh parser in the given pieces.
func parseIn(mode string, echo []byte, pieces []string) parsed {
	p := newParser(mode, echo)
	used := 0
	for _, piece := range pieces {
		n, done, err := p.feed([]byte(piece))
		used += n
		if err != nil {
			return parsed{err: true}
		}
		if done {
			return parsed{status: p.status, keep: p.keep, n: used, done: true}
		}
	}
	if p.eof() == nil {
		return parsed{status: p.status, keep: p.keep, n: used, done: true}
	}
	return parsed{status: p.status, n: used}
}

// Every way of cutting a response in two or three pieces gives the same
// result as the response in one piece: bytes arrive in pieces of any size.
func TestParserAnySplit(t *testing.T) {
	cases := []struct {
		resp string
		want parsed
	}{
		{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", parsed{200, true, 43, false, true}},
		{"HTTP/1.1 200 OK\r\ncontent-length:0\r\nConnection: close\r\n\r\n", parsed{200, false, 56, false, true}},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-T: y\r\n\r\n", parsed{200, true, 95, false, true}},
		{"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi", parsed{200, true, 63, false, true}},
		{"HTTP/1.0 200 OK\r\n\r\nto the end", parsed{200, false, 29, false, true}},
		{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", parsed{204, true, 52, false, true}},
		{"HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", parsed{304, true, 50, false, true}},
		{"HTTP/1.1 404 Not Found\nContent-Length: 1\n\nx", parsed{404, true, 43, false, true}},
		{"SSH-2.0-OpenSSH\r\n", parsed{err: true}},
		{"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", parsed{err: true}},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", parsed{err: true}},
		{"HTTP/1.1 200 OK\r\nbroken header\r\n\r\n", parsed{err: true}},
		{"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort", parsed{status: 200, n: 43}}, // the connection ended early
	}
	for _, c := range cases {
		if c.want.done {
			c.want.n = len(c.resp) // complete responses are consumed whole
		}
		if got := parseIn("http", nil, []string{c.resp}); got != c.want {
			t.Errorf("%q in one piece: %+v, want %+v", c.resp, got, c.want)
			continue
		}
		for i := 0; i <= len(c.resp); i++ {
			for j := i; j <= len(c.resp); j++ {
				got := parseIn("http", nil, []string{c.resp[:i], c.resp[i:j], c.resp[j:]})
				if got != c.want {
					t.Fatalf("%q cut at %d and %d: %+v, want %+v", c.resp, i, j, got, c.want)
				}
			}
		}
	}
}

// feed stops at the end of a response and reports where: what follows
// belongs to no request (the generator never pipelines).
func TestParserStopsAtEnd(t *testing.T) {
	p := newParser("http", nil)
	resp := "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
	n, done, err := p.feed([]byte(resp + "HTTP/1.1 200 OK\r\n"))
	if n != len(resp) || !done || err != nil {
		t.Fatalf("n %d done %v err %v", n, done, err)
	}
	p.reset()
	if n, done, _ := p.feed([]byte(resp)); n != len(resp) || !done {
		t.Fatal("reset parser does not parse again")
	}
}

func TestParserLimits(t *testing.T) {
	long := "HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", maxLine) + "\r\n\r\n"
	for _, pieces := range [][]string{{long}, {long[:100], long[100:]}} {
		if got := parseIn("http", nil, pieces); !got.err {
			t.Errorf("a header line over %d bytes accepted: %+v", maxLine, got)
		}
	}
}

func TestParserEcho(t *testing.T) {
	echo := []byte("ping\n")
	if got := parseIn("tcp", echo, []string{"pi", "ng\n"}); !got.done || got.n != 5 {
		t.Errorf("echo in pieces: %+v", got)
	}
	if got := parseIn("tcp", echo, []string{"pong\n"}); !got.err {
		t.Errorf("wrong echo accepted: %+v", got)
	}
	if got := parseIn("tcp", echo, []string{"pin"}); got.done || got.err {
		t.Errorf("short echo: %+v", got)
	}
}

// Parsing a response costs no allocation.
func TestParserAllocs(t *testing.T) {
	resp := []byte("HTTP/1.1 200 OK\r\nServer: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello")
	chunked := []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
	p := newParser("http", nil)
	allocs := testing.AllocsPerRun(1000, func() {
		for _, r := range [][]byte{resp, chunked} {
			p.reset()
			if _, done, err := p.feed(r[:20]); done || err != nil {
				panic("early")
			}
			if _, done, err := p.feed(r[20:]); !done || err != nil {
				panic("not done")
			}
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per response", allocs)
	}
}
