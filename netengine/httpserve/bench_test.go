package httpserve

import (
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fakeConn is a netengine.Conn that counts written bytes: it measures the
// HTTP layer alone, without sockets.
type fakeConn struct {
	ctx     any
	written int
}

func (c *fakeConn) ID() uint64           { return 1 }
func (c *fakeConn) LocalAddr() net.Addr  { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80} }
func (c *fakeConn) RemoteAddr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5000} }
func (c *fakeConn) Write(p []byte) error { c.written += len(p); return nil }
func (c *fakeConn) CloseWrite() error    { return nil }
func (c *fakeConn) Close() error         { return nil }
func (c *fakeConn) Abort() error         { return nil }
func (c *fakeConn) Buffered() int        { return 0 }
func (c *fakeConn) SendFile(head []byte, f *os.File, off, n int64) error {
	c.written += len(head) + int(n)
	return nil
}
func (c *fakeConn) SetTimeout(d time.Duration) {}
func (c *fakeConn) SetContext(v any)           { c.ctx = v }
func (c *fakeConn) Context() any               { return c.ctx }

// BenchmarkRequest1K is one keep-alive GET of a cached 1 KiB file: parse,
// path, cache lookup, head and body into the connection.
func BenchmarkRequest1K(b *testing.B) {
	dir := b.TempDir()
	os.WriteFile(filepath.Join(dir, "1k.bin"), make([]byte, 1024), 0o644)
	srv, err := New(Config{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c := &fakeConn{}
	srv.OnOpen(c)
	req := []byte("GET /1k.bin HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\n\r\n")
	b.ReportAllocs()
	b.SetBytes(int64(len(req)))
	for b.Loop() {
		srv.OnData(c, req)
	}
	if c.written < b.N*1024 {
		b.Fatalf("wrote %d bytes for %d requests", c.written, b.N)
	}
}
