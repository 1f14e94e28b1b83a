//go:build !race

package vengine_test

const raceEnabled = false
