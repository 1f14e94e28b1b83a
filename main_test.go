package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/test"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/app/i18ncheck"
)

// The test binary re-runs itself as `netlab ARGS` when NETLAB_RUN_MAIN is
// set, so the real main (its init order included) is what gets tested.
func TestMain(m *testing.M) {
	if os.Getenv("NETLAB_RUN_MAIN") == "1" {
		os.Args = append([]string{"netlab"}, strings.Fields(os.Getenv("NETLAB_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runMain(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "NETLAB_RUN_MAIN=1", "NETLAB_ARGS="+strings.Join(args, " "))
	cmd.Env = append(cmd.Env, env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

func TestMetadataFromFyneAppTOML(t *testing.T) {
	md := metadata()
	if md.Name != "NetLab" || md.ID != "io.github.netlab-classroom.netlab" || md.Version == "" || md.Build < 1 {
		t.Fatalf("metadata %+v", md)
	}
	if md.Icon == nil || len(md.Icon.Content()) < 1000 {
		t.Fatal("icon not embedded")
	}
}

func TestVersionWithCLocaleHasNoErrorLine(t *testing.T) {
	for _, l := range []string{"C.UTF-8", "C", "POSIX", "en_US.UTF-8", "zh_CN.UTF-8"} {
		out, errOut, code := runMain(t, []string{"LANG=" + l, "LC_ALL=", "LC_MESSAGES=", "LANGUAGE="}, "version")
		if code != 0 || !strings.HasPrefix(out, "netlab "+metadata().Version+" ") {
			t.Errorf("LANG=%s: exit %d, stdout %q", l, code, out)
		}
		if errOut != "" {
			t.Errorf("LANG=%s: stderr %q", l, errOut)
		}
	}
}

func TestHelpListsEveryCommandAndBadCommandFails(t *testing.T) {
	out, _, code := runMain(t, nil, "--help")
	if code != 0 || !strings.Contains(out, "version") {
		t.Fatalf("--help: exit %d, %q", code, out)
	}
	_, errOut, code := runMain(t, nil, "no-such-command")
	if code == 0 || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("bad command: exit %d, stderr %q", code, errOut)
	}
}

// Every string the UI translates must be in both languages: every lang.L
// literal in app/ and widgets/, and the registered pages' titles.
func TestEveryUIStringIsTranslated(t *testing.T) {
	en, zh := app.TranslationTable(app.LangEnglish), app.TranslationTable(app.LangChinese)
	check := func(where, key string) {
		if _, ok := en[key]; !ok {
			t.Errorf("%s: %q missing from en.json", where, key)
		}
		if _, ok := zh[key]; !ok {
			t.Errorf("%s: %q missing from zh_Hans.json", where, key)
		}
	}
	var dirs int
	for _, root := range []string{"app", "widgets"} {
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			dirs++
			for key := range i18ncheck.SourceKeys(t, path) {
				check(path, key)
			}
			return nil
		})
	}
	if dirs < 5 {
		t.Fatalf("scanned only %d folders", dirs)
	}
	for _, p := range app.Pages() {
		check("page "+p.ID, p.Title)
		if p.Intro != "" {
			check("page "+p.ID, p.Intro)
		}
	}
	for k, v := range zh {
		if i18ncheck.Placeholders(k) != i18ncheck.Placeholders(v) {
			t.Errorf("zh_Hans %q: template fields differ: %q", k, v)
		}
	}
}

// Settings persist across app instances: what the Settings page stores in
// one instance's preferences, a new instance (as after a restart) reads.
func TestSettingsPersistAcrossInstances(t *testing.T) {
	home, err := os.MkdirTemp("", "netlab-prefs")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(home) // Fyne's file watcher may still hold it: not t.TempDir
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	const id = "io.github.netlab-classroom.netlab.persist-test"
	file := filepath.Join(home, ".config", "fyne", id, "preferences.json")
	waitSaved := func(want string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			b, _ := os.ReadFile(file)
			if strings.Contains(string(b), want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%q not saved to %s: %q", want, file, b)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// Without a running event loop Fyne saves only the first change of an
	// instance (the next save waits on fyne.DoAndWait), so each change is
	// made in its own instance: two sessions, then a third reads both.
	fyneapp.NewWithID(id).Preferences().SetString(app.PrefLanguage, app.LangChinese)
	waitSaved(app.LangChinese)
	fyneapp.NewWithID(id).Preferences().SetString(app.PrefTheme, app.ThemeDark)
	waitSaved(app.ThemeDark)
	a2 := fyneapp.NewWithID(id)
	if got := a2.Preferences().String(app.PrefLanguage); got != app.LangChinese {
		t.Errorf("language after restart %q", got)
	}
	if got := a2.Preferences().String(app.PrefTheme); got != app.ThemeDark {
		t.Errorf("theme after restart %q", got)
	}
}

// Every page fits a 1024x700 window beside the navigation: the page area
// scrolls vertically, so only its minimum width matters.
func TestEveryPageFitsSmallWindow(t *testing.T) {
	const maxWidth = 1024 - 1024*0.18 - 16 // navigation and split bar
	if len(app.Pages()) < 3 {
		t.Fatalf("only %d pages registered", len(app.Pages()))
	}
	for _, p := range app.Pages() {
		// A context of its own per page, closed at once: pages start
		// background refreshers, and in the test driver those run their
		// fyne.Do work on their own goroutine.
		a := test.NewTempApp(t)
		w := a.NewWindow("NetLab")
		ctx := app.NewContext(a, w, runtime.GOOS)
		obj := p.Build(ctx)
		ctx.Close() // stops the refreshers before the test touches widgets
		min := obj.MinSize()
		t.Logf("page %s: minimum %.0fx%.0f", p.ID, min.Width, min.Height)
		if min.Width > maxWidth {
			t.Errorf("page %s is %.0f px wide at least; a 1024 px window leaves %.0f", p.ID, min.Width, maxWidth)
		}
	}
}

// The About page lists the licence of every module linked into netlab:
// adding a dependency without `make licenses` fails here.
func TestLicencesCoverEveryLinkedModule(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}{{end}}{{end}}", ".").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	have := map[string]bool{}
	for _, l := range app.Licenses() {
		have[l.Module] = true
	}
	for _, m := range strings.Fields(string(out)) {
		if !have[m] {
			t.Errorf("module %s has no licence in app/licenses.txt: run make licenses", m)
		}
	}
}
