package dnsx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltinZones(t *testing.T) {
	zs := BuiltinZones()
	var origins []string
	for _, z := range zs {
		origins = append(origins, z.Origin)
	}
	if strings.Join(origins, " ") != ". lab. classroom.lab. 2.0.192.in-addr.arpa." {
		t.Errorf("origins: %v", origins)
	}
}

func TestZoneFileErrorsHaveLineNumbers(t *testing.T) {
	cases := []struct {
		name, text string
		line       int
		msg        string
	}{
		{"bad address", "$ORIGIN x.lab.\n@ IN SOA ns1 t 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 999.1.1.1\n", 4, "bad A"},
		{"unknown type", "$ORIGIN x.lab.\n@ IN SOA ns1 t 1 2 3 4 5\n\n\nwww IN BOGUS 1\n", 5, ""},
		{"bad TTL directive", "$ORIGIN x.lab.\n$TTL forever\n", 2, ""},
		{"unclosed quote", "$ORIGIN x.lab.\n@ IN SOA ns1 t 1 2 3 4 5\n@ IN NS ns1\n@ IN TXT \"open\n", 4, ""},
	}
	for _, c := range cases {
		_, err := ParseZone(strings.NewReader(c.text), "", "x.zone")
		var ze *ZoneError
		if !errors.As(err, &ze) {
			t.Errorf("%s: want a ZoneError, got %v", c.name, err)
			continue
		}
		if ze.Line != c.line || ze.File != "x.zone" || !strings.Contains(ze.Msg, c.msg) || !strings.HasPrefix(ze.Error(), "x.zone:") {
			t.Errorf("%s: got %q (line %d), want line %d", c.name, ze.Error(), ze.Line, c.line)
		}
	}
}

func TestZoneValidation(t *testing.T) {
	cases := map[string]string{
		"no SOA":          "$ORIGIN x.lab.\n@ IN NS ns1\nns1 IN A 192.0.2.1\n",
		"no NS":           "$ORIGIN x.lab.\n@ IN SOA ns1 t 1 2 3 4 5\n",
		"two SOA":         "$ORIGIN x.lab.\n@ IN SOA ns1 t 1 2 3 4 5\n@ IN SOA ns1 t 2 2 3 4 5\n@ IN NS ns1\n",
		"CNAME and other": "$ORIGIN x.lab.\n@ IN SOA ns1 t 1 2 3 4 5\n@ IN NS ns1\nw IN CNAME @\nw IN A 192.0.2.1\n",
		"outside":         "$ORIGIN x.lab.\n@ IN SOA ns1 t 1 2 3 4 5\n@ IN NS ns1\nwww.other.lab. IN A 192.0.2.1\n",
		"empty NS":        "$ORIGIN x.lab.\n@ IN SOA ns1 t 1 2 3 4 5\n@ IN NS ns1\n@ IN NS\n",
	}
	for name, text := range cases {
		_, err := ParseZone(strings.NewReader(text), "", "x.zone")
		var ze *ZoneError
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if !errors.As(err, &ze) || ze.Code == "" || ze.Code.Template() == "" || ze.File != "x.zone" {
			t.Errorf("%s: %v has no code for the GUI to translate", name, err)
		}
	}
	if _, err := ParseZone(strings.NewReader("www.x.lab. IN A 192.0.2.1\n"), "", "x.zone"); err == nil || !strings.Contains(err.Error(), "no SOA") {
		t.Errorf("no origin: %v", err)
	}
}

func TestSaveAndLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	zs := BuiltinZones()
	if err := SaveZones(dir, zs); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "root.zone")); err != nil {
		t.Error(err)
	}
	back, err := LoadZoneDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(zs) {
		t.Fatalf("%d zones back, want %d", len(back), len(zs))
	}
	for i := range zs {
		if zs[i].Origin != back[i].Origin || len(zs[i].Records) != len(back[i].Records) {
			t.Errorf("zone %s: %d records back, want %d", zs[i].Origin, len(back[i].Records), len(zs[i].Records))
		}
		for j := range zs[i].Records {
			if zs[i].Records[j].String() != back[i].Records[j].String() {
				t.Errorf("%s record %d: %q != %q", zs[i].Origin, j, back[i].Records[j], zs[i].Records[j])
			}
		}
	}
	os.WriteFile(filepath.Join(dir, "broken.zone"), []byte("$ORIGIN b.lab.\n@ IN SOA ns1 t 1 2 3 4 5\n@ IN NS ns1\nx IN A nope\n"), 0o644)
	_, err = LoadZoneDir(dir)
	var ze *ZoneError
	if !errors.As(err, &ze) || ze.Line != 4 || !strings.HasSuffix(ze.File, "broken.zone") {
		t.Errorf("broken file: %v", err)
	}
}

func TestParseRecord(t *testing.T) {
	rr, err := ParseRecord("classroom.lab.", RecordLine("lab1", 120, "a", "192.0.2.7"))
	if err != nil || rr.String() != "lab1.classroom.lab.\t120\tIN\tA\t192.0.2.7" {
		t.Errorf("%v %v", rr, err)
	}
	rr, err = ParseRecord("classroom.lab.", RecordLine("@", 60, "MX", "20 backup"))
	if err != nil || RecordOf(rr).Data != "20 backup.classroom.lab." {
		t.Errorf("%v %v", rr, err)
	}
	for _, bad := range []string{RecordLine("x", 1, "A", "300.1.1.1"), RecordLine("x", 1, "MX", "mail"), RecordLine("x", 1, "MX", "10"), RecordLine("x", 1, "NS", ""), "", RecordLine("www.example.com.", 1, "A", "192.0.2.1"), "a 1 IN A 192.0.2.1\nb 1 IN A 192.0.2.2"} {
		if _, err := ParseRecord("classroom.lab.", bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestHostsFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "hosts")
	os.WriteFile(p, []byte("127.0.0.1\tlocalhost\n# comment\n192.0.2.80 www.classroom.lab www # teacher's PC\n::1 localhost ip6-localhost\nbad line\n"), 0o644)
	r, err := LookupHosts(p, "WWW.classroom.lab.")
	if err != nil || len(r.Matches) != 1 || r.Matches[0].Line != 3 || r.Matches[0].Addr != "192.0.2.80" {
		t.Errorf("%+v %v", r, err)
	}
	r, _ = LookupHosts(p, "localhost")
	if len(r.Matches) != 2 {
		t.Errorf("localhost: %+v", r)
	}
	r, _ = LookupHosts(p, "192.0.2.80")
	if len(r.Matches) != 1 || r.Matches[0].Names[1] != "www" {
		t.Errorf("by address: %+v", r)
	}
	r, _ = LookupHosts(p, "nothing")
	if len(r.Matches) != 0 {
		t.Errorf("nothing: %+v", r)
	}
	if _, err := LookupHosts(filepath.Join(t.TempDir(), "none"), "x"); err == nil {
		t.Error("a missing file is an error")
	}
	if HostsPath("linux") != "/etc/hosts" || !strings.HasSuffix(HostsPath("windows"), `drivers\etc\hosts`) && !strings.HasSuffix(HostsPath("windows"), "drivers/etc/hosts") {
		t.Error(HostsPath("windows"))
	}
}
