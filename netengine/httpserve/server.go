// Package httpserve is NetLab's static web server: it serves one folder
// over HTTP/1.1 on a netengine.Engine, using the httpx parser. Nothing
// outside the folder is ever served: paths are cleaned before the file
// system is touched, and every file access goes through os.Root, which
// refuses symbolic links that leave the folder.
package httpserve

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/httpx"
)

// Config describes a server. Zero values pick the defaults.
type Config struct {
	// Dir is the folder to serve.
	Dir string
	// NoListing turns directory listings off (404 instead).
	NoListing bool
	// NoKeepAlive closes the connection after every response.
	NoKeepAlive bool
	// Dotfiles serves names starting with "." (hidden and refused by default).
	Dotfiles bool
	// HeaderTimeout bounds the time a request head may take to arrive
	// (slowloris); default 10 s. IdleTimeout closes idle keep-alive
	// connections; default DefaultIdleTimeout.
	HeaderTimeout, IdleTimeout time.Duration
	// MaxConns caps open connections (default 1024); extra ones get 503.
	MaxConns int
	// Loops is passed to the engine (event loops; 0 = one per CPU).
	Loops int
	// CacheFile is the biggest file kept in memory (default 1 MiB),
	// CacheTotal the memory for all of them (default 32 MiB); CacheCheck is
	// how long a cached file is trusted before its size and mtime are
	// checked again (default 1 s; negative: check every time).
	CacheFile, CacheTotal int64
	CacheCheck            time.Duration
	// Log, when set, is called after every response, on the engine's
	// goroutine: it must not block.
	Log func(*Entry)
	// LogRaw also copies the raw request and response heads into Entry.
	LogRaw bool
	// AccessLog, when set, gets a common-log-format line per response:
	// complete, batched and formatted off the event loop.
	AccessLog *AccessLog
}

// EntryKind says what an Entry records.
type EntryKind uint8

const (
	// KindRequest: a response (every field is set).
	KindRequest EntryKind = iota
	// KindIdleClose: the server closed a keep-alive connection that stayed
	// idle for IdleTimeout (Time, ConnID, Client, Requests and Duration,
	// the idle time, are set).
	KindIdleClose
)

// DefaultIdleTimeout is how long a keep-alive connection may stay idle
// before the server closes it, unless Config.IdleTimeout says otherwise.
const DefaultIdleTimeout = 30 * time.Second

// Entry is one access-log record.
type Entry struct {
	Kind EntryKind
	Time time.Time
	// ConnID numbers the server's connections in the order they were
	// accepted (1, 2, …): requests with the same number reused one
	// connection.
	ConnID uint64
	// Client is the peer's address with its port.
	Client   string
	Method   string
	Target   string
	Proto    string
	Status   int
	Bytes    int64 // body bytes sent
	Duration time.Duration
	// Request and Response are the raw heads (with LogRaw).
	Request, Response []byte
	// Requests is the number answered on the connection (KindIdleClose).
	Requests int
}

// Stats are the server's live counters.
type Stats struct {
	Requests int64
	Open     int64 // connections open now
	Accepted int64
	Rejected int64 // refused by the connection cap
	BytesOut int64 // head and body bytes queued
	Status   [6]int64
}

// Server serves one folder.
type Server struct {
	cfg   Config
	root  *os.Root
	cache *fileCache
	ln    netengine.Listener

	requests, open, accepted, rejected, bytesOut atomic.Int64
	status                                       [6]atomic.Int64
}

// New opens the folder. Close releases it.
func New(cfg Config) (*Server, error) {
	if cfg.HeaderTimeout <= 0 {
		cfg.HeaderTimeout = 10 * time.Second
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = 1024
	}
	if cfg.CacheFile <= 0 {
		cfg.CacheFile = 1 << 20
	}
	if cfg.CacheTotal <= 0 {
		cfg.CacheTotal = 32 << 20
	}
	if cfg.CacheCheck == 0 {
		cfg.CacheCheck = time.Second
	}
	fi, err := os.Stat(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", cfg.Dir)
	}
	root, err := os.OpenRoot(cfg.Dir)
	if err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, root: root, cache: newFileCache(cfg.CacheFile, cfg.CacheTotal)}, nil
}

// Config returns the configuration in use (with defaults filled in).
func (s *Server) Config() Config { return s.cfg }

