// Package learnpanel is the Learn page: short reference cards from the
// course notes, each drawn with Fyne's canvas and linked to the page where
// the student can try it.
package learnpanel

import (
	"embed"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/app/packetpanel"
	"github.com/netlab-classroom/netlab/netengine/vnet/scenario"
)

//go:embed i18n
var tr embed.FS

func init() {
	app.Register(app.Page{
		Translations: tr,
		ID:           "learn",
		Title:        "Reference cards",
		Intro:        "Short illustrated cards from the course notes, each with a link to the page where you can try it.",
		IconName:     theme.IconNameHelp,
		Order:        60,
		Build:        build,
	})
}

// view is the page: the list of cards and the card shown.
type view struct {
	ctx   *app.Context
	cards []card
	list  *widget.List
	body  *fyne.Container
	shown int
	// Last built card (tests use them).
	drawing *diagram
	buttons []*widget.Button
	watch   []*widget.Button // "Watch as packets" buttons
}

func pageTitle(id string) (string, bool) {
	for _, p := range app.Pages() {
		if p.ID == id {
			return lang.L(p.Title), true
		}
	}
	return id, false
}

// lastView is the view built last (tests reach the cards through it).
var lastView *view

func build(ctx *app.Context) fyne.CanvasObject {
	v := newView(ctx)
	lastView = v
	return v.root()
}

func newView(ctx *app.Context) *view {
	v := &view{ctx: ctx, cards: cards(), body: container.NewStack(), shown: -1}
	v.list = widget.NewList(
		func() int { return len(v.cards) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("TCP/IP four layers and OSI seven layers")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(lang.L(v.cards[i].title)) })
	v.list.OnSelected = func(i widget.ListItemID) { v.show(i) }
	start := 0
	last := ctx.Prefs().StringWithFallback("learn.card", "")
	for i, c := range v.cards {
		if c.id == last {
			start = i
		}
	}
	v.list.Select(start)
	return v
}

func (v *view) root() fyne.CanvasObject {
	split := container.NewHSplit(v.list, v.body)
	split.Offset = 0.26
	return split
}

// show builds card i.
func (v *view) show(i int) {
	if i < 0 || i >= len(v.cards) {
		return
	}
	c := v.cards[i]
	v.shown = i
	v.ctx.Prefs().SetString("learn.card", c.id)
	title := widget.NewLabelWithStyle(lang.L(c.title), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	title.Wrapping = fyne.TextWrapWord
	v.drawing = c.draw()
	parts := []fyne.CanvasObject{title, v.drawing.object()}
	for _, p := range c.text {
		l := widget.NewLabel(lang.L(p))
		l.Wrapping = fyne.TextWrapWord
		parts = append(parts, l)
	}
	v.buttons = nil
	row := container.NewHBox()
	for _, id := range c.try {
		name, ok := pageTitle(id)
		b := widget.NewButtonWithIcon(lang.L("Try it: {{.Page}}", map[string]any{"Page": name}), theme.NavigateNextIcon(), func() { v.ctx.Navigate(id) })
		if len(v.buttons) == 0 {
			b.Importance = widget.HighImportance
		}
		if !ok {
			b.Disable()
		}
		v.buttons = append(v.buttons, b)
		row.Add(b)
	}
	parts = append(parts, row)
	v.watch = nil
	if len(c.watch) > 0 {
		_, hasPackets := pageTitle(packetpanel.ID)
		watch := container.NewVBox()
		lg := app.CurrentLanguage()
		for _, name := range c.watch {
			s, ok := scenario.Get(name)
			if !ok {
				continue
			}
			b := widget.NewButtonWithIcon(s.Title.In(lg), theme.MediaPlayIcon(), func() {
				v.ctx.Prefs().SetString(packetpanel.PrefScenario, name)
				v.ctx.Navigate(packetpanel.ID)
			})
			b.Alignment = widget.ButtonAlignLeading
			if !hasPackets {
				b.Disable()
			}
			v.watch = append(v.watch, b)
			watch.Add(b)
		}
		parts = append(parts, widget.NewLabelWithStyle(lang.L("Watch it as packets in the virtual classroom network:"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			container.NewHBox(watch))
	}
	v.body.Objects = []fyne.CanvasObject{container.NewVScroll(container.NewPadded(container.NewVBox(parts...)))}
	v.body.Refresh()
}
