package app

import (
	"strings"
	"testing"
	"testing/fstest"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	_ "github.com/netlab-classroom/netlab/app/localefix"
	"github.com/netlab-classroom/netlab/netengine"
)

// pageCtx is the Context each test page was built with.
var pageCtx = map[string]*Context{}

func init() {
	// Two pages for the navigation tests; real panels register the same way.
	for i, p := range []struct{ id, title string }{{"alpha", "Alpha page"}, {"beta", "Beta page"}} {
		id := p.id
		Register(Page{ID: id, Title: p.title, Order: i, Build: func(ctx *Context) fyne.CanvasObject {
			pageCtx[id] = ctx
			return widget.NewLabel("content of " + id)
		}})
	}
}

func newTestShell(t *testing.T, goos string) *Shell {
	t.Helper()
	a := test.NewTempApp(t)
	s := NewShell(a, goos)
	t.Cleanup(func() { ApplyLanguage(LangEnglish) })
	return s
}

func bodyText(s *Shell) string {
	if len(s.body.Objects) == 0 {
		return ""
	}
	if l, ok := s.body.Objects[0].(*widget.Label); ok {
		return l.Text
	}
	return ""
}

func TestNavigationSwitchesPages(t *testing.T) {
	s := newTestShell(t, "linux")
	ids := s.PageIDs()
	want := []string{"alpha", "beta", "settings", "about"}
	if strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Fatalf("pages = %v, want %v", ids, want)
	}
	s.nav.Select(1) // what a click on the second entry does
	if s.Current() != "beta" || bodyText(s) != "content of beta" {
		t.Fatalf("after selecting beta: current %q, body %q", s.Current(), bodyText(s))
	}
	if got := s.title.Text; got != "Beta page" {
		t.Fatalf("title %q", got)
	}
	s.Show("alpha")
	if s.Current() != "alpha" || bodyText(s) != "content of alpha" {
		t.Fatalf("after Show(alpha): current %q, body %q", s.Current(), bodyText(s))
	}
	if got := s.Ctx.Prefs().String(PrefPage); got != "alpha" {
		t.Fatalf("last page not remembered: %q", got)
	}
	s.Show("no-such-page")
	if s.Current() != "alpha" {
		t.Fatalf("unknown id moved to %q", s.Current())
	}
}

