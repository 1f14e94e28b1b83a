// Package i18ncheck is for tests: it finds the strings a package
// translates and checks them against its i18n/en.json and zh_Hans.json.
package i18ncheck

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Languages are the translation files every page carries.
var Languages = []string{"en", "zh_Hans"}

var langCall = regexp.MustCompile("lang\\.L\\(\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`)")

// SourceKeys returns the literal keys of every lang.L call in the non-test
// .go files of dir.
func SourceKeys(t testing.TB, dir string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range langCall.FindAllStringSubmatch(string(b), -1) {
			s, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatalf("%s: cannot read %s", f, m[1])
			}
			keys[s] = true
		}
	}
	return keys
}

var placeholder = regexp.MustCompile(`{{\.\w+}}`)

// Placeholders returns the sorted {{.Field}} placeholders of s.
func Placeholders(s string) string {
	p := placeholder.FindAllString(s, -1)
	sort.Strings(p)
	return strings.Join(p, ",")
}

// Check verifies that dir/i18n has every key in both languages with the same
// placeholders, that English maps each key to itself, and, with noUnused,
// that no file holds a key nobody uses.
func Check(t testing.TB, dir string, keys map[string]bool, noUnused bool) {
	t.Helper()
	for _, l := range Languages {
		b, err := os.ReadFile(filepath.Join(dir, "i18n", l+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s.json: %v", l, err)
		}
		for k := range keys {
			v, ok := m[k]
			switch {
			case !ok:
				t.Errorf("%s: missing %q", l, k)
			case Placeholders(k) != Placeholders(v):
				t.Errorf("%s: %q has placeholders %q, its translation %q", l, k, Placeholders(k), Placeholders(v))
			case l == "en" && v != k:
				t.Errorf("en: %q translates to %q", k, v)
			}
		}
		if noUnused {
			for k := range m {
				if !keys[k] {
					t.Errorf("%s: unused key %q", l, k)
				}
			}
		}
	}
}
