package tcppanel

import (
	"bufio"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"github.com/netlab-classroom/netlab/app"
)

func stamp() string { return time.Now().Format("20060102-150405") }

// saveRaw writes the received bytes the log still holds.
func (u *sessionUI) saveRaw() {
	st := u.s
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		bw := bufio.NewWriter(w)
		n, err := st.log.WriteRaw(bw)
		if err == nil {
			err = bw.Flush()
		}
		if e := w.Close(); err == nil {
			err = e
		}
		if err != nil {
			u.s.status(true, u.errText(err, ""), nil)
			return
		}
		msg := lang.L("Saved {{.Bytes}} received bytes to {{.Name}}.", map[string]any{"Bytes": n, "Name": w.URI().Name()})
		if dr, db := st.log.Dropped(); dr > 0 {
			msg += " " + lang.L("{{.Bytes}} older bytes were no longer kept: use Record to file to keep every byte.", map[string]any{"Bytes": db})
		}
		st.status(false, msg, nil)
	}, u.win)
	d.SetFileName(fmt.Sprintf("received-%s.bin", stamp()))
	d.Show()
}

// saveLog writes the view as text (times, peers, CR/LF symbols as shown).
func (u *sessionUI) saveLog() {
	st := u.s
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		bw := bufio.NewWriter(w)
		err = st.view.WriteText(bw)
		if err == nil {
			err = bw.Flush()
		}
		if e := w.Close(); err == nil {
			err = e
		}
		if err != nil {
			u.s.status(true, u.errText(err, ""), nil)
			return
		}
		st.status(false, lang.L("Saved the log to {{.Name}}.", map[string]any{"Name": w.URI().Name()}), nil)
	}, u.win)
	d.SetFileName(fmt.Sprintf("log-%s.txt", stamp()))
	d.Show()
}

// toggleCapture starts or stops recording every received byte to a file.
func (u *sessionUI) toggleCapture() {
	st := u.s
	if on, _, _ := st.log.Capturing(); on {
		n, err := st.log.StopCapture()
		if err != nil {
			u.s.status(true, u.errText(err, ""), nil)
		} else {
			st.status(false, lang.L("Recording stopped: {{.Bytes}} saved.", map[string]any{"Bytes": app.FormatBytes(n)}), nil)
		}
		u.refresh()
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		st.log.StartCapture(w)
		st.status(false, lang.L("Recording every received byte to {{.Name}}.", map[string]any{"Name": w.URI().Name()}), nil)
		u.refresh()
	}, u.win)
	d.SetFileName(fmt.Sprintf("capture-%s.bin", stamp()))
	d.Show()
}
