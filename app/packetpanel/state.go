package packetpanel

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/netlab-classroom/netlab/netengine/vnet"
	"github.com/netlab-classroom/netlab/netengine/vnet/scenario"
)

// refreshEvery bounds the page's redraws while frames flood in (at most 30
// a second, like every live view in NetLab).
const refreshEvery = 33 * time.Millisecond

// state is the page's model: it outlives view rebuilds (language changes)
// and is stopped when the window closes.
type state struct {
	cap *capture

	mu      sync.Mutex
	net     *vnet.Network
	stopNet func() // stops what runs on net (scenario, apps, forward) and closes it
	name    string // what runs: a scenario name, or "" for the live classroom
	done    bool   // the scenario finished
	errText string // the scenario's error, if it failed
	notes   []scenario.Text
	liveFwd *vnet.Forward // the Browser button's port forward, while it runs

	// onNews is the current view's redraw (UI goroutine); nil without a view.
	onNews func()
	view   *view // the current view

	// What the teacher set, carried over to every network built from now
	// on (a scenario builds a fresh one per run).
	tcp    vnet.TCPOptions
	impair map[string]vnet.Impairment // by link name; DropNext is not carried

	rec *recording // a lossless pcap being written, or nil

	quit chan struct{}
	wg   sync.WaitGroup
}

// newNetwork builds a classroom network with the teacher's TCP knobs and
// link impairments.
func (st *state) newNetwork() (*vnet.Network, error) {
	st.mu.Lock()
	tcp := st.tcp
	impair := make(map[string]vnet.Impairment, len(st.impair))
	for k, v := range st.impair {
		impair[k] = v
	}
	st.mu.Unlock()
	n, err := vnet.ClassroomWith(vnet.ClassroomOptions{TCP: tcp})
	if err != nil {
		return nil, err
	}
	for name, im := range impair {
		if l := n.LinkNamed(name); l != nil {
			l.SetImpairment(im)
		}
	}
	return n, nil
}

// keepImpairment remembers a link's impairment for the next networks.
func (st *state) keepImpairment(link string, im vnet.Impairment) {
	im.DropNext, im.DropIf = 0, nil
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.impair == nil {
		st.impair = map[string]vnet.Impairment{}
	}
	if im.DropPercent == 0 && im.Delay == 0 && im.Duplicate == 0 {
		delete(st.impair, link)
		return
	}
	st.impair[link] = im
}

// autoDrain starts the drain goroutine; tests turn it off and poll by
// hand, because the test driver runs fyne.Do on the calling goroutine.
var autoDrain = true

func newState() *state {
	st := &state{cap: newCapture(), quit: make(chan struct{})}
	if autoDrain {
		st.wg.Add(1)
		go st.drain()
	}
	return st
}

// drain reads new frames at most 30 times a second and asks the view to
// redraw once per batch; the network never waits for it.
func (st *state) drain() {
	defer st.wg.Done()
	t := time.NewTicker(refreshEvery)
	defer t.Stop()
	quiet := 0
	for {
		select {
		case <-st.quit:
			return
		case <-t.C:
		}
		if st.cap.poll() {
			quiet = 0
			st.news()
		} else if quiet++; quiet == 15 {
			st.news() // once, half a second after the traffic stopped: the link lights go out
		}
	}
}

// news redraws the view from the UI goroutine. Without the drain (tests)
// the test redraws by hand: the test driver's fyne.Do would run the redraw
// on this goroutine, beside the test's.
func (st *state) news() {
	if !autoDrain {
		return
	}
	fyne.Do(func() {
		st.mu.Lock()
		f := st.onNews
		st.mu.Unlock()
		if f != nil {
			f()
		}
	})
}

// use replaces the network shown; stop ends what runs on it. The old one
// is stopped first.
func (st *state) use(n *vnet.Network, name string, stop func()) {
	st.mu.Lock()
	old := st.stopNet
	st.net, st.stopNet, st.name, st.done, st.errText, st.notes, st.liveFwd = n, stop, name, false, "", nil, nil
	st.mu.Unlock()
	// other pages (the TCP workbench) may run sessions on its hosts
	vnet.SetShared(n)
	// a recording goes on with the new network, in the same file; the old
	// network's frames are all written before it closes
	st.followRecording(n)
	if old != nil {
		old()
	}
	st.cap.attach(n)
}

// setNotes keeps what a scenario run found (e.g. why nothing passed).
func (st *state) setNotes(n *vnet.Network, notes []scenario.Text) {
	st.mu.Lock()
	if st.net == n {
		st.notes = notes
	}
	st.mu.Unlock()
}

// finished records the end of a scenario run.
func (st *state) finished(n *vnet.Network, err error) {
	st.mu.Lock()
	if st.net == n {
		st.done = true
		if err != nil {
			st.errText = err.Error()
		}
	}
	st.mu.Unlock()
	st.cap.poll()
	st.news()
}

func (st *state) currentView() *view {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.view
}

// watchLink is the link a run is best watched on: the link of the
// scenario's first host (the client), as tcpdump on its interface would
// see it; "" for every link.
func (st *state) watchLink() string {
	st.mu.Lock()
	n, name := st.net, st.name
	st.mu.Unlock()
	s, ok := scenario.Get(name)
	if n == nil || !ok || len(s.Hosts) == 0 {
		return ""
	}
	h := n.Host(s.Hosts[0])
	if h == nil || h.Iface().Linked() == nil {
		return ""
	}
	return h.Iface().Linked().Name()
}

// network is the network shown now (nil before the first run).
func (st *state) network() *vnet.Network {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.net
}

func (st *state) shutdown() {
	select {
	case <-st.quit:
		return
	default:
		close(st.quit)
	}
	st.wg.Wait()
	st.stopRecording() // the file is closed whole
	st.use(nil, "", nil)
}
