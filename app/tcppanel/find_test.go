package tcppanel

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// findButtons returns the buttons labelled text under o.
func findButtons(o fyne.CanvasObject, text string) []*widget.Button {
	var out []*widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Button:
			if x.Text == text {
				out = append(out, x)
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *container.Split:
			walk(x.Leading)
			walk(x.Trailing)
		case *container.AppTabs:
			for _, it := range x.Items {
				walk(it.Content)
			}
		case *container.Scroll:
			walk(x.Content)
		}
	}
	walk(o)
	return out
}
