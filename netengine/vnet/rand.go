package vnet

import "math/rand/v2"

// newRand is a link's own generator for random impairments: seeded by link
// number, so a run's drops repeat.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x6e65746c6162)) }
