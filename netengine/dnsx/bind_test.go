package dnsx

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// The differential test: BIND 9's named and the classroom server serve the
// same zones (testdata/bind) and are asked the same questions; the answers
// must agree in rcode, AA, the answer section, the authority section (the
// SOA of a negative answer, the NS of a referral) and the additional
// section (glue, addresses of MX/SRV/NS targets). BIND is the reference:
// where the classroom server differs, it is wrong.

// bindQuestions covers wildcards (RFC 4592), empty non-terminals,
// delegations with and without glue, and CNAME chains in and out of the
// zones.
var bindQuestions = []struct {
	name string
	typ  uint16
}{
	// the apex and plain names
	{"class.lab.", dns.TypeSOA}, {"class.lab.", dns.TypeNS}, {"class.lab.", dns.TypeA},
	{"class.lab.", dns.TypeMX}, {"class.lab.", dns.TypeAAAA}, {"class.lab.", dns.TypeTXT},
	{"www.class.lab.", dns.TypeA}, {"www.class.lab.", dns.TypeAAAA}, {"www.class.lab.", dns.TypeMX},
	{"WWW.Class.LAB.", dns.TypeA}, {"nosuch.class.lab.", dns.TypeA}, {"nosuch.class.lab.", dns.TypeTXT},
	{"_http._tcp.class.lab.", dns.TypeSRV}, {"_tcp.class.lab.", dns.TypeA}, {"x._tcp.class.lab.", dns.TypeSRV},
	{"mail.class.lab.", dns.TypeA}, {"ns1.class.lab.", dns.TypeAAAA},
	// wildcards
	{"foo.wild.class.lab.", dns.TypeA}, {"foo.wild.class.lab.", dns.TypeTXT}, {"foo.wild.class.lab.", dns.TypeAAAA},
	{"foo.wild.class.lab.", dns.TypeMX}, {"foo.wild.class.lab.", dns.TypeCNAME}, {"a.b.c.wild.class.lab.", dns.TypeA},
	{"explicit.wild.class.lab.", dns.TypeA}, {"explicit.wild.class.lab.", dns.TypeAAAA}, {"x.explicit.wild.class.lab.", dns.TypeA},
	{"wild.class.lab.", dns.TypeA}, {"*.wild.class.lab.", dns.TypeA}, {"*.wild.class.lab.", dns.TypeTXT},
	{"ent.wild.class.lab.", dns.TypeA}, {"x.ent.wild.class.lab.", dns.TypeA}, {"deep.ent.wild.class.lab.", dns.TypeA},
	{"foo.cw.class.lab.", dns.TypeA}, {"foo.cw.class.lab.", dns.TypeCNAME}, {"foo.cw.class.lab.", dns.TypeAAAA},
	{"foo.cw.class.lab.", dns.TypeTXT}, {"foo.mxw.class.lab.", dns.TypeMX}, {"foo.mxw.class.lab.", dns.TypeA},
	// empty non-terminals
	{"b.ent.class.lab.", dns.TypeA}, {"ent.class.lab.", dns.TypeA}, {"a.b.ent.class.lab.", dns.TypeA},
	{"x.b.ent.class.lab.", dns.TypeA}, {"x.ent.class.lab.", dns.TypeA},
	// CNAME chains
	{"c1.class.lab.", dns.TypeA}, {"c1.class.lab.", dns.TypeCNAME}, {"c2.class.lab.", dns.TypeAAAA}, {"c1.class.lab.", dns.TypeMX},
	{"dangling.class.lab.", dns.TypeA}, {"toother.class.lab.", dns.TypeA}, {"tonx.class.lab.", dns.TypeA},
	{"outside.class.lab.", dns.TypeA}, {"towild.class.lab.", dns.TypeA}, {"towild.class.lab.", dns.TypeAAAA},
	{"todeleg.class.lab.", dns.TypeA}, {"back.other.lab.", dns.TypeA},
	// delegations
	{"sub.class.lab.", dns.TypeNS}, {"sub.class.lab.", dns.TypeA}, {"www.sub.class.lab.", dns.TypeA},
	{"ns.sub.class.lab.", dns.TypeA}, {"a.b.sub.class.lab.", dns.TypeMX}, {"sub.class.lab.", dns.TypeDS},
	{"nog.class.lab.", dns.TypeA}, {"x.nog.class.lab.", dns.TypeA}, {"nog.class.lab.", dns.TypeNS},
	{"sib.class.lab.", dns.TypeA}, {"sib2.class.lab.", dns.TypeA}, {"far.class.lab.", dns.TypeA}, {"x.far.class.lab.", dns.TypeAAAA},
	// the second zone (its SOA's TTL is below its minimum)
	{"other.lab.", dns.TypeNS}, {"www.other.lab.", dns.TypeA}, {"nx.other.lab.", dns.TypeA}, {"www.other.lab.", dns.TypeTXT},
	// RFC 4592 §2.2.1's examples
	{"host3.example.", dns.TypeMX}, {"host3.example.", dns.TypeA}, {"foo.bar.example.", dns.TypeTXT},
	{"host1.example.", dns.TypeMX}, {"sub.*.example.", dns.TypeMX}, {"_telnet._tcp.host1.example.", dns.TypeSRV},
	{"host.subdel.example.", dns.TypeA}, {"ghost.*.example.", dns.TypeMX}, {"_ssh._tcp.host1.example.", dns.TypeSRV},
	{"_tcp.host1.example.", dns.TypeA}, {"*.example.", dns.TypeTXT}, {"_dns._udp.host2.example.", dns.TypeSRV},
	{"host2.example.", dns.TypeA}, {"example.", dns.TypeMX},
	// ANY
	{"www.class.lab.", dns.TypeANY}, {"foo.wild.class.lab.", dns.TypeANY}, {"b.ent.class.lab.", dns.TypeANY}, {"nosuch.class.lab.", dns.TypeANY},
	// not served by either
	{"www.example.com.", dns.TypeA}, {"lab.", dns.TypeNS},
}

