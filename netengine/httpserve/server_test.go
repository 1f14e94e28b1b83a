package httpserve

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netlab-classroom/netlab/netengine"
)

type fixture struct {
	dir, url, addr string
	srv            *Server
	big            []byte
	mu             sync.Mutex
	log            []*Entry
}

func (f *fixture) entries() []*Entry {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*Entry(nil), f.log...)
}

// engines lists the engines to test: every registered one.
func engines(t *testing.T) []string {
	n := netengine.Names()
	if len(n) == 0 {
		t.Skip("no engine registered")
	}
	return n
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func makeTree(t *testing.T) (dir string, big []byte) {
	base := t.TempDir()
	dir = filepath.Join(base, "www")
	big = make([]byte, 3<<20+123)
	rand.Read(big)
	writeFile(t, filepath.Join(dir, "index.html"), []byte(`<!doctype html><html><head><link rel="stylesheet" href="style.css"></head><body><h1 id="t">Hello NetLab</h1><img src="img/dot.png" id="i"></body></html>`))
	writeFile(t, filepath.Join(dir, "style.css"), []byte(strings.Repeat("h1 { color: rgb(1, 2, 3); }\n", 50)))
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
	writeFile(t, filepath.Join(dir, "img", "dot.png"), png)
	writeFile(t, filepath.Join(dir, "docs", "a.txt"), []byte("0123456789abcdefghij"))
	writeFile(t, filepath.Join(dir, "docs", "b b.txt"), []byte("space"))
	writeFile(t, filepath.Join(dir, "docs", ".hidden"), []byte("secret"))
	writeFile(t, filepath.Join(dir, ".env"), []byte("PASSWORD=1"))
	writeFile(t, filepath.Join(dir, "big.bin"), big)
	// A big text file with a precompressed twin.
	text := []byte(strings.Repeat("the quick brown fox\n", 10000))
	writeFile(t, filepath.Join(dir, "log.txt"), text)
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(text)
	w.Close()
	writeFile(t, filepath.Join(dir, "log.txt.gz"), gz.Bytes())
	writeFile(t, filepath.Join(base, "outside.txt"), []byte("OUTSIDE"))
	if err := os.Symlink("../outside.txt", filepath.Join(dir, "escape.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(base, filepath.Join(dir, "escdir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("docs/a.txt", filepath.Join(dir, "inside.txt")); err != nil {
		t.Fatal(err)
	}
	return dir, big
}

func start(t *testing.T, engine string, cfg Config) *fixture {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir, _ = makeTree(t)
	}
	f := &fixture{dir: cfg.Dir}
	cfg.LogRaw = true
	cfg.Log = func(e *Entry) { f.mu.Lock(); f.log = append(f.log, e); f.mu.Unlock() }
	eng, err := netengine.New(engine)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := srv.Listen(eng, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	f.srv, f.addr = srv, ln.Addr().String()
	f.url = "http://" + f.addr
	return f
}

var client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableCompression: true}}

func get(t *testing.T, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	return do(t, "GET", url, hdr...)
}

func do(t *testing.T, method, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: body: %v", method, url, err)
	}
	return resp, b
}

// raw sends req on a new connection and reads one response.
func raw(t *testing.T, addr, req string) (*http.Response, string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%q: %v", req, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestServer(t *testing.T) {
	for _, eng := range engines(t) {
		t.Run(eng, func(t *testing.T) { testServer(t, eng) })
	}
}

