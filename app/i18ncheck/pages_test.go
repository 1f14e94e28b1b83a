package i18ncheck

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// Fyne's translations are one table for the whole app, and app.Register
// refuses (panics at start) a key that two pages translate differently.
// This finds such a pair before the binary is run.
func TestPagesAgreeOnSharedKeys(t *testing.T) {
	for _, lang := range Languages {
		files, err := filepath.Glob(filepath.Join("..", "*", "i18n", lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		shell, _ := filepath.Glob(filepath.Join("..", "i18n", lang+".json"))
		files = append(files, shell...)
		if len(files) < 2 {
			t.Fatalf("found only %v", files)
		}
		seen := map[string]string{} // key -> text
		from := map[string]string{} // key -> file
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]string
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for k, v := range m {
				if old, ok := seen[k]; ok && old != v {
					t.Errorf("%s: %q is %q in %s but %q in %s", lang, k, old, from[k], v, f)
					continue
				}
				seen[k], from[k] = v, f
			}
		}
	}
}
