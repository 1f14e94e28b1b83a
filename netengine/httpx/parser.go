package httpx

import "bytes"

// Parser reads pipelined requests from a byte stream (RFC 9112 §2–§7).
// It is not safe for concurrent use; one Parser serves one connection.
type Parser struct {
	buf []byte
	off int // first unconsumed byte of buf

	// head scanning state, so a head that arrives byte by byte is scanned once
	scan      int // bytes after off already scanned
	lines     int // complete lines seen in the current head
	lineStart int // offset (from off) of the current line
	leading   int // empty lines skipped before the current request-line

	// body framing of the previous request, still being skipped
	bodyLeft int64 // Content-Length bytes left to skip
	chunk    chunkState
	chunkBuf int // bytes of the current chunk line/trailer already scanned

	req    Request
	fields []Field
	err    *Error
}

type chunkState uint8

const (
	chunkNone    chunkState = iota
	chunkSize               // reading chunk-size [chunk-ext] CRLF
	chunkData               // skipping chunk-data (bodyLeft bytes)
	chunkDataEnd            // expecting CRLF after chunk-data
	chunkTrailer            // reading trailer field lines until an empty line
)

const (
	maxChunkLine    = 4096
	maxTrailerBytes = 16 << 10
)

// Feed appends bytes read from the connection. Requests returned by Next
// before this call become invalid.
func (p *Parser) Feed(data []byte) {
	if p.off > 0 {
		n := copy(p.buf, p.buf[p.off:])
		p.buf = p.buf[:n]
		p.off = 0
	}
	p.buf = append(p.buf, data...)
}

// Buffered is the number of bytes fed and not yet consumed.
func (p *Parser) Buffered() int { return len(p.buf) - p.off }

// Reset forgets all state but keeps the buffers for reuse.
func (p *Parser) Reset() {
	buf, fields := p.buf[:0], p.fields[:0]
	*p = Parser{buf: buf, fields: fields}
}

// Next returns the next complete request, or (nil, nil) when more bytes
// are needed. An error is always an *Error (use errors.As): after one,
// every later call returns the same error, and the connection must be
// answered with its Status and closed.
func (p *Parser) Next() (*Request, error) {
	if p.err == nil && p.skipBody() {
		r, err := p.nextHead()
		if err == nil {
			return r, nil
		}
		p.err = err
	}
	if p.err != nil {
		return nil, p.err
	}
	return nil, nil // never p.err itself while nil: a nil *Error is a non-nil error
}

// skipBody consumes the body of the previous request. It reports whether
// the body is fully consumed.
func (p *Parser) skipBody() bool {
	for {
		avail := p.buf[p.off:]
		// why: a loop over a state machine, so a chunked body split at any
		// byte resumes where the last Feed left off (RFC 9112 §7.1).
		switch p.chunk {
		case chunkNone:
			if p.bodyLeft == 0 {
				return true
			}
			n := int64(len(avail))
			if n > p.bodyLeft {
				n = p.bodyLeft
			}
			p.off += int(n)
			p.bodyLeft -= n
			return p.bodyLeft == 0
		case chunkSize:
			i := bytes.IndexByte(avail, '\n')
			if i < 0 {
				if len(avail) > maxChunkLine {
					p.err = errf(400, "chunk line too long")
				}
				return false
			}
			line := avail[:i]
			p.off += i + 1
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
			}
			size, ok := parseChunkSize(line)
			if !ok {
				p.err = errf(400, "bad chunk size")
				return false
			}
			if size == 0 {
				p.chunk, p.chunkBuf = chunkTrailer, 0
			} else {
				p.chunk, p.bodyLeft = chunkData, size
			}
		case chunkData:
			n := int64(len(avail))
			if n > p.bodyLeft {
				n = p.bodyLeft
			}
			p.off += int(n)
			p.bodyLeft -= n
			if p.bodyLeft > 0 {
				return false
			}
			p.chunk = chunkDataEnd
		case chunkDataEnd:
			if len(avail) == 0 {
				return false
			}
			if avail[0] == '\n' {
				p.off++
			} else if avail[0] == '\r' {
				if len(avail) < 2 {
					return false
				}
				if avail[1] != '\n' {
					p.err = errf(400, "bare CR after chunk data")
					return false
				}
				p.off += 2
			} else {
				p.err = errf(400, "chunk data longer than its size")
				return false
			}
			p.chunk = chunkSize
		case chunkTrailer:
			i := bytes.IndexByte(avail, '\n')
			if i < 0 {
				if p.chunkBuf+len(avail) > maxTrailerBytes {
					p.err = errf(431, "trailer section too large")
				}
				return false
			}
			line := avail[:i]
			p.off += i + 1
			p.chunkBuf += i + 1
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
			}
			if len(line) == 0 {
				p.chunk = chunkNone
				return true
			}
			if p.chunkBuf > maxTrailerBytes {
				p.err = errf(431, "trailer section too large")
				return false
			}
			if _, _, e := parseFieldLine(line); e != nil {
				p.err = e
				return false
			}
		}
	}
}

