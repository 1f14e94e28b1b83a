// Package app is NetLab's Fyne shell: the window, navigation, status bar,
// settings, about page and translations. Capability pages live in their own
// packages under app/ and register themselves here from init, so only pages
// that are really built appear in the navigation.
package app

import (
	"io/fs"
	"sort"
	"sync"

	"fyne.io/fyne/v2"
)

// Page is one entry of the navigation.
type Page struct {
	// ID is stable: it is stored in preferences and used by Context.Navigate.
	ID string
	// Title is the English title; it is translated with lang.L when shown.
	Title string
	// Intro is a one-line English description shown under the title.
	Intro string
	// IconName is a theme icon (theme.IconNameSearch…), looked up when the
	// navigation is drawn. Calling theme.SearchIcon() from init instead
	// would log "Attempt to access current Fyne app" on every start.
	IconName fyne.ThemeIconName
	// Icon is a custom icon, used when IconName is empty.
	Icon fyne.Resource
	// Translations holds the page's i18n/en.json and i18n/zh_Hans.json
	// (usually an embed.FS); Register loads them.
	Translations fs.FS
	// Order sorts pages; lower first. The shell's Settings and About come last.
	Order int
	// Build makes the page's view. It runs again after a language change, so
	// anything that must outlive the view (servers, logs) belongs in
	// Context.Keep.
	Build func(ctx *Context) fyne.CanvasObject
}

var (
	pagesMu sync.Mutex
	pages   []Page
)

// Register adds a page and its translations. Panels call it from init; a
// broken translation file is a programming error and panics.
func Register(p Page) {
	if p.Translations != nil {
		if err := RegisterTranslations(p.Translations, "i18n"); err != nil {
			panic(err)
		}
	}
	pagesMu.Lock()
	defer pagesMu.Unlock()
	for i := range pages {
		if pages[i].ID == p.ID {
			pages[i] = p
			return
		}
	}
	pages = append(pages, p)
}

// Pages returns the registered pages sorted by Order, then ID.
func Pages() []Page {
	pagesMu.Lock()
	defer pagesMu.Unlock()
	out := append([]Page(nil), pages...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Order != out[j].Order {
			return out[i].Order < out[j].Order
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Context is what a page gets from the shell.
type Context struct {
	App    fyne.App
	Window fyne.Window
	Status *Status
	// GOOS is the operating system the UI describes; tests inject others.
	GOOS string

	// Every page gets its own copy of the Context (its own Status handle);
	// the copies share the rest.
	*ctxShared
}

type ctxShared struct {
	navigate func(id string)
	mu       sync.Mutex
	kept     map[string]any
	quit     []func()
}

// forPage is the Context a page's Build gets: the same app, window and
// kept state, with a Status whose messages belong to that page.
func (c *Context) forPage(id string) *Context {
	cp := *c
	cp.Status = c.Status.forPage(id)
	return &cp
}

// Prefs are the app's persistent preferences.
func (c *Context) Prefs() fyne.Preferences { return c.App.Preferences() }

// Navigate shows the page with the given ID, if it exists.
func (c *Context) Navigate(id string) {
	if c.navigate != nil {
		c.navigate(id)
	}
}

// Keep returns the value stored under key, making it with mk the first
// time. Values survive view rebuilds (language changes) for the life of
// the window.
//
// mk runs without the context's lock held, so it may call OnQuit or Keep.
func (c *Context) Keep(key string, mk func() any) any {
	c.mu.Lock()
	v, ok := c.kept[key]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = mk()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kept == nil {
		c.kept = map[string]any{}
	}
	if old, ok := c.kept[key]; ok { // made meanwhile by another caller
		return old
	}
	c.kept[key] = v
	return v
}

// KeepRunning is Keep for page state that owns running things (servers,
// drains, tickers): the first time it makes the value it also registers
// stop(v) to run when the window closes. Every page that starts something
// uses it, so "stop it once on quit" is written in one place.
func KeepRunning[T any](c *Context, key string, mk func() T, stop func(T)) T {
	return c.Keep(key, func() any {
		v := mk()
		c.OnQuit(func() { stop(v) }) // allowed: mk runs without c.mu held
		return v
	}).(T)
}

// OnQuit registers f to run when the window closes (stop servers there).
func (c *Context) OnQuit(f func()) {
	c.mu.Lock()
	c.quit = append(c.quit, f)
	c.mu.Unlock()
}

// Close runs the OnQuit functions, last registered first: the shell calls
// it when the window closes, tests when they are done with a page.
func (c *Context) Close() { c.runQuit() }

func (c *Context) runQuit() {
	c.mu.Lock()
	fs := c.quit
	c.quit = nil
	c.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

// NewContext makes a page context outside the shell: panel tests use it
// with fyne.io/fyne/v2/test's app and window.
func NewContext(a fyne.App, w fyne.Window, goos string) *Context {
	return &Context{App: a, Window: w, GOOS: goos, Status: newStatus(goos), ctxShared: &ctxShared{}}
}

// StatusView is the status bar's canvas object (for tests and custom shells).
func (s *Status) StatusView() fyne.CanvasObject { return s.bar.box }
