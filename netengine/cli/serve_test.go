package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
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
	codec := make(chan int, 1)
	go func() { codec <- env.run([]string{"serve", dir, "--addr", "127.0.0.1:0", "--engine", "portable"}) }()
	re := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	var url string
	for i := 0; i < 500 && url == ""; i++ {
		url = re.FindString(errb.String())
		time.Sleep(10 * time.Millisecond)
	}
	if url == "" {
		t.Fatalf("no URL printed: %q", errb.String())
	}
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
