package dnspanel

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/netlab-classroom/netlab/netengine/dnsx"
)

// usedKeys is every translation key the page uses: the literal lang.L keys
// of its source plus the texts it translates from dnsx.
func usedKeys(t *testing.T) []string {
	keys := map[string]bool{
		"DNS": true,
		"Look names up, trace them from the root, and run the classroom DNS server that works offline.": true,
	}
	for _, f := range dnsx.FlagMeanings {
		keys[f.Meaning] = true
	}
	for _, s := range []string{"Header", "Question", "Answer", "Authority", "Additional"} {
		keys[s] = true
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
	if d := os.Getenv("DNS_I18N_DUMP"); d != "" {
		b, _ := json.MarshalIndent(keys, "", "  ")
		os.WriteFile(d, b, 0o644)
	}
	for _, l := range []string{"en", "zh_Hans"} {
		b, err := os.ReadFile(filepath.Join("i18n", l+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		used := map[string]bool{}
		for _, k := range keys {
			used[k] = true
			v, ok := m[k]
			if !ok {
				t.Errorf("%s: missing %q", l, k)
				continue
			}
			want := placeholderRe.FindAllString(k, -1)
			got := placeholderRe.FindAllString(v, -1)
			sort.Strings(want)
			sort.Strings(got)
			if strings.Join(want, ",") != strings.Join(got, ",") {
				t.Errorf("%s: %q has placeholders %v, translation %v", l, k, want, got)
			}
			if l == "en" && v != k {
				t.Errorf("en: %q translates to %q", k, v)
			}
		}
		for k := range m {
			if !used[k] {
				t.Errorf("%s: unused key %q", l, k)
			}
		}
	}
}
