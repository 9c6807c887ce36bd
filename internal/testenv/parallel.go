package testenv

import (
	"flag"
	"strconv"
)

// DefaultParallel makes n the default of go test's -parallel flag (how
// many parallel tests of one package run at once; go test's own default is
// GOMAXPROCS) for the package whose TestMain calls it, before m.Run. It is
// for packages whose tests mostly wait — for a browser, a server process, a
// scrape — rather than compute, so that on a 2-core machine they do not
// wait one pair at a time. A -parallel given on the command line wins.
func DefaultParallel(n int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	given := false
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "test.parallel" {
			given = true
		}
	})
	if !given && n > 0 {
		// The flag is registered by package testing; Set cannot fail for a
		// positive integer.
		_ = flag.Set("test.parallel", strconv.Itoa(n))
	}
}
