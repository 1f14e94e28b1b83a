package subnetpanel

import (
	"net/netip"
	"testing"

	"github.com/netlab-classroom/netlab/app/i18ncheck"
	"github.com/netlab-classroom/netlab/netengine/subnet"
)

// The page's keys: its lang.L literals, its title and intro, and
// netengine/subnet's messages, findings, notes and scopes.
func TestTranslationsComplete(t *testing.T) {
	keys := i18ncheck.SourceKeys(t, ".")
	keys["Subnet calculator"] = true
	keys["Mask, network number, host number and default gateway, worked out in binary as you type."] = true
	for _, c := range subnet.Codes() {
		keys[c.Template()] = true
	}
	for _, s := range subnet.FindingTemplates() {
		keys[s] = true
	}
	for _, s := range subnet.Scopes() {
		keys[s.Name] = true
	}
	keys[subnet.ScopeOf(netip.MustParseAddr("8.8.8.8")).Name] = true
	keys[subnet.ScopeOf(netip.MustParseAddr("4000::1")).Name] = true
	for _, n := range subnet.NoteCodes() {
		keys[subnet.NoteText(n)] = true
	}
	i18ncheck.Check(t, ".", keys, false)
}
