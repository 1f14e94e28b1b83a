package localefix

import (
	"os"
	"testing"
)

func TestFix(t *testing.T) {
	cases := []struct{ lcAll, lang, wantAll, wantLang string }{
		{"", "C.UTF-8", "", "C"},
		{"", "POSIX.utf8", "", "C"},
		{"", "C", "", "C"},
		{"", "zh_CN.UTF-8", "", "zh_CN.UTF-8"},
		{"C.UTF-8", "zh_CN.UTF-8", "C", "zh_CN.UTF-8"},
		{"en_US.UTF-8", "C.UTF-8", "en_US.UTF-8", "C.UTF-8"}, // LC_ALL wins; LANG unused
		{"", "", "", ""},
	}
	for _, c := range cases {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		Fix()
		if got := os.Getenv("LC_ALL"); got != c.wantAll {
			t.Errorf("%+v: LC_ALL=%q", c, got)
		}
		if got := os.Getenv("LANG"); got != c.wantLang {
			t.Errorf("%+v: LANG=%q", c, got)
		}
	}
}
