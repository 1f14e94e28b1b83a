//go:build linux

package tcpstate

import "testing"

func BenchmarkSnapshotNetlink(b *testing.B) {
	for b.Loop() {
		if _, err := SnapshotNetlink(); err != nil {
			b.Skip(err)
		}
	}
}

func BenchmarkSnapshotProc(b *testing.B) {
	for b.Loop() {
		if _, err := SnapshotProc(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSampleOwn(b *testing.B) {
	s := NewSampler(Options{})
	for b.Loop() {
		if err := s.Sample(); err != nil {
			b.Fatal(err)
		}
	}
}