// Listen starts serving on addr with eng.
func (s *Server) Listen(eng netengine.Engine, addr string) (netengine.Listener, error) {
	ln, err := eng.Listen("tcp", addr, s, netengine.Options{
		Loops:       s.cfg.Loops,
		IdleTimeout: s.cfg.HeaderTimeout,
		MaxConns:    s.cfg.MaxConns + 64, // our own cap answers 503 first
	})
	if err != nil {
		return nil, err
	}
	s.ln = ln
	return ln, nil
}

// Close stops the listener (if any) and releases the folder.
func (s *Server) Close() error {
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	if e := s.root.Close(); err == nil {
		err = e
	}
	return err
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	st := Stats{Requests: s.requests.Load(), Open: s.open.Load(), Accepted: s.accepted.Load(), Rejected: s.rejected.Load(), BytesOut: s.bytesOut.Load()}
	for i := range st.Status {
		st.Status[i] = s.status[i].Load()
	}
	return st
}

// hconn is one HTTP connection.
type hconn struct {
	s      *Server
	c      netengine.Conn
	client string
	num    uint64 // ConnID
	served int    // responses finished

	mu        sync.Mutex
	p         httpx.Parser
	out       []byte
	busy      bool // waiting for the queue to drain before more pipelined answers
	done      bool // answer nothing more; close when idle
	eof       bool // the client half-closed
	headStart time.Time
	now       time.Time // read once per batch of requests
	timeout   time.Duration
	closed    atomic.Bool
}

// OnOpen implements netengine.Handler.
func (s *Server) OnOpen(c netengine.Conn) {
	hc := &hconn{s: s, c: c, num: uint64(s.accepted.Add(1)), timeout: s.cfg.HeaderTimeout, now: time.Now()}
	if ra := c.RemoteAddr(); ra != nil {
		hc.client = ra.String()
	}
	c.SetContext(hc)
	if s.open.Add(1) > int64(s.cfg.MaxConns) {
		s.rejected.Add(1)
		hc.done = true
		hc.errorResponse(nil, 503, "")
		hc.flush()
		_ = c.Close()
		return
	}
	c.SetTimeout(s.cfg.HeaderTimeout)
}

// OnData implements netengine.Handler.
func (s *Server) OnData(c netengine.Conn, data []byte) {
	hc, _ := c.Context().(*hconn)
	if hc == nil {
		return
	}
	hc.mu.Lock()
	defer hc.mu.Unlock()
	if hc.done {
		return
	}
	hc.now = time.Now()
	if hc.p.Buffered() == 0 {
		hc.headStart = hc.now
	}
	hc.p.Feed(data)
	if hc.busy {
		if hc.p.Buffered() > 2*httpx.MaxHeaderBytes {
			_ = c.Abort() // pipelining far ahead of a long download
		}
		return
	}
	hc.serveLocked()
}

// OnEOF implements netengine.Handler: answer what was received, then close.
func (s *Server) OnEOF(c netengine.Conn) {
	hc, _ := c.Context().(*hconn)
	if hc == nil {
		_ = c.Close()
		return
	}
	hc.mu.Lock()
	defer hc.mu.Unlock()
	hc.now = time.Now()
	hc.eof = true
	if !hc.busy {
		hc.serveLocked()
	}
}

// OnClose implements netengine.Handler.
func (s *Server) OnClose(c netengine.Conn, reason netengine.CloseReason, err error) {
	if hc, _ := c.Context().(*hconn); hc != nil {
		hc.closed.Store(true)
		if reason == netengine.ReasonTimeout && s.cfg.Log != nil {
			hc.mu.Lock()
			idle := hc.timeout == s.cfg.IdleTimeout && hc.p.Buffered() == 0 && !hc.busy
			n := hc.served
			hc.mu.Unlock()
			if idle {
				s.cfg.Log(&Entry{Kind: KindIdleClose, Time: time.Now(), ConnID: hc.num, Client: hc.client, Requests: n, Duration: s.cfg.IdleTimeout})
			}
		}
	}
	s.open.Add(-1)
}

func (hc *hconn) setTimeout(d time.Duration) {
	if hc.timeout != d {
		hc.timeout = d
		hc.c.SetTimeout(d)
	}
}

