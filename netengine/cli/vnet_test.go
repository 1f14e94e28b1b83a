package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestVnetScenariosJSON(t *testing.T) {
	code, out, errs := runCLI("vnet", "scenarios", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var v struct {
		Scenarios []struct {
			Name  string
			Title struct{ EN, ZH string }
		}
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	want := "handshake http-short http-keepalive rst half-close loss zero-window arp wrong-mask wrong-gateway nat dns"
	var names []string
	for _, s := range v.Scenarios {
		names = append(names, s.Name)
		if s.Title.EN == "" || s.Title.ZH == "" {
			t.Errorf("%s: title %+v", s.Name, s.Title)
		}
	}
	if strings.Join(names, " ") != want {
		t.Fatalf("scenarios %v, want %s", names, want)
	}
	_, text, _ := runCLI("vnet", "scenarios")
	if !strings.Contains(text, "handshake") || strings.Count(text, "\n") != 12 {
		t.Fatalf("text list:\n%s", text)
	}
}

func TestVnetBadInput(t *testing.T) {
	for _, args := range [][]string{{"vnet"}, {"vnet", "fly"}, {"vnet", "run"}, {"vnet", "run", "nosuch"},
		{"vnet", "serve", "--forward", "10.1.2.3:80"}, {"vnet", "serve", "--forward", "127.0.0.1:80=web"}} {
		code, _, errs := runCLI(args...)
		if code != 2 || !strings.Contains(errs, "netlab vnet") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

// TestVnetRunHandshakeJSON checks the JSON contract and the handshake's
// flags and relative numbers as the CLI reports them.
func TestVnetRunHandshakeJSON(t *testing.T) {
	code, out, errs := runCLI("vnet", "run", "handshake", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var v struct {
		Scenario string
		Hosts    []map[string]string
		Frames   []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Scenario != "handshake" || len(v.Hosts) != 5 || v.Hosts[0]["name"] != "pc1" || v.Hosts[0]["addr"] != "192.168.1.10/24" {
		t.Fatalf("scenario %q hosts %v", v.Scenario, v.Hosts)
	}
	keys := []string{"t", "link", "src_mac", "dst_mac", "proto", "src", "dst", "transport", "sport", "dport", "flags", "seq", "ack", "rel_seq", "rel_ack", "win", "len", "info", "dropped"}
	var seq []string
	for _, f := range v.Frames {
		for _, k := range keys {
			if _, ok := f[k]; !ok {
				t.Fatalf("frame lacks %q: %v", k, f)
			}
		}
		if f["link"] == "pc1-sw1" && f["transport"] == "TCP" {
			seq = append(seq, f["flags"].(string)+" "+jsonNum(f["rel_seq"])+"/"+jsonNum(f["rel_ack"]))
		}
	}
	want := "SYN 0/0|SYN,ACK 0/1|ACK 1/1|PSH,ACK 1/1|ACK 1/7|FIN,ACK 7/1|ACK 1/8|FIN,ACK 1/8|ACK 8/2"
	if got := strings.Join(seq, "|"); got != want {
		t.Fatalf("pc1-sw1 TCP frames\n got %s\nwant %s", got, want)
	}
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestVnetRunPcap runs a scenario with --pcap and has tcpdump read the file
// back: one record per printed line, and tcpdump's text for each frame is
// the text the CLI printed.
func TestVnetRunPcap(t *testing.T) {
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump is not installed (.ci/deps.sh test installs it)")
	}
	file := filepath.Join(t.TempDir(), "nat.pcap")
	code, out, errs := runCLI("vnet", "run", "nat", "--pcap", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	dump, err := exec.Command(tcpdump, "-nn", "-r", file).Output()
	if err != nil {
		t.Fatalf("tcpdump: %v", err)
	}
	recs := strings.Split(strings.TrimSpace(string(dump)), "\n")
	if len(recs) != len(lines) {
		t.Fatalf("tcpdump read %d records, the CLI printed %d lines", len(recs), len(lines))
	}
	// "0.000123 LINK TEXT" vs tcpdump's "HH:MM:SS.micro TEXT"
	ts := regexp.MustCompile(`^\S+ `)
	for i := range lines {
		cli := ts.ReplaceAllString(lines[i], "")
		_, cli, _ = strings.Cut(cli, " ") // the link name
		if td := ts.ReplaceAllString(recs[i], ""); td != cli {
			t.Errorf("frame %d:\n cli     %s\n tcpdump %s", i+1, cli, td)
		}
	}
	if !strings.Contains(string(dump), "10.0.0.1.50000 > 10.0.0.2.80") {
		t.Fatalf("the NAT-translated side is missing:\n%s", dump)
	}
}

// TestVnetServeForward starts `vnet serve` with a forward on a free port,
// fetches the page inside through it with Go's HTTP client and sees its
// frames printed.
func TestVnetServeForward(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuf
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Ctx: ctx}
	done := make(chan int, 1)
	go func() { done <- env.run([]string{"vnet", "serve", "--forward", "127.0.0.1:0"}) }()
	re := regexp.MustCompile(`open (http://127\.0\.0\.1:\d+/)`)
	var url string
	for i := 0; i < 500 && url == ""; i++ {
		if m := re.FindStringSubmatch(errb.String()); m != nil {
			url = m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	if url == "" {
		cancel()
		t.Fatalf("no forward announced: %s", errb.String())
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Hello from web") {
		t.Fatalf("body %q", body)
	}
	for i := 0; i < 500 && !strings.Contains(out.String(), "HTTP: GET / HTTP/1.1"); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := out.String()
	for _, w := range []string{"r1-sw1 IP 192.168.1.1.", "> 192.168.1.20.80: Flags [S]", "HTTP: GET / HTTP/1.1", "HTTP: HTTP/1.1 200 OK"} {
		if !strings.Contains(s, w) {
			t.Fatalf("no %q in the live frames:\n%s", w, s)
		}
	}
	_ = os.Stderr
}
