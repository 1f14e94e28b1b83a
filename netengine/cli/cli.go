// Package cli is netlab's command line: `netlab SUBCOMMAND ...`. Each
// capability adds its subcommand from its own file with Register. The CLI
// needs no display and never imports Fyne; data goes to stdout, notices and
// errors to stderr, errors exit non-zero (docs/cli.md).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
)

// Env is what a subcommand runs with.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Ctx is cancelled on Ctrl-C or SIGTERM: servers stop cleanly then.
	Ctx context.Context
	// Version and Build of the binary.
	Version, Build string
}

// Command is one subcommand.
type Command struct {
	Name    string
	Summary string // one line for `netlab --help`
	// Usage is the synopsis after "netlab ", e.g. "subnet ADDR/PREFIX [--json]".
	Usage string
	// Run gets the arguments after the name and returns the exit code.
	// `--help` is handled before Run by the flag set it makes with Flags.
	Run func(env *Env, args []string) int
}

var (
	mu       sync.Mutex
	commands = map[string]Command{}
)

// Register adds a subcommand; capabilities call it from init.
func Register(c Command) {
	mu.Lock()
	defer mu.Unlock()
	commands[c.Name] = c
}

func sorted() []Command {
	mu.Lock()
	defer mu.Unlock()
	out := make([]Command, 0, len(commands))
	for _, c := range commands {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Run runs the command line args (without the program name) and returns the
// process exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer, version, build string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Ctx: ctx, Version: version, Build: build}
	return env.run(args)
}

func (env *Env) run(args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 && args[0] == "help" {
			return env.run([]string{args[1], "--help"})
		}
		env.usage(env.Stdout)
		return 0
	}
	if args[0] == "-v" || args[0] == "--version" {
		args[0] = "version"
	}
	mu.Lock()
	c, ok := commands[args[0]]
	mu.Unlock()
	if !ok {
		fmt.Fprintf(env.Stderr, "netlab: unknown command %q\n\n", args[0])
		env.usage(env.Stderr)
		return 2
	}
	return c.Run(env, args[1:])
}

func (env *Env) usage(w io.Writer) {
	fmt.Fprintln(w, "NetLab: a network toolkit for network-programming classes.")
	fmt.Fprintln(w, "\nUsage:\n  netlab                 start the desktop app\n  netlab COMMAND [ARGS]  run a command (no display needed)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range sorted() {
		if strings.HasPrefix(c.Name, "__") {
			continue // internal (the race's process-per-connection worker)
		}
		fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintln(w, "\nRun 'netlab COMMAND --help' for the options of a command.")
}

// Flags makes a flag set for subcommand c whose --help prints c's usage.
func (env *Env) Flags(c Command) *flag.FlagSet {
	fs := flag.NewFlagSet("netlab "+c.Name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: netlab %s\n\n%s\n", c.Usage, c.Summary)
		var hasFlags bool
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(w, "\nOptions:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// Parse parses args with flags allowed before, between and after the
// positional arguments ("serve DIR --addr X"), and returns the positional
// ones. For --help it prints usage to stdout and returns done=true with code 0;
// on a bad flag it returns done=true with code 2.
func (env *Env) Parse(fs *flag.FlagSet, args []string) (pos []string, done bool, code int) {
	// The flag package prints the usage itself before it returns ErrHelp;
	// for --help that text belongs on stdout, once.
	usage := fs.Usage
	helping := false
	fs.Usage = func() {
		if !helping {
			usage()
		}
	}
	defer func() { fs.Usage = usage }()
	for {
		helping = false
		for _, a := range args {
			if a == "--" {
				break
			}
			if a == "-h" || a == "-help" || a == "--h" || a == "--help" {
				helping = true
			}
		}
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(env.Stdout)
			usage()
			return nil, true, 0
		}
		if err != nil {
			return nil, true, 2
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, false, 0
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), false, 0
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// Fail prints "netlab NAME: message" to stderr and returns exit code 1.
func (env *Env) Fail(name string, format string, a ...any) int {
	msg := fmt.Sprintf(format, a...)
	fmt.Fprintf(env.Stderr, "netlab %s: %s\n", name, strings.TrimRight(msg, "\n"))
	return 1
}

// UsageError prints the problem and the usage line and returns exit code 2.
func (env *Env) UsageError(c Command, format string, a ...any) int {
	fmt.Fprintf(env.Stderr, "netlab %s: %s\nUsage: netlab %s\n", c.Name, fmt.Sprintf(format, a...), c.Usage)
	return 2
}

func init() {
	var version Command
	version = Command{
		Name:    "version",
		Summary: "print NetLab's version, build, Go version, system and default engine",
		Usage:   "version",
		Run: func(env *Env, args []string) int {
			fs := env.Flags(version)
			pos, done, code := env.Parse(fs, args)
			if done {
				return code
			}
			if len(pos) > 0 {
				return env.UsageError(version, "unexpected argument %q", pos[0])
			}
			v := env.Version
			if v == "" {
				v = "dev"
			}
			fmt.Fprintf(env.Stdout, "netlab %s (build %s) %s %s/%s engine=%s\n", v, env.Build, runtime.Version(), runtime.GOOS, runtime.GOARCH, autoEngine())
			return 0
		},
	}
	Register(version)
}
