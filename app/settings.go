package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// choice is a stored preference value and its English label.
type choice struct{ value, label string }

var languageChoices = []choice{
	{LangSystem, "Follow system"},
	{LangEnglish, "English"},
	{LangChinese, "简体中文"},
}

var themeChoices = []choice{
	{ThemeSystem, "Follow system"},
	{ThemeLight, "Light"},
	{ThemeDark, "Dark"},
}

// choiceSelect is a Select over choices that stores the value under key and
// calls apply after a change.
func choiceSelect(p fyne.Preferences, key string, choices []choice, apply func(v string)) *widget.Select {
	labels := make([]string, len(choices))
	for i, c := range choices {
		labels[i] = lang.L(c.label)
	}
	sel := widget.NewSelect(labels, nil)
	cur := p.StringWithFallback(key, choices[0].value)
	for i, c := range choices {
		if c.value == cur {
			sel.SetSelectedIndex(i)
		}
	}
	sel.OnChanged = func(string) {
		v := choices[sel.SelectedIndex()].value
		if v == p.StringWithFallback(key, choices[0].value) {
			return
		}
		p.SetString(key, v)
		apply(v)
	}
	return sel
}

func settingsPage(s *Shell) Page {
	return Page{
		ID:       "settings",
		Title:    "Settings",
		Intro:    "Language and appearance. Changes apply at once and are remembered.",
		IconName: theme.IconNameSettings,
		Order:    1 << 20,
		Build: func(ctx *Context) fyne.CanvasObject {
			p := ctx.Prefs()
			langSel := choiceSelect(p, PrefLanguage, languageChoices, func(v string) {
				ApplyLanguage(v)
				// Rebuild after this callback returns: the select is part of
				// the content being replaced.
				fyne.Do(s.Rebuild)
			})
			themeSel := choiceSelect(p, PrefTheme, themeChoices, func(v string) {
				ApplyTheme(ctx.App, v)
			})
			fontNote := widget.NewLabel(lang.L("Chinese text uses the fonts installed on this computer."))
			if !SystemHasCJKFont() {
				fontNote.SetText(lang.L("No Chinese font is installed on this computer: NetLab uses its bundled Droid Sans Fallback font."))
			}
			fontNote.Wrapping = fyne.TextWrapWord
			form := widget.NewForm(
				widget.NewFormItem(lang.L("Language"), langSel),
				widget.NewFormItem(lang.L("Theme"), themeSel),
			)
			return container.NewVBox(form, fontNote)
		},
	}
}
