// Package subnetpanel is NetLab's subnet-mask and gateway calculator page:
// a calculator that answers as the student types and shows the binary AND
// step by step, a gateway check, subnetting (split, VLSM, summarise, range
// to CIDR) and this machine's interfaces. All computation is in
// netengine/subnet and netengine/sysnet.
package subnetpanel

import (
	"embed"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/subnet"
)

//go:embed i18n
var tr embed.FS

// ID of the page.
const ID = "subnet"

// Preference keys.
const (
	prefInput       = "subnet.input"
	prefGwHost      = "subnet.gw.host"
	prefGwGateway   = "subnet.gw.gateway"
	prefGwPeer      = "subnet.gw.peer"
	prefSplitMode   = "subnet.split.mode"
	prefSplitParent = "subnet.split.parent"
	prefSplitArg    = "subnet.split.arg"
	prefTab         = "subnet.tab"
)

func init() {
	app.Register(app.Page{
		Translations: tr,
		ID:           ID,
		Title:        "Subnet calculator",
		Intro:        "Mask, network number, host number and default gateway, worked out in binary as you type.",
		IconName:     theme.IconNameGrid,
		Order:        30,
		Build:        func(ctx *app.Context) fyne.CanvasObject { return newPanel(ctx).view },
	})
}

// panel is one built view of the page.
type panel struct {
	ctx     *app.Context
	tabs    *container.AppTabs
	calc    *calcView
	gw      *gatewayView
	split   *splitView
	machine *machineView
	view    fyne.CanvasObject
}

func newPanel(ctx *app.Context) *panel {
	p := &panel{ctx: ctx}
	p.calc = newCalcView(p)
	p.gw = newGatewayView(p)
	p.split = newSplitView(p)
	p.machine = newMachineView(p)
	p.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Calculator"), theme.GridIcon(), p.calc.view),
		container.NewTabItemWithIcon(lang.L("Gateway check"), theme.HomeIcon(), p.gw.view),
		container.NewTabItemWithIcon(lang.L("Subnetting"), theme.ViewRestoreIcon(), p.split.view),
		container.NewTabItemWithIcon(lang.L("This machine"), theme.ComputerIcon(), p.machine.view),
	)
	p.tabs.SelectIndex(ctx.Prefs().IntWithFallback(prefTab, 0))
	p.tabs.OnSelected = func(*container.TabItem) {
		ctx.Prefs().SetInt(prefTab, p.tabs.SelectedIndex())
		if p.tabs.SelectedIndex() == 3 {
			p.machine.refresh()
		}
	}
	p.view = p.tabs
	return p
}

// errText is err in the user's language: netengine's codes are translated.
func errText(err error) string {
	var e *subnet.Error
	if errors.As(err, &e) {
		return lang.L(e.Code.Template(), argMap(e.Args))
	}
	return err.Error()
}

func argMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// findingText is a gateway or VLSM finding in the user's language.
func findingText(f subnet.Finding) string { return lang.L(f.Template(), argMap(f.Args)) }

// copyButton copies what text() returns and says so in the status bar.
func (p *panel) copyButton(text func() string) *widget.Button {
	b := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		t := text()
		if t == "" {
			return
		}
		p.ctx.App.Clipboard().SetContent(t)
		p.ctx.Status.Info(lang.L("Copied: {{.Text}}", map[string]any{"Text": firstLine(t)}))
	})
	b.Importance = widget.LowImportance
	return b
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i] + " …"
		}
	}
	return s
}

// monoLabel is a label for raw data.
func monoLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.TextStyle.Monospace = true
	return l
}

// errorLabel is the red line under an input.
func errorLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

func showError(l *widget.Label, msg string) {
	l.SetText(msg)
	if msg == "" {
		l.Hide()
	} else {
		l.Show()
	}
}
