package loadgen

import (
	"bytes"
	"errors"
	"io"
)

// respParser reads one response at a time from bytes as they arrive, in
// pieces of any size, without allocating: both the event-driven and the
// goroutine generator feed it, so they count alike.
//
// HTTP: status line, headers, then a body framed by Content-Length,
// chunked encoding or the end of the connection; 1xx interim responses
// (but 101) are skipped. tcp://: the echo of the request, compared byte by
// byte.
type respParser struct {
	echo []byte // tcp:// mode: what must come back; nil for HTTP

	st      parseState
	got     int    // tcp://: bytes of the echo received
	carry   []byte // a line split across pieces, reused
	status  int
	keep    bool
	chunked bool
	length  int64 // Content-Length (-1: none), then bytes of body or chunk left
}

type parseState uint8

const (
	stStatus    parseState = iota // status line
	stHeader                      // header lines until the blank one
	stBody                        // length more body bytes
	stChunkSize                   // chunk-size line
	stChunkData                   // length more bytes of chunk data and its CR LF
	stTrailer                     // trailer lines until the blank one
	stUntilEOF                    // body ends with the connection
	stDone
)

// maxLine bounds one status, header or chunk-size line.
const maxLine = 16 << 10

var errProtocol = errors.New("loadgen: bad response")

func newParser(mode string, echo []byte) respParser {
	p := respParser{}
	if mode == "tcp" {
		p.echo = echo
	}
	p.reset()
	return p
}

// reset prepares for the next response.
func (p *respParser) reset() {
	p.st, p.got, p.carry = stStatus, 0, p.carry[:0]
	p.status, p.keep, p.chunked, p.length = 0, false, false, -1
}

// feed consumes b up to the end of the current response: n bytes, done
// once the response is complete (b[n:] is then what came after it).
func (p *respParser) feed(b []byte) (n int, done bool, err error) {
	if p.echo != nil {
		k := min(len(b), len(p.echo)-p.got)
		if !bytes.Equal(b[:k], p.echo[p.got:p.got+k]) {
			return 0, false, errProtocol
		}
		p.got += k
		return k, p.got == len(p.echo), nil
	}
	for n < len(b) && p.st != stDone {
		switch p.st {
		case stBody, stChunkData:
			k := int(min(int64(len(b)-n), p.length))
			n += k
			p.length -= int64(k)
			if p.length == 0 {
				if p.st == stBody {
					p.st = stDone
				} else {
					p.st = stChunkSize
				}
			}
		case stUntilEOF:
			n = len(b)
		default:
			i := bytes.IndexByte(b[n:], '\n')
			if i < 0 {
				if len(p.carry)+len(b)-n > maxLine {
					return n, false, errProtocol
				}
				p.carry = append(p.carry, b[n:]...)
				return len(b), false, nil
			}
			line := b[n : n+i+1]
			n += i + 1
			if len(p.carry)+len(line) > maxLine {
				return n, false, errProtocol
			}
			if len(p.carry) > 0 {
				p.carry = append(p.carry, line...)
				line = p.carry
			}
			err = p.line(line)
			p.carry = p.carry[:0]
			if err != nil {
				return n, false, err
			}
		}
	}
	return n, p.st == stDone, nil
}

// eof is called when the connection ends during a response: complete if
// the body runs to the end of the connection, an error otherwise.
func (p *respParser) eof() error {
	if p.echo == nil && p.st == stUntilEOF {
		p.st = stDone
		return nil
	}
	return io.ErrUnexpectedEOF
}

func (p *respParser) line(line []byte) error {
	switch p.st {
	case stStatus:
		if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
			return errProtocol
		}
		s, ok := parseUint(line[9:12], 10)
		if !ok {
			return errProtocol
		}
		p.status, p.keep = int(s), line[7] == '1'
		p.st = stHeader
	case stHeader:
		if line[0] != 'c' && line[0] != 'C' && line[0] != 't' && line[0] != 'T' && line[0] > ' ' {
			// Not one of the three headers that matter: only check its shape.
			if bytes.IndexByte(line, ':') < 0 {
				return errProtocol
			}
			return nil
		}
		h := bytes.TrimSpace(line)
		if len(h) == 0 {
			p.endHeaders()
			return nil
		}
		name, v, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			return errProtocol
		}
		v = bytes.TrimSpace(v)
		switch {
		case equalFold(name, "content-length"):
			n, ok := parseUint(v, 10)
			if !ok {
				return errProtocol
			}
			p.length = n
		case equalFold(name, "transfer-encoding"):
			p.chunked = containsFold(v, "chunked")
		case equalFold(name, "connection"):
			if containsFold(v, "close") {
				p.keep = false
			} else if containsFold(v, "keep-alive") {
				p.keep = true
			}
		}
	case stChunkSize:
		sz, _, _ := bytes.Cut(line, []byte(";"))
		n, ok := parseUint(bytes.TrimSpace(sz), 16)
		if !ok {
			return errProtocol
		}
		if n == 0 {
			p.st = stTrailer
		} else {
			p.length, p.st = n+2, stChunkData
		}
	case stTrailer:
		if len(bytes.TrimSpace(line)) == 0 {
			p.st = stDone
		}
	}
	return nil
}

func (p *respParser) endHeaders() {
	switch {
	case p.status >= 100 && p.status < 200 && p.status != 101:
		// Interim response: the real one follows.
		p.status, p.keep, p.chunked, p.length, p.st = 0, false, false, -1, stStatus
	case p.status == 204 || p.status == 304 || p.status < 200:
		p.st = stDone
	case p.chunked:
		p.st = stChunkSize
	case p.length == 0:
		p.st = stDone
	case p.length > 0:
		p.st = stBody
	default:
		p.st, p.keep = stUntilEOF, false
	}
}

// parseUint parses a non-empty run of base-10 or base-16 digits.
func parseUint(b []byte, base int64) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		var d int64
		switch {
		case c >= '0' && c <= '9':
			d = int64(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = int64(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = int64(c-'A') + 10
		default:
			return 0, false
		}
		n = n*base + d
	}
	return n, true
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalFold reports whether b equals the lower-case ASCII s, ignoring case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if lower(b[i]) != s[i] {
			return false
		}
	}
	return true
}

// containsFold reports whether b contains the lower-case ASCII s, ignoring case.
func containsFold(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if equalFold(b[i:i+len(s)], s) {
			return true
		}
	}
	return false
}
