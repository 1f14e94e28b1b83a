package loadgen

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketsRoundTrip(t *testing.T) {
	prev := -1
	for _, v := range []int64{0, 1, 255, 256, 257, 511, 512, 1000, 1e6, 1e9, 1e12, 1 << 62} {
		b := bucketOf(v)
		if b < prev || b >= histBuckets {
			t.Fatalf("bucket(%d)=%d not increasing/in range", v, b)
		}
		prev = b
		mid := bucketMid(b)
		if v >= 256 {
			if err := float64(mid-v) / float64(v); err > 0.008 || err < -0.008 {
				t.Errorf("v=%d mid=%d error %.4f", v, mid, err)
			}
		} else if mid != v {
			t.Errorf("small value %d -> %d", v, mid)
		}
	}
}

func TestQuantilesAgainstSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var h, a, b Histogram
	var all []int64
	for i := range 20000 {
		v := int64(r.ExpFloat64() * 200e3) // ~200 µs mean
		all = append(all, v)
		h.Record(time.Duration(v))
		if i%2 == 0 {
			a.Record(time.Duration(v))
		} else {
			b.Record(time.Duration(v))
		}
	}
	a.Merge(&b)
	slices.Sort(all)
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		exact := all[int(q*float64(len(all)))-1]
		got := int64(h.Quantile(q))
		if d := float64(got-exact) / float64(exact); d > 0.01 || d < -0.01 {
			t.Errorf("q%.3f: %d vs exact %d", q, got, exact)
		}
		if a.Quantile(q) != h.Quantile(q) {
			t.Errorf("merged histogram differs at q%.3f", q)
		}
	}
	if h.Min() != time.Duration(all[0]) || h.Max() != time.Duration(all[len(all)-1]) || h.Count() != 20000 {
		t.Errorf("min/max/count %v %v %d", h.Min(), h.Max(), h.Count())
	}
	h.Reset()
	if h.Count() != 0 || h.Quantile(0.5) != 0 || h.Mean() != 0 {
		t.Error("reset")
	}
}
