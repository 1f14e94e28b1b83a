package learnpanel

import (
	"encoding/json"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/netlab-classroom/netlab/app"
	"github.com/netlab-classroom/netlab/app/packetpanel"
	"github.com/netlab-classroom/netlab/netengine/httpteach"
	"github.com/netlab-classroom/netlab/netengine/vnet/scenario"
	"github.com/netlab-classroom/netlab/netengine/workbench"
)

func loadJSON(t *testing.T, l string) map[string]string {
	var m map[string]string
	b, err := os.ReadFile("i18n/" + l + ".json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTranslationsComplete(t *testing.T) {
	en, zh := loadJSON(t, "en"), loadJSON(t, "zh_Hans")
	var src string
	for _, f := range []string{"panel.go", "cards.go"} {
		b, _ := os.ReadFile(f)
		src += string(b)
	}
	// Every lang.L literal, card title and card text is translated.
	need := map[string]bool{"Reference cards": true}
	re := regexp.MustCompile(`lang\.L\(("(?:[^"\\]|\\.)*")`)
	for _, m := range re.FindAllStringSubmatch(src, -1) {
		s, _ := strconv.Unquote(m[1])
		need[s] = true
	}
	for _, c := range cards() {
		need[c.title] = true
		for _, p := range c.text {
			need[p] = true
		}
	}
	for k := range need {
		if en[k] == "" || zh[k] == "" {
			t.Errorf("missing translation of %q", k)
		}
	}
	// Every key is used somewhere in the source, and the two files match.
	for k := range en {
		if !strings.Contains(src, strconv.Quote(k)) && k != "Short illustrated cards from the course notes, each with a link to the page where you can try it." {
			t.Errorf("unused key %q", k)
		}
		if _, ok := zh[k]; !ok {
			t.Errorf("zh_Hans lacks %q", k)
		}
	}
	if len(en) != len(zh) {
		t.Errorf("en has %d keys, zh_Hans %d", len(en), len(zh))
	}
	// The notes' worked NAT mapping appears verbatim.
	if !strings.Contains(src, "192.168.1.2:6789") || !strings.Contains(src, "116.226.52.212:6539") {
		t.Error("NAT example missing")
	}
}

// The drawings show the translated words: every English key used in a
// drawing is shown in Chinese once the Chinese table is active.
func TestCardsDrawnInChinese(t *testing.T) {
	test.NewTempApp(t)
	app.ApplyLanguage(app.LangChinese)
	defer app.ApplyLanguage(app.LangEnglish)
	en := loadJSON(t, "en")
	hasHan := func(s string) bool {
		for _, r := range s {
			if unicode.Is(unicode.Han, r) {
				return true
			}
		}
		return false
	}
	for _, c := range cards() {
		d := c.draw()
		texts := d.allText()
		if len(d.objects()) < 10 {
			t.Errorf("%s: only %d canvas objects", c.id, len(d.objects()))
		}
		han := 0
		for _, s := range texts {
			if en[s] != "" && !hasHan(s) && en[s] == s && loadJSON(t, "zh_Hans")[s] != s {
				t.Errorf("%s: %q left in English", c.id, s)
			}
			if hasHan(s) {
				han++
			}
		}
		if han == 0 {
			t.Errorf("%s: no Chinese text in the drawing: %v", c.id, texts)
		}
	}
}

// Each card's buttons navigate to the page where the student can try it.
func TestCardsNavigate(t *testing.T) {
	for _, id := range []string{"tcp", "dns", "subnet", "web", "lab"} {
		app.Register(app.Page{ID: id, Title: id, Order: 1, Build: func(*app.Context) fyne.CanvasObject { return widget.NewLabel(id) }})
	}
	a := test.NewTempApp(t)
	sh := app.NewShell(a, runtime.GOOS)
	sh.Show("learn")
	v := lastView
	if v == nil || sh.Current() != "learn" {
		t.Fatal("learn page not built")
	}
	seen := map[string]bool{}
	for i, c := range v.cards {
		sh.Show("learn")
		v.list.Select(i)
		if len(v.buttons) != len(c.try) || len(c.try) == 0 {
			t.Fatalf("%s: %d buttons", c.id, len(v.buttons))
		}
		for j, target := range c.try {
			sh.Show("learn")
			v.list.Select(i)
			b := v.buttons[j]
			if b.Disabled() {
				t.Fatalf("%s: button to %s disabled", c.id, target)
			}
			test.Tap(b)
			if sh.Current() != target {
				t.Errorf("%s: button %q went to %q, want %q", c.id, b.Text, sh.Current(), target)
			}
			seen[target] = true
		}
	}
	for _, id := range []string{"tcp", "dns", "subnet", "web", "lab"} {
		if !seen[id] {
			t.Errorf("no card links to %s", id)
		}
	}
	// The last card shown is remembered.
	if a.Preferences().String("learn.card") != v.cards[len(v.cards)-1].id {
		t.Errorf("remembered %q", a.Preferences().String("learn.card"))
	}
}

func TestMissingPageDisablesButton(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	ctx := app.NewContext(a, w, runtime.GOOS)
	v := newView(ctx)
	w.SetContent(v.root())
	if _, ok := pageTitle("no-such-page"); ok {
		t.Fatal("unknown page found")
	}
	v.cards = []card{{id: "x", title: "Properties of HTTP", draw: drawProperties, try: []string{"no-such-page"}}}
	v.show(0)
	if !v.buttons[0].Disabled() {
		t.Error("button to a missing page enabled")
	}
}

// Every HTTP example on every card is a correct message: httpteach finds
// no problem in it (the anatomy card once said Content-Length: 28 for a
// 27-byte body, and a browser following it waited for ever), and what the
// drawing shows is the message itself.
func TestHTTPExamplesAreExact(t *testing.T) {
	test.NewTempApp(t)
	n := 0
	for _, c := range cards() {
		for _, msg := range c.http {
			n++
			for _, p := range httpteach.CheckOutgoing([]byte(msg)) {
				t.Errorf("card %s: %q: %s", c.id, msg, workbench.Fill(p.Text, p.Args))
			}
			m := httpteach.Analyze([]byte(msg))
			if !m.Complete() || m.Kind == httpteach.Unknown {
				t.Errorf("card %s: incomplete or not HTTP: %q", c.id, msg)
			}
			if m.Kind == httpteach.ResponseKind {
				if ct, _ := m.Get("Content-Type"); !strings.Contains(ct, "charset=") {
					t.Errorf("card %s: Content-Type without charset: %q", c.id, ct)
				}
				if m.ContentLength != len(m.Body) {
					t.Errorf("card %s: Content-Length %d, body %d bytes", c.id, m.ContentLength, len(m.Body))
				}
			}
			shown := strings.Join(c.draw().allText(), "\n")
			for _, h := range m.Headers {
				if !strings.Contains(shown, h.Name+": "+h.Value) {
					t.Errorf("card %s: header %q not drawn", c.id, h.Name)
				}
			}
			if !strings.Contains(shown, m.StartLine) || !strings.Contains(shown, string(m.Body)) {
				t.Errorf("card %s: start line or body not drawn", c.id)
			}
		}
	}
	if n < 2 {
		t.Fatalf("only %d HTTP examples found on the cards", n)
	}
	// the checker does catch the old mistake
	old := strings.Replace(exampleResponse, "Content-Length: 27", "Content-Length: 28", 1)
	if len(httpteach.CheckOutgoing([]byte(old))) == 0 {
		t.Fatal("httpteach does not see Content-Length: 28 for 27 bytes")
	}
}

// Each scenario of the virtual classroom network is reachable from a card,
// and a card's "watch" button opens the Packets page on that scenario.
func TestCardsWatchScenarios(t *testing.T) {
	// a stand-in for the Packets page: the real one runs a network and a
	// drain goroutine, which this test does not need
	app.Register(app.Page{ID: packetpanel.ID, Title: "Packets", Order: 1, Build: func(*app.Context) fyne.CanvasObject { return widget.NewLabel("packets") }})
	a := test.NewTempApp(t)
	sh := app.NewShell(a, runtime.GOOS)
	sh.Show("learn")
	v := lastView
	covered := map[string]bool{}
	for i, c := range v.cards {
		sh.Show("learn")
		v.list.Select(i)
		if len(v.watch) != len(c.watch) {
			t.Fatalf("%s: %d watch buttons for %v", c.id, len(v.watch), c.watch)
		}
		for j, name := range c.watch {
			if _, ok := scenario.Get(name); !ok {
				t.Fatalf("%s: no scenario %q", c.id, name)
			}
			covered[name] = true
			sh.Show("learn")
			v.list.Select(i)
			test.Tap(v.watch[j])
			if sh.Current() != packetpanel.ID || a.Preferences().String(packetpanel.PrefScenario) != name {
				t.Fatalf("%s: watch %s went to %q with %q", c.id, name, sh.Current(), a.Preferences().String(packetpanel.PrefScenario))
			}
		}
	}
	for _, name := range scenario.Names() {
		if !covered[name] {
			t.Errorf("no card shows scenario %s", name)
		}
	}
}