// parseChunkSize parses chunk-size [chunk-ext] (RFC 9112 §7.1).
func parseChunkSize(line []byte) (int64, bool) {
	var n int64
	i := 0
	for ; i < len(line); i++ {
		c := line[i]
		var d byte
		// why: hex digits end at the first other byte, where the optional
		// chunk-ext begins; goto leaves the loop from inside the switch.
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			goto ext
		}
		if i >= 15 {
			return 0, false
		}
		n = n<<4 | int64(d)
	}
ext:
	if i == 0 {
		return 0, false
	}
	rest := line[i:]
	for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
		rest = rest[1:]
	}
	if len(rest) > 0 {
		if rest[0] != ';' {
			return 0, false
		}
		for _, c := range rest {
			if !fieldVChar[c] {
				return 0, false
			}
		}
	}
	return n, true
}

// nextHead finds and parses the next request head.
func (p *Parser) nextHead() (*Request, *Error) {
	// RFC 9112 §2.2: ignore a few empty lines before the request-line.
	if p.scan == 0 {
		for ; p.leading < maxLeadingCRLF; p.leading++ {
			avail := p.buf[p.off:]
			if len(avail) >= 1 && avail[0] == '\n' {
				p.off++
			} else if len(avail) >= 2 && avail[0] == '\r' && avail[1] == '\n' {
				p.off += 2
			} else {
				break
			}
		}
		if a := p.buf[p.off:]; len(a) == 1 && a[0] == '\r' {
			return nil, nil // maybe the start of another empty line
		}
	}
	avail := p.buf[p.off:]
	for {
		i := bytes.IndexByte(avail[p.scan:], '\n')
		if i < 0 {
			p.scan = len(avail)
			if p.lines == 0 && p.scan > MaxRequestLine+1 {
				return nil, errf(414, "request-line too long")
			}
			if p.scan > MaxHeaderBytes {
				return nil, errf(431, "request head too large")
			}
			return nil, nil
		}
		end := p.scan + i // index of '\n'
		line := avail[p.lineStart:end]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		p.scan = end + 1
		p.lineStart = p.scan
		if p.lines == 0 && len(line) > MaxRequestLine {
			return nil, errf(414, "request-line too long")
		}
		if p.scan > MaxHeaderBytes+2 {
			return nil, errf(431, "request head too large")
		}
		if len(line) == 0 && p.lines > 0 {
			head := avail[:p.scan]
			p.off += p.scan
			p.scan, p.lines, p.lineStart, p.leading = 0, 0, 0, 0
			return p.parseHead(head)
		}
		p.lines++
		if p.lines > MaxHeaderFields+1 {
			return nil, errf(431, "too many header fields")
		}
	}
}

