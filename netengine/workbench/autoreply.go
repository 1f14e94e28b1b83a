package workbench

import (
	"bytes"
	"fmt"
	"regexp"
	"sync"

	"github.com/netlab-classroom/netlab/netengine/codec"
)

// MatchKind is how an auto-reply rule matches received data.
type MatchKind int

const (
	// Exact: the whole read equals the pattern (a trailing CR LF / LF in
	// the read is ignored, so typing "ping" + Enter matches "ping").
	Exact MatchKind = iota
	// Contains: every occurrence of the pattern in a read answers once.
	Contains
	// Regex: every match of the Go regular expression answers once; the
	// reply may use $1, ${name} of the match.
	Regex
)

// Rule is one auto-reply rule. Pattern and Reply are in the form the
// student typed (text with escapes, or hex when the flags say so).
type Rule struct {
	Kind       MatchKind
	Pattern    string
	PatternHex bool
	Reply      string
	ReplyHex   bool
	Disabled   bool
}

type compiled struct {
	rule  Rule
	pat   []byte
	re    *regexp.Regexp
	reply []byte
}

// AutoReply answers received data: echo mode sends every read back, rules
// answer each match. Rules are applied to each read on its own (a pattern
// split across two reads is not seen; TCP gives no message boundaries).
type AutoReply struct {
	mu      sync.RWMutex
	echo    bool
	rules   []compiled
	charset codec.Charset
	hits    []int64
}

// RuleError says which rule is wrong and why.
type RuleError struct {
	Index int // 0-based
	Field string
	Err   error
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("rule %d, %s: %v", e.Index+1, e.Field, e.Err)
}
func (e *RuleError) Unwrap() error { return e.Err }

func toBytes(s string, hex bool, cs codec.Charset) ([]byte, error) {
	if hex {
		return codec.ParseHex(s)
	}
	return codec.EncodeEscaped(s, codec.None, cs, true)
}

// Set replaces the echo flag and the rules; text is encoded in cs. It
// checks every rule first and changes nothing on error.
func (a *AutoReply) Set(echo bool, rules []Rule, cs codec.Charset) error {
	var cs2 []compiled
	for i, r := range rules {
		c := compiled{rule: r}
		if r.Kind == Regex {
			re, err := regexp.Compile(r.Pattern)
			if err != nil {
				return &RuleError{i, "pattern", err}
			}
			c.re = re
		} else {
			p, err := toBytes(r.Pattern, r.PatternHex, cs)
			if err != nil {
				return &RuleError{i, "pattern", err}
			}
			if len(p) == 0 {
				return &RuleError{i, "pattern", fmt.Errorf("empty pattern")}
			}
			c.pat = p
		}
		rep, err := toBytes(r.Reply, r.ReplyHex, cs)
		if err != nil {
			return &RuleError{i, "reply", err}
		}
		c.reply = rep
		cs2 = append(cs2, c)
	}
	a.mu.Lock()
	a.echo, a.rules, a.charset = echo, cs2, cs
	a.hits = make([]int64, len(cs2))
	a.mu.Unlock()
	return nil
}

// Active reports whether echo or any rule is on.
func (a *AutoReply) Active() bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.echo || len(a.rules) > 0
}

// Hits returns how many times each rule answered since Set.
func (a *AutoReply) Hits() []int64 {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return append([]int64(nil), a.hits...)
}

// Replies returns what to send back for one read, in order: the echo
// first, then one reply per match of each rule.
func (a *AutoReply) Replies(data []byte) [][]byte {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out [][]byte
	if a.echo {
		out = append(out, append([]byte(nil), data...))
	}
	for i, c := range a.rules {
		if c.rule.Disabled {
			continue
		}
		switch c.rule.Kind {
		case Exact:
			d := bytes.TrimSuffix(bytes.TrimSuffix(data, []byte("\n")), []byte("\r"))
			if bytes.Equal(data, c.pat) || bytes.Equal(d, c.pat) {
				out = append(out, c.reply)
				a.hits[i]++
			}
		case Contains:
			n := bytes.Count(data, c.pat)
			for k := 0; k < n; k++ {
				out = append(out, c.reply)
			}
			a.hits[i] += int64(n)
		case Regex:
			for _, m := range c.re.FindAllSubmatchIndex(data, -1) {
				out = append(out, c.re.Expand(nil, c.reply, data, m))
				a.hits[i]++
			}
		}
	}
	return out
}
