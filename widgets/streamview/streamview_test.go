package streamview

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

type lines struct{ rows []string }

func (l *lines) Len() int { return len(l.rows) }
func (l *lines) Row(i int) (time.Time, string, string, Kind, bool) {
	s := l.rows[i]
	if strings.HasPrefix(s, "#") {
		return time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), s[1:], "", KindRX, true
	}
	return time.Time{}, "", s, KindRX, false
}
func (l *lines) Find(q string, from int, back bool) int {
	n := len(l.rows)
	for k := 0; k < n; k++ {
		i := from + k
		if back {
			i = from - k
		}
		i = ((i % n) + n) % n
		if strings.Contains(l.rows[i], q) {
			return i
		}
	}
	return -1
}

func TestStreamView(t *testing.T) {
	test.NewTempApp(t)
	src := &lines{}
	for i := 0; i < 1000; i++ {
		src.rows = append(src.rows, "#RX", fmt.Sprintf("line %d", i))
	}
	v := New(src)
	w := test.NewWindow(v)
	defer w.Close()
	w.Resize(fyne.NewSize(400, 300))
	v.Update()
	if v.Shown() != 2000 {
		t.Fatalf("visible %d", v.Shown())
	}
	v.SetPaused(true)
	src.rows = append(src.rows, "#RX", "late")
	v.Update()
	if v.Shown() != 2000 {
		t.Fatalf("paused view grew to %d", v.Shown())
	}
	if i := v.Find("late", false); i != -1 {
		t.Fatalf("found a line hidden by pause: %d", i)
	}
	v.SetPaused(false)
	if v.Shown() != 2002 {
		t.Fatalf("after resume %d", v.Shown())
	}
	if i := v.Find("line 5", false); i != 11 {
		t.Fatalf("find %d", i)
	}
	if i := v.Find("line 5", false); i != 101 { // line 50
		t.Fatalf("find next %d", i)
	}
	if v.Following() {
		t.Fatal("find should stop following")
	}
	v.Follow()
	if !v.Following() {
		t.Fatal("follow")
	}
	bottom := v.list.GetScrollOffset()
	if bottom <= 0 {
		t.Fatalf("not at the bottom: %v", bottom)
	}
	// the user scrolls up: new data does not pull the view down
	var changed []bool
	v.Follower.OnChanged = func(on bool) { changed = append(changed, on) }
	v.list.ScrollToOffset(bottom / 2)
	src.rows = append(src.rows, "#RX", "more")
	v.Update()
	if v.Following() || v.list.GetScrollOffset() > bottom/2+1 || len(changed) != 1 || changed[0] {
		t.Fatalf("scrolled up: auto %v offset %v changed %v", v.Following(), v.list.GetScrollOffset(), changed)
	}
	// rows render their text
	o := v.create()
	v.update(1, o)
	if r := rowOf(o); r.text.Text != "line 0" || r.head.Visible() {
		t.Fatalf("row: %q", r.text.Text)
	}
	v.update(0, o)
	if r := rowOf(o); !strings.HasSuffix(r.head.Text, "RX") || !strings.HasPrefix(r.head.Text, "12:00:00.000") {
		t.Fatalf("marker: %q", r.head.Text)
	}
	v.ShowTime = false
	v.update(0, o)
	if r := rowOf(o); r.head.Text != "RX" {
		t.Fatalf("no time: %q", r.head.Text)
	}
}
