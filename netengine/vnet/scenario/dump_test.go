package scenario

import (
	"context"
	"os"
	"testing"

	"github.com/netlab-classroom/netlab/netengine/vnet/packet"
)

func TestDumpAll(t *testing.T) {
	if os.Getenv("VNET_DUMP") == "" {
		t.Skip("set VNET_DUMP=1 (or a scenario name) to print every scenario's frames")
	}
	for _, s := range All() {
		if v := os.Getenv("VNET_DUMP"); v != "1" && v != s.Name {
			continue
		}
		res, err := s.Run(context.Background())
		t.Logf("=== %s (%v)", s.Name, err)
		an := map[string]*packet.Analyzer{}
		for _, f := range res.Frames {
			a := an[f.Link]
			if a == nil {
				a = packet.NewAnalyzer()
				an[f.Link] = a
			}
			sum := a.Add(f.Data, packet.Meta{Link: f.Link, Dropped: f.Dropped})
			t.Logf("%s | %d/%d", sum.String(), sum.RelSeq, sum.RelAck)
		}
		for _, n := range res.Notes {
			t.Logf("NOTE %s", n.EN)
		}
	}
}
