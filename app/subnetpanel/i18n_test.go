package subnetpanel

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/subnet"
)

// usedKeys is every translation key the page uses: the literal lang.L keys
// of its source and netengine/subnet's messages, findings, notes and scopes.
func usedKeys(t *testing.T) []string {
	keys := map[string]bool{
		"Subnet calculator": true,
		"Mask, network number, host number and default gateway, worked out in binary as you type.": true,
	}
	re := regexp.MustCompile(`lang\.L\(("(?:[^"\\]|\\.)*")`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			s, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatal(err)
			}
			keys[s] = true
		}
	}
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
	var out []string
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var placeholderRe = regexp.MustCompile(`{{\.\w+}}`)

func TestTranslationsComplete(t *testing.T) {
	keys := usedKeys(t)
	for _, l := range app.Languages {
		b, err := os.ReadFile(filepath.Join("i18n", l+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		var missing []string
		for _, k := range keys {
			v, ok := m[k]
			if !ok {
				missing = append(missing, k)
				continue
			}
			want := placeholderRe.FindAllString(k, -1)
			got := placeholderRe.FindAllString(v, -1)
			sort.Strings(want)
			sort.Strings(got)
			if strings.Join(want, ",") != strings.Join(got, ",") {
				t.Errorf("%s: %q has placeholders %v, translation %v", l, k, want, got)
			}
		}
		if len(missing) > 0 {
			if os.Getenv("SUBNET_I18N_DUMP") != "" {
				d, _ := json.MarshalIndent(missing, "", "  ")
				os.WriteFile("/tmp/subnethelper/missing-"+l+".json", d, 0o644)
			}
			t.Errorf("%s: %d keys missing, e.g. %q", l, len(missing), missing[0])
		}
	}
}
