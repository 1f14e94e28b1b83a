package dnsx

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
)

// FuzzParseZone: any text either parses into a valid zone that writes
// back (MasterFile) to the same records, or fails with a ZoneError (a
// line number when the parser knows it); it never panics.
func FuzzParseZone(f *testing.F) {
	ents, _ := fs.ReadDir(builtinZones, "zones")
	for _, e := range ents {
		b, _ := fs.ReadFile(builtinZones, "zones/"+e.Name())
		f.Add(string(b))
	}
	f.Add("$ORIGIN x.lab.\n@ IN SOA ns1 t 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 999.1.1.1\n")
	f.Add("$TTL 1d\n$ORIGIN y.\n@ SOA a b (1 2\n 3 4 5)\n@ NS a\n$INCLUDE /etc/passwd\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		if strings.Contains(text, "$INCLUDE") {
			return // includes are not allowed by default; nothing to read here
		}
		z, err := ParseZone(strings.NewReader(text), "", "f.zone")
		if err != nil {
			var ze *ZoneError
			if !errors.As(err, &ze) {
				t.Fatalf("not a ZoneError: %T %v", err, err)
			}
			return
		}
		back, err := ParseZone(strings.NewReader(z.MasterFile()), "", "back.zone")
		if err != nil {
			t.Fatalf("written zone does not parse: %v\n%s", err, z.MasterFile())
		}
		if len(back.Records) != len(z.Records) || back.Origin != z.Origin {
			t.Fatalf("round trip: %d records for %s, want %d for %s", len(back.Records), back.Origin, len(z.Records), z.Origin)
		}
		for i := range z.Records {
			if back.Records[i].String() != z.Records[i].String() {
				t.Fatalf("record %d: %q != %q", i, back.Records[i], z.Records[i])
			}
		}
	})
}
