package webpanel

import (
	"errors"
	"net/url"
	"os"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine"
	"github.com/netlab-classroom/netlab/widgets/qr"
)

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
	urls, cfg, idle := append([]string(nil), st.urls...), st.running, st.idle
	st.mu.Unlock()
	u.showExposure(running, cfg.LAN)
	u.setURLs(urls, cfg.LAN)
	r := st.rates
	u.counters.SetText(lang.L("Requests/s {{.Rps}} · sent {{.Bps}}/s · open connections {{.Open}} · {{.Total}} requests on {{.Conns}} connections", map[string]any{
		"Rps": strconv.FormatFloat(r.ReqPerSec, 'f', 1, 64), "Open": r.Open, "Bps": sizeText(int64(r.BytesPerSec)), "Total": r.Total, "Conns": r.Conns}))
	keep := u.keep.Checked
	if running {
		keep = cfg.KeepAlive
	} else {
		idle = nextIdle()
	}
	if keep {
		u.keepInfo.SetText(lang.L("Keep-alive on: a browser sends many requests over one connection (same # in the log); idle connections close after {{.Secs}} s.", map[string]any{"Secs": secondsText(idle)}))
	} else {
		u.keepInfo.SetText(lang.L("Keep-alive off: the server closes the connection after every response, so each request comes on a new connection (a new # in the log)."))
	}
	if st.trimmed > 0 {
		u.trimInfo.SetText(lang.L("{{.N}} older entries trimmed", map[string]any{"N": st.trimmed}))
	} else {
		u.trimInfo.SetText("")
	}
	if st.seq != u.shown {
		u.shown = st.seq
		u.follow.Updated()
	}
}

// showExposure says who can reach the server, and, while stopped with
// "Share on the LAN" ticked, what starting will do.
func (u *panelUI) showExposure(running, lan bool) {
	switch {
	case running && lan:
		u.exposure.SetText(lang.L("Shared on the LAN: anyone on your network can read this folder. Stop the server when the class is done."))
		u.exposure.Importance = widget.WarningImportance
		u.exposureIcon.SetResource(theme.WarningIcon())
	case running:
		u.exposure.SetText(lang.L("Running for this computer only (127.0.0.1)."))
		u.exposure.Importance = widget.SuccessImportance
		u.exposureIcon.SetResource(theme.ConfirmIcon())
	case u.lan.Checked:
		u.exposure.SetText(lang.L("Stopped. When you start, you will be asked to confirm; then the server listens on every network interface (0.0.0.0), shows its LAN address with a QR code, and anyone on your network can read this folder."))
		u.exposure.Importance = widget.WarningImportance
		u.exposureIcon.SetResource(theme.WarningIcon())
	default:
		u.exposure.SetText(lang.L("Stopped. The server listens on 127.0.0.1 (this computer only) unless you choose to share on the LAN."))
		u.exposure.Importance = widget.MediumImportance
		u.exposureIcon.SetResource(theme.InfoIcon())
	}
	u.exposure.Refresh()
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
	if len(urls) == 0 {
		u.urlScroll.Hide()
	} else {
		u.urlScroll.Show()
	}
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
