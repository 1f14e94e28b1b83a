// Package localefix makes a "C" locale such as LANG=C.UTF-8 read as "no
// locale" (English) before Fyne's lang package looks at it: Fyne would log
// "Error parsing user locale C" at start-up, on every run.
//
// It works because of Go's package initialisation order: packages are
// initialised in import-path order once their imports are done, and Fyne's
// lang waits for github.com/nicksnyder/go-i18n, which sorts after this
// package (github.com/netlab-classroom/…). So this package must import
// nothing but the standard library. main_test.go checks the result.
package localefix

import (
	"os"
	"strings"
)

func init() { Fix() }

// Fix rewrites the first of LC_ALL, LC_MESSAGES and LANG that is set (the
// one Fyne reads) to plain "C" when it names the C or POSIX locale with a
// codeset, e.g. "C.UTF-8" or "POSIX.utf8".
func Fix() {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		base, _, _ := strings.Cut(v, ".")
		base, _, _ = strings.Cut(base, "@")
		if (base == "C" || base == "POSIX") && v != base {
			os.Setenv(k, "C")
		}
		return
	}
}
