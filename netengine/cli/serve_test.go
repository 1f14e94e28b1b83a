package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestServeCommand(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hi there"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuf
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Ctx: ctx}
	url, codec := startServe(t, env, &errb, []string{"serve", dir, "--addr", "127.0.0.1:0", "--engine", "portable"})
	resp, err := http.Get(url + "hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "hi there" {
		t.Fatalf("body %q", b)
	}
	cancel()
	select {
	case code := <-codec:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on cancel")
	}
	clf := regexp.MustCompile(`^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET /hello\.txt HTTP/1\.1" 200 8\n$`)
	if !clf.MatchString(out.String()) {
		t.Fatalf("stdout is not one common-log line: %q", out.String())
	}
	if !strings.Contains(errb.String(), "Stopped: 1 requests") {
		t.Fatalf("stderr: %q", errb.String())
	}
}

func TestServeUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"serve"}, {"serve", "a", "b"}, {"serve", ".", "--addr", "nonsense"}, {"serve", ".", "--loops", "-1"}} {
		var o, e bytes.Buffer
		env := &Env{Stdin: strings.NewReader(""), Stdout: &o, Stderr: &e, Ctx: context.Background()}
		if code := env.run(args); code != 2 || !strings.Contains(e.String(), "Usage: netlab serve") {
			t.Errorf("%v: exit %d, stderr %q", args, code, e.String())
		}
	}
	var o, e bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &o, Stderr: &e, Ctx: context.Background()}
	if code := env.run([]string{"serve", "/nonexistent-folder-xyz", "--addr", "127.0.0.1:0"}); code != 1 || !strings.HasPrefix(e.String(), "netlab serve: ") {
		t.Errorf("missing folder: exit %d, %q", code, e.String())
	}
}

// slowOut is a stdout that takes its time, like a pipe to a busy terminal.
type slowOut struct {
	syncBuf
	delay time.Duration
}

func (s *slowOut) Write(p []byte) (int, error) {
	time.Sleep(s.delay)
	return s.syncBuf.Write(p)
}

// TestServeLogsEveryRequest: with a stdout far slower than the server,
// the access log still has one line per request (issue 15.4: the old
// 4096-entry queue dropped lines instead of waiting).
func TestServeLogsEveryRequest(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("abc"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &slowOut{delay: 100 * time.Millisecond}
	var errb syncBuf
	env := &Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: &errb, Ctx: ctx}
	url, codec := startServe(t, env, &errb, []string{"serve", dir, "--addr", "127.0.0.1:0"})
	const conns, each = 8, 1000
	var wg sync.WaitGroup
	for c := 0; c < conns; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := &http.Client{Timeout: time.Minute}
			for i := 0; i < each; i++ {
				resp, err := cl.Get(url + "a.txt")
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	cancel()
	select {
	case <-codec:
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop")
	}
	lines := strings.Count(out.String(), "\n")
	if lines != conns*each || !strings.Contains(errb.String(), fmt.Sprintf("Stopped: %d requests", conns*each)) || strings.Contains(errb.String(), "lost") {
		t.Fatalf("%d log lines for %d requests; stderr %q", lines, conns*each, errb.String())
	}
}

type failingOut struct{}

func (failingOut) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestServeSaysWhenLogLinesAreLost: a failed write of the access log is
// reported on stderr, at once and in the final count.
func TestServeSaysWhenLogLinesAreLost(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("abc"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errb syncBuf
	env := &Env{Stdin: strings.NewReader(""), Stdout: failingOut{}, Stderr: &errb, Ctx: ctx}
	url, codec := startServe(t, env, &errb, []string{"serve", dir, "--addr", "127.0.0.1:0", "--engine", "portable"})
	resp, err := http.Get(url + "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for i := 0; i < 500 && !strings.Contains(errb.String(), "access log: 1 lines lost: no space left on device"); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-codec
	if s := errb.String(); !strings.Contains(s, "netlab serve: access log: 1 lines lost: no space left on device\n") || !strings.Contains(s, "; 1 access log lines lost (no space left on device)") {
		t.Fatalf("stderr %q", s)
	}
}

// startServe runs args in the background and returns the URL that serve
// printed on errb, and the channel its exit code arrives on.
func startServe(t *testing.T, env *Env, errb *syncBuf, args []string) (string, chan int) {
	t.Helper()
	codec := make(chan int, 1)
	go func() { codec <- env.run(args) }()
	re := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	var url string
	for i := 0; i < 500 && url == ""; i++ {
		url = re.FindString(errb.String())
		time.Sleep(10 * time.Millisecond)
	}
	if url == "" {
		t.Fatalf("no URL printed: %q", errb.String())
	}
	return url, codec
}
