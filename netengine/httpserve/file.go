package httpserve

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"time"

	"github.com/netlab-classroom/netlab/netengine/httpx"
)

// segment is a piece of a response body: bytes in memory or a file range.
type segment struct {
	mem    []byte
	off, n int64
}

func (s segment) size() int64 {
	if s.mem != nil {
		return int64(len(s.mem))
	}
	return s.n
}

// zeroCopier is implemented by connections whose SendFile does not copy
// the file through user space (epoll: sendfile(2)).
type zeroCopier interface{ ZeroCopy() bool }

// sendFileAbove: cached bodies this big go out with SendFile where that
// is zero-copy. Below it, copying from memory costs less than the open,
// dup and close that sendfile needs.
const sendFileAbove = 128 << 10

var boundary = func() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "netlab" + hex.EncodeToString(b[:])
}()

func gzETag(etag string) string { return etag[:len(etag)-1] + `-gz"` }

// serveFile answers GET or HEAD for a regular file, with conditional
// requests, ranges and gzip.
func (hc *hconn) serveFile(r *httpx.Request, m *fileMeta) {
	s := hc.s
	etag, size, data, file, enc := m.etag, m.size, m.data, m.rel, ""
	comp := compressible(m.ctype)
	if comp && r.Range == nil && r.AcceptEncoding != nil && acceptsGzip(r.AcceptEncoding) {
		if m.gz != nil {
			data, size, enc, etag = m.gz, int64(len(m.gz)), "gzip", gzETag(etag)
		} else if m.data == nil {
			if fi, err := s.root.Stat(m.rel + ".gz"); err == nil && fi.Mode().IsRegular() {
				file, size, enc, etag = m.rel+".gz", fi.Size(), "gzip", gzETag(etag)
			}
		}
	}
	validators := func() {
		hc.out = append(hc.out, "Last-Modified: "...)
		hc.out = append(hc.out, m.lastMod...)
		hc.out = append(hc.out, "\r\nETag: "...)
		hc.out = append(hc.out, etag...)
		hc.out = append(hc.out, "\r\n"...)
		if comp {
			hc.out = append(hc.out, "Vary: Accept-Encoding\r\n"...)
		}
	}
	// Conditional requests (RFC 9110 §13.2.2 order).
	if (r.IfNoneMatch != nil && checkIfNoneMatch(r.IfNoneMatch, etag)) ||
		(r.IfNoneMatch == nil && r.IfModifiedSince != nil && checkIfModifiedSince(r.IfModifiedSince, m.mod)) {
		rs := hc.begin(r, 304)
		validators()
		hc.endHead(rs, 0)
		hc.finish(rs, 0, hc.out[rs.headStart:])
		return
	}
	var ranges []byteRange
	if r.Range != nil && enc == "" && (r.IfRange == nil || checkIfRange(r.IfRange, etag, m.mod)) {
		list, ok := parseRange(string(r.Range), size)
		if ok && len(list) == 0 {
			hc.errorResponse(r, 416, "", "Content-Range", "bytes */"+strconv.FormatInt(size, 10))
			return
		}
		if ok {
			ranges = list
		}
	}
	status := 200
	if ranges != nil {
		status = 206
	}
	rs := hc.begin(r, status)
	var segs []segment
	switch {
	case len(ranges) == 1:
		hc.out = httpx.AppendField(hc.out, "Content-Type", m.ctype)
		hc.out = httpx.AppendField(hc.out, "Content-Range", contentRange(ranges[0], size))
		segs = []segment{{off: ranges[0].start, n: ranges[0].length}}
	case len(ranges) > 1:
		hc.out = httpx.AppendField(hc.out, "Content-Type", "multipart/byteranges; boundary="+boundary)
		for i, br := range ranges {
			pre := ""
			if i > 0 {
				pre = "\r\n"
			}
			part := pre + "--" + boundary + "\r\nContent-Type: " + m.ctype + "\r\nContent-Range: " + contentRange(br, size) + "\r\n\r\n"
			segs = append(segs, segment{mem: []byte(part)}, segment{off: br.start, n: br.length})
		}
		segs = append(segs, segment{mem: []byte("\r\n--" + boundary + "--\r\n")})
	default:
		hc.out = httpx.AppendField(hc.out, "Content-Type", m.ctype)
		segs = []segment{{off: 0, n: size}}
	}
	hc.out = append(hc.out, "Accept-Ranges: bytes\r\n"...)
	if enc != "" {
		hc.out = append(hc.out, "Content-Encoding: gzip\r\n"...)
	}
	validators()
	var total, fileBytes int64
	for _, sg := range segs {
		total += sg.size()
		if sg.mem == nil {
			fileBytes += sg.n
		}
	}
	hc.endHead(rs, total)
	head := hc.out[rs.headStart:]
	if r.MethodIs("HEAD") {
		hc.finish(rs, 0, head)
		return
	}
	// data is the file's own bytes when enc is "", its gzip form otherwise.
	// A cached body goes out with SendFile only where that is zero-copy:
	// the portable engine's SendFile reads the file again, which costs
	// more than writing the bytes we hold (measured: 509 against 326–372 µs
	// of server CPU per 1 MiB request).
	zc, _ := hc.c.(zeroCopier)
	useSend := data == nil || enc == "" && fileBytes >= sendFileAbove && zc != nil && zc.ZeroCopy()
	if !useSend { // the whole representation is in memory
		if total > 32<<10 { // big: hand the cached bytes to the engine directly
			head = append([]byte(nil), head...)
			hc.flush()
		}
		for _, sg := range segs {
			b := sg.mem
			if b == nil {
				b = data[sg.off : sg.off+sg.n]
			}
			if total > 32<<10 {
				_ = hc.c.Write(b)
				hc.s.bytesOut.Add(int64(len(b)))
			} else {
				hc.out = append(hc.out, b...)
			}
		}
		hc.finish(rs, total, head)
		return
	}
	f, err := s.root.Open(file)
	if err != nil {
		// The head is already queued; the connection cannot be saved.
		hc.out = hc.out[:rs.headStart]
		hc.errorResponse(r, 404, "")
		return
	}
	hc.sendSegments(rs, f, segs, head)
}

