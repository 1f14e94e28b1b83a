package qr

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

func TestNew(t *testing.T) {
	img, err := New("http://192.168.1.10:8080/", 160)
	if err != nil {
		t.Fatal(err)
	}
	if img.MinSize() != fyne.NewSquareSize(160) || img.Image == nil {
		t.Fatalf("min size %v, image %v", img.MinSize(), img.Image != nil)
	}
	b := img.Image.Bounds()
	if b.Dx() != b.Dy() || b.Dx() < 100 {
		t.Fatalf("bounds %v", b)
	}
	// The top-left corner is the quiet zone (light), then a finder pattern (dark).
	m, err := Modules("http://192.168.1.10:8080/")
	if err != nil {
		t.Fatal(err)
	}
	if len(m) < 21+8 || m[0][0] || !m[4][4] {
		t.Fatalf("unexpected module matrix %dx%d", len(m), len(m[0]))
	}
	// Different text, different code.
	m2, _ := Modules("http://192.168.1.11:8080/")
	same := true
	for i := range m {
		for j := range m[i] {
			if m[i][j] != m2[i][j] {
				same = false
			}
		}
	}
	if same {
		t.Fatal("two URLs gave the same code")
	}
}

func TestTooLong(t *testing.T) {
	if _, err := New(strings.Repeat("x", 5000), 100); err == nil {
		t.Fatal("5000 bytes fit in a QR code?")
	}
}
