// NetLab (网络实验室): a desktop network toolkit for network-programming
// classes. With no arguments it opens the window; with a subcommand it is a
// command-line tool that needs no display (netlab --help).
package main

import (
	_ "embed"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/netlab-classroom/netlab/app"
	_ "github.com/netlab-classroom/netlab/app/localefix" // before Fyne reads the locale
	"github.com/netlab-classroom/netlab/netengine/cli"
)

// FyneApp.toml is the one source of the app's identity: the same version
// shows in `netlab version`, in the About page and in packages.
//
//go:embed FyneApp.toml
var fyneAppTOML string

//go:embed Icon.png
var iconPNG []byte

func main() {
	md := metadata()
	if len(os.Args) > 1 && !strings.HasPrefix(os.Args[1], "-psn_") { // macOS Finder adds -psn_…
		attachConsole()
		os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, md.Version, strconv.Itoa(md.Build)))
	}
	fyneapp.SetMetadata(md)
	a := fyneapp.NewWithID(md.ID)
	a.SetIcon(md.Icon)
	shell := app.NewShell(a, runtime.GOOS)
	shell.ShowAndRun()
}

var tomlField = regexp.MustCompile(`(?m)^\s*(Name|ID|Version|Build)\s*=\s*"?([^"\n]*)"?\s*$`)

// metadata reads [Details] of the embedded FyneApp.toml.
func metadata() fyne.AppMetadata {
	md := fyne.AppMetadata{
		Icon:       fyne.NewStaticResource("Icon.png", iconPNG),
		Custom:     map[string]string{},
		Migrations: map[string]bool{"fyneDo": true},
	}
	for _, m := range tomlField.FindAllStringSubmatch(fyneAppTOML, -1) {
		switch m[1] {
		case "Name":
			md.Name = m[2]
		case "ID":
			md.ID = m[2]
		case "Version":
			md.Version = m[2]
		case "Build":
			md.Build, _ = strconv.Atoi(m[2])
		}
	}
	return md
}