// sendSegments queues the head, then segs with SendFile for file ranges:
// nothing is copied here, and f can be closed at once (the engine holds its
// own descriptor; epoll sends with sendfile(2), portable copies from its
// writer goroutine, so memory stays bounded however large the file). What is waiting in hc.out (this response's head, maybe
// earlier pipelined answers) and the small parts between ranges go out as
// the prefix of the next file range, in the same TCP segments as its first
// bytes. Queued file bytes count in Buffered, which serveLocked watches
// before answering pipelined requests.
func (hc *hconn) sendSegments(rs *response, f *os.File, segs []segment, head []byte) {
	if hc.s.cfg.LogRaw {
		head = append([]byte(nil), head...) // hc.out is reused below
	}
	prefix := hc.out
	hc.s.bytesOut.Add(int64(len(prefix)))
	var sent int64
	var err error
	for _, sg := range segs {
		if sg.mem != nil {
			prefix = append(prefix, sg.mem...)
		} else {
			err = hc.c.SendFile(prefix, f, sg.off, sg.n)
			prefix = prefix[:0]
		}
		if err != nil {
			break
		}
		sent += sg.size()
	}
	if err == nil && len(prefix) > 0 {
		err = hc.c.Write(prefix)
	}
	hc.out = prefix[:0]
	if cap(hc.out) > 512<<10 {
		hc.out = nil
	}
	f.Close()
	hc.s.bytesOut.Add(sent)
	if err != nil {
		hc.done = true
		_ = hc.c.Abort()
	}
	hc.finish(rs, sent, head)
}

const stallTimeout = 60 * time.Second

// waitQueue blocks until the engine's queue holds at most limit bytes,
// polling with a growing pause (the engine API has no "drained" callback).
// It fails when the connection closed or the queue made no progress for
// stallTimeout.
func (hc *hconn) waitQueue(limit int) error {
	lastProgress, lastBuffered := time.Now(), -1
	wait := 20 * time.Microsecond
	for {
		if hc.closed.Load() {
			return os.ErrClosed
		}
		b := hc.c.Buffered()
		if b <= limit {
			return nil
		}
		if b != lastBuffered {
			lastBuffered, lastProgress = b, time.Now()
		} else if time.Since(lastProgress) > stallTimeout {
			return os.ErrDeadlineExceeded
		}
		time.Sleep(wait)
		if wait < 2*time.Millisecond {
			wait *= 2
		}
	}
}

// pipelineQueue: with pipelined requests waiting, the next answer is
// prepared only once the engine's queue is at most this big, so a client
// that pipelines many large downloads in one packet cannot make the server
// queue them all (memory, or one descriptor per file with SendFile).
const pipelineQueue = 1 << 20

// drainThenServe waits for the queue to drain to pipelineQueue, then
// answers the pipelined requests.
func (hc *hconn) drainThenServe() {
	err := hc.waitQueue(pipelineQueue)
	hc.mu.Lock()
	defer hc.mu.Unlock()
	hc.now = time.Now()
	hc.busy = false
	if err != nil {
		hc.done = true
		_ = hc.c.Abort()
		return
	}
	hc.serveLocked()
}
