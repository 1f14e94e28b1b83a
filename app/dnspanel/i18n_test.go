package dnspanel

import (
	"testing"

	"github.com/netlab-classroom/netlab/app/i18ncheck"
	"github.com/netlab-classroom/netlab/netengine/dnsx"
)

// The page's keys: its lang.L literals, its title and intro, and the texts
// it translates from dnsx.
func TestTranslationsComplete(t *testing.T) {
	keys := i18ncheck.SourceKeys(t, ".")
	keys["DNS"] = true
	keys["Look names up, trace them from the root, and run the classroom DNS server that works offline."] = true
	for _, f := range dnsx.FlagMeanings {
		keys[f.Meaning] = true
	}
	for _, c := range dnsx.RecordCodes() {
		keys[c.Template()] = true
	}
	for _, s := range []string{"Header", "Question", "Answer", "Authority", "Additional"} {
		keys[s] = true
	}
	i18ncheck.Check(t, ".", keys, true)
}
