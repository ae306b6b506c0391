//go:build !unix

package links

import "os"

// lockFile does nothing where flock is unavailable: there, one Herald
// process per data directory is assumed, and every journal left at start
// is adopted.
func lockFile(f *os.File, wait bool) error { return nil }
