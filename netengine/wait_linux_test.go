package netengine

import "time"

// waitTime bounds the waits of this package's own Linux tests (the
// conformance suite has its own, in netengine/enginetest).
const waitTime = 20 * time.Second
