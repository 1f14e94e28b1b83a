package packetpanel

import (
	"testing"

	"github.com/netlab-classroom/netlab/app/i18ncheck"
)

// The page's keys: its lang.L literals, its title and intro.
func TestTranslationsComplete(t *testing.T) {
	keys := i18ncheck.SourceKeys(t, ".")
	keys["Packets"] = true
	keys["A virtual classroom network on real TCP/IP stacks: watch every frame, step through a handshake, export pcap."] = true
	i18ncheck.Check(t, ".", keys, true)
}
