package packetpanel

import (
	"context"
	"net/netip"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/vnet"
	"github.com/netlab-classroom/netlab/netengine/vnet/scenario"
	"github.com/netlab-classroom/netlab/widgets/sized"
)

const prefScenario = "packets.scenario"

// runBar is the page's first row: the scenario, Run, Export pcap, and
// below it what the scenario shows and what to look for.
type runBar struct {
	v       *view
	pick    *widget.Select
	run     *widget.Button
	live    *widget.Button
	record  *widget.Button
	export  *widget.Button
	about   *widget.Label
	lookFor *widget.Label
	notes   *widget.Label
	state   *widget.Label
	root    fyne.CanvasObject // the row
	lesson  fyne.CanvasObject // the Lesson tab: what happens, what to look for, what the run found
}

func scenarioTitles() []string {
	lg := app.CurrentLanguage()
	var out []string
	for _, s := range scenario.All() {
		out = append(out, s.Title.In(lg))
	}
	return out
}

func newRunBar(v *view) *runBar {
	b := &runBar{v: v}
	b.about = widget.NewLabel("")
	b.about.Wrapping = fyne.TextWrapWord
	b.lookFor = widget.NewLabel("")
	b.lookFor.Wrapping = fyne.TextWrapWord
	b.lookFor.TextStyle.Italic = true
	b.notes = widget.NewLabel("")
	b.notes.Wrapping = fyne.TextWrapWord
	b.notes.Importance = widget.WarningImportance
	b.state = widget.NewLabel("")
	b.pick = widget.NewSelect(scenarioTitles(), func(string) {
		if s, ok := b.chosen(); ok {
			v.ctx.Prefs().SetString(prefScenario, s.Name)
		}
		b.describe()
	})
	b.run = widget.NewButtonWithIcon(lang.L("Run"), theme.MediaPlayIcon(), b.start)
	b.run.Importance = widget.HighImportance
	b.export = widget.NewButtonWithIcon(lang.L("Export pcap…"), theme.DocumentSaveIcon(), b.exportPcap)
	b.live = widget.NewButtonWithIcon(lang.L("Browser"), theme.ComputerIcon(), b.startLive)
	b.record = widget.NewButtonWithIcon(lang.L("Record…"), theme.MediaRecordIcon(), b.toggleRecord)
	want := v.ctx.Prefs().StringWithFallback(prefScenario, "handshake")
	for i, s := range scenario.All() {
		if s.Name == want {
			b.pick.SetSelectedIndex(i)
		}
	}
	if b.pick.SelectedIndex() < 0 {
		b.pick.SetSelectedIndex(0)
	}
	b.state.Truncation = fyne.TextTruncateEllipsis
	// Another page (a reference card) may ask for a scenario by setting the
	// preference, then navigate here.
	v.ctx.Prefs().AddChangeListener(func() {
		if v.st.currentView() != v {
			return // a view replaced by a language change
		}
		want := v.ctx.Prefs().String(prefScenario)
		if s, ok := b.chosen(); ok && s.Name == want {
			return
		}
		for i, s := range scenario.All() {
			if s.Name == want {
				b.pick.SetSelectedIndex(i)
				v.tabs.SelectIndex(0)
			}
		}
	})
	b.root = container.NewBorder(nil, nil,
		container.NewHBox(widget.NewLabel(lang.L("Scenario")), sized.Width(b.pick, 240), b.run),
		container.NewHBox(b.live, sized.Width(b.record, recordWidth()), b.export), b.state)
	b.lesson = container.NewVScroll(container.NewVBox(b.notes, b.about, b.lookFor))
	b.describe()
	return b
}

// chosen is the scenario picked.
func (b *runBar) chosen() (scenario.Scenario, bool) {
	i := b.pick.SelectedIndex()
	all := scenario.All()
	if i < 0 || i >= len(all) {
		return scenario.Scenario{}, false
	}
	return all[i], true
}

// describe shows the picked scenario's explanation.
func (b *runBar) describe() {
	s, ok := b.chosen()
	if !ok {
		return
	}
	lg := app.CurrentLanguage()
	b.about.SetText(s.About.In(lg))
	var look []string
	for _, t := range s.LookFor {
		look = append(look, "• "+t.In(lg))
	}
	if len(look) > 0 {
		b.lookFor.SetText(lang.L("Look for:") + "\n" + strings.Join(look, "\n"))
	}
	b.refresh()
}

