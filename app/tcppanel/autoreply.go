package tcppanel

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/workbench"
)

// autoReplyUI edits echo and the rules; Apply sets them on every mode's model.
type autoReplyUI struct {
	u     *sessionUI
	root  fyne.CanvasObject
	echo  *widget.Check
	rows  *fyne.Container
	edits []*ruleEdit
	info  *widget.Label
}

type ruleEdit struct {
	kind            *widget.Select
	pattern, reply  *widget.Entry
	patHex, replHex *widget.Check
	on              *widget.Check
	box             fyne.CanvasObject
}

func kindNames() []string {
	return []string{lang.L("Exact"), lang.L("Contains"), lang.L("Regex")}
}

func newAutoReplyUI(u *sessionUI) *autoReplyUI {
	a := &autoReplyUI{u: u}
	st := u.s
	a.echo = widget.NewCheck(lang.L("Echo: send every received read back"), nil)
	a.rows = container.NewVBox()
	a.info = widget.NewLabel("")
	a.info.Wrapping = fyne.TextWrapWord
	add := widget.NewButtonWithIcon(lang.L("Add rule"), theme.ContentAddIcon(), func() { a.addRow(workbench.Rule{Kind: workbench.Contains}) })
	apply := widget.NewButtonWithIcon(lang.L("Apply"), theme.ConfirmIcon(), a.apply)
	apply.Importance = widget.HighImportance
	off := widget.NewButtonWithIcon(lang.L("Turn off"), theme.CancelIcon(), func() {
		a.echo.SetChecked(false)
		for _, e := range a.edits {
			e.on.SetChecked(false)
		}
		a.apply()
	})
	help := widget.NewLabel(lang.L("Each rule answers every match (Contains and Regex may answer several times). Exact and Regex look at each read on its own; Contains also catches a pattern that TCP split across two reads. Regex replies may use $1. Text may use escapes such as \\r\\n."))
	help.Wrapping = fyne.TextWrapWord
	help.Importance = widget.LowImportance
	// restore the applied settings (they live in the models)
	echo, rules := st.autoSettings()
	a.echo.SetChecked(echo)
	for _, r := range rules {
		a.addRow(r)
	}
	if len(rules) == 0 {
		a.addRow(workbench.Rule{Kind: workbench.Exact, Pattern: "ping", Reply: "pong\\r\\n", Disabled: true})
	}
	a.info.Hide()
	a.root = container.NewBorder(a.echo, container.NewVBox(a.info, container.NewHBox(add, off, apply)), nil, nil,
		container.NewVScroll(container.NewVBox(a.rows, help)))
	return a
}

func (a *autoReplyUI) addRow(r workbench.Rule) {
	e := &ruleEdit{}
	e.on = widget.NewCheck("", nil)
	e.on.SetChecked(!r.Disabled)
	e.kind = widget.NewSelect(kindNames(), nil)
	e.kind.SetSelectedIndex(int(r.Kind))
	e.pattern = widget.NewEntry()
	e.pattern.SetPlaceHolder(lang.L("received"))
	e.pattern.SetText(r.Pattern)
	e.patHex = widget.NewCheck(lang.L("hex"), nil)
	e.patHex.SetChecked(r.PatternHex)
	e.reply = widget.NewEntry()
	e.reply.SetPlaceHolder(lang.L("reply"))
	e.reply.SetText(r.Reply)
	e.replHex = widget.NewCheck(lang.L("hex"), nil)
	e.replHex.SetChecked(r.ReplyHex)
	var del *widget.Button
	del = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		for i, x := range a.edits {
			if x == e {
				a.edits = append(a.edits[:i], a.edits[i+1:]...)
				a.rows.Remove(e.box)
				break
			}
		}
	})
	// The arrow sits with the pattern's half so both entries get the same
	// width (with it in the reply's half, the reply was squeezed to a few
	// characters at 1024 px in Chinese).
	mid := container.NewGridWithColumns(2,
		container.NewBorder(nil, nil, nil, container.NewHBox(e.patHex, widget.NewLabel("→")), e.pattern),
		container.NewBorder(nil, nil, nil, e.replHex, e.reply))
	e.box = container.NewBorder(nil, nil, container.NewHBox(e.on, e.kind), del, mid)
	a.edits = append(a.edits, e)
	a.rows.Add(e.box)
}

func (a *autoReplyUI) rules() []workbench.Rule {
	var out []workbench.Rule
	for _, e := range a.edits {
		if e.pattern.Text == "" && e.reply.Text == "" {
			continue
		}
		out = append(out, workbench.Rule{Kind: workbench.MatchKind(max(e.kind.SelectedIndex(), 0)), Pattern: e.pattern.Text,
			PatternHex: e.patHex.Checked, Reply: e.reply.Text, ReplyHex: e.replHex.Checked, Disabled: !e.on.Checked})
	}
	return out
}

func (a *autoReplyUI) apply() {
	st := a.u.s
	rules := a.rules()
	var enabled []workbench.Rule
	for _, r := range rules {
		if !r.Disabled {
			enabled = append(enabled, r)
		}
	}
	cs := a.u.send.charset()
	for _, ar := range []*workbench.AutoReply{st.srv.Auto, st.cli.Auto, st.udp.Auto} {
		if err := ar.Set(a.echo.Checked, enabled, cs); err != nil {
			var re *workbench.RuleError
			msg := err.Error()
			if errors.As(err, &re) {
				msg = lang.L("Rule {{.N}} ({{.Field}}): {{.Err}}", map[string]any{"N": re.Index + 1, "Field": lang.L(re.Field), "Err": a.u.send.explain(re.Err)})
			}
			a.info.Importance = widget.DangerImportance
			a.info.Show()
			a.info.SetText(msg)
			st.status(true, msg, nil)
			return
		}
	}
	st.setAutoSettings(a.echo.Checked, rules)
	a.info.Importance = widget.MediumImportance
	a.info.Show()
	if !a.echo.Checked && len(enabled) == 0 {
		a.info.SetText(lang.L("Auto-reply is off."))
	} else {
		a.info.SetText(lang.L("Auto-reply is on: echo {{.Echo}}, {{.N}} rules.", map[string]any{"Echo": onOff(a.echo.Checked), "N": len(enabled)}))
	}
}

func onOff(b bool) string {
	if b {
		return lang.L("on")
	}
	return lang.L("off")
}
