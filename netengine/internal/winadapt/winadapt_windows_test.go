package winadapt

import (
	"encoding/json"
	"os"
	"testing"
)

// TestRead calls GetAdaptersAddresses for real (on Windows, or under wine
// with `make test-windows`). NETLAB_RECORD_ADAPTERS=file.json writes what
// it read: that is how the samples in sysnet/testdata and dnsx/testdata
// are recorded.
func TestRead(t *testing.T) {
	ads, err := Read()
	if err != nil {
		t.Fatal(err)
	}
	if len(ads) == 0 {
		t.Fatal("no adapters at all (even the loopback is missing)")
	}
	for _, a := range ads {
		if a.Name == "" || a.Index <= 0 {
			t.Errorf("adapter without name or index: %+v", a)
		}
		for _, ip := range append(a.Gateways, a.DNSServers...) {
			if !ip.IsValid() {
				t.Errorf("%s: invalid address in %+v", a.Name, a)
			}
		}
		t.Logf("%+v", a)
	}
	if f := os.Getenv("NETLAB_RECORD_ADAPTERS"); f != "" {
		b, _ := json.MarshalIndent(ads, "", "  ")
		if err := os.WriteFile(f, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
