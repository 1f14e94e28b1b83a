package httpserve

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Large bodies pipelined on one connection, on every engine: a cached file
// above sendFileAbove and an uncached 3 MiB file (SendFile on epoll, the
// memory cache and the streaming copy on portable), whole, one range and
// several ranges, between small answers. Every body must arrive byte-exact
// and in order, and while the client does not read, the server must not
// queue answer after answer (nor hold one descriptor per queued file).
func TestPipelinedLargeFiles(t *testing.T) {
	for _, eng := range engines(t) {
		t.Run(eng, func(t *testing.T) { testPipelinedLargeFiles(t, eng) })
	}
}

func testPipelinedLargeFiles(t *testing.T, eng string) {
	dir, big := makeTree(t)
	mid := make([]byte, 512<<10)
	rand.Read(mid)
	writeFile(t, filepath.Join(dir, "mid.bin"), mid)
	f := start(t, eng, Config{Dir: dir})
	type ask struct {
		path, rng string
		status    int
		want      func(b []byte) bool
	}
	same := func(w []byte) func([]byte) bool { return func(b []byte) bool { return bytes.Equal(b, w) } }
	multi := func(b []byte) bool {
		return bytes.Contains(b, mid[100:200]) && bytes.Contains(b, mid[300<<10:400<<10]) &&
			bytes.Count(b, []byte("Content-Range: bytes ")) == 2
	}
	asks := []ask{
		{"/mid.bin", "", 200, same(mid)},
		{"/big.bin", "", 200, same(big)},
		{"/docs/a.txt", "", 200, same([]byte("0123456789abcdefghij"))},
		{"/big.bin", "bytes=1000-2000999", 206, same(big[1000:2001000])},
		{"/mid.bin", "bytes=100-199,307200-409599", 206, multi},
		{"/big.bin", "", 200, same(big)},
		{"/nope", "", 404, func([]byte) bool { return true }},
		{"/mid.bin", "bytes=-10", 206, same(mid[len(mid)-10:])},
	}
	for range 4 {
		asks = append(asks, ask{"/big.bin", "", 200, same(big)})
	}
	var req strings.Builder
	for _, a := range asks {
		req.WriteString("GET " + a.path + " HTTP/1.1\r\nHost: a\r\n")
		if a.rng != "" {
			req.WriteString("Range: " + a.rng + "\r\n")
		}
		req.WriteString("\r\n")
	}
	base := fdCount(t)
	c, err := net.DialTimeout("tcp", f.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.Write([]byte(req.String())); err != nil {
		t.Fatal(err)
	}
	// The client reads nothing for a while: about 20 MiB of answers are
	// waiting, the server must hold back.
	time.Sleep(300 * time.Millisecond)
	if n := fdCount(t); n > base+2+4 {
		t.Fatalf("%d descriptors while the client does not read (%d before the connection): answers queued without bound", n, base)
	}
	br := bufio.NewReader(c)
	for i, a := range asks {
		r, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("response %d (%s): %v", i, a.path, err)
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Fatalf("response %d (%s): body: %v", i, a.path, err)
		}
		if r.StatusCode != a.status || !a.want(b) {
			t.Fatalf("response %d (%s %s): status %d, %d bytes, body %s", i, a.path, a.rng, r.StatusCode, len(b), describe(b))
		}
	}
}

func describe(b []byte) string {
	if len(b) > 64 {
		return fmt.Sprintf("%q…", b[:64])
	}
	return fmt.Sprintf("%q", b)
}

func fdCount(t *testing.T) int {
	t.Helper()
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(es)
}
