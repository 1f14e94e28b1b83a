package workbench

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/netlab-classroom/netlab/netengine/codec"
)

// ViewMode is how received bytes are shown.
type ViewMode int

const (
	// TextMode decodes the stream with the chosen charset.
	TextMode ViewMode = iota
	// HexMode shows each read as a hex dump (16 bytes per line).
	HexMode
)

// line endings of a display line
const (
	endNone uint8 = iota
	endLF
	endCRLF
	endCR
)

type viewLine struct {
	t      time.Time
	head   string
	text   string
	dir    Dir
	end    uint8
	marker bool
}

// Default limits of a View.
const (
	DefaultMaxLines = 200_000
	// DefaultTickBytes is the most data one Update turns into lines; older
	// data arriving faster than that is skipped in the view (not in the log
	// or the capture) and the view says so.
	DefaultTickBytes = 256 << 10
	maxLineRunes     = 2000
)

// View turns log records into display lines: the data model of the
// receive view. It decodes each stream (connection and direction) as a
// whole, so a character split across reads is never broken, starts a new
// line at each read with a marker, and keeps at most MaxLines lines,
// counting what it trimmed. Update runs on a timer goroutine; Len and Row
// are what a virtualised list calls. All methods are safe for concurrent use.
type View struct {
	mu        sync.Mutex
	lines     []viewLine
	trimmed   int64 // lines dropped from the front
	lost      uint64
	skipped   int64 // bytes not turned into lines
	mode      ViewMode
	charset   codec.Charset
	symbols   bool
	decoders  map[streamKey]*codec.Decoder
	seq       uint64
	MaxLines  int
	TickBytes int
	// Translate renders event texts (English template keys); the panel sets
	// it to lang.L. The default fills {{.Name}} placeholders in English.
	Translate func(key string, args map[string]any) string
}

type streamKey struct {
	conn uint64
	peer string
	dir  Dir
}

// NewView makes an empty text view decoding UTF-8.
func NewView() *View {
	return &View{charset: codec.UTF8, decoders: map[streamKey]*codec.Decoder{},
		MaxLines: DefaultMaxLines, TickBytes: DefaultTickBytes}
}

// Fill replaces {{.Name}} placeholders with args (English fallback of Translate).
func Fill(key string, args map[string]any) string {
	for k, v := range args {
		key = strings.ReplaceAll(key, "{{."+k+"}}", fmt.Sprint(v))
	}
	return key
}

// Update appends the records of l that arrived since the last Update and
// returns how many lines were added.
func (v *View) Update(l *Log) int {
	v.mu.Lock()
	after := v.seq
	v.mu.Unlock()
	recs, lost := l.Since(after, 0)
	return v.Append(recs, lost)
}

// Append adds records (oldest first); lost is how many records before them
// the log had already dropped.
func (v *View) Append(recs []Record, lost uint64) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	before := int64(len(v.lines)) + v.trimmed
	if lost > 0 && v.seq > 0 {
		v.lost += lost
		v.decoders = map[streamKey]*codec.Decoder{}
	}
	// skip the oldest data that does not fit in one tick
	if v.TickBytes > 0 {
		total, first := 0, 0
		for i := len(recs) - 1; i >= 0; i-- {
			total += len(recs[i].Data)
			if total > v.TickBytes && i < len(recs)-1 {
				first = i + 1
				break
			}
		}
		if first > 0 {
			var sk int64
			for _, r := range recs[:first] {
				sk += int64(len(r.Data))
			}
			v.skipped += sk
			v.decoders = map[streamKey]*codec.Decoder{}
			v.addEvent(recs[first].Time, "{{.Bytes}} bytes arrived too fast to show; the capture file and the counters have them.", map[string]any{"Bytes": sk})
			recs = recs[first:]
		}
	}
	for i := range recs {
		v.addRecord(&recs[i])
		v.seq = recs[i].Seq
		v.trim() // per record, so one big batch never holds more than MaxLines
	}
	return int(int64(len(v.lines)) + v.trimmed - before)
}

func (v *View) translate(key string, args map[string]any) string {
	if v.Translate != nil {
		return v.Translate(key, args)
	}
	return Fill(key, args)
}

func (v *View) addEvent(t time.Time, key string, args map[string]any) {
	v.lines = append(v.lines, viewLine{t: t, text: v.translate(key, args), dir: Event, marker: true})
}

func head(r *Record) string {
	if r.Peer == "" {
		return fmt.Sprintf("%s %d B", r.Dir, len(r.Data))
	}
	arrow := "←"
	if r.Dir == TX {
		arrow = "→"
	}
	return fmt.Sprintf("%s %s %s %d B", r.Dir, arrow, r.Peer, len(r.Data))
}

