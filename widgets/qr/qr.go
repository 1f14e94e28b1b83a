// Package qr shows a QR code for a short text (a URL for students' phones),
// drawn by github.com/skip2/go-qrcode. A QR code is always dark on light
// with a quiet zone, whatever the theme, so phones can read it.
package qr

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	qrcode "github.com/skip2/go-qrcode"
)

// New returns an image of text's QR code shown size×size (device-independent
// units), crisp when scaled. It fails when the text is too long for a QR code.
func New(text string, size float32) (*canvas.Image, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	img := canvas.NewImageFromImage(q.Image(512))
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScalePixels
	img.SetMinSize(fyne.NewSquareSize(size))
	return img, nil
}

// Modules returns the code's module matrix (true = dark), quiet zone included.
func Modules(text string) ([][]bool, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	return q.Bitmap(), nil
}
