package follow

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestFollowStopsWhenScrolledUpAndResumes(t *testing.T) {
	a := test.NewTempApp(t)
	defer a.Quit()
	rows := make([]string, 200)
	for i := range rows {
		rows[i] = fmt.Sprint("row ", i)
	}
	list := widget.NewList(func() int { return len(rows) },
		func() fyne.CanvasObject { return widget.NewLabel("template") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(rows[i]) })
	w := test.NewWindow(list)
	defer w.Close()
	w.Resize(fyne.NewSize(300, 300))

	f := New(list)
	var changes []bool
	f.OnChanged = func(on bool) { changes = append(changes, on) }
	f.Updated()
	bottom := list.GetScrollOffset()
	if !f.Following() || bottom <= 0 {
		t.Fatalf("not at the end: following %v offset %v", f.Following(), bottom)
	}

	// new rows while at the end: the view moves with them
	rows = append(rows, "new 1", "new 2", "new 3")
	f.Updated()
	if got := list.GetScrollOffset(); got <= bottom {
		t.Fatalf("did not follow new rows: %v -> %v", bottom, got)
	}
	bottom = list.GetScrollOffset()

	// the reader scrolls up: new rows leave the view where it is
	list.ScrollToOffset(bottom / 2)
	rows = append(rows, "new 4")
	f.Updated()
	if f.Following() || list.GetScrollOffset() > bottom/2+1 {
		t.Fatalf("pulled the reader down: following %v offset %v", f.Following(), list.GetScrollOffset())
	}
	if f.Button.Importance != widget.HighImportance {
		t.Fatal("the ↓ button should stand out while not following")
	}

	// the ↓ button jumps back to the end and follows again
	test.Tap(f.Button)
	if !f.Following() || list.GetScrollOffset() <= bottom || f.Button.Importance != widget.MediumImportance {
		t.Fatalf("follow: following %v offset %v", f.Following(), list.GetScrollOffset())
	}
	if fmt.Sprint(changes) != "[false true]" {
		t.Fatalf("OnChanged calls %v", changes)
	}

	// Stop (e.g. Find) keeps the view still
	f.Stop()
	off := list.GetScrollOffset()
	list.ScrollToOffset(off / 3)
	rows = append(rows, "new 5")
	f.Updated()
	if f.Following() || list.GetScrollOffset() > off/3+1 {
		t.Fatal("stopped follower moved the view")
	}
}