// TestDifferentialAgainstBIND asks named and the classroom server every
// question of bindQuestions and compares the answers.
func TestDifferentialAgainstBIND(t *testing.T) {
	named := findNamed(t)
	bindAddr := startNamed(t, named, "testdata/bind")

	srv := testdataServer(t)
	ours, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()

	c := &dns.Client{Net: "udp", Timeout: 3 * time.Second}
	for _, q := range bindQuestions {
		for _, rd := range []bool{false, true} { // as a resolver asks, as dig asks
			label := fmt.Sprintf("%s %s (rd %v)", q.name, TypeName(q.typ), rd)
			m := new(dns.Msg)
			m.SetQuestion(q.name, q.typ)
			m.RecursionDesired = rd
			m.SetEdns0(4096, false)
			want, _, err := c.Exchange(m, bindAddr)
			if err != nil {
				t.Fatalf("%s: named: %v", label, err)
			}
			got, _, err := c.Exchange(m, ours)
			if err != nil {
				t.Fatalf("%s: classroom server: %v", label, err)
			}
			if d := diffMsgs(want, got); d != "" {
				t.Errorf("%s differs from BIND:\n%s", label, d)
			}
		}
	}
}

// findNamed returns the path of BIND's named, or skips the test.
func findNamed(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		// under wine /usr/sbin/named is visible (Z:) but cannot run
		t.Skip("BIND 9's named is the Linux reference; the differential runs in the Linux tests")
	}
	if p, err := exec.LookPath("named"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/sbin/named", "/usr/local/sbin/named"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("BIND 9's named is not installed (Debian: apt-get install bind9); the differential test needs it as the reference")
	return ""
}

