package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Preference keys of the shell.
const (
	PrefLanguage = "ui.language"
	PrefTheme    = "ui.theme"
	PrefPage     = "ui.page"
	PrefWidth    = "ui.width"
	PrefHeight   = "ui.height"
)

// Shell is the main window: navigation on the left, the page on the right,
// the status bar at the bottom.
type Shell struct {
	Ctx    *Context
	Window fyne.Window

	pages   []Page
	built   map[string]fyne.CanvasObject
	current string
	nav     *widget.List
	body    *fyne.Container
	title   *widget.Label
	intro   *widget.Label
}

// NewShell applies the saved language and theme and builds the main window
// for a. goos is the system the UI describes (runtime.GOOS outside tests).
func NewShell(a fyne.App, goos string) *Shell {
	ApplyLanguage(a.Preferences().StringWithFallback(PrefLanguage, LangSystem))
	ApplyTheme(a, a.Preferences().StringWithFallback(PrefTheme, ThemeSystem))

	w := a.NewWindow("NetLab")
	s := &Shell{Window: w, Ctx: &Context{App: a, Window: w, GOOS: goos, ctxShared: &ctxShared{}}}
	s.Ctx.navigate = s.Show
	s.Ctx.Status = newStatus(goos)
	s.build()

	p := a.Preferences()
	w.Resize(fyne.NewSize(
		float32(p.FloatWithFallback(PrefWidth, 1024)),
		float32(p.FloatWithFallback(PrefHeight, 700))))
	w.SetCloseIntercept(func() {
		size := w.Canvas().Size()
		p.SetFloat(PrefWidth, float64(size.Width))
		p.SetFloat(PrefHeight, float64(size.Height))
		s.Ctx.Status.bar.halt()
		s.Ctx.runQuit()
		w.Close()
	})
	return s
}

// ShowAndRun starts the status bar's live counters, shows the window and
// runs the app until the window closes.
func (s *Shell) ShowAndRun() {
	s.Ctx.Status.bar.start()
	s.Window.ShowAndRun()
}

// ApplyTheme sets the light/dark/system theme, with the bundled CJK font
// when the system has none.
func ApplyTheme(a fyne.App, variant string) {
	a.Settings().SetTheme(newTheme(variant, !SystemHasCJKFont()))
}

func (s *Shell) allPages() []Page {
	ps := Pages()
	return append(ps, settingsPage(s), aboutPage())
}

// build makes (or remakes, after a language change) the window content.
func (s *Shell) build() {
	s.pages = s.allPages()
	s.built = map[string]fyne.CanvasObject{}
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.intro = widget.NewLabel("")
	s.intro.Truncation = fyne.TextTruncateEllipsis
	s.body = container.NewStack()

	s.nav = widget.NewList(
		func() int { return len(s.pages) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.HomeIcon()), widget.NewLabel("Subnet calculator"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			icon := s.pages[i].Icon
			if n := s.pages[i].IconName; n != "" {
				icon = theme.Icon(n)
			}
			if icon == nil {
				icon = theme.NavigateNextIcon()
			}
			row.Objects[0].(*widget.Icon).SetResource(icon)
			row.Objects[1].(*widget.Label).SetText(lang.L(s.pages[i].Title))
		})
	s.nav.OnSelected = func(i widget.ListItemID) { s.show(s.pages[i].ID) }

	head := container.NewVBox(s.title, s.intro, widget.NewSeparator())
	// A page taller than the window scrolls instead of growing the window
	// past small screens (1024x700); a shorter one still fills it.
	page := container.NewBorder(head, nil, nil, nil, container.NewVScroll(s.body))
	split := container.NewHSplit(s.nav, page)
	split.Offset = 0.18
	s.Window.SetContent(container.NewBorder(nil, s.Ctx.Status.bar.box, nil, nil, split))

	want := s.current
	if want == "" {
		want = s.Ctx.Prefs().StringWithFallback(PrefPage, "")
	}
	s.Show(want)
}

// Rebuild remakes every view, e.g. after a language change. Page state kept
// with Context.Keep survives.
func (s *Shell) Rebuild() {
	s.Ctx.Status.bar.build()
	s.Ctx.Status.bar.refreshCounters()
	s.build()
}

// Show selects the page with the given ID (the first page if there is none).
func (s *Shell) Show(id string) {
	idx := 0
	for i, p := range s.pages {
		if p.ID == id {
			idx = i
		}
	}
	s.nav.Select(idx) // calls show through OnSelected
	if s.current != s.pages[idx].ID {
		s.show(s.pages[idx].ID)
	}
}

func (s *Shell) show(id string) {
	for _, p := range s.pages {
		if p.ID != id {
			continue
		}
		v, ok := s.built[id]
		if !ok {
			v = p.Build(s.Ctx.forPage(id))
			s.built[id] = v
		}
		s.current = id
		s.Ctx.Status.bar.showPage(id)
		s.title.SetText(lang.L(p.Title))
		s.intro.Hidden = p.Intro == ""
		if p.Intro != "" {
			s.intro.SetText(lang.L(p.Intro))
		}
		s.body.Objects = []fyne.CanvasObject{v}
		s.body.Refresh()
		s.Ctx.Prefs().SetString(PrefPage, id)
		return
	}
}

// Current is the ID of the page shown.
func (s *Shell) Current() string { return s.current }

// PageIDs lists the navigation entries in order.
func (s *Shell) PageIDs() []string {
	out := make([]string, len(s.pages))
	for i, p := range s.pages {
		out[i] = p.ID
	}
	return out
}