// serveLocked answers every complete request in order until a streamed
// body starts, the connection must close, or more bytes are needed.
func (hc *hconn) serveLocked() {
	drain := false
	for !hc.done && !hc.busy {
		if hc.p.Buffered() > 0 && hc.c.Buffered() > pipelineQueue {
			drain = true // pipelined requests, and answers queued far ahead
			break
		}
		r, err := hc.p.Next()
		if err != nil {
			status := 400
			var perr *httpx.Error
			if errors.As(err, &perr) {
				status = perr.Status
			}
			hc.errorResponse(nil, status, err.Error())
			hc.done = true
			break
		}
		if r == nil {
			if hc.eof {
				hc.done = true
			} else if hc.p.Buffered() > 0 {
				if hc.now.Sub(hc.headStart) > hc.s.cfg.HeaderTimeout {
					hc.errorResponse(nil, 408, "")
					hc.done = true
				} else {
					hc.setTimeout(hc.s.cfg.HeaderTimeout)
				}
			} else {
				hc.setTimeout(hc.s.cfg.IdleTimeout)
			}
			break
		}
		hc.handle(r)
		hc.headStart = hc.now
		if len(hc.out) > 256<<10 {
			hc.flush()
		}
	}
	hc.flush()
	if drain {
		hc.busy = true
		hc.setTimeout(0)
		go hc.drainThenServe()
		return
	}
	if hc.done {
		_ = hc.c.Close()
	}
}

func (hc *hconn) flush() {
	if len(hc.out) == 0 {
		return
	}
	hc.s.bytesOut.Add(int64(len(hc.out)))
	_ = hc.c.Write(hc.out)
	if cap(hc.out) > 512<<10 {
		hc.out = nil
	} else {
		hc.out = hc.out[:0]
	}
}

// response is one answer being built.
type response struct {
	r         *httpx.Request
	start     time.Time
	headStart int
	status    int
	bodyLen   int64
	keep      bool
}

func (hc *hconn) begin(r *httpx.Request, status int) *response {
	rs := &response{r: r, start: hc.now, headStart: len(hc.out), status: status}
	rs.keep = r != nil && r.KeepAlive && !hc.s.cfg.NoKeepAlive && !hc.done
	hc.out = httpx.AppendStatusLine(hc.out, status)
	hc.out = httpx.AppendCommon(hc.out, hc.now)
	return rs
}

// endHead adds the framing fields and the empty line.
func (hc *hconn) endHead(rs *response, length int64) {
	rs.bodyLen = length
	if rs.status != 304 {
		hc.out = httpx.AppendFieldInt(hc.out, "Content-Length", length)
	}
	// why: HTTP/1.1 keeps the connection by default, so only a close is
	// said there; HTTP/1.0 closes by default, so keeping it must be said.
	switch {
	case !rs.keep:
		hc.out = append(hc.out, "Connection: close\r\n"...)
		hc.done = true
	case rs.r.Minor == 0:
		hc.out = append(hc.out, "Connection: keep-alive\r\n"...)
	}
	hc.out = append(hc.out, "\r\n"...)
}

// finish records the response once its body is queued.
func (hc *hconn) finish(rs *response, sent int64, head []byte) {
	s := hc.s
	s.requests.Add(1)
	hc.served++
	if c := rs.status / 100; c > 0 && c < len(s.status) {
		s.status[c].Add(1)
	}
	if s.cfg.AccessLog != nil {
		s.cfg.AccessLog.add(rs.start, hc.client, rs.r, rs.status, sent)
	}
	if s.cfg.Log == nil {
		return
	}
	e := &Entry{Time: rs.start, ConnID: hc.num, Client: hc.client, Status: rs.status, Bytes: sent, Duration: time.Since(rs.start)}
	if rs.r != nil {
		e.Method, e.Target, e.Proto = string(rs.r.Method), string(rs.r.Target), rs.r.ProtoString()
		if s.cfg.LogRaw {
			e.Request = append([]byte(nil), rs.r.Raw...)
		}
	}
	if s.cfg.LogRaw {
		e.Response = append([]byte(nil), head...)
	}
	s.cfg.Log(e)
}

// simple sends a complete small response with body b (omitted for HEAD).
func (hc *hconn) simple(r *httpx.Request, status int, ctype string, extra []string, b []byte) {
	rs := hc.begin(r, status)
	if ctype != "" {
		hc.out = httpx.AppendField(hc.out, "Content-Type", ctype)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		hc.out = httpx.AppendField(hc.out, extra[i], extra[i+1])
	}
	hc.endHead(rs, int64(len(b)))
	head := hc.out[rs.headStart:]
	var sent int64
	if r == nil || !r.MethodIs("HEAD") {
		hc.out = append(hc.out, b...)
		sent = int64(len(b))
	}
	hc.finish(rs, sent, head)
}