func (v *View) addRecord(r *Record) {
	if r.Dir == Event {
		line := viewLine{t: r.Time, text: v.translate(r.Text, r.Args), dir: Event, marker: true}
		if r.Peer != "" {
			line.head = r.Peer
		}
		v.lines = append(v.lines, line)
		return
	}
	// the read marker: a header line of its own, then the content lines
	v.lines = append(v.lines, viewLine{t: r.Time, head: head(r), dir: r.Dir, marker: true})
	if v.mode == HexMode {
		for off := 0; off < len(r.Data); off += 16 {
			v.lines = append(v.lines, viewLine{t: r.Time, dir: r.Dir,
				text: codec.DumpLine(r.Data[off:min(off+16, len(r.Data))], int64(off))})
		}
		return
	}
	k := streamKey{r.Conn, r.Peer, r.Dir}
	d := v.decoders[k]
	if d == nil {
		d = codec.NewDecoder(v.charset)
		v.decoders[k] = d
	}
	text := d.Decode(r.Data)
	emit := func(s string, end uint8) {
		for {
			cut := len(s)
			if len(s) > maxLineRunes && utf8.RuneCountInString(s) > maxLineRunes {
				cut = runeOffset(s, maxLineRunes)
			}
			ln := viewLine{t: r.Time, text: visible(s[:cut]), dir: r.Dir}
			if cut == len(s) {
				ln.end = end
				v.lines = append(v.lines, ln)
				return
			}
			v.lines = append(v.lines, ln)
			s = s[cut:]
		}
	}
	for len(text) > 0 {
		i := strings.IndexAny(text, "\r\n")
		if i < 0 {
			emit(text, endNone)
			break
		}
		switch {
		case text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n':
			emit(text[:i], endCRLF)
			text = text[i+2:]
		case text[i] == '\r':
			emit(text[:i], endCR)
			text = text[i+1:]
		default:
			emit(text[:i], endLF)
			text = text[i+1:]
		}
	}
}

func runeOffset(s string, n int) int {
	i := 0
	for j := range s {
		if i == n {
			return j
		}
		i++
	}
	return len(s)
}

// visible writes control characters as escapes (\t, \x00, \x1B…) in the
// same syntax the send box accepts, so a label can show them in any font.
func visible(s string) string {
	ok := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	const digits = "0123456789ABCDEF"
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			b.WriteByte(digits[r>>4])
			b.WriteByte(digits[r&15])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (v *View) trim() {
	max := v.MaxLines
	if max <= 0 || len(v.lines) <= max {
		return
	}
	// drop a tenth extra so trimming is amortised
	drop := len(v.lines) - max + max/10
	if drop > len(v.lines) {
		drop = len(v.lines)
	}
	v.trimmed += int64(drop)
	n := copy(v.lines, v.lines[drop:])
	clear(v.lines[n:])
	v.lines = v.lines[:n]
}

// Len is the number of display lines.
func (v *View) Len() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.lines)
}

// Row returns display line i: its time, kind (RX, TX or Event) and
// either a read marker (marker true, head "RX ← 127.0.0.1:50000 8 B", text
// "") that starts each read, an event (marker true, text set), or a content
// line (text with CR/LF symbols when enabled).
func (v *View) Row(i int) (t time.Time, head, text string, kind Dir, marker bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if i < 0 || i >= len(v.lines) {
		return
	}
	l := &v.lines[i]
	text = l.text
	if v.symbols && v.mode == TextMode {
		switch l.end {
		case endLF:
			text += `\n`
		case endCRLF:
			text += `\r\n`
		case endCR:
			text += `\r`
		}
	}
	return l.t, l.head, text, l.dir, l.marker
}

// Trimmed says how many lines were trimmed from the top, how many records
// the log dropped before the view saw them, and how many bytes were skipped
// because they came too fast.
func (v *View) Trimmed() (lines int64, records uint64, bytes int64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.trimmed, v.lost, v.skipped
}

// Settings returns the current mode, charset and symbol option.
func (v *View) Settings() (ViewMode, codec.Charset, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.mode, v.charset, v.symbols
}

// SetSymbols turns visible CR/LF symbols on or off (cheap: applied in Row).
func (v *View) SetSymbols(on bool) {
	v.mu.Lock()
	v.symbols = on
	v.mu.Unlock()
}

// Configure sets mode and charset and rebuilds the lines from what l still
// holds.
func (v *View) Configure(l *Log, mode ViewMode, cs codec.Charset) {
	v.mu.Lock()
	v.mode, v.charset = mode, cs
	v.lines = nil
	v.trimmed, v.lost, v.skipped, v.seq = 0, 0, 0, 0
	v.decoders = map[streamKey]*codec.Decoder{}
	v.mu.Unlock()
	if l != nil {
		recs, _ := l.Since(0, 0)
		if dr, _ := l.Dropped(); dr > 0 {
			v.mu.Lock()
			v.lost = dr
			v.mu.Unlock()
		}
		tb := v.TickBytes
		v.TickBytes = 0
		v.Append(recs, 0)
		v.TickBytes = tb
	}
}

// Clear removes all lines; the next Update shows only newer records.
func (v *View) Clear() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.lines = nil
	v.trimmed, v.lost, v.skipped = 0, 0, 0
}

// SkipTo makes the next Update start after seq (used after Clear).
func (v *View) SkipTo(seq uint64) {
	v.mu.Lock()
	v.seq = seq
	v.mu.Unlock()
}

// Find returns the index of the next line at or after from (or before,
// with back) whose text contains q, case-insensitive, wrapping around; -1
// if none.
func (v *View) Find(q string, from int, back bool) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	n := len(v.lines)
	if q == "" || n == 0 {
		return -1
	}
	q = strings.ToLower(q)
	for k := 0; k < n; k++ {
		i := from + k
		if back {
			i = from - k
		}
		i = ((i % n) + n) % n
		l := &v.lines[i]
		if strings.Contains(strings.ToLower(l.text), q) || strings.Contains(strings.ToLower(l.head), q) {
			return i
		}
	}
	return -1
}

// WriteText writes the lines as a text log (time, head, text with CR/LF
// symbols as shown).
func (v *View) WriteText(w io.Writer) error {
	n := v.Len()
	for i := 0; i < n; i++ {
		t, h, text, _, marker := v.Row(i)
		var err error
		if marker {
			_, err = fmt.Fprintf(w, "[%s %s%s]\n", t.Format("15:04:05.000"), h, text)
		} else {
			_, err = fmt.Fprintf(w, "%s\n", text)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
