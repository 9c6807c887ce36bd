package fuzz_test

import (
	"os"
	"path/filepath"
	"testing"
)

// addSeeds adds every JSON payload of testdata/<dir> at the module's root
// to f's seed corpus; a target without seed payloads fails.
func addSeeds(f *testing.F, dir string) {
	f.Helper()
	seeds, err := filepath.Glob(filepath.Join("..", "..", "testdata", dir, "*.json"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed payloads in testdata/%s: %v", dir, err)
	}
	for _, path := range seeds {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}
