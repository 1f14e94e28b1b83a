package app

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// Language choices stored in preferences.
const (
	LangSystem  = "system"
	LangEnglish = "en"
	LangChinese = "zh_Hans"
)

// Languages NetLab is translated into; every key must exist in each.
var Languages = []string{LangEnglish, LangChinese}

//go:embed i18n
var shellTranslations embed.FS

var (
	trMu     sync.Mutex
	trTables = map[string]map[string]string{} // language -> key -> text
)

func init() {
	if err := RegisterTranslations(shellTranslations, "i18n"); err != nil {
		panic(err)
	}
}

// RegisterTranslations adds the en.json and zh_Hans.json files found in dir
// of fsys (go-i18n JSON: {"English text": "translation"}). Each panel calls
// it from init with its own embedded folder, so panels never edit one shared
// file. A key registered twice with different texts is an error.
func RegisterTranslations(fsys fs.FS, dir string) error {
	trMu.Lock()
	defer trMu.Unlock()
	for _, l := range Languages {
		data, err := fs.ReadFile(fsys, path.Join(dir, l+".json"))
		if err != nil {
			return fmt.Errorf("translations %s: %w", l, err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("translations %s/%s.json: %w", dir, l, err)
		}
		t := trTables[l]
		if t == nil {
			t = map[string]string{}
			trTables[l] = t
		}
		for k, v := range m {
			if old, ok := t[k]; ok && old != v {
				return fmt.Errorf("translations %s: key %q has two texts: %q and %q", l, k, old, v)
			}
			t[k] = v
		}
	}
	return nil
}

// TranslationTable returns a copy of one language's merged table (tests use it).
func TranslationTable(language string) map[string]string {
	trMu.Lock()
	defer trMu.Unlock()
	out := make(map[string]string, len(trTables[language]))
	for k, v := range trTables[language] {
		out[k] = v
	}
	return out
}

// ResolveLanguage turns a preference value into the language to show:
// an explicit choice wins; "system" follows the system locale, where any
// Chinese locale means 简体中文 and anything else (including "C") English.
func ResolveLanguage(choice string, system fyne.Locale) string {
	switch choice {
	case LangEnglish, LangChinese:
		return choice
	}
	if strings.HasPrefix(strings.ToLower(system.LanguageString()), "zh") {
		return LangChinese
	}
	return LangEnglish
}

var currentLang = LangEnglish

// CurrentLanguage is the language applied last by ApplyLanguage.
func CurrentLanguage() string {
	trMu.Lock()
	defer trMu.Unlock()
	return currentLang
}

// ApplyLanguage loads the chosen language's strings into Fyne's lang
// package. Fyne picks its language once, from the system locale (fyne#5333),
// so the chosen table is also registered under the system locale's tag,
// which makes lang.L answer in the chosen language. Views built afterwards
// show it; the shell rebuilds the window content for a live switch.
func ApplyLanguage(choice string) string {
	sys := lang.SystemLocale()
	eff := ResolveLanguage(choice, sys)
	trMu.Lock()
	currentLang = eff
	blobs := map[string][]byte{}
	for _, l := range Languages {
		b, _ := json.Marshal(trTables[l])
		blobs[l] = b
	}
	trMu.Unlock()
	_ = lang.AddTranslationsForLocale(blobs[LangEnglish], fyne.Locale("en"))
	_ = lang.AddTranslationsForLocale(blobs[LangChinese], fyne.Locale("zh-Hans"))
	_ = lang.AddTranslationsForLocale(blobs[eff], sys)
	return eff
}
