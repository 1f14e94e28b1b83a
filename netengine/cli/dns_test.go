package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netlab-classroom/netlab/netengine/dnsx"
)

func classroomServer(t *testing.T) string {
	t.Helper()
	s, err := dnsx.NewServer(dnsx.BuiltinZones(), dnsx.ServerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	addr, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop() })
	return addr
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = Run(args, strings.NewReader(""), &o, &e, "test", "0")
	return code, o.String(), e.String()
}

func TestDNSQueryJSON(t *testing.T) {
	addr := classroomServer(t)
	code, out, errOut := runCLI("dns", "query", "www.classroom.lab", "--server", addr, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r struct {
		Rcode  string   `json:"rcode"`
		Flags  []string `json:"flags"`
		Server string   `json:"server"`
		RTT    *float64 `json:"rtt_ms"`
		Answer []struct {
			Name string `json:"name"`
			Type string `json:"type"`
			TTL  uint32 `json:"ttl"`
			Data string `json:"data"`
		} `json:"answer"`
		Authority  []any `json:"authority"`
		Additional []any `json:"additional"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if r.Rcode != "NOERROR" || r.Server != addr || r.RTT == nil || *r.RTT < 0 || strings.Join(r.Flags, " ") != "qr aa rd" ||
		len(r.Answer) != 1 || r.Answer[0].Name != "www.classroom.lab." || r.Answer[0].Type != "A" || r.Answer[0].TTL != 300 ||
		r.Answer[0].Data != "192.0.2.80" || r.Authority == nil || r.Additional == nil {
		t.Errorf("JSON: %s", out)
	}
	if strings.Count(strings.TrimSpace(out), "\n{") != 0 || !json.Valid([]byte(out)) {
		t.Error("--json must print exactly one object")
	}
}

func TestDNSQueryText(t *testing.T) {
	addr := classroomServer(t)
	code, out, errOut := runCLI("dns", "query", "--tcp", "classroom.lab", "mx", "--server", addr)
	if code != 0 || !strings.Contains(out, "(tcp)") || !strings.Contains(out, ";; ANSWER\nclassroom.lab.\t300\tIN\tMX\t10 mail.classroom.lab.") ||
		!strings.Contains(out, ";; ADDITIONAL\nmail.classroom.lab.") || !strings.Contains(out, "flags: qr aa rd") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runCLI("dns", "query", "192.0.2.80", "--server", addr)
	if code != 0 || !strings.Contains(out, "80.2.0.192.in-addr.arpa.\t300\tIN\tPTR\twww.classroom.lab.") {
		t.Errorf("reverse: %s", out)
	}
	code, out, _ = runCLI("dns", "query", "example.com", "--server", addr)
	if code != 0 || !strings.Contains(out, "rcode: REFUSED") {
		t.Errorf("a DNS answer with an error rcode is still data (exit 0): %d %s", code, out)
	}
	code, out, _ = runCLI("dns", "query", "big.classroom.lab", "TXT", "--server", addr)
	if code != 0 || strings.Count(out, "\tTXT\t") != 6 {
		t.Errorf("big TXT: %s", out)
	}
	// the built-in zone's wildcard *.students answers any name below it
	code, out, _ = runCLI("dns", "query", "alice.students.classroom.lab", "--server", addr)
	if code != 0 || !strings.Contains(out, "rcode: NOERROR") || !strings.Contains(out, ";; ANSWER\nalice.students.classroom.lab.\t300\tIN\tA\t192.0.2.200") {
		t.Errorf("wildcard: %s", out)
	}
	code, out, _ = runCLI("dns", "query", "bob.students.classroom.lab", "--trace", "--server", addr)
	if code != 0 || !strings.Contains(out, "zone classroom.lab.) at "+addr+": bob.students.classroom.lab. A -> answer NOERROR [A 192.0.2.200]") {
		t.Errorf("wildcard trace: %s", out)
	}
}

func TestDNSTraceCLI(t *testing.T) {
	addr := classroomServer(t)
	code, out, errOut := runCLI("dns", "query", "www.classroom.lab", "--trace", "--server", addr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		" 1. asked classroom server (zone .) at " + addr + ": . NS -> root servers: a.root-servers.lab.",
		" 2. asked a.root-servers.lab. (zone .) at " + addr + ": www.classroom.lab. A -> referral to lab.: ns1.lab.",
		" 3. asked ns1.lab. (zone lab.) at " + addr + ": www.classroom.lab. A -> referral to classroom.lab.: ns1.classroom.lab.",
		" 4. asked ns1.classroom.lab. (zone classroom.lab.) at " + addr + ": www.classroom.lab. A -> answer NOERROR [A 192.0.2.80]",
		"www.classroom.lab.\t300\tIN\tA\t192.0.2.80",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	code, out, _ = runCLI("dns", "query", "web.classroom.lab", "--trace", "--server", addr, "--json")
	var tr dnsx.TraceResult
	if err := json.Unmarshal([]byte(out), &tr); code != 0 || err != nil || len(tr.Steps) != 7 || tr.Steps[3].Kind != dnsx.StepCNAME || len(tr.Answer) != 2 {
		t.Errorf("trace JSON (%d, %v): %s", code, err, out)
	}
	hints := filepath.Join(t.TempDir(), "bad.root")
	os.WriteFile(hints, []byte(". 1 NS a.root.\na.root. 1 A 999.0.0.1\n"), 0o644)
	if code, _, errOut := runCLI("dns", "query", "x.lab", "--trace", "--hints", hints); code != 1 || !strings.Contains(errOut, "bad.root:2") {
		t.Errorf("bad hints file: %d %s", code, errOut)
	}
}

func TestDNSQueryErrors(t *testing.T) {
	cases := [][]string{{"dns"}, {"dns", "query"}, {"dns", "query", "a", "b", "c"}, {"dns", "query", "x.lab", "NOPE"},
		{"dns", "query", "bad..name"}, {"dns", "bogus"}, {"dns", "serve", "extra"}, {"dns", "query", "--nosuchflag", "x"}}
	for _, args := range cases {
		if code, out, errOut := runCLI(args...); code != 2 || errOut == "" || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	if code, out, _ := runCLI("dns", "query", "--help"); code != 0 || !strings.Contains(out, "--server") {
		t.Errorf("--help: %d %s", code, out)
	}
	dead := "127.0.0.1:1" // nothing listens on TCP port 1 here
	if code, _, errOut := runCLI("dns", "query", "www.classroom.lab", "--server", dead, "--tcp", "--timeout", "500ms"); code != 1 || !strings.HasPrefix(errOut, "netlab dns query: ") {
		t.Errorf("unreachable server: %d %q", code, errOut)
	}
}

func waitFor(t *testing.T, what string, f func() bool) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if f() {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func serveInProcess(t *testing.T, args ...string) (addr string, stdout, stderr *syncBuf, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &syncBuf{}, &syncBuf{}
	env := &Env{Stdin: strings.NewReader(""), Stdout: stdout, Stderr: stderr, Ctx: ctx}
	done := make(chan int, 1)
	go func() { done <- env.run(append([]string{"dns", "serve", "--addr", "127.0.0.1:0"}, args...)) }()
	re := regexp.MustCompile(`on (127\.0\.0\.1:\d+) \(UDP and TCP\)`)
	waitFor(t, "the server to start", func() bool { return re.MatchString(stderr.String()) })
	addr = re.FindStringSubmatch(stderr.String())[1]
	return addr, stdout, stderr, func() int { cancel(); return <-done }
}

func TestDNSServe(t *testing.T) {
	addr, stdout, stderr, stop := serveInProcess(t)
	code, out, _ := runCLI("dns", "query", "www.classroom.lab", "AAAA", "--server", addr)
	if code != 0 || !strings.Contains(out, "2001:db8::80") {
		t.Errorf("query the CLI server: %s", out)
	}
	waitFor(t, "the query log", func() bool {
		return strings.Contains(stdout.String(), "www.classroom.lab. AAAA -> NOERROR [qr aa rd] 1 answers")
	})
	if c := stop(); c != 0 || !strings.Contains(stderr.String(), "stopped") || strings.Contains(stderr.String(), "beyond this computer") {
		t.Errorf("exit %d, stderr %s", c, stderr.String())
	}
}

func TestDNSServeZoneFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "school.test.zone")
	os.WriteFile(good, []byte("$ORIGIN school.test.\n$TTL 60\n@ IN SOA ns t 1 2 3 4 5\n@ IN NS ns\nns IN A 192.0.2.9\nlibrary IN A 192.0.2.10\n"), 0o644)
	bad := filepath.Join(dir, "bad.zone")
	os.WriteFile(bad, []byte("$ORIGIN bad.test.\n@ IN SOA ns t 1 2 3 4 5\n@ IN NS ns\n\nns IN A 10.0.0.300\n"), 0o644)
	code, _, errOut := runCLI("dns", "serve", "--zone", good, "--zone", bad, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errOut, "bad.zone:5: bad A") {
		t.Errorf("a bad zone file must stop with its line: %d %q", code, errOut)
	}
	addr, _, _, stop := serveInProcess(t, "--zone", good)
	defer stop()
	if code, out, _ := runCLI("dns", "query", "library.school.test", "--server", addr); code != 0 || !strings.Contains(out, "192.0.2.10") {
		t.Errorf("zone from file: %s", out)
	}
	if code, out, _ := runCLI("dns", "query", "www.classroom.lab", "--server", addr); code != 0 || !strings.Contains(out, "REFUSED") {
		t.Errorf("with --zone the built-in zones are not served: %s", out)
	}
}