func findSelects(o fyne.CanvasObject) []*widget.Select {
	var out []*widget.Select
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Select:
			out = append(out, v)
		case *widget.Form:
			for _, it := range v.Items {
				walk(it.Widget)
			}
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

func TestLanguageSwitchChangesLabels(t *testing.T) {
	s := newTestShell(t, "linux")
	s.Ctx.Prefs().SetString(PrefLanguage, LangEnglish)
	ApplyLanguage(LangEnglish)
	s.Rebuild()
	s.Show("settings")
	if s.title.Text != "Settings" {
		t.Fatalf("English title %q", s.title.Text)
	}
	sels := findSelects(s.body.Objects[0])
	if len(sels) != 2 {
		t.Fatalf("want language and theme selects, found %d", len(sels))
	}
	sels[0].SetSelectedIndex(2) // 简体中文
	if got := s.Ctx.Prefs().String(PrefLanguage); got != LangChinese {
		t.Fatalf("language preference %q", got)
	}
	if s.title.Text != "设置" {
		t.Fatalf("title after switch %q, want 设置", s.title.Text)
	}
	if s.Current() != "settings" {
		t.Fatalf("switch left the settings page: %q", s.Current())
	}
	if got := lang.L("About"); got != "关于" {
		t.Fatalf("lang.L(About) = %q", got)
	}
	// and back
	sels = findSelects(s.body.Objects[0])
	sels[0].SetSelectedIndex(1)
	if s.title.Text != "Settings" {
		t.Fatalf("title after switching back %q", s.title.Text)
	}
}

func TestThemeChoiceAppliesAndPersists(t *testing.T) {
	s := newTestShell(t, "linux")
	s.Show("settings")
	sels := findSelects(s.body.Objects[0])
	sels[1].SetSelectedIndex(2) // Dark
	if got := s.Ctx.Prefs().String(PrefTheme); got != ThemeDark {
		t.Fatalf("theme preference %q", got)
	}
	th, ok := s.Ctx.App.Settings().Theme().(*netlabTheme)
	if !ok || th.variant != ThemeDark {
		t.Fatalf("theme not applied: %#v", s.Ctx.App.Settings().Theme())
	}
	// A new shell on the same preferences starts dark.
	s2 := NewShell(s.Ctx.App, "linux")
	if th := s2.Ctx.App.Settings().Theme().(*netlabTheme); th.variant != ThemeDark {
		t.Fatalf("new shell theme %q", th.variant)
	}
}

func TestEngineNoticeOnlyWithoutEpoll(t *testing.T) {
	for _, tc := range []struct {
		goos, engine string
		notice       bool
	}{{"linux", "epoll", false}, {"windows", "portable", true}, {"darwin", "portable", true}} {
		s := newTestShell(t, tc.goos)
		if s.Ctx.Status.EngineName() != tc.engine {
			t.Errorf("%s: engine %q, want %q", tc.goos, s.Ctx.Status.EngineName(), tc.engine)
		}
		got := s.Ctx.Status.NoticeText()
		if (got != "") != tc.notice {
			t.Errorf("%s: notice %q", tc.goos, got)
		}
		if tc.notice && !strings.Contains(got, "epoll is Linux-only") {
			t.Errorf("%s: notice %q does not name epoll", tc.goos, got)
		}
	}
	// The notice is translated too.
	ApplyLanguage(LangChinese)
	if got := EngineNotice("windows"); !strings.Contains(got, "仅在 Linux") {
		t.Errorf("Chinese notice %q", got)
	}
}

func TestStatusCounters(t *testing.T) {
	s := newTestShell(t, "linux")
	s.Ctx.Status.bar.refreshCounters()
	if got := s.Ctx.Status.bar.counters.Text; got != "Connections 0 · in 0 B · out 0 B" {
		t.Fatalf("counters %q", got)
	}
	a := &fakeEngine{st: netengine.Stats{Open: 2, BytesIn: 2048, BytesOut: 10}}
	b := &fakeEngine{st: netengine.Stats{Open: 1, BytesIn: 1024, BytesOut: 5}}
	s.Ctx.Status.Track(a)
	s.Ctx.Status.Track(b)
	s.Ctx.Status.Track(a) // once only
	s.Ctx.Status.bar.refreshCounters()
	if got := s.Ctx.Status.bar.counters.Text; got != "Connections 3 · in 3.0 KiB · out 15 B" {
		t.Fatalf("counters %q", got)
	}
	s.Ctx.Status.Untrack(a)
	s.Ctx.Status.bar.refreshCounters()
	if got := s.Ctx.Status.bar.counters.Text; got != "Connections 1 · in 1.0 KiB · out 5 B" {
		t.Fatalf("after untrack %q", got)
	}
}

type fakeEngine struct {
	netengine.Engine // only Stats is called
	st               netengine.Stats
}

func (f *fakeEngine) Stats() netengine.Stats { return f.st }

func TestStatusMessages(t *testing.T) {
	s := newTestShell(t, "linux")
	s.Ctx.Status.Error("port 8080 is in use")
	if got := s.Ctx.Status.MessageText(); got != "port 8080 is in use" {
		t.Fatalf("status %q", got)
	}
	if s.Ctx.Status.bar.message.Importance != widget.DangerImportance {
		t.Fatalf("error not shown as danger")
	}
}

// A message belongs to the page that made it (issue 14: a DNS error used
// to stay on screen on the Subnet page).
func TestStatusMessageBelongsToItsPage(t *testing.T) {
	s := newTestShell(t, "linux")
	s.Show("alpha")
	s.Show("beta")
	alpha, beta := pageCtx["alpha"], pageCtx["beta"]
	alpha.Status.Error("alpha's server failed") // from a goroutine, while beta is on screen
	if got := s.Ctx.Status.bar.message.Text; got != "" {
		t.Fatalf("beta shows alpha's message %q", got)
	}
	beta.Status.Info("beta looked something up")
	if got := s.Ctx.Status.bar.message.Text; got != "beta looked something up" {
		t.Fatalf("beta's own message not shown: %q", got)
	}
	s.Show("alpha")
	if got := s.Ctx.Status.bar.message.Text; got != "alpha's server failed" || s.Ctx.Status.bar.message.Importance != widget.DangerImportance {
		t.Fatalf("back on alpha: %q", got)
	}
	alpha.Status.Clear()
	if got := s.Ctx.Status.bar.message.Text; got != "" || alpha.Status.MessageText() != "" {
		t.Fatalf("cleared message still shown: %q", got)
	}
	s.Show("beta")
	if got := beta.Status.MessageText(); got != "beta looked something up" || s.Ctx.Status.bar.message.Text != got {
		t.Fatalf("beta's message lost: %q", got)
	}
	// pages share the rest of the context
	if alpha.Keep("k", func() any { return 1 }) != beta.Keep("k", func() any { return 2 }) {
		t.Fatal("pages do not share kept state")
	}
}

func TestResolveLanguage(t *testing.T) {
	cases := []struct {
		choice string
		sys    fyne.Locale
		want   string
	}{
		{LangSystem, "zh-CN", LangChinese},
		{LangSystem, "zh-Hans", LangChinese},
		{LangSystem, "en-US", LangEnglish},
		{LangSystem, "de-DE", LangEnglish},
		{LangSystem, "", LangEnglish},
		{LangEnglish, "zh-CN", LangEnglish},
		{LangChinese, "en", LangChinese},
		{"bogus", "en", LangEnglish},
	}
	for _, c := range cases {
		if got := ResolveLanguage(c.choice, c.sys); got != c.want {
			t.Errorf("ResolveLanguage(%q,%q) = %q, want %q", c.choice, c.sys, got, c.want)
		}
	}
}

func TestTranslationsComplete(t *testing.T) {
	en, zh := TranslationTable(LangEnglish), TranslationTable(LangChinese)
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("missing in zh_Hans: %q", k)
		}
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("missing in en: %q", k)
		}
	}
}

