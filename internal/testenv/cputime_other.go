//go:build !unix

package testenv

import "time"

// CPUTime is 0 on systems without getrusage.
func CPUTime() time.Duration { return 0 }
