package packetpanel

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/netengine/vnet/scenario"
)

// BenchmarkRefreshFullCapture is one redraw of the page (what the drain
// asks for at most 30 times a second) with the row limit reached: the
// frames of an HTTP keep-alive run repeated up to maxRows, the list
// following the end. At 30 redraws a second the page's share of one core
// is 30 × this time.
func BenchmarkRefreshFullCapture(b *testing.B) {
	s, _ := scenario.Get("http-keepalive")
	res, err := s.Run(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	a := test.NewTempApp(b)
	w := test.NewWindow(nil)
	defer w.Close()
	st := newState()
	defer st.shutdown()
	v := newView(app.NewContext(a, w, "linux"), st)
	w.SetContent(v.root)
	w.Resize(fyne.NewSize(1024, 700))

	c := st.cap
	c.mu.Lock()
	for len(c.rows) < maxRows {
		for _, f := range res.Frames {
			r := row{seq: uint64(len(c.rows) + 1), t: time.Duration(len(c.rows)) * time.Microsecond, link: f.Link, from: f.From, data: f.Data}
			r.b = c.conv.Next(f.Data)
			c.rows = append(c.rows, r)
		}
	}
	c.gen++
	c.mu.Unlock()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v.refresh()
	}
	b.ReportMetric(float64(len(v.snap.rows)), "rows")
}