func TestLicensesEmbedded(t *testing.T) {
	lic := Licenses()
	var fyneFound bool
	for _, l := range lic {
		if l.Module == "fyne.io/fyne/v2" && l.Name == "BSD-3-Clause" && strings.Contains(l.Text, "Redistribution") {
			fyneFound = true
		}
		if l.Text == "" {
			t.Errorf("%s has no licence text", l.Module)
		}
	}
	if !fyneFound {
		t.Fatalf("Fyne's licence missing from %d entries", len(lic))
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 5 << 20: "5.0 MiB", 3 << 30: "3.0 GiB"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestKeepSurvivesRebuildAndMayRegisterOnQuit(t *testing.T) {
	s := newTestShell(t, "linux")
	made, quit := 0, 0
	mk := func() any {
		made++
		s.Ctx.OnQuit(func() { quit++ }) // must not deadlock
		return &struct{ n int }{}
	}
	a := s.Ctx.Keep("model", mk)
	s.Rebuild()
	b := s.Ctx.Keep("model", mk)
	if a != b || made != 1 {
		t.Fatalf("Keep made %d values (same: %v)", made, a == b)
	}
	s.Ctx.runQuit()
	if quit != 1 {
		t.Fatalf("OnQuit ran %d times", quit)
	}
}

func TestKeepRunningStopsOnceOnQuit(t *testing.T) {
	s := newTestShell(t, "linux")
	type server struct{ stops int }
	made := 0
	mk := func() *server { made++; return &server{} }
	stop := func(v *server) { v.stops++ }
	a := KeepRunning(s.Ctx, "srv", mk, stop)
	s.Rebuild()
	b := KeepRunning(s.Ctx, "srv", mk, stop)
	if a != b || made != 1 {
		t.Fatalf("made %d values (same: %v)", made, a == b)
	}
	s.Ctx.runQuit()
	s.Ctx.runQuit()
	if a.stops != 1 {
		t.Fatalf("stopped %d times", a.stops)
	}
}

func TestRegisterLoadsPageTranslations(t *testing.T) {
	tr := fstest.MapFS{
		"i18n/en.json":      {Data: []byte(`{"Gamma page": "Gamma page"}`)},
		"i18n/zh_Hans.json": {Data: []byte(`{"Gamma page": "伽马页"}`)},
	}
	Register(Page{ID: "gamma", Title: "Gamma page", Order: 99, Translations: tr,
		Build: func(*Context) fyne.CanvasObject { return widget.NewLabel("gamma") }})
	t.Cleanup(func() {
		pagesMu.Lock()
		defer pagesMu.Unlock()
		for i, p := range pages {
			if p.ID == "gamma" {
				pages = append(pages[:i], pages[i+1:]...)
				return
			}
		}
	})
	if got := TranslationTable(LangChinese)["Gamma page"]; got != "伽马页" {
		t.Fatalf("zh translation %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a page with a broken translation file registered without a panic")
		}
	}()
	Register(Page{ID: "broken", Translations: fstest.MapFS{"i18n/en.json": {Data: []byte("{")}}})
}