// start builds a fresh classroom network and runs the scenario on it; the
// frames appear as they are captured.
func (b *runBar) start() {
	s, ok := b.chosen()
	if !ok {
		return
	}
	n, err := b.v.st.newNetwork()
	if err != nil {
		b.v.ctx.Status.Error(lang.L("Could not build the virtual network: {{.Err}}", map[string]any{"Err": err}))
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	st := b.v.st
	st.use(n, s.Name, func() { cancel(); n.Close() })
	b.v.sel = -1
	b.v.setNetwork(st.watchLink())
	b.v.ctx.Status.Clear()
	go func() {
		notes, err := s.RunOn(ctx, n)
		st.setNotes(n, notes)
		st.finished(n, err)
	}()
	b.refresh()
}

// livePort is where the real browser reaches the virtual web server (8080
// is the TCP workbench's classic port, so it is left to that page).
const livePort = "127.0.0.1:8090"

// startLive runs the classroom network with its web and DNS servers and a
// port forward from this computer, so a real browser's handshake, request,
// response and close appear as packets (exercise E1 with the packets
// visible).
func (b *runBar) startLive() {
	n, err := b.v.st.newNetwork()
	if err != nil {
		b.v.ctx.Status.Error(lang.L("Could not build the virtual network: {{.Err}}", map[string]any{"Err": err}))
		return
	}
	stopWeb, err := scenario.StartWeb(n.Host("web"), 80, true, "")
	var stopDNS func()
	if err == nil {
		stopDNS, err = scenario.StartDNS(n.Host("dns"), nil)
		if err != nil {
			stopWeb()
		}
	}
	if err != nil {
		n.Close()
		b.v.ctx.Status.Error(lang.L("Could not start the servers inside the virtual network: {{.Err}}", map[string]any{"Err": err}))
		return
	}
	to := netip.AddrPortFrom(vnet.ClassroomWeb, 80)
	fw, err := n.AddForward(vnet.ForwardConfig{Listen: livePort, To: to})
	if err != nil { // the port is taken: let the system pick one
		fw, err = n.AddForward(vnet.ForwardConfig{Listen: "127.0.0.1:0", To: to})
	}
	if err != nil {
		stopDNS()
		stopWeb()
		n.Close()
		b.v.ctx.Status.Error(lang.L("Could not open a port on this computer for the browser: {{.Err}}", map[string]any{"Err": err}))
		return
	}
	st := b.v.st
	st.use(n, liveName, func() { fw.Close(); stopDNS(); stopWeb(); n.Close() })
	url := "http://" + fw.Listen().String() + "/"
	st.mu.Lock()
	st.liveFwd = fw // the Lesson tab words the rule in the page's language
	st.mu.Unlock()
	b.v.sel = -1
	b.v.setNetwork("")
	b.v.tabs.SelectIndex(0)
	b.v.ctx.Status.Info(lang.L("Open {{.URL}} in your browser.", map[string]any{"URL": url}))
	b.refresh()
}

// liveName marks the live classroom (not a scenario) in state.name.
const liveName = "live"

// recordWidth fits both labels, so the button keeps its place and size.
func recordWidth() float32 {
	return max(widget.NewButtonWithIcon(lang.L("Record…"), theme.MediaRecordIcon(), nil).MinSize().Width,
		widget.NewButtonWithIcon(lang.L("Stop recording"), theme.MediaStopIcon(), nil).MinSize().Width)
}

// toggleRecord starts a lossless recording of every frame to a pcap file,
// or stops it.
func (b *runBar) toggleRecord() {
	st := b.v.st
	if st.recordingName() != "" {
		name, frames, err := st.stopRecording()
		b.recorded(name, frames, err)
		b.refresh()
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		if err := st.startRecording(w, w.URI().Name()); err != nil {
			w.Close()
			b.v.ctx.Status.Error(lang.L("Could not write {{.File}}: {{.Err}}", map[string]any{"File": w.URI().Name(), "Err": err}))
			return
		}
		b.v.ctx.Status.Info(lang.L("Recording every frame to {{.File}}; press Stop recording to close it.", map[string]any{"File": w.URI().Name()}))
		b.refresh()
	}, b.v.ctx.Window)
	d.SetFileName("netlab-recording.pcap")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pcap"}))
	d.Show()
}

