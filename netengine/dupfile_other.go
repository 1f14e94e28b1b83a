//go:build !unix && !windows

package netengine

import (
	"fmt"
	"os"
)

// dupOSFile needs a way to duplicate a descriptor, which systems other
// than Unix and Windows (js/wasm, plan9) do not offer here: SendFile
// reports it instead of sharing the caller's file.
func dupOSFile(f *os.File) (*os.File, error) {
	return nil, fmt.Errorf("netengine: SendFile: cannot duplicate %s here: %w", f.Name(), ErrUnsupported)
}