// startNamed runs named in the foreground from a temporary directory, as
// the current user, authoritative only for the zone files of dir, on a
// free loopback port, and returns its address once it answers.
func startNamed(t *testing.T, named, dir string) string {
	t.Helper()
	tmp := t.TempDir()
	var zones strings.Builder
	files, _ := filepath.Glob(filepath.Join(dir, "*.zone"))
	for _, f := range files {
		z, err := LoadZoneFile(f)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&zones, "zone %q { type primary; file %q; };\n", z.Origin, name)
	}
	port := freePort(t)
	// minimal-responses no-auth: no NS set in the authority section of
	// positive answers (the classroom server never adds it), but the
	// additional section as BIND fills it by default.
	conf := fmt.Sprintf(`options {
	directory %q;
	pid-file %q;
	session-keyfile %q;
	managed-keys-directory %q;
	listen-on port %d { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	minimal-responses no-auth;
	dnssec-validation no;
	notify no;
	rate-limit { responses-per-second 0; };
};
controls { };
%s`, tmp, filepath.Join(tmp, "named.pid"), filepath.Join(tmp, "session.key"), tmp, port, zones.String())
	confPath := filepath.Join(tmp, "named.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	// Run a copy: Ubuntu's AppArmor profile for /usr/sbin/named confines
	// it to /etc/bind and /var/cache/bind, so it could not read this
	// directory; the profile is tied to the path, not to the program.
	if data, err := os.ReadFile(named); err == nil {
		if err := os.WriteFile(filepath.Join(tmp, "named"), data, 0o755); err == nil {
			named = filepath.Join(tmp, "named")
		}
	}
	var out bytes.Buffer
	cmd := exec.Command(named, "-g", "-n", "1", "-c", confPath)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("named: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	c := &dns.Client{Net: "udp", Timeout: 200 * time.Millisecond}
	for try := 0; try < 100; try++ {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("named exited (%v):\n%s", err, out.String())
		default:
		}
		m := new(dns.Msg)
		m.SetQuestion(files0Origin(t, files), dns.TypeSOA)
		if r, _, err := c.Exchange(m, addr); err == nil && r.Rcode == dns.RcodeSuccess && len(r.Answer) == 1 {
			return addr
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("named did not answer on %s within 20 s:\n%s", addr, out.String())
	return ""
}

func files0Origin(t *testing.T, files []string) string {
	z, err := LoadZoneFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return z.Origin
}

// freePort finds a loopback port free for both UDP and TCP.
func freePort(t *testing.T) int {
	t.Helper()
	for try := 0; try < 20; try++ {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		pc.Close()
		if err == nil {
			ln.Close()
			return port
		}
	}
	t.Fatal("no free loopback port")
	return 0
}

// diffMsgs says how got differs from want, or "".
func diffMsgs(want, got *dns.Msg) string {
	var d strings.Builder
	if want.Rcode != got.Rcode {
		fmt.Fprintf(&d, "  rcode: BIND %s, ours %s\n", RcodeName(want.Rcode), RcodeName(got.Rcode))
	}
	if want.Authoritative != got.Authoritative {
		fmt.Fprintf(&d, "  AA: BIND %v, ours %v\n", want.Authoritative, got.Authoritative)
	}
	for _, s := range []struct {
		name      string
		want, got []dns.RR
	}{{"answer", want.Answer, got.Answer}, {"authority", want.Ns, got.Ns}, {"additional", want.Extra, got.Extra}} {
		w, g := rrSet(s.want), rrSet(s.got)
		if !slices.Equal(w, g) {
			fmt.Fprintf(&d, "  %s:\n    BIND: %s\n    ours: %s\n", s.name, strings.Join(w, "\n          "), strings.Join(g, "\n          "))
		}
	}
	return d.String()
}

// rrSet is a section as sorted lower-case lines, without OPT.
func rrSet(rrs []dns.RR) []string {
	out := []string{}
	for _, rr := range rrs {
		if rr.Header().Rrtype == dns.TypeOPT {
			continue
		}
		out = append(out, strings.ToLower(rr.String()))
	}
	slices.Sort(out)
	return out
}
