package cli

import (
	"bytes"
	"strings"
	"testing"
)

func run(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = Run(args, strings.NewReader(""), &o, &e, "1.2.3", "7")
	return code, o.String(), e.String()
}

func TestHelpListsCommands(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {}} {
		code, out, errOut := run(args...)
		if code != 0 || errOut != "" || !strings.Contains(out, "Commands:") || !strings.Contains(out, "version") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
		for _, c := range sorted() {
			if listed := strings.Contains(out, "\n  "+c.Name+" "); listed == strings.HasPrefix(c.Name, "__") {
				t.Errorf("%v: %q listed %v (internal commands start with __)", args, c.Name, listed)
			}
		}
	}
}

func TestSubcommandHelpOnStdoutOnce(t *testing.T) {
	for _, c := range sorted() {
		code, out, errOut := run(c.Name, "--help")
		if code != 0 || errOut != "" {
			t.Errorf("%s --help: exit %d, stderr %q", c.Name, code, errOut)
		}
		first, _, _ := strings.Cut(out, "\n")
		if !strings.Contains(out, "netlab "+c.Name) || strings.Count(out, first+"\n") != 1 {
			t.Errorf("%s --help: usage missing or printed twice: %q", c.Name, out)
		}
	}
	// help CMD is the same as CMD --help
	_, a, _ := run("help", "version")
	_, b, _ := run("version", "--help")
	if a != b || a == "" {
		t.Errorf("help version %q != version --help %q", a, b)
	}
}

func TestBadFlagAndUnknownCommand(t *testing.T) {
	code, out, errOut := run("version", "--bogus")
	if code != 2 || out != "" || !strings.Contains(errOut, "flag provided but not defined") || !strings.Contains(errOut, "Usage: netlab version") {
		t.Errorf("bad flag: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = run("frobnicate")
	if code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = run("version", "extra")
	if code != 2 || !strings.Contains(errOut, `unexpected argument "extra"`) {
		t.Errorf("extra argument: exit %d, stderr %q", code, errOut)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-v"}} {
		code, out, _ := run(args...)
		if code != 0 || !strings.HasPrefix(out, "netlab 1.2.3 (build 7) go") || !strings.Contains(out, "engine=") {
			t.Errorf("%v: exit %d, %q", args, code, out)
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	env := &Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	c := Command{Name: "x", Usage: "x A B"}
	fs := env.Flags(c)
	n := fs.Int("n", 0, "")
	j := fs.Bool("json", false, "")
	pos, done, _ := env.Parse(fs, []string{"a", "-n", "3", "b", "--json", "--", "-c"})
	if done || *n != 3 || !*j || strings.Join(pos, ",") != "a,b,-c" {
		t.Fatalf("pos %v n %d json %v done %v", pos, *n, *j, done)
	}
}