// parseHead parses a complete head (request-line, field lines, empty line).
func (p *Parser) parseHead(head []byte) (*Request, *Error) {
	r := &p.req
	*r = Request{Raw: head}
	p.fields = p.fields[:0]
	rest := head
	nextLine := func() []byte {
		i := bytes.IndexByte(rest, '\n')
		line := rest[:i]
		rest = rest[i+1:]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		return line
	}
	if err := parseRequestLine(r, nextLine()); err != nil {
		return nil, err
	}
	var (
		hosts    int
		haveCL   bool
		haveTE   bool
		sawClose bool
		sawKeep  bool
	)
	for {
		line := nextLine()
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			return nil, errf(400, "obsolete line folding")
		}
		name, value, err := parseFieldLine(line)
		if err != nil {
			return nil, err
		}
		p.fields = append(p.fields, Field{Name: name, Value: value})
		// why: switching on the length first compares each name with at
		// most two candidates instead of all ten (a hot path per field).
		switch len(name) {
		case 4:
			if equalFold(name, "host") {
				hosts++
				if !validHost(value) {
					return nil, errf(400, "invalid Host")
				}
				r.Host = value
			}
		case 5:
			if equalFold(name, "range") {
				r.Range = value
			}
		case 6:
			if equalFold(name, "accept") {
				r.Accept = value
			}
		case 8:
			if equalFold(name, "if-range") {
				r.IfRange = value
			}
		case 10:
			if equalFold(name, "connection") {
				r.Connection = value
				if HasToken(value, "close") {
					sawClose = true
				}
				if HasToken(value, "keep-alive") {
					sawKeep = true
				}
			}
		case 13:
			if equalFold(name, "if-none-match") {
				r.IfNoneMatch = value
			}
		case 14:
			if equalFold(name, "content-length") {
				n, ok := parseContentLength(value)
				if !ok {
					return nil, errf(400, "invalid Content-Length")
				}
				if haveCL && n != r.ContentLength {
					return nil, errf(400, "conflicting Content-Length")
				}
				haveCL, r.ContentLength = true, n
			}
		case 15:
			if equalFold(name, "accept-encoding") {
				r.AcceptEncoding = value
			}
		case 17:
			if equalFold(name, "if-modified-since") {
				r.IfModifiedSince = value
			} else if equalFold(name, "transfer-encoding") {
				if haveTE || !equalFold(value, "chunked") {
					return nil, errf(501, "unsupported Transfer-Encoding")
				}
				haveTE, r.Chunked = true, true
			}
		}
	}
	r.Fields = p.fields
	if haveTE {
		if haveCL {
			return nil, errf(400, "both Content-Length and Transfer-Encoding")
		}
		if r.Minor == 0 {
			return nil, errf(400, "Transfer-Encoding in HTTP/1.0")
		}
		r.ContentLength = -1
		p.chunk = chunkSize
	} else {
		p.bodyLeft = r.ContentLength
	}
	if r.Minor >= 1 && hosts != 1 {
		return nil, errf(400, "HTTP/1.1 needs exactly one Host")
	}
	if hosts > 1 {
		return nil, errf(400, "more than one Host")
	}
	if r.Minor >= 1 {
		r.KeepAlive = !sawClose
	} else {
		r.KeepAlive = sawKeep && !sawClose
	}
	return r, nil
}

// parseRequestLine: method SP request-target SP HTTP-version (§3).
func parseRequestLine(r *Request, line []byte) *Error {
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 <= 0 {
		return errf(400, "malformed request-line")
	}
	r.Method = line[:sp1]
	for _, c := range r.Method {
		if !tchar[c] {
			return errf(400, "invalid method")
		}
	}
	rest := line[sp1+1:]
	sp2 := bytes.IndexByte(rest, ' ')
	if sp2 <= 0 {
		return errf(400, "malformed request-line")
	}
	r.Target = rest[:sp2]
	for i, c := range r.Target {
		if !targetChar[c] {
			return errf(400, "invalid request-target")
		}
		if c == '%' && (i+2 >= len(r.Target) || !isHex(r.Target[i+1]) || !isHex(r.Target[i+2])) {
			return errf(400, "invalid percent-encoding in request-target")
		}
	}
	v := rest[sp2+1:]
	if len(v) != 8 || string(v[:5]) != "HTTP/" || v[6] != '.' || !isDigit(v[5]) || !isDigit(v[7]) {
		return errf(400, "malformed HTTP-version")
	}
	r.Major, r.Minor = int(v[5]-'0'), int(v[7]-'0')
	if r.Major != 1 {
		return errf(505, "HTTP version not supported")
	}
	t := r.Target
	// why: the four request-target forms of RFC 9112 §3.2; an empty case
	// accepts its form, anything else is not a request-target.
	switch {
	case t[0] == '/':
	case len(t) == 1 && t[0] == '*':
		if string(r.Method) != "OPTIONS" {
			return errf(400, "asterisk-form is only for OPTIONS")
		}
	case hasSchemePrefix(t):
	case string(r.Method) == "CONNECT":
	default:
		return errf(400, "invalid request-target")
	}
	return nil
}

func hasSchemePrefix(t []byte) bool {
	return (len(t) > 7 && equalFold(t[:7], "http://")) || (len(t) > 8 && equalFold(t[:8], "https://"))
}

// parseFieldLine: field-name ":" OWS field-value OWS (§5).
func parseFieldLine(line []byte) (name, value []byte, err *Error) {
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return nil, nil, errf(400, "malformed field line")
	}
	name = line[:colon]
	for _, c := range name {
		if !tchar[c] {
			return nil, nil, errf(400, "invalid field name")
		}
	}
	value = trimOWS(line[colon+1:])
	for _, c := range value {
		if !fieldVChar[c] {
			return nil, nil, errf(400, "invalid field value")
		}
	}
	return name, value, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func parseContentLength(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// validHost checks the Host value's characters (uri-host [":" port]).
func validHost(v []byte) bool {
	for _, c := range v {
		if !hostChar[c] {
			return false
		}
	}
	return true
}

var hostChar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-32] = true
	}
	for _, c := range "-._~!$&'()*+,;=:[]%" {
		t[c] = true
	}
	return
}()
