package packetpanel

import (
	"errors"
	"io"

	"github.com/netlab-classroom/netlab/netengine/vnet"
)

// errNoNetwork: nothing to record yet.
var errNoNetwork = errors.New("no network yet")

// recording is a lossless pcap of the networks shown, from the moment the
// student pressed Record until Stop: unlike Export, which saves what the
// capture ring still holds, nothing is left out however long it runs, and
// the scenarios run meanwhile (each on a fresh network) follow one another
// in the one file.
type recording struct {
	w      io.WriteCloser
	name   string
	frames uint64 // frames of the networks already done
	n      *vnet.Network
	from   uint64 // n's last frame when recording on it began
	stop   func() error
	err    error
}

// attach records n from now on; header says whether the file still needs
// its pcap header (only the first network writes it).
func (r *recording) attach(n *vnet.Network, header bool) error {
	var w io.Writer = r.w
	if !header {
		w = &skipHeader{w: r.w, skip: len(vnet.PcapHeader())}
	}
	stop, err := n.WritePcap(w)
	if err != nil {
		return err
	}
	r.n, r.from, r.stop = n, n.LastSeq(), stop
	return nil
}

// detach stops writing the current network's frames (the file stays open).
func (r *recording) detach() {
	if r.stop == nil {
		return
	}
	if err := r.stop(); err != nil && r.err == nil {
		r.err = err
	}
	r.frames += r.n.LastSeq() - r.from
	r.n, r.stop = nil, nil
}

// skipHeader drops the first skip bytes written: the pcap header every
// WritePcap begins with, which the file already has.
type skipHeader struct {
	w    io.Writer
	skip int
}

func (s *skipHeader) Write(p []byte) (int, error) {
	n := min(s.skip, len(p))
	s.skip -= n
	if n == len(p) {
		return n, nil
	}
	m, err := s.w.Write(p[n:])
	return n + m, err
}

// startRecording writes every frame of the network shown (and of the next
// ones) to w from now on.
func (st *state) startRecording(w io.WriteCloser, name string) error {
	n := st.network()
	if n == nil {
		return errNoNetwork
	}
	r := &recording{w: w, name: name}
	if err := r.attach(n, true); err != nil {
		return err
	}
	st.mu.Lock()
	old := st.rec
	st.rec = r
	st.mu.Unlock()
	if old != nil {
		old.detach()
		old.w.Close()
	}
	return nil
}

// follow moves the recording to the network that replaces the old one.
func (st *state) followRecording(n *vnet.Network) {
	st.mu.Lock()
	r := st.rec
	st.mu.Unlock()
	if r == nil {
		return
	}
	r.detach()
	if n != nil {
		if err := r.attach(n, false); err != nil && r.err == nil {
			r.err = err
		}
	}
}

// stopRecording ends the recording; it returns the file's name, how many
// frames it holds and the first write error.
func (st *state) stopRecording() (name string, frames uint64, err error) {
	st.mu.Lock()
	r := st.rec
	st.rec = nil
	st.mu.Unlock()
	if r == nil {
		return "", 0, nil
	}
	r.detach()
	err = r.err
	if cerr := r.w.Close(); err == nil {
		err = cerr
	}
	return r.name, r.frames, err
}

// recordingName is the file being recorded to, or "".
func (st *state) recordingName() string {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.rec == nil {
		return ""
	}
	return st.rec.name
}