func testServer(t *testing.T, eng string) {
	f := start(t, eng, Config{CacheCheck: -1})

	t.Run("index", func(t *testing.T) {
		resp, b := get(t, f.url+"/")
		if resp.StatusCode != 200 || !strings.Contains(string(b), "Hello NetLab") {
			t.Fatalf("%d %q", resp.StatusCode, b)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		if resp.Header.Get("Server") != "NetLab" || resp.Header.Get("Date") == "" {
			t.Errorf("Server/Date missing: %v", resp.Header)
		}
	})
	t.Run("redirect to slash", func(t *testing.T) {
		resp, _ := raw(t, f.addr, "GET /docs?x=1 HTTP/1.1\r\nHost: a\r\n\r\n")
		if resp.StatusCode != 301 || resp.Header.Get("Location") != "/docs/?x=1" {
			t.Fatalf("%d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("listing html", func(t *testing.T) {
		resp, b := get(t, f.url+"/docs/")
		s := string(b)
		if resp.StatusCode != 200 || !strings.Contains(s, `href="a.txt"`) || !strings.Contains(s, `href="b%20b.txt"`) || strings.Contains(s, "hidden") {
			t.Fatalf("%d %s", resp.StatusCode, s)
		}
		if strings.Index(s, "a.txt") > strings.Index(s, "b b.txt") {
			t.Error("listing not sorted")
		}
	})
	t.Run("listing json", func(t *testing.T) {
		resp, b := get(t, f.url+"/docs/", "Accept", "application/json")
		var v struct {
			Path    string
			Entries []struct {
				Name string
				Dir  bool
				Size int64
			}
		}
		if err := json.Unmarshal(b, &v); err != nil || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("%v %s", err, b)
		}
		if v.Path != "/docs/" || len(v.Entries) != 2 || v.Entries[0].Name != "a.txt" || v.Entries[0].Size != 20 {
			t.Fatalf("%+v", v)
		}
		// The root listing hides .env and symlinks leaving the folder.
		_, b = get(t, f.url+"/img/../", "Accept", "application/json")
		_ = b
	})
	t.Run("root listing hides escapes", func(t *testing.T) {
		os.Rename(filepath.Join(f.dir, "index.html"), filepath.Join(f.dir, "index.old"))
		defer os.Rename(filepath.Join(f.dir, "index.old"), filepath.Join(f.dir, "index.html"))
		_, b := get(t, f.url+"/", "Accept", "application/json")
		s := string(b)
		// Symbolic links inside the folder are listed (not checked on
		// Windows, where wine and unprivileged users cannot follow them).
		inside := strings.Contains(s, "inside.txt") || runtime.GOOS == "windows"
		if strings.Contains(s, "escape.txt") || strings.Contains(s, "escdir") || strings.Contains(s, ".env") || !inside {
			t.Fatalf("root listing: %s", s)
		}
	})
	t.Run("HEAD", func(t *testing.T) {
		resp, b := do(t, "HEAD", f.url+"/docs/a.txt")
		if resp.StatusCode != 200 || len(b) != 0 || resp.ContentLength != 20 {
			t.Fatalf("%d %d %q", resp.StatusCode, resp.ContentLength, b)
		}
	})
	t.Run("304", func(t *testing.T) {
		resp, _ := get(t, f.url+"/docs/a.txt")
		etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		if etag == "" || lm == "" {
			t.Fatal("no validators")
		}
		if r, b := get(t, f.url+"/docs/a.txt", "If-None-Match", `"x", `+etag); r.StatusCode != 304 || len(b) != 0 {
			t.Fatalf("If-None-Match: %d", r.StatusCode)
		}
		if r, _ := get(t, f.url+"/docs/a.txt", "If-Modified-Since", lm); r.StatusCode != 304 {
			t.Fatalf("If-Modified-Since: %d", r.StatusCode)
		}
		if r, _ := get(t, f.url+"/docs/a.txt", "If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"); r.StatusCode != 200 {
			t.Fatalf("old If-Modified-Since: %d", r.StatusCode)
		}
		if r, _ := get(t, f.url+"/docs/a.txt", "If-None-Match", `"nope"`, "If-Modified-Since", lm); r.StatusCode != 200 {
			t.Fatalf("If-None-Match wins over If-Modified-Since: %d", r.StatusCode)
		}
	})
	t.Run("range", func(t *testing.T) {
		r, b := get(t, f.url+"/docs/a.txt", "Range", "bytes=2-5")
		if r.StatusCode != 206 || string(b) != "2345" || r.Header.Get("Content-Range") != "bytes 2-5/20" {
			t.Fatalf("%d %q %q", r.StatusCode, b, r.Header.Get("Content-Range"))
		}
		r, b = get(t, f.url+"/docs/a.txt", "Range", "bytes=-3")
		if r.StatusCode != 206 || string(b) != "hij" {
			t.Fatalf("suffix: %d %q", r.StatusCode, b)
		}
		r, _ = get(t, f.url+"/docs/a.txt", "Range", "bytes=50-")
		if r.StatusCode != 416 || r.Header.Get("Content-Range") != "bytes */20" {
			t.Fatalf("416: %d %q", r.StatusCode, r.Header.Get("Content-Range"))
		}
		r, b = get(t, f.url+"/docs/a.txt", "Range", "bytes=0-1,10-11")
		mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if r.StatusCode != 206 || mt != "multipart/byteranges" {
			t.Fatalf("multi: %d %s", r.StatusCode, mt)
		}
		mr := multipart.NewReader(bytes.NewReader(b), params["boundary"])
		var parts []string
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			pb, _ := io.ReadAll(p)
			parts = append(parts, p.Header.Get("Content-Range")+"="+string(pb))
		}
		if strings.Join(parts, ";") != "bytes 0-1/20=01;bytes 10-11/20=ab" {
			t.Fatalf("parts %q", parts)
		}
		etag := r.Header.Get("ETag")
		if r, b := get(t, f.url+"/docs/a.txt", "Range", "bytes=0-1", "If-Range", etag); r.StatusCode != 206 || string(b) != "01" {
			t.Fatalf("If-Range match: %d", r.StatusCode)
		}
		if r, b := get(t, f.url+"/docs/a.txt", "Range", "bytes=0-1", "If-Range", `"old"`); r.StatusCode != 200 || len(b) != 20 {
			t.Fatalf("If-Range mismatch: %d", r.StatusCode)
		}
		// A range of the big file goes through the file path.
		r, b = get(t, f.url+"/big.bin", "Range", "bytes=1000000-1000009")
		if r.StatusCode != 206 || !bytes.Equal(b, f.bigSlice(t, 1000000, 10)) {
			t.Fatalf("big range: %d", r.StatusCode)
		}
	})
	t.Run("gzip", func(t *testing.T) {
		r, b := get(t, f.url+"/style.css", "Accept-Encoding", "gzip, deflate")
		if r.Header.Get("Content-Encoding") != "gzip" || r.Header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("no gzip: %v", r.Header)
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		if !strings.HasPrefix(string(plain), "h1 { color") || len(plain) != 50*28 {
			t.Fatalf("bad gzip body (%d bytes)", len(plain))
		}
		if r, _ := get(t, f.url+"/style.css", "Accept-Encoding", "gzip;q=0"); r.Header.Get("Content-Encoding") != "" {
			t.Fatal("gzip;q=0 got gzip")
		}
		// Precompressed .gz served as is for the big text file.
		r, b = get(t, f.url+"/log.txt", "Accept-Encoding", "gzip")
		want, _ := os.ReadFile(filepath.Join(f.dir, "log.txt.gz"))
		if r.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(b, want) || r.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Fatalf("precompressed: %v %d", r.Header, len(b))
		}
	})
	t.Run("big file streamed", func(t *testing.T) {
		r, b := get(t, f.url+"/big.bin")
		if r.StatusCode != 200 || !bytes.Equal(b, f.bigAll(t)) {
			t.Fatalf("%d, %d bytes", r.StatusCode, len(b))
		}
	})
	t.Run("methods", func(t *testing.T) {
		r, _ := raw(t, f.addr, "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi")
		if r.StatusCode != 405 || r.Header.Get("Allow") != "GET, HEAD, OPTIONS" {
			t.Fatalf("POST: %d %q", r.StatusCode, r.Header.Get("Allow"))
		}
		r, _ = raw(t, f.addr, "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n")
		if r.StatusCode != 200 || r.Header.Get("Allow") == "" {
			t.Fatalf("OPTIONS: %d", r.StatusCode)
		}
	})
	t.Run("parser errors", func(t *testing.T) {
		for _, c := range []struct {
			req  string
			code int
		}{
			{"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
			{"GET /" + strings.Repeat("a", 9000) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414},
			{"GET / HTTP/1.1\r\nHost: a\r\n" + strings.Repeat("X-A: b\r\n", 101) + "\r\n", 431},
			{"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
			{"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n", 400},
			{"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r2\r\n\r\n", 400},
			{"GET / HTTP/1.1\r\n\r\n", 400},
		} {
			r, body := raw(t, f.addr, c.req)
			if r.StatusCode != c.code || !r.Close || len(body) == 0 {
				t.Errorf("%.40q: %d close=%v, want %d", c.req, r.StatusCode, r.Close, c.code)
			}
		}
	})
	t.Run("traversal", func(t *testing.T) {
		for _, p := range []string{
			"/../outside.txt", "/docs/../../outside.txt", "/%2e%2e/outside.txt", "/%2E%2E/outside.txt",
			"/docs%2f..%2f..%2foutside.txt", "/..%5coutside.txt", "/docs/..\\..\\outside.txt", "/%00",
			"/docs/a.txt%00.html", "/escape.txt", "/escdir/outside.txt", "/.env", "/docs/.hidden", "/%2eenv",
			"http://x/../outside.txt",
		} {
			r, body := raw(t, f.addr, "GET "+p+" HTTP/1.1\r\nHost: a\r\n\r\n")
			if r.StatusCode != 403 && r.StatusCode != 404 && r.StatusCode != 400 {
				t.Errorf("%s: %d", p, r.StatusCode)
			}
			if strings.Contains(body, "OUTSIDE") || strings.Contains(body, "PASSWORD") || strings.Contains(body, "secret") {
				t.Errorf("%s leaked: %q", p, body)
			}
		}
		if r, b := raw(t, f.addr, "GET /inside.txt HTTP/1.1\r\nHost: a\r\n\r\n"); runtime.GOOS != "windows" && (r.StatusCode != 200 || b != "0123456789abcdefghij") {
			t.Errorf("symlink inside: %d %q", r.StatusCode, b)
		}
	})
	t.Run("pipelining", func(t *testing.T) {
		c, err := net.Dial("tcp", f.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		paths := []string{"/docs/a.txt", "/big.bin", "/nope", "/docs/b%20b.txt", "/img/dot.png"}
		var req strings.Builder
		for i, p := range paths {
			m := "GET"
			if i == 3 {
				m = "HEAD"
			}
			req.WriteString(m + " " + p + " HTTP/1.1\r\nHost: a\r\n\r\n")
		}
		c.Write([]byte(req.String()))
		br := bufio.NewReader(c)
		want := []int{200, 200, 404, 200, 200}
		for i := range paths {
			hreq, _ := http.NewRequest(map[bool]string{true: "HEAD", false: "GET"}[i == 3], "/", nil)
			r, err := http.ReadResponse(br, hreq)
			if err != nil {
				t.Fatalf("response %d: %v", i, err)
			}
			b, _ := io.ReadAll(r.Body)
			if r.StatusCode != want[i] {
				t.Fatalf("response %d: %d", i, r.StatusCode)
			}
			if i == 1 && !bytes.Equal(b, f.bigAll(t)) {
				t.Fatalf("big body differs (%d bytes)", len(b))
			}
			if i == 0 && string(b) != "0123456789abcdefghij" {
				t.Fatalf("order: %q", b)
			}
		}
	})
	t.Run("http 1.0", func(t *testing.T) {
		r, _ := raw(t, f.addr, "GET /docs/a.txt HTTP/1.0\r\n\r\n")
		if !r.Close {
			t.Error("HTTP/1.0 without keep-alive must close")
		}
		c, _ := net.Dial("tcp", f.addr)
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		br := bufio.NewReader(c)
		for i := 0; i < 2; i++ {
			c.Write([]byte("GET /docs/a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"))
			r, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("keep-alive 1.0 request %d: %v", i, err)
			}
			io.ReadAll(r.Body)
			if r.Header.Get("Connection") != "keep-alive" {
				t.Fatalf("no keep-alive: %v", r.Header)
			}
		}
	})
	t.Run("log", func(t *testing.T) {
		var found bool
		for _, e := range f.entries() {
			if e.Target == "/docs/a.txt" && e.Status == 200 && e.Bytes == 20 && strings.HasPrefix(string(e.Request), "GET /docs/a.txt") && strings.HasPrefix(string(e.Response), "HTTP/1.1 200 OK\r\n") && bytes.HasSuffix(e.Response, []byte("\r\n\r\n")) {
				found = true
			}
		}
		if !found {
			t.Fatal("access log lacks the a.txt request")
		}
		st := f.srv.Stats()
		if st.Requests < 20 || st.Status[2] == 0 || st.Status[4] == 0 {
			t.Fatalf("stats %+v", st)
		}
	})
}

func (f *fixture) bigAll(t *testing.T) []byte {
	b, err := os.ReadFile(filepath.Join(f.dir, "big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *fixture) bigSlice(t *testing.T, off, n int) []byte { return f.bigAll(t)[off : off+n] }

func TestNoKeepAliveAndCap(t *testing.T) {
	for _, eng := range engines(t) {
		t.Run(eng, func(t *testing.T) {
			f := start(t, eng, Config{NoKeepAlive: true, MaxConns: 2, NoListing: true})
			r, _ := raw(t, f.addr, "GET /docs/a.txt HTTP/1.1\r\nHost: a\r\n\r\n")
			if !r.Close {
				t.Fatalf("keep-alive off must close: %d %v", r.StatusCode, r.Header)
			}
			if r, _ := raw(t, f.addr, "GET /docs/ HTTP/1.1\r\nHost: a\r\n\r\n"); r.StatusCode != 404 {
				t.Fatalf("listing off: %d", r.StatusCode)
			}
			// Two idle connections fill the cap; a third gets 503. Wait for
			// the closes above to be counted first, then for each open.
			waitOpen := func(n int64) {
				deadline := time.Now().Add(5 * time.Second)
				for f.srv.Stats().Open != n && time.Now().Before(deadline) {
					time.Sleep(5 * time.Millisecond)
				}
			}
			waitOpen(0)
			for i := 0; i < 2; i++ {
				c, err := net.Dial("tcp", f.addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				waitOpen(int64(i + 1))
			}
			r, _ = raw(t, f.addr, "GET /docs/a.txt HTTP/1.1\r\nHost: a\r\n\r\n")
			if r.StatusCode != 503 {
				t.Fatalf("over the cap: %d (stats %+v)", r.StatusCode, f.srv.Stats())
			}
		})
	}
}

func TestTimeouts(t *testing.T) {
	for _, eng := range engines(t) {
		t.Run(eng, func(t *testing.T) {
			f := start(t, eng, Config{HeaderTimeout: 300 * time.Millisecond, IdleTimeout: 300 * time.Millisecond})
			// Slowloris: one byte at a time, under the per-byte timeout, is
			// still cut off once the whole head took too long.
			c, err := net.Dial("tcp", f.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			req := "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: " + strings.Repeat("a", 100)
			var got []byte
			done := make(chan struct{})
			go func() {
				got, _ = io.ReadAll(c)
				close(done)
			}()
			for i := 0; i < len(req); i++ {
				if _, err := c.Write([]byte{req[i]}); err != nil {
					break
				}
				time.Sleep(20 * time.Millisecond)
				select {
				case <-done:
					i = len(req)
				default:
				}
			}
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("slow head never cut off")
			}
			if len(got) > 0 && !strings.HasPrefix(string(got), "HTTP/1.1 408") {
				t.Fatalf("slow head answer: %.40q", got)
			}
			// Idle keep-alive connection is closed.
			c2, _ := net.Dial("tcp", f.addr)
			defer c2.Close()
			c2.Write([]byte("GET /docs/a.txt HTTP/1.1\r\nHost: a\r\n\r\n"))
			c2.SetDeadline(time.Now().Add(10 * time.Second))
			br := bufio.NewReader(c2)
			r, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			io.ReadAll(r.Body)
			if _, err := br.ReadByte(); err != io.EOF {
				t.Fatalf("idle connection not closed: %v", err)
			}
		})
	}
}

func TestCacheRefresh(t *testing.T) {
	eng := engines(t)[0]
	f := start(t, eng, Config{CacheCheck: -1})
	p := filepath.Join(f.dir, "docs", "a.txt")
	_, b := get(t, f.url+"/docs/a.txt")
	if string(b) != "0123456789abcdefghij" {
		t.Fatal(string(b))
	}
	os.WriteFile(p, []byte("changed!"), 0o644)
	os.Chtimes(p, time.Now().Add(time.Hour), time.Now().Add(time.Hour))
	if _, b = get(t, f.url+"/docs/a.txt"); string(b) != "changed!" {
		t.Fatalf("stale cache: %q", b)
	}
	os.Remove(p)
	if r, _ := get(t, f.url+"/docs/a.txt"); r.StatusCode != 404 {
		t.Fatalf("removed file: %d", r.StatusCode)
	}
}

func TestCleanPath(t *testing.T) {
	for _, c := range []struct {
		in, rel string
		st      int
	}{
		{"/", "./", 0}, {"/a/b", "a/b", 0}, {"//a///b/", "a/b/", 0}, {"/a/./b", "a/b", 0},
		{"/a%20b", "a b", 0}, {"/a%2fb", "", 403},
		{"/a%5cb", "", 403}, {"/a\\b", "", 403}, {"/.git/config", "", 404},
		{"/%zz", "", 400}, {"http://h/x?y", "x", 0}, {"*", "", 400},
		// dot segments are removed after decoding, as nginx does (issue 15.3)
		{"/sub/../plain.txt", "plain.txt", 0}, {"/a/%2e%2e/b", "b", 0}, {"/a/%2E%2E/b", "b", 0},
		{"/a/.%2e/b", "b", 0}, {"/%2e/b", "b", 0}, {"/a/b/../../c", "c", 0}, {"/a/.", "a/", 0},
		{"/a/..", "./", 0}, {"/a/b/..", "a/", 0}, {"/a/b.txt/../c", "a/c", 0}, {"/a/.../..", "a/", 0},
		{"/a/../.git/x", "", 404}, {"/a/..?x=/../..", "./", 0}, {"http://h/a/../b", "b", 0},
		// climbing above the root: 400, as nginx answers
		{"/..", "", 400}, {"/../a", "", 400}, {"/a/../../b", "", 400}, {"/%2e%2e/a", "", 400},
		{"//..", "", 400}, {"/a/..%2f..", "", 403}, {"http://h/../a", "", 400},
		// NUL: 400, as nginx answers
		{"/a%00", "", 400}, {"/a/..%00", "", 400},
	} {
		rel, dir, st := cleanPath(c.in, false)
		if dir && rel != "" {
			rel += "/"
		}
		if c.st != 0 {
			rel = ""
		}
		if rel != c.rel || st != c.st {
			t.Errorf("cleanPath(%q) = %q %d, want %q %d", c.in, rel, st, c.rel, c.st)
		}
	}
}

func TestParseRange(t *testing.T) {
	for _, c := range []struct {
		h    string
		want string
	}{
		{"bytes=0-0", "[{0 1}] true"}, {"bytes=5-", "[{5 5}] true"}, {"bytes=-4", "[{6 4}] true"},
		{"bytes=8-20", "[{8 2}] true"}, {"bytes=10-", "[] true"}, {"bytes=3-2", "[] false"},
		{"items=0-1", "[] false"}, {"bytes=0-1,0-9,0-9", "[] false"}, {"bytes=x-1", "[] false"},
	} {
		rs, ok := parseRange(c.h, 10)
		got := fmt.Sprint(rs, " ", ok)
		if rs == nil {
			got = fmt.Sprint("[] ", ok)
		}
		if got != c.want {
			t.Errorf("%s: %s, want %s", c.h, got, c.want)
		}
	}
}

// TestConnIDAndIdleClose: requests on one keep-alive connection share a
// connection number, the next connection gets the next number, and closing
// an idle connection is an entry of its own (issue 14.7, E3).
func TestConnIDAndIdleClose(t *testing.T) {
	for _, eng := range engines(t) {
		t.Run(eng, func(t *testing.T) {
			f := start(t, eng, Config{IdleTimeout: 300 * time.Millisecond})
			c, err := net.DialTimeout("tcp", f.addr, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(30 * time.Second))
			br := bufio.NewReader(c)
			for i := 0; i < 2; i++ {
				fmt.Fprintf(c, "GET /docs/a.txt HTTP/1.1\r\nHost: a\r\n\r\n")
				if err := readResponse(br); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := br.ReadByte(); err != io.EOF { // the server closes the idle connection
				t.Fatalf("idle connection: %v, want EOF", err)
			}
			r, _ := get(t, f.url+"/docs/a.txt", "Connection", "close")
			if r.StatusCode != 200 {
				t.Fatal(r.StatusCode)
			}
			var es []*Entry
			for i := 0; i < 500; i++ {
				if es = f.entries(); len(es) >= 4 {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			if len(es) != 4 {
				t.Fatalf("%d entries", len(es))
			}
			local := c.LocalAddr().String()
			for i, want := range []struct {
				kind EntryKind
				conn uint64
			}{{KindRequest, 1}, {KindRequest, 1}, {KindIdleClose, 1}, {KindRequest, 2}} {
				e := es[i]
				if e.Kind != want.kind || e.ConnID != want.conn || (i < 3 && e.Client != local) {
					t.Errorf("entry %d: kind %d conn %d client %s; want kind %d conn %d client %s", i, e.Kind, e.ConnID, e.Client, want.kind, want.conn, local)
				}
			}
			if es[2].Requests != 2 || es[2].Duration != 300*time.Millisecond {
				t.Errorf("idle close after %d requests, %v idle; want 2, 300ms", es[2].Requests, es[2].Duration)
			}
		})
	}
}
