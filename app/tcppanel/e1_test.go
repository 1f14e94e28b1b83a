package tcppanel

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestE1TypedByHand is the course exercise as a student does it: the server
// runs, a browser-like client asks for /, the student types the status
// line, a blank line and the body (no Content-Length), ticks HTTP mode and
// "close after sending", and the client gets the page.
func TestE1TypedByHand(t *testing.T) {
	u, ctx := newPanel(t)
	addr := startServer(t, u)
	type result struct {
		body string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		c := &http.Client{Timeout: 20 * time.Second}
		resp, err := c.Get("http://" + addr + "/")
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		done <- result{string(b), err}
	}()
	waitUI(t, u, "the request", func() bool { return strings.Contains(u.http.title.Text, "HTTP request from") })
	if !strings.Contains(viewText(u), `|GET / HTTP/1.1\r\n`) || !strings.Contains(viewText(u), "|\\r\\n") {
		t.Fatalf("request lines with CR LF and the blank line not visible:\n%s", viewText(u))
	}
	u.send.httpMode.SetChecked(true)
	if u.send.lineEnding().String() != "CR LF" {
		t.Fatal("HTTP mode should pick CR LF")
	}
	u.send.closeAfter.SetChecked(true)
	u.send.entry.SetText("HTTP/1.1 200 OK\n\n<h1>我是响应正文</h1>")
	u.send.sendBtn.OnTapped()
	if !strings.Contains(ctx.Status.MessageText(), "No Content-Length") {
		t.Fatalf("HTTP check did not warn: %q", ctx.Status.MessageText())
	}
	select {
	case r := <-done:
		if r.err != nil || r.body != "<h1>我是响应正文</h1>" {
			t.Fatalf("client got %q, %v", r.body, r.err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the client got no response")
	}
}

// Every lang.L key of the package is in both translation files.
func TestTranslationsComplete(t *testing.T) {
	tables := map[string]map[string]string{}
	for _, l := range []string{"en", "zh_Hans"} {
		b, err := os.ReadFile(filepath.Join("i18n", l+".json"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		tables[l] = m
	}
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`lang\.L\(("(?:[^"\\]|\\.)*")`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(f)
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			key, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatal(err)
			}
			n++
			for l, tab := range tables {
				if v, ok := tab[key]; !ok || v == "" {
					t.Errorf("%s: %s missing %q", f, l, key)
				}
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d keys found: the pattern is broken", n)
	}
	for k, v := range tables["zh_Hans"] {
		if strings.Count(k, "{{") != strings.Count(v, "{{") {
			t.Errorf("placeholders differ: %q vs %q", k, v)
		}
	}
}
