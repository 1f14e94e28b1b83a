package webpanel

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
)

func listableFromPath(p string) (fyne.ListableURI, error) {
	return storage.ListerForURI(storage.NewFileURI(p))
}
