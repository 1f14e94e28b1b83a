package dnspanel

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/dnsx"
	"github.com/netlab-classroom/netlab/widgets/sized"
)

// Where a trace starts (stored by index).
const (
	fromClassroom = iota
	fromInternet
)

type traceView struct {
	p      *panel
	name   *widget.Entry
	typ    *widget.Select
	from   *widget.Select
	hints  *widget.Entry
	button *widget.Button
	errLbl *widget.Label
	status *widget.Label
	list   *widget.List
	detail *widget.Label

	mu    sync.Mutex // steps arrive from the trace goroutine
	steps []dnsx.TraceStep
	sel   int
	view  fyne.CanvasObject
}

func newTraceView(p *panel) *traceView {
	v := &traceView{p: p, sel: -1}
	prefs := p.ctx.Prefs()
	v.name = widget.NewEntry()
	v.name.SetText(prefs.StringWithFallback(prefTraceName, "www.classroom.lab"))
	v.name.OnSubmitted = func(string) { v.run() }
	v.typ = widget.NewSelect(dnsx.Types, nil)
	v.typ.SetSelected(prefs.StringWithFallback(prefTraceType, "A"))
	v.hints = widget.NewEntry()
	v.hints.SetPlaceHolder(lang.L("Root hints file (empty: the shipped named.root)"))
	v.hints.SetText(prefs.String(prefTraceHints))
	v.from = widget.NewSelect([]string{lang.L("Classroom server (offline)"), lang.L("Real root servers (internet)")}, func(string) {
		if v.from.SelectedIndex() == fromInternet {
			v.hints.Show()
		} else {
			v.hints.Hide()
		}
	})
	v.from.SetSelectedIndex(prefs.IntWithFallback(prefTraceFrom, fromClassroom))
	v.button = primaryButton(lang.L("Trace"), theme.MediaPlayIcon(), v.run)
	v.errLbl = newErrorLabel()
	v.status = widget.NewLabel(lang.L("A resolver starts at a root server and follows referrals down the tree: root, then lab., then classroom.lab."))
	v.status.Wrapping = fyne.TextWrapWord

	v.list = widget.NewList(
		func() int { v.mu.Lock(); defer v.mu.Unlock(); return len(v.steps) },
		func() fyne.CanvasObject {
			head := widget.NewLabel("")
			head.Truncation = fyne.TextTruncateEllipsis
			result := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			result.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, container.NewVBox(head, result))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			v.mu.Lock()
			if id >= len(v.steps) {
				v.mu.Unlock()
				return
			}
			s := v.steps[id]
			v.mu.Unlock()
			c := o.(*fyne.Container)
			head, result := stepParts(s)
			lines := c.Objects[0].(*fyne.Container).Objects
			lines[0].(*widget.Label).SetText(head)
			lines[1].(*widget.Label).SetText(result)
			c.Objects[1].(*widget.Icon).SetResource(stepIcon(s.Kind))
		})
	v.list.OnSelected = func(id widget.ListItemID) { v.sel = id; v.showDetail() }
	v.detail = widget.NewLabelWithStyle(lang.L("Select a step to see the whole reply."), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	copyBtn := widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), func() {
		v.p.ctx.Window.Clipboard().SetContent(v.text())
		v.p.ctx.Status.Info(lang.L("The trace was copied."))
	})

	inputs := container.NewBorder(nil, nil, widget.NewLabel(lang.L("Name")),
		container.NewHBox(widget.NewLabel(lang.L("Type")), v.typ, sized.Width(v.from, 230), v.button), v.name)
	head := container.NewVBox(inputs, v.hints, v.errLbl, container.NewBorder(nil, nil, nil, copyBtn, v.status))
	split := container.NewHSplit(v.list, container.NewScroll(v.detail))
	split.Offset = 0.6
	v.view = container.NewBorder(head, nil, nil, nil, split)
	return v
}

func stepIcon(kind string) fyne.Resource {
	switch kind {
	case dnsx.StepAnswer:
		return theme.ConfirmIcon()
	case dnsx.StepReferral, dnsx.StepPriming:
		return theme.NavigateNextIcon()
	case dnsx.StepCNAME:
		return theme.MailForwardIcon()
	case dnsx.StepError, dnsx.StepNXDomain, dnsx.StepRcode:
		return theme.ErrorIcon()
	}
	return theme.InfoIcon()
}

// stepLine says one step in the user's language, on one line.
func stepLine(s dnsx.TraceStep) string {
	head, result := stepParts(s)
	return head + " " + result
}

