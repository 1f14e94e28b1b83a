package workbench

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/netlab-classroom/netlab/netengine/codec"
	"github.com/netlab-classroom/netlab/netengine/httpteach"

	"github.com/netlab-classroom/netlab/netengine/internal/chromium"
)

// TestChromiumE1 is exercise E1 with a real browser: headless Chromium
// requests the page from the server model, the request is analysed, a
// response built with the compose helper is sent, and --dump-dom prints the
// body the browser rendered.
func TestChromiumE1(t *testing.T) {
	bin := chromium.Path(t)
	eng := engine(t)
	log := NewLog(0, 0)
	srv := NewServer(eng, log)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := chromium.DumpDOM(ctx, t, bin, "http://"+srv.Addr()+"/")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	// wait for a complete GET on some connection (browsers may open a spare one)
	var conn uint64
	var req *httpteach.Message
	for i := 0; i < 6000 && req == nil; i++ {
		recs, _ := log.Since(0, 0)
		per := map[uint64][]byte{}
		for _, r := range recs {
			if r.Dir == RX {
				per[r.Conn] = append(per[r.Conn], r.Data...)
			}
		}
		for id, data := range per {
			if m := httpteach.Analyze(data); m.Kind == httpteach.RequestKind && m.Complete() {
				conn, req = id, m
			}
		}
		if req == nil {
			select {
			case err := <-done:
				t.Fatalf("chromium exited before its request arrived: %v\n%s", err, errb.String())
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	if req == nil {
		t.Fatal("no complete HTTP request from chromium")
	}
	if req.Method != "GET" || req.Target != "/" || len(req.Problems) != 0 {
		t.Fatalf("request %s, problems %v", req, req.Problems)
	}
	if host, _ := req.Get("Host"); host != srv.Addr() {
		t.Fatalf("Host %q", host)
	}
	body := "<h1>我是响应正文</h1>"
	resp, err := httpteach.Compose(httpteach.Response{Charset: codec.GBK, Body: body, Close: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Send([]uint64{conn}, resp, true); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("chromium: %v\n%s", err, errb.String())
		}
	case <-ctx.Done():
		t.Fatal("chromium did not finish")
	}
	if !strings.Contains(out.String(), body) {
		t.Fatalf("--dump-dom printed %q, want the body %q (decoded from GBK)", out.String(), body)
	}
	if os.Getenv("VERBOSE") != "" {
		t.Logf("dump-dom: %s", out.String())
	}
}
