package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func runLoad(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(append([]string{"load"}, args...), strings.NewReader(""), &out, &errb, "t", "0")
	return code, out.String(), errb.String()
}

func TestLoadCommand(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		io.WriteString(w, "ok\n")
	}))
	defer srv.Close()

	code, out, _ := runLoad(srv.URL, "--conns", "2", "--duration", "200ms", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var j loadJSON
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if j.Requests == 0 || j.Requests != served.Load() || j.Conns != 2 || j.Status["200"] != j.Requests || j.LatencyMs["p99"] <= 0 {
		t.Fatalf("%+v (server %d)", j, served.Load())
	}

	code, out, _ = runLoad("--duration=100ms", srv.URL)
	if code != 0 || !strings.Contains(out, "Requests/sec:") || !strings.Contains(out, "99%") {
		t.Fatalf("text output %d: %s", code, out)
	}
}

func TestLoadRefusesAndValidates(t *testing.T) {
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"http://192.0.2.7/"}, 1, "loopback"},
		{[]string{"http://example.com/"}, 1, "loopback"},
		{[]string{"https://127.0.0.1/"}, 1, "https"},
		{[]string{}, 2, "target"},
		{[]string{"127.0.0.1:1", "--conns", "0"}, 2, "--conns"},
		{[]string{"127.0.0.1:1", "--duration", "-1s"}, 2, "--duration"},
		{[]string{"127.0.0.1:1", "--bogus"}, 2, ""},
	}
	for _, c := range cases {
		code, _, errs := runLoad(c.args...)
		if code != c.code || !strings.Contains(errs, c.msg) {
			t.Errorf("%v: exit %d stderr %q", c.args, code, errs)
		}
	}
	// Nothing listening: non-zero exit with the reason.
	code, _, errs := runLoad("http://127.0.0.1:1/", "--duration", "100ms", "--conns", "1")
	if code != 1 || !strings.Contains(errs, "connect") {
		t.Errorf("closed port: exit %d %q", code, errs)
	}
}