// stepParts splits a step into who was asked and what it said.
func stepParts(s dnsx.TraceStep) (head, result string) {
	server := s.Server
	if server == dnsx.PrimingServer {
		server = lang.L("the classroom server")
	}
	head = lang.L("{{.N}}. Asked {{.Server}} (zone {{.Zone}}) at {{.Addr}}:", map[string]any{"N": s.N, "Server": server, "Zone": s.Zone, "Addr": s.Addr})
	rtt := " · " + fmt.Sprintf("%.2f ms", s.RTTms)
	switch s.Kind {
	case dnsx.StepError:
		return head, lang.L("no answer ({{.Err}}); trying the next server.", map[string]any{"Err": s.Error})
	case dnsx.StepPriming:
		return head, lang.L("the root servers are {{.NS}}", map[string]any{"NS": strings.Join(s.NS, ", ")}) + rtt
	case dnsx.StepReferral:
		return head, lang.L("referral: {{.Zone}} is served by {{.NS}}", map[string]any{"Zone": s.Referral, "NS": strings.Join(s.NS, ", ")}) + rtt
	case dnsx.StepCNAME:
		return head, lang.L("an alias (CNAME) for {{.Target}}: start again from the root", map[string]any{"Target": s.Answer[0].Data}) + rtt
	case dnsx.StepAnswer:
		var data []string
		for _, r := range s.Answer {
			data = append(data, r.Type+" "+r.Data)
		}
		return head, lang.L("the answer: {{.Data}}", map[string]any{"Data": strings.Join(data, ", ")}) + rtt
	case dnsx.StepNXDomain:
		return head, lang.L("NXDOMAIN: this name does not exist.") + rtt
	case dnsx.StepNoData:
		return head, lang.L("the name exists but has no record of this type.") + rtt
	}
	return head, strings.TrimSpace(s.Rcode+" "+rcodeNote(s.Rcode)) + rtt
}

func (v *traceView) showDetail() {
	v.mu.Lock()
	if v.sel < 0 || v.sel >= len(v.steps) {
		v.mu.Unlock()
		return
	}
	s := v.steps[v.sel]
	v.mu.Unlock()
	if s.Msg == nil {
		v.detail.SetText(stepLine(s))
		return
	}
	var b strings.Builder
	b.WriteString(stepLine(s) + "\n\n")
	for _, sec := range dnsx.Sections(s.Msg) {
		fmt.Fprintf(&b, ";; %s\n%s\n\n", lang.L(sec.Title), sec.Text)
	}
	v.detail.SetText(strings.TrimSpace(b.String()))
}

func (v *traceView) text() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	var lines []string
	for _, s := range v.steps {
		lines = append(lines, stepLine(s))
	}
	return strings.Join(lines, "\n")
}

func (v *traceView) run() {
	v.p.hideErrorAt(v.errLbl)
	prefs := v.p.ctx.Prefs()
	prefs.SetString(prefTraceName, v.name.Text)
	prefs.SetString(prefTraceType, v.typ.Selected)
	prefs.SetInt(prefTraceFrom, v.from.SelectedIndex())
	prefs.SetString(prefTraceHints, v.hints.Text)
	fail := func(msg string) { v.p.showErrorAt(v.errLbl, msg) }
	name := strings.TrimSpace(v.name.Text)
	if _, _, _, err := dnsx.QuestionFor(name, v.typ.Selected); err != nil {
		fail(lang.L("This is not a name NetLab can look up: {{.Err}}", map[string]any{"Err": err.Error()}))
		return
	}
	o := dnsx.TraceOptions{Name: name, Type: v.typ.Selected, Timeout: 2 * time.Second}
	if v.from.SelectedIndex() == fromInternet {
		if h := strings.TrimSpace(v.hints.Text); h != "" {
			hints, err := dnsx.LoadHints(h)
			if err != nil {
				fail(errText(err))
				return
			}
			o.Hints = hints
		}
	} else {
		addr, started, err := v.p.st.ensureRunning()
		if err != nil {
			fail(lang.L("The classroom server could not start: {{.Err}}", map[string]any{"Err": errText(err)}))
			return
		}
		if started {
			v.p.ctx.Status.Info(lang.L("Started the classroom DNS server on {{.Addr}}.", map[string]any{"Addr": addr}))
		}
		o.Via = connectAddr(addr)
	}
	v.mu.Lock()
	v.steps, v.sel = nil, -1
	v.mu.Unlock()
	v.list.UnselectAll()
	v.list.Refresh()
	v.detail.SetText("")
	v.button.Disable()
	v.status.SetText(lang.L("Tracing…"))
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		res, err := dnsx.Trace(ctx, o, func(s dnsx.TraceStep) {
			v.mu.Lock()
			v.steps = append(v.steps, s)
			v.mu.Unlock()
			fyne.Do(v.list.Refresh)
		})

		fyne.Do(func() {
			defer uiDone()
			v.button.Enable()
			v.list.Refresh()
			if err != nil {
				v.status.SetText("")
				fail(lang.L("The trace stopped: {{.Err}}", map[string]any{"Err": err.Error()}))
				return
			}
			v.status.SetText(lang.L("Done in {{.N}} steps: {{.Name}} {{.Type}} → {{.Rcode}}.", map[string]any{
				"N": len(res.Steps), "Name": res.Name, "Type": res.Type, "Rcode": res.Rcode}))
		})
	}()
}
