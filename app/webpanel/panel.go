// Package webpanel is the static web server page (exercise E8, and E2/E3):
// serve a folder to the browser or to the class, see every request with
// its raw request and response headers, switch keep-alive off to compare
// short and long connections. It is a thin view over netengine/httpserve.
package webpanel

import (
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/netengine/httpserve"
	"github.com/netlab-classroom/netlab/widgets/qr"
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

// panelUI is one build of the view.
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
	counters              *widget.Label
	list                  *widget.List
	selected              *httpserve.Entry
	reqView, respView     *widget.Label
	detailTitle, trimInfo *widget.Label
}

func build(ctx *app.Context) fyne.CanvasObject {
	st := ctx.Keep("web.state", func() any { return &state{} }).(*state)
	if !st.quitHooked {
		st.quitHooked = true
		ctx.OnQuit(st.stopServer)
	}
	st.statusT = func(e netengine.Engine, on bool) {
		if on {
			ctx.Status.Track(e)
		} else {
			ctx.Status.Untrack(e)
		}
	}
	u := &panelUI{ctx: ctx, st: st}
	root := u.make()
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
	u.keep = widget.NewCheck(lang.L("Keep-alive (long connections)"), nil)
	u.keep.SetChecked(p.BoolWithFallback(prefKeep, true))
	u.listing = widget.NewCheck(lang.L("Folder listing"), nil)
	u.listing.SetChecked(p.BoolWithFallback(prefListing, true))
	u.lan = widget.NewCheck(lang.L("Share on the LAN"), nil)
	u.lan.SetChecked(p.BoolWithFallback(prefLAN, false))
	u.startBtn = widget.NewButtonWithIcon(lang.L("Start server"), theme.MediaPlayIcon(), u.toggle)
	u.startBtn.Importance = widget.HighImportance
	u.dirErr = errLabel()
	u.portErr = errLabel()

	portBox := container.NewGridWrap(fyne.NewSize(90, u.port.MinSize().Height), u.port)
	row1 := container.NewBorder(nil, nil,
		widget.NewLabel(lang.L("Folder")),
		container.NewHBox(browse, widget.NewLabel(lang.L("Port")), portBox, u.startBtn),
		u.dir)
	row2 := container.NewHBox(widget.NewLabel(lang.L("Engine")), u.engine, u.keep, u.listing, u.lan)
	inputs := container.NewVBox(row1, row2)
	errs := container.NewHBox(u.dirErr, u.portErr)

	u.exposureIcon = widget.NewIcon(theme.InfoIcon())
	u.exposure = widget.NewLabel("")
	u.exposure.Wrapping = fyne.TextWrapWord
	u.urls = container.NewHBox()
	u.counters = widget.NewLabel("")
	u.counters.TextStyle.Monospace = true
	header := container.NewVBox(inputs, errs,
		container.NewBorder(nil, nil, u.exposureIcon, nil, u.exposure),
		container.NewHScroll(u.urls), u.counters)

	u.list = widget.NewList(
		func() int { return len(u.st.log) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("00:00:00 200 GET /some/path · 1023.9 KiB · 1000.00 ms")
			l.TextStyle.Monospace = true
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if i < 0 || i >= len(u.st.log) {
				return
			}
			e := u.st.log[i]
			l.Importance = statusImportance(e.Status)
			l.SetText(logLine(e))
		})
	u.list.OnSelected = func(i widget.ListItemID) {
		if i >= 0 && i < len(u.st.log) {
			u.selected = u.st.log[i]
			u.showDetail()
		}
	}
	clear := widget.NewButtonWithIcon(lang.L("Clear log"), theme.DeleteIcon(), func() {
		u.st.clearLog()
		u.selected = nil
		u.list.UnselectAll()
		u.showDetail()
		u.refresh()
	})
	u.trimInfo = widget.NewLabel("")
	logTitle := widget.NewLabelWithStyle(lang.L("Access log"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	left := container.NewBorder(container.NewBorder(nil, nil, logTitle, clear, u.trimInfo), nil, nil, nil, u.list)

	u.detailTitle = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.reqView = mono()
	u.respView = mono()
	copyReq := widget.NewButtonWithIcon(lang.L("Copy request"), theme.ContentCopyIcon(), func() {
		if u.selected != nil {
			u.ctx.App.Clipboard().SetContent(string(u.selected.Request))
		}
	})
	copyResp := widget.NewButtonWithIcon(lang.L("Copy response headers"), theme.ContentCopyIcon(), func() {
		if u.selected != nil {
			u.ctx.App.Clipboard().SetContent(string(u.selected.Response))
		}
	})
	reqBox := container.NewBorder(container.NewBorder(nil, nil, widget.NewLabel(lang.L("Raw request")), copyReq), nil, nil, nil, container.NewScroll(u.reqView))
	respBox := container.NewBorder(container.NewBorder(nil, nil, widget.NewLabel(lang.L("Raw response headers")), copyResp), nil, nil, nil, container.NewScroll(u.respView))
	split := container.NewVSplit(reqBox, respBox)
	right := container.NewBorder(u.detailTitle, nil, nil, nil, split)
	u.showDetail()

	body := container.NewHSplit(left, right)
	body.Offset = 0.55
	return container.NewBorder(header, nil, nil, nil, body)
}

func errLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Hide()
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

func statusImportance(code int) widget.Importance {
	switch {
	case code >= 500:
		return widget.DangerImportance
	case code >= 400:
		return widget.WarningImportance
	case code >= 300:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// logLine is one row: time, client, method, path, status, bytes, duration.
func logLine(e *httpserve.Entry) string {
	m := e.Method
	if m == "" {
		m = "-"
	}
	target := e.Target
	if target == "" {
		target = "-"
	}
	return fmt.Sprintf("%s %d %-4s %s · %s · %s · %s", e.Time.Format("15:04:05"), e.Status, m, target, sizeText(e.Bytes), durText(e.Duration), e.Client)
}

func sizeText(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1<<20:
		return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " KiB"
	case n < 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	}
	return strconv.FormatFloat(float64(n)/(1<<30), 'f', 2, 64) + " GiB"
}

func durText(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
}

// showCRLF makes line ends visible: a literal \r\n before each newline
// (the monospace font has no glyph for ␍␊).
func showCRLF(b []byte) string {
	s := strings.ReplaceAll(string(b), "\r\n", `\r\n`+"\n")
	return strings.ReplaceAll(s, "\r", `\r`)
}

func (u *panelUI) showDetail() {
	e := u.selected
	if e == nil {
		u.detailTitle.SetText(lang.L("Click a request in the log to see its raw request and response headers."))
		u.reqView.SetText("")
		u.respView.SetText("")
		return
	}
	u.detailTitle.SetText(lang.L("{{.Method}} {{.Path}} → {{.Status}}, {{.Bytes}} in {{.Dur}}", map[string]any{
		"Method": e.Method, "Path": e.Target, "Status": e.Status, "Bytes": sizeText(e.Bytes), "Dur": durText(e.Duration)}))
	if len(e.Request) == 0 {
		u.reqView.SetText(lang.L("(the request could not be read)"))
	} else {
		u.reqView.SetText(showCRLF(e.Request))
	}
	u.respView.SetText(showCRLF(e.Response))
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

// validate checks the inputs and shows errors next to the fields.
func (u *panelUI) validate() (settings, bool) {
	s := settings{Dir: strings.TrimSpace(u.dir.Text), Engine: u.engine.Selected, KeepAlive: u.keep.Checked, Listing: u.listing.Checked, LAN: u.lan.Checked}
	ok := true
	u.dirErr.Hide()
	u.portErr.Hide()
	if fi, err := os.Stat(s.Dir); err != nil || !fi.IsDir() {
		u.dirErr.SetText(lang.L("Choose an existing folder to share."))
		u.dirErr.Show()
		ok = false
	}
	port, err := strconv.Atoi(strings.TrimSpace(u.port.Text))
	if err != nil || port < 1 || port > 65535 {
		u.portErr.SetText(lang.L("The port must be a number from 1 to 65535."))
		u.portErr.Show()
		ok = false
	}
	s.Port = port
	if !ok {
		msg := u.dirErr.Text
		if !u.dirErr.Visible() {
			msg = u.portErr.Text
		}
		u.ctx.Status.Error(msg)
	}
	return s, ok
}

func (u *panelUI) toggle() {
	if u.st.isRunning() {
		u.st.stopServer()
		u.ctx.Status.Info(lang.L("Web server stopped."))
		u.st.tick()
		return
	}
	s, ok := u.validate()
	if !ok {
		return
	}
	p := u.ctx.Prefs()
	p.SetString(prefDir, s.Dir)
	p.SetInt(prefPort, s.Port)
	p.SetString(prefEngine, s.Engine)
	p.SetBool(prefKeep, s.KeepAlive)
	p.SetBool(prefListing, s.Listing)
	p.SetBool(prefLAN, s.LAN)
	if !s.LAN {
		u.start(s)
		return
	}
	msg := widget.NewLabel(lang.L("Everyone on your local network will be able to read every file in {{.Dir}} while the server runs. Only do this with files meant for the class.", map[string]any{"Dir": s.Dir}))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.L("Share this folder with the network?"), lang.L("Share on the LAN"), lang.L("Do not share"),
		container.NewGridWrap(fyne.NewSize(420, 90), msg),
		func(yes bool) {
			if yes {
				u.start(s)
			}
		}, u.ctx.Window)
	d.Show()
}

func (u *panelUI) start(s settings) {
	if err := u.st.start(s); err != nil {
		msg := startError(err, s.Port)
		u.portErr.SetText(msg)
		u.portErr.Show()
		u.ctx.Status.Error(msg)
		u.refresh()
		return
	}
	u.ctx.Status.Info(lang.L("Web server running on port {{.Port}}.", map[string]any{"Port": s.Port}))
	u.st.tick()
}

// startError explains a failed start in the user's language.
func startError(err error, port int) string {
	switch {
	case errors.Is(err, netengine.ErrUnsupported):
		return lang.L("The epoll engine is only available on Linux: choose auto or portable.")
	case strings.Contains(err.Error(), "address already in use") || strings.Contains(strings.ToLower(err.Error()), "only one usage"):
		return lang.L("Port {{.Port}} is already in use by another program: choose another port.", map[string]any{"Port": port})
	case strings.Contains(err.Error(), "permission denied") || strings.Contains(err.Error(), "access permissions"):
		return lang.L("This system does not allow port {{.Port}}: use a port above 1023.", map[string]any{"Port": port})
	}
	return lang.L("Could not start the server: {{.Err}}", map[string]any{"Err": err.Error()})
}

// refresh updates everything from the state (UI goroutine).
func (u *panelUI) refresh() {
	running := u.st.isRunning()
	st := u.st
	for _, w := range []fyne.Disableable{u.dir, u.port, u.engine, u.keep, u.listing, u.lan} {
		if running {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	if running {
		u.startBtn.SetText(lang.L("Stop server"))
		u.startBtn.SetIcon(theme.MediaStopIcon())
	} else {
		u.startBtn.SetText(lang.L("Start server"))
		u.startBtn.SetIcon(theme.MediaPlayIcon())
	}
	st.mu.Lock()
	urls, cfg := append([]string(nil), st.urls...), st.running
	st.mu.Unlock()
	switch {
	case !running:
		u.exposure.SetText(lang.L("Stopped. The server listens on 127.0.0.1 (this computer only) unless you choose to share on the LAN."))
		u.exposure.Importance = widget.MediumImportance
		u.exposureIcon.SetResource(theme.InfoIcon())
	case cfg.LAN:
		u.exposure.SetText(lang.L("Shared on the LAN: anyone on your network can read this folder. Stop the server when the class is done."))
		u.exposure.Importance = widget.WarningImportance
		u.exposureIcon.SetResource(theme.WarningIcon())
	default:
		u.exposure.SetText(lang.L("Running for this computer only (127.0.0.1)."))
		u.exposure.Importance = widget.SuccessImportance
		u.exposureIcon.SetResource(theme.ConfirmIcon())
	}
	u.exposure.Refresh()
	u.setURLs(urls, cfg.LAN)
	r := st.rates
	u.counters.SetText(lang.L("Requests/s {{.Rps}} · open connections {{.Open}} · sent {{.Bps}}/s · requests {{.Total}}", map[string]any{
		"Rps": strconv.FormatFloat(r.ReqPerSec, 'f', 1, 64), "Open": r.Open, "Bps": sizeText(int64(r.BytesPerSec)), "Total": r.Total}))
	if st.trimmed > 0 {
		u.trimInfo.SetText(lang.L("{{.N}} older entries trimmed", map[string]any{"N": st.trimmed}))
	} else {
		u.trimInfo.SetText("")
	}
	u.list.Refresh()
}

// setURLs shows one card per URL, rebuilding only when they change.
func (u *panelUI) setURLs(urls []string, lan bool) {
	key := strings.Join(urls, " ")
	if len(u.urls.Objects) > 0 {
		if k, ok := u.urls.Objects[0].(*urlCard); ok && k.key == key {
			return
		}
	} else if key == "" {
		return
	}
	u.urls.Objects = nil
	for i, s := range urls {
		card := u.urlCard(s, lan && i > 0)
		card.key = key
		u.urls.Add(card)
	}
	u.urls.Refresh()
}

// urlCard is one URL with copy, open and (for LAN URLs) a QR code.
type urlCard struct {
	widget.BaseWidget
	key     string
	content fyne.CanvasObject
}

func (c *urlCard) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(c.content) }

func (u *panelUI) urlCard(s string, withQR bool) *urlCard {
	parsed, _ := url.Parse(s)
	link := widget.NewHyperlink(s, parsed)
	cp := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		u.ctx.App.Clipboard().SetContent(s)
		u.ctx.Status.Info(lang.L("URL copied: {{.Text}}", map[string]any{"Text": s}))
	})
	row := container.NewHBox(link, cp)
	var content fyne.CanvasObject = row
	if withQR {
		if img, err := qr.New(s, 112); err == nil {
			content = container.NewVBox(container.NewCenter(img), row)
		}
	}
	c := &urlCard{content: content}
	c.ExtendBaseWidget(c)
	return c
}

// storageListable turns a folder path into a ListableURI for the dialog.
func storageListable(p string) (fyne.ListableURI, error) { return listableFromPath(p) }
