// Package sized gives a widget a fixed width inside a box layout, where
// Fyne would otherwise shrink an entry to its (tiny) minimum.
package sized

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// Width wraps o so that an HBox gives it w points of width and o's own
// minimum height.
func Width(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
}
