package httpserve

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/netlab-classroom/netlab/netengine/internal/chromium"
)

// curl runs curl with args and returns stdout (headers with -D -).
func curl(t *testing.T, args ...string) string {
	t.Helper()
	return strings.ReplaceAll(curlRaw(t, args...), "\r\n", "\n")
}

// curlRaw runs curl and returns its stdout unchanged.
func curlRaw(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "curl", append([]string{"-sS", "--max-time", "10"}, args...)...).Output()
	if err != nil {
		t.Fatalf("curl %v: %v", args, err)
	}
	return string(out)
}

func TestCurl(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed: skipping the curl end-to-end test")
	}
	for _, eng := range engines(t) {
		t.Run(eng, func(t *testing.T) {
			f := start(t, eng, Config{})
			if out := curl(t, f.url+"/docs/a.txt"); out != "0123456789abcdefghij" {
				t.Errorf("GET: %q", out)
			}
			if out := curl(t, "-D", "-", "-r", "3-6", f.url+"/docs/a.txt"); !strings.HasPrefix(out, "HTTP/1.1 206 Partial Content\n") || !strings.Contains(out, "Content-Range: bytes 3-6/20") || !strings.HasSuffix(out, "\n\n3456") {
				t.Errorf("range: %q", out)
			}
			if out := curl(t, "-I", f.url+"/docs/a.txt"); !strings.Contains(out, "Content-Length: 20") || !strings.Contains(out, "ETag: ") {
				t.Errorf("HEAD: %q", out)
			}
			head := curl(t, "-I", f.url+"/docs/a.txt")
			var etag string
			for _, l := range strings.Split(head, "\n") {
				if v, ok := strings.CutPrefix(l, "ETag: "); ok {
					etag = v
				}
			}
			if out := curl(t, "-D", "-", "-H", "If-None-Match: "+etag, f.url+"/docs/a.txt"); !strings.HasPrefix(out, "HTTP/1.1 304 Not Modified\n") {
				t.Errorf("304: %q", out)
			}
			if out := curl(t, "--compressed", "-D", "-", f.url+"/style.css"); !strings.Contains(out, "Content-Encoding: gzip") || !strings.Contains(out, "h1 { color: rgb(1, 2, 3); }") {
				t.Errorf("gzip: %.300q", out)
			}
			if out := curl(t, "-H", "Accept: application/json", f.url+"/docs/"); !strings.Contains(out, `"name":"a.txt"`) {
				t.Errorf("listing: %q", out)
			}
			for _, p := range []string{"/../outside.txt", "/%2e%2e/outside.txt", "/docs/%2e%2e/%2e%2e/outside.txt", "/escape.txt", "/.env"} {
				out := curl(t, "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", f.url+p)
				if out != "403" && out != "404" && out != "400" {
					t.Errorf("%s: %s", p, out)
				}
			}
			// Two URLs on one curl command line reuse the connection.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			verbose, err := exec.CommandContext(ctx, "curl", "-sS", "-v", "-o", "/dev/null", "-o", "/dev/null", f.url+"/docs/a.txt", f.url+"/img/dot.png").CombinedOutput()
			if err != nil || !strings.Contains(string(verbose), "Re-using existing connection") {
				t.Errorf("keep-alive reuse not seen (%v): %.2000s", err, verbose)
			}
			big := curlRaw(t, f.url+"/big.bin")
			if big != string(f.bigAll(t)) {
				t.Errorf("big file: %d bytes", len(big))
			}
		})
	}
}

func TestChromium(t *testing.T) {
	bin := chromium.Path(t)
	f := start(t, engines(t)[0], Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := chromium.DumpDOM(ctx, t, bin, f.url+"/", "--virtual-time-budget=3000").Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Hello NetLab") {
		t.Fatalf("DOM lacks the page: %.500s", out)
	}
	seen := map[string]int{}
	for _, e := range f.entries() {
		seen[e.Target] = e.Status
	}
	for _, p := range []string{"/", "/style.css", "/img/dot.png"} {
		if seen[p] != 200 {
			t.Errorf("browser request %s: status %d (log %v)", p, seen[p], seen)
		}
	}
}
