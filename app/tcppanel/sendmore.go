package tcppanel

import (
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/netengine/workbench"
)

// Where a send goes (sender), repeating a send, and sending files.

// sendBytes delivers b to the mode's target.
func (s *sendBox) sendBytes(b []byte) error {
	send, err := s.sender()
	if err != nil {
		return err
	}
	return send(b)
}

// sender reads the target from the widgets (UI goroutine only) and returns
// a function that sends to it from any goroutine (periodic sends use it).
// Errors are the models' (or errNoSelection, errBadAddress, wrapped in an
// addrError when an address matters): errText words them.
func (s *sendBox) sender() (func([]byte) error, error) {
	u := s.u
	st := u.s
	switch st.mode {
	case modeClient:
		if u.client.shortConn.Checked {
			addr, ok := u.addr.address()
			if !ok {
				return nil, errBadAddress
			}
			return func(b []byte) error {
				background(func() {
					if _, err := st.cli.SendShort(addr, b, nil); err != nil {
						onUI(func() { s.showErr(st.ui.errText(err, addr)) })
					}
				})
				return nil
			}, nil
		}
		return st.cli.Send, nil
	case modeUDP:
		dest := strings.TrimSpace(u.udp.dest.Text)
		return func(b []byte) error {
			if err := st.udp.SendTo(dest, b); err != nil {
				return &addrError{dest, err}
			}
			return nil
		}, nil
	}
	if !st.srv.Running() {
		return nil, workbench.ErrNotRunning
	}
	selected := s.target.SelectedIndex() == 0
	closeAfter := s.closeAfter.Checked
	return func(b []byte) error {
		ids, err := s.targetIDs(selected)
		if err != nil {
			return err
		}
		_, err = st.srv.Send(ids, b, closeAfter)
		return err
	}, nil
}

// targetIDs is who a server-mode send goes to: the ticked clients, or all.
func (s *sendBox) targetIDs(selected bool) ([]uint64, error) {
	st := s.u.s
	if selected {
		ids := st.selectedIDs()
		if len(ids) == 0 {
			return nil, errNoSelection
		}
		return ids, nil
	}
	ids := st.srv.OpenIDs()
	if len(ids) == 0 {
		return nil, workbench.ErrNoClient
	}
	return ids, nil
}

// maxSendFile bounds "Send file" where the file goes through memory (UDP,
// short connections, files that are not local): the engine queues it all.
const maxSendFile = 64 << 20

// showFileMax: files up to this size are sent as bytes the receive view
// shows; larger ones on a TCP connection go out with the engine's SendFile,
// never read into memory, and the view shows one line for them.
const showFileMax = 1 << 20

// askPeriodic asks for the interval and count, or stops a running repeat.
func (s *sendBox) askPeriodic() {
	if on, _ := s.u.s.per.Running(); on {
		s.u.s.per.Stop()
		return
	}
	dialog.ShowForm(lang.L("Repeat sending"), lang.L("Start"), lang.L("Cancel"), []*widget.FormItem{
		widget.NewFormItem(lang.L("Every (ms)"), s.interval),
		widget.NewFormItem(lang.L("Times (0 = until stopped)"), s.count),
	}, func(ok bool) {
		if ok {
			s.togglePeriodic()
		}
	}, s.u.win)
}

func (s *sendBox) togglePeriodic() {
	st := s.u.s
	if on, _ := st.per.Running(); on {
		st.per.Stop()
		return
	}
	ms, err1 := strconv.Atoi(strings.TrimSpace(s.interval.Text))
	n, err2 := strconv.Atoi(strings.TrimSpace(s.count.Text))
	if err1 != nil || ms < 10 || err2 != nil || n < 0 {
		s.showErr(lang.L("Repeat needs an interval of at least 10 ms and a count (0 = until stopped)."))
		return
	}
	b, err := s.bytes()
	if err != nil {
		s.showErr(s.explain(err))
		return
	}
	send, err := s.sender()
	if err != nil {
		s.sendErr(err)
		return
	}
	s.periodBtn.SetText(lang.L("Stop repeating"))
	st.per.Start(time.Duration(ms)*time.Millisecond, n, func() error {
		return send(b)
	}, func(k int, err error) {
		onUI(func() {
			s.periodBtn.SetText(lang.L("Repeat…"))
			if err != nil {
				s.sendErr(err)
			} else {
				st.status(false, lang.L("Repeated {{.N}} times.", map[string]any{"N": k}), nil)
			}
			if s.periodDone != nil {
				s.periodDone(k)
			}
		})
	})
}

func (s *sendBox) sendFile() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		if s.sendLargeFile(r.URI()) {
			return
		}
		b, err := io.ReadAll(io.LimitReader(r, maxSendFile+1))
		if err != nil {
			s.sendErr(err)
			return
		}
		if len(b) > maxSendFile {
			s.showErr(lang.L("The file is larger than 64 MiB."))
			return
		}
		if err := s.sendBytes(b); err != nil {
			s.sendErr(err)
			return
		}
		s.u.s.status(false, lang.L("Sent {{.Name}} ({{.N}} bytes).", map[string]any{"Name": r.URI().Name(), "N": len(b)}), nil)
	}, s.u.win)
}

// sendLargeFile sends a local file bigger than showFileMax on the TCP
// connection(s) with the engine's SendFile, whatever its size. It reports
// false when the file is not for it (small, not a local file, UDP or a
// short connection), so the caller sends it the ordinary way.
func (s *sendBox) sendLargeFile(uri fyne.URI) bool {
	st := s.u.s
	if uri.Scheme() != "file" || st.mode == modeUDP || st.mode == modeClient && s.u.client.shortConn.Checked {
		return false
	}
	fi, err := os.Stat(uri.Path())
	if err != nil || !fi.Mode().IsRegular() || fi.Size() <= showFileMax {
		return false
	}
	var size int64
	if st.mode == modeClient {
		if size, err = st.cli.SendFile(uri.Path()); err != nil {
			s.sendErr(err)
			return true
		}
	} else {
		if !st.srv.Running() {
			s.sendErr(workbench.ErrNotRunning)
			return true
		}
		ids, err := s.targetIDs(s.target.SelectedIndex() == 0)
		if err != nil {
			s.sendErr(err)
			return true
		}
		if _, size, err = st.srv.SendFile(ids, uri.Path(), s.closeAfter.Checked); err != nil {
			s.sendErr(err)
			return true
		}
	}
	st.status(false, lang.L("Sent {{.Name}} ({{.N}} bytes).", map[string]any{"Name": uri.Name(), "N": size}), nil)
	return true
}
