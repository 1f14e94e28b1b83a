package i18ncheck

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// recorder collects what Check reports instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Errorf(f string, a ...any) { r.errs = append(r.errs, fmt.Sprintf(f, a...)) }

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSourceKeysAndCheck(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "i18n"), 0o755)
	write(t, dir, "page.go", "package p\nvar a = lang.L(\"Start\")\nvar b = lang.L(\"Port {{.N}} in use\", nil)\nvar c = lang.L(`Raw`)\n")
	write(t, dir, "page_test.go", "package p\nvar d = lang.L(\"test only\")\n")
	keys := SourceKeys(t, dir)
	var got []string
	for k := range keys {
		got = append(got, k)
	}
	sort.Strings(got)
	if strings.Join(got, "|") != "Port {{.N}} in use|Raw|Start" {
		t.Fatalf("keys %q", got)
	}
	write(t, dir, "i18n/en.json", `{"Start":"Start","Port {{.N}} in use":"Port {{.N}} in use","Raw":"Raw!","Old":"Old"}`)
	write(t, dir, "i18n/zh_Hans.json", `{"Start":"启动","Port {{.N}} in use":"端口已被占用"}`)
	r := &recorder{TB: t}
	Check(r, dir, keys, true)
	want := []string{
		`en: "Raw" translates to "Raw!"`,
		`en: unused key "Old"`,
		`zh_Hans: "Port {{.N}} in use" has placeholders "{{.N}}", its translation ""`,
		`zh_Hans: missing "Raw"`,
	}
	sort.Strings(r.errs)
	if strings.Join(r.errs, "\n") != strings.Join(want, "\n") {
		t.Fatalf("reports:\n%s\nwant:\n%s", strings.Join(r.errs, "\n"), strings.Join(want, "\n"))
	}
}
