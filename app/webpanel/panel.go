// Package webpanel is the static web server page (exercise E8, and E2/E3):
// serve a folder to the browser or to the class, see every request with
// its raw request and response headers, switch keep-alive off to compare
// short and long connections. It is a thin view over netengine/httpserve.
//
// Files: panel.go builds the page (inputs, header), logview.go the access
// log and the detail pane, run.go starts, stops and refreshes, state.go
// keeps the running server across rebuilds.
package webpanel

import (
	"embed"
	"os"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/httpserve"
	"github.com/netlab-classroom/netlab/widgets/follow"
	"github.com/netlab-classroom/netlab/widgets/sized"
)

//go:embed i18n
var tr embed.FS

func init() {
	app.Register(app.Page{
		Translations: tr,
		ID:           "web",
		Title:        "Web server",
		Intro:        "Serve a folder to browsers on this computer or to the whole class, and see every request and response.",
		IconName:     theme.IconNameStorage,
		Order:        40,
		Build:        build,
	})
}

// Preference keys.
const (
	prefDir     = "web.dir"
	prefPort    = "web.port"
	prefEngine  = "web.engine"
	prefKeep    = "web.keepalive"
	prefListing = "web.listing"
	prefLAN     = "web.lan"
)

// panelUI is one build of the view. Use it from the UI goroutine only.
type panelUI struct {
	ctx *app.Context
	st  *state

	dir, port             *widget.Entry
	engine                *widget.Select
	keep, listing, lan    *widget.Check
	startBtn              *widget.Button
	dirErr, portErr       *widget.Label
	exposure              *widget.Label
	exposureIcon          *widget.Icon
	urls                  *fyne.Container
	urlScroll             *container.Scroll // hidden while there is no URL
	counters, keepInfo    *widget.Label
	list                  *widget.List
	follow                *follow.Follower
	shown                 int // state.seq at the last refresh: the list is up to date
	selected              *httpserve.Entry
	reqView, respView     *widget.Label
	detailTitle, trimInfo *widget.Label
	body, detail          *container.Split
}

func build(ctx *app.Context) fyne.CanvasObject {
	st := app.KeepRunning(ctx, "web.state", func() *state { return &state{} }, (*state).stopServer)
	st.statusT = func(e netengine.Engine, on bool) {
		if on {
			ctx.Status.Track(e)
		} else {
			ctx.Status.Untrack(e)
		}
	}
	u := &panelUI{ctx: ctx, st: st}
	root := u.make()
	if old := st.view; old != nil { // a rebuild (language switch) keeps the dividers where they were
		u.body.Offset, u.detail.Offset = old.body.Offset, old.detail.Offset
	}
	st.onTick, st.view = u.refresh, u
	u.refresh()
	return root
}

func (u *panelUI) make() fyne.CanvasObject {
	p := u.ctx.Prefs()
	u.dir = widget.NewEntry()
	u.dir.SetPlaceHolder(lang.L("Folder to share"))
	u.dir.SetText(p.StringWithFallback(prefDir, defaultDir()))
	browse := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), u.browse)
	u.port = widget.NewEntry()
	u.port.SetText(strconv.Itoa(p.IntWithFallback(prefPort, 8080)))
	engines := []string{"auto"}
	for _, n := range netengine.Names() {
		if n == "epoll" || n == "portable" {
			engines = append(engines, n)
		}
	}
	u.engine = widget.NewSelect(engines, nil)
	u.engine.SetSelected(p.StringWithFallback(prefEngine, "auto"))
	if u.engine.Selected == "" {
		u.engine.SetSelected("auto")
	}
	changed := func(bool) { u.refresh() }
	u.keep = widget.NewCheck(lang.L("Keep-alive (long connections)"), nil)
	u.keep.SetChecked(p.BoolWithFallback(prefKeep, true))
	u.keep.OnChanged = changed
	u.listing = widget.NewCheck(lang.L("Folder listing"), nil)
	u.listing.SetChecked(p.BoolWithFallback(prefListing, true))
	u.lan = widget.NewCheck(lang.L("Share on the LAN"), nil)
	u.lan.SetChecked(p.BoolWithFallback(prefLAN, false))
	u.lan.OnChanged = changed
	u.startBtn = widget.NewButtonWithIcon(lang.L("Start server"), theme.MediaPlayIcon(), u.toggle)
	u.startBtn.Importance = widget.HighImportance
	u.dirErr = errLabel()
	u.portErr = errLabel()

	row1 := container.NewBorder(nil, nil,
		widget.NewLabel(lang.L("Folder")),
		container.NewHBox(browse, widget.NewLabel(lang.L("Port")), sized.Width(u.port, 90), u.fixedStartButton()),
		u.dir)
	row2 := container.NewHBox(widget.NewLabel(lang.L("Engine")), u.engine, u.keep, u.listing, u.lan)
	inputs := container.NewVBox(row1, row2)
	errs := container.NewHBox(u.dirErr, u.portErr)

	u.exposureIcon = widget.NewIcon(theme.InfoIcon())
	u.exposure = wrapped()
	u.urls = container.NewHBox()
	u.urlScroll = container.NewHScroll(u.urls)
	u.urlScroll.Hide() // an empty scroll still takes a scroll bar's height
	u.counters = wrapped()
	u.keepInfo = wrapped()
	header := container.NewVBox(inputs, errs,
		container.NewBorder(nil, nil, u.exposureIcon, nil, u.exposure),
		u.urlScroll, u.counters, u.keepInfo)

	u.body = container.NewHSplit(u.makeLog(), u.makeDetail())
	u.body.Offset = 0.6
	return container.NewBorder(header, nil, nil, nil, u.body)
}

// fixedStartButton gives the Start/Stop button the width of its wider
// text, so it and its neighbours stay put under the mouse when it flips.
func (u *panelUI) fixedStartButton() fyne.CanvasObject {
	w := u.startBtn.MinSize().Width
	u.startBtn.SetText(lang.L("Stop server"))
	if sw := u.startBtn.MinSize().Width; sw > w {
		w = sw
	}
	u.startBtn.SetText(lang.L("Start server"))
	return sized.Width(u.startBtn, w)
}

func errLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Hide()
	return l
}

// wrapped is a label that wraps instead of widening the window.
func wrapped() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	return l
}

func mono() *widget.Label {
	l := widget.NewLabel("")
	l.TextStyle.Monospace = true
	return l
}

func defaultDir() string {
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return "."
}

func (u *panelUI) browse() {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil || l == nil {
			return
		}
		u.dir.SetText(l.Path())
	}, u.ctx.Window)
	if lu, err := storageListable(u.dir.Text); err == nil {
		d.SetLocation(lu)
	}
	d.Show()
}

// storageListable turns a folder path into a ListableURI for the dialog.
func storageListable(p string) (fyne.ListableURI, error) { return listableFromPath(p) }
