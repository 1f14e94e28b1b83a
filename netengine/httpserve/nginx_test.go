package httpserve

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startNginx runs nginx unprivileged on a free loopback port serving dir
// with autoindex on (as our listing) and dotfiles answered 404 (as our
// default). It returns the address, or skips when nginx is missing.
func startNginx(t *testing.T, dir string) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		for _, p := range []string{"/usr/sbin/nginx", "/usr/local/sbin/nginx"} {
			if _, e := os.Stat(p); e == nil {
				bin, err = p, nil
			}
		}
	}
	if err != nil {
		t.Skip("nginx is not installed (Debian: apt-get install nginx-light): skipping the nginx differential test")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	work := t.TempDir()
	// nginx's workers may run as another user when we are root: let them in.
	for d := dir; d != "/" && d != "."; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o005 != 0o005 {
			os.Chmod(d, fi.Mode().Perm()|0o005)
		}
	}
	conf := fmt.Sprintf(`worker_processes 1;
daemon off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path %[1]s/tb; proxy_temp_path %[1]s/tp; fastcgi_temp_path %[1]s/tf;
	uwsgi_temp_path %[1]s/tu; scgi_temp_path %[1]s/ts;
	default_type application/octet-stream;
	server {
		listen %[2]s;
		root %[3]s;
		autoindex on;
		location ~ /\. { return 404; }
	}
}
`, work, addr, dir)
	if err := os.WriteFile(filepath.Join(work, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", filepath.Join(work, "nginx.conf"), "-p", work)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Skipf("nginx does not start here (%v): skipping the nginx differential test", err)
	}
	t.Cleanup(func() {
		// SIGTERM: the master stops its workers (a killed master leaves
		// them running); SIGKILL only if it does not exit.
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	for i := 0; i < 200; i++ {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return addr
		}
		time.Sleep(20 * time.Millisecond)
	}
	b, _ := os.ReadFile(filepath.Join(work, "error.log"))
	t.Skipf("nginx did not listen on %s: %s %s: skipping the nginx differential test", addr, stderr.String(), b)
	return ""
}

var indexTitle = regexp.MustCompile(`<title>Index of ([^<]*)</title>`)

// TestAgainstNginx sends the same tricky request-targets to nginx and to
// our server over the same folder and compares status codes, file bodies,
// listed folders and redirect targets (issue 15.3).
func TestAgainstNginx(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "www")
	writeFile(t, filepath.Join(dir, "plain.txt"), []byte("plain\n"))
	writeFile(t, filepath.Join(dir, "sub", "s.txt"), []byte("in sub\n"))
	writeFile(t, filepath.Join(dir, "sub", "deeper", "d.txt"), []byte("deeper\n"))
	writeFile(t, filepath.Join(dir, "课件.txt"), []byte("课件内容\n"))
	writeFile(t, filepath.Join(dir, "课", "a.txt"), []byte("a\n"))
	writeFile(t, filepath.Join(dir, "site", "index.html"), []byte("<h1>site</h1>\n"))
	writeFile(t, filepath.Join(dir, ".hidden"), []byte("secret\n"))
	writeFile(t, filepath.Join(dir, "sub", ".env"), []byte("PASSWORD=1\n"))
	ngx := startNginx(t, dir)
	paths := []string{
		"/plain.txt", "/sub/s.txt", "/sub/", "/sub", "/sub?x=1", "/",
		// dot segments, plain and percent-encoded
		"/sub/../plain.txt", "/sub/%2e%2e/plain.txt", "/sub/%2E%2E/plain.txt", "/sub/.%2e/plain.txt",
		"/./plain.txt", "/%2e/plain.txt", "/sub/./s.txt", "/sub/deeper/../s.txt", "/sub/deeper/../../plain.txt",
		"/a/b/../../plain.txt", "/sub/s.txt/../s.txt", "/sub/../sub/deeper/d.txt",
		// a trailing "." or ".." leaves the folder form
		"/sub/.", "/sub/..", "/sub/deeper/..", "/sub/s.txt/..", "/sub/%2e", "/sub/%2e%2e", "/sub/.../..",
		"/sub/..?x=1", "/site/..", "/site/.", "/site/../site/",
		// redirects to the resolved folder
		"/a/b/../../sub", "/sub/../sub", "/sub/%2e%2e/sub/deeper", "/%E8%AF%BE", "/sub/../%E8%AF%BE?q=1",
		// merged slashes
		"//plain.txt", "/sub//s.txt", "//sub//deeper//d.txt", "///",
		// encoded names
		"/%E8%AF%BE%E4%BB%B6.txt", "/sub/../%E8%AF%BE%E4%BB%B6.txt", "/%E8%AF%BE/a.txt",
		// climbing above the root: 400 in both
		"/..", "/../plain.txt", "/sub/../../plain.txt", "/%2e%2e/plain.txt", "/sub/%2e%2e/%2e%2e/plain.txt",
		"//..", "/./../plain.txt",
		// NUL: 400 in both
		"/sub/%00", "/plain.txt%00.html",
		// dotfiles (nginx configured to hide them like we do), also reached through ".."
		"/.hidden", "/sub/../.hidden", "/sub/.env", "/sub/deeper/../.env", "/sub/...",
		// a file is not a folder
		"/plain.txt/", "/plain.txt/.", "/sub/s.txt/",
		// not found
		"/missing", "/sub/missing/..", "/sub/missing/../s.txt",
		// absolute-form
		"http://x/sub/../plain.txt", "http://x/../plain.txt",
	}
	for _, eng := range engines(t) {
		f := start(t, eng, Config{Dir: dir})
		for _, p := range paths {
			req := "GET " + p + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
			nr, nb := raw(t, ngx, req)
			or, ob := raw(t, f.addr, req)
			if nr.StatusCode != or.StatusCode {
				t.Errorf("%s %s: nginx %d, NetLab %d", eng, p, nr.StatusCode, or.StatusCode)
				continue
			}
			switch {
			case nr.StatusCode == 301:
				nl := nr.Header.Get("Location")
				if i := strings.Index(nl, "://"); i >= 0 {
					nl = nl[i+3:]
					nl = nl[strings.IndexByte(nl, '/'):]
				}
				if ol := or.Header.Get("Location"); ol != nl {
					t.Errorf("%s %s: Location nginx %q, NetLab %q", eng, p, nl, ol)
				}
			case nr.StatusCode == 200 && indexTitle.MatchString(nb):
				nt, ot := indexTitle.FindStringSubmatch(nb), indexTitle.FindStringSubmatch(ob)
				if ot == nil || nt[1] != ot[1] {
					t.Errorf("%s %s: nginx lists %q, NetLab %q", eng, p, nt[1], ot)
				}
			case nr.StatusCode == 200 && nb != ob:
				t.Errorf("%s %s: body nginx %q, NetLab %.80q", eng, p, nb, ob)
			}
		}
	}
}

// TestNginxDifferences pins the answers where we differ from nginx on
// purpose (see cleanPath): encoded separators and backslashes are refused
// with 403, where nginx on Linux decodes %2F into "/" and takes "\" as a
// name character.
func TestNginxDifferences(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "www")
	writeFile(t, filepath.Join(dir, "plain.txt"), []byte("plain\n"))
	writeFile(t, filepath.Join(dir, "sub", "s.txt"), []byte("in sub\n"))
	f := start(t, engines(t)[0], Config{Dir: dir})
	for _, p := range []string{"/sub/..%2fplain.txt", "/sub%2f..%2fplain.txt", "/sub/%2fs.txt", "/sub%5cs.txt", `/sub\..\plain.txt`} {
		if r, _ := raw(t, f.addr, "GET "+p+" HTTP/1.1\r\nHost: x\r\n\r\n"); r.StatusCode != 403 {
			t.Errorf("%s: %d, want 403", p, r.StatusCode)
		}
	}
}