// errorResponse sends the friendly error page for status.
func (hc *hconn) errorResponse(r *httpx.Request, status int, _ string, extra ...string) {
	hc.simple(r, status, "text/html; charset=utf-8", extra, errorPage(status, httpx.StatusText(status)))
}

const allow = "GET, HEAD, OPTIONS"

// handle answers one request.
func (hc *hconn) handle(r *httpx.Request) {
	// why: GET and HEAD fall through to the file lookup below; the others
	// are answered here.
	switch {
	case r.MethodIs("GET"), r.MethodIs("HEAD"):
	case r.MethodIs("OPTIONS"):
		hc.simple(r, 200, "", []string{"Allow", allow}, nil)
		return
	default:
		hc.errorResponse(r, 405, "", "Allow", allow)
		return
	}
	rel, isDir, st := cleanPath(string(r.Target), hc.s.cfg.Dotfiles)
	if st != 0 {
		hc.errorResponse(r, st, "")
		return
	}
	m, fi, st := hc.s.lookup(rel, hc.now)
	if st != 0 {
		hc.errorResponse(r, st, "")
		return
	}
	if fi != nil && fi.IsDir() {
		hc.serveDir(r, rel, isDir)
		return
	}
	if isDir && rel != "." {
		hc.errorResponse(r, 404, "") // "/a.txt/": a file is not a folder (ENOTDIR, as in nginx)
		return
	}
	hc.serveFile(r, m)
}

// lookup finds rel: a file's metadata (cached when small), or a folder's
// FileInfo. status is 403/404 on failure.
func (s *Server) lookup(rel string, now time.Time) (*fileMeta, fs.FileInfo, int) {
	m := s.cache.get(rel)
	if m != nil && s.cfg.CacheCheck > 0 && now.Sub(m.checkedAt()) < s.cfg.CacheCheck {
		return m, nil, 0
	}
	fi, err := s.root.Stat(rel)
	if err != nil {
		if m != nil {
			s.cache.drop(rel)
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, 404
		}
		return nil, nil, 403 // escapes the folder, permission, loop …
	}
	if fi.IsDir() {
		return nil, fi, 0
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, 403
	}
	if m != nil && m.size == fi.Size() && m.mod.Equal(fi.ModTime()) {
		m.touch(now)
		return m, nil, 0
	}
	m = newMeta(rel, fi)
	m.touch(now)
	if m.size <= s.cfg.CacheFile {
		if err := s.load(m); err != nil {
			return nil, nil, 403
		}
		s.cache.put(m)
	} else if m != nil {
		s.cache.drop(rel)
	}
	return m, nil, 0
}

func (m *fileMeta) touch(t time.Time) { m.checkedNs.Store(t.UnixNano()) }
func (m *fileMeta) checkedAt() time.Time {
	return time.Unix(0, m.checkedNs.Load())
}

// serveDir answers a folder: redirect to the slash form, index.html, or listing.
func (hc *hconn) serveDir(r *httpx.Request, rel string, slash bool) {
	if !slash {
		// The Location is the resolved path, as nginx sends it: a request
		// for "/a/../sub" goes to "/sub/".
		q := ""
		if i := strings.IndexByte(string(r.Target), '?'); i >= 0 {
			q = string(r.Target[i:])
		}
		hc.simple(r, 301, "text/html; charset=utf-8", []string{"Location", escapePath("/"+rel) + "/" + q}, nil)
		return
	}
	idx := "index.html"
	if rel != "." {
		idx = rel + "/index.html"
	}
	if m, fi, st := hc.s.lookup(idx, hc.now); st == 0 && fi == nil {
		hc.serveFile(r, m)
		return
	}
	if hc.s.cfg.NoListing {
		hc.errorResponse(r, 404, "")
		return
	}
	es, err := hc.s.readListing(rel)
	if err != nil {
		hc.errorResponse(r, 403, "")
		return
	}
	urlPath := "/"
	if rel != "." {
		urlPath = "/" + rel + "/"
	}
	if wantsJSON(r.Accept) {
		hc.simple(r, 200, "application/json", []string{"Vary", "Accept", "Cache-Control", "no-cache"}, listingJSON(urlPath, es))
		return
	}
	hc.simple(r, 200, "text/html; charset=utf-8", []string{"Vary", "Accept", "Cache-Control", "no-cache"}, listingHTML(urlPath, es))
}
