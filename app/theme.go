package app

import (
	_ "embed"
	"image/color"
	"os"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/fontscan"
)

// Theme choices stored in preferences.
const (
	ThemeSystem = "system"
	ThemeLight  = "light"
	ThemeDark   = "dark"
)

// Droid Sans Fallback (Apache-2.0, fonts/LICENSE-DroidSansFallback.txt) has
// CJK glyphs and no Latin ones, so as the theme's first font it draws only
// Chinese and Fyne's default font still draws everything else.
//
//go:embed fonts/DroidSansFallbackFull.ttf
var droidFallback []byte

var cjkFont = fyne.NewStaticResource("DroidSansFallbackFull.ttf", droidFallback)

// netlabTheme is Fyne's default theme with a fixed light or dark variant on
// request and a bundled CJK font when the system has none.
type netlabTheme struct {
	variant string        // ThemeSystem, ThemeLight or ThemeDark
	cjk     fyne.Resource // nil when the system has a CJK font
}

func newTheme(variant string, bundleCJK bool) fyne.Theme {
	t := &netlabTheme{variant: variant}
	if bundleCJK {
		t.cjk = cjkFont
	}
	return t
}

func (t *netlabTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch t.variant {
	case ThemeLight:
		v = theme.VariantLight
	case ThemeDark:
		v = theme.VariantDark
	}
	return theme.DefaultTheme().Color(n, v)
}

func (t *netlabTheme) Font(s fyne.TextStyle) fyne.Resource {
	if t.cjk != nil && !s.Symbol {
		return t.cjk
	}
	return theme.DefaultTheme().Font(s)
}

func (t *netlabTheme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(n)
}

func (t *netlabTheme) Size(n fyne.ThemeSizeName) float32 {
	return theme.DefaultTheme().Size(n)
}

var (
	cjkOnce   sync.Once
	cjkSystem bool
)

// SystemHasCJKFont reports whether any installed font can draw Chinese, as
// Fyne's own fallback lookup would find it. NETLAB_BUNDLED_CJK=1 in the
// environment forces the bundled font (for screenshots of that case).
func SystemHasCJKFont() bool {
	cjkOnce.Do(func() {
		if os.Getenv("NETLAB_BUNDLED_CJK") == "1" {
			return
		}
		fm := fontscan.NewFontMap(quietLog{})
		if err := fm.UseSystemFonts(""); err != nil {
			return
		}
		fm.SetQuery(fontscan.Query{Families: []string{fontscan.SansSerif}})
		cjkSystem = true
		for _, r := range "中网络" {
			// ResolveFace returns some face even when none fits: check the glyph.
			f := fm.ResolveFace(r)
			if f == nil {
				cjkSystem = false
				break
			}
			if _, ok := f.NominalGlyph(r); !ok {
				cjkSystem = false
				break
			}
		}
	})
	return cjkSystem
}

type quietLog struct{}

func (quietLog) Printf(string, ...any) {}
