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
	// Contains: every occurrence of the pattern answers once. On a TCP
	// connection an occurrence split across two reads counts too.
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
// answer each match. Exact and Regex rules look at each read on its own
// (as NetAssist does with each received packet); Contains rules, given a
// connection's Stream, also see an occurrence that TCP split across two
// reads (TCP keeps no message boundaries, so "ping" may arrive as "pi" +
// "ng").
type AutoReply struct {
	mu      sync.RWMutex
	echo    bool
	rules   []compiled
	charset codec.Charset
	hits    []int64
	gen     uint64 // bumped by Set, so Streams drop context from older rules
	keep    int    // bytes of context a Stream keeps: longest Contains pattern - 1
}

// Stream is one connection's matching state: the last bytes it received,
// enough to complete a Contains pattern that the next read finishes. Use
// one per connection, from one goroutine at a time (the connection's data
// callback).
type Stream struct {
	tail []byte
	gen  uint64
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
	keep := 0
	for _, c := range cs2 {
		if c.rule.Kind == Contains {
			keep = max(keep, len(c.pat)-1)
		}
	}
	a.mu.Lock()
	a.echo, a.rules, a.charset = echo, cs2, cs
	a.hits = make([]int64, len(cs2))
	a.gen++
	a.keep = keep
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

// Replies returns what to send back for one read or datagram on its own,
// in order: the echo first, then one reply per match of each rule.
func (a *AutoReply) Replies(data []byte) [][]byte {
	return a.StreamReplies(nil, data)
}

// StreamReplies is Replies for the next read of a connection whose state is
// st: a Contains pattern that began in the previous read and ends in this
// one answers too (once). st may be nil.
func (a *AutoReply) StreamReplies(st *Stream, data []byte) [][]byte {
	a.mu.Lock()
	defer a.mu.Unlock()
	var tail []byte
	if st != nil {
		if st.gen != a.gen {
			st.tail, st.gen = st.tail[:0], a.gen
		}
		tail = st.tail
		defer st.keepTail(data, a.keep)
	}
	var joined []byte // tail + data, built once if a Contains rule needs it
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
			if len(tail) > 0 {
				if joined == nil {
					joined = append(append(make([]byte, 0, len(tail)+len(data)), tail...), data...)
				}
				n = countEndingAfter(joined, c.pat, len(tail))
			}
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

// countEndingAfter counts non-overlapping occurrences of pat in b that end
// after the first from bytes (those ending earlier were counted with the
// read they belong to).
func countEndingAfter(b, pat []byte, from int) int {
	n := 0
	for i := 0; i <= len(b)-len(pat); {
		j := bytes.Index(b[i:], pat)
		if j < 0 {
			break
		}
		end := i + j + len(pat)
		if end > from {
			n++
		}
		i = end
	}
	return n
}

// keepTail remembers the last keep bytes of what the stream has received.
func (st *Stream) keepTail(data []byte, keep int) {
	if keep <= 0 {
		st.tail = st.tail[:0]
		return
	}
	if len(data) >= keep {
		st.tail = append(st.tail[:0], data[len(data)-keep:]...)
		return
	}
	st.tail = append(st.tail, data...)
	if extra := len(st.tail) - keep; extra > 0 {
		st.tail = append(st.tail[:0], st.tail[extra:]...)
	}
}
