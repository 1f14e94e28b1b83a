package netengine

import "testing"

func TestTimerHeapOrder(t *testing.T) {
	var h timerHeap
	if h.next() != -1 {
		t.Fatal("empty heap has a deadline")
	}
	for _, w := range []int64{50, 10, 40, 30, 20, 10} {
		h.add(timerEntry{when: w})
	}
	if h.next() != 10 {
		t.Fatalf("next = %d", h.next())
	}
	if _, ok := h.popDue(9); ok {
		t.Fatal("popped an entry before it was due")
	}
	var got []int64
	for {
		e, ok := h.popDue(35)
		if !ok {
			break
		}
		got = append(got, e.when)
	}
	if want := []int64{10, 10, 20, 30}; len(got) != len(want) || got[0] != 10 || got[1] != 10 || got[2] != 20 || got[3] != 30 {
		t.Fatalf("popped %v, want %v", got, want)
	}
	if h.next() != 40 || h.Len() != 2 {
		t.Fatalf("left next=%d len=%d", h.next(), h.Len())
	}
}