// recorded says how a recording ended.
func (b *runBar) recorded(name string, frames uint64, err error) {
	if err != nil {
		b.v.ctx.Status.Error(lang.L("The recording {{.File}} is incomplete: {{.Err}}", map[string]any{"File": name, "Err": err}))
		return
	}
	b.v.ctx.Status.Info(lang.L("Recorded {{.N}} frames to {{.File}}, every one of them.", map[string]any{"N": frames, "File": name}))
}

// refresh shows whether the scenario runs, finished or failed, and its notes.
func (b *runBar) refresh() {
	st := b.v.st
	if st.recordingName() != "" {
		b.record.SetText(lang.L("Stop recording"))
		b.record.SetIcon(theme.MediaStopIcon())
	} else {
		b.record.SetText(lang.L("Record…"))
		b.record.SetIcon(theme.MediaRecordIcon())
	}
	st.mu.Lock()
	name, done, errText, notes, liveFwd := st.name, st.done, st.errText, st.notes, st.liveFwd
	running := st.net != nil && !done
	st.mu.Unlock()
	s, _ := b.chosen()
	switch {
	case name == liveName:
		b.state.SetText(lang.L("Live"))
		running = false
	case name == "":
		b.state.SetText("") // nothing has run: the Run button says what to do
	case running:
		b.state.SetText(lang.L("Running…"))
	case errText != "":
		b.state.SetText(lang.L("Stopped with an error"))
	default:
		b.state.SetText(lang.L("Done"))
	}
	b.run.SetText(lang.L("Run"))
	if name != "" && name == s.Name && !running {
		b.run.SetText(lang.L("Run again"))
	}
	lg := app.CurrentLanguage()
	var lines []string
	if name == liveName && liveFwd != nil {
		lines = append(lines, lang.L("Port forward {{.Rule}}. Open {{.URL}} in your browser: its request goes through r1 to web (192.168.1.20) inside the virtual network, and every frame of it appears here.",
			map[string]any{"Rule": liveFwd.String(), "URL": "http://" + liveFwd.Listen().String() + "/"}))
	}
	if name == s.Name {
		for _, t := range notes {
			lines = append(lines, t.In(lg))
		}
		if errText != "" {
			lines = append(lines, lang.L("The run stopped: {{.Err}}", map[string]any{"Err": errText}))
		}
	}
	b.notes.SetText(strings.Join(lines, "\n"))
	b.notes.Hidden = len(lines) == 0
	b.notes.Refresh()
}

// exportPcap saves every frame the capture still holds as a classic pcap
// file (Ethernet), which tcpdump and Wireshark open.
func (b *runBar) exportPcap() {
	n := b.v.st.network()
	if n == nil {
		b.v.ctx.Status.Error(lang.L("Nothing to export yet: run a scenario first."))
		return
	}
	frames := n.Frames(0, 0)
	lost := n.LostFromView()
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if _, err := w.Write(pcapOf(frames)); err != nil {
			b.v.ctx.Status.Error(lang.L("Could not write {{.File}}: {{.Err}}", map[string]any{"File": w.URI().Name(), "Err": err}))
			return
		}
		msg := lang.L("Saved {{.N}} frames to {{.File}}.", map[string]any{"N": len(frames), "File": w.URI().Name()})
		if lost > 0 {
			msg += " " + lang.L("{{.N}} older frames had already left the capture ring and are not in the file.", map[string]any{"N": lost})
		}
		b.v.ctx.Status.Info(msg)
	}, b.v.ctx.Window)
	name := "netlab"
	if s, ok := b.chosen(); ok {
		name += "-" + s.Name
	}
	d.SetFileName(name + ".pcap")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pcap"}))
	d.Show()
}

// pcapOf is frames as a classic pcap file (Ethernet, microseconds).
func pcapOf(frames []vnet.Frame) []byte {
	buf := vnet.PcapHeader()
	for _, f := range frames {
		buf = vnet.AppendPcapRecord(buf, f.Time, f.Data)
	}
	return buf
}
